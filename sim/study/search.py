"""Policy search: the cheapest response that keeps the risk of armed conflict under a
ceiling (Hydra's Optuna sweeper chooses the trials; this module scores and re-checks them).

A trial is one sweep job: a policy (instrument choice), a response delay and an intensity
scale, run on the sweep's seeds. Its score is its mean ``study.objective`` (total cost by
default) if it is **feasible** — the upper end of the 95% Wilson interval of its
armed-conflict risk is at or below ``study.risk_ceiling`` — and otherwise that cost plus
a penalty growing with the excess, so every infeasible trial scores worse than every
feasible one. The best trials are then re-evaluated on seeds the search never saw.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sim.core.params import Params
from sim.core.rng import draw_seeds
from sim.study import stats
from sim.study.sweep import run_replications

#: Added to the cost of an infeasible trial, per unit of excess risk (USD).
PENALTY_USD = 1e12
#: Re-evaluation seeds come from ``study.root_seed`` plus this (a large prime): another
#: root seed, so worlds the search never saw.
FRESH_SEED_OFFSET = 1_000_003


def score(runs: pd.DataFrame, objective: str, ceiling: float) -> dict[str, float]:
    """Risk, its Wilson interval, mean objective, feasibility and the search score."""
    k, n = int(runs.armed_conflict.sum()), len(runs)
    low, high = stats.wilson_interval(k, n)
    cost = float(runs[objective].mean())
    feasible = high <= ceiling
    return {"risk": k / n, "risk_low": low, "risk_high": high, "objective": cost,
            "feasible": feasible,
            "score": cost if feasible else cost + PENALTY_USD * (high - ceiling)}


def non_dominated(points) -> list[int]:
    """Indices of the points (sequences of values, all minimised) that no other point
    beats: at least as good in every value and better in one (the Pareto front)."""
    pts = [tuple(float(v) for v in p) for p in points]
    return [i for i, p in enumerate(pts) if not any(
        all(a <= b for a, b in zip(q, p)) and any(a < b for a, b in zip(q, p))
        for q in pts)]


def reevaluate(candidates: list[tuple[dict, Params]], root_seed: int, replications: int,
               objective: str, ceiling: float, means: tuple[str, ...] = ()) -> pd.DataFrame:
    """Run each candidate on fresh seeds (drawn from ``root_seed``) and score it again
    (with the mean of each outcome of ``means``: a multi-objective search's)."""
    seeds = draw_seeds(root_seed, replications)
    rows = []
    for inputs, params in candidates:
        runs = run_replications(replace(params), seeds, inputs)
        rows.append({**inputs, **score(runs, objective, ceiling),
                     **{o: float(runs[o].mean()) for o in means}, "runs": len(runs),
                     "root_seed": root_seed})
    return pd.DataFrame(rows)
