"""The standing invariants of information (issue 16 item 5), on paired seeds: better
information does not raise violence or the risk of armed conflict under any shipped
policy; a UN regional office does not make its region worse; no warning system at all is
not better than the default one.

"Beyond the noise": the 95% bootstrap interval of the paired difference (40 seeds, 4,000
resamples, seeded) lies entirely on the wrong side of zero. Where the model violates an
invariant today the test is a strict xfail naming the measured difference: when issue 16
makes it hold, the test fails and the marker must go.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

import sim
from sim.core import metrics
from sim.core.model import ConflictModel
from sim.study import stats
from tests.conftest import ROOT

SEEDS = range(40)
HALF_NOISE = ("un.observation_noise_sd=0.125", "regional.observation_noise_sd=0.075")
NO_WARNING = ("un.early_warning=false", "regional.early_warning=false")
POLICIES = sorted(p.stem for p in (ROOT / "configs" / "policy").glob("*.yaml")
                  if p.stem != "none")
#: Measured violations (halving the noise, 40 seeds; docs/validation.md §6).
MORE_VIOLENCE_WITH_BETTER_INFORMATION = {
    "early_statement": "+8.5 [+0.2, +18.8]", "graduated": "+25.9 [+6.3, +47.1]",
    "late_envoy": "+19.1 [+6.0, +34.6]", "escalating": "+23.5 [+12.2, +36.2]"}


@functools.lru_cache(maxsize=None)
def runs(policy: str, overrides: tuple[str, ...] = ()) -> tuple[np.ndarray, ...]:
    """Per seed: violence party-weeks, armed conflict (0/1), and violence party-weeks
    among the parties of region 0."""
    params = sim.compose([f"policy={policy}", *overrides])
    out = []
    for s in SEEDS:
        model = ConflictModel(dataclasses.replace(params, seed=s)).run()
        o = metrics.outcomes(model)
        region0 = model.state.region == 0
        out.append((o["violence_party_weeks"], o["armed_conflict"],
                    float((model.level_history[1:, region0] >= 3).sum() * model.dt)))
    return tuple(np.array(col, float) for col in zip(*out))


def interval(diff: np.ndarray) -> tuple[float, float, float]:
    return stats.bootstrap_interval(diff, 0.95)


def marked(policy: str):
    reason = MORE_VIOLENCE_WITH_BETTER_INFORMATION.get(policy)
    if reason is None:
        return policy
    return pytest.param(policy, marks=pytest.mark.xfail(strict=True, reason=(
        f"known violation, issue 16: halving the noise raises violence by {reason} "
        "party-weeks under this policy")))


@pytest.mark.slow
@pytest.mark.xdist_group("information")
@pytest.mark.parametrize("policy", [marked(p) for p in POLICIES])
def test_better_information_never_raises_violence(policy):
    base, better = runs(policy), runs(policy, HALF_NOISE)
    for k, name in ((0, "violence"), (1, "armed conflict")):
        mean, low, _ = interval(better[k] - base[k])
        assert low <= 0, (name, mean, low)


@pytest.mark.slow
@pytest.mark.xdist_group("information")
@pytest.mark.parametrize("policy", ["early_statement", "fact_finding", "envoy",
                                    "late_envoy", "graduated"])
def test_no_warning_system_is_not_better_than_the_default_one(policy):
    base, blind = runs(policy), runs(policy, NO_WARNING)
    mean, _, high = interval(blind[0] - base[0])
    assert high >= 0, (mean, high)


@pytest.mark.slow
@pytest.mark.xdist_group("information")
@pytest.mark.parametrize("policy", [
    "envoy", "early_statement",
    pytest.param("graduated", marks=pytest.mark.xfail(strict=True, reason=(
        "known violation, issue 16: a UN office in region 0 raises violence among region "
        "0's parties under graduated, +7.1 [+0.1, +16.3] party-weeks on 40 seeds (it sees "
        "better there: fewer false alarms answered, as with better information)")))])
def test_a_regional_office_does_not_make_its_region_worse(policy):
    base, office = runs(policy), runs(policy, ("un.regional_offices=[0]",))
    mean, low, _ = interval(office[2] - base[2])
    assert low <= 0, (mean, low)
