"""The response system: turns warnings into decisions, decisions into effects.

For every crisis (``sim.warning``) and every instrument of the policy whose trigger fires,
a decision comes due at::

    trigger week + delay_days/7 + consensus time of the acting body
                 + coordination time (a partnership without a shared mechanism)

(consensus: ``(1 − unity) × consensus_days_at_zero_unity``; a joint action waits for the
slower of the two bodies). The decision is taken at the first step at or after that week;
the **warning-to-action gap** of a crisis is its first decision's week minus its warning
week. Decisions whose crisis has closed are dropped. Instruments then act
(``sim.policies.instruments``), and each week the effects are written into the model's
``cost`` and ``misperception`` arrays and the observers' noise factors.

Everything random here draws from the ``interventions`` stream, so a policy never shifts
the world's own random numbers (common random numbers).
"""

from __future__ import annotations

import dataclasses
import heapq
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim.agents import Body, Mediator
from sim.dynamics import Level
from sim.events import EventKind
from sim.params import InstrumentSpec
from sim.policies.instruments import INSTRUMENTS, EnvoyDeployment, Request
from sim.warning import Crisis

if TYPE_CHECKING:
    from sim.model import ConflictModel

_EPS = 1e-9


class ResponseSystem:
    """The international response of one run, following ``params.policy``."""

    def __init__(self, model: "ConflictModel"):
        self.model = model
        p = model.params
        self.rng = model.streams["interventions"]
        n = len(model.party_ids)
        self.instruments = {kind: cls(getattr(p.instruments, kind), self)
                            for kind, cls in INSTRUMENTS.items()}
        delay, scale = p.policy.response_delay_days, p.policy.intensity_scale
        self.specs: list[InstrumentSpec] = [
            dataclasses.replace(s, delay_days=s.delay_days if delay is None else delay,
                                intensity=s.intensity * scale)
            for s in p.policy.instruments]
        self.attention = np.zeros(n)             # statements' attention cost (decays)
        self.dividend = np.zeros(n)              # agreements' peace dividend (erodes)
        self.mission_until = np.full(n, -np.inf) # fact-finding deployed until this week
        self.mission_intensity = np.ones(n)
        self.unanswered_statements = np.zeros(n, dtype=np.int64)
        self.agreed = np.zeros(n, dtype=bool)    # had an agreement in this run
        self.cost_usd = 0.0
        self.counts: Counter[str] = Counter()   # bookkeeping that is not an event
        self._pending: list[tuple[float, int, Request]] = []   # a heap by (due, sequence)
        self._seq = 0
        self._bodies: dict[tuple[str, int], tuple[Body, ...]] = {}
        dt = model.dt
        st, env, ff = p.instruments.statement, p.instruments.envoy, p.instruments.fact_finding
        self._attention_decay = 0.5 ** (dt / st.half_life_weeks)
        half_life = env.follow_up_half_life_weeks if env.follow_up else env.erosion_half_life_weeks
        self._dividend_decay = 0.5 ** (dt / half_life)
        self._ff = ff
        self._misperception_base = np.full(n, p.dynamics.misperception)
        pattern = (model.adjacency != 0).astype(np.float64)
        self._neighbours = sp.csr_array(pattern + pattern.T)
        n_offices = len(p.un.regional_offices) if model.un is not None else 0
        self._office_cost_per_step = n_offices * p.un.office_cost_usd_per_year * dt / 52.0

    # ---------------------------------------------------------------- bookkeeping
    def log(self, week: float, kind: EventKind, party: int, actor: str, detail: str) -> None:
        self.model.event_log.add(week, kind, party, actor, detail)

    def spend(self, usd: float) -> None:
        self.cost_usd += usd

    def bodies_for(self, spec: InstrumentSpec, party: int) -> tuple[Body, ...]:
        """Acting bodies of ``spec`` for ``party``, the lead first; absent ones dropped."""
        region = int(self.model.state.region[party])
        key = (spec.actor, region)
        if key not in self._bodies:
            un, rb = self.model.un, self.model.regional_bodies.get(region)
            order = {"un": (un,), "regional": (rb,), "un_lead": (un, rb),
                     "regional_lead": (rb, un), "joint": (un, rb)}[spec.actor]
            self._bodies[key] = tuple(b for b in order if b is not None)
        return self._bodies[key]

    def decision_weeks(self, spec: InstrumentSpec, bodies: tuple[Body, ...]) -> float:
        """Weeks from the trigger to the decision: delay, consensus, coordination."""
        policy = self.model.params.policy
        if spec.actor == "joint":
            consensus = max(b.consensus_weeks for b in bodies)
        else:
            consensus = bodies[0].consensus_weeks
        coordination = (policy.coordination_days / 7.0
                        if len(bodies) > 1 and not policy.shared_mechanism else 0.0)
        return spec.delay_days / 7.0 + consensus + coordination

    def schedule(self, request: Request, due_week: float, **changes) -> None:
        """Queue a copy of ``request`` due at ``due_week`` (e.g. a repeat, a deployment)."""
        self._push(request.copy(due_week, **changes))

    def _push(self, request: Request) -> None:
        self._seq += 1
        heapq.heappush(self._pending, (request.due_week, self._seq, request))

    def _trigger(self, crisis: Crisis, week: float, trigger: str) -> None:
        for spec in self.specs:
            if spec.trigger != trigger:
                continue
            bodies = self.bodies_for(spec, crisis.party)
            if not bodies:
                continue  # nobody able to act (bodies disabled)
            self._push(Request(week + self.decision_weeks(spec, bodies), spec, crisis.party,
                               crisis, bodies))

    def on_warning(self, crisis: Crisis, week: float) -> None:
        """A crisis opened: start the clocks of instruments triggered by warnings."""
        self.unanswered_statements[crisis.party] = 0
        self._trigger(crisis, week, "warning")

    def on_alarm(self, crisis: Crisis, week: float) -> None:
        """An observer saw violence: start the clocks of violence-triggered instruments."""
        self._trigger(crisis, week, "violence")

    # ---------------------------------------------------------------- the week
    def step(self, week: float) -> None:
        """Decay effects, take due decisions, run envoys, write effects into the model."""
        self.attention *= self._attention_decay
        self.dividend *= self._dividend_decay
        while self._pending and self._pending[0][0] <= week + _EPS:
            request = heapq.heappop(self._pending)[2]
            if not request.crisis.open:
                self.counts["cancelled"] += 1
                continue
            if request.stage == "decide":
                crisis = request.crisis
                crisis.actions.append((week, request.spec.kind))
                if crisis.first_action_week != crisis.first_action_week:
                    crisis.first_action_week = week
            self.instruments[request.spec.kind].act(request, week)
        self._run_mediators(week)
        self._apply_effects(week)

    def _apply_effects(self, week: float) -> None:
        s, ff, dt = self.model.state, self._ff, self.model.dt
        active = self.mission_until > week + _EPS
        accountability = np.where(active & (s.level >= Level.CRISIS),
                                  ff.accountability * self.mission_intensity, 0.0)
        s.cost = self.attention + self.dividend + accountability
        if active.any():
            near = active | ((self._neighbours @ active.astype(np.float64)) > 0)
            s.misperception = self._misperception_base * np.where(
                near, ff.misperception_factor, 1.0)
            self.model.warning.noise_factor = np.where(active, ff.observation_factor, 1.0)
            self.spend(ff.cost_usd_per_week * dt * float(self.mission_intensity[active].sum()))
        else:
            s.misperception = self._misperception_base
            self.model.warning.noise_factor = np.ones_like(self.attention)
        self.spend(self._office_cost_per_step)

    # ---------------------------------------------------------------- envoys
    @property
    def envoy(self) -> EnvoyDeployment:
        return self.instruments["envoy"]  # type: ignore[return-value]

    def dispatch(self, body: Body, week: float) -> None:
        """Send free mediators of ``body`` to its waiting requests, first come first."""
        while body.queue:
            mediator = body.free_mediator()
            if mediator is None:
                return
            request = body.queue.pop(0)
            if not request.crisis.open:
                self.counts["cancelled"] += 1
                continue
            i = request.party
            mediator.status = Mediator.TRAVELLING
            mediator.party, mediator.crisis, mediator.request = i, request.crisis, request
            mediator.arrive_week = week + self.envoy.deploy_weeks(body, i)
            mediator.until_week = mediator.arrive_week + request.spec.duration_weeks
            self.unanswered_statements[i] = 0  # a follow-up
            self.spend(self.envoy.params.cost_usd_per_deployment * request.spec.intensity)
            self.log(week, EventKind.DEPLOYMENT, i, body.name,
                     f"envoy {mediator.unique_id} arrives week {mediator.arrive_week:g}")

    def _release(self, mediator: Mediator, week: float) -> None:
        mediator.status = Mediator.IDLE
        mediator.party = mediator.crisis = mediator.request = None
        self.dispatch(mediator.body, week)

    def _run_mediators(self, week: float) -> None:
        p = self.envoy.params
        for mediator in self.model.mediators:
            if mediator.status == Mediator.IDLE:
                continue
            self.spend(p.cost_usd_per_week * self.model.dt * mediator.request.spec.intensity)
            if mediator.status == Mediator.TRAVELLING:
                if week + _EPS < mediator.arrive_week:
                    continue
                mediator.status = Mediator.ENGAGED
            i, body = mediator.party, mediator.body
            if not mediator.crisis.open:
                self.log(week, EventKind.ENGAGEMENT_ENDED, i, body.name, "crisis closed")
                self._release(mediator, week)
                continue
            if week + _EPS >= mediator.until_week:
                mediator.credibility = max(0.0, mediator.credibility - p.credibility_loss)
                self.log(week, EventKind.MEDIATION_FAILED, i, body.name,
                         f"credibility {mediator.credibility:.2f}")
                self._release(mediator, week)
                continue
            chance = self.envoy.agreement_probability(mediator)
            if self.rng.random() < chance:
                self._agreement(mediator, week)
                mediator.credibility = min(1.0, mediator.credibility + p.credibility_gain)
                self._release(mediator, week)

    def _agreement(self, mediator: Mediator, week: float) -> None:
        """Cut hostility and grievance of the party and its neighbours in crisis."""
        s, p, i = self.model.state, self.envoy.params, mediator.party
        lo, hi = self._neighbours.indptr[i], self._neighbours.indptr[i + 1]
        neighbours = self._neighbours.indices[lo:hi]
        parties = np.union1d([i], neighbours[s.level[neighbours] >= Level.CRISIS])
        s.hostility[parties] *= 1.0 - p.hostility_cut
        s.grievance[parties] *= 1.0 - p.grievance_cut
        self.dividend[parties] += p.dividend * mediator.request.spec.intensity
        self.agreed[parties] = True
        self.log(week, EventKind.AGREEMENT, i, mediator.body.name,
                 f"{parties.size} parties; envoy {mediator.unique_id}")
