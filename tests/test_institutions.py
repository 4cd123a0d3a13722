"""Institutions that decide (issue 14): agendas, politics, consent and resources make the
warning-to-action gap an outcome. Unit tests per mechanism, the old model as a special
case, and the gap's invariants on paired seeds."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import sim
from sim.core import metrics
from sim.core.agents import Agenda, Fund
from sim.core.model import ConflictModel
from sim.core.params import UNCONSTRAINED, InstrumentSpec, Params, iter_fields
from sim.core.warning import CrisisTable
from sim.study import stats
from tests.conftest import make_params, micro_params

HOT = {"a": {"region": "r", "grievance": 0.3, "hostility": 1.5, "restraint": 0.4},
       "b": {"region": "r", "grievance": 0.3, "hostility": 1.5, "restraint": 0.4}}
LINEAR = {"dynamics.feedback": False, "un.reporting_lag_weeks": 0,
          "regional.reporting_lag_weeks": 0}


def spec(**kw) -> InstrumentSpec:
    return InstrumentSpec(**{"delay_days": 0.0, **kw})


# ------------------------------------------------------------------ the agenda
class TestAgenda:
    def test_enter_admits_up_to_capacity_and_the_rest_wait(self):
        agenda = Agenda(5, capacity=2)
        admitted = agenda.enter(np.array([0, 1, 2]), np.array([10, 11, 12]), week=3.0)
        assert admitted.tolist() == [0, 1]
        assert agenda.state.tolist() == [Agenda.ACTIVE, Agenda.ACTIVE, Agenda.WAITING, 0, 0]
        assert (agenda.active, agenda.waiting, agenda.free()) == (2, 1, 0)

    def test_a_freed_place_goes_to_the_most_severe_as_the_body_sees_it(self):
        agenda = Agenda(6, capacity=1)
        agenda.enter(np.array([0, 1, 2, 3]), np.arange(4), week=0.0)
        assert agenda.admit(lambda p: np.ones(p.size)).size == 0  # no room yet
        agenda.leave(np.array([0]))
        seen = np.array([0.0, 1.1, 1.9, 1.4, 0.0, 0.0])  # what the body perceives
        assert agenda.admit(lambda p: seen[p]).tolist() == [2]
        assert (agenda.active, agenda.waiting) == (1, 2)

    def test_leaving_frees_active_and_waiting_places_alike(self):
        agenda = Agenda(4, capacity=1)
        agenda.enter(np.array([0, 1, 2]), np.arange(3), week=0.0)
        agenda.leave(np.array([0, 2]))
        assert (agenda.active, agenda.waiting) == (0, 1)
        assert agenda.crisis[[0, 2]].tolist() == [-1, -1]

    def test_no_new_situation_overtakes_those_waiting(self):
        agenda = Agenda(4, capacity=2)
        agenda.enter(np.array([0, 1, 2]), np.arange(3), week=0.0)
        agenda.leave(np.array([0]))  # a place is free, party 2 waits for it
        assert agenda.enter(np.array([3]), np.array([3]), week=1.0).size == 0
        assert agenda.state[3] == Agenda.WAITING


class TestFund:
    def test_renewed_each_year_unspent_money_lapses(self):
        fund = Fund(10.0)
        fund.pay(7.0)
        assert fund.covers(3.0) and not fund.covers(3.5)
        fund.renew(51.0)
        assert fund.balance == 3.0
        fund.renew(52.0)
        assert fund.balance == 10.0

    def test_running_costs_may_overdraw_but_nothing_new_starts(self):
        fund = Fund(1.0)
        fund.pay(2.5)
        assert fund.balance == -1.5 and not fund.covers(0.0 + 1e-9)


# ------------------------------------------------------------------ consent
def test_consent_probability_is_the_instruments_moved_on_the_log_odds_scale():
    """logit p = logit p0 + deterioration × (level − crisis) − patron × stake (¶42)."""
    p = make_params(**{"consent.deterioration": 0.5, "consent.patron": 2.0, "seed": 3,
                       "policy.instruments": [spec(kind="fact_finding")]})
    model = ConflictModel(p)
    parties = np.arange(model.state.level.size)
    model.state.level[:] = np.arange(parties.size) % 5
    slot = model.response.slots[0]
    got = model.response.consent_probability(slot, parties)
    p0 = p.instruments.fact_finding.consent_probability
    logit = (math.log(p0 / (1 - p0)) + 0.5 * (model.state.level - 2)
             - 2.0 * model.state.stake(parties))
    assert got == pytest.approx(1 / (1 + np.exp(-logit)), rel=1e-12)
    stake = model.state.stake(parties)
    assert stake.min() >= 0 and stake.max() <= 1 and stake.std() > 0


def test_a_refusal_is_retried_after_the_wait_each_try_recorded(tmp_path):
    p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=30, **LINEAR, **{
        "regional.enabled": False, "consent.max_tries": 3, "consent.retry_weeks": 4.0,
        "instruments.fact_finding.consent_probability": 0.0,
        "policy.instruments": [spec(kind="fact_finding")]})
    model = ConflictModel(p).run()
    refusals = model.events.query("kind == 'consent_refused'")
    for _, tries in refusals.groupby("party"):
        assert np.diff(tries.week.to_numpy()).tolist() == [4.0, 4.0]
    assert model.crises.consent_tries.tolist() == [3, 3]
    assert model.crises.action_week.isna().all()
    assert metrics.outcomes(model)["crises_unanswered"] == 2


def test_envoys_need_consent_only_when_configured(tmp_path):
    def refused(consent: bool) -> int:
        p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=10, **LINEAR, **{
            "regional.enabled": False, "instruments.envoy.consent": consent,
            "instruments.envoy.consent_probability": 0.0,
            "policy.instruments": [spec(kind="envoy")]})
        return int((ConflictModel(p).run().events.kind == "consent_refused").sum())
    assert refused(True) > 0 and refused(False) == 0


# ------------------------------------------------------------------ politics
def council_world(tmp_path, actor: str, **dotted) -> ConflictModel:
    nodes = {k: {**v, "salience": 1.0, "alignment": 1.0} for k, v in HOT.items()}
    p = micro_params(tmp_path, nodes, [("a", "b", 1)], horizon_weeks=12, **LINEAR, **{
        "politics.veto_rate": 1.0, "policy.instruments": [spec(kind="statement",
                                                                actor=actor)], **dotted})
    return ConflictModel(p).run()


def test_a_blocked_council_does_not_act(tmp_path):
    model = council_world(tmp_path, "un")
    assert (model.events.kind == "council_blocked").sum() == 2
    assert model.crises.blocked.all() and model.crises.action_week.isna().all()
    assert metrics.outcomes(model)["council_blocked"] == 2


def test_a_blocked_council_leaves_the_lead_to_the_regional_body(tmp_path):
    model = council_world(tmp_path, "un_lead")
    actions = model.events.query("kind == 'action'")
    assert model.crises.blocked.all() and model.crises.action_week.notna().all()
    assert len(actions) and all("UN" not in actor for actor in actions.actor)


def test_without_politics_the_council_is_never_blocked(tmp_path):
    model = council_world(tmp_path, "un", **{"politics.enabled": False})
    assert not (model.events.kind == "council_blocked").any()
    assert model.crises.action_week.notna().all()


def test_a_salient_aligned_party_divides_the_council():
    """The Council's unity on a crisis is un.unity × (1 − polarisation × stake)."""
    p = make_params(seed=2, **{"policy.instruments": [spec(kind="statement")]})
    model = ConflictModel(p)
    stake = model.state.stake(np.arange(model.state.level.size))
    got = [model.response.unity(model.un, i) for i in range(stake.size)]
    assert got == pytest.approx(p.un.unity * (1 - p.politics.polarisation * stake))


# ------------------------------------------------------------------ resources
def test_fact_finding_teams_bound_the_missions_in_the_field():
    p = sim.compose(["policy=fact_finding", "seed=5", "un.fact_finding_teams=1"])
    model = ConflictModel(p)
    most = 0
    for _ in range(model.n_steps):
        model.step()
        most = max(most, p.un.fact_finding_teams - model.un.teams_free)
    assert most == 1
    assert (model.crises.wait_resources > 0).any()


@pytest.mark.parametrize("unfunded", ["wait", "drop"])
def test_an_empty_fund_delays_or_drops_decisions(unfunded):
    base = ["policy=early_statement", "seed=5", f"policy.unfunded={unfunded}"]
    poor = ConflictModel(sim.compose(base + ["un.rapid_response_usd_per_year=30000"])).run()
    rich = ConflictModel(sim.compose(base)).run()
    out = metrics.outcomes(poor)
    assert out["actions"] < metrics.outcomes(rich)["actions"]
    if unfunded == "drop":
        assert out["unfunded_dropped"] > 0
    else:
        assert out["unfunded_dropped"] == 0 and (poor.crises.wait_resources > 0).any()


# ------------------------------------------------------------------ the gap in stages
@pytest.mark.parametrize("seed", [1, 7])
@pytest.mark.parametrize("policy", ["early_statement", "envoy", "fact_finding", "graduated"])
def test_the_parts_sum_to_the_gap_and_the_stages_are_in_order(policy, seed):
    model = ConflictModel(sim.compose([f"policy={policy}", f"seed={seed}"])).run()
    c = model.crises
    answered = c[c.action_week.notna()]
    assert len(answered) > 0
    parts = answered[list(CrisisTable.WAITS)]
    assert (parts >= 0).all().all()
    assert parts.sum(axis=1).to_numpy() == pytest.approx(
        answered.warning_to_action_weeks.to_numpy())
    for early, late in (("warning_week", "agenda_week"), ("agenda_week", "decision_week"),
                        ("decision_week", "action_week")):
        assert (answered[late] >= answered[early]).all()
    out = metrics.outcomes(model)
    assert out["crises_answered"] + out["crises_unanswered"] == len(c)


def test_the_gap_varies_within_and_across_runs():
    gaps = [ConflictModel(sim.compose(["policy=envoy", f"seed={s}"])).run().crises
            .warning_to_action_weeks.dropna() for s in range(4)]
    assert all(g.std() > 0 for g in gaps)  # within a run
    assert len({round(g.mean(), 6) for g in gaps}) == 4  # across runs


# ------------------------------------------------------------------ the old model
def test_lever_unconstrained_is_the_unconstrained_dict():
    composed = {name: value for name, _, value in iter_fields(
        sim.compose(["lever=unconstrained"]))}
    assert {k: composed[k] for k in UNCONSTRAINED} == UNCONSTRAINED
    defaults = {name: value for name, _, value in iter_fields(Params())}
    assert all(defaults[k] != v for k, v in UNCONSTRAINED.items())  # each one is a change


CASES = [("statement", "un"), ("statement", "regional"), ("statement", "joint"),
         ("fact_finding", "un"), ("envoy", "un"), ("envoy", "regional"),
         ("envoy", "un_lead"), ("envoy", "joint")]


@pytest.mark.parametrize("kind,actor", CASES)
def test_with_unlimited_institutions_the_gap_is_delay_consensus_coordination_deployment(
        kind, actor):
    """Issue 14's special case: unlimited attention, pools and funds, consent always
    given and politics off give every answered crisis the same gap, the policy's delay
    + consensus + coordination (quantised to the step) + deployment."""
    p = make_params(**UNCONSTRAINED, **{
        "un.mediators": 1000, "regional.mediators": 1000, "seed": 1,
        "instruments.fact_finding.consent_probability": 1.0,
        "policy.instruments": [spec(kind=kind, actor=actor, delay_days=10.0)]})
    model = ConflictModel(p).run()
    bodies = {"un": [p.un], "regional": [p.regional], "un_lead": [p.un, p.regional],
              "joint": [p.un, p.regional]}[actor]
    consensus = [(1 - b.unity) * b.consensus_days_at_zero_unity / 7 for b in bodies]
    coordination = p.policy.coordination_days / 7 if len(bodies) > 1 else 0.0
    decide = math.ceil(10 / 7 + (max(consensus) if actor == "joint" else consensus[0])
                       + coordination - 1e-9)
    lead = bodies[0]
    deploy = {"statement": 0.0, "fact_finding": p.instruments.fact_finding.deploy_days,
              "envoy": p.instruments.envoy.standby_deploy_days if lead.standby_team
              else p.instruments.envoy.deploy_days}[kind]
    expected = decide + math.ceil(deploy / 7 - 1e-9)
    crises = model.crises
    answered = crises[crises.action_week.notna()]
    assert len(answered) >= 15  # enough answered crises for the check to mean something
    assert (answered.warning_to_action_weeks == expected).all()
    assert (answered[["wait_agenda", "wait_consent", "wait_resources"]] == 0).all().all()
    assert metrics.outcomes(model)["warning_to_action_weeks"] == expected


# ------------------------------------------------------------------ invariants
N_SEEDS = 30  # paired seeds 0-29 per setting
#: Weeks within which the share of crises answered is compared: the distribution of the
#: time from warning to action over every crisis (an unanswered one is never answered).
WITHIN_WEEKS = (12, 20, 26, 52)
#: "Beyond the noise", as for the invariants of information: with more resources the 95%
#: bootstrap interval of the paired difference in the share answered within k weeks must
#: not lie entirely below zero. (A fixed tolerance of 0.5 points on the mean was used
#: before issue 16; the s.e. of that mean over these seeds is about 1.5 points, because
#: a few seeds' worlds part ways — under graduated, more_envoys moved one seed's share
#: by −26 points and another's by −15 when it was measured during issue 16 — so it held
#: or failed by chance.)
CONFIDENCE = 0.95


def gap_runs(policy: str, overrides: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per seed: the mean gap over answered crises (the outcome), and the share of its
    crises answered within each of WITHIN_WEEKS."""
    params = sim.compose([f"policy={policy}", *overrides])  # composed once per setting
    gaps, within = [], []
    for s in range(N_SEEDS):
        model = ConflictModel(dataclasses.replace(params, seed=s)).run()
        gaps.append(metrics.outcomes(model)["warning_to_action_weeks"])
        gap = model.crises.warning_to_action_weeks.to_numpy(float)
        within.append([np.mean(gap <= k) if gap.size else np.nan for k in WITHIN_WEEKS])
    return np.array(gaps), np.array(within)


@pytest.fixture(scope="module")
def baseline_gaps() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {policy: gap_runs(policy, []) for policy in ("envoy", "graduated")}


@pytest.mark.xdist_group("institution_invariants")  # one worker computes the baseline
@pytest.mark.parametrize("policy,overrides", [
    ("envoy", ["lever=fewer_envoys"]),
    ("envoy", ["lever=less_attention"]),
    ("graduated", ["lever=less_budget"]),
    ("envoy", ["lever=divided_council"]),
    ("envoy", ["shocks.coup_rate_per_year=0.05", "dynamics.noise_sd=0.16"]),  # more crises
], ids=["fewer_envoys", "less_attention", "less_budget", "divided_council", "more_crises"])
def test_scarcer_institutions_lengthen_the_gap(baseline_gaps, policy, overrides):
    """Paired seeds; the 95% bootstrap interval of the mean difference lies above zero."""
    diff = gap_runs(policy, overrides)[0] - baseline_gaps[policy][0]
    mean, low, _ = stats.bootstrap_interval(diff[~np.isnan(diff)], 0.95)
    assert low > 0, (mean, low)


@pytest.mark.xdist_group("institution_invariants")
@pytest.mark.parametrize("policy", ["envoy", "graduated"])
@pytest.mark.parametrize("lever", ["more_envoys", "standby_team", "budget", "attention",
                                   "shared_mechanism", "unconstrained"])
def test_more_resources_never_lengthen_the_gap(baseline_gaps, policy, lever):
    """Paired seeds: with more resources, the share of crises answered within k weeks
    does not fall beyond the noise (CONFIDENCE), for every k of WITHIN_WEEKS. This is the
    gap's distribution over every crisis; the mean over
    answered crises is not the measure, because more resources answer more crises and
    the extra ones can be slow (under envoy, lever=attention raises that mean by 0.4
    weeks on these seeds while every crisis answered in both worlds waits less and more
    crises are answered within every k: the queue moves from the agenda to the envoys)."""
    within = gap_runs(policy, [f"lever={lever}"])[1] - baseline_gaps[policy][1]
    for k, diff in zip(WITHIN_WEEKS, within.T):
        mean, _, high = stats.bootstrap_interval(diff[~np.isnan(diff)], CONFIDENCE)
        assert high >= 0, (k, mean, high)


# The standing invariants of information (better information never raises violence, a
# regional office does not make its region worse, no warning is not better) are in
# tests/test_information.py.
