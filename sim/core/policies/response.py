"""The response system: turns warnings into decisions and orders the instruments' week.

For every crisis (``sim.warning``) and every instrument of the policy whose trigger fires,
a decision comes due at::

    trigger week + delay_days/7 + consensus time of the acting body
                 + coordination time (a partnership without a shared mechanism)

(consensus: ``(1 − unity) × consensus_days_at_zero_unity``; a joint action waits for the
slower of the two bodies). The decision is taken at the first step at or after that week;
the **warning-to-action gap** of a crisis is its first decision's week minus its warning
week. Decisions whose crisis has closed are dropped.

Each week (:meth:`ResponseSystem.step`): every instrument's effects decay
(:meth:`~sim.core.policies.base.Instrument.begin_week`); the decisions due are taken, slot
by slot in policy order (``act``, and later stages such as a mission's deployment);
then each instrument does its ongoing work (``run_week``: envoys travel and mediate,
missions start and end); and the week's :class:`~sim.core.policies.base.Effects` are
collected — the cost of escalating summed over the instruments in registry order, the
misperception and observation factors, the agreements' cuts — for the model to apply.

The response holds only the decision clocks (one :class:`~sim.core.policies.base.Slot`
per instrument of the policy); each instrument holds its own state. Everything random
draws from the ``interventions`` stream, so a policy never shifts the world's own random
numbers (common random numbers).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.core.params import InstrumentSpec
from sim.core.policies.base import Context, Effects, Instrument, Slot

ACTORS = {"un": ("un",), "regional": ("rb",), "un_lead": ("un", "rb"),
          "regional_lead": ("rb", "un"), "joint": ("un", "rb")}


class ResponseSystem:
    """The international response of one run, following ``params.policy``.

    Attributes:
        instruments: one instance of every registered instrument kind, by kind, in
            registry order (``sim.core.policies.INSTRUMENTS``).
        slots: one :class:`Slot` per instrument of the policy, in policy order.
        cancelled: decisions and envoy requests dropped because their crisis closed.
    """

    def __init__(self, ctx: Context, table, registry: dict[str, type[Instrument]]):
        self.ctx = ctx
        self.table = table  # the crisis table: decisions are recorded on it
        p = ctx.params
        ctx.follow_up = self._follow_up
        self.instruments: dict[str, Instrument] = {kind: cls(ctx) for kind, cls in
                                                   registry.items()}
        delay, scale = p.policy.response_delay_days, p.policy.intensity_scale
        specs = [dataclasses.replace(s, delay_days=s.delay_days if delay is None else delay,
                                     intensity=s.intensity * scale)
                 for s in p.policy.instruments]
        regions = ctx.state.region
        self.slots = []
        for spec in specs:
            per_region = {r: self.acting_bodies(spec, r) for r in np.unique(regions).tolist()}
            self.slots.append(Slot(spec, self.instruments[spec.kind], per_region,
                                   self.decision_weeks, regions))
        self._cancelled = 0
        # the instruments that do something in each part of the week (the others' hooks
        # are the base class's, which do nothing)
        self._hooks = {hook: [i for i in self.instruments.values()
                              if getattr(type(i), hook) is not getattr(Instrument, hook)]
                       for hook in ("begin_week", "run_week", "cost")}
        n_offices = len(p.un.regional_offices) if ctx.un is not None else 0
        self._office_cost_per_step = n_offices * p.un.office_cost_usd_per_year * ctx.dt / 52.0
        self._misperception = np.full(ctx.n, p.dynamics.misperception)

    # ---------------------------------------------------------------- reading
    @property
    def cost_usd(self) -> float:
        """Everything spent so far (USD)."""
        return self.ctx.ledger.usd

    @property
    def cancelled(self) -> int:
        envoy = self.instruments.get("envoy")
        return self._cancelled + (envoy.cancelled if envoy is not None else 0)

    @property
    def agreed(self) -> np.ndarray:
        """Per party: had an agreement in this run (for relapses)."""
        return self.instruments["envoy"].agreed

    def instrument(self, kind: str) -> Instrument:
        """The instrument of ``kind`` (its state: e.g. ``instrument("statement").attention``)."""
        return self.instruments[kind]

    # ---------------------------------------------------------------- set-up
    def acting_bodies(self, spec: InstrumentSpec, region: int) -> tuple:
        """Acting bodies of ``spec`` in ``region``, the lead first; absent ones dropped."""
        present = {"un": self.ctx.un, "rb": self.ctx.regional_bodies.get(region)}
        return tuple(present[k] for k in ACTORS[spec.actor] if present[k] is not None)

    def decision_weeks(self, spec: InstrumentSpec, bodies: tuple) -> float:
        """Weeks from the trigger to the decision: delay, consensus, coordination."""
        policy = self.ctx.params.policy
        if spec.actor == "joint":
            consensus = max(b.consensus_weeks for b in bodies)
        else:
            consensus = bodies[0].consensus_weeks
        coordination = (policy.coordination_days / 7.0
                        if len(bodies) > 1 and not policy.shared_mechanism else 0.0)
        return spec.delay_days / 7.0 + consensus + coordination

    # ---------------------------------------------------------------- triggers
    def _arm(self, trigger: str, parties: np.ndarray, week: float) -> None:
        current = self.ctx.current
        for slot in self.slots:
            if slot.spec.trigger != trigger:
                continue
            p = parties[slot.can_act[parties]]  # nobody able to act: never armed
            slot.decisions.set(p, week + slot.decision_weeks[p], current[p])
            slot.repeat[p] = 0

    def on_warning(self, parties: np.ndarray, week: float) -> None:
        """Crises opened: instruments hear of it; clocks of warning-triggered ones start."""
        for instrument in self.instruments.values():
            instrument.on_crisis_opened(parties)
        self._arm("warning", parties, week)

    def on_alarm(self, parties: np.ndarray, week: float) -> None:
        """Observers saw violence: start the clocks of violence-triggered instruments."""
        self._arm("violence", parties, week)

    def _follow_up(self, parties: np.ndarray) -> None:
        for instrument in self.instruments.values():
            instrument.on_follow_up(parties)

    def _due(self, clock, week: float) -> np.ndarray:
        """Parties whose decision on ``clock`` is due; drops those of closed crises."""
        parties, cancelled = clock.take(week, self.ctx.current)
        if cancelled is not None:
            self._cancelled += cancelled
        return parties

    # ---------------------------------------------------------------- the week
    def step(self, week: float) -> Effects:
        """Decay effects, take due decisions, run ongoing work; the week's effects."""
        for instrument in self._hooks["begin_week"]:
            instrument.begin_week(week)
        current = self.ctx.current
        for slot in self.slots:
            parties = self._due(slot.decisions, week)
            if parties.size:
                self.table.record_actions(current[parties], week)
                slot.instrument.act(slot, parties, week)
            parties = self._due(slot.stages, week)
            if parties.size:
                slot.instrument.stage(slot, parties, week)
        effects = Effects(cost=None, misperception=self._misperception)  # type: ignore[arg-type]
        for instrument in self._hooks["run_week"]:
            instrument.run_week(week, effects)
        effects.cost = self._cost(week)
        self.ctx.ledger.spend(self._office_cost_per_step)  # the UN's regional offices
        return effects

    def _cost(self, week: float) -> np.ndarray:
        """The cost of escalating: the instruments' contributions, summed in registry
        order (a new array each week)."""
        total = None
        for instrument in self._hooks["cost"]:
            part = instrument.cost(week)
            if part is None:
                continue
            total = part.copy() if total is None else np.add(total, part, out=total)
        return total if total is not None else np.zeros(self.ctx.n)
