"""The response system: turns warnings into decisions, decisions into effects.

For every crisis (``sim.core.warning``) and every instrument of the policy whose trigger fires,
a decision comes due at::

    trigger week + delay_days/7 + consensus time of the acting body
                 + coordination time (a partnership without a shared mechanism)

(consensus: ``(1 − unity) × consensus_days_at_zero_unity``; a joint action waits for the
slower of the two bodies). The decision is taken at the first step at or after that week;
the **warning-to-action gap** of a crisis is its first decision's week minus its warning
week. Decisions whose crisis has closed are dropped. Instruments then act
(``sim.core.policies.instruments``), and each week the effects are written into the model's
``cost`` and ``misperception`` arrays and the observers' noise factors.

Everything is held in per-party arrays, one set per instrument of the policy (a
:class:`Slot`), so a week's decisions for thousands of parties are a few vectorised
operations; only envoys, a small pool of Mesa agents, are handled one by one.
Everything random draws from the ``interventions`` stream, so a policy never shifts the
world's own random numbers (common random numbers).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim.core.agents import Body, Mediator
from sim.core.dynamics import Level
from sim.core.events import EventKind
from sim.core.params import InstrumentSpec
from sim.core.policies.instruments import INSTRUMENTS, EnvoyDeployment, Instrument

if TYPE_CHECKING:
    from sim.core.model import ConflictModel

_EPS = 1e-9
_NONE = np.empty(0, dtype=np.int64)
CRISIS = int(Level.CRISIS)  # a plain int compares with arrays much faster than IntEnum
ACTORS = {"un": ("un",), "regional": ("rb",), "un_lead": ("un", "rb"),
          "regional_lead": ("rb", "un"), "joint": ("un", "rb")}


class Clock:
    """When each party's next decision of one kind comes due (inf: none), for which
    crisis, and the earliest of them, so a week with nothing due skips the scan."""

    def __init__(self, n: int):
        self.week = np.full(n, np.inf)
        self.crisis = np.full(n, -1, dtype=np.int64)
        self.next = np.inf

    def set(self, parties: np.ndarray, weeks, crises: np.ndarray) -> None:
        """``parties``' decisions come due at ``weeks`` (one week or one each), for
        ``crises``; this replaces any earlier due week of theirs."""
        if parties.size:
            self.week[parties] = weeks
            self.crisis[parties] = crises
            self.next = min(self.next, float(np.min(weeks)))

    def take(self, week: float, current: np.ndarray) -> tuple[np.ndarray, int | None]:
        """Clear the decisions due by ``week``; return the parties whose crisis is still
        ``current`` and how many were dropped (None: nothing was due)."""
        if self.next > week + _EPS:
            return _NONE, None
        idx = (self.week <= week + _EPS).nonzero()[0]
        self.week[idx] = np.inf
        self.next = float(self.week.min())
        if not idx.size:
            return idx, None
        valid = current[idx] == self.crisis[idx]
        return idx[valid], int(idx.size - valid.sum())


class Slot:
    """One instrument of the policy, with its per-party clocks and acting bodies.

    Attributes (arrays over parties unless noted):
        spec, instrument: what the policy asks for, and the instrument that does it.
        bodies: list of the acting bodies per party, the lead first (absent ones dropped);
            lead: the first of them (None if no body can act).
        actor: the acting bodies' names ("UN", "RB2", "UN+RB2").
        unity, issuers: mean unity and number of acting bodies (statement force).
        decision_weeks: trigger-to-decision time; can_act: some body can act.
        decisions: :class:`Clock` of the next decisions; repeat: repeats so far.
        stages: :class:`Clock` of a later stage (a mission's deployment).
    """

    def __init__(self, spec: InstrumentSpec, instrument: Instrument,
                 response: "ResponseSystem"):
        self.spec, self.instrument = spec, instrument
        model = response.model
        n = len(model.party_ids)
        per_region = {r: response.acting_bodies(spec, r)
                      for r in np.unique(model.state.region).tolist()}
        regions = model.state.region.tolist()
        self.bodies = [per_region[r] for r in regions]
        self.lead = [bs[0] if bs else None for bs in self.bodies]
        self.cache: dict[str, object] = {}   # instruments' per-slot constants
        table = {r: ("+".join(b.name for b in bs), float(np.mean([b.params.unity for b in bs]))
                     if bs else 0.0, len(bs), response.decision_weeks(spec, bs) if bs
                     else np.inf) for r, bs in per_region.items()}
        self.actor = np.array([table[r][0] for r in regions], dtype=object)
        self.unity = np.array([table[r][1] for r in regions])
        self.issuers = np.array([table[r][2] for r in regions], dtype=np.int64)
        self.decision_weeks = np.array([table[r][3] for r in regions])
        self.can_act = self.issuers > 0
        self.decisions = Clock(n)
        self.repeat = np.zeros(n, dtype=np.int64)
        self.stages = Clock(n)


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
        specs = [dataclasses.replace(s, delay_days=s.delay_days if delay is None else delay,
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
        self.slots = [Slot(s, self.instruments[s.kind], self) for s in specs]
        dt = model.dt
        st, env, ff = p.instruments.statement, p.instruments.envoy, p.instruments.fact_finding
        self._attention_decay = 0.5 ** (dt / st.half_life_weeks)
        half_life = env.follow_up_half_life_weeks if env.follow_up else env.erosion_half_life_weeks
        self._dividend_decay = 0.5 ** (dt / half_life)
        self._ff = ff
        self._misperception_base = np.full(n, p.dynamics.misperception)
        # missions: where they are active, how many are active next to each party
        # (ties in either direction), and the misperception and observation-noise
        # factors that follow; kept up to date as missions start and end
        self._active = np.zeros(n, dtype=bool)
        self._n_active = 0
        self._reach = np.zeros(n, dtype=np.int64)
        self._misperception = self._misperception_base.copy()
        self._noise_factor = np.ones(n)
        pattern = (model.adjacency != 0).astype(np.float64)
        self._neighbours = sp.csr_array(pattern + pattern.T)
        self._degree = np.diff(self._neighbours.indptr)
        n_offices = len(p.un.regional_offices) if model.un is not None else 0
        self._office_cost_per_step = n_offices * p.un.office_cost_usd_per_year * dt / 52.0

    # ---------------------------------------------------------------- bookkeeping
    def log(self, week: float, kind: EventKind, party: int, actor: str, detail: str) -> None:
        self.model.event_log.add(week, kind, party, actor, detail)

    def log_many(self, week: float, kind: EventKind, parties: np.ndarray, actor, detail
                 ) -> None:
        self.model.event_log.add_many(week, kind, parties, actor, detail)

    def spend(self, usd: float) -> None:
        self.cost_usd += usd

    def acting_bodies(self, spec: InstrumentSpec, region: int) -> tuple[Body, ...]:
        """Acting bodies of ``spec`` in ``region``, the lead first; absent ones dropped."""
        present = {"un": self.model.un, "rb": self.model.regional_bodies.get(region)}
        return tuple(present[k] for k in ACTORS[spec.actor] if present[k] is not None)

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

    def _arm(self, trigger: str, parties: np.ndarray, week: float) -> None:
        current = self.model.warning.current
        for slot in self.slots:
            if slot.spec.trigger != trigger:
                continue
            p = parties[slot.can_act[parties]]  # nobody able to act: never armed
            slot.decisions.set(p, week + slot.decision_weeks[p], current[p])
            slot.repeat[p] = 0

    def on_warning(self, parties: np.ndarray, week: float) -> None:
        """Crises opened: start the clocks of instruments triggered by warnings."""
        self.unanswered_statements[parties] = 0
        self._arm("warning", parties, week)

    def on_alarm(self, parties: np.ndarray, week: float) -> None:
        """Observers saw violence: start the clocks of violence-triggered instruments."""
        self._arm("violence", parties, week)

    def _due(self, clock: Clock, week: float) -> np.ndarray:
        """Parties whose decision on ``clock`` is due; drops those of closed crises."""
        parties, cancelled = clock.take(week, self.model.warning.current)
        if cancelled is not None:
            self.counts["cancelled"] += cancelled
        return parties

    # ---------------------------------------------------------------- the week
    def step(self, week: float) -> None:
        """Decay effects, take due decisions, run envoys, write effects into the model."""
        self.attention *= self._attention_decay
        self.dividend *= self._dividend_decay
        table, current = self.model.warning.table, self.model.warning.current
        for slot in self.slots:
            parties = self._due(slot.decisions, week)
            if parties.size:
                table.record_actions(current[parties], week)
                slot.instrument.act(slot, parties, week)
            parties = self._due(slot.stages, week)
            if parties.size:
                slot.instrument.stage(slot, parties, week)
        self._run_mediators(week)
        self._apply_effects(week)

    def _apply_effects(self, week: float) -> None:
        s, ff, dt = self.model.state, self._ff, self.model.dt
        active = self.mission_until > week + _EPS
        changed = (active != self._active).nonzero()[0]
        if changed.size:
            self._update_reach(changed, active)
        s.cost = self.attention + self.dividend
        if self._n_active:
            # accountability: missions make violence costly where the party is in crisis
            held = (active & (s.level >= CRISIS)).nonzero()[0]
            s.cost[held] += ff.accountability * self.mission_intensity[held]
            self.spend(ff.cost_usd_per_week * dt * float(self.mission_intensity[active].sum()))
        s.misperception = self._misperception
        self.spend(self._office_cost_per_step)

    def _update_reach(self, changed: np.ndarray, active: np.ndarray) -> None:
        """Missions started or ended at ``changed``: update the count of active missions
        next to each party, and misperception and observation noise where they change.

        Only the changed parties and their neighbours are touched, so the cost follows
        the missions, not the network (a full ``neighbours @ active`` each time missions
        change was a sparse product over all ties nearly every week at 10,000 parties).
        """
        ff, nb = self._ff, self._neighbours
        delta = np.where(active[changed], 1, -1)
        lo, sizes = nb.indptr[changed], self._degree[changed]
        # the neighbours of every changed party, concatenated (CSR rows gathered)
        rows = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
        neighbours = nb.indices[rows]
        np.add.at(self._reach, neighbours, np.repeat(delta, sizes))
        touched = np.concatenate([changed, neighbours])  # repeats are harmless here
        near = active[touched] | (self._reach[touched] > 0)
        self._misperception[touched] = self._misperception_base[touched] * np.where(
            near, ff.misperception_factor, 1.0)
        self.model.misperception_changed(touched)
        self._noise_factor[changed] = np.where(active[changed], ff.observation_factor, 1.0)
        self._n_active += int(delta.sum())
        self._active = active
        self.model.warning.set_noise_factor(self._noise_factor if self._n_active else None,
                                            changed)

    # ---------------------------------------------------------------- envoys
    @property
    def envoy(self) -> EnvoyDeployment:
        return self.instruments["envoy"]  # type: ignore[return-value]

    def dispatch(self, body: Body, week: float) -> None:
        """Send free mediators of ``body`` to its waiting requests, first come first."""
        current = self.model.warning.current
        mediator = None
        while body.queue:
            if mediator is None:  # looked up once per send, not per stale request
                mediator = body.free_mediator()
                if mediator is None:
                    return
            i, crisis, slot = body.queue.popleft()
            if current[i] != crisis:  # the crisis closed while the request waited
                self.counts["cancelled"] += 1
                continue
            mediator.status = Mediator.TRAVELLING
            mediator.party, mediator.crisis_id, mediator.slot = i, crisis, slot
            mediator.arrive_week = week + self.envoy.deploy_weeks(body, i)
            mediator.until_week = mediator.arrive_week + slot.spec.duration_weeks
            self.unanswered_statements[i] = 0  # a follow-up
            self.spend(self.envoy.params.cost_usd_per_deployment * slot.spec.intensity)
            self.log(week, EventKind.DEPLOYMENT, i, body.name,
                     f"envoy {mediator.unique_id} arrives week {mediator.arrive_week:g}")
            mediator = None

    def _release(self, mediator: Mediator, week: float) -> None:
        mediator.status = Mediator.IDLE
        mediator.party = mediator.slot = None
        mediator.crisis_id = -1
        self.dispatch(mediator.body, week)

    def _run_mediators(self, week: float) -> None:
        p = self.envoy.params
        current = self.model.warning.current
        for mediator in self.model.mediators:
            if mediator.status == Mediator.IDLE:
                continue
            self.spend(p.cost_usd_per_week * self.model.dt * mediator.slot.spec.intensity)
            if mediator.status == Mediator.TRAVELLING:
                if week + _EPS < mediator.arrive_week:
                    continue
                mediator.status = Mediator.ENGAGED
            i, body = mediator.party, mediator.body
            if current[i] != mediator.crisis_id:
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
        self.dividend[parties] += p.dividend * mediator.slot.spec.intensity
        self.agreed[parties] = True
        self.log(week, EventKind.AGREEMENT, i, mediator.body.name,
                 f"{parties.size} parties; envoy {mediator.unique_id}")
