"""How long violence lasts: the distribution of episode lengths, with censoring.

An episode is a spell of consecutive weeks a party spends at level ≥ 3 (violence), as
``sim.core.metrics.episodes`` finds them; armed-conflict spells (level 4) are measured the same
way. Runs the default scenario with no international response on many seeds. Spells
that began at week 0 (left-censored) are left out; spells still running at the horizon
are right-censored. The script reports the raw lengths of ended spells (biased short:
long spells are the ones cut off), the Kaplan–Meier estimate of the length distribution
(which uses the censored spells correctly), a Weibull fit with censoring (shape > 1: the
chance that an episode ends rises with its age; shape < 1: it falls; 1: exponential),
and, as a check on censoring, the same on runs with a ten-year horizon.

The real-world comparison is qualitative only: civil-war durations are strongly
right-skewed, with many short wars and a long tail of wars lasting a decade or more
(Fearon 2004; Collier et al. 2003 give an average of about seven years). The units
differ: here a party's spell at the violence level of a stylised index, in weeks; there a
country's civil war, in years.

    .venv/bin/python experiments/validation/violence_duration.py          # ≈ 30 s
    .venv/bin/python experiments/validation/violence_duration.py --seeds 50 --long-seeds 0
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

import sim
from sim.core.dynamics import Level
from sim.core.metrics import episodes

NAME = "violence_duration"
LONG_HORIZON = 520
RESAMPLES = 200


def collect(params, seeds: list[int], horizon: int) -> pd.DataFrame:
    """Spells at violence (≥ 3) and armed conflict (4) of every run, one row each."""
    params.horizon_weeks = horizon
    frames = []
    for seed in seeds:
        params.seed = seed
        model = sim.ConflictModel(params).run()
        for label, level in (("violence", Level.VIOLENCE),
                             ("armed_conflict", Level.ARMED_CONFLICT)):
            spells = episodes(model.level_history, model.weeks, at_least=level)
            spells.insert(0, "seed", seed)
            spells.insert(1, "level", label)
            spells["horizon_weeks"] = horizon
            frames.append(spells)
    return pd.concat(frames, ignore_index=True)


def kaplan_meier(durations: np.ndarray, ended: np.ndarray) -> pd.DataFrame:
    """Product-limit estimate of P(length > t), with Greenwood 95% bounds."""
    times = np.unique(durations[ended])
    surv, var_sum, rows = 1.0, 0.0, []
    for t in times:
        at_risk = int((durations >= t).sum())
        d = int(((durations == t) & ended).sum())
        surv *= 1 - d / at_risk
        var_sum += d / (at_risk * (at_risk - d)) if at_risk > d else 0.0
        se = surv * math.sqrt(var_sum)
        rows.append({"weeks": float(t), "at_risk": at_risk, "ended": d, "survival": surv,
                     "low": max(0.0, surv - 1.96 * se), "high": min(1.0, surv + 1.96 * se)})
    return pd.DataFrame(rows, columns=["weeks", "at_risk", "ended", "survival", "low",
                                       "high"])


def km_quantile(km: pd.DataFrame, q: float) -> float:
    """Smallest t with S(t) ≤ 1 − q (nan if the curve never gets there)."""
    hit = km[km.survival <= 1 - q]
    return float(hit.weeks.iloc[0]) if len(hit) else float("nan")


def weibull_fit(durations: np.ndarray, ended: np.ndarray) -> tuple[float, float, float]:
    """Censored Weibull MLE: (shape, scale in weeks, log-likelihood gain over exponential)."""
    t = np.asarray(durations, float)
    e = np.asarray(ended, bool)
    if e.sum() < 2 or np.ptp(t) == 0:
        return float("nan"), float("nan"), float("nan")

    def nll(theta):
        if np.any(np.abs(theta) > 20):       # keep the search in a finite range
            return np.inf
        k, lam = math.exp(theta[0]), math.exp(theta[1])
        z = t / lam
        with np.errstate(over="ignore"):
            value = -(np.sum(e * (math.log(k) - math.log(lam) + (k - 1) * np.log(z)))
                      - np.sum(z ** k))
        return value if np.isfinite(value) else np.inf

    x0 = [0.0, math.log(t.mean())]
    res = optimize.minimize(nll, x0, method="Nelder-Mead",
                            options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000})
    # exponential (k = 1): closed form λ = Σt / #events
    lam_exp = t.sum() / max(e.sum(), 1)
    nll_exp = nll([0.0, math.log(lam_exp)])
    return math.exp(res.x[0]), math.exp(res.x[1]), float(nll_exp - res.fun)


def summarise(spells: pd.DataFrame, label: str, resamples: int, rng) -> dict:
    """One row of the table for a set of spells (already restricted to started > 0)."""
    d = spells.weeks.to_numpy(float)
    e = spells.ended.to_numpy(bool)
    ended = d[e]
    km = kaplan_meier(d, e)
    shape, scale, gain = weibull_fit(d, e)
    # bootstrap the Weibull shape over runs
    shapes = []
    seeds = spells.seed.unique()
    groups = {s: g for s, g in spells.groupby("seed")}
    for _ in range(resamples):
        pick = rng.choice(seeds, size=len(seeds))
        b = pd.concat([groups[s] for s in pick])
        shapes.append(weibull_fit(b.weeks.to_numpy(float), b.ended.to_numpy(bool))[0])
    shapes = np.asarray(shapes, float)
    shapes = shapes[np.isfinite(shapes)]
    lo, hi = np.quantile(shapes, [0.025, 0.975]) if shapes.size else (np.nan, np.nan)
    q = lambda p: float(np.quantile(ended, p)) if ended.size else float("nan")  # noqa: E731
    return {
        "sample": label, "runs": spells.seed.nunique(), "episodes": len(d),
        "censored_share": float(1 - e.mean()) if len(d) else float("nan"),
        "ended_median": q(0.5), "ended_mean": float(ended.mean()) if ended.size else np.nan,
        "ended_p10": q(0.1), "ended_p25": q(0.25), "ended_p75": q(0.75), "ended_p90": q(0.9),
        "ended_max": float(ended.max()) if ended.size else np.nan,
        "ended_skewness": float(stats.skew(ended)) if ended.size > 2 else np.nan,
        "km_median": km_quantile(km, 0.5), "km_p75": km_quantile(km, 0.75),
        "km_p90": km_quantile(km, 0.9),
        "share_le_4w": float((d <= 4).mean()), "share_le_13w": float((d <= 13).mean()),
        "share_gt_52w": float((d > 52).mean()),
        "weibull_shape": shape, "weibull_shape_low": lo, "weibull_shape_high": hi,
        "weibull_scale_weeks": scale, "loglik_gain_vs_exponential": gain,
    }


def figure(samples: dict[str, pd.DataFrame], fits: pd.DataFrame, out: Path) -> list[Path]:
    plt = _common.plt()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    if not samples:  # no violence at all in these runs
        for ax in axes:
            ax.text(0.5, 0.5, "no violence episodes", ha="center", transform=ax.transAxes)
        return _common.save_figure(fig, out, NAME)
    main_label = next(iter(samples))
    main = samples[main_label]
    bins = np.arange(0, main.weeks.max() + 5, 4)
    axes[0].hist([main[main.ended].weeks, main[~main.ended].weeks], bins=bins,
                 stacked=True, color=["tab:blue", "tab:orange"],
                 label=["ended", "censored at the horizon"])
    axes[0].set_xlabel("episode length (weeks at level ≥ 3)")
    axes[0].set_ylabel("episodes")
    axes[0].set_title(f"Violence episodes ({main_label})")
    axes[0].legend(fontsize=8)
    colours = ["tab:blue", "tab:green", "tab:red", "tab:purple"]
    for (label, sp), c in zip(samples.items(), colours):
        km = kaplan_meier(sp.weeks.to_numpy(float), sp.ended.to_numpy(bool))
        if km.empty:
            continue
        axes[1].step(np.r_[0, km.weeks], np.r_[1, km.survival], where="post", color=c,
                     label=f"{label} (Kaplan–Meier)")
        axes[1].fill_between(km.weeks, km.low, km.high, step="post", color=c, alpha=0.15)
        row = fits.set_index("sample").loc[label]
        t = np.linspace(0.5, km.weeks.max(), 200)
        if np.isfinite(row.weibull_shape):
            axes[1].plot(t, np.exp(-(t / row.weibull_scale_weeks) ** row.weibull_shape),
                         ":", color=c, label=f"Weibull fit, shape {row.weibull_shape:.2f}")
        # hazard of ending by age, 8-week bins, from the life table
        d, e = sp.weeks.to_numpy(float), sp.ended.to_numpy(bool)
        edges = np.arange(0, min(d.max(), 160) + 8, 8)
        haz, mids = [], []
        for a, b in zip(edges[:-1], edges[1:]):
            alive = d > a
            exposure = (np.minimum(d[alive], b) - a).sum()   # weeks lived in (a, b]
            ends = ((d > a) & (d <= b) & e).sum()
            if exposure >= 50:
                haz.append(ends / exposure)
                mids.append((a + b) / 2)
        axes[2].plot(mids, haz, "o-", color=c, ms=3, label=label)
    axes[1].set_yscale("log")
    axes[1].set_ylim(1e-3, 1.05)
    axes[1].set_xlabel("weeks")
    axes[1].set_ylabel("P(episode lasts longer than t)")
    axes[1].set_title("Survival of episodes (censoring handled)")
    axes[1].legend(fontsize=7)
    axes[2].set_xlabel("age of the episode (weeks)")
    axes[2].set_ylabel("weekly chance the episode ends")
    axes[2].set_title("Hazard of ending by age (8-week bins)")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    return _common.save_figure(fig, out, NAME)


def main(argv: list[str] | None = None) -> int:
    ap = _common.parser(NAME, __doc__, seeds=200)
    ap.add_argument("--long-seeds", type=int, default=50,
                    help=f"runs with a {LONG_HORIZON}-week horizon (0: skip the check)")
    _common.add_overrides(ap)
    ap.add_argument("--resamples", type=int, default=RESAMPLES,
                    help="bootstrap resamples over runs for the Weibull shape")
    args = ap.parse_args(argv)
    seeds = _common.check_seeds(args)
    clock = _common.Clock()
    params = _common.base_params(args)
    horizon = params.horizon_weeks
    spells = collect(params, seeds, horizon)
    if args.long_seeds > 0:
        long_seeds = list(range(args.first_seed, args.first_seed + args.long_seeds))
        spells = pd.concat([spells, collect(params, long_seeds, LONG_HORIZON)],
                           ignore_index=True)
    started = spells[spells.start_week > 0]
    left = int((spells.start_week == 0).sum())
    rng = np.random.default_rng(0)
    samples, rows = {}, []
    for level in ("violence", "armed_conflict"):
        for h in sorted(started.horizon_weeks.unique()):
            part = started[(started.level == level) & (started.horizon_weeks == h)]
            if part.empty:
                continue
            label = f"{level}, {h}-week runs"
            rows.append({"level": level, "horizon_weeks": h,
                         **summarise(part, label, args.resamples, rng)})
            if level == "violence":
                samples[label] = part
    table = pd.DataFrame(rows)
    out = args.out
    files = [_common.save_table(table, out, NAME), _common.save_table(spells, out, "episodes")]
    files += figure(samples, table, out)
    cols = ["runs", "episodes", "censored_share", "ended_median",
            "ended_mean", "ended_p90", "ended_skewness", "km_median", "km_p90",
            "share_le_13w", "share_gt_52w", "weibull_shape", "weibull_shape_low",
            "weibull_shape_high", "loglik_gain_vs_exponential"]
    _common.show(f"Episode lengths in weeks, policy none ({left} spells already running at "
                 "week 0 left out)",
                 table.set_index("sample")[cols].T.rename_axis("measure").reset_index(),
                 floatfmt="{:.3g}")
    _common.finish(out, clock, {"overrides": ["policy=none", *args.set],
                                "horizon_weeks": horizon, "long_horizon": LONG_HORIZON,
                                "long_seeds": args.long_seeds,
                                "resamples": args.resamples}, seeds, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
