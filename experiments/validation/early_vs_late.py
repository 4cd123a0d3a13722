"""Early versus late action, paired on the same seeds (common random numbers).

The report's thesis (¶47): "the difference between success and failure can often be
measured by the time lost between the first signs of trouble and the first steps to
address it", and a small step taken early "can have a greater impact on the calculations
of key actors than a larger response taken much later". The model does not assume this:
whether it holds depends on the bistability near the violence threshold, weariness and
grievance memory (docs/model.md 7.4–7.7).

Arms, each run on the same seeds of the default scenario:

* ``none``: no response (the counterfactual);
* ``envoy_7d``: a UN envoy decided 7 days after the first warning of a crisis (plus the
  UN's consensus time; ``policy=envoy policy.response_delay_days=7``);
* ``envoy_90d``: the same envoy decided 90 days after the warning;
* ``late_envoy``: the same envoy, but only once an observer sees violence, 30 days after
  that (``policy=late_envoy``);
* ``early_statement``: the small early step: three UN statements from 7 days after the
  warning (``policy=early_statement``).

Paired differences (arm minus arm on the same seed) of ``violence_party_weeks`` and of
``armed_conflict`` (0/1 per run), with 95% percentile-bootstrap intervals
(``sim.study.stats.bootstrap_interval``); per-arm shares of armed conflict with Wilson
intervals (``sim.study.stats.wilson_interval``).

    .venv/bin/python experiments/validation/early_vs_late.py            # 200 seeds, ≈ 1 min
    .venv/bin/python experiments/validation/early_vs_late.py --seeds 50
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

import sim
import sim.core.metrics
from sim.study.stats import bootstrap_interval, wilson_interval

NAME = "early_vs_late"
ARMS = {
    "none": ["policy=none"],
    "envoy_7d": ["policy=envoy", "policy.response_delay_days=7"],
    "envoy_90d": ["policy=envoy", "policy.response_delay_days=90"],
    "late_envoy": ["policy=late_envoy"],
    "early_statement": ["policy=early_statement"],
}
#: (arm, minus arm, what the pair asks)
PAIRS = [
    ("envoy_90d", "envoy_7d", "same envoy, decided 90 instead of 7 days after the warning"),
    ("late_envoy", "envoy_7d", "envoy only once violence is seen vs 7 days after the warning"),
    ("envoy_7d", "none", "early envoy vs no response"),
    ("envoy_90d", "none", "envoy at 90 days vs no response"),
    ("late_envoy", "none", "late envoy vs no response"),
    ("early_statement", "none", "small early step vs no response"),
    ("early_statement", "late_envoy", "¶47: small early step vs larger step later"),
    ("early_statement", "envoy_90d", "¶47: small early step vs envoy at 90 days"),
]
OUTCOMES = ["violence_party_weeks", "armed_conflict", "parties_in_violence",
            "warning_to_action_weeks", "crises_answered", "agreements",
            "intervention_cost_usd"]


def run_arms(seeds: list[int]) -> pd.DataFrame:
    rows = []
    for arm, overrides in ARMS.items():
        params = sim.compose(overrides)
        for seed in seeds:
            params.seed = seed
            out = sim.core.metrics.outcomes(sim.ConflictModel(params).run())
            rows.append({"arm": arm, "seed": seed, **{k: out[k] for k in OUTCOMES}})
    return pd.DataFrame(rows)


def per_arm(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for arm, part in runs.groupby("arm", sort=False):
        vpw, vlo, vhi = bootstrap_interval(part.violence_party_weeks)
        k, n = int(part.armed_conflict.sum()), len(part)
        alo, ahi = wilson_interval(k, n)
        rows.append({"arm": arm, "runs": n, "violence_party_weeks": vpw, "vpw_low": vlo,
                     "vpw_high": vhi, "armed_conflict": k / n, "ac_low": alo,
                     "ac_high": ahi,
                     "warning_to_action_weeks": part.warning_to_action_weeks.mean(),
                     "crises_answered": part.crises_answered.mean(),
                     "agreements": part.agreements.mean(),
                     "intervention_cost_musd": part.intervention_cost_usd.mean() / 1e6})
    return pd.DataFrame(rows)


def paired(runs: pd.DataFrame) -> pd.DataFrame:
    wide = {o: runs.pivot(index="seed", columns="arm", values=o)
            for o in ("violence_party_weeks", "armed_conflict", "intervention_cost_usd")}
    rows = []
    for a, b, question in PAIRS:
        d = wide["violence_party_weeks"][a] - wide["violence_party_weeks"][b]
        ac = wide["armed_conflict"][a] - wide["armed_conflict"][b]
        cost = (wide["intervention_cost_usd"][a] - wide["intervention_cost_usd"][b]) / 1e6
        m, lo, hi = bootstrap_interval(d)
        am, alo, ahi = bootstrap_interval(ac)
        rows.append({"comparison": f"{a} − {b}", "question": question,
                     "d_violence_party_weeks": m, "low": lo, "high": hi,
                     "fewer_in": int((d < 0).sum()), "more_in": int((d > 0).sum()),
                     "d_armed_conflict": am, "ac_low": alo, "ac_high": ahi,
                     "ac_only_first": int((ac > 0).sum()), "ac_only_second": int((ac < 0).sum()),
                     "d_cost_musd": float(cost.mean()), "seeds": int(d.size)})
    return pd.DataFrame(rows)


def figure(arms: pd.DataFrame, diffs: pd.DataFrame, out: Path) -> list[Path]:
    plt = _common.plt()
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5),
                             gridspec_kw={"height_ratios": [1, 1.25]})
    colours = {"none": "black", "envoy_7d": "tab:green", "envoy_90d": "tab:olive",
               "late_envoy": "tab:red", "early_statement": "tab:blue"}
    x = np.arange(len(arms))
    c = [colours[a] for a in arms.arm]
    ax = axes[0, 0]
    ax.bar(x, arms.violence_party_weeks, color=c,
           yerr=[arms.violence_party_weeks - arms.vpw_low,
                 arms.vpw_high - arms.violence_party_weeks], capsize=4)
    ax.set_xticks(x, arms.arm, fontsize=8)
    ax.set_ylabel("violence party-weeks per run (mean, 95% CI)")
    ax.set_title("Violence by arm")
    ax = axes[0, 1]
    ax.bar(x, arms.armed_conflict, color=c,
           yerr=[arms.armed_conflict - arms.ac_low, arms.ac_high - arms.armed_conflict],
           capsize=4)
    ax.set_xticks(x, arms.arm, fontsize=8)
    ax.set_ylabel("share of runs with armed conflict (Wilson 95%)")
    ax.set_title("Armed conflict by arm")
    y = np.arange(len(diffs))[::-1]
    for ax, col, lo, hi, label in (
            (axes[1, 0], "d_violence_party_weeks", "low", "high",
             "paired difference in violence party-weeks"),
            (axes[1, 1], "d_armed_conflict", "ac_low", "ac_high",
             "paired difference in P(armed conflict)")):
        ax.errorbar(diffs[col], y, xerr=[diffs[col] - diffs[lo], diffs[hi] - diffs[col]],
                    fmt="o", color="k", capsize=3)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, diffs.comparison, fontsize=8)
        ax.set_xlabel(label + " (first − second, 95% bootstrap CI)")
    axes[1, 1].set_yticklabels([])
    axes[1, 0].set_title("Paired on the same seeds (negative: first arm has less)")
    fig.tight_layout()
    return _common.save_figure(fig, out, NAME)


def main(argv: list[str] | None = None) -> int:
    ap = _common.parser(NAME, __doc__, seeds=200)
    args = ap.parse_args(argv)
    seeds = _common.check_seeds(args, minimum=2)
    clock = _common.Clock()
    runs = run_arms(seeds)
    arms = per_arm(runs)
    diffs = paired(runs)
    out = args.out
    files = [_common.save_table(diffs, out, NAME), _common.save_table(arms, out, "arms"),
             _common.save_table(runs, out, "runs")]
    files += figure(arms, diffs, out)
    _common.show(f"Per arm ({len(seeds)} seeds each; intervention cost in million USD)",
                 arms, floatfmt="{:.3g}")
    _common.show("Paired differences (first − second arm, same seeds; 95% bootstrap CI)",
                 diffs.drop(columns="question"), floatfmt="{:.3g}")
    _common.finish(out, clock, {"arms": ARMS, "pairs": [p[:2] for p in PAIRS]}, seeds,
                   files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
