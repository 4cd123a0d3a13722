"""Shipped policies, common random numbers, and the paired comparison against `none`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim import ConflictModel
from sim.core import metrics
from tests.conftest import ROOT

#: Every policy shipped in configs/policy/, the counterfactual first.
SHIPPED = sorted((p.stem for p in (ROOT / "configs" / "policy").glob("*.yaml")),
                 key=lambda name: (name != "none", name))


def test_the_shipped_policies_exist():
    names = sorted(p.stem for p in (ROOT / "configs" / "policy").glob("*.yaml"))
    assert set(SHIPPED) <= set(names)
    for name in SHIPPED:
        p = sim.compose([f"policy={name}"])
        assert p.policy.name == name
        assert (len(p.policy.instruments) == 0) == (name == "none")


def test_graduated_is_statement_then_fact_finding_then_envoy():
    specs = sim.compose(["policy=graduated"]).policy.instruments
    assert [s.kind for s in specs] == ["statement", "fact_finding", "envoy"]
    assert [s.delay_days for s in specs] == sorted(s.delay_days for s in specs)


def test_policy_none_equals_instruments_that_never_trigger():
    """Bit for bit: instruments that exist but never come due leave the world as is (the
    Council still takes the crises up, and may find itself blocked: an event of its own,
    not of the world)."""
    never = sim.compose(["seed=5", "policy=graduated", "policy.response_delay_days=3650"])
    a = ConflictModel(never).run()
    b = ConflictModel(sim.compose(["seed=5"])).run()  # a seed whose Council is blocked
    assert np.array_equal(a.hostility_history, b.hostility_history)
    world = lambda m: m.events[m.events.kind != "council_blocked"].reset_index(drop=True)  # noqa: E731
    assert (a.events.kind == "council_blocked").any()
    pd.testing.assert_frame_equal(world(a), world(b))
    assert a.response.cost_usd == 0


@pytest.mark.parametrize("policy", SHIPPED[1:])
def test_common_random_numbers_across_policies(policy):
    """Same seed: same network, initial state, elections and coups under every policy,
    and the same trajectory until the policy first acts."""
    a = ConflictModel(sim.compose(["seed=9", f"policy={policy}"])).run()
    b = ConflictModel(sim.compose(["seed=9", "policy=none"])).run()
    assert sorted(a.network.edges(data="weight")) == sorted(b.network.edges(data="weight"))
    shocks = lambda m: m.events[m.events.kind.isin(["election", "coup"])].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(shocks(a), shocks(b))
    # acts within that week (electoral assistance, on no crisis: when it is first there)
    first_action = int(np.nanmin([a.crises.first_action_week.min(), *a.response.instrument(
        "electoral_assistance").records().start_week]))
    assert np.array_equal(a.hostility_history[:first_action],
                          b.hostility_history[:first_action])
    assert not np.array_equal(a.hostility_history, b.hostility_history)


N_PAIRED = 200  # seeds 0-199, each run under every policy


@pytest.fixture(scope="module")
def paired():
    rows = []
    for name in SHIPPED:
        params = sim.compose([f"policy={name}"])
        for seed in range(N_PAIRED):
            params.seed = seed
            out = metrics.outcomes(ConflictModel(params).run())
            rows.append({"policy": name, "seed": seed, **out})
    return pd.DataFrame(rows)


@pytest.mark.slow
@pytest.mark.xdist_group("paired")
@pytest.mark.parametrize("policy", SHIPPED[1:])
def test_each_instrument_lowers_violence_against_none(paired, policy):
    """Paired over 200 seeds (common random numbers), the mean difference in violence
    party-weeks, policy minus none, has a two-sided 99% t-interval entirely below 0."""
    wide = paired.pivot(index="seed", columns="policy", values="violence_party_weeks")
    diff = wide[policy] - wide["none"]
    half = stats.t.ppf(0.995, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    assert diff.mean() + half < 0, (diff.mean(), half)


@pytest.mark.slow
@pytest.mark.xdist_group("paired")
def test_outcome_columns_are_consistent(paired):
    assert (paired.total_cost_usd == paired.intervention_cost_usd
            + paired.conflict_cost_usd).all()
    assert (paired.query("policy == 'none'").intervention_cost_usd == 0).all()
    assert (paired.warnings == paired.warnings_hit + paired.warnings_late
            + paired.warnings_false_alarm).all()
    answered = paired.query("policy != 'none'")
    assert (answered.crises_answered <= answered.warnings).all()
    assert (answered.warning_to_action_weeks.dropna() >= 0).all()
