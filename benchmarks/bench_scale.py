"""Scaling of ConflictModel with every mechanism on: step time, build time, peak memory.

For each network size (default 1,000, 10,000 and 100,000 parties, the default
``regional_blocks`` network, whose mean degree is fixed, so edges grow with parties), a
fresh Python subprocess composes the parameters with ``sim.compose`` (``policy=graduated``;
early warning, shocks and feedbacks are on by default; ``record.hostility`` stays on below
``--record-limit`` parties and is turned off above), then

* builds the model (timed),
* runs it for ``--weeks`` steps, timing it in blocks of ``--block`` steps; after each
  timed model block, a bare numpy/scipy loop of the same Richardson update on the same
  ``model.adjacency`` (``bench_step.PlainLoop``) runs the same number of steps, and then
  a further model block runs with per-phase timers (``_common.PhaseTimer``; these blocks
  give where the step time goes and are not in the step time),
* reports its own peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), so the
  memory figure is per size.

Sizes below 50,000 parties are repeated ``--repeats`` times on fresh models with the same
seed (identical runs) and the best repeat is kept; larger sizes are built once (building
100,000 parties takes about a minute). The parent prints step time per (parties +
nonzeros of W), the step ratio model/bare, build time, peak memory, and the growth
exponent between consecutive sizes (1 = linear in parties + edges). The machine is
assumed shared and noisy: read the ratios.

Not part of the test suite. Run::

    .venv/bin/python benchmarks/bench_scale.py                     # 1k, 10k, 100k; ~70 s here
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000 10000 --weeks 52
    .venv/bin/python benchmarks/bench_scale.py --profile 10000     # + cProfile of a run
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LARGE = 50_000          # sizes from here on are built once (no repeats)
WARMUP_STEPS = 4
JSON_TAG = "BENCH_SCALE_JSON "


# --------------------------------------------------------------------------- child
def one_repeat(params, block: int) -> dict:
    """Build one model and run it to its horizon: model blocks, bare blocks and
    phase-timed model blocks interleaved. Every reference to the model dies on return,
    so the next repeat's build does not overlap it in memory."""
    import numpy as np
    from _common import PhaseTimer, current_rss_mb
    from bench_step import PlainLoop

    from sim.core.model import ConflictModel

    clock = time.perf_counter
    t0 = clock()
    model = ConflictModel(params)
    build_s = clock() - t0
    rss_built = current_rss_mb()
    plain = PlainLoop(model, np.random.default_rng(1), np.random.default_rng(2))
    for _ in range(WARMUP_STEPS):
        model.step()
    plain.run(WARMUP_STEPS)

    timer = PhaseTimer(model)
    step = model.step
    model_t = bare_t = 0.0
    model_steps = 0
    bare_blocks = []
    while model.steps + 2 * block <= model.n_steps:
        t0 = clock()
        for _ in range(block):
            step()
        model_t += clock() - t0
        model_steps += block
        t0 = clock()
        plain.run(block)
        dt = clock() - t0
        bare_t += dt
        bare_blocks.append(dt / block)
        timer.install()
        timer.run(block)
        timer.remove()
    while model.steps < model.n_steps:
        step()
    counts = model.event_log.counts
    return {
        "build_s": build_s, "model_step_s": model_t / model_steps,
        "bare_step_s": bare_t / model_steps, "timed_steps": model_steps,
        "bare_noise": float(np.median(bare_blocks) / min(bare_blocks)),
        "rss_built": rss_built, "rss_run": current_rss_mb(),
        "warnings": counts.get("warning", 0), "actions": counts.get("action", 0),
        "deployments": counts.get("deployment", 0),
        "agreements": counts.get("agreement", 0), "events": len(model.event_log),
        "phases": timer.shares(),
        "nnz": int(model.adjacency.nnz), "edges": model.network.number_of_edges(),
    }


def child(n: int, weeks: int, repeats: int, block: int, record: bool,
          profile: bool) -> dict:
    """Measure one size in this (fresh) process; returns a JSON-able dict."""
    from _common import current_rss_mb, peak_rss_mb

    import sim
    from sim.core.model import ConflictModel

    t0 = time.perf_counter()
    params = sim.compose(["policy=graduated", f"network.n_parties={n}",
                          f"horizon_weeks={weeks}",
                          f"record.hostility={'true' if record else 'false'}"])
    compose_s = time.perf_counter() - t0
    assert params.shocks.enabled and params.dynamics.feedback and params.un.early_warning
    gc.collect()
    rss_base = current_rss_mb()           # interpreter + imports + Hydra, no model yet
    peak_base = peak_rss_mb()

    reps = []
    for _ in range(repeats):
        gc.collect()                      # the previous repeat's model (agent cycles)
        reps.append(one_repeat(params, block))

    out = {
        "n": n, "nnz": reps[0]["nnz"], "edges": reps[0]["edges"], "weeks": weeks,
        "repeats": repeats, "record": record, "compose_s": compose_s,
        "rss_base": rss_base, "peak_base": peak_base, "peak_rss": peak_rss_mb(),
        "reps": reps,
    }

    if profile:
        import cProfile
        import io
        import pstats

        gc.collect()
        model = ConflictModel(params)
        pr = cProfile.Profile()
        pr.enable()
        model.run()
        pr.disable()
        buf = io.StringIO()
        pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(12)
        out["profile"] = buf.getvalue()
    return out


# --------------------------------------------------------------------------- parent
def run_child(n: int, args) -> dict:
    repeats = args.repeats if n < LARGE else 1
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n),
           "--weeks", str(args.weeks), "--repeats", str(repeats), "--block",
           str(args.block), "--record-limit", str(args.record_limit)]
    if n in args.profile:
        cmd.append("--child-profile")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"size {n}: child failed with exit code {proc.returncode}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith(JSON_TAG))
    out = json.loads(line[len(JSON_TAG):])
    out["wall_s"] = wall
    return out


def best(r: dict) -> dict:
    """Best repeat: the fastest model step; bare, build and each phase of the
    phase-timed blocks are each their own best (the repeats are identical runs)."""
    reps = r["reps"]
    b = dict(min(reps, key=lambda x: x["model_step_s"]))
    b["bare_step_s"] = min(x["bare_step_s"] for x in reps)
    b["build_s"] = min(x["build_s"] for x in reps)
    steps = [x["model_step_s"] for x in reps]
    b["spread"] = max(steps) / min(steps) if len(reps) > 1 else float("nan")
    b["ratio"] = b["model_step_s"] / b["bare_step_s"]
    phases = {k: min(x["phases"][k] for x in reps) for k in reps[0]["phases"] if k != "total"}
    phases["total"] = sum(phases.values())
    b["phases"] = phases
    return b


def verdict(k: float) -> str:
    if k != k:
        return "-"
    if k < 0.75:
        return "sublinear"
    if k <= 1.25:
        return "about linear"
    return "superlinear"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000],
                    help="network sizes (parties); default 1000 10000 100000")
    ap.add_argument("--weeks", type=int, default=156,
                    help="weeks (steps) of each run, = horizon_weeks (default 156)")
    ap.add_argument("--repeats", type=int, default=7,
                    help=f"identical runs per size below {LARGE} parties; the best is "
                    "kept (default 7); larger sizes run once")
    ap.add_argument("--block", type=int, default=4,
                    help="steps per timed block (model, bare, phase-timed model; "
                    "default 4)")
    ap.add_argument("--record-limit", type=int, default=LARGE,
                    help="record.hostility is on below this many parties, off from it "
                    f"(default {LARGE})")
    ap.add_argument("--profile", type=int, nargs="*", default=[],
                    help="sizes to profile with cProfile (one extra run each, top 12 "
                    "by tottime)")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--child-profile", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.weeks < WARMUP_STEPS + 2 * args.block or args.block < 1 or args.repeats < 1:
        ap.error(f"need --block >= 1, --repeats >= 1, --weeks >= {WARMUP_STEPS} + 2*block")
    if any(n < 4 for n in args.sizes):
        ap.error("sizes must be >= 4 (4 regions)")

    if args.child is not None:
        out = child(args.child, args.weeks, args.repeats, args.block,
                    args.child < args.record_limit, args.child_profile)
        print(JSON_TAG + json.dumps(out), flush=True)
        return 0

    from _common import begin, finish, load_line, phase_table, profile_rows

    t_start = begin("PrevSim scale benchmark (issue 6, targets 1-2)")
    print(f"network regional_blocks (defaults: 4 regions, mean degree ~7), policy=graduated, "
          f"warning+shocks+feedback+noise on, {args.weeks} weeks per run, timed in blocks "
          f"of {args.block} after {WARMUP_STEPS} warm-up steps; one subprocess per size")
    print()

    results = []
    for n in args.sizes:
        r = run_child(n, args)
        r["best"] = best(r)
        results.append(r)
        b = r["best"]
        print(f"  done {n:>7} parties in {r['wall_s']:.1f}s "
              f"({r['repeats']} run(s); {load_line()})", flush=True)
    print()

    head = (f"{'parties':>8} {'W nnz':>8} | {'build':>8} | {'model ms':>9} "
            f"{'bare ms':>8} {'model/bare':>10} | {'ns/step/(n+nnz)':>15} "
            f"{'bare ns/(n+nnz)':>15} | {'peak MB':>8} {'model MB':>8} {'rec':>3} | "
            f"{'spread':>6} {'noise':>5}")
    print(head)
    print("-" * len(head))
    for r in results:
        b = r["best"]
        size = r["n"] + r["nnz"]
        spread = f"{b['spread']:.2f}x" if b["spread"] == b["spread"] else "  -  "
        print(f"{r['n']:>8} {r['nnz']:>8} | {b['build_s']:>7.2f}s | "
              f"{b['model_step_s'] * 1e3:>9.3f} {b['bare_step_s'] * 1e3:>8.3f} "
              f"{b['ratio']:>9.1f}x | {b['model_step_s'] / size * 1e9:>15.1f} "
              f"{b['bare_step_s'] / size * 1e9:>15.1f} | {r['peak_rss']:>8.0f} "
              f"{r['peak_rss'] - r['peak_base']:>8.0f} {'on' if r['record'] else 'off':>3} | "
              f"{spread:>6} {b['bare_noise']:>4.2f}x")
    print()
    print("model ms  = ConflictModel.step() per step (timed blocks; best of the repeats);")
    print("bare ms   = the bare Richardson loop on the same model.adjacency, same process;")
    print("peak MB   = peak RSS of the size's subprocess; model MB = peak minus the RSS")
    print("            after imports and compose (Hydra), before the model was built;")
    print("spread    = slowest / fastest repeat's model step (identical runs);")
    print("noise     = median / fastest bare block (identical work): timing noise.")
    print()

    print("Run contents (best repeat): mechanisms at work")
    for r in results:
        b = r["best"]
        print(f"  {r['n']:>7} parties: {b['events']} events, {b['warnings']} warnings, "
              f"{b['actions']} actions, {b['deployments']} deployments, "
              f"{b['agreements']} agreements; RSS after build {b['rss_built']:.0f} MB, "
              f"after the run {b['rss_run']:.0f} MB (base {r['rss_base']:.0f} MB)")
    print()

    if len(results) > 1:
        print("Growth between consecutive sizes: exponent k in t ~ (n+nnz)^k "
              "(1 = linear; 'about linear' = 0.75..1.25)")
        gh = (f"{'from -> to':>17} | {'(n+nnz) x':>9} | {'step x':>7} {'k':>5} "
              f"{'':<12} | {'model MB x':>10} {'k':>5} {'':<12} | {'build x':>7} {'k':>5}")
        print(gh)
        print("-" * len(gh))
        for a, c in zip(results, results[1:]):
            ba, bc = a["best"], c["best"]
            fs = (c["n"] + c["nnz"]) / (a["n"] + a["nnz"])
            ft = bc["model_step_s"] / ba["model_step_s"]
            ma, mc = a["peak_rss"] - a["peak_base"], c["peak_rss"] - c["peak_base"]
            fm = mc / ma if ma > 0 else float("nan")
            fb = bc["build_s"] / ba["build_s"]
            kt, kb = math.log(ft) / math.log(fs), math.log(fb) / math.log(fs)
            km = math.log(fm) / math.log(fs) if fm == fm and fm > 0 else float("nan")
            print(f"{a['n']:>7} -> {c['n']:>7} | {fs:>8.1f}x | {ft:>6.1f}x {kt:>5.2f} "
                  f"{verdict(kt):<12} | {fm:>9.1f}x {km:>5.2f} {verdict(km):<12} | "
                  f"{fb:>6.1f}x {kb:>5.2f}")
        print()

    print("Where the step time goes (phase-timed blocks; µs per step, each phase the best "
          "of the repeats, and its share of their sum)")
    for line in phase_table([(f"{r['n']}", r["best"]["phases"]) for r in results]):
        print(line)
    print("other = Mesa's step wrapper (model.step -> _advance_time) and call overhead.")
    print()

    for r in results:
        if "profile" in r:
            print(f"cProfile of one {r['weeks']}-week run at {r['n']} parties "
                  "(top 12 by tottime):")
            text = r["profile"]
            print(profile_rows(text))
            print()

    return finish(t_start)


if __name__ == "__main__":
    sys.exit(main())
