"""The analytic Richardson threshold across graph families, normalisations and sizes.

With feedback, noise and shocks off and no policy, the model is the linear network
Richardson map h ← h + Δt·(k·W·h − a∘h + g). Theory (docs/model.md 7.24): with uniform
restraint a it is stable iff k·ρ(W) < a, and then converges to h* = (diag(a) − k·W)⁻¹·g;
above, the Perron mode grows by 1 + Δt·(k·ρ − a) per week. This script runs the *model*
(``ConflictModel.step``), not the formula, for every network family
(regional_blocks, small_world, scale_free), normalisation (row, spectral, none) and size,
sweeping the ratio r = k·ρ(W)/a from 0.5 to 1.5 in steps of 0.05, and classifies each run
by what its trajectory does:

* ``converged``: the weekly increments shrink geometrically (measured growth factor
  γ < 1 − 1e-5) or hostility has reached h* to machine precision;
* ``runaway``: the increments grow (γ > 1 + 1e-5) or hostility passes 1e12 (the
  numerical guard ``dynamics.hostility_cap`` is raised from 1e6 to 1e30 so that growth
  can be measured);
* ``marginal``: neither (theory: only at r = 1 exactly, where no equilibrium exists and
  h grows linearly; that ratio is left out of the grid and the bisection steps around
  it).

The empirical threshold of a network is then bracketed between the largest converged
and the smallest runaway ratio, the bracket narrowed by five bisections (1,000 weeks
each), and set against the analytic value 1. For converged grid runs with r ≤ r* − 0.1
the final state is compared with h*
(``sim.core.dynamics.linear_equilibrium``), and for every run the measured γ with the analytic
1 + Δt·s, s the spectral abscissa of k·W − diag(a).

Three extra rows per size-60 network keep the default heterogeneous restraint
(``restraint_sd`` = 0.05): there the analytic threshold is not 1 but the ratio r* at which
diag(a) − k·W stops being a nonsingular M-matrix (s = 0), computed from the eigenvalues.

    .venv/bin/python experiments/validation/threshold.py            # ≈ 1 min
    .venv/bin/python experiments/validation/threshold.py --sizes 20 60 --seeds 2
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

from sim import ConflictModel
from sim.core.dynamics import linear_equilibrium
from sim.core.network import spectral_radius
from sim.core.params import Params, with_overrides

NAME = "threshold"
FAMILIES = ("regional_blocks", "small_world", "scale_free")
NORMALISATIONS = ("row", "spectral", "none")
RESTRAINT = 0.4            # a, the default mean restraint (1/week)
# 20 ratios from 0.5 to 1.5 in steps of 0.05, without r = 1 itself: there theory predicts
# neither convergence nor exponential growth (no equilibrium; h grows linearly), and a
# finite run cannot tell that from a slowly converging one on graphs with a small
# spectral gap (a transient mode decays while the Perron mode stays flat).
GRID = np.array([r for r in np.round(np.arange(0.5, 1.5 + 1e-9, 0.05), 2) if r != 1.0])
GRID_WEEKS = 600           # enough to decide every grid point (|r − 1| ≥ 0.05)
BISECT_WEEKS = 1000        # for the bisection points near the threshold
BISECTIONS = 5             # bracket 0.1 → about 0.004
GAMMA_TOL = 1e-5           # |γ − 1| below this is "marginal"
CAP = 1e30                 # dynamics.hostility_cap, raised from 1e6 so growth is measured
RUNAWAY_H = 1e12           # hostility this high is a runaway
FAR = 0.1                  # equilibrium check on grid runs with r ≤ r* − FAR
ROUNDOFF = 1e-13           # increments below this (relative) are machine precision


def linear_params(kind: str, normalise: str, n: int, seed: int, reaction: float,
                  heterogeneous: bool) -> Params:
    """The deterministic linear map on one network: no feedback, noise, shocks, policy."""
    overrides = {
        "seed": seed, "horizon_weeks": BISECT_WEEKS,
        "network__kind": kind, "network__n_parties": n, "network__normalise": normalise,
        "network__n_regions": 4,
        "dynamics__feedback": False, "dynamics__noise_sd": 0.0,
        "dynamics__reaction": reaction, "dynamics__restraint_mean": RESTRAINT,
        "dynamics__hostility_cap": CAP,
        "shocks__enabled": False, "record__hostility": False,
    }
    if not heterogeneous:
        overrides["dynamics__restraint_sd"] = 0.0
    return with_overrides(Params(), overrides)


def spectral_abscissa(W: np.ndarray, restraint: np.ndarray, k: float,
                      top_eig_W: float | None = None) -> float:
    """max Re λ of k·W − diag(a): the linear map is stable iff this is < 0. With uniform
    a it is k·max Re λ(W) − a (pass ``top_eig_W`` to skip the eigen-solve)."""
    if top_eig_W is not None and np.ptp(restraint) == 0:
        return k * top_eig_W - float(restraint[0])
    return float(np.max(np.linalg.eigvals(k * W - np.diag(restraint)).real))


def analytic_threshold(W: np.ndarray, restraint: np.ndarray, rho: float) -> float:
    """The ratio r* = k*·ρ/ā at which the spectral abscissa crosses 0 (1 if a is uniform)."""
    abar = float(np.mean(restraint))
    if np.ptp(restraint) == 0:
        return 1.0
    lo, hi = 0.0, 3.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if spectral_abscissa(W, restraint, mid * abar / rho) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _rate(increments) -> float:
    """Weekly growth factor of a run of increments (log-linear least squares)."""
    x = np.arange(len(increments))
    return float(math.exp(np.polyfit(x, np.log(increments), 1)[0]))


def _settled(steps: list[float]) -> bool:
    """The last two 200-week windows give the same clear growth factor."""
    last, before = np.asarray(steps[-200:]), np.asarray(steps[-400:-200])
    if np.any(last <= 0) or np.any(before <= 0):
        return False
    g1, g2 = _rate(last) - 1, _rate(before) - 1
    return abs(g1) > 50 * GAMMA_TOL and g1 * g2 > 0 and abs(g1 - g2) < 0.1 * abs(g1)


def classify(params: Params, weeks: int, settle: bool) -> dict:
    """Run the model for up to ``weeks`` steps and say what its trajectory does; with
    ``settle``, stop early once the growth factor is clear."""
    model = ConflictModel(params)
    s = model.state
    steps = []
    h_prev = s.hostility.copy()
    outcome = None
    for _ in range(weeks):
        model.step()
        h = s.hostility
        inc = float(np.linalg.norm(h - h_prev))
        steps.append(inc)
        h_prev = h.copy()
        if not np.all(np.isfinite(h)) or h.max() > RUNAWAY_H:
            outcome = "runaway"
            break
        if len(steps) > 5 and max(steps[-5:]) <= ROUNDOFF * (1 + float(np.linalg.norm(h))):
            outcome = "converged"  # at the fixed point to machine precision
            break
        if settle and len(steps) >= 400 and len(steps) % 100 == 0 and _settled(steps):
            break  # the growth factor is clear and stable: decided (saves time)
    inc = np.asarray(steps)
    scale = ROUNDOFF * (1 + np.linalg.norm(s.hostility))
    valid = np.flatnonzero(inc > 100 * scale)
    gamma = float("nan")
    if valid.size >= 8:
        window = valid[valid.size // 2:]         # the later half: the slowest mode
        gamma = float(math.exp(np.polyfit(window, np.log(inc[window]), 1)[0]))
    if outcome is None:
        if gamma > 1 + GAMMA_TOL:
            outcome = "runaway"
        elif gamma < 1 - GAMMA_TOL:
            outcome = "converged"
        else:
            outcome = "marginal"
    dyn = model.params.dynamics
    rel_err = float("nan")
    if outcome == "converged":
        target = linear_equilibrium(model.adjacency, s.restraint, s.grievance, dyn.reaction)
        rel_err = float(np.max(np.abs(s.hostility - target)) / np.max(np.abs(target)))
    return {"weeks_run": len(steps), "outcome": outcome, "gamma_measured": gamma,
            "final_max_h": float(s.hostility.max()), "rel_error_to_equilibrium": rel_err}


def study_network(kind: str, normalise: str, n: int, seed: int, heterogeneous: bool
                  ) -> tuple[list[dict], dict]:
    """Grid and bisection on one network; returns the runs and the network's summary."""
    probe = ConflictModel(linear_params(kind, normalise, n, seed, 0.0, heterogeneous))
    W = probe.adjacency.toarray()
    rho = spectral_radius(probe.adjacency)
    top = float(np.max(np.linalg.eigvals(W).real))   # = ρ(W) for W ≥ 0 (Perron–Frobenius)
    restraint = probe.state.restraint.copy()
    abar = float(restraint.mean())
    r_star = analytic_threshold(W, restraint, rho)
    dt = probe.dt
    runs = []

    def run(ratio: float, weeks: int, stage: str) -> dict:
        k = ratio * abar / rho
        row = {"family": kind, "normalise": normalise, "n_parties": n, "seed": seed,
               "restraint": "heterogeneous" if heterogeneous else "uniform",
               "stage": stage, "ratio": ratio, "reaction_k": k, "rho_W": rho,
               "gamma_analytic": 1 + dt * spectral_abscissa(W, restraint, k, top),
               **classify(linear_params(kind, normalise, n, seed, k, heterogeneous),
                          weeks, settle=stage == "bisection")}
        runs.append(row)
        return row

    for ratio in GRID:
        run(float(ratio), GRID_WEEKS, "grid")
    conv = [r["ratio"] for r in runs if r["outcome"] == "converged"]
    away = [r["ratio"] for r in runs if r["outcome"] == "runaway"]
    marginal = [r["ratio"] for r in runs if r["outcome"] == "marginal"]
    lo = max(conv) if conv else float("nan")
    hi = min(away) if away else float("nan")
    # converged ratios, then marginal ones (r = 1 only), then runaways: no reversal
    monotone = bool(conv and away and lo < hi and all(lo < m < hi for m in marginal)
                    and min(away) > max(conv))
    if monotone:
        for _ in range(BISECTIONS):
            mid = (lo + hi) / 2
            if abs(mid - r_star) < 1e-9:  # exactly at the threshold: step aside (above)
                mid += (hi - lo) / 8
            outcome = run(mid, BISECT_WEEKS, "bisection")["outcome"]
            if outcome == "converged":
                lo = mid
            elif outcome == "runaway":
                hi = mid
            else:
                marginal.append(mid)
                break
    frame = pd.DataFrame(runs)
    grid = frame[frame.stage == "grid"]
    summary = {
        "family": kind, "normalise": normalise, "n_parties": n, "seed": seed,
        "restraint": "heterogeneous" if heterogeneous else "uniform",
        "rho_W": rho, "analytic_threshold": r_star,
        "last_converged": lo, "first_runaway": hi,
        "empirical_threshold": (lo + hi) / 2, "bracket_width": hi - lo,
        "brackets_analytic": bool(lo < r_star < hi),
        "abs_error": abs((lo + hi) / 2 - r_star),
        "marginal_ratios": " ".join(f"{m:g}" for m in sorted(marginal)),
        "monotone": monotone,
        "max_rel_error_to_eq": float(grid[grid.ratio <= r_star - FAR]
                                     .rel_error_to_equilibrium.max()),
        "max_gamma_error": float((frame.gamma_measured - frame.gamma_analytic).abs().max()),
        "runs": len(frame),
    }
    return runs, summary


def figure(runs: pd.DataFrame, summary: pd.DataFrame, out: Path) -> list[Path]:
    plt = _common.plt()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 0.24 * len(summary) + 3.5),
                                   gridspec_kw={"width_ratios": [1.1, 1]})
    colours = {"regional_blocks": "tab:blue", "small_world": "tab:orange",
               "scale_free": "tab:green"}
    markers = {"row": "o", "spectral": "s", "none": "^"}
    uni = runs[runs.restraint == "uniform"]
    for (kind, norm), part in uni.groupby(["family", "normalise"]):
        ax1.scatter(part.ratio, part.gamma_measured - 1, s=12, alpha=0.6,
                    color=colours[kind], marker=markers[norm], label=f"{kind}, {norm}")
    r = np.linspace(0.5, 1.5, 50)
    ax1.plot(r, RESTRAINT * (r - 1), "k-", lw=1, label="theory: Δt·(kρ − a) = a(r − 1)")
    ax1.axhline(0, color="grey", lw=0.6)
    ax1.axvline(1, color="red", lw=0.8, ls="--")
    ax1.set_xlabel("r = k·ρ(W)/a")
    ax1.set_ylabel("measured weekly growth factor γ − 1 (slowest mode)")
    ax1.set_title("Growth of deviations: model runs vs theory (uniform a)")
    ax1.legend(fontsize=7, ncol=2, loc="upper left")
    labels = [f"{s.family} / {s.normalise} / N={s.n_parties}"
              + (" / a het." if s.restraint == "heterogeneous" else "")
              + (f" / seed {s.seed}" if summary.seed.nunique() > 1 else "")
              for s in summary.itertuples()]
    y = np.arange(len(summary))[::-1]
    for yi, s in zip(y, summary.itertuples()):
        c = colours[s.family]
        ax2.plot([s.last_converged, s.first_runaway], [yi, yi], "-", color=c, lw=4,
                 solid_capstyle="butt")
        ax2.plot([s.analytic_threshold], [yi], "k|", ms=10)
    ax2.axvline(1, color="red", lw=0.8, ls="--", label="analytic (uniform a): 1")
    ax2.set_yticks(y, labels, fontsize=7)
    width = float(np.nanmax(np.abs(np.r_[summary.last_converged, summary.first_runaway]
                                        - 1)))
    ax2.set_xlim(1 - 1.3 * max(width, 0.01), 1 + 1.3 * max(width, 0.01))
    ax2.set_xlabel("r = k·ρ(W)/a: bracket [last converged, first runaway]; "
                   "| = analytic")
    ax2.set_title("Empirical threshold per network")
    ax2.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return _common.save_figure(fig, out, NAME)


def main(argv: list[str] | None = None) -> int:
    ap = _common.parser(NAME, __doc__, seeds=1)
    ap.add_argument("--sizes", type=int, nargs="+", default=[20, 60, 200],
                    help="network sizes (parties)")
    ap.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES,
                    help="network families")
    ap.add_argument("--normalisations", nargs="+", default=list(NORMALISATIONS),
                    choices=NORMALISATIONS, help="normalisations of W")
    ap.add_argument("--no-heterogeneous", action="store_true",
                    help="skip the rows with heterogeneous restraint")
    args = ap.parse_args(argv)
    seeds = _common.check_seeds(args)
    clock = _common.Clock()
    if min(args.sizes) < 8:
        sys.exit("--sizes must be at least 8 parties")
    configs = [(kind, norm, n, seed, False) for n in args.sizes for kind in args.families
               for norm in args.normalisations for seed in seeds]
    if not args.no_heterogeneous:
        n_het = 60 if 60 in args.sizes else args.sizes[0]
        configs += [(kind, "row", n_het, seed, True) for kind in args.families
                    for seed in seeds]
    runs, summaries = [], []
    for cfg in configs:
        r, s = study_network(*cfg)
        runs += r
        summaries.append(s)
        print(f"  {cfg[0]:15s} {cfg[1]:8s} N={cfg[2]:<4d} seed={cfg[3]} "
              f"{'het' if cfg[4] else 'uni'}: threshold in ({s['last_converged']:.4f}, "
              f"{s['first_runaway']:.4f}), analytic {s['analytic_threshold']:.4f}",
              flush=True)
    runs = pd.DataFrame(runs)
    summary = pd.DataFrame(summaries)
    out = args.out
    files = [_common.save_table(summary, out, NAME), _common.save_table(runs, out, "runs")]
    files += figure(runs, summary, out)
    cols = ["family", "normalise", "n_parties", "restraint", "rho_W", "analytic_threshold",
            "last_converged", "first_runaway", "empirical_threshold",
            "brackets_analytic", "max_rel_error_to_eq", "max_gamma_error"]
    if len(seeds) > 1:
        cols.insert(3, "seed")
    _common.show("Empirical vs analytic threshold of r = k·ρ(W)/a", summary[cols],
                 floatfmt="{:.5g}")
    uni = summary[summary.restraint == "uniform"]
    print(f"\nuniform restraint: {int(uni.brackets_analytic.sum())} of {len(uni)} networks "
          f"bracket the analytic threshold 1; mean |empirical − 1| = "
          f"{uni.abs_error.mean():.4f}; widest bracket {uni.bracket_width.max():.4f}")
    het = summary[summary.restraint == "heterogeneous"]
    if len(het):
        print(f"heterogeneous restraint: {int(het.brackets_analytic.sum())} of {len(het)} "
              "bracket their own analytic r* (spectral abscissa of k·W − diag(a) = 0)")
    print(f"grid runs with r ≤ r* − {FAR}: max relative distance to (diag(a) − k·W)⁻¹·g = "
          f"{summary.max_rel_error_to_eq.max():.2e}; max |γ measured − γ analytic| = "
          f"{summary.max_gamma_error.max():.2e} over {len(runs)} runs")
    _common.finish(out, clock, {"sizes": args.sizes, "families": args.families,
                                "normalisations": args.normalisations,
                                "heterogeneous": not args.no_heterogeneous,
                                "grid": GRID.tolist(),
                                "restraint": RESTRAINT, "grid_weeks": GRID_WEEKS,
                                "bisect_weeks": BISECT_WEEKS, "bisections": BISECTIONS,
                                "gamma_tol": GAMMA_TOL, "hostility_cap": CAP,
                                "runaway_h": RUNAWAY_H}, seeds, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
