"""Fact-finding missions and inquiries (¶32, ¶42, ¶47, ¶66)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.dynamics import Level
from sim.core.events import EventKind
from sim.core.params import FactFindingParams
from sim.core.policies.base import _EPS, Context, Effects, Instrument, Slot

CRISIS = int(Level.CRISIS)  # a plain int compares with arrays much faster than IntEnum


class FactFinding(Instrument):
    """A fact-finding mission: needs consent, deploys after weeks, then for its duration
    lowers misperception between the party and its neighbours, raises the accountability
    cost of violence and sharpens observers' view of the party.

    State (per party): ``mission_until`` (week its mission ends; -inf: none),
    ``mission_intensity``; the number of active missions next to each party (ties in
    either direction) and the misperception and observation factors that follow, kept up
    to date as missions start and end.

    Effects: misperception × ``misperception_factor`` at and next to a mission; observers'
    noise × ``observation_factor`` at it; a cost of ``accountability × intensity`` while
    the party is at crisis or above.

    Sources:
        ¶32 (impartial facts change calculations, defuse tension, build confidence),
        ¶42 (consent and sovereignty), ¶47, ¶66.
    """

    name = "fact_finding"
    params_group = "fact_finding"
    params: FactFindingParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        n = ctx.n
        self.mission_until = np.full(n, -np.inf)
        self.mission_intensity = np.ones(n)
        self._active = np.zeros(n, dtype=bool)   # a mission is on the ground
        self._n_active = 0
        self._reach = np.zeros(n, dtype=np.int64)  # active missions next to each party
        self._misperception_base = np.full(n, ctx.params.dynamics.misperception)
        self._misperception = self._misperception_base.copy()
        self._noise_factor = np.ones(n)
        self._degree = np.diff(ctx.neighbours.indptr)
        self._missions: list[tuple] = []  # (party, crisis, consent week, deploy week, until)

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        ctx, p = self.ctx, self.params
        # one draw per request from the interventions stream
        consent = ctx.rng.random(parties.size) < p.consent_probability
        refused, agreed = parties[~consent], parties[consent]
        self.log_many(week, EventKind.CONSENT_REFUSED, refused, slot.actor[refused],
                      "fact_finding")
        self.log_many(week, EventKind.ACTION, agreed, slot.actor[agreed],
                      "fact_finding consented")
        slot.stages.set(agreed, week + p.deploy_days / 7.0, ctx.current[agreed])

    def stage(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        until = week + slot.spec.duration_weeks
        self.mission_until[parties] = np.maximum(self.mission_until[parties], until)
        self.mission_intensity[parties] = slot.spec.intensity
        self.ctx.follow_up(parties)
        self.log_many(week, EventKind.DEPLOYMENT, parties, slot.actor[parties],
                      "fact_finding mission")
        crises = self.ctx.current[parties].tolist()
        self._missions += [(i, c, week, until) for i, c in zip(parties.tolist(), crises)]

    def run_week(self, week: float, effects: Effects) -> None:
        active = self.mission_until > week + _EPS
        changed = (active != self._active).nonzero()[0]
        if changed.size:
            effects.misperception_changed, effects.observation = self._update_reach(
                changed, active)
            effects.observation_changed = changed
        effects.misperception = self._misperception
        if self._n_active:
            self.ctx.ledger.spend(self.params.cost_usd_per_week * self.ctx.dt
                                  * float(self.mission_intensity[active].sum()))

    def cost(self, week: float) -> np.ndarray | None:
        """Accountability: missions make violence costly where the party is in crisis."""
        if not self._n_active:
            return None
        held = (self._active & (self.ctx.state.level >= CRISIS)).nonzero()[0]
        cost = np.zeros(self.ctx.n)
        cost[held] = self.params.accountability * self.mission_intensity[held]
        return cost

    def _update_reach(self, changed: np.ndarray, active: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray | None]:
        """Missions started or ended at ``changed``: update the count of active missions
        next to each party, and misperception and observation noise where they change.
        Returns the parties whose misperception may have changed, and the observation
        factor (None once no mission is left).

        Only the changed parties and their neighbours are touched, so the cost follows
        the missions, not the network (a full ``neighbours @ active`` each time missions
        change was a sparse product over all ties nearly every week at 10,000 parties).
        """
        p, nb = self.params, self.ctx.neighbours
        delta = np.where(active[changed], 1, -1)
        lo, sizes = nb.indptr[changed], self._degree[changed]
        # the neighbours of every changed party, concatenated (CSR rows gathered)
        rows = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
        neighbours = nb.indices[rows]
        np.add.at(self._reach, neighbours, np.repeat(delta, sizes))
        touched = np.concatenate([changed, neighbours])  # repeats are harmless here
        near = active[touched] | (self._reach[touched] > 0)
        self._misperception[touched] = self._misperception_base[touched] * np.where(
            near, p.misperception_factor, 1.0)
        self._noise_factor[changed] = np.where(active[changed], p.observation_factor, 1.0)
        self._n_active += int(delta.sum())
        self._active = active
        return touched, (self._noise_factor if self._n_active else None)

    def records(self) -> pd.DataFrame:
        """One row per mission deployed: party index, crisis, deployment and end week."""
        return pd.DataFrame(self._missions, columns=["party", "crisis", "deployed_week",
                                                     "until_week"])
