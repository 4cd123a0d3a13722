"""Early statements of concern (¶16, ¶47, ¶66)."""

from __future__ import annotations

import numpy as np

from sim.core.events import EventKind
from sim.core.params import StatementParams
from sim.core.policies.base import Context, Instrument, Payments, Slot


class EarlyStatement(Instrument):
    """A public statement of concern: fast, cheap, raises the attention cost of escalating.

    Force = ``force × intensity × mean unity of the issuers × (1 + extra_issuer_gain ×
    (issuers − 1)) × repeat_discount^(earlier statements without follow-up) × (credibility
    of the lead issuer − embolden_below)``. The force is added to the party's attention
    stock, which decays with ``half_life_weeks``; the stock, weighted by the moment (× (1 −
    mobilised_discount × the party's mobilisation share)), is the statement's cost of
    escalating. A follow-up (a mission deployed, an envoy sent) or a new crisis restores
    full force. Each statement a body repeats on a crisis without follow-up first takes
    ``credibility_erosion`` of its credibility as an issuer; a follow-up gives back
    ``credibility_recovery`` of what it lost.

    State (per party): ``attention`` (hostility/week), ``unanswered`` (statements since the
    last follow-up); per body, ``credibility``; statements decided but not yet paid for
    (the lead body's fund could not cover them: they wait, or are dropped, as
    ``policy.unfunded`` says).

    Its action on the ground is the statement itself: issued when decided and paid for.

    Sources:
        ¶47 (a small early step can matter more than a larger one later; sustained
        attention; early signals change calculations before positions harden), ¶16
        (force depends on the unity of those who speak), ¶61 (credibility easy to lose),
        ¶66 (statements by several actors); Lin-Greenberg 2019.
    """

    name = "statement"
    params_group = "statement"
    params: StatementParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.attention = np.zeros(ctx.n)
        self.unanswered = np.zeros(ctx.n, dtype=np.int64)
        #: each body's credibility as an issuer (1 at week 0; eroded by statements
        #: repeated without follow-up), by body name
        self.credibility = {b.name: 1.0 for b in ctx.bodies}
        self._issuer: list = [None] * ctx.n  # the lead body of each party's last statement
        self.payments = Payments(ctx)  # statements waiting for money, or dropped
        self._decay = 0.5 ** (ctx.dt / self.params.half_life_weeks)

    def begin_week(self, week: float) -> None:
        self.attention *= self._decay

    @property
    def unfunded(self) -> int:
        """Statements dropped for want of money (``policy.unfunded=drop``)."""
        return self.payments.unfunded

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        cost = self.params.cost_usd * slot.spec.intensity * slot.issuers[parties]
        paid = self.payments.split(slot, parties, cost)
        if paid.size:
            self._issue(slot, paid, week)

    def _issue(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        p, spec, ctx = self.params, slot.spec, self.ctx
        force = self.base_force(slot, parties) * p.repeat_discount ** self.unanswered[parties]
        if p.credibility_erosion or p.embolden_below:
            force = force * self._credibility(slot, parties)
        self.attention[parties] += force
        self.unanswered[parties] += 1
        cost = p.cost_usd * spec.intensity * slot.issuers[parties]
        ctx.ledger.spend(p.cost_usd * spec.intensity * float(slot.issuers[parties].sum()))
        for i, usd in zip(parties.tolist(), cost.tolist()):
            self._issuer[i] = body = slot.lead_of(i)
            body.fund.pay(usd)
        self.log_many(week, EventKind.ACTION, parties, slot.actor[parties],
                      ("statement force={:.4f}", force))
        ctx.on_ground(slot, parties, week)
        every = spec.repeat_every_weeks
        if every > 0:
            more = (slot.repeat[parties] + 1) * every < spec.duration_weeks
            slot.repeat[parties] += 1
            again = parties[more]
            slot.decisions.set(again, week + every, ctx.current[again])

    def run_week(self, week: float, effects) -> None:
        """Statements waiting for money are issued once their body's fund covers them."""
        for slot, parties in self.payments.due():
            self.act(slot, parties, week)

    def holds(self, body, parties: np.ndarray, week: float) -> np.ndarray:
        return self.payments.holds(body, parties)

    def _credibility(self, slot: Slot, parties: np.ndarray) -> np.ndarray:
        """Per statement, its lead issuer's credibility less ``embolden_below`` (negative:
        the statement emboldens), in order: a statement repeated without follow-up
        erodes its issuer's credibility first."""
        p, out = self.params, np.empty(parties.size)
        for k, i in enumerate(parties.tolist()):
            body = slot.lead_of(i)
            if self.unanswered[i] > 0:  # a repeat, with no mission or envoy since
                self.credibility[body.name] *= 1.0 - p.credibility_erosion
            out[k] = self.credibility[body.name] - p.embolden_below
        return out

    def cost(self, week: float) -> np.ndarray:
        d = self.params.mobilised_discount
        if not d:
            return self.attention
        return self.attention * (1.0 - d * self.ctx.mobilised())

    def on_crisis_opened(self, parties: np.ndarray) -> None:
        self.unanswered[parties] = 0

    def on_follow_up(self, parties: np.ndarray) -> None:
        """A mission or an envoy followed the statements up: full force again, and the
        issuer regains ``credibility_recovery`` of what it had lost."""
        recovery = self.params.credibility_recovery
        if recovery:
            for i in parties[self.unanswered[parties] > 0].tolist():
                name = self._issuer[i].name
                self.credibility[name] += recovery * (1.0 - self.credibility[name])
        self.unanswered[parties] = 0

    def base_force(self, slot: Slot, parties: np.ndarray) -> np.ndarray:
        """The force of a first statement of ``slot`` at ``parties``, at the unity of the
        issuers on each crisis."""
        p = self.params
        return (p.force * slot.spec.intensity * slot.unity_now[parties]
                * (1 + p.extra_issuer_gain * (slot.issuers[parties] - 1)))
