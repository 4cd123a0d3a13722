"""Policies: the instruments of preventive diplomacy and the response system."""

from sim.policies.instruments import (INSTRUMENTS, EarlyStatement, EnvoyDeployment,
                                      FactFinding, Instrument, Request)
from sim.policies.response import ResponseSystem

__all__ = ["INSTRUMENTS", "EarlyStatement", "EnvoyDeployment", "FactFinding", "Instrument",
           "Request", "ResponseSystem"]
