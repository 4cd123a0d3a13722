"""Confidence intervals against known cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as st

from sim.study import stats


def test_wilson_matches_the_closed_form_and_a_textbook_value():
    # Newcombe (1998), example: 81 of 263 -> 0.2553 to 0.3662 (95%)
    lo, hi = stats.wilson_interval(81, 263)
    assert (lo, hi) == pytest.approx((0.2553, 0.3662), abs=5e-4)
    # extremes stay inside [0, 1] and are not degenerate
    lo, hi = stats.wilson_interval(0, 20)
    assert lo == 0 and 0.1 < hi < 0.2
    assert stats.wilson_interval(20, 20)[1] == 1


def test_wilson_covers_a_bernoulli_proportion_at_its_level():
    """Over 2,000 seeded samples of n = 50 at p = 0.3, 95% intervals cover p in 93-97%
    of samples (Wilson's coverage is close to nominal; tolerance ±2 points)."""
    rng = np.random.default_rng(1)
    k = rng.binomial(50, 0.3, size=2000)
    covered = [lo <= 0.3 <= hi for lo, hi in (stats.wilson_interval(x, 50) for x in k)]
    assert 0.93 <= np.mean(covered) <= 0.97


def test_t_interval_matches_scipy():
    x = np.array([3.1, 2.7, 3.9, 4.4, 2.2, 3.0])
    mean, lo, hi = stats.t_interval(x)
    ref = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
    assert (mean, lo, hi) == pytest.approx((x.mean(), *ref))


def test_bootstrap_interval_is_seeded_and_close_to_t_for_normal_data():
    x = np.random.default_rng(2).normal(10, 2, size=200)
    a = stats.bootstrap_interval(x)
    assert a == stats.bootstrap_interval(x)              # reproducible
    t = stats.t_interval(x)
    assert a[1] == pytest.approx(t[1], abs=0.06) and a[2] == pytest.approx(t[2], abs=0.06)


def test_bootstrap_never_leaves_the_data_range():
    x = np.array([0.0] * 19 + [300.0])   # skewed, non-negative: t goes below 0
    mean, lo, hi = stats.bootstrap_interval(x)
    assert stats.t_interval(x)[1] < 0 <= lo < mean < hi <= 300


def test_summarise_picks_the_interval_by_kind():
    s = stats.summarise([1, 0, 1, 1], proportion=True)
    assert (s["low"], s["high"]) == pytest.approx(stats.wilson_interval(3, 4))
    s = stats.summarise([1.0, 2.0, np.nan], proportion=False)
    assert s["n"] == 2 and s["mean"] == 1.5


def test_bootstrap_ratio_of_paired_means():
    """Analytic: a constant ratio gives that ratio with a zero-width interval; the ratio is
    of the means, not the mean of ratios; a denominator that is not positive gives nan."""
    from sim.study.stats import bootstrap_ratio

    y = np.arange(1.0, 41.0)
    ratio, lo, hi = bootstrap_ratio(3.0 * y, y)
    assert ratio == pytest.approx(3.0) and lo == pytest.approx(3.0) and hi == pytest.approx(3.0)
    ratio, lo, hi = bootstrap_ratio([1.0, 3.0], [1.0, 1.0])
    assert ratio == pytest.approx(2.0)
    assert np.isnan(bootstrap_ratio([1.0, 2.0], [-1.0, 0.5])[0])
    # a denominator near zero: the interval is unbounded, so not given
    rng = np.random.default_rng(0)
    assert np.isnan(bootstrap_ratio(rng.normal(size=50), rng.normal(0.05, 1, 50))[1])
