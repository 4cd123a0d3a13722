"""Mesa agents. Parties are thin views on the model's arrays (DESIGN.md §1.5).

The escalation update is one vectorised step over all parties (``sim.dynamics``); a
``Party`` agent holds only its index, and its attributes read and write the model's
arrays, so Mesa's API (``model.agents``, ``AgentSet``, DataCollector, SolaraViz) still
sees one agent per party.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.dynamics import Level

if TYPE_CHECKING:
    from sim.model import ConflictModel


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
    will_to_settle = _array_view("will_to_settle", "Will to settle, 0-1.")
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
