"""Exogenous shocks: scheduled elections and random coups (DOMAIN.md §5).

The whole calendar is drawn once, at the start, from the ``shocks`` stream, so it is the
same under every policy (common random numbers) and costs nothing per step.
"""

from __future__ import annotations

import math

import numpy as np

from sim.core.params import ShockParams

WEEKS_PER_YEAR = 52.0


class ShockCalendar:
    """Which parties hold elections when, and which suffer coups when."""

    def __init__(self, p: ShockParams, n_parties: int, n_steps: int, dt_weeks: float,
                 rng: np.random.Generator):
        self.p = p
        self.dt = dt_weeks
        # Always draw, even if disabled, so switching shocks off leaves other draws alone.
        self.holds_elections = rng.random(n_parties) < p.election_share
        self.phase_weeks = rng.integers(0, p.election_interval_weeks, size=n_parties)
        horizon_weeks = n_steps * dt_weeks
        expected = n_parties * p.coup_rate_per_year * horizon_weeks / WEEKS_PER_YEAR
        n_coups = int(rng.poisson(expected))
        coup_party = rng.integers(0, n_parties, size=n_coups)
        coup_step = rng.integers(1, n_steps + 1, size=n_coups) if n_steps else np.empty(0, int)
        order = np.lexsort((coup_party, coup_step))
        self.coup_party, self.coup_step = coup_party[order], coup_step[order]
        self._coup_start = np.searchsorted(self.coup_step, np.arange(n_steps + 2))
        self.enabled = p.enabled
        # Per-week work is a table lookup, not arithmetic over every party: a party's
        # place in its cycle depends only on (week - phase) mod interval, so each week
        # needs a table over the interval's phases, and ``code`` indexes it (``interval``
        # for parties without elections: a last entry that is never in a period).
        interval = p.election_interval_weeks
        self._code = np.where(self.holds_elections, self.phase_weeks, interval)
        self._by_code = np.argsort(self._code, kind="stable")  # parties, by phase
        self._code_start = np.searchsorted(self._code[self._by_code], np.arange(interval + 1))
        self._drive_week: int | None = None
        self._drive = np.zeros(n_parties)

    def election_drive(self, week: float) -> np.ndarray | float:
        """Extra grievance drive of parties in an election period this week (cached per
        week; the caller must not modify it)."""
        if not self.enabled or self.p.election_tension == 0:
            return 0.0
        w = math.floor(week)
        if self._drive_week == w:
            return self._drive
        # a party is in its election period from election_lead_weeks before its vote to
        # election_lag_weeks after: in week w, the phases w - lag … w + lead
        p, interval = self.p, self.p.election_interval_weeks
        lag, lead = p.election_lag_weeks, p.election_lead_weeks
        if self._drive_week == w - 1 and lag + lead + 1 < interval:
            # one week on: one phase leaves the window, one enters
            self._drive[self._phase_parties((w - lag - 1) % interval)] = 0.0
            self._drive[self._phase_parties((w + lead) % interval)] = p.election_tension
        else:
            period = np.zeros(interval + 1, dtype=bool)
            period[(w + np.arange(-lag, lead + 1)) % interval] = True
            self._drive = (p.election_tension * period)[self._code]
        self._drive_week = w
        return self._drive

    def _phase_parties(self, phase: int) -> np.ndarray:
        """Parties holding elections whose vote falls in ``phase`` of the cycle."""
        return self._by_code[self._code_start[phase]:self._code_start[phase + 1]]

    def polling(self, week: float, previous_week: float) -> np.ndarray:
        """Indices of parties whose polling week falls in (previous_week, week]."""
        if not self.enabled or math.floor(week) == math.floor(previous_week):
            return np.empty(0, dtype=np.intp)
        return self._phase_parties(math.floor(week) % self.p.election_interval_weeks)

    def votes_ahead(self, week: float, previous_week: float, weeks: int) -> np.ndarray:
        """Indices of parties whose vote falls ``weeks`` after this week, once per week
        (when ``floor(week)`` moves on from ``previous_week``'s): what a body planning
        that far ahead sees coming."""
        if not self.enabled or math.floor(week) == math.floor(previous_week):
            return np.empty(0, dtype=np.intp)
        return self._phase_parties((math.floor(week) + weeks) % self.p.election_interval_weeks)

    def coups(self, step: int) -> np.ndarray:
        """Indices of parties that suffer a coup at ``step``."""
        if not self.enabled or not 0 <= step < len(self._coup_start) - 1:
            return np.empty(0, dtype=np.intp)
        return self.coup_party[self._coup_start[step]:self._coup_start[step + 1]]
