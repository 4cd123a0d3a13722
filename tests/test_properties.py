"""Invariants on random small networks and parameters (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import ConflictModel
from sim.core import metrics
from sim.core.network import FAMILIES
from tests.conftest import make_params

param_space = st.fixed_dictionaries({
    "seed": st.integers(0, 2**32),
    "horizon_weeks": st.integers(1, 60),
    "network.kind": st.sampled_from(list(FAMILIES)),
    "network.n_parties": st.integers(5, 40),
    "network.n_regions": st.integers(1, 4),
    "network.normalise": st.sampled_from(["row", "spectral", "none"]),
    "dynamics.reaction": st.floats(0, 3),
    "dynamics.restraint_mean": st.floats(0.01, 1.0),
    "dynamics.noise_sd": st.floats(0, 1),
    "dynamics.misperception": st.floats(0, 3),
    "dynamics.grievance_mean": st.floats(0, 1),
    "dynamics.feedback": st.booleans(),
    "shocks.enabled": st.booleans(),
    "shocks.coup_rate_per_year": st.floats(0, 5),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(over=param_space)
def test_invariants(over):
    model = ConflictModel(make_params(**over))
    n = len(model.party_ids)
    for _ in range(model.n_steps):
        model.step()
        s = model.state
        assert np.all(np.isfinite(s.hostility)) and np.all(s.hostility >= 0)
        assert s.hostility.max() <= model.params.dynamics.hostility_cap
        assert s.level.min() >= 0 and s.level.max() <= 4
        assert np.all((s.will_to_settle >= 0) & (s.will_to_settle <= 1))
        for arr in (s.hostility, s.grievance, s.restraint, s.level, s.region):
            assert arr.shape == (n,)
    out = metrics.outcomes(model)
    assert 0 <= out["parties_in_violence"] <= n
    assert out["violence_party_weeks"] <= n * model.week
    assert out["armed_conflict"] in (0, 1)


@settings(max_examples=30, deadline=None)
@given(h=st.lists(st.floats(0, 5), min_size=1, max_size=30),
       old=st.integers(0, 4), hyst=st.floats(0, 0.7))
def test_levels_move_consistently(h, old, hyst):
    """A level never rises past what hostility reaches, nor falls below it."""
    from sim.core.dynamics import update_levels

    th = np.array([0.75, 1.0, 1.5, 2.6])
    h = np.array(h)
    new = update_levels(h, np.full(h.size, old, np.int8), th, hyst)
    up = np.searchsorted(th, h, side="right")
    assert np.all(new >= up) and np.all(new <= np.maximum(old, up))


@settings(max_examples=60, deadline=None)
@given(h=st.lists(st.one_of(st.floats(0, 5), st.sampled_from([0.75, 1.0, 1.5, 2.6, 0.55,
                                                               0.8, 1.3, 2.4])),
                  min_size=1, max_size=40),
       old=st.lists(st.integers(0, 4), min_size=40, max_size=40),
       hyst=st.sampled_from([0.0, 0.2, 0.1, 0.7]))
def test_both_ways_of_counting_thresholds_agree(h, old, hyst):
    """Small networks count thresholds with searchsorted, large ones with comparisons
    (sim.core.dynamics.LEVELS_BY_SEARCH_BELOW): the levels are the same, thresholds included."""
    from sim.core import dynamics

    th = np.array([0.75, 1.0, 1.5, 2.6])
    h, old = np.array(h), np.array(old[:len(h)], np.int8)
    small = dynamics.update_levels(h, old, th, hyst)       # by search
    copies = dynamics.LEVELS_BY_SEARCH_BELOW // len(h) + 1  # the same parties, many times
    large = dynamics.update_levels(np.tile(h, copies), np.tile(old, copies), th, hyst)
    assert small.dtype == large.dtype == np.int8
    np.testing.assert_array_equal(large.reshape(copies, len(h)), np.tile(small, (copies, 1)))
