"""Early warning: observation with noise and lag, crises, and the scoring of warnings."""

from __future__ import annotations

import numpy as np
import pytest

from sim import ConflictModel
from sim.core.warning import score_warnings
from tests.conftest import micro_params

TWO = {"a": {"region": "r", "grievance": 0.3, "hostility": 0.0, "restraint": 0.4},
       "b": {"region": "r", "grievance": 0.0, "hostility": 0.0, "restraint": 0.4}}


def first_true_week(model, party, threshold):
    h = model.hostility_history[:, party]
    return int(np.flatnonzero(h >= threshold)[0])


@pytest.mark.parametrize("lag", [0, 1, 4])
def test_noise_free_warning_comes_lag_weeks_after_the_crossing(tmp_path, lag):
    p = micro_params(tmp_path, TWO, [("a", "b", 1)], horizon_weeks=40, **{
        "dynamics.feedback": False, "un.reporting_lag_weeks": lag,
        "regional.enabled": False, "un.warning_threshold": 0.5})
    model = ConflictModel(p).run()
    crossing = first_true_week(model, 0, 0.5)
    # the state at the end of week c is observed at the start of week c + 1 + lag
    assert model.crises.warning_week.iloc[0] == crossing + 1 + lag
    assert model.crises.warned_by.iloc[0] == "UN"
    first = model.events[model.events.kind == "warning"].iloc[0]
    assert (first.party, first.actor) == ("a", "UN")


@pytest.mark.parametrize("raw", [True, False])
def test_the_fastest_observer_opens_the_crisis(tmp_path, raw):
    """With raw reports the first observer to see the crossing opens the crisis, after
    its lag; in the shared picture the crisis is credited to the observer that weighs
    most in it (here the regional body: less noise and a fresher view) and comes no
    earlier than its lag allows."""
    p = micro_params(tmp_path, TWO, [("a", "b", 1)], horizon_weeks=40, **{
        "dynamics.feedback": False, "un.reporting_lag_weeks": 6,
        "regional.reporting_lag_weeks": 1, "un.warning_threshold": 0.5,
        "regional.warning_threshold": 0.5,
        **({"warning.tracking_sd": 0.0, "warning.violence_events": False} if raw else {})})
    model = ConflictModel(p).run()
    assert model.crises.warned_by.iloc[0] == "RB0"
    seen_at = first_true_week(model, 0, 0.5) + 2
    if raw:
        assert model.crises.warning_week.iloc[0] == seen_at
    else:
        assert model.crises.warning_week.iloc[0] >= seen_at


def test_body_without_early_warning_does_not_warn(tmp_path):
    p = micro_params(tmp_path, TWO, [("a", "b", 1)], horizon_weeks=40, **{
        "dynamics.feedback": False, "un.early_warning": False,
        "regional.early_warning": False, "un.warning_threshold": 0.5})
    model = ConflictModel(p).run()
    assert model.crises.empty and not (model.events.kind == "warning").any()


def test_crisis_closes_after_calm_weeks(tmp_path):
    nodes = {"a": {"region": "r", "grievance": 0.0, "hostility": 2.0, "restraint": 0.5}}
    p = micro_params(tmp_path, nodes, [], horizon_weeks=30, **{
        "dynamics.feedback": False, "regional.enabled": False,
        "warning.calm_weeks_to_close": 3, "un.reporting_lag_weeks": 0})
    model = ConflictModel(p).run()
    crisis = model.crises.iloc[0]
    h = model.hostility_history[:, 0]
    calm_from = int(np.flatnonzero(h < 1.2 - 0.2)[0])  # first calm state (end of week)
    # seen calm at weeks calm_from+1, +2, +3 -> closes at calm_from + 3
    assert crisis.warning_week == 1 and crisis.closed_week == calm_from + 3


def test_observation_noise_draws_do_not_touch_the_world():
    """Observers draw from their own stream: the world is the same with or without them."""
    from sim.core.params import Params

    a = Params(seed=5)
    b = Params(seed=5)
    b.un.enabled = False
    b.regional.enabled = False
    ma, mb = ConflictModel(a).run(), ConflictModel(b).run()
    assert np.array_equal(ma.hostility_history, mb.hostility_history)
    assert len(ma.crises) > 0 and mb.crises.empty


def test_regional_office_sharpens_and_speeds_the_un_in_its_region():
    from sim.core.params import Params

    p = Params(seed=1)
    p.un.regional_offices = [2]
    m = ConflictModel(p)
    un = next(o for o in m.warning.observers if o.name == "UN")
    in_office = m.state.region[un.parties] == 2
    assert np.all(un.noise_sd[in_office] == p.un.observation_noise_sd * p.un.office_noise_factor)
    assert np.all(un.noise_sd[~in_office] == p.un.observation_noise_sd)
    assert np.all(un.lag_weeks[in_office] == p.un.office_lag_weeks)
    envoy = p.instruments.envoy
    assert m.un.deploy_days(2, envoy) == p.un.office_deploy_days
    assert m.un.deploy_days(1, envoy) == envoy.standby_deploy_days


def test_unknown_office_region_is_an_error():
    from sim.core.params import ParameterError, Params

    p = Params()
    p.un.regional_offices = [7]
    with pytest.raises(ParameterError, match="un.regional_offices"):
        ConflictModel(p)


# ------------------------------------------------------------------ scoring
def score(crises, levels, weeks, horizon):
    """crises: (party, warning_week, closed_week or nan) tuples."""
    party, warned, closed = (np.array(c, dtype=float) for c in zip(*crises))
    return score_warnings(party.astype(int), warned, closed, levels, weeks, horizon)


NAN = float("nan")


def test_scoring_hits_late_false_alarms_and_misses():
    weeks = np.arange(30.0)
    levels = np.zeros((30, 4), dtype=np.int8)
    levels[10:15, 0] = 3   # party 0: onset week 10, warned week 5 -> hit
    levels[8:12, 1] = 3    # party 1: onset week 8, warned week 9 (already violent) -> late;
    #                        and the onset itself had no warning before it -> miss
    levels[20:25, 2] = 4   # party 2: onset week 20, warned week 2 (crisis closed wk 6) -> miss
    crises = [(0, 5, NAN), (1, 9, NAN), (2, 2, 6), (3, 12, NAN)]
    result = score(crises, levels, weeks, 12)
    assert {k: v for k, v in result.items() if not k.startswith("warning_")} == {
        "warnings": 4, "warnings_hit": 1, "warnings_late": 1, "warnings_false_alarm": 2,
        "violence_missed": 2}
    # skill: 1 hit of 3 forecasting warnings; 1 of 3 onsets warned, 5 weeks ahead
    assert result["warning_precision"] == pytest.approx(1 / 3)
    assert result["warning_recall"] == pytest.approx(1 / 3)
    assert result["warning_lead_weeks"] == 5.0


def test_skill_scores_lead_is_the_earliest_warning_and_nan_without_anything_to_score():
    weeks = np.arange(60.0)
    levels = np.zeros((60, 2), dtype=np.int8)
    levels[40:, 0] = 3   # warned at 30 (open) and again at 35: lead from the earlier, 10
    levels[50:, 1] = 3   # warned at 44: lead 6
    result = score([(0, 30, NAN), (0, 35, NAN), (1, 44, NAN)], levels, weeks, 12)
    assert result["warning_recall"] == 1.0 and result["warning_precision"] == 1.0
    assert result["warning_lead_weeks"] == 8.0  # median of 10 and 6
    calm = score([(0, 3, 9)], np.zeros((60, 1), dtype=np.int8), weeks, 12)
    assert calm["warning_precision"] == 0.0
    assert np.isnan(calm["warning_recall"]) and np.isnan(calm["warning_lead_weeks"])


def test_an_open_crisis_covers_a_later_onset():
    weeks = np.arange(60.0)
    levels = np.zeros((60, 1), dtype=np.int8)
    levels[40:, 0] = 3
    result = score([(0, 5, NAN)], levels, weeks, 12)
    assert result["violence_missed"] == 0 and result["warnings_false_alarm"] == 1


def test_hit_window_edges():
    weeks = np.arange(40.0)
    levels = np.zeros((40, 2), dtype=np.int8)
    levels[17:, 0] = 3   # onset exactly 12 weeks after the warning: a hit
    levels[18:, 1] = 3   # 13 weeks after: a false alarm (and the onset is still covered
    #                      by the open crisis, so not a miss)
    result = score([(0, 5, NAN), (1, 5, NAN)], levels, weeks, 12)
    assert (result["warnings_hit"], result["warnings_false_alarm"],
            result["violence_missed"]) == (1, 1, 0)


# ------------------------------------------------------------------ persistent errors
def errors(persistence=0.0, share=0.0, weeks=400, n=200, seed=1):
    """The observation errors of one observer watching n parties of 4 regions at
    hostility 0, week by week (seen − true)."""
    from sim.core.warning import EarlyWarning, Observer

    parties = np.arange(n)
    obs = Observer("UN", parties, np.full(n, 0.25), np.zeros(n, dtype=np.int64), 1e9)
    w = EarlyWarning([obs], n, 1.5, 0.3, 8, 1.0, np.zeros(n), np.random.default_rng(seed),
                     persistence, share, parties % 4)
    out = np.empty((weeks, n))
    for t in range(weeks):
        w.observe(float(t))
        out[t] = w._seen[0]
        w.push(np.zeros(n))
    return out


def test_persistent_errors_have_the_stated_autocorrelation_and_sd():
    """AR(1) at 0.8 a week: lag-1 autocorrelation 0.8 and sd 0.25 (tolerances 0.03 and
    0.01 over 200 parties × 400 weeks, seed 1); 0: independent (|r| < 0.03)."""
    e = errors(persistence=0.8)
    r = np.mean([np.corrcoef(e[1:, i], e[:-1, i])[0, 1] for i in range(e.shape[1])])
    assert r == pytest.approx(0.8, abs=0.03)
    assert e.std() == pytest.approx(0.25, abs=0.01)
    plain = errors()
    r0 = np.mean([np.corrcoef(plain[1:, i], plain[:-1, i])[0, 1] for i in range(200)])
    assert abs(r0) < 0.03


def test_regional_errors_are_shared_within_a_region_only():
    """A share of 0.5: errors of two parties of one region correlate at 0.5, of two
    regions at 0 (tolerance 0.05 over 400 weeks × many pairs, seed 1); the sd is kept."""
    e = errors(share=0.5)
    same = np.mean([np.corrcoef(e[:, i], e[:, i + 4])[0, 1] for i in range(0, 196, 4)])
    other = np.mean([np.corrcoef(e[:, i], e[:, i + 1])[0, 1] for i in range(0, 196, 4)])
    assert same == pytest.approx(0.5, abs=0.05) and abs(other) < 0.05
    assert e.std() == pytest.approx(0.25, abs=0.01)


def test_the_switches_off_leave_the_observation_stream_as_it_was():
    assert np.array_equal(errors(), errors(0.0, 0.0))
    assert not np.array_equal(errors(), errors(persistence=0.5))


def test_naive_baselines_score_what_they_say():
    """On seeded default runs, computed independently from the level history: the
    recurrence forecaster's precision is the share of violence endings followed by an
    onset within the horizon, and its recall the share of onsets that came within the
    horizon after an ending; without shocks the election forecaster never warns."""
    import dataclasses

    import sim
    from sim.core.metrics import naive_baselines

    params = sim.compose([])
    for seed in (1, 2):
        model = ConflictModel(dataclasses.replace(params, seed=seed)).run()
        violent = model.level_history >= 3
        ends = np.argwhere(~violent[1:] & violent[:-1]) + [1, 0]
        onsets = np.argwhere(violent[1:] & ~violent[:-1]) + [1, 0]
        h = model.params.warning.score_horizon_weeks
        followed = [((onsets[:, 1] == i) & (onsets[:, 0] >= t) & (onsets[:, 0] <= t + h)).any()
                    for t, i in ends]
        after_end = [((ends[:, 1] == i) & (ends[:, 0] <= t) & (ends[:, 0] >= t - h)).any()
                     for t, i in onsets]
        out = naive_baselines(model)
        assert out["baseline_recurrence_precision"] == pytest.approx(np.mean(followed))
        assert out["baseline_recurrence_recall"] == pytest.approx(np.mean(after_end))
    quiet = ConflictModel(dataclasses.replace(params, seed=1, shocks=dataclasses.replace(
        params.shocks, enabled=False))).run()
    assert np.isnan(naive_baselines(quiet)["baseline_election_precision"])


# ------------------------------------------------------------------ cry wolf
def test_warnings_proved_false_lower_their_observers_credibility_and_right_raise_it():
    """Two crises warned by observer 0 at week 1 (party 0, violent at week 5: right) and
    week 2 (party 1, never violent: false), resolved 12 weeks after each warning."""
    from sim.core.warning import EarlyWarning, Observer

    parties = np.arange(2)
    obs = Observer("UN", parties, np.zeros(2), np.zeros(2, dtype=np.int64), 1.2)
    w = EarlyWarning([obs], 2, 1.5, 0.2, 8, 1.0, np.zeros(2), np.random.default_rng(0))
    w.keep_records(0.5, 0.1, 12)
    w.table.append(np.array([0]), 1.0, np.array([0]))
    w.table.append(np.array([1]), 2.0, np.array([0]))
    last_violent = np.array([5.0, -np.inf])
    w.learn(12.0, last_violent)
    assert w.credibility.tolist() == [0.5]  # nothing resolved before week 13
    w.learn(13.0, last_violent)
    assert w.credibility.tolist() == pytest.approx([0.55])  # right: 0.5 + 0.1·(1 − 0.5)
    w.learn(14.0, last_violent)
    assert w.credibility.tolist() == pytest.approx([0.495])  # false: 0.55 + 0.1·(0 − 0.55)
    w.learn(30.0, last_violent)
    assert w.credibility.tolist() == pytest.approx([0.495])  # each warning counts once


def test_an_observer_that_cried_wolf_is_heeded_more_slowly(tmp_path):
    """Statements 14 days after the warning: with cry_wolf = ln 2 an observer at
    credibility 0 doubles the delay (decided 4 weeks after the warning), one at
    credibility 1 halves it (1 week); cry_wolf off, 2 weeks."""
    import math

    from sim.core.params import UNCONSTRAINED, InstrumentSpec
    from tests.conftest import micro_params

    hot = {k: {"region": "r", "grievance": 0.3, "hostility": 1.5, "restraint": 0.4}
           for k in "ab"}
    def decided(cry_wolf: float, credibility: float | None) -> float:
        p = micro_params(tmp_path, hot, [("a", "b", 1)], horizon_weeks=20, **{
            **UNCONSTRAINED, "dynamics.feedback": False, "un.reporting_lag_weeks": 0,
            "un.unity": 1.0, "un.consensus_days_at_zero_unity": 0.0,
            "regional.enabled": False, "warning.cry_wolf": cry_wolf,
            "policy.instruments": [InstrumentSpec(kind="statement", delay_days=14.0)]})
        model = ConflictModel(p)
        if credibility is not None:
            model.warning.credibility[:] = credibility
        for _ in range(8):
            model.step()
        crises = model.crises
        return float((crises.decision_week - crises.warning_week).iloc[0])
    assert decided(0.0, None) == 2.0
    assert decided(math.log(2), 0.0) == 4.0
    assert decided(math.log(2), 1.0) == 1.0


# ------------------------------------------------------------------ several sources
def test_civil_society_networks_add_warnings_and_leave_the_rest_as_it_was():
    """civil_society.enabled: a third observer ("CSN") on about `reach` of the parties,
    from its own child stream: without a response the world is bit for bit the same, the
    bodies' observation stream ends in the same state, and what it sees changes the
    crises (with raw reports, some crises are its warnings)."""
    import dataclasses

    import sim
    from sim.core.params import PREVIOUS_INFORMATION

    raw = [f"{k}={str(v).lower()}" for k, v in PREVIOUS_INFORMATION.items()]
    for settings in ([], raw):
        plain = sim.compose(["seed=5", *settings])
        with_cs = sim.compose(["seed=5", "civil_society.enabled=true", *settings])
        a, b = ConflictModel(plain).run(), ConflictModel(with_cs).run()
        assert np.array_equal(a.level_history, b.level_history)
        assert (a.streams["observation"].bit_generator.state
                == b.streams["observation"].bit_generator.state)
        assert [o.name for o in b.warning.observers][-1] == "CSN"
        assert not (a.crises.warned_by == "CSN").any()
        assert not a.crises[["party", "warning_week"]].equals(b.crises[["party", "warning_week"]])
    assert (b.crises.warned_by == "CSN").any()  # with raw reports
    reach = np.mean([ConflictModel(dataclasses.replace(with_cs, seed=s)).warning
                     .observers[-1].parties.size / 60 for s in range(20)])
    assert reach == pytest.approx(0.5, abs=3 * (0.25 / 1200) ** 0.5)  # 3 binomial sd
    none = ConflictModel(sim.compose(["seed=5", "civil_society.enabled=true",
                                      "civil_society.reach=0"])).run()
    assert np.array_equal(none.level_history, a.level_history)
    assert not (none.crises.warned_by == "CSN").any()


# ------------------------------------------------------------------ risk estimates
def test_the_brier_score_resolves_each_forecast_after_the_horizon():
    """Horizon 2 steps, two parties: week 0 forecasts (0.8, 0.1), week 1 (0.5, nan: not
    forecast), week 2 (0.2, 0.2) and party 0's onset at week 2. Resolved: week 0's at week
    2 (y = 1, 0), week 1's at week 3 (y = 1): Brier ((0.2² + 0.1²) + 0.5²)/3; climatology
    ȳ = 2/3."""
    from sim.core.warning import RiskScore

    r = RiskScore(2, 2)
    r.step(0.0, np.array([0.8, 0.1]), np.empty(0, np.int64))
    r.step(1.0, np.array([0.5, np.nan]), np.empty(0, np.int64))
    r.step(2.0, np.array([0.2, 0.2]), np.array([0]))
    r.step(3.0, np.array([0.2, 0.2]), np.empty(0, np.int64))
    brier, skill = r.scores()
    assert brier == pytest.approx((0.04 + 0.01 + 0.25) / 3)
    rate = 2 / 3
    assert skill == pytest.approx(1 - brier / (rate * (1 - rate)))
    assert np.isnan(RiskScore(2, 2).scores()[0])


def test_risk_estimates_are_scored_only_when_asked_and_change_nothing():
    import sim
    from sim.core import metrics

    plain = ConflictModel(sim.compose(["seed=4", "policy=envoy"])).run()
    scored = ConflictModel(sim.compose(["seed=4", "policy=envoy",
                                        "record.warning_risk=true"])).run()
    assert np.array_equal(plain.level_history, scored.level_history)
    assert np.isnan(metrics.outcomes(plain)["warning_brier"])
    out = metrics.outcomes(scored)
    assert 0 <= out["warning_brier"] <= 1 and np.isfinite(out["warning_brier_skill"])
