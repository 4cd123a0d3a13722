"""Targeted sanctions and other coercive measures (¶14, ¶42)."""

from __future__ import annotations

import numpy as np

from sim.core.dynamics import Level
from sim.core.events import EventKind
from sim.core.params import SanctionsParams
from sim.core.policies.base import Context, Effects, Instrument, Slot

CRISIS = int(Level.CRISIS)


class Sanctions(Instrument):
    """Sanctions imposed by the lead body: no consent is asked (they are coercive). An
    imposition needs the body's fund to cover ``cost_usd`` (else it waits or is dropped,
    ``policy.unfunded``) and is the action on the ground. For ``duration_weeks`` (or
    until the crisis closes) they add ``force × intensity`` to the party's cost of
    escalating while it is at crisis or above, cost ``cost_usd_per_week`` and hold the
    body's attention. At imposition the target may harden (``backfire_probability``, one
    draw per sanctioned party): its baseline grievance rises by ``backfire_grievance``
    for good (an Effects ``hardened`` entry), which can outlast the sanctions.

    State (per party): ``until`` (week they end; -inf: none), ``intensity``; the number
    of backfires (``backfires``) and of impositions dropped for want of money
    (``unfunded``).

    Sources:
        ¶14 (Security Council's coercive measures, Chapter VII), ¶42 (sovereignty
        concerns: pressure can provoke); the downside as in issue 15.
    """

    name = "sanctions"
    params_group = "sanctions"
    params: SanctionsParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.until = np.full(ctx.n, -np.inf)
        self.intensity = np.ones(ctx.n)
        self.body: list = [None] * ctx.n
        self.backfires = 0
        self.unfunded = 0
        self._unpaid: list[tuple[Slot, np.ndarray, np.ndarray]] = []
        self._hardened: list[tuple[np.ndarray, float]] = []

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        p = self.params
        leads = slot.leads(parties)
        paid = np.zeros(parties.size, dtype=bool)
        for k in dict.fromkeys(leads.tolist()):
            mine = (leads == k).nonzero()[0]
            cost = p.cost_usd * slot.spec.intensity
            affordable = int(slot.body_at[k].fund.balance // cost) if cost > 0 else mine.size
            paid[mine[:max(affordable, 0)]] = True
        unpaid = parties[~paid]
        if unpaid.size:
            if self.ctx.params.policy.unfunded == "wait":
                self._unpaid.append((slot, unpaid, self.ctx.current[unpaid]))
            else:
                self.unfunded += unpaid.size
        if paid.any():
            self._impose(slot, parties[paid], week)

    def _impose(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        p, ctx = self.params, self.ctx
        for i in parties.tolist():
            body = slot.lead_of(i)
            ctx.pay(body, p.cost_usd * slot.spec.intensity)
            self.body[i] = body
        self.until[parties] = week + slot.spec.duration_weeks
        self.intensity[parties] = slot.spec.intensity
        self.log_many(week, EventKind.ACTION, parties, slot.actor[parties], "sanctions imposed")
        ctx.on_ground(slot, parties, week)
        if p.backfire_probability > 0:
            hardened = parties[ctx.rng.random(parties.size) < p.backfire_probability]
            if hardened.size:
                self.backfires += hardened.size
                self._hardened.append((hardened, p.backfire_grievance))
                self.log_many(week, EventKind.BACKFIRE, hardened, slot.actor[hardened],
                              "sanctions")

    def run_week(self, week: float, effects: Effects) -> None:
        """Impositions waiting for money are retried; those in force are paid for; this
        week's backfires go into the effects."""
        if self._unpaid:
            waiting, self._unpaid = self._unpaid, []
            for slot, parties, crises in waiting:
                live = parties[self.ctx.current[parties] == crises]
                if live.size:
                    self.act(slot, live, week)
        active = (self.until > week).nonzero()[0]
        for i in active.tolist():
            self.ctx.pay(self.body[i], self.params.cost_usd_per_week * self.ctx.dt
                         * self.intensity[i])
        if self._hardened:
            effects.hardened.extend(self._hardened)
            self._hardened = []

    def cost(self, week: float) -> np.ndarray | None:
        held = (self.until > week) & (self.ctx.state.level >= CRISIS)
        if not held.any():
            return None
        return np.where(held, self.params.force * self.intensity, 0.0)

    def holds(self, body, parties: np.ndarray, week: float) -> np.ndarray:
        """Sanctions in force hold their body's attention (a committee follows them)."""
        return np.array([self.until[i] > week and self.body[i] is body
                         for i in parties.tolist()], dtype=bool)

    def on_crisis_closed(self, parties: np.ndarray) -> None:
        self.until[parties] = -np.inf  # lifted with the crisis
