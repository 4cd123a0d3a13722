"""Targeted sanctions and other coercive measures (¶14, ¶42)."""

from __future__ import annotations

import numpy as np

from sim.core.dynamics import Level
from sim.core.events import EventKind
from sim.core.params import SanctionsParams
from sim.core.policies.base import Context, Effects, Payments, Presence, Slot

CRISIS = int(Level.CRISIS)


class Sanctions(Presence):
    """Sanctions imposed by the lead body: no consent is asked (they are coercive). An
    imposition needs the body's fund to cover ``cost_usd`` (else it waits or is dropped,
    ``policy.unfunded``) and is the action on the ground. For ``duration_weeks`` (or
    until the crisis closes) they add ``force × intensity`` to the party's cost of
    escalating while it is at crisis or above, cost ``cost_usd_per_week`` and hold the
    body's attention. At imposition the target may harden (``backfire_probability``, one
    draw per sanctioned party): its baseline grievance rises by ``backfire_grievance``
    for good (an Effects ``hardened`` entry), which can outlast the sanctions.

    State (per party): ``until`` (week they end; -inf: none), ``intensity``, ``body``
    (:class:`Presence`); the number of backfires (``backfires``) and of impositions
    dropped for want of money (``unfunded``).

    Sources:
        ¶14 (Security Council's coercive measures, Chapter VII), ¶42 (sovereignty
        concerns: pressure can provoke); the downside as in issue 15.
    """

    name = "sanctions"
    params_group = "sanctions"
    params: SanctionsParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.backfires = 0
        self.payments = Payments(ctx)
        self._hardened: list[tuple[np.ndarray, float]] = []

    @property
    def unfunded(self) -> int:
        return self.payments.unfunded

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        p, ctx = self.params, self.ctx
        cost = p.cost_usd * slot.spec.intensity
        parties = self.payments.split(slot, parties, cost)
        if not parties.size:
            return
        for i in parties.tolist():
            ctx.pay(slot.lead_of(i), cost)
        self.start(slot, parties, week)
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
        """Impositions waiting for money are offered again; those in force are paid for;
        this week's backfires go into the effects."""
        for slot, parties in self.payments.due():
            self.act(slot, parties, week)
        self.pay_running(week, self.params.cost_usd_per_week)
        if self._hardened:
            effects.hardened.extend(self._hardened)
            self._hardened = []

    def cost(self, week: float) -> np.ndarray | None:
        held = self.present(week) & (self.ctx.state.level >= CRISIS)
        if not held.any():
            return None
        return np.where(held, self.params.force * self.intensity, 0.0)

    def holds(self, body, parties: np.ndarray, week: float) -> np.ndarray:
        """Sanctions in force hold their body's attention (a committee follows them), and
        so do impositions waiting for money."""
        return super().holds(body, parties, week) | self.payments.holds(body, parties)
