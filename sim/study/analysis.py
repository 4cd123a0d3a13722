"""Analysis tables of a sweep's runs: summaries with intervals, paired differences against
no response, and the findings read off them. Pure pandas and numpy (no matplotlib, no
files), so a notebook can use them on ``runs.parquet`` directly; ``sim.study.report``
renders them.

Which outcomes are shown, and how each is summarised (a proportion or a mean) and judged
(lower or higher is better), comes from the outcome registry, ``sim.metrics.OUTCOMES``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.metrics import OUTCOMES, Direction, Kind, Outcome
from sim.study import stats
from sim.study.sweep import INSTRUMENT_INPUTS, input_columns

__all__ = ["BASELINE", "COST_PER_AVERTED", "DELAY", "GAP_PARTS", "HEADLINE", "better",
           "cost_effectiveness", "delay_trend", "delay_trend_findings", "early_late",
           "early_late_findings", "findings",
           "warning_skill",
           "format_interval", "format_value",
           "gap_findings", "gap_table", "markdown_table", "paired_differences",
           "parse_reference", "summary_table", "varying"]

#: The outcomes a sweep's tables and report lead with, in this order.
HEADLINE: list[Outcome] = [OUTCOMES[k] for k in (
    "armed_conflict", "violence_party_weeks", "parties_in_violence",
    "warning_to_action_weeks", "intervention_cost_usd", "total_cost_usd")]
BASELINE = "none"
#: Paired differences' column: extra intervention cost (USD) per party-week of violence
#: averted against the reference (nan where violence is not lowered).
COST_PER_AVERTED = "usd_per_party_week_averted"
#: Inputs that no response ignores (``policy.response_delay_days``, ``policy.trigger``,
#: ``policy.intensity_scale``): against ``policy=none`` every value of them is paired
#: with the one run of ``none`` on the seed (the prevsim sweeper runs ``none`` once,
#: these inputs unset: ``sim.study.sweep.run_ignored_once``).
RESPONSE_ONLY = INSTRUMENT_INPUTS
DELAY, TRIGGER, SCALE = RESPONSE_ONLY


def better(outcome: Outcome, difference: bool = False) -> str:
    """Which way is better for ``outcome`` (or for a difference of it), in words."""
    if difference:
        return {Direction.MINIMISE: "negative is better", Direction.MAXIMISE:
                "positive is better", Direction.REPORT: "not judged"}[outcome.direction]
    return {Direction.MINIMISE: "lower is better", Direction.MAXIMISE: "higher is better",
            Direction.REPORT: "reported, not judged"}[outcome.direction]


def summary_table(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per group of swept inputs: n and, per headline outcome, mean, low, high."""
    groups = input_columns(runs)
    rows = []
    for row, part in _by_group(runs, groups):
        row["runs"] = len(part)
        for o in HEADLINE:
            s = stats.summarise(part[o.key], o.kind is Kind.PROPORTION, level)
            row.update({o.key: s["mean"], f"{o.key}_low": s["low"], f"{o.key}_high": s["high"]})
        rows.append(row)
    return _baseline_first(pd.DataFrame(rows), groups)


def _by_group(runs: pd.DataFrame, groups: list[str]):
    """``(row, part)`` per group of ``groups`` in sorted order: ``row`` holds the group's
    inputs (a dict to add columns to), ``part`` its runs."""
    for key, part in runs.groupby(groups, sort=True, dropna=False):
        yield dict(zip(groups, key if isinstance(key, tuple) else (key,))), part


def _baseline_first(frame: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Rows in input order, with the ``none`` counterfactual before the policies."""
    if "policy" not in frame.columns:
        return frame
    others = [g for g in groups if g != "policy"]
    key = frame.policy != BASELINE
    return (frame.assign(_after=key).sort_values(others[:1] + ["_after"], kind="stable")
            .drop(columns="_after").reset_index(drop=True))


def parse_reference(reference: str | None) -> tuple[str, str]:
    """``"policy:none"`` (``study.reference``) -> ``("policy", "none")``: the swept input
    and its value that paired differences are taken against."""
    key, sep, value = (reference or f"policy:{BASELINE}").partition(":")
    if not (sep and key and value):
        raise ValueError(f"study.reference = {reference!r}: input:value, e.g. policy:none")
    return key, value


def paired_differences(runs: pd.DataFrame, level: float = 0.95,
                       reference: str | None = None) -> pd.DataFrame:
    """Each setting minus the reference (by default ``policy=none``) on the same seeds and
    the same other inputs: mean and interval.

    Common random numbers make these paired differences far tighter than the difference
    of two independent means. No response ignores the delay, trigger and intensity, so
    against ``policy=none`` every value of them is paired with the one run of ``none``.
    """
    key, value = parse_reference(reference)
    groups = input_columns(runs)
    if key not in groups or value not in set(runs[key].astype(str)):
        return pd.DataFrame()
    ignored = (key, *RESPONSE_ONLY) if key == "policy" else (key,)
    others = [g for g in groups if g not in ignored]
    is_ref = runs[key].astype(str) == value
    base = runs[is_ref].drop_duplicates(subset=others + ["seed"])
    merged = runs[~is_ref].merge(
        base[others + ["seed"] + [o.key for o in HEADLINE]], on=others + ["seed"],
        suffixes=("", "_none"))
    rows = []
    for row, part in _by_group(merged, groups):
        row["pairs"] = len(part)
        for o in HEADLINE:
            col = o.key
            mean, lo, hi = stats.bootstrap_interval(part[col] - part[f"{col}_none"], level)
            row.update({f"d_{col}": mean, f"d_{col}_low": lo, f"d_{col}_high": hi})
        # extra intervention cost per party-week of violence averted (paired ratio of means)
        v, c = "violence_party_weeks", "intervention_cost_usd"
        ratio = stats.bootstrap_ratio(part[c] - part[f"{c}_none"],
                                      part[f"{v}_none"] - part[v], level)
        row.update({COST_PER_AVERTED: ratio[0], f"{COST_PER_AVERTED}_low": ratio[1],
                    f"{COST_PER_AVERTED}_high": ratio[2]})
        rows.append(row)
    return pd.DataFrame(rows)


def format_value(value: float, col: str) -> str:
    """A value as the report writes it: a share as a percentage, USD in millions."""
    if value != value:
        return "–"
    if OUTCOMES.get(col) is not None and OUTCOMES[col].unit == "USD":
        return f"{'−' if value < 0 else ''}${abs(value) / 1e6:,.1f}M"
    if OUTCOMES.get(col) is not None and OUTCOMES[col].kind is Kind.PROPORTION:
        return f"{value:.0%}"
    return f"{value:,.1f}"


def format_interval(row: pd.Series, col: str, prefix: str = "") -> str:
    """``mean [low, high]`` of ``col`` (``d_col`` with ``prefix="d_"``) in ``row``."""
    c = f"{prefix}{col}"
    return (f"{format_value(row[c], col)} [{format_value(row[f'{c}_low'], col)}, "
            f"{format_value(row[f'{c}_high'], col)}]")


def markdown_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.to_numpy()]
    return "\n".join([head, rule, *body])


def findings(summary: pd.DataFrame, diffs: pd.DataFrame, groups: list[str],
             reference: str | None = None) -> list[str]:
    """Sentences read off the tables (nothing here is typed in by hand)."""
    out = []
    best = summary.loc[summary["armed_conflict"].idxmin()]
    worst = summary.loc[summary["armed_conflict"].idxmax()]
    name = lambda r: ", ".join(f"{g}={r[g]}" for g in groups if r[g] == r[g])  # noqa: E731
    # (an input left unset, nan, is one the setting ignores: policy=none's delay)
    out.append(f"Lowest risk of armed conflict: {name(best)} at "
               f"{format_interval(best, 'armed_conflict')}; highest: {name(worst)} at "
               f"{format_interval(worst, 'armed_conflict')}.")
    cheapest = summary.loc[summary["total_cost_usd"].idxmin()]
    out.append(f"Lowest total cost (intervention plus conflict): {name(cheapest)} at "
               f"{format_interval(cheapest, 'total_cost_usd')} per run.")
    if not diffs.empty:
        below = diffs[diffs["d_violence_party_weeks_high"] < 0]
        unclear = diffs[diffs["d_violence_party_weeks_high"] >= 0]
        key, value = parse_reference(reference)
        against = "no response" if (key, value) == ("policy", BASELINE) else f"{key}={value}"
        out.append(f"{len(below)} of {len(diffs)} settings lower violence party-weeks "
                   f"against {against} with a 95% paired interval entirely below zero; "
                   f"{len(unclear)} do not.")
        out += cost_effectiveness(below, groups, against)
    return out


def cost_effectiveness(lowered: pd.DataFrame, groups: list[str], against: str,
                       limit: int = 3) -> list[str]:
    """Violence averted and intervention cost read apart (the total cost prices violence
    at a fixed rate): the settings that avert most, and those whose extra intervention
    cost per party-week averted is lowest, each with its paired interval."""
    if lowered.empty:
        return []
    shown = varying(lowered, groups)
    name = lambda r: ", ".join(f"{g}={r[g]}" for g in shown)  # noqa: E731
    usd = lambda x: "–" if x != x else f"{'−' if x < 0 else ''}${abs(x) / 1e3:,.0f}k"  # noqa: E731
    most = lowered.sort_values("d_violence_party_weeks").head(limit)
    out = ["Most violence averted against " + against + ": " + "; ".join(
        f"{name(r)} {-r['d_violence_party_weeks']:.1f} party-weeks "
        f"[{-r['d_violence_party_weeks_high']:.1f}, {-r['d_violence_party_weeks_low']:.1f}] "
        f"for {format_interval(r, 'intervention_cost_usd', 'd_')} more intervention cost"
        for _, r in most.iterrows()) + "."]
    cheap = lowered.dropna(subset=[COST_PER_AVERTED]).sort_values(COST_PER_AVERTED).head(limit)
    if not cheap.empty:
        out.append("Lowest extra intervention cost per party-week of violence averted: " +
                   "; ".join(f"{name(r)} {usd(r[COST_PER_AVERTED])} "
                             f"[{usd(r[COST_PER_AVERTED + '_low'])}, "
                             f"{usd(r[COST_PER_AVERTED + '_high'])}]"
                             for _, r in cheap.iterrows()) + " (paired ratio of means).")
    return out


#: The parts of a crisis's warning-to-action gap (``sim.warning.CrisisTable.WAITS``) and
#: how the report names them.
GAP_PARTS = {"wait_trigger": "waiting for the trigger", "wait_agenda": "waiting on the agenda",
             "wait_decision": "deciding", "wait_consent": "waiting for consent",
             "wait_resources": "waiting for resources", "wait_deployment": "deploying"}


#: The long gaps whose parts the findings explain: those at or above this quantile of a
#: setting's gaps (its longest tenth); the tables call it p90.
LONG_GAP_QUANTILE = 0.9


def varying(frame: pd.DataFrame, groups: list[str]) -> list[str]:
    """The inputs of ``groups`` that take more than one value (``policy`` always)."""
    return [g for g in groups if g == "policy" or frame[g].nunique(dropna=False) > 1]


def gap_table(crises: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Per group of swept inputs, from every crisis of its runs: crises, the share
    answered (an action on the ground), the gap's median, 90th percentile and mean over
    answered crises, the mean of each of its parts (they sum to the mean gap), and the
    part that dominates the long gaps (those at or above the group's
    :data:`LONG_GAP_QUANTILE`)."""
    rows = []
    for row, part in _by_group(crises, groups):
        gap = part["warning_to_action_weeks"]
        answered = part[gap.notna()]
        row.update(crises=len(part), answered=len(answered) / len(part) if len(part) else
                   float("nan"))
        if len(answered):
            g = answered["warning_to_action_weeks"]
            p90 = float(np.quantile(g, LONG_GAP_QUANTILE))
            row.update(median=float(g.median()), p90=p90, mean=float(g.mean()))
            row.update({name: float(answered[name].mean()) for name in GAP_PARTS})
            long = answered[g >= p90][list(GAP_PARTS)].mean()
            row["long_gaps_mostly"] = str(long.idxmax())
            row["long_gaps_share"] = float(long.max() / long.sum()) if long.sum() else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def gap_findings(table: pd.DataFrame, groups: list[str], limit: int = 12) -> list[str]:
    """One sentence per group (up to ``limit`` groups): how long the gap was, what it
    was mostly spent on, and what made the long ones long (read off :func:`gap_table`)."""
    if table.empty or "median" not in table.columns:
        return []
    shown = varying(table, groups)
    out = []
    for _, r in table.head(limit).iterrows():
        name = ", ".join(f"{g}={r[g]}" for g in shown)
        if r["median"] != r["median"]:
            out.append(f"{name}: no crisis saw an action on the ground.")
            continue
        parts = pd.Series({k: r[k] for k in GAP_PARTS}).sort_values(ascending=False)
        top = [f"{GAP_PARTS[k]} {v:.1f}" for k, v in parts.items() if v >= 0.05][:3]
        out.append(
            f"{name}: warning-to-action gap median {r['median']:.1f} weeks (90th "
            f"percentile {r['p90']:.1f}; {r['answered']:.0%} of {int(r['crises'])} crises "
            f"answered); its mean {r['mean']:.1f} weeks was {', '.join(top) or 'nothing'}; "
            f"the longest tenth was mostly {GAP_PARTS[r['long_gaps_mostly']]} "
            f"({r['long_gaps_share']:.0%} of it).")
    if len(table) > limit:
        out.append(f"… and {len(table) - limit} more settings in gaps.csv.")
    return out


#: The settings of the early-and-late study (``experiment=early_late``): (trigger, delay
#: in days, intensity scale).
EARLY_SMALL, LATE_LARGE = ("warning", 7.0, 1.0), ("violence", 60.0, 2.0)
#: The path from late-and-large to early-and-small, one input at a time, and what each
#: step measures: V(late, large) − V(early, small) is the sum of the three.
EARLY_LATE_STEPS = (
    ("scale", ("violence", 60.0, 2.0), ("violence", 60.0, 1.0),
     "the larger response (intensity ×2 instead of ×1), late"),
    ("timing", ("violence", 60.0, 1.0), ("violence", 7.0, 1.0),
     "deciding 7 days after the trigger instead of 60 (the same crises answered)"),
    ("coverage", ("violence", 7.0, 1.0), ("warning", 7.0, 1.0),
     "answering every warned crisis, not only those where violence is seen"),
)


def early_late(runs: pd.DataFrame, outcome: str = "violence_party_weeks",
               level: float = 0.95) -> pd.DataFrame:
    """Per policy: late-and-large minus early-and-small (``LATE_LARGE`` − ``EARLY_SMALL``)
    on the same seeds, and its decomposition along ``EARLY_LATE_STEPS`` into scale,
    timing and coverage, each a paired difference with its bootstrap interval, its share
    of the total, and the crises answered at each end. Empty unless the runs hold the
    four settings (trigger, delay, intensity swept; ``experiment=early_late``)."""
    needed = {"policy", TRIGGER, DELAY, SCALE}
    if not needed <= set(runs.columns):
        return pd.DataFrame()
    key = runs[TRIGGER].astype(str) + "|" + runs[DELAY].astype(float).astype(str) + "|" \
        + runs[SCALE].astype(float).astype(str)
    runs = runs.assign(_setting=key)
    name = lambda s: f"{s[0]}|{float(s[1])}|{float(s[2])}"  # noqa: E731
    rows = []
    for policy, part in runs[runs.policy != BASELINE].groupby("policy", sort=True):
        wide = part.pivot_table(index="seed", columns="_setting", values=outcome)
        answered = part.pivot_table(index="seed", columns="_setting", values="crises_answered")
        settings = {name(s) for s in (EARLY_SMALL, LATE_LARGE)} | {
            name(x) for step in EARLY_LATE_STEPS for x in step[1:3]}
        if not settings <= set(wide.columns):
            continue
        wide = wide.dropna(subset=sorted(settings))
        total = wide[name(LATE_LARGE)] - wide[name(EARLY_SMALL)]
        mean, lo, hi = stats.bootstrap_interval(total, level)
        row = {"policy": policy, "pairs": len(wide), "total": mean, "total_low": lo,
               "total_high": hi,
               "answered_early": float(answered[name(EARLY_SMALL)].mean()),
               "answered_late": float(answered[name(LATE_LARGE)].mean())}
        for step, start, end, _ in EARLY_LATE_STEPS:
            d = wide[name(start)] - wide[name(end)]
            m, lo, hi = stats.bootstrap_interval(d, level)
            row.update({step: m, f"{step}_low": lo, f"{step}_high": hi,
                        f"{step}_share": m / mean if mean else float("nan")})
        rows.append(row)
    return pd.DataFrame(rows)


def early_late_findings(table: pd.DataFrame) -> list[str]:
    """Sentences read off :func:`early_late` (nothing typed in by hand)."""
    out = []
    for _, r in table.iterrows():
        if r["total_low"] > 0:
            sign = "early-and-small left less violence"
        elif r["total_high"] < 0:
            sign = "late-and-large left less violence"
        else:
            sign = "neither is clearly better (the interval spans zero)"
        clear = r["total_low"] > 0 or r["total_high"] < 0  # shares of a clear total only
        parts = "; ".join(
            f"{step} {r[step]:+.1f} [{r[f'{step}_low']:+.1f}, {r[f'{step}_high']:+.1f}]"
            + (f" ({r[f'{step}_share']:.0%})" if clear else "")
            for step, *_ in EARLY_LATE_STEPS)
        out.append(
            f"`{r['policy']}`: late-and-large minus early-and-small {r['total']:+.1f} "
            f"party-weeks of violence [{r['total_low']:+.1f}, {r['total_high']:+.1f}] over "
            f"{r['pairs']} paired seeds — {sign}. Along the path: {parts}. Crises answered: "
            f"{r['answered_early']:.1f} early, {r['answered_late']:.1f} late (per run).")
    return out


#: The outcomes whose change with the response delay the findings state first when a
#: study sweeps ``policy.response_delay_days`` (``experiment=warning_to_action``).
TREND_OUTCOMES = ("armed_conflict", "violence_party_weeks")
#: Slopes are given per this many days of delay.
TREND_STEP_DAYS = 30
#: A trend needs at least this many delays (with two, the paired differences are the
#: whole story: ``experiment=early_late`` reports them as its timing step).
MIN_TREND_DELAYS = 3


def delay_trend(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """How the outcomes change with the response delay, per setting of the other inputs
    (each instrument) swept over at least :data:`MIN_TREND_DELAYS` delays.

    For each outcome of :data:`TREND_OUTCOMES`, on the same seeds (common random
    numbers): ``<outcome>_diff``, the longest minus the shortest delay (a paired
    difference), and ``<outcome>_slope``, the least-squares slope of the outcome on the
    delay per :data:`TREND_STEP_DAYS` days (each seed's slope over the delays, averaged),
    each with its percentile-bootstrap interval over seeds (``_low``, ``_high``). Seeds
    without every delay are left out; rows with the delay unset (``policy=none``, which
    ignores it) are not a setting. Empty unless the runs sweep ``policy.response_delay_days``.
    """
    if DELAY not in input_columns(runs):
        return pd.DataFrame()
    swept = runs[runs[DELAY].notna()]
    groups = [g for g in input_columns(runs) if g != DELAY]
    rows = []
    for row, part in _by_group(swept, groups):
        delays = np.sort(part[DELAY].astype(float).unique())
        if len(delays) < MIN_TREND_DELAYS:
            continue
        row.update(shortest=float(delays[0]), longest=float(delays[-1]), delays=len(delays))
        for col in TREND_OUTCOMES:
            wide = part.pivot_table(index="seed", columns=DELAY, values=col,
                                    aggfunc="mean").reindex(columns=delays).dropna()
            y = wide.to_numpy(float)
            x = delays - delays.mean()
            slopes = (y - y.mean(axis=1, keepdims=True)) @ x / (x @ x) * TREND_STEP_DAYS
            for name, values in (("diff", y[:, -1] - y[:, 0]), ("slope", slopes)):
                mean, lo, hi = stats.bootstrap_interval(values, level)
                row.update({f"{col}_{name}": mean, f"{col}_{name}_low": lo,
                            f"{col}_{name}_high": hi})
            row["pairs"] = len(wide)
        rows.append(row)
    return pd.DataFrame(rows)


def trend_verdict(low: float, high: float) -> str:
    """What a slope's interval says: a rise, a fall, or no trend told apart from zero."""
    if low > 0:
        return "rises with the delay"
    if high < 0:
        return "falls with the delay"
    return "no trend distinguishable from zero"


def delay_trend_findings(table: pd.DataFrame, groups: list[str]) -> list[str]:
    """One sentence per setting of :func:`delay_trend` (nothing typed in by hand): the
    change from the shortest to the longest delay and the slope per
    :data:`TREND_STEP_DAYS` days of each outcome, with intervals, and whether the slope's
    interval tells a trend apart from zero."""
    if table.empty:
        return []
    shown = varying(table, [g for g in groups if g in table.columns])
    out = []
    for _, r in table.iterrows():
        name = ", ".join(f"`{r[g]}`" if g == "policy" else f"{g}={r[g]}" for g in shown)
        parts = []
        for col, label, scale, unit, digits in (
                ("armed_conflict", "risk of armed conflict", 100, " percentage points", 0),
                ("violence_party_weeks", "violence", 1, " party-weeks per run", 1)):
            diff, slope = ([f"{r[f'{col}_{k}{end}'] * scale:+.{d}f}"
                            for end in ("", "_low", "_high")]
                           for k, d in (("diff", digits), ("slope", 1)))
            verdict = trend_verdict(r[f"{col}_slope_low"], r[f"{col}_slope_high"])
            parts.append(
                f"{label} {diff[0]}{unit} [{diff[1]}, {diff[2]}], slope {slope[0]} per "
                f"{TREND_STEP_DAYS} days [{slope[1]}, {slope[2]}] — {verdict}")
        out.append(f"Delay trend, {name} ({int(r['delays'])} delays, {int(r['pairs'])} "
                   f"paired seeds; a response delay of {r['longest']:g} rather than "
                   f"{r['shortest']:g} days): " + "; ".join(parts) + ".")
    return out


#: The observer inputs whose sweep makes a study of warning skill (``experiment=warning_skill``).
THRESHOLD = "un.warning_threshold"
SKILL = ("warning_precision", "warning_recall", "warning_lead_weeks", "warning_brier",
         "warning_brier_skill")
BASELINES = ("baseline_election_precision", "baseline_election_recall",
             "baseline_recurrence_precision", "baseline_recurrence_recall")


def is_skill_study(runs: pd.DataFrame) -> bool:
    """The study swept the observers: their noise, threshold or errors."""
    return any(("observation_noise_sd" in g or "warning_threshold" in g
                or g.startswith("warning.")) for g in input_columns(runs))


def warning_skill(runs: pd.DataFrame, level: float = 0.95) -> tuple[pd.DataFrame,
                                                                     pd.DataFrame]:
    """Per setting: the mean precision, recall and lead of the warnings (bootstrap
    intervals over runs, nan runs left out); and per setting of the other observer inputs,
    the area under the precision-recall points traced by the swept ``un.warning_threshold``
    (trapezoid over the points sorted by recall, from recall 0 at the first point's
    precision: a coarse curve through few thresholds)."""
    groups = input_columns(runs)
    rows = []
    for row, part in _by_group(runs, groups):
        row["runs"] = len(part)
        for col in SKILL:
            x = part[col].dropna() if col in part else pd.Series(dtype=float)
            mean, lo, hi = stats.bootstrap_interval(x, level) if len(x) > 1 else (
                float(x.mean()) if len(x) else float("nan"), float("nan"), float("nan"))
            row.update({col: mean, f"{col}_low": lo, f"{col}_high": hi})
        rows.append(row)
    table = pd.DataFrame(rows)
    curves = []
    if THRESHOLD in groups and table[THRESHOLD].nunique() > 1:
        others = [g for g in groups if g != THRESHOLD]
        for key, part in table.groupby(others, sort=True, dropna=False):
            part = part.dropna(subset=["warning_precision", "warning_recall"])
            if len(part) < 2:
                continue
            part = part.sort_values("warning_recall")
            r = np.concatenate([[0.0], part["warning_recall"].to_numpy(float)])
            p = np.concatenate([[part["warning_precision"].iloc[0]],
                                part["warning_precision"].to_numpy(float)])
            curve = dict(zip(others, key if isinstance(key, tuple) else (key,)))
            curve.update({"points": len(part), "pr_auc": float(np.trapezoid(p, r))})
            curves.append(curve)
    return table, pd.DataFrame(curves)
