"""Each instrument in a micro-scenario of two or three parties: it does what it says and
nothing else. Randomness is off unless a test says otherwise."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import ConflictModel
from sim.core import metrics
from sim.core.agents import MediatorStatus
from sim.core.params import PREVIOUS_INSTRUMENTS, UNCONSTRAINED, InstrumentSpec, Params
from sim.core.policies import INSTRUMENTS
from tests.conftest import make_params, micro_params

# two parties at their linear equilibrium h = g/(a − k) = 0.3/0.2 = 1.5: warned at week 1
HOT = {"a": {"region": "r", "grievance": 0.3, "hostility": 1.5, "restraint": 0.4},
       "b": {"region": "r", "grievance": 0.3, "hostility": 1.5, "restraint": 0.4}}
LINEAR = {**UNCONSTRAINED,  # the institutions of these tests never bind (test_institutions)
          # each instrument's own mechanism, without issue 15's rules of the moment,
          # agreements and downsides (tested in test_moments and test_agreements)
          **PREVIOUS_INSTRUMENTS,
          "dynamics.feedback": False, "un.reporting_lag_weeks": 0,
          "regional.reporting_lag_weeks": 0, "un.unity": 1.0, "regional.unity": 1.0,
          "un.consensus_days_at_zero_unity": 0.0,
          "regional.consensus_days_at_zero_unity": 0.0}


def spec(**kw) -> InstrumentSpec:
    return InstrumentSpec(**{"delay_days": 0.0, **kw})


def test_every_registered_instrument_has_a_contract_test_class():
    tested = {cls.kind for cls in InstrumentContract.__subclasses__()}
    assert tested == set(INSTRUMENTS)


WORLD_STREAMS = ("network", "initial_state", "dynamics", "perception", "shocks",
                 "observation")


class InstrumentContract:
    """What every instrument must do, checked on a few seeded worlds; each instrument's
    test class inherits these checks and adds its own (as Axelrod's strategies do)."""

    kind: str
    #: The policy's instrument, with what makes it act often enough to be checked.
    spec: dict = {}
    #: Parameters that make the checks see the instrument at work.
    world: dict = {}
    seeds = (1, 2, 3)

    def run(self, seed: int, instruments=None, **dotted) -> ConflictModel:
        p = make_params(seed=seed, horizon_weeks=104, **{**self.world, **dotted})
        p.policy.instruments = ([spec(kind=self.kind, **self.spec)] if instruments is None
                                else instruments)
        return ConflictModel(p)

    def test_is_registered_with_its_parameters_and_sources(self):
        cls = INSTRUMENTS[self.kind]
        assert cls.name == self.kind
        assert dataclasses.is_dataclass(getattr(Params().instruments, cls.params_group))
        assert "Sources:" in cls.__doc__ and "¶" in cls.__doc__

    @pytest.mark.parametrize("seed", seeds)
    def test_draws_only_from_its_own_stream(self, seed):
        """The world's streams end in the same state with and without it: common random
        numbers (only ``interventions`` may differ)."""
        acting, quiet = self.run(seed).run(), self.run(seed, instruments=[]).run()
        assert acting.event_log.counts["action"] > 0
        for name in WORLD_STREAMS:
            assert (acting.streams[name].bit_generator.state
                    == quiet.streams[name].bit_generator.state), name

    @pytest.mark.parametrize("seed", seeds)
    def test_never_acts_on_a_closed_crisis(self, seed):
        model = self.run(seed).run()
        crises = model.crises
        acts = model.events[model.events.kind.isin(
            ["action", "consent_refused", "deployment", "agreement", "mediation_failed"])]
        assert len(acts) > 0
        for week, party in zip(acts.week, acts.party):
            open_ = crises[(crises.party == party) & (crises.warning_week <= week)
                           & ~(crises.closed_week <= week)]
            assert len(open_) == 1, (week, party)

    @pytest.mark.parametrize("seed", seeds)
    def test_spends_and_costs_are_never_negative(self, seed):
        """Spending never falls; the cost of escalating is never negative except through
        the downsides that lower it (an agreement's moral hazard next door, an empty
        statement's emboldening), switched off here (tests/test_moments.py)."""
        model = self.run(seed, **{"instruments.envoy.moral_hazard": 0.0})
        spent = 0.0
        for _ in range(model.n_steps):
            model.step()
            assert model.response.cost_usd >= spent
            assert (model.state.cost >= 0).all()
            spent = model.response.cost_usd
        assert spent > 0

    @pytest.mark.parametrize("seed", seeds)
    def test_logs_every_decision_it_carries_out(self, seed):
        """Every decision recorded on a crisis is an event: an action, or (for an
        instrument that needs consent) each try at consent is a refusal or an action."""
        model = self.run(seed).run()
        counts, crises = model.event_log.counts, model.crises
        if model.response.instrument(self.kind).needs_consent:
            assert crises.consent_tries.sum() == counts["action"] + counts["consent_refused"]
            assert crises.consent_tries.sum() >= crises.actions.sum() > 0
        else:
            assert crises.actions.sum() == counts["action"] > 0


# ------------------------------------------------------------------ statement
class TestEarlyStatement(InstrumentContract):
    kind = "statement"
    spec = {"repeat_every_weeks": 4.0}

    def test_statement_effect_decays_at_its_half_life(self, tmp_path):
        p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=30, **LINEAR, **{
            "regional.enabled": False, "policy.instruments": [spec(kind="statement")]})
        model = ConflictModel(p)
        model.step()                                  # week 1: warning and statement
        st = p.instruments.statement
        force = st.force * 1.0 * 1.0                  # intensity 1, unity 1, one issuer
        attention = model.response.instrument("statement").attention
        assert attention.tolist() == pytest.approx([force, force])
        assert model.state.cost.tolist() == pytest.approx([force, force])
        for _ in range(int(st.half_life_weeks)):
            model.step()
        attention = model.response.instrument("statement").attention
        assert attention == pytest.approx(np.full(2, force / 2))
        for _ in range(int(st.half_life_weeks)):
            model.step()
        attention = model.response.instrument("statement").attention
        assert attention == pytest.approx(np.full(2, force / 4))


    def test_statement_lowers_hostility_and_only_where_it_is_issued(self, tmp_path):
        nodes = dict(HOT, c={"region": "s", "grievance": 0.1, "hostility": 0.5,
                             "restraint": 0.4})
        base = dict(LINEAR, **{"regional.enabled": False, "un.warning_threshold": 1.2,
                               "horizon_weeks": 10})
        none = ConflictModel(micro_params(tmp_path, nodes, [("a", "b", 1)], **base)).run()
        said = ConflictModel(micro_params(tmp_path, nodes, [("a", "b", 1)], **base, **{
            "policy.instruments": [spec(kind="statement")]})).run()
        h0, h1 = none.hostility_history, said.hostility_history
        assert np.all(h1[2:, :2] < h0[2:, :2])         # a and b calm down
        assert np.array_equal(h1[:, 2], h0[:, 2])      # c, never warned, is untouched


    def test_statement_force_scales_with_unity_issuers_and_repeats(self, tmp_path):
        def force_after(weeks, **dotted):
            p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=30,
                             **{**LINEAR, **dotted})
            m = ConflictModel(p)
            for _ in range(weeks):
                m.step()
            forces = [float(d.split("=")[1]) for d in
                      m.events.query("kind == 'action'").detail if d.startswith("statement")]
            return forces

        single = force_after(1, **{"policy.instruments": [spec(kind="statement")],
                                   "un.unity": 0.5})
        assert single[:1] == pytest.approx([0.08 * 0.5])
        joint = force_after(1, **{"policy.instruments": [spec(kind="statement", actor="joint")],
                                  "un.unity": 0.5, "regional.unity": 0.5,
                                  "policy.shared_mechanism": True})
        assert joint[0] == pytest.approx(0.08 * 0.5 * 1.5)   # two issuers: +50%
        repeated = force_after(9, **{"policy.instruments": [spec(
            kind="statement", repeat_every_weeks=4, duration_weeks=12)]})
        # one statement per party at weeks 1, 5, 9, each half as strong without follow-up
        assert repeated == pytest.approx([0.08, 0.08, 0.04, 0.04, 0.02, 0.02])


# ------------------------------------------------------------------ sanctions
class TestSanctions(InstrumentContract):
    kind = "sanctions"
    spec = {"duration_weeks": 20.0}

    def sanctioned(self, tmp_path, **dotted) -> ConflictModel:
        p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=30, **{
            **LINEAR, "regional.enabled": False,
            "policy.instruments": [spec(kind="sanctions", duration_weeks=4.0)], **dotted})
        return ConflictModel(p)

    def test_sanctions_raise_the_cost_of_escalating_in_crisis_for_their_duration(
            self, tmp_path):
        model = self.sanctioned(tmp_path, **{"instruments.sanctions.backfire_probability": 0})
        model.step()  # week 1: warned, imposed at once (no consent asked)
        force = model.params.instruments.sanctions.force
        assert model.state.cost.tolist() == pytest.approx([force, force])
        assert model.crises.action_week.tolist() == [1.0, 1.0]
        for _ in range(4):
            model.step()
        assert (model.response.instrument("sanctions").until <= model.week).all()
        assert not (model.events.kind == "backfire").any()
        weekly = model.params.instruments.sanctions.cost_usd_per_week
        assert model.response.cost_usd == pytest.approx(2 * (5e4 + 4 * weekly))

    def test_a_backfire_hardens_the_target_for_good(self, tmp_path):
        model = self.sanctioned(tmp_path, **{"instruments.sanctions.backfire_probability": 1,
                                             "instruments.sanctions.backfire_grievance": 0.2})
        before = model.state.grievance_base.copy()
        model.step()
        assert (model.events.kind == "backfire").sum() == 2
        assert model.state.grievance_base == pytest.approx(before + 0.2)
        for _ in range(10):  # the sanctions end; the hardening stays
            model.step()
        assert model.state.grievance_base == pytest.approx(before + 0.2)
        assert metrics.outcomes(model)["backfires"] == 2


# ------------------------------------------------------------------ group of friends
class TestGroupOfFriends(InstrumentContract):
    kind = "group_of_friends"

    def test_a_group_of_friends_adds_its_leverage_to_the_envoy_while_it_lasts(self, tmp_path):
        p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=30, **{
            **LINEAR, "regional.enabled": False, "instruments.envoy.base_rate": 0.01,
            "instruments.envoy.standby_deploy_days": 0.0,
            "policy.instruments": [spec(kind="envoy"),
                                   spec(kind="group_of_friends", duration_weeks=4.0)]})
        model = ConflictModel(p)
        model.step()  # week 1: envoys engaged, the group convened
        ctx, envoy = model.response.ctx, model.response.instrument("envoy")
        engaged = [m for m in envoy.mediators if m.status is MediatorStatus.ENGAGED]
        assert engaged and ctx.envoy_support.tolist() == [0.3, 0.3]
        with_group = envoy.agreement_probability(engaged[0])
        ctx.envoy_support[:] = 0.0
        assert with_group == pytest.approx(1.3 * envoy.agreement_probability(engaged[0]))
        ctx.envoy_support[:] = 0.3
        for _ in range(4):
            model.step()
        assert ctx.envoy_support.tolist() == [0.0, 0.0]  # disbanded after its 4 weeks


# ------------------------------------------------------------------ fact-finding
class TestFactFinding(InstrumentContract):
    kind = "fact_finding"

    def test_refused_fact_finding_changes_nothing(self):
        """With consent impossible the world is bit-for-bit the world without a policy,
        noise, shocks and all (the refusal draws only from the interventions stream)."""
        refused = Params(seed=3)
        refused.policy.instruments = [spec(kind="fact_finding")]
        refused.instruments.fact_finding.consent_probability = 0.0
        a = ConflictModel(refused).run()
        b = ConflictModel(Params(seed=3)).run()
        assert np.array_equal(a.hostility_history, b.hostility_history)
        decided = a.crises.decision_week.notna().sum()
        assert (a.events.kind == "consent_refused").sum() == a.crises.consent_tries.sum()
        assert a.crises.consent_tries.sum() >= decided > 0
        assert a.crises.action_week.isna().all()  # nothing reached the ground
        assert not (a.events.kind == "deployment").any()


    def test_fact_finding_deploys_after_consent_and_acts_while_deployed(self, tmp_path):
        nodes = dict(HOT, c={"region": "r", "grievance": 0.0, "hostility": 0.0,
                             "restraint": 0.4},
                     d={"region": "r", "grievance": 0.0, "hostility": 0.0, "restraint": 0.4})
        p = micro_params(tmp_path, nodes, [("a", "b", 1), ("c", "d", 1)], horizon_weeks=40,
                         **LINEAR, **{"regional.enabled": False, "dynamics.misperception": 1.0,
                                      "instruments.fact_finding.consent_probability": 1.0,
                                      "instruments.fact_finding.deploy_days": 14.0,
                                      "policy.instruments": [spec(kind="fact_finding",
                                                                  duration_weeks=10)]})
        model = ConflictModel(p)
        ff = p.instruments.fact_finding
        model.step()                                   # week 1: warning, consent
        model.step()                                   # week 2: not yet deployed
        assert model.state.misperception.tolist() == [1, 1, 1, 1]
        model.step()                                   # week 3: deployed (14 days later)
        assert (model.events.kind == "deployment").sum() == 2
        assert model.state.misperception.tolist() == pytest.approx(
            [ff.misperception_factor] * 2 + [1, 1])
        assert model.warning.noise_factor.tolist() == pytest.approx(
            [ff.observation_factor] * 2 + [1, 1])
        level = model.state.level
        expected_cost = [ff.accountability if level[i] >= 2 else 0.0 for i in (0, 1)]
        assert model.state.cost[:2].tolist() == pytest.approx(expected_cost)
        for _ in range(10):                             # deployed weeks 3..12, gone at 13
            model.step()
        assert model.state.misperception.tolist() == [1, 1, 1, 1]
        cost = metrics.outcomes(model)["intervention_cost_usd"]
        assert cost == pytest.approx(2 * 10 * ff.cost_usd_per_week)


# ------------------------------------------------------------------ envoys
def envoy_params(**dotted) -> Params:
    return make_params(**{"policy.instruments": [spec(kind="envoy", delay_days=7.0)],
                          **dotted})


class TestEnvoyDeployment(InstrumentContract):
    kind = "envoy"

    @pytest.mark.parametrize("seed", [0, 1, 2, 3])
    def test_envoy_with_zero_credibility_never_brokers_an_agreement(self, seed):
        model = ConflictModel(envoy_params(seed=seed, **{
            "instruments.envoy.initial_credibility": 0.0})).run()
        out = metrics.outcomes(model)
        assert out["agreements"] == 0 and out["deployments"] > 0
        assert all(m.credibility == 0 for m in model.mediators)


    def test_mediator_pool_is_never_exceeded(self):
        p = envoy_params(seed=2, **{"un.mediators": 1, "regional.mediators": 0,
                                    "instruments.envoy.base_rate": 0.0})
        model = ConflictModel(p)
        busy_max = 0
        waited = False
        for _ in range(model.n_steps):
            model.step()
            busy = sum(m.status is not MediatorStatus.IDLE for m in model.mediators)
            assert busy <= 1
            busy_max = max(busy_max, busy)
            waited |= len(model.un.queue) > 0
        assert busy_max == 1 and waited


    def test_agreement_cuts_hostility_and_grievance_and_leaves_an_eroding_dividend(self, tmp_path):
        nodes = {"a": {"region": "r", "grievance": 0.3, "hostility": 1.5, "restraint": 0.4},
                 "b": {"region": "r", "grievance": 0.0, "hostility": 1.05, "restraint": 0.4},
                 "c": {"region": "r", "grievance": 0.1, "hostility": 1.05, "restraint": 0.4}}
        env = {"instruments.envoy.base_rate": 1.0, "instruments.envoy.initial_credibility": 1.0,
               "instruments.envoy.standby_deploy_days": 0.0, "dynamics.will_to_settle_mean": 1.0,
               "un.warning_threshold": 1.2}  # only a is warned; b is in crisis below it
        p = micro_params(tmp_path, nodes, [("a", "b", 1), ("b", "c", 1)], horizon_weeks=40,
                         **LINEAR, **env, **{"regional.enabled": False,
                                             "policy.instruments": [spec(kind="envoy")]})
        model = ConflictModel(p)
        ep = p.instruments.envoy
        h_before = model.state.hostility.copy()
        model.step()  # week 1: a warned; envoy sent, arrives (0 days), engaged with p = 1
        assert (model.events.kind == "agreement").sum() == 1
        # a and its neighbour b (in crisis) are parties to it; c is not a's neighbour
        assert model.response.instrument("envoy").agreed.tolist() == [True, True, False]
        dividend = model.response.instrument("envoy").dividend
        assert dividend.tolist() == pytest.approx([ep.dividend] * 2 + [0])
        assert model.state.grievance.tolist() == pytest.approx(
            [0.3 * (1 - ep.grievance_cut), 0.0, 0.1])
        # hostility was cut before the week's dynamics moved it: compare with no policy
        none = ConflictModel(micro_params(tmp_path, nodes, [("a", "b", 1), ("b", "c", 1)],
                                          horizon_weeks=40, **LINEAR, **env,
                                          **{"regional.enabled": False}))
        none.step()
        assert np.all(model.state.hostility[:2] < none.state.hostility[:2] - 0.3)
        assert h_before[0] == 1.5
        d0 = model.response.instrument("envoy").dividend[0]
        for _ in range(int(ep.erosion_half_life_weeks)):
            model.step()
        assert (model.events.kind == "agreement").sum() == 1
        assert model.response.instrument("envoy").dividend[0] == pytest.approx(d0 / 2)


    def test_credibility_is_hard_to_win_and_easy_to_lose(self):
        ep = Params().instruments.envoy
        assert ep.credibility_loss > ep.credibility_gain
        model = ConflictModel(envoy_params(seed=4, **{"instruments.envoy.base_rate": 0.0})).run()
        failures = (model.events.kind == "mediation_failed").sum()
        assert failures > 0
        lost = sum(ep.initial_credibility - m.credibility for m in model.mediators)
        assert lost == pytest.approx(min(failures * ep.credibility_loss,
                                         len(model.mediators) * ep.initial_credibility),
                                     abs=ep.credibility_loss * len(model.mediators))


# ------------------------------------------------------------------ timing
@pytest.mark.parametrize("actor,expected_days", [
    ("un", 14 + 0.5 * 28),                          # delay + UN consensus
    ("regional", 14 + 0.25 * 56),                   # delay + regional consensus
    ("un_lead", 14 + 0.5 * 28 + 21),                # + coordination (no shared mechanism)
    ("joint", 14 + max(0.5 * 28, 0.25 * 56) + 21),  # the slower body, + coordination
])
def test_gap_equals_delay_plus_consensus_plus_coordination(tmp_path, actor, expected_days):
    p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=20, **{
        **LINEAR, "un.unity": 0.5, "un.consensus_days_at_zero_unity": 28.0,
        "regional.unity": 0.75, "regional.consensus_days_at_zero_unity": 56.0,
        "policy.coordination_days": 21.0,
        "policy.instruments": [spec(kind="statement", delay_days=14.0, actor=actor)]})
    model = ConflictModel(p).run()
    crises = model.crises
    assert (crises.warning_to_action_weeks == expected_days / 7).all() and len(crises) == 2
    assert metrics.outcomes(model)["warning_to_action_weeks"] == expected_days / 7


def test_gap_rounds_up_to_the_next_step(tmp_path):
    p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=20, **LINEAR, **{
        "policy.instruments": [spec(kind="statement", delay_days=10.0)]})
    model = ConflictModel(p).run()
    assert (model.crises.warning_to_action_weeks == 2.0).all()


def test_shared_mechanism_removes_coordination_delay(tmp_path):
    p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=20, **LINEAR, **{
        "policy.shared_mechanism": True, "policy.coordination_days": 70.0,
        "policy.instruments": [spec(kind="statement", delay_days=7.0, actor="joint")]})
    assert (ConflictModel(p).run().crises.warning_to_action_weeks == 1.0).all()


def test_response_delay_override_replaces_every_delay(tmp_path):
    p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=30, **LINEAR, **{
        "policy.response_delay_days": 35.0,
        "policy.instruments": [spec(kind="statement", delay_days=0.0),
                               spec(kind="fact_finding", delay_days=70.0)]})
    model = ConflictModel(p).run()
    actions = model.events.query("kind == 'action'")
    assert set(actions.week) == {6.0}  # warning at week 1 + 5 weeks, both instruments


def test_violence_trigger_waits_for_the_alarm(tmp_path):
    # warned at 1.3, then rising towards g/(a − k) = 1.6: violence (1.5) comes later
    nodes = {k: dict(v, hostility=1.3, grievance=0.32) for k, v in HOT.items()}
    p = micro_params(tmp_path, nodes, [("a", "b", 1)], horizon_weeks=20, **LINEAR, **{
        "policy.instruments": [spec(kind="statement", trigger="violence")]})
    model = ConflictModel(p).run()
    crises = model.crises
    assert (crises.first_action_week == crises.alarm_week).all()
    assert (crises.alarm_week > crises.warning_week).all()


# ------------------------------------------------------------------ electoral assistance
ELECTIONS = {"shocks.enabled": True, "shocks.coup_rate_per_year": 0.0,
             "shocks.election_share": 1.0, "shocks.election_interval_weeks": 20,
             "shocks.election_lead_weeks": 3, "shocks.election_lag_weeks": 1,
             "shocks.election_tension": 0.1}


class TestElectoralAssistance(InstrumentContract):
    """Not started by crises: the contract's crisis checks become checks on the votes."""

    kind = "electoral_assistance"
    spec = {"trigger": "election", "delay_days": 14.0}
    world = {"instruments.electoral_assistance.min_level": 0}

    @pytest.mark.parametrize("seed", InstrumentContract.seeds)
    def test_draws_only_from_its_own_stream(self, seed):
        acting, quiet = self.run(seed).run(), self.run(seed, instruments=[]).run()
        assert acting.event_log.counts["electoral_assistance"] > 0
        for name in WORLD_STREAMS:
            assert (acting.streams[name].bit_generator.state
                    == quiet.streams[name].bit_generator.state), name
        assert (acting.streams["interventions"].bit_generator.state
                == quiet.streams["interventions"].bit_generator.state)  # it draws nothing

    @pytest.mark.parametrize("seed", InstrumentContract.seeds)
    def test_never_acts_on_a_closed_crisis(self, seed):
        """It does not act on crises at all: it plans every vote lead_weeks ahead, once,
        at parties at min_level or above then, and records no action on any crisis."""
        world = {"instruments.electoral_assistance.min_level": 1}
        p = make_params(seed=seed, horizon_weeks=104, **world)
        p.policy.instruments = [spec(kind=self.kind, **self.spec)]
        model = ConflictModel(p).run()
        ea = model.response.instrument(self.kind)
        plans = ea.records()
        assert len(plans) == ea.assisted > 0
        lead = p.instruments.electoral_assistance.lead_weeks
        votes = model.events[model.events.kind == "election"]
        voted = set(zip(votes.party, votes.week))
        for i, planned, vote in zip(plans.party, plans.planned_week, plans.vote_week):
            assert vote == planned + lead
            if vote <= p.horizon_weeks:
                assert (model.party_ids[i], vote) in voted
            assert model.level_history[int(planned / model.dt), i] >= 1
        assert not plans.duplicated(["party", "vote_week"]).any()
        assert model.crises.actions.sum() == 0

    @pytest.mark.parametrize("seed", InstrumentContract.seeds)
    def test_logs_every_decision_it_carries_out(self, seed):
        model = self.run(seed).run()
        ea = model.response.instrument(self.kind)
        assert model.event_log.counts["electoral_assistance"] == ea.assisted == len(
            ea.records()) == metrics.outcomes(model)["elections_assisted"] > 0

    def test_assistance_removes_its_share_of_the_election_tension_while_there(self, tmp_path):
        """One party voting every 20 weeks; planned 8 weeks ahead, on the ground 14 days
        later: of the election period (3 weeks before the vote to 1 after) it covers all;
        the cost of escalating is half the election drive then, 0 otherwise."""
        calm = {"a": {"region": "r", "grievance": 0.0, "hostility": 0.5, "restraint": 0.4}}
        p = micro_params(tmp_path, calm, [], horizon_weeks=60, **{
            **LINEAR, **ELECTIONS, "regional.enabled": False,
            "instruments.electoral_assistance.lead_weeks": 8,
            "instruments.electoral_assistance.min_level": 0,
            "policy.instruments": [spec(kind=self.kind, trigger="election",
                                        delay_days=14.0)]})
        model = ConflictModel(p)
        costs, drives = [], []
        for _ in range(59):
            model.step()
            drives.append(float(np.asarray(model.shocks.election_drive(model.week))[0]))
            costs.append(float(model.state.cost[0]))
        ea = model.response.instrument(self.kind)
        plans = ea.records()
        assert (plans.start_week == plans.planned_week + 2).all()
        assisted = np.array(costs) > 0
        assert assisted.any()
        assert np.array(costs)[assisted] == pytest.approx(0.5 * np.array(drives)[assisted])
        weeks = np.arange(1, 60)  # the week of each step; the first vote (week 8) was
        # less than lead_weeks away when the run began: it is not planned
        later = weeks >= plans.start_week.min()
        assert (np.array(drives)[~assisted & later] == 0).all()
        per_vote = p.instruments.electoral_assistance.cost_usd
        assert model.response.cost_usd == pytest.approx(per_vote * len(plans))

    def test_arriving_late_it_covers_only_the_rest_of_the_period(self, tmp_path):
        calm = {"a": {"region": "r", "grievance": 0.0, "hostility": 0.5, "restraint": 0.4}}
        p = micro_params(tmp_path, calm, [], horizon_weeks=60, **{
            **LINEAR, **ELECTIONS, "regional.enabled": False,
            "instruments.electoral_assistance.lead_weeks": 4,
            "instruments.electoral_assistance.min_level": 0,
            "policy.instruments": [spec(kind=self.kind, trigger="election",
                                        delay_days=21.0)]})  # 3 weeks: 1 week before it
        model = ConflictModel(p)
        covered = []
        for _ in range(59):
            model.step()
            covered.append(model.state.cost[0] > 0)
        shocks = model.params.shocks
        periods = shocks.election_lead_weeks + shocks.election_lag_weeks + 1
        votes = len(model.response.instrument(self.kind).records())
        assert 0 < sum(covered) <= votes * (periods - 2)  # the first two weeks missed

    def test_election_trigger_is_for_electoral_assistance_only(self):
        from sim.core.params import ParameterError, validate
        p = make_params()
        p.policy.instruments = [spec(kind="envoy", trigger="election")]
        with pytest.raises(ParameterError, match=r"policy.instruments\[0\].trigger"):
            validate(p)
        p.policy.instruments = [spec(kind="electoral_assistance", trigger="warning")]
        with pytest.raises(ParameterError, match="'election' for kind electoral_assistance"):
            validate(p)


# ------------------------------------------------------------------ political mission
class TestPoliticalMission(InstrumentContract):
    kind = "political_mission"
    spec = {"duration_weeks": 30.0}

    def test_a_mission_sharpens_warning_speeds_decisions_and_hosts_envoys(self, tmp_path):
        """Warned at week 1, the mission is in place at once (consent sure, no set-up
        time); violence is seen at week 4: a statement's 14-day delay takes 7 days and the
        envoy arrives within a day, where without the mission they take 14 and 21."""
        warm = {k: dict(v, hostility=1.3, grievance=0.26) for k, v in HOT.items()}
        def run(with_mission: bool):
            instruments = [spec(kind="statement", trigger="violence", delay_days=14.0),
                           spec(kind="envoy", trigger="violence")]
            if with_mission:
                instruments.insert(0, spec(kind="political_mission", duration_weeks=30.0))
            p = micro_params(tmp_path, warm, [("a", "b", 1)], horizon_weeks=40, **{
                **LINEAR, "regional.enabled": False, "un.standby_team": False,
                "instruments.envoy.base_rate": 0.0,
                "instruments.political_mission.consent_probability": 1.0,
                "instruments.political_mission.deploy_days": 0.0,
                "policy.instruments": instruments})
            model = ConflictModel(p)
            model.step()
            model.step()
            model.state.hostility[:] = 2.0  # violence, seen the next week
            for _ in range(6):
                model.step()
            return model
        with_mission, without = run(True), run(False)
        pm = with_mission.params.instruments.political_mission
        assert with_mission.response.instrument(self.kind).noise_factor.tolist() == [
            pm.observation_factor] * 2
        assert with_mission.response.ctx.decision_factor.tolist() == [pm.decision_factor] * 2
        assert without.response.ctx.decision_factor.tolist() == [1.0, 1.0]
        def weeks(model, detail):
            ev = model.events
            return ev[(ev.kind == "action") & ev.detail.str.startswith(detail)].week.min()
        alarm = with_mission.events[with_mission.events.kind == "violence_alarm"].week.min()
        assert weeks(with_mission, "statement") == alarm + 1
        assert weeks(without, "statement") == alarm + 2
        deployments = with_mission.deployments
        travel = deployments.arrive_week - deployments.dispatched_week
        assert travel.tolist() == pytest.approx([pm.envoy_deploy_days / 7] * len(travel))
        travel = without.deployments.arrive_week - without.deployments.dispatched_week
        assert travel.tolist() == pytest.approx([3.0] * len(travel))

    def test_it_stays_after_its_crisis_closes_and_costs_while_there(self, tmp_path):
        p = micro_params(tmp_path, HOT, [("a", "b", 1)], horizon_weeks=40, **{
            **LINEAR, "regional.enabled": False,
            "instruments.political_mission.consent_probability": 1.0,
            "instruments.political_mission.deploy_days": 7.0,
            "policy.instruments": [spec(kind="political_mission", duration_weeks=10.0)]})
        model = ConflictModel(p)
        model.step()   # week 1: warned, consent; in place a week later
        model.step()
        mission = model.response.instrument(self.kind)
        assert (mission.until == 12.0).all()
        model.state.hostility[:] = 0.0  # calm for good: the crisis closes
        model.state.grievance[:] = model.state.grievance_base[:] = 0.0
        for _ in range(9):  # 8 calm weeks seen: closed at week 10
            model.step()
        assert model.crises.closed_week.notna().all()
        assert (mission.until > model.week).all()  # still there
        for _ in range(4):
            model.step()
        assert mission.noise_factor.tolist() == [1.0, 1.0]
        assert model.response.ctx.envoy_days.tolist() == [np.inf, np.inf]
        assert model.warning.noise_factor is None
        per_week = p.instruments.political_mission.cost_usd_per_year / 52
        assert model.response.cost_usd == pytest.approx(2 * 10 * per_week)
        assert mission.records().until_week.tolist() == [12.0, 12.0]
