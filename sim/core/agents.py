"""Mesa agents. Parties are thin views on the model's arrays (DESIGN.md §1.5).

The escalation update is one vectorised step over all parties (``sim.core.dynamics``); a
``Party`` agent holds only its index, and its attributes read and write the model's
arrays, so Mesa's API (``model.agents``, ``AgentSet``, DataCollector, SolaraViz) still
sees one agent per party.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections import deque

import mesa

from sim.core.dynamics import Level

if TYPE_CHECKING:
    from sim.core.model import ConflictModel


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
    past_war = _array_view("past_war", "Had a war in the 30 years before week 0 (conflict history).", bool)
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
        params: its :class:`~sim.core.params.BodyParams`.
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
        self.queue: deque = deque()  # (party, crisis id, slot) waiting for an envoy

    @property
    def consensus_weeks(self) -> float:
        """Time to agree to act: ``(1 − unity) × consensus_days_at_zero_unity``."""
        return (1.0 - self.params.unity) * self.params.consensus_days_at_zero_unity / 7.0

    def free_mediator(self) -> "Mediator | None":
        """The first idle mediator of the pool, if any."""
        return next((m for m in self.mediators if m.status == Mediator.IDLE), None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, members={int(self.members.sum())})"


class InternationalBody(Body):
    """The UN: Security Council (unity), the Secretary-General's good offices (envoys),
    regional offices (``params.regional_offices``). Observes and serves every party."""


class RegionalBody(Body):
    """A regional or sub-regional organisation (AU, ECOWAS-like) of one region."""

    def __init__(self, model: "ConflictModel", name: str, params, members, region: int):
        super().__init__(model, name, params, members)
        self.region = region


class Mediator(mesa.Agent):
    """An envoy of a body's pool: idle, travelling to a crisis, or engaged in it.

    Credibility is "hard to win and easy to lose" (¶61): it rises with each agreement and
    falls with each engagement that ends without one, and it carries over to the next
    crisis.
    """

    IDLE, TRAVELLING, ENGAGED = "idle", "travelling", "engaged"

    def __init__(self, model: "ConflictModel", body: Body, credibility: float):
        super().__init__(model)
        self.body = body
        self.credibility = credibility
        self.status = Mediator.IDLE
        self.party: int | None = None
        self.crisis_id = -1          # the crisis it serves (engagement ends if it closes)
        self.slot = None             # the policy's instrument slot that sent it
        self.arrive_week = float("nan")
        self.until_week = float("nan")

    def __repr__(self) -> str:
        return (f"Mediator({self.body.name}#{self.unique_id}, {self.status}, "
                f"credibility={self.credibility:.2f})")
