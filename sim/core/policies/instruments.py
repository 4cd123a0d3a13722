"""The instruments of preventive diplomacy, each a small class with one decision method.

In the style of Axelrod's strategies (STYLE.md): a name, the parameters that define it,
``act`` (what happens when a policy's decisions to use it come due — for all parties
whose decision is due this week at once, as arrays), and its sources. Effects are written
into the response system's per-party arrays, which the model turns into the ``cost`` and
``misperception`` terms of the escalation equation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.core.agents import Body, Mediator
from sim.core.events import EventKind
from sim.core.params import EnvoyParams, FactFindingParams, StatementParams

if TYPE_CHECKING:
    from sim.core.policies.response import ResponseSystem, Slot


class Instrument:
    """Base class: one instrument and its parameters."""

    name: ClassVar[str]

    def __init__(self, params, response: "ResponseSystem"):
        self.params = params
        self.response = response

    def act(self, slot: "Slot", parties: np.ndarray, week: float) -> None:  # pragma: no cover
        """Carry out the decisions of ``slot`` (one instrument of the policy) that are due
        this week for ``parties`` (indices; each has an open crisis)."""
        raise NotImplementedError

    def stage(self, slot: "Slot", parties: np.ndarray, week: float) -> None:
        """A later stage that comes due (e.g. a mission's deployment); none by default."""


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

    def act(self, slot: "Slot", parties: np.ndarray, week: float) -> None:
        r, p, spec = self.response, self.params, slot.spec
        force = (self.base_force(slot)[parties]
                 * p.repeat_discount ** r.unanswered_statements[parties])
        r.attention[parties] += force
        r.unanswered_statements[parties] += 1
        r.spend(p.cost_usd * spec.intensity * float(slot.issuers[parties].sum()))
        r.log_many(week, EventKind.ACTION, parties, slot.actor[parties],
                   ("statement force={:.4f}", force))
        every = spec.repeat_every_weeks
        if every > 0:
            more = (slot.repeat[parties] + 1) * every < spec.duration_weeks
            slot.repeat[parties] += 1
            again = parties[more]
            slot.decisions.set(again, week + every, r.model.warning.current[again])

    def base_force(self, slot: "Slot") -> np.ndarray:
        """Per party, the force of a first statement of ``slot`` (cached on the slot)."""
        if slot.cache.get("base_force") is None:
            p = self.params
            slot.cache["base_force"] = (p.force * slot.spec.intensity * slot.unity
                                        * (1 + p.extra_issuer_gain * (slot.issuers - 1)))
        return slot.cache["base_force"]


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

    def act(self, slot: "Slot", parties: np.ndarray, week: float) -> None:
        r, p = self.response, self.params
        # one draw per request from the interventions stream
        consent = r.rng.random(parties.size) < p.consent_probability
        refused, agreed = parties[~consent], parties[consent]
        r.log_many(week, EventKind.CONSENT_REFUSED, refused, slot.actor[refused],
                   "fact_finding")
        r.log_many(week, EventKind.ACTION, agreed, slot.actor[agreed],
                   "fact_finding consented")
        slot.stages.set(agreed, week + p.deploy_days / 7.0, r.model.warning.current[agreed])

    def stage(self, slot: "Slot", parties: np.ndarray, week: float) -> None:
        r = self.response
        r.mission_until[parties] = np.maximum(r.mission_until[parties],
                                              week + slot.spec.duration_weeks)
        r.mission_intensity[parties] = slot.spec.intensity
        r.unanswered_statements[parties] = 0  # a follow-up
        r.log_many(week, EventKind.DEPLOYMENT, parties, slot.actor[parties],
                   "fact_finding mission")


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

    def act(self, slot: "Slot", parties: np.ndarray, week: float) -> None:
        r = self.response
        r.log_many(week, EventKind.ACTION, parties, slot.actor[parties], "envoy requested")
        touched: dict[Body, None] = {}  # ordered: dispatch (and its events) in a fixed order
        for i, crisis in zip(parties.tolist(), r.model.warning.current[parties].tolist()):
            body = slot.lead[i]
            body.queue.append((i, crisis, slot))
            touched[body] = None
        for body in touched:
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
        m, p, slot = self.response.model, self.params, mediator.slot
        i = mediator.party
        legitimacy = mediator.body.params.legitimacy if mediator.body.members[i] else 1.0
        leverage = 1.0 + p.partner_leverage * (len(slot.bodies[i]) - 1)
        prob = (p.base_rate * mediator.credibility * m.state.will_of(i) * leverage
                * legitimacy * slot.spec.intensity)
        return float(min(max(prob, 0.0), 1.0))


INSTRUMENTS: dict[str, type[Instrument]] = {
    cls.name: cls for cls in (EarlyStatement, FactFinding, EnvoyDeployment)
}
