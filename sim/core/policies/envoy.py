"""Envoys: good offices, mediation, shuttle diplomacy (¶16-¶21, ¶41, ¶53, ¶55-¶58, ¶61)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sim.core.agents import Body, Mediator, MediatorStatus, Request, Stage
from sim.core.dynamics import Level
from sim.core.events import EventKind
from sim.core.params import EnvoyParams
from sim.core.policies.base import Context, Effects, Instrument, Settlement, Slot

CRISIS = int(Level.CRISIS)


class EnvoyDeployment(Instrument):
    """An envoy from the acting body's limited pool (good offices, mediation).

    With ``consent``, the host must accept the envoy first (asked by the response). The
    request then waits in the lead body's queue for a free mediator and for its fund to
    cover the deployment and a first week (:meth:`Body.dispatch`; unpaid requests wait or
    are dropped, ``policy.unfunded``); travel takes ``standby_deploy_days`` with one of the
    standby team's free deployments (``standby_capacity``), ``un.office_deploy_days`` in a
    UN regional office's region, else ``deploy_days`` (:meth:`Body.deploy_days`). Its
    arrival is its action on the ground. While engaged (:meth:`Mediator.advance`), each
    week an agreement happens with probability ``base_rate × credibility × will to settle
    × leverage × legitimacy × intensity`` (capped at 1), where leverage is ``1 +
    partner_leverage`` when a partner backs the envoy and, with politics, less when the
    lead body is divided on the crisis (``politics.unity_leverage``, ¶16), × (1 + the
    body's ``mediation_support``, ¶63) × exp(−entrenchment × the grievance the party's
    violence added). With ``counterpart_required`` an agreement needs the party and a
    neighbour it is tied to at crisis or above; below that the envoy holds preventive
    talks (``talks_force``). An agreement cuts hostility and grievance of its parties (by
    their will × the envoy's credibility with ``terms_by_will``; a :class:`Settlement`)
    and leaves a peace dividend that erodes (slowly with follow-up: the party's
    infrastructure for peace, or ``follow_up``); the dividend is the envoy's cost of
    re-escalating, and lowers that of the neighbours without one (``moral_hazard``). An
    agreement in force can break down (``breakdown_rate_per_year``, more with grievance,
    less with follow-up).

    State (per party): ``dividend`` (hostility/week), ``agreed`` (had an agreement in this
    run); the mediators of every body's pool; a record of every deployment.

    Sources:
        ¶16-¶21 (good offices, envoys, standby team within 72 hours ¶17), ¶41 (the
        parties' will, partners' leverage), ¶53, ¶55 (sustained engagement), ¶56-¶58
        (infrastructures for peace), ¶61 (credibility hard to win, easy to lose), ¶63
        (mediation support); Beardsley 2008, Walter 1999, Fortna 2004/2008 (breakdowns),
        Bercovitch 1996 (entrenchment), Öberg, Möller & Wallensteen 2009 (inducements).
    """

    name = "envoy"
    params_group = "envoy"
    params: EnvoyParams

    @property
    def needs_consent(self) -> bool:  # type: ignore[override]
        return self.params.consent


    def __init__(self, ctx: Context):
        super().__init__(ctx)
        n, p = ctx.n, self.params
        self.dividend = np.zeros(n)
        self.agreed = np.zeros(n, dtype=bool)
        #: per party: agreements there are carried by follow-up (infrastructures for peace)
        self.followed_up = np.full(n, p.follow_up) | ctx.state.infrastructure
        self._decay = np.where(self.followed_up, 0.5 ** (ctx.dt / p.follow_up_half_life_weeks),
                               0.5 ** (ctx.dt / p.erosion_half_life_weeks))
        bodies = ([ctx.un] if ctx.un is not None else []) + list(ctx.regional_bodies.values())
        self.mediators: list[Mediator] = [m for b in bodies for m in b.mediators]
        self.cancelled = 0          # requests dropped because their crisis closed
        self.unfunded = 0           # requests dropped for want of money (policy.unfunded)
        self._deployments: list[list] = []
        self._open: dict[int, list] = {}  # mediator id -> its row of _deployments
        self.in_force = np.zeros(n, dtype=bool)  # an agreement holds at the party
        self.broken = np.zeros(n, dtype=bool)    # its last agreement broke down
        self.talks = np.zeros(n)                 # this week's preventive talks' force
        self._neighbour_mean: sp.csr_array | None = None  # for moral hazard, when needed
        self._breakdown = p.breakdown_rate_per_year * ctx.dt / 52.0  # weekly, at 0 grievance

    def begin_week(self, week: float) -> None:
        self.dividend *= self._decay
        if self._breakdown > 0 and self.in_force.any():
            self._break_down(week)

    def _break_down(self, week: float) -> None:
        """Agreements in force break down with their weekly hazard (one draw per party in
        force, from the interventions stream): the dividend is lost."""
        p, s = self.params, self.ctx.state
        held = self.in_force.nonzero()[0]
        hazard = self._breakdown * (1.0 + p.breakdown_grievance * s.grievance[held])
        hazard = np.where(self.followed_up[held], hazard * p.follow_up_breakdown_factor, hazard)
        broke = held[self.ctx.rng.random(held.size) < np.minimum(hazard, 1.0)]
        if broke.size:
            self.in_force[broke], self.broken[broke] = False, True
            self.dividend[broke] = 0.0
            self.ctx.log.add_many(week, EventKind.AGREEMENT_BROKEN, broke, "", "")

    def counterparts(self, party: int) -> np.ndarray:
        """The neighbours ``party`` is in conflict with: tied to it, at crisis or above."""
        nb, level = self.ctx.neighbours, self.ctx.state.level
        neighbours = nb.indices[nb.indptr[party]:nb.indptr[party + 1]]
        return neighbours[level[neighbours] >= CRISIS]

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        self.log_many(week, EventKind.ACTION, parties, slot.actor[parties], "envoy requested")
        touched: dict[Body, None] = {}  # ordered: dispatch (and its events) in a fixed order
        for i, crisis in zip(parties.tolist(), self.ctx.current[parties].tolist()):
            body = slot.lead_of(i)
            body.request(Request(i, crisis, slot, week))
            touched[body] = None
        for body in touched:
            self._dispatch(body, week)

    def _dispatch(self, body: Body, week: float) -> None:
        """Send ``body``'s free mediators to its waiting requests it can pay for."""
        ctx, p = self.ctx, self.params
        sent, dropped, unfunded = body.dispatch(ctx.current, self._fundable)
        self.cancelled += dropped
        self.unfunded += unfunded
        for mediator, request in sent:
            i = request.party
            region = int(ctx.state.region[i])
            standby = body.params.standby_team and body.standby_free > 0 and not (
                body is ctx.un and region in body.params.regional_offices)
            if standby:
                body.standby_free -= 1
            mediator.standby = standby
            days = min(body.deploy_days(region, p, standby), ctx.envoy_days[i])
            arrive = week + days / 7.0
            mediator.send(request, arrive, arrive + request.slot.spec.duration_weeks)
            ctx.follow_up(np.array([i]))
            ctx.pay(body, p.cost_usd_per_deployment * request.slot.spec.intensity)
            ctx.resourced(request.slot, np.array([i]), week)
            ctx.log.add(week, EventKind.DEPLOYMENT, i, body.name,
                        f"envoy {mediator.unique_id} arrives week {arrive:g}")
            row = [i, request.crisis, body.name, mediator.unique_id, request.week, week,
                   arrive, np.nan, ""]
            self._deployments.append(row)
            self._open[mediator.unique_id] = row

    def _fundable(self, request: Request):
        """Can the lead body's fund pay the deployment and a first week? If not, the
        request waits (False) or is dropped (None), as the policy says."""
        p, intensity = self.params, request.slot.spec.intensity
        first = (p.cost_usd_per_deployment + p.cost_usd_per_week * self.ctx.dt) * intensity
        if request.slot.lead_of(request.party).fund.covers(first):
            return True
        return False if self.ctx.params.policy.unfunded == "wait" else None

    def _release(self, mediator: Mediator, week: float, outcome: str) -> None:
        row = self._open.pop(mediator.unique_id)
        row[7], row[8] = week, outcome
        if mediator.standby:
            mediator.body.standby_free += 1
            mediator.standby = False
        mediator.release()
        self._dispatch(mediator.body, week)

    def run_week(self, week: float, effects: Effects) -> None:
        ctx, p = self.ctx, self.params
        if p.talks_force > 0:
            self.talks[:] = 0.0
        for mediator in self.mediators:
            if mediator.request is None:
                continue
            ctx.pay(mediator.body, p.cost_usd_per_week * ctx.dt * mediator.slot.spec.intensity)
            i, body = mediator.party, mediator.body
            travelling = mediator.status is MediatorStatus.TRAVELLING
            stage = mediator.advance(week, int(ctx.current[i]))
            if stage is Stage.TRAVELLING:
                continue
            if travelling and stage is Stage.ENGAGED:  # arrived: the action on the ground
                ctx.on_ground(mediator.slot, np.array([i]), week)
            if stage is Stage.CRISIS_CLOSED:
                ctx.log.add(week, EventKind.ENGAGEMENT_ENDED, i, body.name, "crisis closed")
                self._release(mediator, week, "crisis closed")
            elif stage is Stage.TIME_UP:
                mediator.fail(p.credibility_loss)
                ctx.log.add(week, EventKind.MEDIATION_FAILED, i, body.name,
                            f"credibility {mediator.credibility:.2f}")
                self._release(mediator, week, "failed")
            elif not self._can_agree(i):
                self.talks[i] = p.talks_force  # preventive talks: no agreement to sign
            elif ctx.rng.random() < self.agreement_probability(mediator):
                effects.settlements.append(self._agreement(mediator, week))
                mediator.succeed(p.credibility_gain)
                self._release(mediator, week, "agreement")

    def _can_agree(self, party: int) -> bool:
        """Whether this week's engagement can end in an agreement: always, unless
        ``counterpart_required`` (then the party and a counterpart are at crisis or
        above); below crisis the envoy holds preventive talks."""
        if self.params.counterpart_required:
            return (self.ctx.state.level[party] >= CRISIS
                    and self.counterparts(party).size > 0)
        return self.params.talks_force == 0 or self.ctx.state.level[party] >= CRISIS

    def cost(self, week: float) -> np.ndarray:
        p = self.params
        cost = self.dividend + self.talks if p.talks_force > 0 else self.dividend
        if p.moral_hazard > 0 and self.in_force.any():
            cost = cost - p.moral_hazard * self._rewarded_nearby()
        return cost

    def _rewarded_nearby(self) -> np.ndarray:
        """Per party without an agreement in force: the mean peace dividend of its
        neighbours (what escalation earned next door); 0 elsewhere."""
        if self._neighbour_mean is None:  # row-normalised pattern of the ties
            nb = self.ctx.neighbours
            degree = np.diff(nb.indptr)
            weights = np.repeat(1.0 / np.maximum(degree, 1), degree)
            self._neighbour_mean = sp.csr_array((weights, nb.indices, nb.indptr),
                                                shape=nb.shape)
        return np.where(self.in_force, 0.0, self._neighbour_mean @ self.dividend)

    def holds(self, body, parties: np.ndarray, week: float) -> np.ndarray:
        """Envoys of ``body`` travelling to or engaged at ``parties``, and its requests."""
        here = {m.party for m in self.mediators if m.body is body and m.request is not None}
        here |= {r.party for r in body.queue}
        return np.array([i in here for i in parties.tolist()], dtype=bool)

    def agreement_probability(self, mediator: Mediator) -> float:
        """This week's chance that ``mediator`` brokers an agreement."""
        p, slot, i = self.params, mediator.slot, mediator.party
        legitimacy = mediator.body.params.legitimacy if mediator.body.members[i] else 1.0
        partners = 1 if slot.rerouted[i] else len(slot.bodies[i])
        leverage = 1.0 + p.partner_leverage * (partners - 1) + self.ctx.envoy_support[i]
        politics = self.ctx.params.politics
        if politics.enabled:  # a divided lead body weakens its envoy (¶16)
            leverage *= 1.0 - politics.unity_leverage * (1.0 - slot.unity_now[i])
        prob = (p.base_rate * mediator.credibility * self.ctx.state.will_of(i) * leverage
                * legitimacy * slot.spec.intensity)
        support = mediator.body.params.mediation_support
        if support:  # a mediation support unit behind the envoy (¶63)
            prob *= 1.0 + support
        if p.entrenchment:  # positions hardened by the fighting
            s = self.ctx.state
            prob *= float(np.exp(-p.entrenchment
                                 * max(s.grievance[i] - s.grievance_base[i], 0.0)))
        return float(min(max(prob, 0.0), 1.0))

    def _agreement(self, mediator: Mediator, week: float) -> Settlement:
        """The party and its neighbours in crisis: a dividend now, a cut (applied by the
        model) of their hostility and grievance."""
        ctx, p, i = self.ctx, self.params, mediator.party
        parties = np.union1d([i], self.counterparts(i))
        self.dividend[parties] += p.dividend * mediator.slot.spec.intensity
        self.agreed[parties] = True
        self.in_force[parties], self.broken[parties] = True, False
        ctx.log.add(week, EventKind.AGREEMENT, i, mediator.body.name,
                    f"{parties.size} parties; envoy {mediator.unique_id}")
        if p.terms_by_will:  # partial terms: each party gives what its will allows
            share = ctx.state.wills(parties) * mediator.credibility
            return Settlement(parties, 1.0 - p.hostility_cut * share,
                              1.0 - p.grievance_cut * share)
        return Settlement(parties, 1.0 - p.hostility_cut, 1.0 - p.grievance_cut)

    def records(self) -> pd.DataFrame:
        """One row per envoy sent: party index, crisis, body, mediator, when requested,
        dispatched, arrived (or due), ended and how (``agreement``, ``failed``, ``crisis
        closed``; empty while still going on)."""
        return pd.DataFrame(self._deployments, columns=[
            "party", "crisis", "body", "mediator", "requested_week", "dispatched_week",
            "arrive_week", "ended_week", "outcome"])
