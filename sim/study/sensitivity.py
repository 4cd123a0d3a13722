"""Global sensitivity analysis: Morris screening and Sobol indices (SALib).

The uncertainties are scenario parameters with declared ranges; for a chosen policy,
every sample point of the design is run with the same ``replications`` seeds (common
random numbers) and the outcome averaged over them. The design is split into chunks that
run as the jobs of an ordinary PrevSim sweep (parallel, resumable): each job evaluates the
rows ``chunk, chunk + chunks, …`` of the sample matrix, which every job regenerates
identically from the design's seed. The sweep's report then analyses the pooled table.

The same ``sample``/``analyse`` functions are checked against the Ishigami function's
known indices before being trusted on the model (tests/test_sensitivity.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.core.params import ParameterError, Params, dotted_value, with_overrides
from sim.study.sweep import run_replications

METHODS = ("sobol", "morris")


def problem_from(uncertainties: dict[str, list[float]]) -> dict[str, Any]:
    """A SALib problem from ``{dotted.name: [low, high]}`` (in the given order)."""
    names, bounds = list(uncertainties), [list(map(float, b)) for b in uncertainties.values()]
    bad = [(n, b, "[low, high] with low < high") for n, b in zip(names, bounds)
           if len(b) != 2 or not b[0] < b[1]]
    if bad:
        raise ParameterError([(f"sensitivity.uncertainties.{n}", b, rule) for n, b, rule in bad])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def sample(problem: dict[str, Any], method: str, n: int, seed: int) -> np.ndarray:
    """The design: Saltelli/Sobol' sample (n·(2D+2) rows) or Morris trajectories."""
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=True, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=4, seed=seed)
    raise ParameterError([("sensitivity.method", method, "one of " + ", ".join(METHODS))])


def analyse(problem: dict[str, Any], method: str, X: np.ndarray, Y: np.ndarray,
            seed: int = 0) -> pd.DataFrame:
    """Indices with 95% confidence intervals, one row per uncertainty.

    Sobol: ``S1``, ``S1_conf``, ``ST``, ``ST_conf``. Morris: ``mu_star``,
    ``mu_star_conf``, ``sigma``, ``mu``.
    """
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem, Y, calc_second_order=True, conf_level=0.95, seed=seed)
        cols = ["S1", "S1_conf", "ST", "ST_conf"]
    else:
        from SALib.analyze import morris

        res = morris.analyze(problem, X, Y, conf_level=0.95, num_levels=4, seed=seed)
        cols = ["mu_star", "mu_star_conf", "sigma", "mu"]
    return pd.DataFrame({c: np.asarray(res[c], dtype=float) for c in cols},
                        index=pd.Index(problem["names"], name="parameter"))


def evaluate_chunk(params: Params, problem: dict[str, Any], X: np.ndarray, chunk: int,
                   chunks: int, seeds: list[int], inputs: dict[str, Any]) -> pd.DataFrame:
    """Run rows ``chunk::chunks`` of the design, each with every seed; one row per run."""
    tables = []
    for index in range(chunk, len(X), chunks):
        point = dict(zip(problem["names"], X[index].tolist()))
        point_params = with_overrides(params, point_overrides(params, problem, X[index]))
        tables.append(run_replications(point_params, seeds,
                                       {**inputs, "sample": index, **point}))
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def point_overrides(params: Params, problem: dict[str, Any], row: np.ndarray
                    ) -> dict[str, Any]:
    """One design point as keyword overrides of ``params`` (``dynamics__reaction=…``)."""
    return {k.replace(".", "__"): _cast(params, k, v)
            for k, v in zip(problem["names"], row.tolist())}


def _cast(params: Params, dotted: str, value: float):
    """Integer parameters get integer values (rounded), others stay float."""
    current = dotted_value(params, dotted)
    return int(round(value)) if isinstance(current, int) and not isinstance(
        current, bool) else float(value)


def indices_from_runs(runs: pd.DataFrame, problem: dict[str, Any], method: str,
                      X: np.ndarray, outcome: str) -> pd.DataFrame:
    """Average ``outcome`` over replications per sample point, then analyse."""
    y = runs.groupby("sample")[outcome].mean()
    missing = sorted(set(range(len(X))) - set(y.index))
    if missing:
        raise ValueError(f"{len(missing)} of {len(X)} sample points have no runs yet "
                         f"(e.g. {missing[:5]}): finish the sweep before analysing")
    return analyse(problem, method, X, y.sort_index().to_numpy(float))
