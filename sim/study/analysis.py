"""Analysis tables of a sweep's runs: summaries with intervals, paired differences against
no response, and the findings read off them. Pure pandas and numpy (no matplotlib, no
files), so a notebook can use them on ``runs.parquet`` directly; ``sim.study.report``
renders them.

Which outcomes are shown, and how each is summarised (a proportion or a mean) and judged
(lower or higher is better), comes from the outcome registry, ``sim.metrics.OUTCOMES``.
"""

from __future__ import annotations

import pandas as pd

from sim.core.metrics import OUTCOMES, Direction, Kind, Outcome
from sim.study import stats
from sim.study.sweep import input_columns

__all__ = ["BASELINE", "DELAY", "HEADLINE", "better", "findings", "format_interval",
           "format_value", "markdown_table", "paired_differences", "summary_table"]

#: The outcomes a sweep's tables and report lead with, in this order.
HEADLINE: list[Outcome] = [OUTCOMES[k] for k in (
    "armed_conflict", "violence_party_weeks", "parties_in_violence",
    "warning_to_action_weeks", "intervention_cost_usd", "total_cost_usd")]
BASELINE = "none"
DELAY = "policy.response_delay_days"


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


def paired_differences(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Policy minus ``none`` on the same seeds (and same other inputs): mean and interval.

    Common random numbers make these paired differences far tighter than the difference
    of two independent means.
    """
    groups = input_columns(runs)
    if "policy" not in groups or BASELINE not in set(runs.policy):
        return pd.DataFrame()
    others = [g for g in groups if g not in ("policy", DELAY)]
    base = runs[runs.policy == BASELINE]
    base = base.drop_duplicates(subset=others + ["seed"])  # none ignores the delay
    merged = runs[runs.policy != BASELINE].merge(
        base[others + ["seed"] + [o.key for o in HEADLINE]], on=others + ["seed"],
        suffixes=("", "_none"))
    rows = []
    for row, part in _by_group(merged, groups):
        row["pairs"] = len(part)
        for o in HEADLINE:
            col = o.key
            mean, lo, hi = stats.bootstrap_interval(part[col] - part[f"{col}_none"], level)
            row.update({f"d_{col}": mean, f"d_{col}_low": lo, f"d_{col}_high": hi})
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


def findings(summary: pd.DataFrame, diffs: pd.DataFrame, groups: list[str]) -> list[str]:
    """Sentences read off the tables (nothing here is typed in by hand)."""
    out = []
    best = summary.loc[summary["armed_conflict"].idxmin()]
    worst = summary.loc[summary["armed_conflict"].idxmax()]
    name = lambda r: ", ".join(f"{g}={r[g]}" for g in groups)  # noqa: E731
    out.append(f"Lowest risk of armed conflict: {name(best)} at "
               f"{format_interval(best, 'armed_conflict')}; highest: {name(worst)} at "
               f"{format_interval(worst, 'armed_conflict')}.")
    cheapest = summary.loc[summary["total_cost_usd"].idxmin()]
    out.append(f"Lowest total cost (intervention plus conflict): {name(cheapest)} at "
               f"{format_interval(cheapest, 'total_cost_usd')} per run.")
    if not diffs.empty:
        below = diffs[diffs["d_violence_party_weeks_high"] < 0]
        unclear = diffs[diffs["d_violence_party_weeks_high"] >= 0]
        out.append(f"{len(below)} of {len(diffs)} policy settings lower violence "
                   "party-weeks against no response with a 95% paired interval entirely "
                   f"below zero; {len(unclear)} do not.")
    return out
