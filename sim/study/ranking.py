"""Does a ranking of policies hold across what we do not know? (issue 17, item 5)

A Morris design (``sim.study.sensitivity``) over the uncertainties — scenario parameters
and the instruments' unsourced magnitudes, each with a range — and, at every design point
and at the defaults, every policy run on the same seeds (common random numbers). At each
point the policies are ranked by the mean of an outcome (lower is better). Reported:

* per policy: its rank at the defaults, the share of points where it is best, and the
  range of its ranks;
* per pair of policies adjacent in the default ranking (and the default best against
  each other policy): the share of points where their order holds, the Morris indices of
  their paired difference (which parameters move it), and *where* it flips: for the
  parameter with the largest μ*, the share of flips in the lower and the upper half of its
  range.

A flip at a point is a change of sign of the mean paired difference over the seeds; with
few seeds some flips are noise, so the tables give the share, not a verdict on a single
point.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pandas as pd

from sim.study.sensitivity import analyse, point_overrides, problem_from, sample

#: The default uncertainties of a ranking check: the escalation parameters the record
#: leaves loose and the instruments' magnitudes no source gives (docs/model.md), from half
#: to twice the default, or from 0 where 0 switches a mechanism off.
UNCERTAINTIES: dict[str, list[float]] = {
    "dynamics.reaction": [0.1, 0.3],
    "dynamics.grievance_mean": [0.06, 0.1],
    "dynamics.noise_sd": [0.08, 0.16],
    "dynamics.weariness_rate": [0.5, 2.0],        # × the default (SCALED)
    "history.grievance_boost": [0.5, 2.0],        # × the default (SCALED)
    "instruments.statement.force": [0.04, 0.16],
    "instruments.fact_finding.accountability": [0.05, 0.2],
    "instruments.envoy.base_rate": [0.075, 0.3],
    "instruments.envoy.dividend": [0.075, 0.3],
    "instruments.envoy.entrenchment": [0.0, 9.2],
    "instruments.envoy.breakdown_rate_per_year": [0.0, 0.14],
    "instruments.sanctions.force": [0.06, 0.24],
}
#: Uncertainties given as multipliers of their default (the calibrated defaults move
#: with each calibration; the range stays "half to twice").
SCALED = ("dynamics.weariness_rate", "history.grievance_boost")
#: Seed of the Morris design (fixed, so that every sweep's check and the validation's
#: full check use the same points).
DESIGN_SEED = 1


@functools.lru_cache(maxsize=64)
def _composed(policy: str, base: tuple[str, ...]):
    import sim

    return sim.compose([f"policy={policy}", *base])


def run_point(task: tuple[str, tuple[str, ...], dict[str, Any] | None, list[int],
                          tuple[str, ...]]) -> list[dict[str, float]]:
    """One policy at one design point (``None``: the defaults): the outcomes per seed."""
    import dataclasses

    from sim.core.metrics import outcomes
    from sim.core.model import ConflictModel
    from sim.core.params import dotted_value, with_overrides

    policy, base, point, seeds, names = task
    params = _composed(policy, base)
    if point is not None:
        point = {k: v * dotted_value(params, k) if k in SCALED else v
                 for k, v in point.items()}
        params = with_overrides(params, point_overrides(params, {"names": list(point)},
                                                        np.array(list(point.values()))))
    runs = [outcomes(ConflictModel(dataclasses.replace(params, seed=s)).run()) for s in seeds]
    return [{name: float(run[name]) for name in names} for run in runs]


def evaluate(policies: list[str], uncertainties: dict[str, list[float]], trajectories: int,
             seeds: list[int], names: tuple[str, ...], design_seed: int = DESIGN_SEED,
             base: tuple[str, ...] = (), pool=None) -> tuple[dict, np.ndarray, pd.DataFrame]:
    """The design and every policy at every point: (problem, X, values), ``values`` one
    row per (point, policy, seed) with the outcomes ``names`` (point −1: the defaults)."""
    problem = problem_from(uncertainties)
    X = sample(problem, "morris", trajectories, design_seed)
    points = [None] + [dict(zip(problem["names"], row.tolist())) for row in X]
    tasks = [(policy, tuple(base), point, list(seeds), tuple(names))
             for point in points for policy in policies]
    results = list(pool.map(run_point, tasks) if pool is not None else map(run_point, tasks))
    rows = []
    for (policy, *_), values, index in zip(
            tasks, results, [i for i in range(-1, len(X)) for _ in policies]):
        rows += [{"point": index, "policy": policy, "seed": s, **v}
                 for s, v in zip(seeds, values)]
    return problem, X, pd.DataFrame(rows)


def ranks(values: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Rank of each policy at each point (1 = lowest mean outcome): point × policy."""
    means = values.groupby(["point", "policy"])[outcome].mean().unstack("policy")
    return means.rank(axis=1, method="min")


def stability(values: pd.DataFrame, problem: dict, X: np.ndarray, outcome: str,
              top_pairs: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-policy table, per-pair table) as the module describes."""
    means = values.groupby(["point", "policy"])[outcome].mean().unstack("policy")
    r = ranks(values, outcome)
    design = r.drop(index=-1)
    order = means.loc[-1].sort_values().index.tolist()   # the default ranking
    policies = pd.DataFrame({
        "policy": order,
        "default_mean": [means.loc[-1, p] for p in order],
        "default_rank": [int(r.loc[-1, p]) for p in order],
        "share_best": [float((design[p] == 1).mean()) for p in order],
        "rank_min": [int(design[p].min()) for p in order],
        "rank_max": [int(design[p].max()) for p in order]})
    pairs = [(order[i], order[i + 1]) for i in range(min(top_pairs, len(order) - 1))]
    pairs += [(order[0], p) for p in order[2:]]
    paired = values.pivot_table(index=["point", "seed"], columns="policy", values=outcome)
    rows = []
    for first, second in pairs:
        diff = (paired[first] - paired[second]).groupby("point").mean()  # < 0: order holds
        d = diff.drop(index=-1).sort_index().to_numpy()
        with warnings.catch_warnings():  # a single trajectory has no spread to estimate
            warnings.simplefilter("ignore", RuntimeWarning)
            idx = analyse(problem, "morris", X, d).sort_values("mu_star", ascending=False)
        lead = idx.index[0]
        column = problem["names"].index(lead)
        low, high = problem["bounds"][column]
        lower = X[:, column] < (low + high) / 2
        flips = d > 0
        rows.append({
            "first": first, "second": second, "default_difference": float(diff.loc[-1]),
            "share_order_holds": float((~flips).mean()),
            "lead_parameter": lead, "lead_mu_star": float(idx.mu_star.iloc[0]),
            "lead_mu": float(idx.mu.iloc[0]),
            "flips_lower_half": float(flips[lower].mean()) if lower.any() else np.nan,
            "flips_upper_half": float(flips[~lower].mean()) if (~lower).any() else np.nan,
            "indices": idx})
    return policies, pd.DataFrame(rows)
