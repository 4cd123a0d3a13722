"""The scenario library (configs/scenario/, docs/scenarios.md): every scenario composes and
runs, documents what it changes, and shows its defining property against ``default``.

The behaviour tests run each scenario without a policy on the same fixed seeds (0..24),
about 0.05 s a run, and compare means with tolerances far inside the measured gaps
(docs/scenarios.md, Measured behaviour), so they check the direction and rough size of
each scenario's effect, not its exact numbers.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache

import numpy as np
import pytest
import yaml

import sim
import sim.core.metrics
from sim.core.dynamics import Level
from sim.core.params import Params
from tests.conftest import ROOT

# One xdist worker runs the whole file, so the cached runs are shared by its tests.
pytestmark = pytest.mark.xdist_group("scenarios")

SCENARIO_DIR = ROOT / "configs" / "scenario"
SCENARIOS = sorted(path.stem for path in SCENARIO_DIR.glob("*.yaml"))
LIBRARY = [name for name in SCENARIOS if name != "default"]  # the stylised cases
SEEDS = range(25)
#: Onsets of violence this close to a party's own vote count as around the election.
ELECTION_WINDOW = (-12, 8)   # weeks before, weeks after
#: Onsets of violence this soon after a coup on the same party count as following it.
COUP_WINDOW_WEEKS = 12
#: An onset follows a neighbour's violence if the neighbour was violent this recently.
CONTAGION_WEEKS = 4


def _overrides(name: str) -> dict:
    """The values a scenario file sets, as {"section.key": value} (scenario.* excluded)."""
    data = yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text()) or {}
    return {f"{section}.{key}": value for section, values in data.items()
            if section != "scenario" for key, value in values.items()}


def _default(dotted: str):
    node = Params()
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


def summary(model: sim.ConflictModel) -> dict[str, float]:
    """``sim.core.metrics.outcomes`` plus the quantities that define the scenarios."""
    out = sim.core.metrics.outcomes(model)
    s = model.state
    violent = model.level_history >= Level.VIOLENCE
    reached = violent.any(axis=0)
    events = model.events
    onsets = events[events.kind == "violence_onset"]
    votes = events[events.kind == "election"]
    coups = events[events.kind == "coup"]

    def onsets_near(shocks, lo: float, hi: float) -> int:
        """Onsets of a party within [lo, hi] weeks of one of that party's shocks."""
        hits = 0
        for party, week in zip(onsets.party, onsets.week):
            gap = week - shocks.week[shocks.party == party].to_numpy()
            hits += bool(((gap >= lo) & (gap <= hi)).any())
        return hits

    # Onsets of parties with a tie to another region's party that was at violence in the
    # last CONTAGION_WEEKS weeks: violence that may have crossed a border along a tie.
    ties = model.adjacency.tocoo()
    crossing = s.region[ties.row] != s.region[ties.col]
    i, j = ties.row[crossing], ties.col[crossing]
    onset = violent[1:] & ~violent[:-1]                 # row t: onset in week t + 1
    spells = np.cumsum(np.vstack([np.zeros((1, violent.shape[1]), int), violent]), axis=0)
    t = np.arange(1, violent.shape[0])                  # weeks t-CONTAGION_WEEKS+1 .. t
    recent = spells[t] - spells[np.maximum(t - CONTAGION_WEEKS, 0)] > 0
    exposed = np.zeros_like(onset)
    np.logical_or.at(exposed, (slice(None), i), recent[:, j])

    out.update(
        onsets=int(onset.sum()),
        onsets_near_election=onsets_near(votes, *ELECTION_WINDOW),
        coups_followed_by_violence=sum(
            bool(((onsets.party == party) & (onsets.week >= week)
                  & (onsets.week <= week + COUP_WINDOW_WEEKS)).any())
            for party, week in zip(coups.party, coups.week)),
        regions_in_violence=len(np.unique(s.region[reached])),
        cross_border_onsets=int((onset & exposed).sum()),
        parties_past_war=int(s.past_war.sum()),
        past_war_violence_weeks=float(violent[1:, s.past_war].sum() * model.dt),
    )
    return out


@lru_cache(maxsize=None)
def runs(name: str) -> dict[str, np.ndarray]:
    """Each summary column over SEEDS for scenario ``name`` under policy none (cached)."""
    base = sim.compose([f"scenario={name}", "policy=none"])
    rows = []
    for seed in SEEDS:
        params = copy.deepcopy(base)
        params.seed = seed
        rows.append(summary(sim.ConflictModel(params).run()))
    return {key: np.array([r[key] for r in rows], dtype=float) for key in rows[0]}


def mean(name: str, key: str) -> float:
    return float(np.nanmean(runs(name)[key]))


# ------------------------------------------------------------------ the library itself
def test_library_is_complete():
    assert set(LIBRARY) | {"default"} <= set(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_file_header_and_name(name):
    text = (SCENARIO_DIR / f"{name}.yaml").read_text()
    header = text.splitlines()[:3]
    assert header[0] == "# @package _global_"
    assert f"python -m sim scenario={name}" in "\n".join(header) or name == "default"
    params = sim.compose([f"scenario={name}"])
    assert params.scenario.name == name
    if name != "default":
        assert params.scenario.description != Params().scenario.description


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("policy", ["none", "envoy"])
def test_scenario_composes_and_runs(name, policy):
    params = sim.compose([f"scenario={name}", f"policy={policy}", "seed=1"])
    for dotted, value in _overrides(name).items():
        node = params
        for part in dotted.split("."):
            node = getattr(node, part)
        assert node == value, dotted
    model = sim.ConflictModel(params).run()
    out = sim.core.metrics.outcomes(model)
    assert model.steps == model.n_steps == 156 and not model.running
    assert tuple(out) == sim.core.metrics.OUTCOME_KEYS
    assert out["peak_level"] in range(5)
    assert out["violence_party_weeks"] == (model.level_history[1:] >= 3).sum()


def test_no_real_country_is_named():
    """Stylised cases only: no scenario presents itself as a forecast of a real country."""
    names = ("guinea", "kyrgyz", "kenya", "zimbabwe", "côte", "cote d", "sudan", "mali",
             "niger", "congo", "afghan", "iraq", "syria", "libya", "yemen", "egypt",
             "tunisia", "ethiopia", "somalia", "myanmar", "haiti", "nepal")
    for name in SCENARIOS:
        text = (SCENARIO_DIR / f"{name}.yaml").read_text().lower()
        assert not [c for c in names if c in text], name


def test_docs_tables_match_the_files():
    """docs/scenarios.md lists every value a scenario sets, with its default."""
    doc = (ROOT / "docs" / "scenarios.md").read_text()
    for name in LIBRARY:
        heading = re.search(rf"^## .*`scenario={name}`.*$", doc, re.M)
        assert heading, f"docs/scenarios.md has no section headed `scenario={name}`"
        body = doc[heading.end():].split("\n## ", 1)[0]
        rows = dict((m.group(1), (m.group(2), m.group(3))) for m in re.finditer(
            r"^\| `([\w.]+)` \| ([^|]+?) \| ([^|]+?) \|", body, re.M))
        for dotted, value in _overrides(name).items():
            assert dotted in rows, f"{name}: {dotted} missing from its table"
            doc_value, doc_default = rows[dotted]
            assert float(doc_value) == pytest.approx(float(value)), (name, dotted)
            assert float(doc_default) == pytest.approx(float(_default(dotted))), (
                name, dotted)
        assert set(rows) == set(_overrides(name)), f"{name}: table lists extra rows"


# ------------------------------------------------------------------ defining properties
# Tolerances: each bound sits well inside the gap measured on these seeds; the comments
# give the measured values on seeds 0..24 (seeds 0..49 are in docs/scenarios.md). The
# seeds are fixed, so a failing bound means the scenario no longer shows its property
# (or the dynamics changed a lot), not sampling noise.

@pytest.mark.slow
def test_calm_has_far_less_violence_than_default():
    # violent party-weeks 17.5 vs 234 (7%); armed conflict in 12% of runs vs 60%
    assert mean("calm", "violence_party_weeks") < 0.2 * mean("default", "violence_party_weeks")
    assert mean("calm", "armed_conflict") < 0.5 * mean("default", "armed_conflict")
    assert mean("calm", "coups") < mean("default", "coups")


@pytest.mark.slow
def test_post_conflict_has_more_past_wars_and_more_violence_among_them():
    # since issue 17's calibration (default: 49% of parties with a past war, boost 0.03;
    # the scenario 80%, 0.04): 47.8 vs 28.5 parties with a past war; their violent
    # party-weeks 1061 vs 275; share of them reaching violence 0.35 vs 0.17, and 0.28 of
    # the others (before: 35.1 vs 11.0; 825 vs 93; 0.45 vs 0.20 and 0.24)
    assert mean("post_conflict", "parties_past_war") > 1.5 * mean("default",
                                                                  "parties_past_war")
    assert (mean("post_conflict", "past_war_violence_weeks")
            > 3 * mean("default", "past_war_violence_weeks"))
    assert (mean("post_conflict", "violence_share_past_war")
            > mean("default", "violence_share_past_war") + 0.1)
    # the conflict trap still shows inside the scenario
    assert (mean("post_conflict", "violence_share_past_war")
            > mean("post_conflict", "violence_share_no_past_war") + 0.03)


def share(name: str, part: str, whole: str) -> float:
    """Pooled over the seeds: sum of ``part`` over sum of ``whole``."""
    return float(runs(name)[part].sum() / runs(name)[whole].sum())


@pytest.mark.slow
def test_coup_transition_has_more_coups_and_more_violence_after_them():
    # 9.1 vs 2.4 coups per run (Poisson means 9 and 1.8); 0.74 of coups are followed by
    # violence of the same party within 12 weeks vs 0.44; violent party-weeks 452 vs 234
    assert mean("coup_transition", "coups") > 3 * mean("default", "coups")
    assert (share("coup_transition", "coups_followed_by_violence", "coups")
            > share("default", "coups_followed_by_violence", "coups") + 0.15)
    assert (mean("coup_transition", "violence_party_weeks")
            > 1.5 * mean("default", "violence_party_weeks"))


@pytest.mark.slow
def test_electoral_crisis_has_more_elections_and_more_violence_around_them():
    # 54.5 vs 21.6 elections; 10.6 vs 1.2 onsets around a party's own vote (12 weeks
    # before to 8 after); 0.45 of all onsets fall around a vote vs 0.13
    assert mean("electoral_crisis", "elections") > 2 * mean("default", "elections")
    assert (mean("electoral_crisis", "onsets_near_election")
            > 4 * mean("default", "onsets_near_election"))
    assert (share("electoral_crisis", "onsets_near_election", "onsets")
            > share("default", "onsets_near_election", "onsets") + 0.15)


@pytest.mark.slow
def test_regional_spillover_spreads_violence_across_regions():
    # regions reaching violence 3.2 of 4 vs 2.2 (every violent scenario raises this)
    assert (mean("regional_spillover", "regions_in_violence")
            > mean("default", "regions_in_violence") + 0.6)
    # 0.42 of onsets follow violence across a border (a tie to another region's party at
    # violence in the last 4 weeks) vs 0.08. Not just more violence: the most violent
    # scenarios, with default ties, stay near default (0.10 and 0.13)
    cross = share("regional_spillover", "cross_border_onsets", "onsets")
    assert cross > share("default", "cross_border_onsets", "onsets") + 0.2
    for other in ("electoral_crisis", "post_conflict"):
        assert cross > share(other, "cross_border_onsets", "onsets") + 0.15, other
