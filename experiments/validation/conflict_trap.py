"""The conflict trap: do parties with a past war fight (again) far more often?

Runs the default scenario with no international response on many seeds and, pooling the
parties of every run, measures:

* the share of parties reaching violence (level ≥ 3), with and without a war before
  week 0 (``history.past_war_fraction`` of them have one; it raises their baseline
  grievance by ``history.grievance_boost``), and the relative risk;
* the weekly hazard of a violence onset per 100 party-weeks at risk (not at violence),
  by history at that week: none, a past war only, violence earlier in the run;
* relapse after an episode ends: the share of ended episodes followed by a new onset of
  the same party within 52 weeks (episodes ending in the last 52 weeks are left out, as
  their follow-up is censored), and the share of parties with an ended episode that
  had another one before the horizon (recurrence);
* how soon re-onsets come: the share within 4 and 13 weeks of the end of the party's
  previous episode (a quick re-onset is closer to a flare-up of the same war than to a
  new one);
* the share of violence onsets that occur in parties with a past war, and with a past war
  or violence earlier in the run: the model's analogue of the report's ¶29 figure (90% of
  the civil wars of the 2000s were in countries with a civil war in the previous 30
  years; World Bank WDR 2011, from Walter's background paper).

Intervals (95%): ``low``/``high`` are percentile bootstrap intervals over runs (seeded,
2,000 resamples of whole runs, so the dependence between the parties of one run is
kept); for pooled proportions the table adds Wilson intervals (``wilson_low``/``high``),
which treat party-runs or episodes as independent and are therefore narrower.

    .venv/bin/python experiments/validation/conflict_trap.py             # 200 seeds, ≈ 15 s
    .venv/bin/python experiments/validation/conflict_trap.py --set history.past_war_fraction=0.5
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

import sim
from sim.core.dynamics import Level
from sim.core.metrics import episodes
from sim.study.stats import wilson_interval

NAME = "conflict_trap"
RELAPSE_WEEKS = 52
REPORT_SHARE = 0.90  # ¶29 (WDR 2011): share of 2000s civil wars in countries with a recent war
RESAMPLES = 2000


def run_counts(params, seed: int) -> tuple[dict, pd.DataFrame]:
    """One run: its counts (every measure is a ratio of sums of these) and its episodes."""
    params.seed = seed
    model = sim.ConflictModel(params).run()
    levels, weeks = model.level_history, model.weeks
    past = model.state.past_war.copy()
    violent = levels >= Level.VIOLENCE                      # (rows, parties)
    # violence at any earlier recorded week (week 0 included), as seen at row t
    prior = np.vstack([np.zeros((1, violent.shape[1]), bool),
                       np.logical_or.accumulate(violent, axis=0)[:-1]])[1:]
    at_risk = ~violent[:-1]                                 # not at violence at t − 1
    onset = at_risk & violent[1:]                           # onset at row t ≥ 1
    reached = violent[1:].any(axis=0)
    c = {"seed": seed, "parties_past_war": int(past.sum()),
         "reached_past_war": int(reached[past].sum()),
         "parties_no_past_war": int((~past).sum()),
         "reached_no_past_war": int(reached[~past].sum()),
         "violent_week0": int(violent[0].sum())}
    for state, m in (("none", ~past & ~prior), ("past_war_only", past & ~prior),
                     ("violence_earlier", prior)):
        c[f"risk_weeks_{state}"] = float((at_risk & m).sum() * model.dt)
        c[f"onsets_{state}"] = int((onset & m).sum())

    spells = episodes(levels, weeks)
    spells.insert(0, "seed", seed)
    spells["past_war"] = past[spells.party.to_numpy()]
    on = spells[spells.start_week > 0]
    c["onsets"] = len(on)
    c["onsets_past_war"] = int(on.past_war.sum())
    c["onsets_history"] = int((on.past_war | (on.number > 1)).sum())
    first = on[on.number == 1]
    c["first_onsets"] = len(first)
    c["first_onsets_past_war"] = int(first.past_war.sum())
    horizon = float(weeks[-1])
    starts = {(r.party, r.number): r.start_week for r in spells.itertuples()}
    ends = {(r.party, r.number): r.end_week for r in spells.itertuples()}
    again = on[on.number > 1]
    gaps = np.array([r.start_week - ends[(r.party, r.number - 1)] for r in again.itertuples()])
    c["reonsets"] = len(again)
    c["reonsets_within_4w"] = int((gaps <= 4).sum())
    c["reonsets_within_13w"] = int((gaps <= 13).sum())
    for group, flag in (("past_war", True), ("no_past_war", False)):
        mine = spells[spells.past_war == flag]
        # relapse: an ended episode with a full follow-up window, then a new onset
        ended = mine[mine.ended & (mine.end_week <= horizon - RELAPSE_WEEKS)]
        nxt = np.array([starts.get((r.party, r.number + 1), np.inf) for r in ended.itertuples()])
        c[f"ended_{group}"] = len(ended)
        c[f"relapsed_{group}"] = int((nxt - ended.end_week.to_numpy() <= RELAPSE_WEEKS).sum())
        # recurrence: parties with an ended episode, and those with a later onset
        first_end = mine[mine.ended].groupby("party").end_week.min()
        last_start = mine.groupby("party").start_week.max().reindex(first_end.index)
        c[f"parties_ended_{group}"] = len(first_end)
        c[f"parties_again_{group}"] = int((last_start > first_end).sum())
    return c, spells


def _ratio(num, den):
    num, den = np.asarray(num, float), np.asarray(den, float)
    return np.divide(num, den, out=np.full(np.broadcast(num, den).shape, np.nan),
                     where=den > 0)


def measures(t) -> dict:
    """Every measure of the table from summed counts ``t`` (a Series, or a DataFrame
    with one row per bootstrap resample)."""
    m = {"risk_past_war": _ratio(t["reached_past_war"], t["parties_past_war"]),
         "risk_no_past_war": _ratio(t["reached_no_past_war"], t["parties_no_past_war"])}
    m["relative_risk"] = _ratio(m["risk_past_war"], m["risk_no_past_war"])
    for state in ("none", "past_war_only", "violence_earlier"):
        m[f"hazard_{state}"] = 100 * _ratio(t[f"onsets_{state}"], t[f"risk_weeks_{state}"])
    m["hazard_ratio_past_war"] = _ratio(m["hazard_past_war_only"], m["hazard_none"])
    m["hazard_ratio_violence_earlier"] = _ratio(m["hazard_violence_earlier"],
                                                m["hazard_none"])
    for group in ("past_war", "no_past_war"):
        m[f"relapse_{RELAPSE_WEEKS}w_{group}"] = _ratio(t[f"relapsed_{group}"],
                                                         t[f"ended_{group}"])
        m[f"recurrence_{group}"] = _ratio(t[f"parties_again_{group}"],
                                          t[f"parties_ended_{group}"])
    m["share_reonsets_within_4w"] = _ratio(t["reonsets_within_4w"], t["reonsets"])
    m["share_reonsets_within_13w"] = _ratio(t["reonsets_within_13w"], t["reonsets"])
    m["share_first_onsets_past_war"] = _ratio(t["first_onsets_past_war"], t["first_onsets"])
    m["share_onsets_past_war"] = _ratio(t["onsets_past_war"], t["onsets"])
    m["share_onsets_history"] = _ratio(t["onsets_history"], t["onsets"])
    return m


#: measures that are pooled proportions k/n (Wilson intervals), with their counts
PROPORTIONS = {
    "risk_past_war": ("reached_past_war", "parties_past_war"),
    "risk_no_past_war": ("reached_no_past_war", "parties_no_past_war"),
    f"relapse_{RELAPSE_WEEKS}w_past_war": ("relapsed_past_war", "ended_past_war"),
    f"relapse_{RELAPSE_WEEKS}w_no_past_war": ("relapsed_no_past_war", "ended_no_past_war"),
    "recurrence_past_war": ("parties_again_past_war", "parties_ended_past_war"),
    "recurrence_no_past_war": ("parties_again_no_past_war", "parties_ended_no_past_war"),
    "share_reonsets_within_4w": ("reonsets_within_4w", "reonsets"),
    "share_reonsets_within_13w": ("reonsets_within_13w", "reonsets"),
    "share_first_onsets_past_war": ("first_onsets_past_war", "first_onsets"),
    "share_onsets_past_war": ("onsets_past_war", "onsets"),
    "share_onsets_history": ("onsets_history", "onsets"),
}


def bootstrap(runs: pd.DataFrame, resamples: int) -> dict[str, tuple[float, float]]:
    """Percentile 95% intervals of every measure, resampling whole runs (seeded)."""
    rng = np.random.default_rng(0)
    counts = runs.drop(columns="seed")
    weights = rng.multinomial(len(runs), np.full(len(runs), 1 / len(runs)), size=resamples)
    sums = pd.DataFrame(weights @ counts.to_numpy(float), columns=counts.columns)
    draws = measures(sums)
    return {k: tuple(np.nanquantile(v, [0.025, 0.975])) for k, v in draws.items()}


def figure(table: pd.DataFrame, past_war_fraction: float, out: Path) -> list[Path]:
    plt = _common.plt()
    t = table.set_index("measure")
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.3))

    def bars(ax, keys, labels, colours):
        vals = t.loc[keys, "model"].to_numpy(float)
        lo = vals - t.loc[keys, "low"].to_numpy(float)
        hi = t.loc[keys, "high"].to_numpy(float) - vals
        ax.bar(labels, vals, yerr=[lo, hi], color=colours, capsize=4)
        for x, v in enumerate(vals):
            ax.annotate(f"{v:.3g}", (x, v), textcoords="offset points", xytext=(8, 3),
                        fontsize=8)

    bars(axes[0], ["risk_no_past_war", "risk_past_war"], ["no past war", "past war"],
         ["tab:blue", "tab:red"])
    axes[0].set_ylabel("share of parties reaching violence in 3 years")
    axes[0].set_title(f"Reaching violence (RR = {t.loc['relative_risk', 'model']:.2f})")
    bars(axes[1], ["hazard_none", "hazard_past_war_only", "hazard_violence_earlier"],
         ["no history", "past war\nonly", "violence earlier\nin the run"],
         ["tab:blue", "tab:red", "tab:purple"])
    axes[1].set_ylabel("violence onsets per 100 party-weeks at risk")
    axes[1].set_title("Onset hazard by history")
    bars(axes[2], ["share_first_onsets_past_war", "share_onsets_past_war",
                   "share_onsets_history"],
         ["first onsets:\npast war", "all onsets:\npast war",
          "all onsets: past war\nor earlier violence"],
         ["tab:red", "tab:red", "tab:purple"])
    axes[2].axhline(REPORT_SHARE, color="k", ls="--", lw=1,
                    label="¶29 / WDR 2011: 90% of 2000s civil wars")
    axes[2].axhline(past_war_fraction, color="grey", ls=":", lw=1.2,
                    label="share of parties with a past war (no trap)")
    axes[2].set_ylim(0, 1.15)
    axes[2].legend(fontsize=7, loc="upper right")
    axes[2].set_ylabel("share of violence onsets")
    axes[2].set_title("Onsets in parties with a history")
    for ax in axes:
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle("Conflict trap in the default scenario, policy none "
                 "(bars: model, 95% intervals)", fontsize=10)
    fig.tight_layout()
    return _common.save_figure(fig, out, NAME)


REFERENCES = {
    "share_onsets_past_war": "90% of civil wars of the 2000s were in countries with a "
    "civil war in the previous 30 years (¶29; WDR 2011; Walter 2010 background paper: "
    "90% of conflicts initiated since 2000 in countries with an earlier civil war)",
    "share_onsets_history": "same 90% (¶29), with in-run violence counted as history",
    "recurrence_past_war": "57% of the 103 countries with a civil war in 1945-2009 had "
    "at least one more (Walter 2010, WDR 2011 background paper; minor and major "
    "conflicts)",
    "relative_risk": "'significantly more likely' (Walter 2004; Collier et al. 2003); "
    "no single ratio",
}


def main(argv: list[str] | None = None) -> int:
    ap = _common.parser(NAME, __doc__, seeds=200)
    _common.add_overrides(ap)
    ap.add_argument("--resamples", type=int, default=RESAMPLES,
                    help="bootstrap resamples over runs")
    args = ap.parse_args(argv)
    seeds = _common.check_seeds(args)
    clock = _common.Clock()
    params = _common.base_params(args)
    rows, all_spells = [], []
    for seed in seeds:
        c, spells = run_counts(params, seed)
        rows.append(c)
        all_spells.append(spells)
    runs = pd.DataFrame(rows)
    spells = pd.concat(all_spells, ignore_index=True)
    total = runs.drop(columns="seed").sum()
    point = measures(total)
    boot = bootstrap(runs, args.resamples)
    table = []
    for key, value in point.items():
        b_lo, b_hi = boot[key]
        row = {"measure": key, "model": float(value), "low": b_lo, "high": b_hi,
               "count": "", "wilson_low": np.nan, "wilson_high": np.nan}
        if key in PROPORTIONS:
            k, n = (int(total[c]) for c in PROPORTIONS[key])
            row["count"] = f"{k}/{n}"
            row["wilson_low"], row["wilson_high"] = wilson_interval(k, n)
        row["reference"] = REFERENCES.get(key, "")
        table.append(row)
    table = pd.DataFrame(table)
    pw = params.history.past_war_fraction
    rr = point["relative_risk"]
    implied = pd.DataFrame({
        "past_war_fraction_f": [0.1, 0.2, 0.3, 0.5],
        "share_with_model_RR": [f * rr / (f * rr + 1 - f) for f in (0.1, 0.2, 0.3, 0.5)],
        "RR_needed_for_90pct": [9 * (1 - f) / f for f in (0.1, 0.2, 0.3, 0.5)],
    })
    out = args.out
    files = [_common.save_table(table, out, NAME),
             _common.save_table(implied, out, "implied_share"),
             _common.save_table(runs, out, "runs"),
             _common.save_table(spells, out, "episodes")]
    files += figure(table, pw, out)
    n_parties = int(total.parties_past_war + total.parties_no_past_war)
    _common.show(f"Conflict trap: {len(seeds)} runs, {n_parties} party-runs, policy none "
                 f"({int(total.onsets)} violence onsets; {int(total.violent_week0)} parties "
                 "violent at week 0)",
                 table.drop(columns="reference"))
    _common.show("Share of violence onsets in parties with a past war if the share f of such "
                 "parties changed and the model's relative risk did not (first-onset "
                 "approximation), and the relative risk ¶29's 90% would need",
                 implied)
    _common.finish(out, clock, {"overrides": ["policy=none", *args.set],
                                "relapse_weeks": RELAPSE_WEEKS,
                                "resamples": args.resamples}, seeds, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
