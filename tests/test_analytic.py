"""The linear limit: with feedback, noise, shocks and policy off, the model is exactly the
network Richardson map. It converges to (diag(a) − k·W)⁻¹·g when k·ρ(W) < a and runs
away when k·ρ(W) > a — checked on networks hypothesis draws, not ones we picked."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import ConflictModel
from sim.core.dynamics import linear_equilibrium
from sim.core.network import FAMILIES, spectral_radius
from tests.conftest import linear_params

networks = st.fixed_dictionaries({
    "network.kind": st.sampled_from(list(FAMILIES)),
    "network.n_parties": st.integers(8, 60),
    "network.normalise": st.sampled_from(["row", "spectral", "none"]),
    "seed": st.integers(0, 2**31 - 1),
})


def build(net: dict, restraint: float, ratio: float, **extra) -> ConflictModel:
    """A linear model whose k is ``ratio · a / ρ(W)``."""
    probe = ConflictModel(linear_params(**net, **{"network.n_regions": 2}))
    rho = spectral_radius(probe.adjacency)
    k = ratio * restraint / rho if rho > 0 else 0.0
    return ConflictModel(linear_params(**net, **{
        "network.n_regions": 2, "dynamics.reaction": k, "dynamics.restraint_mean": restraint,
        "dynamics.restraint_sd": 0.0}, **extra))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=networks, ratio=st.floats(0.05, 0.8), restraint=st.floats(0.2, 0.6))
def test_converges_to_equilibrium_when_stable(net, ratio, restraint):
    model = build(net, restraint, ratio, horizon_weeks=1)
    s = model.state
    target = linear_equilibrium(model.adjacency, s.restraint, s.grievance,
                                model.params.dynamics.reaction)
    # the slowest mode contracts by 1 − (a − kρ) per week
    weeks = int(np.ceil(np.log(1e-9) / np.log(1 - restraint * (1 - ratio)))) + 10
    for _ in range(weeks):
        model.step()
    assert np.allclose(s.hostility, target, rtol=1e-6, atol=1e-8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=networks, ratio=st.floats(1.2, 2.0), restraint=st.floats(0.2, 0.6))
def test_runs_away_when_unstable(net, ratio, restraint):
    """Above the threshold the Perron mode grows by exactly 1 + dt·(kρ − a) per week.

    With u the left Perron vector of W (uᵀW = ρuᵀ), the linear map gives
    uᵀh' = (1 + dt·(kρ − a))·uᵀh + dt·uᵀg at every step, with no transient.
    """
    model = build(net, restraint, ratio, **{"dynamics.grievance_mean": 0.1,
                                           "dynamics.grievance_cv": 0.0})
    W = model.adjacency.toarray()
    values, vectors = np.linalg.eig(W.T)
    top = np.argmax(values.real)
    u = np.abs(vectors[:, top].real)
    k, dt, s = model.params.dynamics.reaction, model.dt, model.state
    growth = 1 + dt * (k * values[top].real - restraint)
    assert growth == pytest.approx(1 + restraint * (ratio - 1))
    start = u @ s.hostility
    for _ in range(25):
        before = u @ s.hostility
        model.step()
        assert u @ s.hostility == pytest.approx(growth * before + dt * (u @ s.grievance),
                                                rel=1e-9)
    assert growth > 1 and u @ s.hostility >= growth**25 * start  # so it runs away


def test_linear_model_is_deterministic_whatever_the_seed_of_noise():
    """Noise off means no noise of any kind: two runs differing only in the noise
    streams' seeds give identical trajectories given the same initial world."""
    a = ConflictModel(linear_params(seed=1)).run()
    b = ConflictModel(linear_params(seed=1))
    b.streams["dynamics"].standard_normal(12345)     # the noise streams move on
    b.streams["perception"].standard_normal(6789)
    b.run()
    assert np.array_equal(a.hostility_history, b.hostility_history)


def test_one_step_matches_the_formula_exactly():
    model = ConflictModel(linear_params(seed=7))
    s, k, dt = model.state, model.params.dynamics.reaction, model.dt
    h0 = s.hostility.copy()
    model.step()
    expected = np.maximum(0, h0 + dt * (k * (model.adjacency @ h0) - s.restraint * h0
                                        + s.grievance))
    assert np.array_equal(s.hostility, expected)


@pytest.mark.parametrize("step_days", [1.0, 3.5])
def test_shorter_steps_reach_the_same_equilibrium(step_days):
    model = ConflictModel(linear_params(seed=2, step_days=step_days, horizon_weeks=200))
    model.run()
    s = model.state
    target = linear_equilibrium(model.adjacency, s.restraint, s.grievance,
                                model.params.dynamics.reaction)
    assert np.allclose(s.hostility, target, rtol=1e-6)
    assert model.week == pytest.approx(200)
