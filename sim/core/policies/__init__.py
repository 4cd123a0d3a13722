"""Policies: the instruments of preventive diplomacy and the response system."""

from sim.core.policies.instruments import (INSTRUMENTS, EarlyStatement, EnvoyDeployment,
                                      FactFinding, Instrument)
from sim.core.policies.response import ResponseSystem, Slot

__all__ = ["INSTRUMENTS", "EarlyStatement", "EnvoyDeployment", "FactFinding", "Instrument",
           "ResponseSystem", "Slot"]
