"""Exogenous shocks: scheduled elections and random coups (DOMAIN.md §5).

The whole calendar is drawn once, at the start, from the ``shocks`` stream, so it is the
same under every policy (common random numbers) and costs nothing per step.
"""

from __future__ import annotations

import math

import numpy as np

from sim.params import ShockParams

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
        self.enabled = p.enabled
        self._cycle_week: int | None = None
        self._cycle = np.empty(0, dtype=np.int64)

    def week_in_cycle(self, week: float) -> np.ndarray:
        """Weeks since each party's last vote (0 in a polling week); cached per week."""
        w = math.floor(week)
        if self._cycle_week != w:
            self._cycle = np.mod(w - self.phase_weeks, self.p.election_interval_weeks)
            self._cycle_week = w
        return self._cycle

    def election_drive(self, week: float) -> np.ndarray | float:
        """Extra grievance drive of parties in an election period this week."""
        if not self.enabled or self.p.election_tension == 0:
            return 0.0
        d = self.week_in_cycle(week)
        period = (d <= self.p.election_lag_weeks) | (
            d >= self.p.election_interval_weeks - self.p.election_lead_weeks)
        return self.p.election_tension * (period & self.holds_elections)

    def polling(self, week: float, previous_week: float) -> np.ndarray:
        """Indices of parties whose polling week falls in (previous_week, week]."""
        if not self.enabled or math.floor(week) == math.floor(previous_week):
            return np.empty(0, dtype=np.intp)
        return np.flatnonzero(self.holds_elections & (self.week_in_cycle(week) == 0))

    def coups(self, step: int) -> np.ndarray:
        """Indices of parties that suffer a coup at ``step``."""
        if not self.enabled or not self.coup_step.size:
            return np.empty(0, dtype=np.intp)
        lo, hi = np.searchsorted(self.coup_step, [step, step + 1])
        return self.coup_party[lo:hi]
