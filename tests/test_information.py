"""The standing invariants of information (issue 16 item 5), on paired seeds: better
information does not raise violence or the risk of armed conflict under any shipped
policy; a UN regional office does not make its region worse; no warning system at all is
not better than the default one.

"Better information" is each of: every observer's noise halved; every reporting lag cut
to one week; a third source (civil society networks) added. "Beyond the noise": the 99%
bootstrap interval of the paired difference (40 seeds, 4,000 resamples, seeded) lies
entirely on the wrong side of zero. 99%, not 95%, because the file makes 68 comparisons
(10 policies × 3 kinds × 2 outcomes, and 8 more): at 95% each, one or two would fail by
chance alone where nothing moves. At 95% one cell does (sanctions, half the noise: +1.6
[+0.0, +3.6] party-weeks, three seeds out of 40, where which sanction backfires changed
with the order of the interventions' draws); docs/validation.md §6 gives every cell
(scripts/information_invariants.py). Before issue 16's observers (raw reports, violence
seen in noise) four policies broke the first and the graduated one the second, at 95%;
those measurements are kept in docs/validation.md §6.
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
BETTER_INFORMATION = {
    "half_noise": ("un.observation_noise_sd=0.125", "regional.observation_noise_sd=0.075"),
    "one_week_lag": ("un.reporting_lag_weeks=1", "regional.reporting_lag_weeks=1"),
    "civil_society": ("civil_society.enabled=true",)}
NO_WARNING = ("un.early_warning=false", "regional.early_warning=false")
POLICIES = sorted(p.stem for p in (ROOT / "configs" / "policy").glob("*.yaml")
                  if p.stem != "none")


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


#: The confidence of every interval here (see the module docstring).
CONFIDENCE = 0.99


def interval(diff: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    return stats.bootstrap_interval(diff, confidence)


@pytest.mark.slow
@pytest.mark.xdist_group("information")
@pytest.mark.parametrize("better_information", list(BETTER_INFORMATION))
@pytest.mark.parametrize("policy", POLICIES)
def test_better_information_never_raises_violence(policy, better_information):
    base, better = runs(policy), runs(policy, BETTER_INFORMATION[better_information])
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
@pytest.mark.parametrize("policy", ["envoy", "early_statement", "graduated"])
def test_a_regional_office_does_not_make_its_region_worse(policy):
    base, office = runs(policy), runs(policy, ("un.regional_offices=[0]",))
    mean, low, _ = interval(office[2] - base[2])
    assert low <= 0, (mean, low)
