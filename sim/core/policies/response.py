"""The response system: how a warning becomes an action on the ground, through the
institutions that decide (¶12-¶17, ¶41-¶42, ¶47, ¶51-¶52, ¶62-¶69).

For every crisis (``sim.warning``) and every instrument of the policy whose trigger fires
(the crisis's first warning, or observers seeing violence), the instrument's lead body
takes the situation up and the pipeline runs, each stage recorded per crisis:

1. **Agenda**: the situation enters the lead body's :class:`~sim.core.agents.Agenda`. A
   body handles ``attention_capacity`` situations at once; the others wait, and the most
   severe as the body perceives them (its own observation, not the truth) are taken up
   first as places free — when a crisis closes, or when the body has done what its policy
   says for a situation and others are waiting.
2. **Decision**: due at ``max(trigger + delay_days, agenda) + consensus + coordination``
   (delay and consensus × ``ctx.decision_factor``: shorter with a political mission at
   the party) and taken at the first step at or after it. Consensus is ``(1 − unity) ×
   consensus_days_at_zero_unity``; with politics on, unity is the crisis's: the
   Council's falls with the party's salience and alignment, and it may be blocked
   altogether (a veto), which leaves the lead to the regional body where the
   partnership allows; a regional body's falls with its members' involvement.
3. **Consent** (fact-finding; envoys if ``instruments.envoy.consent``): asked at the
   decision, with a chance that the party's state and patrons move (``consent.*``); a
   refusal is retried after ``consent.retry_weeks``, up to ``consent.max_tries``.
4. **Resources** and **deployment**: the instrument itself — a statement needs its
   body's fund to cover it; a mission a free team, the fund and ``deploy_days``; an
   envoy a free mediator (the body's queue), the fund, and its travel time (short with
   a free standby deployment). Then the **action on the ground**.

A crisis's warning-to-action gap is its first action's week minus its warning's, and its
parts (``sim.warning.CrisisTable.WAITS``) are the stages of that action's pipeline.
Decisions whose crisis has closed are dropped.

Each week (:meth:`ResponseSystem.step`): instruments' effects decay; funds are renewed at
a new year; waiting situations are taken up; the decisions, consent tries and later
stages due are taken, slot by slot in policy order; instruments do their ongoing work;
bodies at capacity drop what is done; and the week's :class:`Effects` are collected for
the model to apply. Everything random draws from the ``interventions`` stream, so a
policy never shifts the world's own random numbers (common random numbers).
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
from scipy.special import expit

from sim.core.agents import Agenda
from sim.core.dynamics import Level
from sim.core.events import EventKind
from sim.core.params import InstrumentSpec
from sim.core.policies.base import Context, Effects, Instrument, Slot

ACTORS = {"un": ("un",), "regional": ("rb",), "un_lead": ("un", "rb"),
          "regional_lead": ("rb", "un"), "joint": ("un", "rb")}
CRISIS = int(Level.CRISIS)
#: Partnerships in which a blocked Council leaves the lead to the regional body.
REROUTABLE = ("un_lead", "joint")


class ResponseSystem:
    """The international response of one run, following ``params.policy``.

    Attributes:
        instruments: one instance of every registered instrument kind, by kind, in
            registry order (``sim.core.policies.INSTRUMENTS``).
        slots: one :class:`Slot` per instrument of the policy, in policy order.
        cancelled: decisions and requests dropped because their crisis closed.
        blocked: crises on which the Council could not decide.
    """

    def __init__(self, ctx: Context, warning, registry: dict[str, type[Instrument]]):
        self.ctx = ctx
        self.warning = warning
        self.table = warning.table  # the crisis table: stages are recorded on it
        p = ctx.params
        ctx.follow_up = self._follow_up
        ctx.resourced = self._resourced
        ctx.on_ground = self._on_ground
        self.instruments: dict[str, Instrument] = {kind: cls(ctx) for kind, cls in
                                                   registry.items()}
        delay, scale = p.policy.response_delay_days, p.policy.intensity_scale
        trigger = p.policy.trigger
        specs = [dataclasses.replace(s, delay_days=s.delay_days if delay is None else delay,
                                     intensity=s.intensity * scale,
                                     trigger=s.trigger if trigger is None
                                     or s.trigger == "election" else trigger)
                 for s in p.policy.instruments]
        regions = ctx.state.region
        self.slots = []
        for spec in specs:
            per_region = {r: self.acting_bodies(spec, r) for r in np.unique(regions).tolist()}
            self.slots.append(Slot(spec, self.instruments[spec.kind], per_region,
                                   self.coordination_weeks, regions))
        #: slots not started by crises: planned each week (electoral assistance)
        self._planned = [s for s in self.slots if s.spec.trigger == "election"]
        self._cancelled = 0
        self.blocked = 0
        # the instruments that do something in each part of the week (the others' hooks
        # are the base class's, which do nothing)
        self._hooks = {hook: [i for i in self.instruments.values()
                              if getattr(type(i), hook) is not getattr(Instrument, hook)]
                       for hook in ("begin_week", "run_week", "cost")}
        n_offices = len(p.un.regional_offices) if ctx.un is not None else 0
        self._office_cost_per_step = n_offices * p.un.office_cost_usd_per_year * ctx.dt / 52.0
        self._misperception = np.full(ctx.n, p.dynamics.misperception)
        self._bodies = ctx.bodies
        self._support_cost_per_step = sum(  # the bodies' mediation support (¶63)
            b.params.mediation_support_usd_per_year for b in self._bodies
            if b.params.mediation_support > 0) * ctx.dt / 52.0
        names = [o.name for o in warning.observers]
        self._observer = {b.name: names.index(b.name) if b.name in names else None
                          for b in self._bodies}
        self._politics = p.politics
        # the Council's decision on a crisis: blocked or not, drawn once per crisis
        self._council_crisis = np.full(ctx.n, -1, dtype=np.int64)
        self._council_blocked = np.zeros(ctx.n, dtype=bool)

    # ---------------------------------------------------------------- reading
    @property
    def cost_usd(self) -> float:
        """Everything spent so far (USD)."""
        return self.ctx.ledger.usd

    @property
    def cancelled(self) -> int:
        return self._cancelled + sum(getattr(i, "cancelled", 0)
                                     for i in self.instruments.values())

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

    def coordination_weeks(self, spec: InstrumentSpec, bodies: tuple) -> float:
        """Coordination time of a partnership without a shared mechanism."""
        policy = self.ctx.params.policy
        return (policy.coordination_days / 7.0
                if len(bodies) > 1 and not policy.shared_mechanism else 0.0)

    # ---------------------------------------------------------------- triggers
    def _trigger(self, trigger: str, parties: np.ndarray, week: float) -> None:
        current = self.ctx.current
        for slot in self.slots:
            if slot.spec.trigger != trigger:
                continue
            p = parties[slot.can_act[parties]]  # nobody able to act: never armed
            if not p.size:
                continue
            slot.reset(p, current[p], week)
            self._enter(slot, p, week)

    def _enter(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """``slot``'s situations at ``parties`` go on their lead body's agenda; those the
        body has taken up (now, or already for this crisis) are scheduled."""
        current = self.ctx.current
        leads = slot.leads(parties)
        for k in dict.fromkeys(leads.tolist()):  # each lead body, in order of first party
            body, mine = slot.body_at[k], parties[leads == k]
            body.agenda.enter(mine, current[mine], week)
            taken = mine[(body.agenda.state[mine] == Agenda.ACTIVE)
                         & (body.agenda.crisis[mine] == current[mine])]
            self._schedule(slot, body, taken, week)

    def on_warning(self, parties: np.ndarray, week: float) -> None:
        """Crises opened: instruments hear of it; warning-triggered instruments start."""
        for instrument in self.instruments.values():
            instrument.on_crisis_opened(parties)
        self._trigger("warning", parties, week)

    def on_alarm(self, parties: np.ndarray, week: float) -> None:
        """Observers saw violence: violence-triggered instruments start."""
        self._trigger("violence", parties, week)

    def on_closed(self, parties: np.ndarray) -> None:
        """Crises closed: they leave every agenda (their pending work is dropped as it
        comes due)."""
        for body in self._bodies:
            body.agenda.leave(parties)
        for instrument in self.instruments.values():
            instrument.on_crisis_closed(parties)

    def _follow_up(self, parties: np.ndarray) -> None:
        for instrument in self.instruments.values():
            instrument.on_follow_up(parties)

    # ---------------------------------------------------------------- agenda and decision
    def _admit(self, week: float) -> None:
        """Bodies take up waiting situations into the places that freed."""
        current = self.ctx.current
        for body in self._bodies:
            agenda = body.agenda
            if not agenda.waiting or agenda.free() <= 0:
                continue
            admitted = agenda.admit(functools.partial(self.warning.perceived,
                                                      self._observer[body.name]))
            for slot in self.slots:
                ready = admitted[(slot.crisis[admitted] == current[admitted])
                                 & np.isnan(slot.agenda_week[admitted])]
                ready = ready[slot.led_by(body, ready)]
                self._schedule(slot, body, ready, week)

    def _schedule(self, slot: Slot, body, parties: np.ndarray, week: float) -> None:
        """``body`` takes up ``slot``'s situations at ``parties`` this week: its decision
        is due after the policy's delay, the consensus of the crisis and coordination."""
        if not parties.size:
            return
        parties = parties[np.isnan(slot.agenda_week[parties])]
        if body is self.ctx.un and self._politics.enabled:
            parties = self._council(slot, parties, week)
        if not parties.size:
            return
        slot.agenda_week[parties] = week
        self.table.first(self.table.agenda_week, self.ctx.current[parties], week)
        faster = self.ctx.decision_factor[parties]  # a political mission there: < 1
        if self.warning.credibility is not None:  # cry wolf: how far the warning is heeded
            faster = faster * self.heed(self.ctx.current[parties])
        consensus = self._consensus(slot, parties) * faster
        due = np.maximum(slot.trigger_week[parties] + slot.spec.delay_days / 7.0 * faster,
                         week)
        coordination = np.where(slot.rerouted[parties], 0.0, slot.coordination_weeks[parties])
        slot.decisions.set(parties, due + (consensus + coordination),
                           self.ctx.current[parties])

    def heed(self, crises: np.ndarray) -> np.ndarray:
        """Per crisis, the factor on its decisions' delay and consensus from its warning
        observer's record: ``exp(cry_wolf × (prior − c)/prior)``, above 1 for an observer
        whose warnings kept proving false, below 1 for one proved right (¶44-¶45;
        warning.cry_wolf)."""
        w = self.ctx.params.warning
        c = self.warning.credibility[self.table.warned_by[crises]]
        return np.exp(w.cry_wolf * (w.credibility_prior - c) / w.credibility_prior)

    def _consensus(self, slot: Slot, parties: np.ndarray) -> np.ndarray:
        """Weeks the acting bodies need to agree on each crisis (a joint action waits for
        the slower; a partnership led by one body takes its lead's time), at the crisis's
        unity; sets the slot's ``unity_now`` (the mean of its acting bodies'; the
        regional body's alone where the Council is blocked). Every party of a slot has
        the same kinds of acting bodies (the UN and/or its region's body)."""
        p = self.ctx.params
        kinds = ["un" if b is self.ctx.un else "rb" for b in slot.bodies[int(parties[0])]]
        unity = {k: self.unities(k, parties) for k in dict.fromkeys(kinds)}
        weeks = {k: (1.0 - u) * (p.un if k == "un" else p.regional)
                 .consensus_days_at_zero_unity / 7.0 for k, u in unity.items()}
        together = np.mean([unity[k] for k in kinds], axis=0)
        decide = (np.max([weeks[k] for k in kinds], axis=0) if slot.spec.actor == "joint"
                  else weeks[kinds[0]])
        rerouted = slot.rerouted[parties]
        slot.unity_now[parties] = np.where(rerouted, unity[kinds[-1]], together)
        return np.where(rerouted, weeks[kinds[-1]], decide)

    def unities(self, kind: str, parties: np.ndarray) -> np.ndarray:
        """The unity of the UN (``kind="un"``) or of each party's regional body
        (``"rb"``) on the crises at ``parties``: its own, less with politics — the
        Council divided by a salient, aligned party, ``un.unity × (1 − polarisation ×
        stake)``; a regional body by its members' involvement, ``regional.unity × (1 −
        involvement × share of the party's neighbours in its region at crisis or
        worse)``."""
        p, pol, s = self.ctx.params, self._politics, self.ctx.state
        u = (p.un if kind == "un" else p.regional).unity
        if not pol.enabled:
            return np.full(parties.size, u)
        if kind == "un":
            return u * (1.0 - pol.polarisation * s.stake(parties))
        nb = self.ctx.neighbours
        starts, lengths = nb.indptr[parties], np.diff(nb.indptr)[parties]
        owner = np.repeat(np.arange(parties.size), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        js = nb.indices[np.repeat(starts, lengths) + offsets]
        member = s.region[js] == s.region[parties][owner]
        members = np.bincount(owner, weights=member, minlength=parties.size)
        involved = np.bincount(owner, weights=member & (s.level[js] >= CRISIS),
                               minlength=parties.size)
        share = np.divide(involved, members, out=np.zeros(parties.size), where=members > 0)
        return u * (1.0 - pol.involvement * share)

    def unity(self, body, party: int) -> float:
        """``body``'s unity on ``party``'s crisis (:meth:`unities` for one party)."""
        kind = "un" if body is self.ctx.un else "rb"
        return float(self.unities(kind, np.array([party]))[0])

    def _council(self, slot: Slot, parties: np.ndarray, week: float) -> np.ndarray:
        """The Council decides once per crisis whether it can act at all; on a blocked
        crisis, a partnership that allows it passes the lead to the regional body, else
        the slot does nothing. Returns the parties the UN goes on with."""
        s, current = self.ctx.state, self.ctx.current
        new = parties[self._council_crisis[parties] != current[parties]]
        if new.size:
            chance = self._politics.veto_rate * s.stake(new)
            self._council_blocked[new] = self.ctx.rng.random(new.size) < chance
            self._council_crisis[new] = current[new]
            blocked = new[self._council_blocked[new]]
            if blocked.size:
                self.blocked += blocked.size
                self.table.blocked[current[blocked]] = 1
                self.ctx.log.add_many(week, EventKind.COUNCIL_BLOCKED, blocked, "UN", "")
        blocked = parties[self._council_blocked[parties]]
        if blocked.size:
            self.ctx.un.agenda.drop(blocked)
            passable = [i for i in blocked.tolist() if slot.spec.actor in REROUTABLE
                        and len(slot.bodies[i]) > 1]
            if passable:
                passable = np.array(passable)
                slot.reroute(passable)
                self._enter(slot, passable, week)
            others = np.setdiff1d(blocked, passable)
            slot.crisis[others] = -1  # nothing more for this crisis
        return parties[~self._council_blocked[parties]]

    def _due(self, clock, week: float) -> np.ndarray:
        """Parties whose entry on ``clock`` is due; drops those of closed crises."""
        parties, cancelled = clock.take(week, self.ctx.current)
        if cancelled is not None:
            self._cancelled += cancelled
        return parties

    def _decide(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        self.table.record_actions(self.ctx.current[parties], week)
        first = np.isnan(slot.decision_week[parties])
        slot.decision_week[parties[first]] = week
        if slot.instrument.needs_consent:
            self._ask_consent(slot, parties, week)
        else:
            slot.consent_week[parties[first]] = week
            slot.instrument.act(slot, parties, week)

    # ---------------------------------------------------------------- consent
    def consent_probability(self, slot: Slot, parties: np.ndarray) -> np.ndarray:
        """The chance each host consents: the instrument's, moved on the log-odds scale
        by deterioration (per level above or below crisis) and its patrons (¶42)."""
        c, s = self.ctx.params.consent, self.ctx.state
        base = slot.instrument.consent_probability()
        patron = c.patron if self._politics.enabled else 0.0  # patrons are politics
        if c.deterioration == 0 and patron == 0 or base in (0.0, 1.0):
            return np.full(parties.size, base)
        logit = (math.log(base / (1 - base)) + c.deterioration * (s.level[parties] - CRISIS)
                 - patron * s.stake(parties))
        return expit(logit)  # 1 / (1 + e^−logit), without overflow at extreme logits

    def _ask_consent(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """One try per party (one draw each from the interventions stream); a refusal is
        asked again after ``consent.retry_weeks`` while tries are left."""
        current = self.ctx.current
        consent = self.ctx.rng.random(parties.size) < self.consent_probability(slot, parties)
        refused, agreed = parties[~consent], parties[consent]
        slot.tries[parties] += 1
        self.table.consent_tries[current[parties]] += 1
        self.ctx.log.add_many(week, EventKind.CONSENT_REFUSED, refused, slot.actor[refused],
                              slot.spec.kind)
        c = self.ctx.params.consent
        again = refused[slot.tries[refused] < c.max_tries]
        slot.consent.set(again, week + c.retry_weeks, current[again])
        if agreed.size:
            first = np.isnan(slot.consent_week[agreed])
            slot.consent_week[agreed[first]] = week
            self.table.first(self.table.consent_week, current[agreed], week)
            slot.instrument.act(slot, agreed, week)

    # ---------------------------------------------------------------- stages of the gap
    def _resourced(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        first = np.isnan(slot.resourced_week[parties])
        slot.resourced_week[parties[first]] = week

    def _on_ground(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """``slot`` acted on the ground at ``parties``: the first action of a crisis fixes
        its gap and the gap's parts (the stages of this slot's pipeline)."""
        t = self.table
        crises = self.ctx.current[parties]
        self._resourced(slot, parties, week)
        new = np.isnan(t.action_week[crises])
        if not new.any():
            return
        parties, crises = parties[new], crises[new]
        t.action_week[crises] = week
        stages = [t.warning_week[crises], slot.trigger_week[parties], slot.agenda_week[parties],
                  slot.decision_week[parties], slot.consent_week[parties],
                  slot.resourced_week[parties], np.full(parties.size, week)]
        for name, (start, end) in zip(t.WAITS, zip(stages, stages[1:])):
            getattr(t, name)[crises] = end - start

    # ---------------------------------------------------------------- the week
    def step(self, week: float) -> Effects:
        """One week of the response (see the module docstring); the week's effects."""
        for instrument in self._hooks["begin_week"]:
            instrument.begin_week(week)
        for body in self._bodies:
            body.fund.renew(week)
        self._admit(week)
        for slot in self._planned:
            slot.instrument.plan(slot, week)
        for slot in self.slots:
            parties = self._due(slot.decisions, week)
            if parties.size:
                self._decide(slot, parties, week)
            parties = self._due(slot.consent, week)
            if parties.size:
                self._ask_consent(slot, parties, week)
            parties = self._due(slot.stages, week)
            if parties.size:
                slot.instrument.stage(slot, parties, week)
        effects = Effects(cost=None, misperception=self._misperception)  # type: ignore[arg-type]
        for instrument in self._hooks["run_week"]:
            instrument.run_week(week, effects)
        if effects.observation_changed is not None:
            effects.observation = self._noise_factor()
        self._drop_done(week)
        effects.cost = self._cost(week)
        self.ctx.ledger.spend(self._office_cost_per_step)  # the UN's regional offices
        if self._support_cost_per_step:
            self.ctx.ledger.spend(self._support_cost_per_step)
        return effects

    def _noise_factor(self) -> np.ndarray | None:
        """The factor on observers' noise: the product of the instruments' (None where
        it is 1 everywhere, so observers use their own noise unchanged)."""
        factors = [i.noise_factor for i in self.instruments.values()
                   if i.noise_factor is not None and (i.noise_factor != 1.0).any()]
        if not factors:
            return None
        return functools.reduce(np.multiply, factors[1:], factors[0].copy())

    def _drop_done(self, week: float) -> None:
        """A body at capacity, with situations waiting, drops the active ones on which it
        has done what its policy says (nothing pending, nothing in the field)."""
        current = self.ctx.current
        for body in self._bodies:
            agenda = body.agenda
            if not agenda.waiting or agenda.free() > 0:
                continue
            active = (agenda.state == Agenda.ACTIVE).nonzero()[0]
            busy = np.zeros(active.size, dtype=bool)
            for slot in self.slots:
                mine = slot.led_by(body, active)
                if not mine.any():
                    continue
                live = slot.crisis[active] == current[active]
                # a decision, consent try or stage to come; what is queued, unpaid or in
                # the field is the instrument's (holds). A request refused for the last
                # time, or dropped unfunded, is done.
                pending = ((slot.decisions.week[active] < np.inf)
                           | (slot.consent.week[active] < np.inf)
                           | (slot.stages.week[active] < np.inf))
                busy |= mine & live & (pending | np.isnan(slot.decision_week[active]))
                busy |= mine & slot.instrument.holds(body, active, week)
            agenda.drop(active[~busy])

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
