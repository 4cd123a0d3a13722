"""Outcomes of a run: each a function of the model's records.

``outcomes(model)`` is the row a run contributes to a results table. Every value is a
plain Python number (``nan`` where undefined, e.g. the week of first violence in a run
without violence), so tables have fixed columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.core.dynamics import Level
from sim.core.warning import score_warnings

if TYPE_CHECKING:
    from sim.core.model import ConflictModel

__all__ = ["OUTCOME_KEYS", "episodes", "outcomes", "timeseries"]

#: The keys of :func:`outcomes`, in order (what ``study.objective`` and
#: ``sensitivity.outcome`` may name; a test checks it equals a run's keys).
OUTCOME_KEYS = (
    "armed_conflict", "parties_in_violence", "violence_party_weeks",
    "armed_conflict_party_weeks", "peak_level", "weeks_to_first_violence",
    "violence_episodes", "violence_recurrences", "episodes_ended", "median_episode_weeks",
    "violence_share_past_war", "violence_share_no_past_war", "mean_hostility_final",
    "coups", "elections", "warnings", "warnings_hit", "warnings_late",
    "warnings_false_alarm", "violence_missed", "crises_answered", "first_warning_week",
    "first_action_week", "warning_to_action_weeks", "actions", "consent_refusals",
    "deployments", "agreements", "mediation_failures", "relapses",
    "intervention_cost_usd", "conflict_cost_usd", "total_cost_usd",
)


def _spells(levels: np.ndarray, weeks: np.ndarray, at_least: int = Level.VIOLENCE
            ) -> dict[str, np.ndarray]:
    """:func:`episodes` as arrays (a DataFrame costs more than the rest of it)."""
    on = (levels >= at_least).astype(np.int8)
    padded = np.vstack([np.zeros((1, on.shape[1]), np.int8), on,
                        np.zeros((1, on.shape[1]), np.int8)])
    change = np.diff(padded, axis=0)
    s_row, s_party = np.nonzero(change == 1)
    e_row, e_party = np.nonzero(change == -1)
    start_order = np.lexsort((s_row, s_party))
    end_order = np.lexsort((e_row, e_party))
    s_row, s_party = s_row[start_order], s_party[start_order]
    e_row = e_row[end_order]
    n_rows = levels.shape[0]
    ended = e_row < n_rows
    dt = float(weeks[1] - weeks[0]) if len(weeks) > 1 else 1.0
    # spells are sorted by party, then start: a spell's number counts from its party's first
    number = np.arange(s_party.size) - np.searchsorted(s_party, s_party, side="left") + 1
    return {"party": s_party, "start_week": weeks[s_row],
            "end_week": np.where(ended, weeks[np.minimum(e_row, n_rows - 1)], np.nan),
            "weeks": (e_row - s_row) * dt, "ended": ended, "number": number}


def episodes(levels: np.ndarray, weeks: np.ndarray, at_least: int = Level.VIOLENCE
             ) -> pd.DataFrame:
    """Spells of each party at ``level >= at_least``.

    Args:
        levels: level history, shape (rows, parties); row 0 is week 0.
        weeks: week of each row.

    Returns:
        One row per spell: ``party`` (index), ``start_week``, ``end_week`` (first week
        back below, or nan if still on at the end), ``weeks`` (length, censored at the end
        of the run), ``ended`` (bool), ``number`` (1 for a party's first spell, …).
    """
    return pd.DataFrame(_spells(levels, weeks, at_least))


def outcomes(model: "ConflictModel") -> dict[str, float]:
    """The outcomes of a run so far (DESIGN.md §3, *Outcomes per run*).

    Keys:
        armed_conflict: 1 if any party reached level 4 (armed conflict), else 0.
        parties_in_violence: parties that were at level ≥ 3 at some week.
        violence_party_weeks: party-weeks at level ≥ 3 (weeks 1..end; week 0 excluded).
        armed_conflict_party_weeks: party-weeks at level 4.
        peak_level: highest level any party reached.
        weeks_to_first_violence: first week with a party at level ≥ 3 (nan if none).
        violence_episodes: spells at level ≥ 3 that started during the run.
        violence_recurrences: such spells of parties that had an earlier spell in the run.
        episodes_ended: spells at level ≥ 3 that ended before the horizon.
        median_episode_weeks: median length of ended spells (nan if none ended).
        violence_share_past_war / violence_share_no_past_war: share of parties with /
            without a war before week 0 that reached violence (nan if no such parties).
        mean_hostility_final: mean hostility at the last week.
        coups, elections: shocks that happened.
    """
    levels = model.level_history
    weeks = model.weeks
    run_levels = levels[1:]
    violent = levels >= Level.VIOLENCE
    any_violent_week = violent[1:].any(axis=1)
    spells = _spells(levels, weeks)
    started = spells["start_week"] > 0
    ended = spells["ended"]
    past = model.state.past_war
    reached = violent.any(axis=0)
    kinds = model.event_log.counts

    def share(mask: np.ndarray) -> float:
        return float(reached[mask].mean()) if mask.any() else float("nan")

    return {
        "armed_conflict": int((levels == Level.ARMED_CONFLICT).any()),
        "parties_in_violence": int(reached.sum()),
        "violence_party_weeks": float((run_levels >= Level.VIOLENCE).sum() * model.dt),
        "armed_conflict_party_weeks": float((run_levels == Level.ARMED_CONFLICT).sum()
                                            * model.dt),
        "peak_level": int(levels.max()),
        "weeks_to_first_violence": (float(weeks[1:][any_violent_week][0])
                                    if any_violent_week.any() else float("nan")),
        "violence_episodes": int(started.sum()),
        "violence_recurrences": int((started & (spells["number"] > 1)).sum()),
        "episodes_ended": int(ended.sum()),
        "median_episode_weeks": (float(np.median(spells["weeks"][ended])) if ended.any()
                                 else float("nan")),
        "violence_share_past_war": share(past),
        "violence_share_no_past_war": share(~past),
        "mean_hostility_final": float(model.state.hostility.mean()),
        "coups": int(kinds.get("coup", 0)),
        "elections": int(kinds.get("election", 0)),
        **response_outcomes(model, kinds),
    }


def response_outcomes(model: "ConflictModel", kinds) -> dict[str, float]:
    """Warnings and their scores, the response's timing, results and costs."""
    p, table = model.params, model.warning.table
    warning_week = table.column("warning_week")
    action_week = table.column("first_action_week")
    answered = ~np.isnan(action_week)
    gap = action_week[answered] - warning_week[answered]
    levels = model.level_history[1:]
    conflict_cost = model.dt * (
        (levels == Level.VIOLENCE).sum() * p.costs.violence_usd_per_party_week
        + (levels == Level.ARMED_CONFLICT).sum() * p.costs.armed_conflict_usd_per_party_week)
    intervention_cost = model.response.cost_usd
    first = lambda x: float(np.nanmin(x)) if x.size and not np.isnan(x).all() else float("nan")  # noqa: E731
    return {
        **score_warnings(table.column("party"), warning_week, table.column("closed_week"),
                         model.level_history, model.weeks, p.warning.score_horizon_weeks),
        "crises_answered": int(answered.sum()),
        "first_warning_week": first(warning_week),
        "first_action_week": first(action_week),
        # sum / count, as pandas' mean of these columns (model.crises) computes it
        "warning_to_action_weeks": float(gap.sum() / gap.size) if gap.size else float("nan"),
        "actions": int(kinds.get("action", 0)),
        "consent_refusals": int(kinds.get("consent_refused", 0)),
        "deployments": int(kinds.get("deployment", 0)),
        "agreements": int(kinds.get("agreement", 0)),
        "mediation_failures": int(kinds.get("mediation_failed", 0)),
        "relapses": int(kinds.get("relapse", 0)),
        "intervention_cost_usd": float(intervention_cost),
        "conflict_cost_usd": float(conflict_cost),
        "total_cost_usd": float(intervention_cost + conflict_cost),
    }


def timeseries(model: "ConflictModel") -> pd.DataFrame:
    """Per-week aggregates: parties at each level, mean and max hostility."""
    levels = model.level_history
    counts = np.stack([(levels == lv).sum(axis=1) for lv in Level], axis=1)
    frame = pd.DataFrame(counts, columns=[f"parties_{lv.name.lower()}" for lv in Level])
    frame.insert(0, "week", model.weeks)
    if model.params.record.hostility:
        host = model.hostility_history
        frame["mean_hostility"] = host.mean(axis=1).astype(float)
        frame["max_hostility"] = host.max(axis=1).astype(float)
    return frame
