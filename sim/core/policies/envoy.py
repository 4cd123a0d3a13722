"""Envoys: good offices, mediation, shuttle diplomacy (¶16-¶21, ¶41, ¶53, ¶55-¶58, ¶61)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.agents import Body, Mediator, Request, Stage
from sim.core.dynamics import Level
from sim.core.events import EventKind
from sim.core.params import EnvoyParams
from sim.core.policies.base import Context, Effects, Instrument, Settlement, Slot

CRISIS = int(Level.CRISIS)


class EnvoyDeployment(Instrument):
    """An envoy from the acting body's limited pool (good offices, mediation).

    The request waits in the lead body's queue for a free mediator (:meth:`Body.dispatch`);
    travel takes ``standby_deploy_days`` with a standby team, ``un.office_deploy_days`` in
    a UN regional office's region, else ``deploy_days`` (:meth:`Body.deploy_days`). While
    engaged (:meth:`Mediator.advance`), each week an agreement happens with probability
    ``base_rate × credibility × will to settle × leverage × legitimacy × intensity``
    (capped at 1), where leverage is ``1 + partner_leverage`` when a partner backs the
    envoy. An agreement cuts hostility and grievance of the party and of its neighbours
    in crisis (a :class:`Settlement`), and leaves a peace dividend that erodes (slowly
    with follow-up); the dividend is the envoy's cost of re-escalating.

    State (per party): ``dividend`` (hostility/week), ``agreed`` (had an agreement in this
    run); the mediators of every body's pool; a record of every deployment.

    Sources:
        ¶16-¶21 (good offices, envoys, standby team within 72 hours ¶17), ¶41 (the
        parties' will, partners' leverage), ¶53, ¶55 (sustained engagement), ¶56-¶58
        (infrastructures for peace), ¶61 (credibility hard to win, easy to lose).
    """

    name = "envoy"
    params_group = "envoy"
    params: EnvoyParams

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        n, p = ctx.n, self.params
        self.dividend = np.zeros(n)
        self.agreed = np.zeros(n, dtype=bool)
        half_life = p.follow_up_half_life_weeks if p.follow_up else p.erosion_half_life_weeks
        self._decay = 0.5 ** (ctx.dt / half_life)
        bodies = ([ctx.un] if ctx.un is not None else []) + list(ctx.regional_bodies.values())
        self.mediators: list[Mediator] = [m for b in bodies for m in b.mediators]
        self.cancelled = 0          # requests dropped because their crisis closed
        self._deployments: list[list] = []
        self._open: dict[int, list] = {}  # mediator id -> its row of _deployments

    def begin_week(self, week: float) -> None:
        self.dividend *= self._decay

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        self.log_many(week, EventKind.ACTION, parties, slot.actor[parties], "envoy requested")
        touched: dict[Body, None] = {}  # ordered: dispatch (and its events) in a fixed order
        for i, crisis in zip(parties.tolist(), self.ctx.current[parties].tolist()):
            body = slot.lead[i]
            body.request(Request(i, crisis, slot, week))
            touched[body] = None
        for body in touched:
            self._dispatch(body, week)

    def _dispatch(self, body: Body, week: float) -> None:
        """Send ``body``'s free mediators to its waiting requests."""
        ctx, p = self.ctx, self.params
        sent, dropped = body.dispatch(ctx.current)
        self.cancelled += dropped
        for mediator, request in sent:
            i = request.party
            arrive = week + body.deploy_days(int(ctx.state.region[i]), p) / 7.0
            mediator.send(request, arrive, arrive + request.slot.spec.duration_weeks)
            ctx.follow_up(np.array([i]))
            ctx.ledger.spend(p.cost_usd_per_deployment * request.slot.spec.intensity)
            ctx.log.add(week, EventKind.DEPLOYMENT, i, body.name,
                        f"envoy {mediator.unique_id} arrives week {arrive:g}")
            row = [i, request.crisis, body.name, mediator.unique_id, request.week, week,
                   arrive, np.nan, ""]
            self._deployments.append(row)
            self._open[mediator.unique_id] = row

    def _release(self, mediator: Mediator, week: float, outcome: str) -> None:
        row = self._open.pop(mediator.unique_id)
        row[7], row[8] = week, outcome
        mediator.release()
        self._dispatch(mediator.body, week)

    def run_week(self, week: float, effects: Effects) -> None:
        ctx, p = self.ctx, self.params
        for mediator in self.mediators:
            if mediator.request is None:
                continue
            ctx.ledger.spend(p.cost_usd_per_week * ctx.dt * mediator.slot.spec.intensity)
            i, body = mediator.party, mediator.body
            stage = mediator.advance(week, int(ctx.current[i]))
            if stage is Stage.TRAVELLING:
                continue
            if stage is Stage.CRISIS_CLOSED:
                ctx.log.add(week, EventKind.ENGAGEMENT_ENDED, i, body.name, "crisis closed")
                self._release(mediator, week, "crisis closed")
            elif stage is Stage.TIME_UP:
                mediator.fail(p.credibility_loss)
                ctx.log.add(week, EventKind.MEDIATION_FAILED, i, body.name,
                            f"credibility {mediator.credibility:.2f}")
                self._release(mediator, week, "failed")
            elif ctx.rng.random() < self.agreement_probability(mediator):
                effects.settlements.append(self._agreement(mediator, week))
                mediator.succeed(p.credibility_gain)
                self._release(mediator, week, "agreement")

    def cost(self, week: float) -> np.ndarray:
        return self.dividend

    def agreement_probability(self, mediator: Mediator) -> float:
        """This week's chance that ``mediator`` brokers an agreement."""
        p, slot, i = self.params, mediator.slot, mediator.party
        legitimacy = mediator.body.params.legitimacy if mediator.body.members[i] else 1.0
        leverage = 1.0 + p.partner_leverage * (len(slot.bodies[i]) - 1)
        prob = (p.base_rate * mediator.credibility * self.ctx.state.will_of(i) * leverage
                * legitimacy * slot.spec.intensity)
        return float(min(max(prob, 0.0), 1.0))

    def _agreement(self, mediator: Mediator, week: float) -> Settlement:
        """The party and its neighbours in crisis: a dividend now, a cut (applied by the
        model) of their hostility and grievance."""
        ctx, p, i = self.ctx, self.params, mediator.party
        nb = ctx.neighbours
        neighbours = nb.indices[nb.indptr[i]:nb.indptr[i + 1]]
        parties = np.union1d([i], neighbours[ctx.state.level[neighbours] >= CRISIS])
        self.dividend[parties] += p.dividend * mediator.slot.spec.intensity
        self.agreed[parties] = True
        ctx.log.add(week, EventKind.AGREEMENT, i, mediator.body.name,
                    f"{parties.size} parties; envoy {mediator.unique_id}")
        return Settlement(parties, 1.0 - p.hostility_cut, 1.0 - p.grievance_cut)

    def records(self) -> pd.DataFrame:
        """One row per envoy sent: party index, crisis, body, mediator, when requested,
        dispatched, arrived (or due), ended and how (``agreement``, ``failed``, ``crisis
        closed``; empty while still going on)."""
        return pd.DataFrame(self._deployments, columns=[
            "party", "crisis", "body", "mediator", "requested_week", "dispatched_week",
            "arrive_week", "ended_week", "outcome"])
