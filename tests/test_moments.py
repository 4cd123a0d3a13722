"""Effects that depend on the moment, and downsides (issue 15 items 3-5): each off by
default (the old behaviour, held by tests/test_fingerprint.py), each tested here switched
on, in micro-scenarios with randomness off."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.core import metrics
from sim.core.agents import MediatorStatus
from sim.core.dynamics import mobilisation
from sim.core.model import ConflictModel
from sim.core.params import UNCONSTRAINED, InstrumentSpec
from tests.conftest import micro_params

LINEAR = {**UNCONSTRAINED, "dynamics.feedback": False, "un.reporting_lag_weeks": 0,
          "regional.reporting_lag_weeks": 0, "un.unity": 1.0,
          "un.consensus_days_at_zero_unity": 0.0, "regional.enabled": False}


def party(hostility: float, grievance: float = 0.3) -> dict:
    return {"region": "r", "grievance": grievance, "hostility": hostility, "restraint": 0.4}


HOT = ({"a": party(1.5), "b": party(1.5)}, [("a", "b", 1)])


def world(tmp_path, instruments, nodes_edges=HOT, **dotted) -> ConflictModel:
    p = micro_params(tmp_path, *nodes_edges, horizon_weeks=60,
                     **{**LINEAR, "policy.instruments": instruments, **dotted})
    return ConflictModel(p)


def spec(**kw) -> InstrumentSpec:
    return InstrumentSpec(**{"delay_days": 0.0, **kw})


def mobilised(model, hostility) -> np.ndarray:
    dyn = model.params.dynamics
    return mobilisation(hostility, 1.0, dyn.mobilisation_threshold, dyn.mobilisation_width)


# ------------------------------------------------------------------ the moment
def test_a_statement_weighs_less_once_the_party_is_mobilised(tmp_path):
    """cost = attention × (1 − d·m(h)); at h well below the mobilisation threshold m ≈ 0,
    above it m ≈ 1 (the weight falls by nearly d)."""
    model = world(tmp_path, [spec(kind="statement")],
                  **{"instruments.statement.mobilised_discount": 0.8})
    model.step()
    st = model.response.instrument("statement")
    seen = model.state.hostility.copy()  # the response's week reads the week's start
    model.step()
    weight = 1.0 - 0.8 * mobilised(model, seen)
    assert weight.max() < 1.0
    assert model.state.cost == pytest.approx(st.attention * weight)
    calm, war = (mobilisation(np.array([h]), 1.0, model.params.dynamics.mobilisation_threshold,
                              model.params.dynamics.mobilisation_width)[0] for h in (0.5, 3.0))
    assert calm < 0.05 and war > 0.95


def test_fact_finding_accountability_matters_most_before_mobilisation(tmp_path):
    model = world(tmp_path, [spec(kind="fact_finding")],
                  **{"instruments.fact_finding.mobilised_discount": 0.5,
                     "instruments.fact_finding.consent_probability": 1.0,
                     "instruments.fact_finding.deploy_days": 0.0})
    model.step()
    seen = model.state.hostility.copy()
    model.step()
    ff = model.params.instruments.fact_finding
    expected = ff.accountability * (1.0 - 0.5 * mobilised(model, seen))
    held = model.state.level >= 2
    assert held.all()
    assert model.state.cost == pytest.approx(expected)


def engaged(model):
    envoy = model.response.instrument("envoy")
    return envoy, [m for m in envoy.mediators if m.status is MediatorStatus.ENGAGED]


ENVOY = {"instruments.envoy.base_rate": 0.01, "instruments.envoy.standby_deploy_days": 0.0}


def test_entrenchment_lowers_the_chance_of_agreement_with_the_grievance_violence_added(
        tmp_path):
    model = world(tmp_path, [spec(kind="envoy")],
                  **{**ENVOY, "instruments.envoy.entrenchment": 2.0})
    model.step()
    envoy, (mediator, *_) = engaged(model)
    i = mediator.party
    before = envoy.agreement_probability(mediator)  # no violence yet: nothing added
    model.state.grievance[i] = model.state.grievance_base[i] + 0.25
    assert envoy.agreement_probability(mediator) == pytest.approx(before * math.exp(-0.5))


def test_mediation_support_raises_the_chance_of_agreement_and_costs(tmp_path):
    plain = world(tmp_path, [spec(kind="envoy")], **ENVOY)
    plain.step()
    supported = world(tmp_path, [spec(kind="envoy")],
                      **{**ENVOY, "un.mediation_support": 0.4,
                         "un.mediation_support_usd_per_year": 5.2e6})
    supported.step()
    (envoy_a, (m_a, *_)), (envoy_b, (m_b, *_)) = engaged(plain), engaged(supported)
    assert envoy_b.agreement_probability(m_b) == pytest.approx(
        1.4 * envoy_a.agreement_probability(m_a))
    # the support's running cost: 5.2e6 / 52 a week, on top of the same spending
    assert supported.response.cost_usd - plain.response.cost_usd == pytest.approx(1e5)


# ------------------------------------------------------------------ downsides
REPEAT = [spec(kind="statement", repeat_every_weeks=1.0, duration_weeks=10.0)]


def test_statements_repeated_without_follow_up_erode_the_issuers_credibility(tmp_path):
    """Each repeat without follow-up takes credibility_erosion of the UN's credibility,
    before it is issued: the third statement at each of two parties has the force of a
    first × repeat_discount² × 0.9^(its repeats so far)."""
    model = world(tmp_path, REPEAT, **{"instruments.statement.credibility_erosion": 0.1})
    st = model.response.instrument("statement")
    model.step()
    assert st.credibility["UN"] == 1.0  # first statements: nothing to erode
    model.step()
    model.step()
    assert st.credibility["UN"] == pytest.approx(0.9 ** 4)  # two repeats at each party
    forces = model.events[model.events.detail.str.startswith("statement")].detail
    last = float(forces.iloc[-1].split("=")[1])
    assert last == pytest.approx(0.08 * 0.25 * 0.9 ** 4, abs=5e-5)  # 4 decimals logged


def test_follow_up_restores_part_of_the_lost_credibility(tmp_path):
    model = world(tmp_path, REPEAT, **{"instruments.statement.credibility_erosion": 0.5,
                                       "instruments.statement.credibility_recovery": 0.5})
    st = model.response.instrument("statement")
    model.step()
    model.step()
    lost = st.credibility["UN"]
    assert lost == pytest.approx(0.25)
    model.response.ctx.follow_up(np.array([0]))  # an envoy sent to a
    assert st.credibility["UN"] == pytest.approx(lost + 0.5 * (1 - lost))


def test_an_empty_warning_emboldens(tmp_path):
    """Below embolden_below a statement's force turns negative: it lowers the cost of
    escalating that earlier statements built up."""
    def run(embolden: float):
        model = world(tmp_path, REPEAT, **{"instruments.statement.credibility_erosion": 0.5,
                                           "instruments.statement.embolden_below": embolden})
        for _ in range(3):
            model.step()
        return model
    bold, plain = run(0.5), run(0.0)
    st = bold.response.instrument("statement")
    assert st.credibility["UN"] < 0.5
    forces = bold.events[bold.events.detail.str.startswith("statement")].detail
    assert float(forces.iloc[-1].split("=")[1]) < 0
    assert (bold.state.cost < plain.state.cost).all()


def test_inducements_next_door_lower_the_cost_of_escalating(tmp_path):
    """a and b sign; c, tied to a and calm, sees a's dividend: its cost of escalating is
    −moral_hazard × the mean dividend of its neighbours."""
    nodes = {"a": party(1.5), "b": party(1.2), "c": party(0.1, 0.0)}
    model = world(tmp_path, [spec(kind="envoy")], (nodes, [("a", "b", 1), ("a", "c", 1)]),
                  **{"instruments.envoy.base_rate": 1.0,
                     "instruments.envoy.initial_credibility": 1.0,
                     "instruments.envoy.standby_deploy_days": 0.0,
                     "dynamics.will_to_settle_mean": 1.0,
                     "instruments.envoy.counterpart_required": True,
                     "instruments.envoy.moral_hazard": 0.5})
    model.step()
    envoy = model.response.instrument("envoy")
    assert envoy.in_force.tolist() == [True, True, False]
    model.step()
    dividend = envoy.dividend
    assert model.state.cost[2] == pytest.approx(-0.5 * dividend[0])  # c's one neighbour: a
    assert model.state.cost[:2] == pytest.approx(dividend[:2])
    assert metrics.outcomes(model)["agreements"] >= 1
