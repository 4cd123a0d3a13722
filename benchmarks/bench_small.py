"""Cost of a small run: the default scenario (60 parties, 156 weeks), policy ``graduated``.

Times ``--runs`` runs the way a sweep makes them (``sim.study.sweep.run_replications``: one
``sim.compose`` per job, then per seed ``ConflictModel(replace(params, seed=s)).run()``
and ``sim.core.metrics.outcomes``), split into build, run and outcomes, and prints the median,
best and 90th percentile of each. Per step it puts the model's step time at 60 parties
next to a bare numpy/scipy loop of the same Richardson update on the same
``model.adjacency`` (``bench_step.PlainLoop``, same process, timed right after each run):
at 60 parties the arithmetic is trivial, so the difference is the per-step Python
overhead (shocks, warning, response, levels, events, records, Mesa's step wrapper).
Then per-phase timings of the step (``_common.PhaseTimer``) and a cProfile top 10 by
tottime of ``--profile-runs`` runs (build + run + outcomes).

The machine is assumed shared and noisy: medians and ratios measured in this one run
are what to read. Not part of the test suite. Run::

    .venv/bin/python benchmarks/bench_small.py              # 30 runs, ~15 s
    .venv/bin/python benchmarks/bench_small.py --runs 10
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from dataclasses import replace

import numpy as np
from _common import PhaseTimer, begin, finish, load_line, phase_table, profile_rows
from bench_step import PlainLoop

import sim
from sim.core import metrics
from sim.core.model import ConflictModel


def one_run(params, seed: int) -> dict:
    """Build, run and score one model (timed separately), then the bare loop on the same
    model's arrays for the same number of steps."""
    clock = time.perf_counter
    t0 = clock()
    model = ConflictModel(replace(params, seed=seed))
    t1 = clock()
    model.run()
    t2 = clock()
    metrics.outcomes(model)
    t3 = clock()
    plain = PlainLoop(model, np.random.default_rng(1), np.random.default_rng(2))
    t4 = clock()
    plain.run(model.n_steps)
    t5 = clock()
    return {"build": t1 - t0, "run": t2 - t1, "outcomes": t3 - t2,
            "total": t3 - t0, "bare": t5 - t4, "steps": model.n_steps}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30, help="timed runs, seeds 0..runs-1 "
                    "(default 30)")
    ap.add_argument("--phase-runs", type=int, default=10,
                    help="extra runs with per-phase timers (default 10)")
    ap.add_argument("--profile-runs", type=int, default=10,
                    help="runs under cProfile for the top 10 (default 10)")
    ap.add_argument("--policy", default="graduated", help="policy (default graduated)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")

    t_start = begin("PrevSim small-run benchmark (issue 6, target 3)")
    t0 = time.perf_counter()
    params = sim.compose([f"policy={args.policy}"])
    compose_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    params = sim.compose([f"policy={args.policy}"])
    compose2_s = time.perf_counter() - t0
    print(f"scenario {params.scenario.name}: {params.network.n_parties} parties "
          f"({params.network.kind}), {params.horizon_weeks} weeks = {params.n_steps} steps, "
          f"policy={params.policy.name}, record.hostility={params.record.hostility}; "
          f"{args.runs} runs, seeds 0..{args.runs - 1}, gc.collect() before each")
    print(f"sim.compose (Hydra; once per sweep job, not per run): first "
          f"{compose_s * 1e3:.0f} ms, again {compose2_s * 1e3:.0f} ms")
    print()

    one_run(params, 10_000)                # warm imports and first-call caches
    rows = []
    for seed in range(args.runs):
        gc.collect()
        rows.append(one_run(params, seed))
    steps = rows[0]["steps"]

    def stats(key: str, scale: float = 1e3) -> tuple[float, float, float]:
        v = np.array([r[key] for r in rows]) * scale
        return float(np.median(v)), float(v.min()), float(np.percentile(v, 90))

    print(f"{'per run':<30} {'median':>9} {'best':>9} {'p90':>9}  share of median total")
    total_med = stats("total")[0]
    for key, label in (("build", "build  ConflictModel(params)"),
                       ("run", f"run    {steps} steps"),
                       ("outcomes", "score  metrics.outcomes"),
                       ("total", "total  (ms)")):
        med, lo, p90 = stats(key)
        print(f"{label:<30} {med:>7.1f}ms {lo:>7.1f}ms {p90:>7.1f}ms  "
              f"{med / total_med * 100:>5.0f}%")
    print()

    step_med, step_lo, _ = stats("run", 1e6 / steps)
    bare_med, bare_lo, _ = stats("bare", 1e6 / steps)
    ratios = np.array([r["run"] / r["bare"] for r in rows])
    print(f"{'per step at 60 parties':<30} {'median':>9} {'best':>9}")
    print(f"{'model step (run / steps)':<30} {step_med:>7.1f}us {step_lo:>7.1f}us")
    print(f"{'bare Richardson loop':<30} {bare_med:>7.1f}us {bare_lo:>7.1f}us")
    print(f"{'model / bare':<30} {np.median(ratios):>8.1f}x {step_lo / bare_lo:>8.1f}x"
          "   (median of per-run ratios; ratio of the bests)")
    print(f"{'overhead (model - bare)':<30} {step_med - bare_med:>7.1f}us "
          f"{step_lo - bare_lo:>7.1f}us   per step: the Python around the arithmetic")
    noise = stats("total")
    print(f"noise: p90 / best of the run totals = {noise[2] / noise[1]:.2f}x; "
          f"{load_line()}")
    print()

    if args.phase_runs > 0:
        acc = None
        for seed in range(args.phase_runs):
            gc.collect()
            model = ConflictModel(replace(params, seed=seed))
            timer = PhaseTimer(model)
            timer.install()
            timer.run(model.n_steps)
            timer.remove()
            if acc is None:
                acc = timer
            else:
                acc.add(timer)
        print(f"Where a step's time goes at {params.network.n_parties} parties "
              f"({args.phase_runs} phase-timed runs; µs per step and share)")
        for line in phase_table([(f"{params.network.n_parties}", acc.shares())]):
            print(line)
        print("other = Mesa's step wrapper (model.step -> _advance_time), call overhead "
              "and the timers (~1 us)")
        print()

    if args.profile_runs > 0:
        pr = cProfile.Profile()
        pr.enable()
        for seed in range(args.profile_runs):
            metrics.outcomes(ConflictModel(replace(params, seed=seed)).run())
        pr.disable()
        buf = io.StringIO()
        pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(10)
        text = buf.getvalue()
        head = next((ln for ln in text.splitlines() if "function calls" in ln), "")
        print(f"cProfile of {args.profile_runs} runs (build + run + outcomes), top 10 by "
              f"tottime; {head.strip()}")
        print(profile_rows(text))
        print()

    return finish(t_start)


if __name__ == "__main__":
    sys.exit(main())
