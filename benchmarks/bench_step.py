"""Throughput of ConflictModel.step() against a plain numpy/scipy Richardson loop.

For each network size (default regional_blocks network, all mechanisms on: feedback,
noise, shocks) this prints party-steps per second of ``ConflictModel.step()`` next to a
plain loop of the same Richardson update on the model's own ``model.adjacency`` (CSR)
and arrays, the time ratio model/plain, and the model's construction time expressed in
steps. The machine is assumed shared and noisy: read the ratios, not the absolute rates.

Not part of the test suite (pytest only collects ``tests/``). Run::

    .venv/bin/python benchmarks/bench_step.py            # or: make bench
    .venv/bin/python benchmarks/bench_step.py --sizes 100 1000 --steps 100 --repeats 3
"""

from __future__ import annotations

import argparse
import copy
import gc
import math
import platform
import sys
import time

import numpy as np
import scipy

from sim.core.model import ConflictModel
from sim.core.params import Params

WARMUP_STEPS = 20
RECORD_BUDGET_MB = 256  # --record auto: float32 hostility history allowed per model


def make_params(n_parties: int, horizon_weeks: int, record_hostility: bool,
                seed: int = 0, mechanisms: bool = True) -> Params:
    """Default parameters (regional_blocks network) at ``n_parties``."""
    p = Params(seed=seed, horizon_weeks=horizon_weeks)
    p.network.n_parties = n_parties
    p.record.hostility = record_hostility
    p.dynamics.feedback = mechanisms
    p.shocks.enabled = mechanisms
    return p


class PlainLoop:
    """The Richardson update alone, on the model's W and per-party arrays.

    ``h ← clip(h + dt·(k·(W@h + σ∘‖w‖₂∘ε₁) − a∘h + g) + noise_sd·√dt·ε₂, 0, cap)``,
    written the way ``sim.core.dynamics`` writes it (noise inside the clip), with the same
    two standard-normal draws per party per step. No feedbacks, shocks, levels, events
    or recording: the cost floor of the update itself.
    """

    def __init__(self, model: ConflictModel, perception_rng: np.random.Generator,
                 noise_rng: np.random.Generator):
        s, dyn = model.state, model.params.dynamics
        self.W = model.adjacency
        self.h = s.hostility.copy()
        self.a = s.restraint.copy()
        self.g = s.grievance.copy() - s.cost
        self.perception = dyn.noise_sd * s.misperception * model._row_norm
        self.k = dyn.reaction
        self.dt = model.dt
        self.noise_scale = dyn.noise_sd * math.sqrt(model.dt)
        self.cap = dyn.hostility_cap
        self.n = len(self.h)
        self.perception_rng = perception_rng
        self.noise_rng = noise_rng

    def run(self, steps: int) -> None:
        W, a, g, k, dt, cap, n = self.W, self.a, self.g, self.k, self.dt, self.cap, self.n
        perception, noise_scale = self.perception, self.noise_scale
        h = self.h
        for _ in range(steps):
            eps_perception = self.perception_rng.standard_normal(n)
            eps_noise = self.noise_rng.standard_normal(n)
            pressure = W @ h + perception * eps_perception
            h = h + dt * (k * pressure - a * h + g) + noise_scale * eps_noise
            np.clip(h, 0.0, cap, out=h)
        self.h = h


def check_plain_matches_model(n: int = 100, steps: int = 10) -> float:
    """With feedback and shocks off the model's update *is* the plain update: both are
    run from the same state and random streams; returns the max abs difference."""
    model = ConflictModel(make_params(n, steps, record_hostility=False, mechanisms=False))
    plain = PlainLoop(model, copy.deepcopy(model._perception_rng),
                      copy.deepcopy(model._noise_rng))
    for _ in range(steps):
        model.step()
    plain.run(steps)
    return float(np.max(np.abs(model.state.hostility - plain.h)))


def time_model_steps(model: ConflictModel, steps: int) -> float:
    step = model.step
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - t0


def time_plain_steps(plain: PlainLoop, steps: int) -> float:
    t0 = time.perf_counter()
    plain.run(steps)
    return time.perf_counter() - t0


def bench_size(n: int, steps: int, repeats: int, record_hostility: bool) -> dict:
    """Each repeat builds a fresh model (timed), warms it up, then times ``steps`` model
    steps and ``steps`` plain steps on that model's arrays; the best of each is kept.

    A fresh model per repeat keeps memory bounded (the model keeps every step's levels,
    and hostility when recorded) and makes the horizon exactly the steps taken, so the
    shock calendar (elections, coups) is live through every timed step.
    """
    params = make_params(n, WARMUP_STEPS + steps, record_hostility)
    build_times, model_times, plain_times = [], [], []
    edges = 0
    for _ in range(repeats):
        model = plain = None
        gc.collect()                      # free the previous model before building
        t0 = time.perf_counter()
        model = ConflictModel(params)
        build_times.append(time.perf_counter() - t0)
        edges = model.adjacency.nnz

        plain = PlainLoop(model, np.random.default_rng(1), np.random.default_rng(2))
        time_model_steps(model, WARMUP_STEPS)
        time_plain_steps(plain, WARMUP_STEPS)
        gc.collect()
        model_times.append(time_model_steps(model, steps))
        gc.collect()                      # interleaved: load spikes hit both sides alike
        plain_times.append(time_plain_steps(plain, steps))

    t_model, t_plain = min(model_times), min(plain_times)
    t_step = t_model / steps
    return {
        "n": n,
        "edges": edges,
        "model_rate": n * steps / t_model,
        "plain_rate": n * steps / t_plain,
        "ratio": t_model / t_plain,
        "step_us": t_step * 1e6,
        "plain_step_us": t_plain / steps * 1e6,
        "build_s": min(build_times),
        "build_steps": min(build_times) / t_step,
        "spread": max(model_times) / t_model,
        "record": record_hostility,
    }


def fmt_rate(x: float) -> str:
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.1f} k"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000],
                    help="network sizes (parties); default: 100 1000 10000")
    ap.add_argument("--steps", type=int, default=1000,
                    help="steps per timed repeat, same for model and plain (default 1000)")
    ap.add_argument("--repeats", type=int, default=7,
                    help="timed repeats per size; the best is reported (default 7)")
    ap.add_argument("--record", choices=("auto", "on", "off"), default="auto",
                    help="record.hostility: 'auto' (default) keeps the model's default "
                    "(on) unless one run's float32 history would exceed "
                    f"{RECORD_BUDGET_MB} MB, then off")
    args = ap.parse_args(argv)
    if args.steps < 1 or args.repeats < 1 or any(n < 4 for n in args.sizes):
        ap.error("--steps and --repeats must be >= 1, sizes >= 4 (4 regions)")

    def record_for(n: int) -> bool:
        if args.record != "auto":
            return args.record == "on"
        return n * (WARMUP_STEPS + args.steps + 1) * 4 <= RECORD_BUDGET_MB * 2**20

    t_start = time.perf_counter()
    print(f"PrevSim step benchmark: python {platform.python_version()}, numpy "
          f"{np.__version__}, scipy {scipy.__version__}, {platform.machine()}")
    print(f"network regional_blocks (defaults), feedback+noise+shocks on, "
          f"{args.steps} steps x best of {args.repeats}, each on a fresh model after "
          f"{WARMUP_STEPS} warm-up steps")
    ConflictModel(make_params(60, 10, True))  # warm imports and first-call caches
    diff = check_plain_matches_model()
    print(f"check: with feedback+shocks off, model and plain loop agree to {diff:.1e}")
    print()

    header = (f"{'parties':>8} {'W nnz':>7} | {'model p-steps/s':>15} "
              f"{'plain p-steps/s':>15} {'model/plain':>11} | {'model us/step':>13} "
              f"{'plain us/step':>13} | {'build':>8} {'build/step':>10} | {'spread':>6} {'rec':>3}")
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        r = bench_size(n, args.steps, args.repeats, record_for(n))
        print(f"{r['n']:>8} {r['edges']:>7} | {fmt_rate(r['model_rate']):>15} "
              f"{fmt_rate(r['plain_rate']):>15} {r['ratio']:>10.1f}x | "
              f"{r['step_us']:>13.1f} {r['plain_step_us']:>13.1f} | "
              f"{r['build_s'] * 1e3:>6.1f}ms {r['build_steps']:>9.0f}x | "
              f"{r['spread']:>5.2f}x {'on' if r['record'] else 'off':>3}", flush=True)
    print()
    print("model/plain = model time / plain time for the same steps (>1: model slower).")
    print("build/step  = ConflictModel(params) construction time / one model step.")
    print("spread      = slowest / fastest model repeat (timing noise on this machine).")
    print("rec         = record.hostility (every step's hostility kept as float32).")
    print(f"total benchmark time {time.perf_counter() - t_start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
