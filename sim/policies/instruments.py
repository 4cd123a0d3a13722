"""The instruments of preventive diplomacy, each a small class with one decision method.

In the style of Axelrod's strategies (STYLE.md): a name, the parameters that define it,
``act`` (what happens when a policy's decision to use it comes due), and its sources.
Effects are written into the response system's per-party arrays, which the model turns
into the ``cost`` and ``misperception`` terms of the escalation equation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.agents import Body, Mediator
from sim.events import EventKind
from sim.params import EnvoyParams, FactFindingParams, InstrumentSpec, StatementParams
from sim.warning import Crisis

if TYPE_CHECKING:
    from sim.policies.response import ResponseSystem


class Request:
    """A decision of a policy waiting for its time (or a later stage of one)."""

    __slots__ = ("due_week", "spec", "party", "crisis", "bodies", "stage", "repeat")

    def __init__(self, due_week: float, spec: InstrumentSpec, party: int, crisis: Crisis,
                 bodies: tuple[Body, ...], stage: str = "decide", repeat: int = 0):
        self.due_week = due_week
        self.spec = spec
        self.party = party
        self.crisis = crisis
        self.bodies = bodies          # the lead (or only) body first
        self.stage = stage
        self.repeat = repeat

    def copy(self, due_week: float, **changes) -> "Request":
        """The same request at another time (a repeat, a deployment stage)."""
        new = Request(due_week, self.spec, self.party, self.crisis, self.bodies,
                      self.stage, self.repeat)
        for key, value in changes.items():
            setattr(new, key, value)
        return new

    @property
    def actor(self) -> str:
        return "+".join(b.name for b in self.bodies)


class Instrument:
    """Base class: one instrument and its parameters."""

    name: ClassVar[str]

    def __init__(self, params, response: "ResponseSystem"):
        self.params = params
        self.response = response

    def act(self, request: Request, week: float) -> None:  # pragma: no cover - abstract
        """Carry out ``request`` at ``week``."""
        raise NotImplementedError


class EarlyStatement(Instrument):
    """A public statement of concern: fast, cheap, raises the attention cost of escalating.

    Force = ``force × intensity × mean unity of the issuers × (1 + extra_issuer_gain ×
    (issuers − 1)) × repeat_discount^(earlier statements without follow-up)``. The force is
    added to the party's attention stock, which decays with ``half_life_weeks``.

    Sources:
        ¶47 (a small early step can matter more than a larger one later; sustained
        attention), ¶16 (force depends on the unity of those who speak), ¶66 (statements
        by several actors).
    """

    name = "statement"
    params: StatementParams

    def act(self, request: Request, week: float) -> None:
        r, p, i = self.response, self.params, request.party
        issuers = request.bodies
        unity = sum(b.params.unity for b in issuers) / len(issuers)
        force = (p.force * request.spec.intensity * unity
                 * (1 + p.extra_issuer_gain * (len(issuers) - 1))
                 * p.repeat_discount ** r.unanswered_statements[i])
        r.attention[i] += force
        r.unanswered_statements[i] += 1
        r.spend(p.cost_usd * len(issuers) * request.spec.intensity)
        r.log(week, EventKind.ACTION, i, request.actor, f"statement force={force:.4f}")
        every = request.spec.repeat_every_weeks
        if every > 0 and (request.repeat + 1) * every < request.spec.duration_weeks:
            r.schedule(request, week + every, repeat=request.repeat + 1)


class FactFinding(Instrument):
    """A fact-finding mission: needs consent, deploys after weeks, then for its duration
    lowers misperception between the party and its neighbours, raises the accountability
    cost of violence and sharpens observers' view of the party.

    Sources:
        ¶32 (impartial facts change calculations, defuse tension, build confidence),
        ¶42 (consent and sovereignty), ¶47, ¶66.
    """

    name = "fact_finding"
    params: FactFindingParams

    def act(self, request: Request, week: float) -> None:
        r, p, i = self.response, self.params, request.party
        if request.stage == "decide":
            # one draw per request from the interventions stream
            if r.rng.random() >= p.consent_probability:
                r.log(week, EventKind.CONSENT_REFUSED, i, request.actor, "fact_finding")
                return
            r.log(week, EventKind.ACTION, i, request.actor, "fact_finding consented")
            r.schedule(request, week + p.deploy_days / 7.0, stage="deploy")
        else:
            r.mission_until[i] = max(r.mission_until[i], week + request.spec.duration_weeks)
            r.mission_intensity[i] = request.spec.intensity
            r.unanswered_statements[i] = 0  # a follow-up
            r.log(week, EventKind.DEPLOYMENT, i, request.actor, "fact_finding mission")


class EnvoyDeployment(Instrument):
    """An envoy from the acting body's limited pool (good offices, mediation).

    The request waits for a free mediator; deployment takes ``standby_deploy_days`` with a
    standby team, ``un.office_deploy_days`` in a UN regional office's region, else
    ``deploy_days``. While engaged, each week an agreement happens with probability
    ``base_rate × credibility × will to settle × leverage × legitimacy × intensity``
    (capped at 1), where leverage is ``1 + partner_leverage`` when a partner backs the
    envoy. An agreement cuts hostility and grievance of the parties to it and leaves a
    peace dividend that erodes (slowly with follow-up).

    Sources:
        ¶16-¶21 (good offices, envoys, standby team within 72 hours ¶17), ¶41 (the
        parties' will, partners' leverage), ¶53, ¶55 (sustained engagement), ¶56-¶58
        (infrastructures for peace), ¶61 (credibility hard to win, easy to lose).
    """

    name = "envoy"
    params: EnvoyParams

    def act(self, request: Request, week: float) -> None:
        r, i = self.response, request.party
        body = request.bodies[0]
        r.log(week, EventKind.ACTION, i, request.actor, "envoy requested")
        body.queue.append(request)
        r.dispatch(body, week)

    def deploy_weeks(self, body: Body, party: int) -> float:
        """Travel time of an envoy of ``body`` to ``party``."""
        m = self.response.model
        un = m.params.un
        if body is m.un and int(m.state.region[party]) in un.regional_offices:
            days = un.office_deploy_days
        elif body.params.standby_team:
            days = self.params.standby_deploy_days
        else:
            days = self.params.deploy_days
        return days / 7.0

    def agreement_probability(self, mediator: Mediator) -> float:
        """This week's chance that ``mediator`` brokers an agreement."""
        m, p, req = self.response.model, self.params, mediator.request
        i = mediator.party
        legitimacy = mediator.body.params.legitimacy if mediator.body.members[i] else 1.0
        leverage = 1.0 + p.partner_leverage * (len(req.bodies) - 1)
        prob = (p.base_rate * mediator.credibility * m.state.will_to_settle[i] * leverage
                * legitimacy * req.spec.intensity)
        return float(min(max(prob, 0.0), 1.0))


INSTRUMENTS: dict[str, type[Instrument]] = {
    cls.name: cls for cls in (EarlyStatement, FactFinding, EnvoyDeployment)
}
