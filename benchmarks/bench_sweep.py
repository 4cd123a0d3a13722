"""Wall time, overhead and memory of the compare_policies sweep under each Hydra launcher.

Runs ``python -m sim experiment=compare_policies`` as a subprocess in a temporary working
directory (nothing is written under the repository's ``results/``) with
``hydra/launcher=basic``, ``hydra/launcher=joblib hydra.launcher.n_jobs=2`` and
``hydra/launcher=joblib hydra.launcher.n_jobs=1``, and prints, from one run:

* wall time and runs per second of each, and the speed-up of joblib(2) over basic;
* next to it, the machine's own 2-process speed-up on a fixed pure-Python CPU task
  (1 process running it twice vs 2 processes running it once each, in parallel);
* the share of the basic sweep's wall time that is not simulation, and that share less
  the start-up any fresh process pays (``python -c "import sim"``):
  ``1 - simulation / basic wall``, where *simulation* is ``sim.study.sweep.run_replications``
  of the same policies and seeds, in this process; and ``python -m sim.report`` alone;
* the peak RSS of the basic sweep at ``R`` and ``4R`` replications, and the share that
  is not simulation at ``4R`` too;
* the CPU time (user + sys, from ``os.wait4``) next to each wall time, and a check that
  the in-process runs are the sweep's runs (same seeds, same outcomes).

The machine is assumed shared and noisy: the repeats are interleaved (rotated), the best
of each is kept, and the ratios (measured in the same run) are what to read. At the
defaults it takes about 6 minutes on a 2-core machine at load average 3-5 (less when
idle). Not part of the test suite. Run::

    .venv/bin/python benchmarks/bench_sweep.py                      # R = 50, 2 repeats
    .venv/bin/python benchmarks/bench_sweep.py --replications 10 --repeats 1
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

import sim
from sim import config as sim_config
from sim.core.rng import draw_seeds
from sim.study.sweep import run_replications

EXPERIMENT = "compare_policies"
CPU_TASK_N = 8_000_000          # iterations of the pure-Python CPU task (about 0.5-1 s)
OUTCOME_CHECK = ("armed_conflict", "violence_party_weeks", "total_cost_usd")


# --------------------------------------------------------------------------- sweeps
class Sweeps:
    """Runs sweeps as subprocesses in ``workdir``; every sweep gets a fresh folder."""

    def __init__(self, workdir: Path, replications: int, jobs: int):
        self.workdir = workdir
        self.replications = replications
        self.jobs = jobs

    def launcher_overrides(self, launcher: str) -> list[str]:
        if launcher == "basic":
            return ["hydra/launcher=basic"]
        n_jobs = launcher.removeprefix("joblib")
        return ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={n_jobs}"]

    def run(self, launcher: str, replications: int | None = None) -> dict:
        """One whole sweep: wall time, peak RSS and CPU time (os.wait4), its folder."""
        reps = replications or self.replications
        name = f"bench-{launcher}-{reps}-{uuid.uuid4().hex[:8]}"
        cmd = [sys.executable, "-m", "sim", f"experiment={EXPERIMENT}",
               f"study.sweep_name={name}", "study.progress=false",
               f"study.replications={reps}", *self.launcher_overrides(launcher)]
        log = self.workdir / f"{name}.log"
        with open(log, "wb") as out:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=self.workdir, stdout=out,
                                    stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
        sweep_dir = self.workdir / "results" / EXPERIMENT / name
        jobs = sorted(sweep_dir.glob("jobs/*/runs.parquet"))
        problems = []
        if proc.returncode != 0:
            problems.append(f"exit code {proc.returncode}")
        if not (sweep_dir / "report.md").exists():
            problems.append("no report.md")
        if len(jobs) != self.jobs:
            problems.append(f"{len(jobs)} job tables, not {self.jobs}")
        if list(sweep_dir.glob("failed/*.json")):
            problems.append("failed jobs")
        if problems:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            raise RuntimeError(f"sweep {' '.join(cmd[2:])} went wrong ({', '.join(problems)})"
                               f"; log tail:\n{tail}")
        return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024,
                "cpu": usage.ru_utime + usage.ru_stime, "dir": sweep_dir, "jobs": len(jobs)}

    def report(self, sweep_dir: Path) -> float:
        """``python -m sim.report <sweep_dir>`` alone (on a finished sweep): wall time."""
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim.report", str(sweep_dir)],
                       cwd=self.workdir, check=True, capture_output=True)
        return time.perf_counter() - t0

    def startup(self) -> float:
        """``python -c "import sim"``: the interpreter and the simulation's own imports
        (Mesa, which brings pandas and scipy; numpy; networkx), which any way of running
        the simulation from a fresh process pays, Hydra or not: wall time."""
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sim"], cwd=self.workdir, check=True,
                       capture_output=True)
        return time.perf_counter() - t0


# --------------------------------------------------------------------------- simulation
def experiment_policies() -> list[str]:
    """The policies the compare_policies experiment sweeps (from its YAML)."""
    path = sim_config.config_dir() / "experiment" / f"{EXPERIMENT}.yaml"
    return [p.strip() for p in
            str(OmegaConf.load(path).hydra.sweeper.params.policy).split(",")]


def simulate(params: dict[str, sim.Params],
             seeds: list[int]) -> tuple[float, float, pd.DataFrame]:
    """The sweep's simulations alone, in this process (params composed beforehand):
    wall time, CPU time and the runs."""
    tables = []
    t0, c0 = time.perf_counter(), time.process_time()
    for policy, p in params.items():
        tables.append(run_replications(p, seeds, {"policy": policy}))
    return (time.perf_counter() - t0, time.process_time() - c0,
            pd.concat(tables, ignore_index=True))


def check_same_runs(inprocess: pd.DataFrame, sweep_dir: Path) -> str:
    """Compare the in-process outcomes with the sweep's combined table (same work?)."""
    swept = pd.read_parquet(sweep_dir / "runs.parquet")
    key = ["policy", "replication"]
    a = inprocess.sort_values(key).reset_index(drop=True)
    b = swept.sort_values(key).reset_index(drop=True)
    if len(a) != len(b) or not (a.seed.values == b.seed.values).all():
        return (f"MISMATCH: the in-process runs and the sweep's differ in seeds or number "
                f"({len(a)} vs {len(b)} runs)")
    if not all((a[c].values == b[c].values).all() for c in OUTCOME_CHECK):
        return ("MISMATCH: the in-process runs' outcomes differ from the sweep's (did sim/ "
                "change during the benchmark? the sweeps import it afresh)")
    return (f"the in-process simulation ran the same {len(a)} runs as the sweep (same seeds "
            f"and outcomes: {', '.join(OUTCOME_CHECK)})")


# --------------------------------------------------------------------------- CPU task
def _cpu_task(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def _cpu_worker(n: int, times: int, barrier, out) -> None:
    barrier.wait()
    t0 = time.perf_counter()
    for _ in range(times):
        _cpu_task(n)
    out.put((t0, time.perf_counter()))


def cpu_wall(processes: int, times_each: int, n: int = CPU_TASK_N) -> float:
    """Wall time of ``processes`` processes each running the task ``times_each`` times,
    from a common start (after a barrier, so process start-up is not counted)."""
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=_cpu_worker, args=(n, times_each, barrier, out))
             for _ in range(processes)]
    for p in procs:
        p.start()
    spans = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return max(end for _, end in spans) - min(start for start, _ in spans)


# --------------------------------------------------------------------------- main
def fmt_times(values: list[float]) -> str:
    return " ".join(f"{v:.1f}" for v in values)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replications", type=int, default=50,
                    help="replications per job, R (default 50, as the experiment); the "
                    "memory check also runs 4R")
    ap.add_argument("--repeats", type=int, default=2,
                    help="interleaved repeats of each timing; the best is kept (default 2)")
    args = ap.parse_args(argv)
    if args.replications < 1 or args.repeats < 1:
        ap.error("--replications and --repeats must be >= 1")

    t_start = time.perf_counter()
    import hydra
    import joblib

    policies = experiment_policies()
    R = args.replications
    runs = len(policies) * R
    load0 = os.getloadavg()
    print(f"PrevSim sweep benchmark: python {platform.python_version()}, hydra "
          f"{hydra.__version__}, joblib {joblib.__version__}, pandas {pd.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} cores")
    print(f"experiment={EXPERIMENT}: {len(policies)} policies x {R} replications = {runs} "
          f"runs per sweep; best of {args.repeats} interleaved repeats")

    seeds = draw_seeds(2011, R)          # study.root_seed, as the sweep draws them
    params = {p: sim.compose([f"policy={p}"]) for p in policies}   # composition: untimed
    gc.freeze()  # as `python -m sim` does, so both collect garbage alike
    launchers = ["basic", "joblib2", "joblib1"]
    times: dict[str, list[float]] = {k: [] for k in
                                     [*launchers, "sim", "report", "startup", "cpu1", "cpu2"]}
    cpu: dict[str, list[float]] = {k: [] for k in [*launchers, "sim"]}
    rss: dict[int, list[float]] = {R: [], 4 * R: []}
    basic_dirs: list[Path] = []
    inprocess = None

    with tempfile.TemporaryDirectory(prefix="prevsim-bench-sweep-") as tmp:
        sweeps = Sweeps(Path(tmp), R, len(policies))
        print(f"working directory {tmp} (removed at the end)", flush=True)

        def sweep(launcher: str, rep: int) -> dict:
            r = sweeps.run(launcher)
            times[launcher].append(r["wall"])
            cpu[launcher].append(r["cpu"])
            print(f"  repeat {rep + 1}: sweep {launcher:<8} {r['wall']:6.1f}s wall "
                  f"{r['cpu']:6.1f}s CPU ({r['jobs']} jobs)", flush=True)
            return r

        def block_basic(rep: int) -> None:      # the simulation right after its sweep
            nonlocal inprocess
            r = sweep("basic", rep)
            rss[R].append(r["rss_mb"])
            basic_dirs.append(r["dir"])
            t_sim, c_sim, inprocess = simulate(params, seeds)
            times["sim"].append(t_sim)
            cpu["sim"].append(c_sim)
            print(f"  repeat {rep + 1}: simulation alone {t_sim:6.1f}s wall {c_sim:6.1f}s "
                  "CPU", flush=True)

        def block_joblib2(rep: int) -> None:    # the machine's speed-up right before
            times["cpu1"].append(cpu_wall(1, 2))
            times["cpu2"].append(cpu_wall(2, 1))
            print(f"  repeat {rep + 1}: CPU task 1 process x2 {times['cpu1'][-1]:.2f}s, "
                  f"2 processes x1 {times['cpu2'][-1]:.2f}s", flush=True)
            sweep("joblib2", rep)

        def block_joblib1(rep: int) -> None:
            sweep("joblib1", rep)
            times["startup"].append(sweeps.startup())
            if basic_dirs:
                times["report"].append(sweeps.report(basic_dirs[-1]))
            print(f"  repeat {rep + 1}: python -c 'import sim' {times['startup'][-1]:.2f}s"
                  + (f", python -m sim.report {times['report'][-1]:.1f}s"
                     if basic_dirs else ""), flush=True)

        blocks = [block_basic, block_joblib2, block_joblib1]
        for rep in range(args.repeats):
            for block in blocks[rep % 3:] + blocks[:rep % 3]:   # rotated each repeat
                block(rep)
        if not times["report"]:
            times["report"].append(sweeps.report(basic_dirs[-1]))
        check = check_same_runs(inprocess, basic_dirs[-1])
        big = sweeps.run("basic", 4 * R)
        rss[4 * R].append(big["rss_mb"])
        big_sim, _, _ = simulate(params, draw_seeds(2011, 4 * R))
        print(f"  memory: basic sweep at {4 * R} replications {big['wall']:.1f}s; its "
              f"simulation alone {big_sim:.1f}s", flush=True)

    best = {k: min(v) for k, v in times.items()}
    load1 = os.getloadavg()
    print()
    header = (f"{'measure':<42} {'best s':>7} {'runs/s':>7} {'vs basic':>8} {'CPU s':>6}"
              f"   all repeats (s)")
    print(header)
    print("-" * len(header))
    labels = {"basic": "sweep, hydra/launcher=basic",
              "joblib2": "sweep, hydra/launcher=joblib n_jobs=2",
              "joblib1": "sweep, hydra/launcher=joblib n_jobs=1",
              "sim": "simulation alone, in-process"}
    for key, label in labels.items():
        print(f"{label:<42} {best[key]:>7.1f} {runs / best[key]:>7.2f} "
              f"{best['basic'] / best[key]:>7.2f}x {min(cpu[key]):>6.1f}   "
              f"{fmt_times(times[key])}")
    blank = f"{'':>7} {'':>8} {'':>6}"
    print(f"{'python -m sim.report <sweep_dir> alone':<42} {best['report']:>7.1f} {blank}   "
          f"{fmt_times(times['report'])}")
    label = "python -c 'import sim' (start-up)"
    print(f"{label:<42} {best['startup']:>7.2f} {blank}   "
          f"{' '.join(f'{v:.2f}' for v in times['startup'])}")
    print(f"{'CPU task, 1 process x 2 (serial)':<42} {best['cpu1']:>7.2f} {blank}   "
          f"{' '.join(f'{v:.2f}' for v in times['cpu1'])}")
    print(f"{'CPU task, 2 processes x 1 (parallel)':<42} {best['cpu2']:>7.2f} {blank}   "
          f"{' '.join(f'{v:.2f}' for v in times['cpu2'])}")
    print()
    sweep_speedup = best["basic"] / best["joblib2"]
    machine_speedup = best["cpu1"] / best["cpu2"]
    overhead = 1 - best["sim"] / best["basic"]

    def per_repeat(values: list[float], fmt: str) -> str:
        return "per repeat " + " ".join(format(v, fmt) for v in values)

    print(f"parallel speed-up, joblib(2) / basic         {sweep_speedup:5.2f}x   "
          + per_repeat([b / j for b, j in zip(times["basic"], times["joblib2"])], ".2f"))
    print(f"machine 2-process speed-up (CPU task)        {machine_speedup:5.2f}x   "
          + per_repeat([a / b for a, b in zip(times["cpu1"], times["cpu2"])], ".2f")
          + " (ideal 2.00)")
    print(f"sweep speed-up / machine speed-up            {sweep_speedup / machine_speedup:5.2f}")
    print(f"joblib(1) / basic (time ratio)               "
          f"{best['joblib1'] / best['basic']:5.2f}")
    print(f"not simulation, 1 - simulation / basic wall  {overhead:5.1%}   "
          f"({best['basic'] - best['sim']:.1f}s of {best['basic']:.1f}s); "
          + per_repeat([1 - a / b for a, b in zip(times["sim"], times["basic"])], ".1%")
          + " (paired)")
    print(f"  same on CPU time, 1 - CPU sim / CPU basic  "
          f"{1 - min(cpu['sim']) / min(cpu['basic']):5.1%}   "
          + per_repeat([1 - a / b for a, b in zip(cpu["sim"], cpu["basic"])], ".1%")
          + " (less sensitive to load)")
    startup, report = best["startup"], best["report"] - best["startup"]
    print(f"  of which start-up, python -c 'import sim'  "
          f"{startup / best['basic']:5.1%}   ({startup:.1f}s: interpreter and the "
          "simulation's imports, Hydra or not)")
    print(f"  of which the report (sim.report - start-up) "
          f"{report / best['basic']:5.1%}   ({report:.1f}s)")
    hydra_files_report = 1 - (best["sim"] + startup) / best["basic"]
    print(f"Hydra, files and aggregation, 1 - (simulation + start-up) / basic wall  "
          f"{hydra_files_report:5.1%}   ({best['basic'] - best['sim'] - startup:.1f}s)")
    print(f"not simulation at 4R = {4 * R:<4} (one sweep)       "
          f"{1 - big_sim / big['wall']:5.1%}   ({big['wall'] - big_sim:.1f}s of "
          f"{big['wall']:.1f}s); less start-up "
          f"{1 - (big_sim + startup) / big['wall']:5.1%}")
    print(f"peak RSS, basic sweep, R = {R:<4}              {max(rss[R]):6.0f} MB")
    print(f"peak RSS, basic sweep, 4R = {4 * R:<4}             {max(rss[4 * R]):6.0f} MB   "
          f"(x{max(rss[4 * R]) / max(rss[R]):.2f})")
    print("CPU s = user + sys time of the sweep process and the child processes it "
          "waited for (os.wait4),\n        best of the repeats; in-process simulation: "
          "time.process_time.")
    print(f"check: {check}")
    print(f"load average {load0[0]:.2f} at start, {load1[0]:.2f} at end; "
          f"total benchmark time {time.perf_counter() - t_start:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
