"""Issue 16's observers, one mechanism at a time (sim.core.warning.EarlyWarning): the
Kalman filter of each observer's reports, the shared picture that fuses them, violence
seen as reported events, coups as news, elections as known threshold moments, and the
risk estimate as an onset probability. Analytic checks where the algebra answers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtr

import sim
from sim.core.model import ConflictModel
from sim.core.params import PREVIOUS_INFORMATION
from sim.core.warning import EarlyWarning, Observer

VIOLENCE, HYSTERESIS = 1.5, 0.2


def system(noises, n=1, threshold=0.95, tracking_sd=0.12, lag=0, events=True, seed=0,
           initial=None):
    """Observers with the given noise sds (one per observer), all watching ``n``
    parties with the same lag."""
    parties = np.arange(n)
    observers = [Observer(f"O{k}", parties, np.full(n, sd), np.full(n, lag, np.int64),
                          threshold) for k, sd in enumerate(noises)]
    start = np.zeros(n) if initial is None else initial
    return EarlyWarning(observers, n, VIOLENCE, HYSTERESIS, 8, 1.0, start,
                        np.random.default_rng(seed), tracking_sd=tracking_sd,
                        violence_events=events)


def steady_variance(q: float, r: float) -> float:
    """The fixed point of ``v = (1 − K)(v + q)``, ``K = (v + q)/(v + q + r)``:
    ``v² + q·v − q·r = 0``."""
    return (-q + np.sqrt(q * q + 4 * q * r)) / 2


@pytest.mark.parametrize("sd", [0.05, 0.25, 1.0])
def test_the_filter_variance_converges_to_the_analytic_fixed_point(sd):
    w = system([sd])
    for t in range(200):
        w.observe(float(t))
        w.push(np.zeros(1))
    assert w._variance[0, 0] == pytest.approx(steady_variance(0.12 ** 2, sd ** 2), rel=1e-9)


def test_the_steady_gain_weighs_the_report_by_the_analytic_share():
    """In steady state the estimate moves by ``K = (v + q)/(v + q + r)`` of the surprise."""
    q, r = 0.12 ** 2, 0.25 ** 2
    v = steady_variance(q, r)
    w = system([0.25], tracking_sd=0.12)
    w.rng = np.random.default_rng(1)
    for t in range(200):
        w.observe(float(t))
        w.push(np.zeros(1))
    before = w._estimate[0, 0]
    w.rng = type("Fixed", (), {"standard_normal": staticmethod(
        lambda out: out.fill(0.0) or out)})()
    w.push(np.ones(1))  # the truth jumps to 1, reported without error
    w.observe(200.0)
    gain = (v + q) / (v + q + r)
    assert w._estimate[0, 0] == pytest.approx(before + gain * (1.0 - before), rel=1e-9)


def test_an_observer_without_error_takes_each_report_as_it_is():
    truth = np.array([0.3, 1.1, 0.0])
    w = system([0.0], n=3)
    w.observe(0.0)
    w.push(truth)
    w.observe(1.0)
    assert np.array_equal(w.seen[0], truth)


def test_filtering_cuts_the_spread_of_what_an_observer_sees():
    """Constant truth 0: the raw reports' sd is σ, the estimate's about √v* (analytic),
    measured over 2,000 parties (tolerance 5%)."""
    n = 2000
    raw, tracked = system([0.25], n=n, tracking_sd=0.0), system([0.25], n=n)
    for t in range(60):
        raw.observe(float(t))
        tracked.observe(float(t))
    assert raw.seen[0].std() == pytest.approx(0.25, rel=0.05)
    # the estimate's error: an AR(1) of the reports' errors with coefficient 1 − K
    q, r = 0.12 ** 2, 0.25 ** 2
    k = (steady_variance(q, r) + q) / (steady_variance(q, r) + q + r)
    expected = 0.25 * np.sqrt(k / (2 - k))
    assert tracked.seen[0].std() == pytest.approx(expected, rel=0.05)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 2.0), min_size=1, max_size=4), st.floats(0.01, 2.0))
def test_another_source_never_blurs_the_shared_picture(noises, extra):
    """Fusion weighs estimates by precision: the shared variance is ``1/Σ 1/v_k``, never
    more than the most precise observer's, and adding an observer never raises it."""
    a, b = system(noises), system([*noises, extra])
    for t in range(30):
        a.observe(float(t))
        b.observe(float(t))
    shared = a._fused_variance[0]
    assert shared == pytest.approx(1.0 / (1.0 / a._variance[:, 0]).sum(), rel=1e-12)
    assert shared <= a._variance[:, 0].min() * (1 + 1e-12)
    assert b._fused_variance[0] <= shared * (1 + 1e-12)


def test_an_older_report_knows_less_of_now():
    """Two observers with the same error, lags 0 and 4 steps: the older estimate's
    variance about now is v + 4q, and the picture weighs them so."""
    parties = np.arange(1)
    observers = [Observer(name, parties, np.full(1, 0.25), np.full(1, lag, np.int64), 0.95)
                 for name, lag in (("fresh", 0), ("stale", 4))]
    w = EarlyWarning(observers, 1, VIOLENCE, HYSTERESIS, 8, 1.0, np.zeros(1),
                     np.random.default_rng(0), tracking_sd=0.12)
    for t in range(100):
        w.observe(float(t))
    q = 0.12 ** 2
    v = w._variance[:, 0]
    assert v[0] == pytest.approx(v[1])
    assert w._fused_variance[0] == pytest.approx(1 / (1 / v[0] + 1 / (v[1] + 4 * q)))


def test_the_shared_picture_is_the_precision_weighted_mean():
    w = system([0.1, 0.4])
    w.observe(0.0)
    weight = 1.0 / w._variance[:, 0]
    assert w._fused[0] == pytest.approx((weight * w._estimate[:, 0]).sum() / weight.sum())


def test_a_crisis_opens_on_the_shared_picture_and_names_the_most_precise_observer():
    truth = np.full(1, 1.0)  # above the threshold 0.95, exactly seen
    w = system([0.3, 0.0], initial=truth)
    opened, _, _ = w.observe(0.0)
    assert opened.tolist() == [0]
    assert w.table.warned_by[0] == 1  # the error-free observer weighs most


def test_violence_is_seen_when_it_is_reported_not_in_noise():
    """Huge noise: no alarm while the (lagged) truth is below violence, an alarm the week
    the report of violence arrives, after the lag."""
    w = system([5.0], n=200, lag=2, initial=np.ones(200))
    w.current[:] = -1
    alarms = []
    for t in range(6):
        _, alarmed, _ = w.observe(float(t))
        alarms.append(alarmed.size)
        w.push(np.full(200, 2.0 if t >= 1 else 1.0))
    # violence from the push after week 1 (the row of week 2), seen two weeks later
    assert alarms[:4] == [0, 0, 0, 0] and alarms[4] > 0
    noisy = system([5.0], n=200, lag=2, events=False, initial=np.ones(200))
    _, alarmed, _ = noisy.observe(0.0)
    assert alarmed.size > 0  # without events, noise crossing the threshold raises alarms


def test_a_coup_makes_the_next_reports_weigh_more():
    w = system([0.25, 0.15], n=3)
    for t in range(50):
        w.observe(float(t))
    before = w._variance.copy()
    w.surprise(np.array([1]), 1.0)
    assert np.allclose(w._variance[:, 1], before[:, 1] + 1.0)
    assert np.array_equal(w._variance[:, [0, 2]], before[:, [0, 2]])


def test_an_election_coming_lowers_the_threshold_by_the_alert():
    truth = np.full(2, 0.8)  # below 0.95, above 0.95 − 0.25
    w = system([0.0], n=2, initial=truth)
    opened, _, _ = w.observe(0.0, alert=np.array([0.25, 0.0]))
    assert opened.tolist() == [0]


def test_the_risk_is_the_onset_probability_of_the_shared_picture():
    w = system([0.2, 0.3], n=4, initial=np.array([0.2, 0.9, 1.3, 1.6]))
    w.observe(0.0)
    q, horizon = 0.12 ** 2, 12
    expected = ndtr((w._fused - VIOLENCE) / np.sqrt(w._fused_variance + q * horizon))
    assert np.allclose(w.risk(horizon), expected)
    assert np.all(np.diff(w.risk(horizon)[np.argsort(w._fused)]) >= 0)


def test_without_observers_nobody_warns_and_the_risk_is_zero():
    w = system([])
    opened, alarmed, _ = w.observe(0.0)
    assert opened.size == alarmed.size == 0 and w.risk(12).tolist() == [0.0]


def test_the_model_tells_its_observers_of_coups():
    params = sim.compose(["scenario=coup_transition", "policy=none", "seed=6"])
    seen, blind = (ConflictModel(dataclasses.replace(params, warning=dataclasses.replace(
        params.warning, coups_seen=on))) for on in (True, False))
    seen.run()
    blind.run()
    assert seen.shocks.coup_party.size > 0
    assert not np.array_equal(seen.warning._variance, blind.warning._variance)


def test_previous_information_restores_raw_reports():
    params = sim.compose(["policy=none"])
    w = params.warning
    assert (w.tracking_sd, w.violence_events, w.coups_seen) == (0.12, True, True)
    old = sim.compose(["policy=none", *(f"{k}={str(v).lower()}" for k, v in
                                        PREVIOUS_INFORMATION.items())])
    model = ConflictModel(old)
    assert model.warning._q == 0 and model.warning._events is None


def test_settled_filters_give_the_numbers_of_recomputing_every_week():
    """The variance recursion is skipped for settled parties (fixed point reached): bit
    for bit the estimates, variances and shared picture of recomputing it every week,
    with coups unsettling some parties and a change of noise others."""
    lazy, eager = system([0.25, 0.15], n=50, seed=3), system([0.25, 0.15], n=50, seed=3)
    for t in range(120):
        if t == 60:
            for w in (lazy, eager):
                w.surprise(np.array([4, 9]), 1.0)
        if t == 80:
            factor = np.ones(50)
            factor[[1, 2]] = 0.5
            for w in (lazy, eager):
                w.set_noise_factor(factor, np.array([1, 2]))
        eager._unsettled = np.arange(50)
        lazy.observe(float(t))
        eager.observe(float(t))
        truth = np.random.default_rng(t).random(50)
        lazy.push(truth)
        eager.push(truth)
        assert np.array_equal(lazy._estimate, eager._estimate)
        assert np.array_equal(lazy._variance, eager._variance)
        assert np.array_equal(lazy._fused, eager._fused)
    assert lazy._unsettled.size == 0  # everything settled again by the end
