"""Electoral assistance (¶17, ¶37-¶40)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.events import EventKind
from sim.core.params import ElectoralAssistanceParams
from sim.core.policies.base import _EPS, Context, Instrument, Slot


class ElectoralAssistance(Instrument):
    """Assistance to an election at risk, planned ahead of the vote.

    Not started by a crisis: a slot with trigger ``election`` plans every week
    (:meth:`plan`). Its lead body sees the votes ``lead_weeks`` ahead (the shock
    calendar) and assists those of parties it can act for that are at ``min_level`` or
    above then (a needs assessment finds risk). The assistance costs ``cost_usd ×
    intensity`` when planned (project funds: the ledger, not the rapid-response fund), is
    on the ground ``delay_days`` later and stays to the end of the election period (the
    vote + ``shocks.election_lag_weeks``). While it is there it removes ``min(1,
    shock_reduction × intensity)`` of the election's tension: a cost of escalating equal
    to that share of the week's election drive. Arriving late, it covers only the rest
    of the period. It is not part of any crisis's gap.

    State (per party): ``start`` (week the assistance is on the ground; inf: none),
    ``until`` (end of the election period it covers), ``share`` (tension removed);
    ``assisted`` (elections assisted) and a record of each.

    Sources:
        ¶17, ¶37-¶40 (electoral assistance and mediation around elections: elections in
        divided societies raise tension); the size of the effect is not sourced.
    """

    name = "electoral_assistance"
    params_group = "electoral_assistance"
    params: ElectoralAssistanceParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        n = ctx.n
        self.start = np.full(n, np.inf)
        self.until = np.full(n, -np.inf)
        self.share = np.zeros(n)
        self.assisted = 0
        self._rows: list[tuple] = []  # (party, planned week, on the ground, vote week)

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:  # pragma: no cover
        raise RuntimeError("electoral assistance is planned (trigger election), not decided "
                           "on a crisis")

    def plan(self, slot: Slot, week: float) -> None:
        calendar, p, ctx = self.ctx.shocks, self.params, self.ctx
        if calendar is None:
            return
        parties = calendar.votes_ahead(week, week - ctx.dt, p.lead_weeks)
        if not parties.size:
            return
        parties = np.sort(parties[slot.can_act[parties]
                                  & (ctx.state.level[parties] >= p.min_level)])
        if not parties.size:
            return
        vote = np.floor(week) + p.lead_weeks
        shocks = ctx.params.shocks
        on_ground = week + slot.spec.delay_days / 7.0
        self.start[parties] = on_ground
        self.until[parties] = vote + shocks.election_lag_weeks + 1
        self.share[parties] = min(1.0, p.shock_reduction * slot.spec.intensity)
        self.assisted += parties.size
        ctx.ledger.spend(p.cost_usd * slot.spec.intensity * parties.size)
        self.log_many(week, EventKind.ELECTORAL_ASSISTANCE, parties, slot.actor[parties],
                      f"vote week {vote:g}")
        self._rows += [(i, week, on_ground, vote) for i in parties.tolist()]

    def cost(self, week: float) -> np.ndarray | None:
        if not self._rows:
            return None
        drive = self.ctx.shocks.election_drive(week)
        if np.isscalar(drive):  # no election tension at all
            return None
        here = (self.start <= week + _EPS) & (self.until > week)
        if not here.any():
            return None
        return np.where(here, self.share * drive, 0.0)

    def records(self) -> pd.DataFrame:
        """One row per election assisted: party index, when planned, on the ground from,
        the vote's week."""
        return pd.DataFrame(self._rows, columns=["party", "planned_week", "start_week",
                                                 "vote_week"])
