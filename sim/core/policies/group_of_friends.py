"""Groups of friends and contact groups (¶31)."""

from __future__ import annotations

import numpy as np

from sim.core.events import EventKind
from sim.core.params import GroupOfFriendsParams
from sim.core.policies.base import Context, Effects, Payments, Presence, Slot


class GroupOfFriends(Presence):
    """A group of friends convened by the lead body for a crisis: for ``duration_weeks``
    (or until the crisis closes) it adds ``leverage × intensity`` to the leverage of any
    envoy mediating at the party (``Context.envoy_support``), and costs
    ``cost_usd_per_week``. Convening it needs the body's fund to cover ``cost_usd`` (else
    it is not convened: a group needs no waiting list) and is its action on the ground. It
    changes nothing by itself: the envoy's chance of agreement is where it acts.

    State (per party): ``until`` (week it disbands; -inf: none), ``intensity``, ``body``
    (:class:`Presence`); its support is kept in the context's ``envoy_support``.

    Sources:
        ¶31 (groups of friends and contact groups amplify envoys when united), ¶41
        (partners' leverage).
    """

    name = "group_of_friends"
    params_group = "group_of_friends"
    params: GroupOfFriendsParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.payments = Payments(ctx)

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        p, ctx = self.params, self.ctx
        cost = p.cost_usd * slot.spec.intensity
        parties = self.payments.split(slot, parties, cost, defer=False)
        if not parties.size:
            return
        for i in parties.tolist():
            ctx.pay(slot.lead_of(i), cost)
        self.start(slot, parties, week)
        ctx.envoy_support[parties] = p.leverage * slot.spec.intensity
        self.log_many(week, EventKind.ACTION, parties, slot.actor[parties], "group of friends")
        ctx.on_ground(slot, parties, week)

    def run_week(self, week: float, effects: Effects) -> None:
        ended = ~self.present(week) & (self.ctx.envoy_support > 0)
        if ended.any():
            self.ctx.envoy_support[ended] = 0.0
        self.pay_running(week, self.params.cost_usd_per_week)

    def holds(self, body, parties: np.ndarray, week: float) -> np.ndarray:
        """A group needs no place on its body's agenda (the envoy it backs has one)."""
        return np.zeros(parties.size, dtype=bool)

    def on_crisis_closed(self, parties: np.ndarray) -> None:
        super().on_crisis_closed(parties)
        self.ctx.envoy_support[parties] = 0.0
