"""Many worlds (sim.views.worlds): paired comparisons, the typical world, the curve."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.views import worlds
from sim.views.dashboard import settings_params

ENVOY = {"policy": "envoy", "seed": 5, "horizon_weeks": 52}


@pytest.fixture(scope="module")
def delays():
    return worlds.compare_worlds(ENVOY, "delay", 7, 90, n_worlds=6)


def test_both_settings_run_on_the_same_seeded_worlds(delays):
    assert delays.seeds.tolist() == [5, 6, 7, 8, 9, 10]  # from the sidebar's seed
    a, b = delays.params
    assert a.policy.response_delay_days == 7 and b.policy.response_delay_days == 90
    # each world's outcomes are those of a plain run of that seed
    again = worlds.run_world(b, 8)
    for key, values in delays.b.items():
        x = again[key]
        assert (math.isnan(x) and math.isnan(values[3])) or values[3] == x, key
    # the first warning comes before any response: the same in A and B, world by world
    assert np.array_equal(delays.a["first_warning_week"], delays.b["first_warning_week"],
                          equal_nan=True)


def test_the_same_setting_twice_differs_by_nothing():
    same = worlds.compare_worlds(ENVOY, "delay", 30, 30, n_worlds=4)
    for key in ("violence_party_weeks", "total_cost_usd"):
        assert same.difference(key) == (0.0, 0.0, 0.0)
    assert "not distinguishable" in same.verdict()


def test_the_difference_is_the_paired_mean_with_a_bootstrap_interval(delays):
    d = delays.b["violence_party_weeks"] - delays.a["violence_party_weeks"]
    mean, lo, hi = delays.difference("violence_party_weeks")
    assert mean == pytest.approx(d.mean())
    assert d.min() <= lo <= mean <= hi <= d.max()


def test_the_typical_world_is_the_one_closest_to_the_mean_difference(delays):
    d = delays.b["violence_party_weeks"] - delays.a["violence_party_weeks"]
    i = delays.typical_index()
    assert abs(d[i] - d.mean()) == np.min(np.abs(d - d.mean()))
    assert delays.typical_seed == delays.seeds[i]
    assert f"seed {delays.typical_seed}" in delays.typical_text()
    a, b = worlds.world_runs(delays)
    assert a.params.seed == b.params.seed == delays.typical_seed
    assert b.params.policy.response_delay_days == 90
    assert float(np.sum(a.level_history[1:] >= 3)) == delays.a["violence_party_weeks"][i]


def test_the_headline_names_the_worlds_the_difference_and_its_interval(delays):
    text = delays.headline()
    mean, lo, hi = delays.difference("violence_party_weeks")
    assert text.startswith("Acting after 90 days instead of 7: ")
    assert "over 6 worlds (seeds 5–10)" in text
    assert f"[{worlds._number(lo)}, {worlds._number(hi)}]" in text
    assert "total cost" in text and "armed conflict in" in text
    rows = delays.table_rows()
    assert len(rows) == len(worlds.SHOWN) and all(len(r) == 5 for r in rows)


def test_each_mode_changes_one_thing():
    base = {"policy": "graduated", "seed": 1}
    lead, _ = worlds.setting_change(base, "lead", "regional_lead")
    params = settings_params(lead)
    assert {s.actor for s in params.policy.instruments} == {"regional_lead"}
    assert len(params.policy.instruments) == 3
    lever, _ = worlds.setting_change(base, "lever", "more_envoys")
    assert settings_params(lever).un.mediators == 6
    policy, _ = worlds.setting_change(base, "policy", "none")
    assert settings_params(policy).policy.name == "none"
    with pytest.raises(ValueError, match="mode must be one of"):
        worlds.setting_change(base, "weather", 1)
    with pytest.raises(ValueError, match="lead must be one of"):
        worlds.setting_change(base, "lead", "nobody")
    with pytest.raises(ValueError, match="n_worlds must be at least 1"):
        worlds.compare_worlds(base, "policy", "none", "envoy", n_worlds=0)


def test_the_curve_runs_each_delay_and_no_response_on_the_same_worlds(delays):
    curve = worlds.delay_curve(ENVOY, delays=(90, 7), n_worlds=6)
    assert curve.delays == (7.0, 90.0)  # sorted
    assert curve.seeds.tolist() == delays.seeds.tolist()
    for key in ("violence_party_weeks", "total_cost_usd"):
        assert np.array_equal(curve.values[7.0][key], delays.a[key])
        assert np.array_equal(curve.values[90.0][key], delays.b[key])
    assert curve.trend("violence_party_weeks") == delays.difference("violence_party_weeks")
    none = worlds.compare_worlds(ENVOY, "policy", "none", "envoy", n_worlds=6)
    assert np.array_equal(curve.reference["violence_party_weeks"],
                          none.a["violence_party_weeks"])
    text = curve.trend_text()
    assert text.startswith("Policy envoy, acting after 90 days instead of 7, over 6 worlds")
    assert "risk of armed conflict" in text and "violence" in text and "total cost" in text


def test_figures_share_one_axis_and_state_the_worlds(delays):
    fig = worlds.figure_compare(delays)
    left = fig.axes[0]
    assert "6 worlds" in left.get_title()
    assert [t.get_text() for t in left.get_xticklabels()] == [
        "A: acting after 7 days", "B: acting after 90 days"]
    curve = worlds.delay_curve(ENVOY, delays=(0, 30), n_worlds=2)
    fig = worlds.figure_curve(curve)
    assert "2 worlds (seeds 5–6)" in fig.get_suptitle()
    assert len(fig.axes) == 3


def test_money_reads_as_a_trainer_says_it():
    assert worlds.money(1.23e9, signed=True) == "+$1.2bn"
    assert worlds.money(-10.94e6, signed=True) == "−$10.9M"
    assert worlds.money(950e3) == "$950k"
    assert worlds.seeds_text([4, 5, 6]) == "seeds 4–6"
    assert worlds.seeds_text([3, 9]) == "seeds 3, 9"
