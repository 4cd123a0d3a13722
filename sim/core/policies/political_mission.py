"""Special political missions: a standing presence (¶26-¶28)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.events import EventKind
from sim.core.params import PoliticalMissionParams
from sim.core.policies.base import _EPS, Context, Effects, Instrument, Slot


class PoliticalMission(Instrument):
    """A special political mission at a party: it needs the host's consent, is in place
    ``deploy_days`` later (its action on the ground) and stays ``duration_weeks``
    whether or not the crisis that brought it closes: a standing presence. Decided again
    while one is there, it is extended (and acts at once).

    While it is there: observers see the party with ``observation_factor`` of their
    noise (better warning); decisions on the party's crises take ``decision_factor`` of
    their delay and consensus time (``Context.decision_factor``: it reports and
    proposes); envoys reach the party within ``envoy_deploy_days`` (``Context.envoy_days``:
    mediators on site). It costs ``cost_usd_per_year × intensity`` from the assessed
    budget (the ledger, not the rapid-response fund) and does not hold its body's agenda.

    State (per party): ``until`` (week it leaves; -inf: none), ``intensity``; a record
    of each mission.

    Sources:
        ¶26-¶28 (special political missions and regional offices: early warning on the
        ground, good offices, a platform for envoys); the sizes of the effects are not
        sourced.
    """

    name = "political_mission"
    params_group = "political_mission"
    params: PoliticalMissionParams
    needs_consent = True


    def __init__(self, ctx: Context):
        super().__init__(ctx)
        n = ctx.n
        self.until = np.full(n, -np.inf)
        self.intensity = np.ones(n)
        self.noise_factor = np.ones(n)
        self._here = np.zeros(n, dtype=bool)
        self._rows: list[list] = []  # [party, crisis, deployed week, until]
        self._row_of: dict[int, list] = {}

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """Consent given: a mission there is extended; elsewhere one is set up."""
        self.log_many(week, EventKind.ACTION, parties, slot.actor[parties],
                      "political_mission consented")
        here = self.until[parties] > week + _EPS
        if here.any():
            self._in_place(slot, parties[here], week)
        new = parties[~here]
        slot.stages.set(new, week + self.params.deploy_days / 7.0, self.ctx.current[new])
        self.ctx.resourced(slot, new, week)

    def stage(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """The mission is in place: its action on the ground."""
        self.log_many(week, EventKind.DEPLOYMENT, parties, slot.actor[parties],
                      "political mission")
        self._in_place(slot, parties, week)

    def _in_place(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        until = week + slot.spec.duration_weeks
        new = self.until[parties] <= week + _EPS
        self.until[parties] = np.maximum(self.until[parties], until)
        self.intensity[parties] = slot.spec.intensity
        self.ctx.follow_up(parties)
        self.ctx.on_ground(slot, parties, week)
        for i, c, fresh in zip(parties.tolist(), self.ctx.current[parties].tolist(),
                               new.tolist()):
            if fresh:
                self._row_of[i] = [i, c, week, float(self.until[i])]
                self._rows.append(self._row_of[i])
            else:
                self._row_of[i][3] = float(self.until[i])

    def run_week(self, week: float, effects: Effects) -> None:
        if not self._rows:
            return
        here = self.until > week + _EPS
        changed = (here != self._here).nonzero()[0]
        if changed.size:
            p, ctx, now = self.params, self.ctx, here[changed]
            self.noise_factor[changed] = np.where(now, p.observation_factor, 1.0)
            ctx.decision_factor[changed] = np.where(now, p.decision_factor, 1.0)
            ctx.envoy_days[changed] = np.where(now, p.envoy_deploy_days, np.inf)
            effects.observed(changed)
            self._here = here
        if here.any():
            self.ctx.ledger.spend(self.params.cost_usd_per_year / 52.0 * self.ctx.dt
                                  * float(self.intensity[here].sum()))

    def records(self) -> pd.DataFrame:
        """One row per mission: party index, the crisis it came for, when in place, until."""
        return pd.DataFrame(self._rows, columns=["party", "crisis", "deployed_week",
                                                 "until_week"])
