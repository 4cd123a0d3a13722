"""Groups of friends and contact groups (¶31)."""

from __future__ import annotations

import numpy as np

from sim.core.events import EventKind
from sim.core.params import GroupOfFriendsParams
from sim.core.policies.base import Context, Effects, Instrument, Slot


class GroupOfFriends(Instrument):
    """A group of friends convened by the lead body for a crisis: for ``duration_weeks``
    (or until the crisis closes) it adds ``leverage × intensity`` to the leverage of any
    envoy mediating at the party (``Context.envoy_support``), and costs
    ``cost_usd_per_week``. Convening it needs the body's fund to cover ``cost_usd`` (else
    it is not convened: a group needs no waiting list) and is its action on the ground. It
    changes nothing by itself: the envoy's chance of agreement is where it acts.

    State (per party): ``until`` (week it disbands; -inf: none); its support is kept in
    the context's ``envoy_support``.

    Sources:
        ¶31 (groups of friends and contact groups amplify envoys when united), ¶41
        (partners' leverage).
    """

    name = "group_of_friends"
    params_group = "group_of_friends"
    params: GroupOfFriendsParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.until = np.full(ctx.n, -np.inf)
        self.body: list = [None] * ctx.n
        self.intensity = np.ones(ctx.n)

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        p, ctx = self.params, self.ctx
        cost = p.cost_usd * slot.spec.intensity
        convened = []
        for i in parties.tolist():
            body = slot.lead_of(i)
            if body.fund.covers(cost):
                ctx.pay(body, cost)
                self.body[i] = body
                convened.append(i)
        if not convened:
            return
        now = np.array(convened)
        self.until[now] = week + slot.spec.duration_weeks
        self.intensity[now] = slot.spec.intensity
        ctx.envoy_support[now] = p.leverage * slot.spec.intensity
        self.log_many(week, EventKind.ACTION, now, slot.actor[now], "group of friends")
        ctx.on_ground(slot, now, week)

    def run_week(self, week: float, effects: Effects) -> None:
        ended = (self.until <= week) & (self.ctx.envoy_support > 0)
        if ended.any():
            self.ctx.envoy_support[ended] = 0.0
        for i in (self.until > week).nonzero()[0].tolist():
            self.ctx.pay(self.body[i], self.params.cost_usd_per_week * self.ctx.dt
                         * self.intensity[i])

    def on_crisis_closed(self, parties: np.ndarray) -> None:
        self.until[parties] = -np.inf
        self.ctx.envoy_support[parties] = 0.0
