"""Policies: the instruments of preventive diplomacy and the response system.

:data:`INSTRUMENTS` is the registry of instrument kinds: a policy's ``kind`` names one of
them, ``params.instruments.<params_group>`` holds its parameters, and the response
system creates one of each per run. Its order is the order in which the instruments'
costs of escalating are summed each week (kept as it was before the registry, so that
every number stayed the same). Adding an instrument: CONTRIBUTING.md.
"""

from sim.core.policies.base import Context, Effects, Instrument, Ledger, Settlement, Slot
from sim.core.policies.electoral import ElectoralAssistance
from sim.core.policies.envoy import EnvoyDeployment
from sim.core.policies.fact_finding import FactFinding
from sim.core.policies.group_of_friends import GroupOfFriends
from sim.core.policies.political_mission import PoliticalMission
from sim.core.policies.response import ResponseSystem
from sim.core.policies.sanctions import Sanctions
from sim.core.policies.statement import EarlyStatement

#: kind -> class, in the order their costs are summed.
INSTRUMENTS: dict[str, type[Instrument]] = {
    cls.name: cls for cls in (EarlyStatement, EnvoyDeployment, FactFinding, Sanctions,
                              GroupOfFriends, ElectoralAssistance, PoliticalMission)}

__all__ = ["INSTRUMENTS", "Context", "EarlyStatement", "Effects", "ElectoralAssistance",
           "EnvoyDeployment", "FactFinding", "GroupOfFriends", "Instrument", "Ledger",
           "PoliticalMission", "ResponseSystem", "Sanctions", "Settlement", "Slot"]
