"""Outcomes of a run: each a function of the model's records.

``outcomes(model)`` is the row a run contributes to a results table. Every value is a
plain Python number (``nan`` where undefined, e.g. the week of first violence in a run
without violence), so tables have fixed columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.core.dynamics import Level
from sim.core.warning import score_warnings

if TYPE_CHECKING:
    from sim.core.model import ConflictModel

__all__ = ["OUTCOMES", "OUTCOME_KEYS", "Direction", "Kind", "Outcome", "episodes",
           "outcomes", "timeseries"]


class Kind(StrEnum):
    """How an outcome is summarised over runs."""

    PROPORTION = "proportion"  # 0 or 1 per run: a share of runs (Wilson interval)
    MEAN = "mean"              # a number per run: its mean (bootstrap interval)


class Direction(StrEnum):
    """Which way is better, for reports, searches and robustness measures."""

    MINIMISE = "minimise"
    MAXIMISE = "maximise"
    REPORT = "report"          # described, not judged (counts, weeks, shocks, scores)


@dataclass(frozen=True)
class Outcome:
    """One outcome of a run, declared once: what every table, report and view reads.

    Attributes:
        key: its name in :func:`outcomes` and in every table.
        label: a short name for tables and figures.
        unit: what one unit of it is.
        kind: :class:`Kind` (how it is summarised over runs).
        direction: :class:`Direction` (which way is better).
        definition: what it counts, in one sentence (docs/model.md 7.23).
    """

    key: str
    label: str
    unit: str
    kind: Kind
    direction: Direction
    definition: str

    @property
    def summary_label(self) -> str:
        """Its label summarised over runs: the share of runs with it is a risk."""
        if self.kind is Kind.PROPORTION:
            return f"Risk of {self.label[0].lower()}{self.label[1:]}"
        return self.label


_P, _M = Kind.PROPORTION, Kind.MEAN
_MIN, _MAX, _REP = Direction.MINIMISE, Direction.MAXIMISE, Direction.REPORT

#: Every outcome of :func:`outcomes`, in its order (a test checks the two agree).
OUTCOMES: dict[str, Outcome] = {o.key: o for o in (
    Outcome("armed_conflict", "Armed conflict", "share of runs", _P, _MIN,
            "1 if any party was at level 4 at any recorded week, else 0"),
    Outcome("parties_in_violence", "Parties reaching violence", "parties", _M, _MIN,
            "parties at level ≥ 3 at some recorded week (week 0 included)"),
    Outcome("violence_party_weeks", "Violence", "party-weeks at level ≥ 3", _M, _MIN,
            "party-weeks at level ≥ 3 over weeks Δt…T (week 0 excluded)"),
    Outcome("armed_conflict_party_weeks", "Armed-conflict weeks", "party-weeks at level 4", _M,
            _MIN, "party-weeks at level 4 over weeks Δt…T"),
    Outcome("peak_level", "Peak level", "level 0-4", _M, _REP,
            "highest level any party reached"),
    Outcome("weeks_to_first_violence", "First violence", "week", _M, _REP,
            "first week > 0 with a party at level ≥ 3 (nan if none)"),
    Outcome("violence_episodes", "Violence episodes", "episodes", _M, _MIN,
            "spells at level ≥ 3 that started after week 0"),
    Outcome("violence_recurrences", "Recurrences", "episodes", _M, _MIN,
            "such spells that are not the party's first spell in the run"),
    Outcome("episodes_ended", "Episodes ended", "episodes", _M, _REP,
            "spells at level ≥ 3 that ended before the horizon"),
    Outcome("median_episode_weeks", "Median episode", "weeks", _M, _REP,
            "median length of the spells that ended in the run (nan if none ended)"),
    Outcome("violence_share_past_war", "Violence, past war", "share of parties", _M, _REP,
            "share of the parties with a past war that reached level ≥ 3 (nan if none)"),
    Outcome("violence_share_no_past_war", "Violence, no past war", "share of parties", _M,
            _REP, "share of the parties without a past war that reached level ≥ 3 (nan if "
            "none)"),
    Outcome("mean_hostility_final", "Final hostility", "hostility", _M, _REP,
            "mean hostility at the last step"),
    Outcome("coups", "Coups", "coups", _M, _REP, "coup events"),
    Outcome("elections", "Elections", "elections", _M, _REP, "polling events"),
    Outcome("warnings", "Warnings", "warnings", _M, _REP,
            "crises opened, i.e. crisis-opening warnings (7.13)"),
    Outcome("warnings_hit", "Warnings hit", "warnings", _M, _REP,
            "warnings followed by a violence onset within the scoring horizon (7.14)"),
    Outcome("warnings_late", "Warnings late", "warnings", _M, _REP,
            "warnings on a party already in violence (7.14)"),
    Outcome("warnings_false_alarm", "False alarms", "warnings", _M, _REP,
            "warnings neither hit nor late (7.14); hit + late + false alarms = warnings"),
    Outcome("violence_missed", "Onsets missed", "onsets", _M, _REP,
            "violence onsets that no warning preceded (7.14)"),
    Outcome("warning_precision", "Warning precision", "share", _M, _MAX,
            "hits / (hits + false alarms): the share of forecasting warnings followed by a "
            "violence onset within the scoring horizon (7.14; nan if there is none)"),
    Outcome("warning_recall", "Warning recall", "share", _M, _MAX,
            "warned onsets / violence onsets (7.14; nan if there are no onsets)"),
    Outcome("warning_lead_weeks", "Warning lead", "weeks (median per run)", _M, _REP,
            "median over warned onsets of the onset's week minus its earliest warning "
            "(7.14; nan if no onset was warned)"),
    Outcome("warning_brier", "Brier score", "squared probability", _M, _MIN,
            "mean (p − y)² of the observers' weekly risk estimates against an onset within "
            "the scoring horizon (7.14; nan if record.warning_risk is off or nothing was "
            "scored)"),
    Outcome("warning_brier_skill", "Brier skill", "share", _M, _MAX,
            "1 − Brier / Brier of climatology (the run's own onset rate; 7.14; nan if "
            "record.warning_risk is off or nothing was scored)"),
    *(Outcome(f"baseline_{name}_{score}", f"Baseline ({name}) {score}", "share", _M, _REP,
              f"the {score} of the naive forecaster that {what} (7.14; nan if there is "
              "nothing to score)")
      for name, what in (("election", "warns at every election period"),
                         ("recurrence", "warns where violence just ended"))
      for score in ("precision", "recall")),
    Outcome("crises_answered", "Crises answered", "crises", _M, _REP,
            "crises that saw an action on the ground (a statement issued, a mission "
            "deployed, an envoy arrived)"),
    Outcome("crises_unanswered", "Crises unanswered", "crises", _M, _MIN,
            "crises that closed, or outlived the run, with no action on the ground"),
    Outcome("first_warning_week", "First warning", "week", _M, _REP,
            "week of the run's first warning (nan if none)"),
    Outcome("first_action_week", "First action", "week", _M, _REP,
            "week of the run's first action on the ground (nan if none)"),
    Outcome("warning_to_decision_weeks", "Warning-to-decision gap", "weeks (mean per run)",
            _M, _MIN, "mean over crises with a decision of first-decision week − warning "
            "week (nan if none)"),
    Outcome("warning_to_action_weeks", "Warning-to-action gap", "weeks (mean per run)", _M,
            _MIN, "mean over answered crises of first-action week (on the ground) − warning "
            "week (nan if none)"),
    *(Outcome(f"gap_{part}_weeks", f"Gap: {label}", "weeks (mean per run)", _M, _REP,
              f"mean over answered crises of the part of the gap spent {label} (7.15; the "
              "parts sum to the gap; nan if none)")
      for part, label in (("trigger", "waiting for the trigger"),
                          ("agenda", "waiting on the agenda"),
                          ("decision", "deciding (delay, consensus, coordination)"),
                          ("consent", "waiting for consent"),
                          ("resources", "waiting for resources"),
                          ("deployment", "deploying"))),
    Outcome("actions", "Actions", "decisions", _M, _REP,
            "decisions carried out: statements, consented fact-finding missions, envoy "
            "requests (refused missions count in consent_refusals)"),
    Outcome("consent_refusals", "Consent refused", "tries", _M, _REP,
            "tries at the host's consent (missions, envoys) that were refused"),
    Outcome("council_blocked", "Council blocked", "crises", _M, _REP,
            "crises on which the Security Council could not decide (politics)"),
    Outcome("unfunded_dropped", "Dropped unfunded", "decisions", _M, _REP,
            "decisions dropped because their body's fund could not pay "
            "(policy.unfunded=drop)"),
    Outcome("deployments", "Deployments", "deployments", _M, _REP,
            "fact-finding and political missions deployed plus envoys dispatched"),
    Outcome("elections_assisted", "Elections assisted", "elections", _M, _REP,
            "elections given electoral assistance (planned ahead of the vote)"),
    Outcome("agreements", "Agreements", "agreements", _M, _REP,
            "agreements brokered by envoys"),
    Outcome("mediation_failures", "Mediation failures", "engagements", _M, _REP,
            "engagements that ran their time without agreement"),
    Outcome("relapses", "Relapses", "onsets", _M, _MIN,
            "violence onsets of parties that had an agreement (7.19)"),
    Outcome("agreements_broken", "Agreements broken", "breakdowns", _M, _MIN,
            "agreements in force that broke down at a party "
            "(instruments.envoy.breakdown_rate_per_year; a later onset there is a relapse "
            "after a breakdown)"),
    Outcome("backfires", "Backfires", "parties", _M, _MIN,
            "coercive measures that hardened their target (instruments.sanctions."
            "backfire_probability)"),
    Outcome("intervention_cost_usd", "Intervention cost", "USD", _M, _MIN,
            "everything the response booked: statements, missions, envoys, UN regional "
            "offices"),
    Outcome("conflict_cost_usd", "Conflict cost", "USD", _M, _MIN,
            "Δt · (party-weeks at level 3 · costs.violence_usd_per_party_week + "
            "party-weeks at level 4 · costs.armed_conflict_usd_per_party_week)"),
    Outcome("total_cost_usd", "Total cost", "USD", _M, _MIN,
            "intervention_cost_usd + conflict_cost_usd"),
)}
#: The keys of :func:`outcomes`, in order (what ``study.objective`` may name).
OUTCOME_KEYS = tuple(OUTCOMES)


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
    """The outcomes of a run so far (DESIGN.md §3, *Outcomes per run*): one value per
    key of :data:`OUTCOMES`, in its order (definitions there)."""
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
    action_week = table.column("action_week")
    decision_week = table.column("decision_week")
    answered = ~np.isnan(action_week)
    decided = ~np.isnan(decision_week)
    gap = action_week[answered] - warning_week[answered]
    to_decision = decision_week[decided] - warning_week[decided]
    mean = lambda x: float(x.sum() / x.size) if x.size else float("nan")  # noqa: E731
    parts = {f"gap_{name.removeprefix('wait_')}_weeks": mean(table.column(name)[answered])
             for name in table.WAITS}
    levels = model.level_history[1:]
    conflict_cost = model.dt * (
        (levels == Level.VIOLENCE).sum() * p.costs.violence_usd_per_party_week
        + (levels == Level.ARMED_CONFLICT).sum() * p.costs.armed_conflict_usd_per_party_week)
    intervention_cost = model.response.cost_usd
    first = lambda x: float(np.nanmin(x)) if x.size and not np.isnan(x).all() else float("nan")  # noqa: E731
    return {
        **score_warnings(table.column("party"), warning_week, table.column("closed_week"),
                         model.level_history, model.weeks, p.warning.score_horizon_weeks),
        **dict(zip(("warning_brier", "warning_brier_skill"),
                   model.risk_score.scores() if model.risk_score is not None
                   else (float("nan"), float("nan")))),
        **naive_baselines(model),
        "crises_answered": int(answered.sum()),
        "crises_unanswered": int((~answered).sum()),
        "first_warning_week": first(warning_week),
        "first_action_week": first(action_week),
        # sum / count, as pandas' mean of these columns (model.crises) computes it
        "warning_to_decision_weeks": mean(to_decision),
        "warning_to_action_weeks": mean(gap),
        **parts,
        "actions": int(kinds.get("action", 0)),
        "consent_refusals": int(kinds.get("consent_refused", 0)),
        "council_blocked": int(kinds.get("council_blocked", 0)),
        "unfunded_dropped": int(sum(getattr(i, "unfunded", 0) for i in
                                    model.response.instruments.values())),
        "deployments": int(kinds.get("deployment", 0)),
        "elections_assisted": int(kinds.get("electoral_assistance", 0)),
        "agreements": int(kinds.get("agreement", 0)),
        "mediation_failures": int(kinds.get("mediation_failed", 0)),
        "relapses": int(kinds.get("relapse", 0)),
        "agreements_broken": int(kinds.get("agreement_broken", 0)),
        "backfires": int(kinds.get("backfire", 0)),
        "intervention_cost_usd": float(intervention_cost),
        "conflict_cost_usd": float(conflict_cost),
        "total_cost_usd": float(intervention_cost + conflict_cost),
    }


def naive_baselines(model: "ConflictModel") -> dict[str, float]:
    """The skill of two naive forecasters on the run's own trajectory, scored as the
    observers' warnings are (:func:`score_warnings`, each warning standing for
    ``score_horizon_weeks``): **election** warns every party that holds elections when
    its election period begins (``shocks.election_lead_weeks`` before each vote);
    **recurrence** ("what was violent will be again") warns a party in the week its
    violence ends."""
    p, levels, weeks = model.params, model.level_history, model.weeks
    horizon = p.warning.score_horizon_weeks
    out = {}
    cal, n_rows = model.shocks, len(weeks)
    parties, starts = [], []
    if cal.enabled:
        interval = p.shocks.election_interval_weeks
        for i in np.flatnonzero(cal.holds_elections).tolist():
            votes = np.arange(int(cal.phase_weeks[i]), int(weeks[-1]) + 1, interval)
            start = votes - p.shocks.election_lead_weeks
            start = start[(start >= weeks[0]) & (start <= weeks[-1])]
            parties += [i] * start.size
            starts += start.tolist()
    violent = levels >= Level.VIOLENCE
    end_rows, end_party = np.nonzero(~violent[1:] & violent[:-1])
    for name, party, week in (
            ("election", np.array(parties, np.int64), np.array(starts, float)),
            ("recurrence", end_party.astype(np.int64), weeks[end_rows + 1])):
        if n_rows < 2:
            party, week = party[:0], week[:0]
        scores = score_warnings(party, week, week + horizon, levels, weeks, horizon)
        out[f"baseline_{name}_precision"] = scores["warning_precision"]
        out[f"baseline_{name}_recall"] = scores["warning_recall"]
    return out


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
