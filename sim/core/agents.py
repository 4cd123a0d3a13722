"""Mesa agents. Parties are thin views on the model's arrays (DESIGN.md §1.5); bodies
and mediators, few, carry their own behaviour.

* :class:`Party`: the escalation update is one vectorised step over all parties
  (``sim.core.dynamics``); a party agent holds only its index, and its attributes read
  and write the model's arrays, so Mesa's API (``model.agents``, ``AgentSet``,
  DataCollector, SolaraViz) still sees one agent per party.
* :class:`Body` (the UN, regional bodies): its :class:`Agenda` of situations (limited
  attention), its consensus time, its rapid-response :class:`Fund`, its pools (envoys,
  fact-finding teams, the standby team), its envoys' travel time, its queue of envoy
  requests and :meth:`Body.dispatch` of free mediators to them.
* :class:`Mediator`: an envoy's cycle (:class:`MediatorStatus`), a week of it
  (:meth:`Mediator.advance`) and its credibility.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim.core.dynamics import Level

if TYPE_CHECKING:
    from sim.core.model import ConflictModel

_EPS = 1e-9  # weeks: a due time within this of the week is due


def _array_view(name: str, doc: str, cast=float) -> property:
    def fget(self: "Party"):
        return cast(getattr(self.model.state, name)[self.index])

    def fset(self: "Party", value) -> None:
        getattr(self.model.state, name)[self.index] = value

    return property(fget, fset, doc=doc)


class Party(mesa.Agent):
    """A conflict party (a government, an opposition, an armed group): one network node.

    Attributes are views on ``model.state`` at ``index``; setting one writes the array.
    """

    model: "ConflictModel"

    def __init__(self, model: "ConflictModel", index: int):
        super().__init__(model)
        self.index = index

    @property
    def party_id(self):
        """The party's node id in ``model.network``."""
        return self.model.party_ids[self.index]

    hostility = _array_view("hostility", "Hostility index h ≥ 0.")
    grievance = _array_view("grievance", "Grievance g (drive towards hostility).")
    restraint = _array_view("restraint", "Restraint a (relaxation rate per week).")

    @property
    def will_to_settle(self) -> float:
        """Will to settle, 0-1 (derived from ``will_base`` and weariness; read only)."""
        return self.model.state.will_of(self.index)

    weariness = _array_view("weariness", "Accumulated war weariness.")
    weariness_rate = _array_view("weariness_rate", "War weariness added per week at "
                                 "violence (dynamics.weariness_rate, spread by "
                                 "weariness_cv).")
    war_economy = _array_view("war_economy", "Hostility drive a war economy adds while "
                              "the party is at violence (0: none; ¶50).")
    past_war = _array_view("past_war", "Had a war in the 30 years before week 0 (conflict "
                           "history).", bool)
    region = _array_view("region", "Region code (regional body membership).", int)

    @property
    def level(self) -> Level:
        """Escalation level, 0 stable … 4 armed conflict."""
        return Level(int(self.model.state.level[self.index]))

    def __repr__(self) -> str:
        return (f"Party({self.party_id!r}, level={self.level.name}, "
                f"hostility={self.hostility:.3f})")


class Body(mesa.Agent):
    """An acting and observing body: the UN or a regional organisation.

    Attributes:
        name: e.g. ``"UN"`` or ``"RB1"``.
        params: its :class:`~sim.params.BodyParams`.
        members: bool per party: the parties it serves (all, for the UN).
        mediators: its pool of :class:`Mediator` agents.
        queue: envoy requests waiting for a free mediator (first come, first served).
    """

    def __init__(self, model: "ConflictModel", name: str, params, members):
        super().__init__(model)
        self.name = name
        self.params = params
        self.members = members
        self.mediators: list[Mediator] = []
        self.queue: deque[Request] = deque()
        self.agenda = Agenda(members.size, params.attention_capacity)
        self.fund = Fund(params.rapid_response_usd_per_year)
        self.teams_free = params.fact_finding_teams   # fact-finding teams not in the field
        self.standby_free = params.standby_capacity   # standby deployments not in use

    def consensus_weeks_at(self, unity: float) -> float:
        """Time to agree to act at ``unity``: ``(1 − unity) × consensus_days_at_zero_unity``."""
        return (1.0 - unity) * self.params.consensus_days_at_zero_unity / 7.0

    @property
    def consensus_weeks(self) -> float:
        """Time to agree to act: ``(1 − unity) × consensus_days_at_zero_unity``."""
        return (1.0 - self.params.unity) * self.params.consensus_days_at_zero_unity / 7.0

    def free_mediator(self) -> "Mediator | None":
        """The first idle mediator of the pool, if any."""
        return next((m for m in self.mediators if m.status is MediatorStatus.IDLE), None)

    def deploy_days(self, region: int, envoy, standby: bool = True) -> float:
        """Days an envoy of this body needs to reach a party of ``region`` (``envoy``:
        the :class:`~sim.params.EnvoyParams`): a standby team is faster, if one of its
        deployments is free (``standby``)."""
        if self.params.standby_team and standby:
            return envoy.standby_deploy_days
        return envoy.deploy_days

    def request(self, request: "Request") -> None:
        """Queue a request for an envoy."""
        self.queue.append(request)

    def dispatch(self, current: np.ndarray, fundable=None
                 ) -> tuple[list[tuple["Mediator", "Request"]], int, int]:
        """Match free mediators to waiting requests, first come first served.

        Requests whose crisis closed while they waited (``current``: each party's open
        crisis id) are dropped. ``fundable(request)`` says whether the fund can pay it:
        True (send), False (wait: the queue stops here) or None (drop it). Returns the
        (mediator, request) pairs to send, each mediator marked busy, how many requests
        were dropped because their crisis closed, and how many for want of money."""
        sent, dropped, unfunded, mediator = [], 0, 0, None
        while self.queue:
            if mediator is None:  # looked up once per send, not per stale request
                mediator = self.free_mediator()
                if mediator is None:
                    break
            request = self.queue[0]
            if current[request.party] != request.crisis:
                self.queue.popleft()
                dropped += 1
                continue
            paid = True if fundable is None else fundable(request)
            if paid is False:
                break
            self.queue.popleft()
            if paid is None:
                unfunded += 1
                continue
            mediator.status = MediatorStatus.TRAVELLING
            sent.append((mediator, request))
            mediator = None
        return sent, dropped, unfunded

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, members={int(self.members.sum())})"


class InternationalBody(Body):
    """The UN: Security Council (unity), the Secretary-General's good offices (envoys),
    regional offices (``params.regional_offices``). Observes and serves every party."""

    def deploy_days(self, region: int, envoy, standby: bool = True) -> float:
        """A regional office in the party's region is nearest of all (¶22-¶25)."""
        if region in self.params.regional_offices:
            return self.params.office_deploy_days
        return super().deploy_days(region, envoy, standby)


class RegionalBody(Body):
    """A regional or sub-regional organisation (AU, ECOWAS-like) of one region."""

    def __init__(self, model: "ConflictModel", name: str, params, members, region: int):
        super().__init__(model, name, params, members)
        self.region = region


class Agenda:
    """The situations a body handles: per party, none, waiting or active (for which
    crisis, since when), and how many are active against its attention capacity.

    A situation waits while the body is at capacity; each week the most severe waiting
    ones, as the body perceives them, take the places that freed. It leaves the agenda
    when its crisis closes, or when the body has done what its policy says for it and
    others wait (:meth:`drop`)."""

    NONE, WAITING, ACTIVE = 0, 1, 2

    def __init__(self, n: int, capacity: int):
        self.state = np.zeros(n, dtype=np.int8)
        self.crisis = np.full(n, -1, dtype=np.int64)
        self.since = np.full(n, np.nan)
        self.capacity = capacity
        self.active = 0
        self.waiting = 0

    def free(self) -> int:
        return self.capacity - self.active

    def enter(self, parties: np.ndarray, crises: np.ndarray, week: float) -> np.ndarray:
        """Put new situations on the agenda; returns those admitted at once (there is
        room), in the order given. The others wait."""
        new = parties[self.state[parties] == Agenda.NONE]
        if not new.size:
            return new
        self.crisis[new] = crises[self.state[parties] == Agenda.NONE]
        self.since[new] = week
        room = max(0, min(self.free(), new.size)) if self.waiting == 0 else 0
        admitted, waiting = new[:room], new[room:]
        self.state[admitted] = Agenda.ACTIVE
        self.active += admitted.size
        self.state[waiting] = Agenda.WAITING
        self.waiting += waiting.size
        return admitted

    def admit(self, severity) -> np.ndarray:
        """Admit the most severe waiting situations into the free places;
        ``severity(parties)`` is what the body sees of them."""
        room = self.free()
        if room <= 0 or not self.waiting:
            return np.empty(0, dtype=np.int64)
        waiting = (self.state == Agenda.WAITING).nonzero()[0]
        if waiting.size > room:  # most severe first; ties by party order
            order = np.lexsort((waiting, -np.asarray(severity(waiting))))
            waiting = np.sort(waiting[order[:room]])
        self.state[waiting] = Agenda.ACTIVE
        self.active += waiting.size
        self.waiting -= waiting.size
        return waiting

    def leave(self, parties: np.ndarray) -> None:
        """Situations end (their crisis closed, or dropped)."""
        state = self.state[parties]
        if not state.any():
            return
        self.active -= int((state == Agenda.ACTIVE).sum())
        self.waiting -= int((state == Agenda.WAITING).sum())
        self.state[parties] = Agenda.NONE
        self.crisis[parties] = -1

    def drop(self, parties: np.ndarray) -> None:
        """The body has done what its policy says for these active situations."""
        self.leave(parties[self.state[parties] == Agenda.ACTIVE])


class Fund:
    """A body's rapid-response fund: ``annual`` USD at the start of each year (unspent
    money lapses); spending beyond the balance is allowed for running costs, a new start
    needs the balance to cover its first cost (:meth:`covers`)."""

    def __init__(self, annual: float):
        self.annual = annual
        self.balance = annual
        self.year = 0

    def renew(self, week: float) -> None:
        year = int(week // 52)
        if year > self.year:
            self.year, self.balance = year, self.annual

    def covers(self, usd: float) -> bool:
        return self.balance >= usd

    def pay(self, usd: float) -> None:
        self.balance -= usd


class MediatorStatus(StrEnum):
    """Where an envoy is in its cycle."""

    IDLE = "idle"
    TRAVELLING = "travelling"
    ENGAGED = "engaged"


class Stage(StrEnum):
    """What an envoy's week was (:meth:`Mediator.advance`)."""

    TRAVELLING = "travelling"        # still on its way
    ENGAGED = "engaged"              # engaged: an agreement may be reached this week
    CRISIS_CLOSED = "crisis_closed"  # the crisis it serves closed: engagement ends
    TIME_UP = "time_up"              # its engagement ran its time without agreement


@dataclass
class Request:
    """A policy's request for an envoy: for which party and crisis, by which slot."""

    party: int
    crisis: int
    slot: Any                        # the policy's instrument slot that asked
    week: float                      # when it was asked for


class Mediator(mesa.Agent):
    """An envoy of a body's pool: idle, travelling to a crisis, or engaged in it.

    Credibility is "hard to win and easy to lose" (¶61): it rises with each agreement and
    falls with each engagement that ends without one, and it carries over to the next
    crisis.
    """

    def __init__(self, model: "ConflictModel", body: Body, credibility: float):
        super().__init__(model)
        self.body = body
        self.credibility = credibility
        self.status = MediatorStatus.IDLE
        self.request: Request | None = None
        self.arrive_week = float("nan")
        self.until_week = float("nan")
        self.standby = False  # travelling with (and holding a place of) the standby team

    @property
    def party(self) -> int | None:
        """The party it serves (None when idle)."""
        return self.request.party if self.request is not None else None

    @property
    def crisis_id(self) -> int:
        """The crisis it serves (-1 when idle); its engagement ends if it closes."""
        return self.request.crisis if self.request is not None else -1

    @property
    def slot(self):
        return self.request.slot if self.request is not None else None

    def send(self, request: Request, arrive_week: float, until_week: float) -> None:
        """On its way to ``request``'s party, to arrive and then stay engaged until."""
        self.status = MediatorStatus.TRAVELLING
        self.request = request
        self.arrive_week, self.until_week = arrive_week, until_week

    def advance(self, week: float, crisis_now: int) -> Stage:
        """This week of its engagement, given the crisis now open at its party."""
        if self.status is MediatorStatus.TRAVELLING:
            if week + _EPS < self.arrive_week:
                return Stage.TRAVELLING
            self.status = MediatorStatus.ENGAGED
        if crisis_now != self.crisis_id:
            return Stage.CRISIS_CLOSED
        if week + _EPS >= self.until_week:
            return Stage.TIME_UP
        return Stage.ENGAGED

    def succeed(self, gain: float) -> None:
        """An agreement: credibility rises (capped at 1)."""
        self.credibility = min(1.0, self.credibility + gain)

    def fail(self, loss: float) -> None:
        """An engagement without agreement: credibility falls (floored at 0)."""
        self.credibility = max(0.0, self.credibility - loss)

    def release(self) -> None:
        """Back in its body's pool."""
        self.status = MediatorStatus.IDLE
        self.request = None

    def __repr__(self) -> str:
        return (f"Mediator({self.body.name}#{self.unique_id}, {self.status.value}, "
                f"credibility={self.credibility:.2f})")
