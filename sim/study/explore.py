"""Exploratory modelling: an ensemble of worlds, robust policies, and where a policy fails.

The vocabulary of exploratory modelling (Bankes 1993; Lempert, Popper & Bankes 2003;
Kwakkel 2017, the EMA Workbench):

* **Uncertainties** — what policy cannot choose and we cannot pin down: scenario and
  instrument parameters with ranges (``explore.uncertainties``, dotted names). A Latin
  hypercube over them (SALib, seeded: ``explore.design_seed``) gives ``explore.samples``
  *worlds*; the default world (every parameter at its default) is added as world −1.
* **Levers** — what policy chooses: the swept ``policy`` (and any other swept input of
  the study). Every lever setting runs on every world with the same seeds (common random
  numbers): the sweep's jobs are lever setting × chunk of worlds
  (``explore.chunk`` of ``explore.chunks``), resumable as every sweep.
* **Outcomes** carry their direction (``sim.core.metrics.OUTCOMES``): all of those used
  here are minimised.

What is computed from the runs table (one row per policy, world and seed):

* :func:`world_means` — each policy's mean outcome per world (over the seeds).
* :func:`regret` — per world, a policy's outcome minus the best policy's in that world;
  summarised per policy as the mean and the 90th percentile over the worlds, with 95%
  intervals from resampling the seeds (:func:`robustness_table`).
* :func:`satisficing` — the share of worlds where a policy meets every threshold of
  ``explore.satisficing`` (e.g. risk of armed conflict ≤ 0.6 and total cost ≤ $15bn).
* :func:`discover` — scenario discovery for one policy: PRIM (and CART as a
  cross-check) from the EMA Workbench on the uncertainties, for the worlds where its
  outcome is in its worst ``explore.fail_share`` (or above ``explore.fail_threshold``):
  the box's limits, coverage and density, and feature scores (extra trees).
* :func:`front` — the non-dominated policies on mean risk and mean total cost over the
  worlds; :func:`figure_parallel` draws every policy over its outcomes.

The EMA Workbench is imported only by :func:`discover` (``pip install .[explore]``).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from sim.core.metrics import OUTCOMES, Direction
from sim.core.params import Params, dotted_value, with_overrides
from sim.study.sensitivity import point_overrides, problem_from
from sim.study.sweep import run_replications

__all__ = ["DEFAULT_WORLD", "OUTCOMES_SHOWN", "design", "discover", "evaluate_chunk",
           "figure_boxes", "figure_parallel", "front", "regret", "robustness_table",
           "satisficing", "world_means"]

#: The sample index of the default world (every uncertainty at its default).
DEFAULT_WORLD = -1
#: The outcomes the robustness tables and figures show.
OUTCOMES_SHOWN = ("violence_party_weeks", "armed_conflict", "total_cost_usd")
#: Resamples of the seeds for the intervals (seeded).
RESAMPLES = 400
#: Seed of the extra trees behind the feature scores and of CART's tree (the same report
#: for the same runs).
FEATURE_SEED = 0
#: The smallest share of the worlds a PRIM box or CART leaf may hold: the EMA Workbench's
#: default (Friedman & Fisher 1999's minimum support), at least two worlds.
MASS_MIN = 0.05


def design(uncertainties: dict[str, list[float]], samples: int, seed: int
           ) -> tuple[dict[str, Any], np.ndarray]:
    """The SALib problem and the Latin hypercube of ``samples`` worlds."""
    from SALib.sample import latin

    problem = problem_from(uncertainties)
    return problem, latin.sample(problem, int(samples), seed=int(seed))


def evaluate_chunk(params: Params, problem: dict[str, Any], X: np.ndarray, chunk: int,
                   chunks: int, seeds: list[int], inputs: dict[str, Any]) -> pd.DataFrame:
    """Worlds ``chunk, chunk + chunks, …`` of the design with every seed (chunk 0 also runs
    the default world, sample −1); one row per run, the uncertainties as columns."""
    tables = []
    if chunk == 0:
        defaults = {name: dotted_value(params, name) for name in problem["names"]}
        tables.append(run_replications(params, seeds, {**inputs, "sample": DEFAULT_WORLD,
                                                       **defaults}))
    for index in range(chunk, len(X), chunks):
        point = point_overrides(params, problem, X[index])
        values = {k.replace("__", "."): v for k, v in point.items()}
        tables.append(run_replications(with_overrides(params, point), seeds,
                                       {**inputs, "sample": index, **values}))
    return pd.concat(tables, ignore_index=True)


# ------------------------------------------------------------------ robustness
def _sign(key: str) -> float:
    """+1 for an outcome to minimise, −1 for one to maximise (so lower is better)."""
    return 1.0 if OUTCOMES[key].direction is Direction.MINIMISE else -1.0


def world_means(runs: pd.DataFrame, outcome: str, seeds=None) -> pd.DataFrame:
    """World × policy table of mean ``outcome`` over the seeds (or the given resample of
    seeds, repeats allowed), the default world included."""
    if seeds is not None:
        runs = pd.concat([runs[runs.seed == s] for s in seeds], ignore_index=True)
    return runs.groupby(["sample", "policy"])[outcome].mean().unstack("policy")


def regret(means: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per world, each policy's outcome minus the best policy's in that world (≥ 0; in
    the outcome's units, worse is larger whatever its direction)."""
    s = _sign(outcome)
    return s * (means.sub(s * (s * means).min(axis=1), axis=0))


def satisficing(runs: pd.DataFrame, thresholds: dict[str, float], seeds=None
                ) -> pd.Series:
    """Per policy, the share of worlds (default world excluded) where its mean of every
    outcome of ``thresholds`` is on the good side of its threshold (≤ for outcomes to
    minimise)."""
    ok = None
    for key, limit in thresholds.items():
        m = world_means(runs, key, seeds).drop(index=DEFAULT_WORLD, errors="ignore")
        meets = m * _sign(key) <= float(limit) * _sign(key)
        ok = meets if ok is None else ok & meets
    return ok.mean(axis=0) if ok is not None else pd.Series(dtype=float)


def _resampled_seeds(runs: pd.DataFrame, resamples: int, seed: int = 0):
    seeds = np.array(sorted(runs.seed.unique()))
    rng = np.random.default_rng(seed)
    return [rng.choice(seeds, size=seeds.size, replace=True) for _ in range(resamples)]


def robustness_table(runs: pd.DataFrame, thresholds: dict[str, float],
                     outcomes=OUTCOMES_SHOWN, resamples: int = RESAMPLES) -> pd.DataFrame:
    """One row per policy: on the default world its outcomes and their gap to the best
    policy there; over the worlds the mean and 90th-percentile regret of each outcome
    and the satisficing share, each with a 95% interval from resampling the seeds."""
    draws = _resampled_seeds(runs, resamples)

    def stats(seeds=None) -> dict[str, pd.Series]:
        out = {}
        for key in outcomes:
            r = regret(world_means(runs, key, seeds), key).drop(index=DEFAULT_WORLD,
                                                                 errors="ignore")
            out[f"{key}_regret_mean"] = r.mean(axis=0)
            out[f"{key}_regret_p90"] = r.quantile(0.9, axis=0)
        out["satisficing"] = satisficing(runs, thresholds, seeds)
        return out

    point = stats()
    resampled = [stats(s) for s in draws]
    table = pd.DataFrame(point)
    for col in point:
        values = np.array([r[col].reindex(table.index).to_numpy() for r in resampled])
        table[f"{col}_low"] = np.nanquantile(values, 0.025, axis=0)
        table[f"{col}_high"] = np.nanquantile(values, 0.975, axis=0)
    for key in outcomes:
        if DEFAULT_WORLD in set(runs["sample"]):
            m = world_means(runs, key).loc[DEFAULT_WORLD]
            table[f"{key}_default"] = m
            table[f"{key}_default_regret"] = regret(m.to_frame().T, key).iloc[0]
    return table.rename_axis("policy").reset_index()


def front(runs: pd.DataFrame, x: str = "armed_conflict", y: str = "total_cost_usd"
          ) -> list[str]:
    """The policies no other policy beats on both mean ``x`` and mean ``y`` over the
    worlds (the default world excluded), in order of ``x``."""
    from sim.study.search import non_dominated

    mx = world_means(runs, x).drop(index=DEFAULT_WORLD, errors="ignore").mean() * _sign(x)
    my = world_means(runs, y).drop(index=DEFAULT_WORLD, errors="ignore").mean() * _sign(y)
    keep = [mx.index[i] for i in non_dominated(zip(mx, my.reindex(mx.index)))]
    return sorted(keep, key=lambda p: mx[p])


# ------------------------------------------------------------------ scenario discovery
def discover(runs: pd.DataFrame, names: list[str], policy: str, outcome: str,
             fail_share: float = 0.25, fail_threshold: float | None = None,
             min_density: float = 0.8, bounds: dict[str, list[float]] | None = None
             ) -> dict[str, Any]:
    """Where does ``policy`` fail? The worlds where its mean ``outcome`` is worse than the
    threshold (default: its worst ``fail_share`` of worlds) are the cases of interest;
    PRIM (EMA Workbench) peels a box over the uncertainties ``names``: the box on the
    peeling trajectory with the most coverage among those of density ≥ ``min_density``
    (else the densest). CART is the cross-check; feature scores (extra trees) rank the
    uncertainties by how much they explain the outcome. ``bounds``: each uncertainty's
    declared [low, high] (default: the range its worlds span)."""
    import logging

    with warnings.catch_warnings():  # ipyparallel, altair: optional parts not used here
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import cart, feature_scoring, prim
    logging.getLogger("EMA").setLevel(logging.WARNING)  # PRIM logs each box at INFO

    worlds = runs[(runs.policy == policy) & (runs["sample"] != DEFAULT_WORLD)]
    if worlds.empty:
        raise ValueError(f"no runs of policy {policy!r} on the ensemble's worlds")
    by_world = worlds.groupby("sample")
    x = by_world[names].first().astype(float)
    y_value = by_world[outcome].mean() * _sign(outcome)
    threshold = (float(np.quantile(y_value, 1 - fail_share)) if fail_threshold is None
                 else float(fail_threshold) * _sign(outcome))
    y = (y_value > threshold).to_numpy()
    result: dict[str, Any] = {"policy": policy, "outcome": outcome, "worlds": int(len(y)),
                              "cases": int(y.sum()), "threshold": threshold * _sign(outcome)}
    scores = feature_scoring.get_feature_scores_all(x, {outcome: y_value.to_numpy()},
                                                    random_state=FEATURE_SEED)
    result["feature_scores"] = scores[outcome].sort_values(ascending=False)
    if y.sum() == 0 or y.all():
        result["box"] = None
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mass_min = max(MASS_MIN, 2.0 / len(y))  # a box holds at least two worlds
        p = prim.Prim(x.reset_index(drop=True), y, mass_min=mass_min)
        box = p.find_box()
        traj = box.peeling_trajectory
        dense = traj[traj.density >= min_density]
        i = int(dense.coverage.idxmax()) if not dense.empty else int(traj.density.idxmax())
        box.select(i)
        stats, limits = box.inspect(i, style="data")[0]
    lims = limits.droplevel(0, axis=1) if isinstance(limits.columns, pd.MultiIndex) else limits
    # quasi-p-values of each restriction (Bryant & Lempert 2010): how likely a box this
    # dense would be without it; the lower and the upper limit each have their own
    qp = np.nanmin(lims.iloc[:, 2:4].to_numpy(dtype=float), axis=1)
    restricted = pd.DataFrame({"low": lims.iloc[:, 0], "high": lims.iloc[:, 1], "qp": qp})
    bounds = bounds or {n: [float(x[n].min()), float(x[n].max())] for n in names}
    restricted["range_low"] = [float(bounds[n][0]) for n in restricted.index]
    restricted["range_high"] = [float(bounds[n][1]) for n in restricted.index]
    result["box"] = {"coverage": float(stats["coverage"]), "density": float(stats["density"]),
                     "mass": float(stats["mass"]), "limits": restricted}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = cart.CART(x.reset_index(drop=True), y, mass_min=mass_min)
        # CART.build_tree, with a seed: sklearn breaks ties between features at random
        from sklearn.tree import DecisionTreeClassifier

        c.clf = DecisionTreeClassifier(min_samples_leaf=int(mass_min * len(y)),
                                       random_state=FEATURE_SEED)
        c.clf.fit(c._x, c.y)
    best = max(range(len(c.stats)), key=lambda k: (c.stats[k]["density"],
                                                   c.stats[k]["coverage"]))
    result["cart"] = {"coverage": float(c.stats[best]["coverage"]),
                      "density": float(c.stats[best]["density"]),
                      "limits": c.boxes[best]}
    return result


# ------------------------------------------------------------------ figures
def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_parallel(runs: pd.DataFrame, outcomes=OUTCOMES_SHOWN, highlight=()):
    """Every policy over its mean outcomes across the worlds, one axis per outcome scaled
    from the best policy (bottom) to the worst (top); the policies of ``highlight`` (the
    front) drawn strong."""
    fig = _figure(9.0, 4.8)
    ax = fig.add_subplot()
    means = pd.DataFrame({k: world_means(runs, k).drop(index=DEFAULT_WORLD, errors="ignore")
                          .mean() for k in outcomes})
    lo, hi = means.min(), means.max()
    scaled = (means - lo) / (hi - lo).replace(0, 1)
    for k in outcomes:
        if _sign(k) < 0:
            scaled[k] = 1 - scaled[k]
    xs = np.arange(len(outcomes))
    from matplotlib import colormaps

    colours = list(colormaps["tab10"].colors) + list(colormaps["Dark2"].colors)
    ends = spread(scaled.iloc[:, -1].to_numpy(), gap=0.05)
    for (policy, row), colour, end in zip(scaled.iterrows(), colours, ends):
        strong = policy in highlight
        ax.plot(xs, row.to_numpy(), marker="o", linewidth=2.6 if strong else 1.1,
                alpha=1.0 if strong else 0.7, zorder=3 if strong else 2, color=colour)
        ax.annotate(policy, (xs[-1], row.iloc[-1]), xytext=(xs[-1] + 0.12, end),
                    textcoords="data", va="center", fontsize=10, color=colour,
                    fontweight="bold" if strong else "normal",
                    arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6})
    labels = []
    for k in outcomes:
        o = OUTCOMES[k]
        scale = 100 if o.unit == "share of runs" else 1e-9 if o.unit == "USD" else 1
        unit = "%" if scale == 100 else "$bn" if scale == 1e-9 else "party-weeks"
        num = lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"  # noqa: E731
        labels.append(f"{o.summary_label}\n{num(lo[k] * scale)} – {num(hi[k] * scale)} "
                      f"{unit}")
    ax.set_xticks(xs, labels, fontsize=10)
    ax.set_yticks([0, 1], ["best", "worst"], fontsize=10)
    ax.set_xlim(-0.1, len(outcomes) - 0.35)
    for x in xs:
        ax.axvline(x, color="0.6", linewidth=0.8, zorder=1)
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    ax.set_title(f"Policies over their outcomes: means over {_n(runs)} "
                 "worlds (strong: the cost–risk front)", fontsize=11)
    return fig


def spread(y: np.ndarray, gap: float) -> np.ndarray:
    """Label heights near ``y`` at least ``gap`` apart, in order of ``y``, pushed up from
    the lowest and then down as far as needed to end at or below the highest ``y``."""
    order = np.argsort(y, kind="stable")
    out = np.asarray(y, dtype=float)[order].copy()
    for i in range(1, out.size):
        out[i] = max(out[i], out[i - 1] + gap)
    if out.size:
        out -= max(0.0, out[-1] - float(np.max(y)))
    result = np.empty_like(out)
    result[order] = out
    return result


def _n(runs: pd.DataFrame) -> int:
    return int((runs["sample"].unique() != DEFAULT_WORLD).sum())


def figure_boxes(found: dict[str, Any]):
    """The PRIM box: each restricted uncertainty's limits within its range (0–1)."""
    box = found["box"]
    limits = box["limits"]
    fig = _figure(8.0, 0.6 + 0.5 * len(limits))
    ax = fig.add_subplot()
    for i, (_, row) in enumerate(limits.iterrows()):
        span = row.range_high - row.range_low or 1.0
        a, b = (row.low - row.range_low) / span, (row.high - row.range_low) / span
        ax.barh(i, 1.0, color="0.9", height=0.6)
        ax.barh(i, b - a, left=a, color="#d95f02", height=0.6)
        ax.text(1.02, i, f"{row.low:.3g} – {row.high:.3g}", va="center", fontsize=10)
    ax.set_yticks(range(len(limits)), limits.index, fontsize=10)
    ax.set_xlim(0, 1.35)
    ax.set_xticks([0, 1], ["low end", "high end"], fontsize=9)
    ax.invert_yaxis()
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"Where {found['policy']} fails: PRIM box, coverage {box['coverage']:.0%}, "
                 f"density {box['density']:.0%}", fontsize=11)
    return fig
