"""Early statements of concern (¶16, ¶47, ¶66)."""

from __future__ import annotations

import numpy as np

from sim.core.events import EventKind
from sim.core.params import StatementParams
from sim.core.policies.base import Context, Instrument, Slot


class EarlyStatement(Instrument):
    """A public statement of concern: fast, cheap, raises the attention cost of escalating.

    Force = ``force × intensity × mean unity of the issuers × (1 + extra_issuer_gain ×
    (issuers − 1)) × repeat_discount^(earlier statements without follow-up)``. The force is
    added to the party's attention stock, which decays with ``half_life_weeks``; the stock
    is the statement's cost of escalating. A follow-up (a mission deployed, an envoy
    sent) or a new crisis restores full force.

    State (per party): ``attention`` (hostility/week), ``unanswered`` (statements since the
    last follow-up).

    Sources:
        ¶47 (a small early step can matter more than a larger one later; sustained
        attention), ¶16 (force depends on the unity of those who speak), ¶66 (statements
        by several actors).
    """

    name = "statement"
    params_group = "statement"
    params: StatementParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.attention = np.zeros(ctx.n)
        self.unanswered = np.zeros(ctx.n, dtype=np.int64)
        self._decay = 0.5 ** (ctx.dt / self.params.half_life_weeks)

    def begin_week(self, week: float) -> None:
        self.attention *= self._decay

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        p, spec = self.params, slot.spec
        force = self.base_force(slot)[parties] * p.repeat_discount ** self.unanswered[parties]
        self.attention[parties] += force
        self.unanswered[parties] += 1
        self.ctx.ledger.spend(p.cost_usd * spec.intensity * float(slot.issuers[parties].sum()))
        self.log_many(week, EventKind.ACTION, parties, slot.actor[parties],
                      ("statement force={:.4f}", force))
        every = spec.repeat_every_weeks
        if every > 0:
            more = (slot.repeat[parties] + 1) * every < spec.duration_weeks
            slot.repeat[parties] += 1
            again = parties[more]
            slot.decisions.set(again, week + every, self.ctx.current[again])

    def cost(self, week: float) -> np.ndarray:
        return self.attention

    def on_crisis_opened(self, parties: np.ndarray) -> None:
        self.unanswered[parties] = 0

    def on_follow_up(self, parties: np.ndarray) -> None:
        self.unanswered[parties] = 0

    def base_force(self, slot: Slot) -> np.ndarray:
        """Per party, the force of a first statement of ``slot`` (cached on the slot)."""
        if slot.cache.get("base_force") is None:
            p = self.params
            slot.cache["base_force"] = (p.force * slot.spec.intensity * slot.unity
                                        * (1 + p.extra_issuer_gain * (slot.issuers - 1)))
        return slot.cache["base_force"]
