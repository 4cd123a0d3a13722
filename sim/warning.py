"""Early warning: observers see hostility with noise and lag; crises open and close.

A **crisis** of a party opens at the first warning any observer issues on it (observed
hostility at or above that observer's warning threshold) and closes when every observer
has seen the party calm (below its threshold minus the escalation hysteresis) for
``warning.calm_weeks_to_close`` weeks in a row. Within a crisis, the first time an
observer sees hostility at the violence threshold raises a **violence alarm**. Every
actor responds to the same crisis clock (warnings are shared), so the
warning-to-action gap is measured from the first warning (¶47).

Each observer draws one standard normal per party per week from the ``observation``
stream, whatever happens, so observation never shifts another stream's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.dynamics import Level


@dataclass
class Observer:
    """One early-warning system (a regional body's or the UN's).

    Attributes:
        name: who observes (the body's name; the ``actor`` of its warnings).
        parties: indices of the parties it watches.
        noise_sd: observation noise for each watched party (hostility units).
        lag_weeks: reporting lag for each watched party (whole weeks).
        threshold: observed hostility at which it warns.
    """

    name: str
    parties: np.ndarray
    noise_sd: np.ndarray
    lag_weeks: np.ndarray
    threshold: float


@dataclass
class Crisis:
    """One crisis of one party, from its first warning to its closing."""

    crisis_id: int
    party: int
    warning_week: float
    warned_by: str
    alarm_week: float = float("nan")
    first_action_week: float = float("nan")
    closed_week: float = float("nan")
    actions: list = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.closed_week != self.closed_week  # nan: still open


class EarlyWarning:
    """Runs the observers every week and keeps the crises of every party."""

    def __init__(self, observers: list[Observer], n_parties: int, violence_threshold: float,
                 hysteresis: float, calm_weeks: int, dt_weeks: float,
                 initial_hostility: np.ndarray, rng: np.random.Generator):
        self.observers = observers
        self.n = n_parties
        self.violence_threshold = violence_threshold
        self.hysteresis = hysteresis
        self.calm_weeks = calm_weeks
        self.rng = rng
        # All observers' (observer, party) pairs as one flat set of slots, in observer
        # order, so a week's observation is a few vectorised operations.
        def per_slot(value, dtype) -> np.ndarray:
            parts = [np.broadcast_to(np.asarray(value(k, o), dtype=dtype), o.parties.shape)
                     for k, o in enumerate(observers)]
            return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

        self.slot_observer = per_slot(lambda k, o: k, np.int64)
        self.slot_party = per_slot(lambda k, o: o.parties, np.int64)
        self.slot_noise = per_slot(lambda k, o: o.noise_sd, np.float64)
        self.slot_lag = np.rint(per_slot(lambda k, o: o.lag_weeks, np.float64) / dt_weeks
                                ).astype(np.int64)
        self.slot_threshold = per_slot(lambda k, o: o.threshold, np.float64)
        depth = int(self.slot_lag.max(initial=0)) + 1
        self._buffer = np.repeat(initial_hostility[None, :], depth, axis=0)
        self._head = 0            # row of the newest observation-ready hostility
        self.noise_factor = np.ones(n_parties)   # fact-finding sharpens observation
        self.current = np.full(n_parties, -1, dtype=np.int64)  # open crisis id or -1
        self._alarmed = np.zeros(n_parties, dtype=bool)  # the open crisis had its alarm
        self._calm_run = np.zeros(n_parties, dtype=np.int64)
        self.crises: list[Crisis] = []
        self.seen = np.empty(0)  # last week's observed hostility, one value per slot

    def push(self, hostility: np.ndarray) -> None:
        """Store this week's true hostility for lagged observation."""
        self._head = (self._head + 1) % self._buffer.shape[0]
        self._buffer[self._head] = hostility

    def observe(self, week: float) -> tuple[list[Crisis], list[Crisis], list[Crisis]]:
        """Observe all parties; return crises (opened, alarmed, closed) this week."""
        n, slots = self.n, self.slot_party
        eps = self.rng.standard_normal(slots.size)
        rows = (self._head - self.slot_lag) % self._buffer.shape[0]
        seen = self._buffer[rows, slots] + self.slot_noise * self.noise_factor[slots] * eps
        self.seen = seen
        warn = seen >= self.slot_threshold
        warn_any = np.bincount(slots[warn], minlength=n) > 0
        first_slot = np.full(n, slots.size)
        np.minimum.at(first_slot, slots[warn], np.flatnonzero(warn))
        alarm = np.bincount(slots[seen >= self.violence_threshold], minlength=n) > 0
        calm_all = np.bincount(slots[seen >= self.slot_threshold - self.hysteresis],
                               minlength=n) == 0

        opened, alarmed, closed = [], [], []
        for i in np.flatnonzero(warn_any & (self.current < 0)):
            crisis = Crisis(len(self.crises), int(i), week,
                            self.observers[self.slot_observer[first_slot[i]]].name)
            self.crises.append(crisis)
            self.current[i] = crisis.crisis_id
            self._alarmed[i] = False
            opened.append(crisis)
        is_open = self.current >= 0
        for i in np.flatnonzero(alarm & is_open & ~self._alarmed):
            crisis = self.crises[self.current[i]]
            crisis.alarm_week = week
            self._alarmed[i] = True
            alarmed.append(crisis)
        self._calm_run = np.where(calm_all & is_open, self._calm_run + 1, 0)
        for i in np.flatnonzero(is_open & (self._calm_run >= self.calm_weeks)):
            crisis = self.crises[self.current[i]]
            crisis.closed_week = week
            self.current[i] = -1
            self._calm_run[i] = 0
            closed.append(crisis)
        return opened, alarmed, closed

    def crisis_of(self, party: int) -> Crisis | None:
        """The open crisis of ``party``, if any."""
        cid = self.current[party]
        return self.crises[cid] if cid >= 0 else None

    def frame(self, party_ids: list) -> pd.DataFrame:
        """One row per crisis: warning, alarm, first action, closing, the gap."""
        rows = [{
            "crisis": c.crisis_id, "party": party_ids[c.party], "warned_by": c.warned_by,
            "warning_week": c.warning_week, "alarm_week": c.alarm_week,
            "first_action_week": c.first_action_week, "closed_week": c.closed_week,
            "warning_to_action_weeks": c.first_action_week - c.warning_week,
            "actions": len(c.actions),
        } for c in self.crises]
        columns = ["crisis", "party", "warned_by", "warning_week", "alarm_week",
                   "first_action_week", "closed_week", "warning_to_action_weeks", "actions"]
        return pd.DataFrame(rows, columns=columns)


def score_warnings(crises: list[Crisis], levels: np.ndarray, weeks: np.ndarray,
                   horizon_weeks: float) -> dict[str, int]:
    """Score each crisis-opening warning against what happened.

    * hit: the party entered violence within ``horizon_weeks`` after the warning;
    * late: the party was already in violence when warned;
    * false alarm: neither (a warning whose horizon runs past the end of the run without
      violence counts here: the run cannot tell);
    * miss: a violence onset that no warning preceded: no crisis of that party was open
      at the onset and none opened in the ``horizon_weeks`` before it.
    """
    violent = levels >= Level.VIOLENCE
    onset = np.zeros_like(violent)
    onset[1:] = violent[1:] & ~violent[:-1]
    row_of = {float(w): r for r, w in enumerate(weeks)}
    by_party: dict[int, list[Crisis]] = {}
    hits = late = false = 0
    for c in crises:
        by_party.setdefault(c.party, []).append(c)
        r = row_of[float(c.warning_week)]
        if violent[r, c.party] and not onset[r, c.party]:
            late += 1
            continue
        window = (weeks >= c.warning_week) & (weeks <= c.warning_week + horizon_weeks)
        if onset[window, c.party].any():
            hits += 1
        else:
            false += 1

    def warned(c: Crisis, w: float) -> bool:
        still_open = c.open or c.closed_week >= w
        return c.warning_week <= w and (still_open or c.warning_week >= w - horizon_weeks)

    misses = sum(
        not any(warned(c, weeks[r]) for c in by_party.get(int(i), []))
        for r, i in zip(*np.nonzero(onset)))
    return {"warnings": len(crises), "warnings_hit": hits, "warnings_late": late,
            "warnings_false_alarm": false, "violence_missed": int(misses)}
