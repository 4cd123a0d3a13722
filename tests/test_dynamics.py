"""Each mechanism of sim.core.dynamics alone, against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sim.core import dynamics
from sim.core.dynamics import Level

THRESHOLDS = np.array([0.75, 1.0, 1.5, 2.6])


@pytest.mark.parametrize("old,h,expected", [
    (0, 0.10, 0), (0, 0.80, 1), (0, 1.60, 3), (0, 3.00, 4),   # rising: every level reached
    (3, 1.40, 3),   # inside the hysteresis band (1.5 - 0.2 = 1.3): stays at violence
    (3, 1.29, 2),   # below the band: falls to crisis
    (3, 0.50, 0),   # falls through several levels
    (4, 2.45, 4), (4, 2.39, 3),
    (1, 0.60, 1), (1, 0.54, 0),
    (2, 1.45, 2),   # above crisis, below violence: stays
])
def test_levels_with_hysteresis(old, h, expected):
    new = dynamics.update_levels(np.array([h]), np.array([old], np.int8), THRESHOLDS, 0.2)
    assert new.tolist() == [expected] and new.dtype == np.int8


def test_levels_without_hysteresis_are_a_step_function():
    h = np.linspace(0, 4, 401)
    levels = dynamics.update_levels(h, np.full(h.size, 4, np.int8), THRESHOLDS, 0.0)
    assert np.array_equal(levels, np.searchsorted(THRESHOLDS, h, side="right"))


def test_mobilisation_is_half_on_at_threshold_and_saturates():
    m = dynamics.mobilisation(np.array([1.5, 0.0, 10.0]), 0.45, 1.5, 0.15)
    assert m[0] == pytest.approx(0.225)
    assert m[1] < 1e-4 and m[2] == pytest.approx(0.45)
    assert np.all(np.isfinite(dynamics.sigmoid(np.array([-1e6, 1e6]))))


def test_step_functions_take_scalars_and_buffers_alike():
    h = np.array([0.2, 1.5, 3.0])
    expected = 0.45 / (1 + np.exp(-(h - 1.5) / 0.15))
    assert dynamics.mobilisation(h, 0.45, 1.5, 0.15) == pytest.approx(expected)
    assert [dynamics.mobilisation(float(v), 0.45, 1.5, 0.15) for v in h] == pytest.approx(
        expected)
    buffer = np.empty(3)
    out = dynamics.mobilisation(h, 0.45, 1.5, 0.15, out=buffer)
    assert out is buffer and out.tolist() == dynamics.mobilisation(h, 0.45, 1.5, 0.15).tolist()
    assert dynamics.sigmoid(0.0) == 0.5
    assert dynamics.hostility_step(1.0, 0.5, 0.2, 0.1, 0.3, 1.0, 0.0, 8.0) == pytest.approx(
        1.0 + (0.3 * 0.5 - 0.2 * 1.0 + 0.1))


def test_hostility_step_is_the_explicit_richardson_step():
    W = sp.csr_array(np.array([[0, 1.0], [0.5, 0]]))
    h = np.array([1.0, 2.0])
    pressure = W @ h
    out = dynamics.hostility_step(h, pressure, np.array([0.4, 0.4]), np.array([0.1, 0.0]),
                                  0.2, 1.0, np.zeros(2), 1e6)
    expected = h + (0.2 * np.array([2.0, 0.5]) - 0.4 * h + np.array([0.1, 0.0]))
    assert np.allclose(out, expected)


def test_hostility_is_clipped_at_zero_and_cap():
    out = dynamics.hostility_step(np.array([0.1, 5.0]), np.zeros(2), np.zeros(2),
                                  np.array([-1.0, 10.0]), 0.0, 1.0, np.zeros(2), 8.0)
    assert out.tolist() == [0.0, 8.0]


def test_perception_noise_scales_with_row_norm_and_sd():
    W = sp.csr_array(np.array([[0, 0.6, 0.8], [1, 0, 0], [0, 0, 0]]))
    row_norm = np.sqrt(np.asarray(W.multiply(W).sum(axis=1)).ravel())
    assert row_norm.tolist() == pytest.approx([1.0, 1.0, 0.0])
    scale = dynamics.perception_scale(np.array([0.5, 0.0, 0.5]), row_norm)
    out = dynamics.perceived_pressure(W, np.ones(3), scale, np.array([2.0, 2.0, 2.0]))
    assert out.tolist() == pytest.approx([1.4 + 1.0, 1.0, 0.0])


def test_weariness_grows_in_war_and_fades_only_after():
    w = np.array([0.1, 0.1])
    out = dynamics.weariness_step(w, np.array([True, False]), 0.01, 0.05, 1.0)
    assert out.tolist() == pytest.approx([0.11, 0.095])


def test_weariness_rate_per_party():
    out = dynamics.weariness_step(np.zeros(3), np.array([True, True, False]),
                                  np.array([0.01, 0.03, 0.5]), 0.05, 2.0)
    assert out.tolist() == pytest.approx([0.02, 0.06, 0.0])


def test_saturating_weariness_approaches_its_ceiling_geometrically():
    """With a ceiling c, w_{t+1} = w_t + r·dt·(1 − w_t/c): the distance to the ceiling
    shrinks by (1 − r·dt/c) a step, so w_t = c·(1 − (1 − r·dt/c)^t) from 0 — never above c;
    out of violence it fades as without a ceiling."""
    r, c, dt = 0.01, 0.2, 1.0
    w = np.zeros(1)
    for _ in range(300):
        w = dynamics.weariness_step(w, np.array([True]), r, 0.05, dt, ceiling=c)
    assert w[0] == pytest.approx(c * (1 - (1 - r * dt / c) ** 300), rel=1e-12)
    assert w[0] < c
    faded = dynamics.weariness_step(w, np.array([False]), r, 0.05, dt, ceiling=c)
    assert faded[0] == pytest.approx(w[0] * 0.95)


def test_no_ceiling_is_linear_growth_bit_for_bit():
    w = np.array([0.0, 0.3, 1.7])
    at_war = np.ones(3, dtype=bool)
    assert np.array_equal(dynamics.weariness_step(w, at_war, 0.01, 0.05, 1.0, ceiling=None),
                          w + 0.01)


def test_grievance_memory_rises_in_war_relaxes_to_baseline():
    g = dynamics.grievance_step(np.array([0.2, 0.2]), np.array([0.1, 0.1]),
                                np.array([True, False]), 0.004, 0.01, 1.0)
    assert g.tolist() == pytest.approx([0.2 + 0.004 - 0.001, 0.2 - 0.001])


def test_level_enum_values():
    assert [lv.value for lv in Level] == [0, 1, 2, 3, 4]
    assert Level(3).name == "VIOLENCE"
