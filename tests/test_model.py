"""The public API of ConflictModel, reproducibility and the purity of the core."""

from __future__ import annotations

import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import sim
from sim import ConflictModel
from sim.core import metrics
from sim.core.agents import Party
from sim.core.dynamics import Level
from sim.core.params import Params
from tests.conftest import ROOT, make_params


@pytest.fixture(scope="module")
def model():
    return ConflictModel(Params(seed=11)).run()


def test_public_api_shapes_and_order(model):
    n = len(model.party_ids)
    assert model.party_ids == list(model.network.nodes)
    assert isinstance(model.network, nx.Graph)
    assert sp.issparse(model.adjacency) and model.adjacency.format == "csr"
    assert model.adjacency.shape == (n, n)
    for name in ("hostility", "grievance", "restraint", "level"):
        arr = getattr(model.state, name)
        assert isinstance(arr, np.ndarray) and arr.shape == (n,), name
    assert model.steps == model.params.horizon_weeks == 156


def test_adjacency_follows_party_ids(model):
    i, j = next(iter(model.network.edges))
    a, b = model.party_ids.index(i), model.party_ids.index(j)
    w_raw = model.network[i][j]["weight"]
    row_sum = sum(d["weight"] for _, _, d in model.network.edges(i, data=True))
    assert model.adjacency[a, b] == pytest.approx(w_raw / row_sum)


def test_party_agents_are_views_on_the_arrays(model):
    parties = list(model.agents_by_type[Party])
    assert len(parties) == len(model.party_ids)
    p = parties[5]
    assert p.party_id == model.party_ids[5]
    assert p.hostility == model.state.hostility[5]
    assert p.level == Level(int(model.state.level[5]))
    p.hostility = 0.123
    assert model.state.hostility[5] == 0.123


def test_events_table(model):
    ev = model.events
    assert list(ev.columns) == ["week", "kind", "party", "actor", "detail"]
    assert ev.week.is_monotonic_increasing
    from sim.core.events import EventKind

    assert set(ev.kind) <= {k.value for k in EventKind}
    assert {"escalation", "violence_onset", "warning", "election"} <= set(ev.kind)
    # every level change appears, with the party's id
    changes = ev[ev.kind.isin(["escalation", "deescalation"])]
    L = model.level_history
    assert len(changes) == int((np.diff(L, axis=0) != 0).sum())
    assert set(changes.party) <= set(model.party_ids)


def test_threshold_moments_match_level_history(model):
    ev = model.events
    L = model.level_history
    onsets = ((L[1:] >= 3) & (L[:-1] < 3)).sum()
    assert (ev.kind == "violence_onset").sum() == onsets
    for _, row in ev[ev.kind == "violence_onset"].iterrows():
        i, w = model.party_ids.index(row.party), int(row.week)
        assert L[w, i] >= 3 and L[w - 1, i] < 3


def test_outcomes_contract(model):
    out = metrics.outcomes(model)
    for key in ("armed_conflict", "parties_in_violence", "violence_party_weeks",
                "peak_level", "weeks_to_first_violence"):
        assert key in out
    L = model.level_history
    assert out["armed_conflict"] == int((L == 4).any())
    assert out["peak_level"] == L.max()
    assert out["violence_party_weeks"] == (L[1:] >= 3).sum()
    assert out["parties_in_violence"] == (L >= 3).any(axis=0).sum()


def test_outcomes_of_a_peaceful_run():
    model = ConflictModel(make_params(**{"dynamics.grievance_mean": 0.0,
                                         "dynamics.noise_sd": 0.0, "shocks.enabled": False,
                                         "dynamics.initial_hostility_mean": 0.0,
                                         "dynamics.initial_hostility_sd": 0.0})).run()
    out = metrics.outcomes(model)
    assert out["armed_conflict"] == 0 and out["violence_party_weeks"] == 0
    assert np.isnan(out["weeks_to_first_violence"]) and out["peak_level"] == 0


def test_same_seed_same_world_different_seed_different_world():
    a = ConflictModel(Params(seed=4)).run()
    b = ConflictModel(Params(seed=4)).run()
    c = ConflictModel(Params(seed=5)).run()
    assert np.array_equal(a.hostility_history, b.hostility_history)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert not np.array_equal(a.hostility_history, c.hostility_history)
    assert sorted(a.network.edges) != sorted(c.network.edges)


def test_seed_zero_is_a_seed():
    a = ConflictModel(Params(seed=0)).run()
    b = ConflictModel(Params(seed=0)).run()
    assert np.array_equal(a.hostility_history, b.hostility_history)
    assert a.streams.seed == 0


def test_streams_are_separate():
    """Changing the noise level does not change the network, the initial state or the
    shock calendar (they come from their own streams)."""
    a = ConflictModel(make_params(seed=3))
    b = ConflictModel(make_params(seed=3, **{"dynamics.noise_sd": 0.5}))
    assert sorted(a.network.edges) == sorted(b.network.edges)
    assert np.array_equal(a.state.hostility, b.state.hostility)
    assert np.array_equal(a.shocks.coup_step, b.shocks.coup_step)
    c = ConflictModel(make_params(seed=3, **{"dynamics.grievance_cv": 0.9}))
    assert np.array_equal(a.state.past_war, c.state.past_war)  # per-attribute streams


def test_grievance_includes_conflict_history_boost():
    m = ConflictModel(make_params(seed=2, **{"history.past_war_fraction": 0.5}))
    s = m.state
    assert s.past_war.any() and (~s.past_war).any()
    boost = m.params.history.grievance_boost
    assert np.allclose(s.grievance_base - s.grievance, 0)
    with_history = ConflictModel(make_params(seed=2, **{"history.past_war_fraction": 0.5,
                                                        "history.grievance_boost": 0.0}))
    assert np.allclose(s.grievance_base - with_history.state.grievance_base,
                       boost * s.past_war)


def test_elections_and_coups_happen_as_scheduled():
    m = ConflictModel(make_params(seed=8, horizon_weeks=416, **{
        "shocks.coup_rate_per_year": 0.5, "shocks.election_share": 1.0,
        "shocks.election_interval_weeks": 52})).run()
    ev = m.events
    elections = ev[ev.kind == "election"]
    # every party votes once a year: 8 votes each in 416 weeks
    assert elections.groupby("party").size().eq(8).all()
    coups = ev[ev.kind == "coup"]
    expected = 60 * 0.5 * 8
    assert abs(len(coups) - expected) < 4 * np.sqrt(expected)   # Poisson, 4 sd
    assert len(coups) == len(m.shocks.coup_step)


def test_coup_raises_hostility_and_grievance():
    p = make_params(seed=1, **{"shocks.coup_rate_per_year": 52.0, "dynamics.noise_sd": 0.0,
                               "dynamics.feedback": False, "shocks.election_share": 0.0})
    m = ConflictModel(p)
    step1 = m.shocks.coups(1)
    assert step1.size > 0
    i = int(step1[0])
    g0 = m.state.grievance_base[i]
    m.step()
    hits = (step1 == i).sum()
    assert m.state.grievance_base[i] == pytest.approx(g0 + hits * p.shocks.coup_grievance)
    assert (m.events.kind == "coup").sum() == step1.size


def test_shocks_disabled_means_none():
    m = ConflictModel(make_params(seed=8, **{"shocks.enabled": False,
                                             "shocks.coup_rate_per_year": 5.0})).run()
    assert not m.events.kind.isin(["coup", "election"]).any()


def test_network_file_parties_and_attributes():
    m = ConflictModel(make_params(**{"network.kind": "file", "network.path": str(
        ROOT / "tests" / "data" / "two_regions.graphml")})).run()
    assert m.party_ids == ["north_gov", "north_opp", "south_gov", "south_rebels"]
    assert m.state.past_war.tolist() == [True, False, False, True]
    assert m.state.region.tolist() == [0, 0, 1, 1]


def test_core_does_not_import_hydra_or_matplotlib():
    code = ("import sys, sim.core.model, sim.core.metrics, sim.study.runner; "
            "bad = [m for m in ('hydra', 'matplotlib', 'omegaconf') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_returns_model_and_stops_at_horizon():
    m = ConflictModel(make_params(horizon_weeks=10))
    assert m.run() is m and m.steps == 10 and m.running is False
    m.step()  # a user may step beyond the horizon; records keep up
    assert m.level_history.shape[0] == 12


def test_sim_exports():
    assert sim.ConflictModel is ConflictModel and callable(sim.compose)


def test_keyword_construction_like_mesa_tools():
    """SolaraViz rebuilds models from keyword arguments; batch_run passes them and rng."""
    a = ConflictModel(rng=5, dynamics__reaction=0.25, network__n_parties=30)
    assert a.params.seed == 5 and a.params.dynamics.reaction == 0.25
    assert len(a.party_ids) == 30
    assert Params().dynamics.reaction == 0.2                 # defaults untouched
    base = Params(seed=1)
    b = ConflictModel(base, un__unity=0.9)
    assert b.params.un.unity == 0.9 and base.un.unity == 0.5
    with pytest.raises(sim.ParameterError, match="dynamics.reacton"):
        ConflictModel(dynamics__reacton=1)
    with pytest.raises(sim.ParameterError, match="dynamics.reaction"):
        ConflictModel(dynamics__reaction=-1)


def test_mesa_reset_scenario_object_is_ignored():
    """SolaraViz's Reset passes Mesa's own ``scenario=Scenario(...)`` keyword."""
    from mesa.experimental.scenarios import Scenario

    m = ConflictModel(scenario=Scenario(rng=3), dynamics__reaction=0.3)
    assert m.params.scenario.name == "default" and m.params.dynamics.reaction == 0.3


def test_mesa_batch_run_builds_and_runs_the_model():
    import mesa

    results = mesa.batch_run(ConflictModel, parameters={"horizon_weeks": 5,
                                                        "network__n_parties": 12},
                             rng=[1, 2], max_steps=5, number_processes=1,
                             display_progress=False)
    assert len(results) == 2 and {r["rng"] for r in results} == {1, 2}
    for r in results:
        assert sum(r[f"parties_{lv.name.lower()}"] for lv in Level) == 12
    again = mesa.batch_run(ConflictModel, parameters={"horizon_weeks": 5,
                                                      "network__n_parties": 12},
                           rng=[1], max_steps=5, number_processes=1, display_progress=False)
    assert again[0] == next(r for r in results if r["rng"] == 1) | {"RunId": 0}


def test_imports_are_light_and_the_public_names_work():
    """``import sim.params`` brings no Mesa, pandas or networkx; ``import sim`` then
    ``sim.metrics`` works; the public names are the modules of the layers."""
    light = ("import sys, sim.params; "
             "bad = [m for m in ('mesa', 'pandas', 'networkx', 'hydra') if m in sys.modules]; "
             "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", light], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    public = ("import sim; sim.metrics.outcomes; import sim.params, sim.core.params; "
              "assert sim.params is sim.core.params and sim.metrics is sim.core.metrics; "
              "from sim.params import Params; from sim.metrics import outcomes; "
              "import sim.model, sim.network, sim.warning, sim.report; "
              "assert sim.report.main and sim.model.ConflictModel is sim.ConflictModel")
    subprocess.run([sys.executable, "-c", public], cwd=ROOT, check=True)


def test_the_tree_uses_public_hydra_api_only():
    hits = [p for folder in ("sim", "hydra_plugins", "tests", "scripts", "benchmarks",
                             "experiments")
            for p in (ROOT / folder).rglob("*.py") if "hydra._internal" in p.read_text()
            and p.name != "test_model.py"]
    assert not hits, hits


def test_weariness_rates_spread_as_a_gamma_of_the_set_mean_and_cv():
    """dynamics.weariness_cv spreads the weariness rate across parties (gamma, mean
    weariness_rate), from its own stream: the other attributes keep their draws.
    Tolerance: 2,000 parties, the sample mean within 4 standard errors (cv/√n)."""
    n, rate, cv = 2000, 0.01, 0.8
    m = ConflictModel(make_params(seed=4, **{"network.n_parties": n,
                                             "dynamics.weariness_rate": rate,
                                             "dynamics.weariness_cv": cv}))
    r = m.state.weariness_rate
    assert (r > 0).all() and abs(r.mean() / rate - 1) < 4 * cv / np.sqrt(n)
    assert abs(r.std() / r.mean() - cv) < 0.1
    same = ConflictModel(make_params(seed=4, **{"network.n_parties": n,
                                                "dynamics.weariness_rate": rate,
                                                "dynamics.weariness_cv": 0.0}))
    assert same.state.weariness_rate.tolist() == [rate] * n
    for name in ("hostility", "grievance", "restraint", "past_war", "infrastructure"):
        assert np.array_equal(getattr(m.state, name), getattr(same.state, name)), name


def test_a_war_economy_drives_its_party_only_at_violence():
    """history.war_economy_share of parties get war_economy_drive added to their
    hostility drive while at level 3 or above (one of the feedbacks): with noise off, one
    step differs from the same world without war economies by exactly dt·drive there, and
    nowhere else; with the feedbacks off, not at all."""
    over = {"dynamics.noise_sd": 0.0, "shocks.enabled": False,
            "history.war_economy_share": 0.0,
            "dynamics.initial_hostility_mean": 1.5, "dynamics.initial_hostility_sd": 0.3}
    with_economy = ConflictModel(make_params(seed=6, **{
        **over, "history.war_economy_share": 0.5, "history.war_economy_drive": 0.2}))
    without = ConflictModel(make_params(seed=6, **over))
    s = with_economy.state
    flagged = s.war_economy > 0
    assert flagged.any() and (~flagged).any()
    assert set(s.war_economy.tolist()) == {0.0, 0.2}
    at_war = s.level >= Level.VIOLENCE
    assert (at_war & flagged).any() and (~at_war & flagged).any()
    assert np.array_equal(s.hostility, without.state.hostility)  # the same world
    with_economy.step()
    without.step()
    diff = with_economy.state.hostility - without.state.hostility
    assert diff[at_war & flagged] == pytest.approx(with_economy.dt * 0.2)
    assert np.array_equal(diff[~(at_war & flagged)], np.zeros((~(at_war & flagged)).sum()))
    linear = {**over, "dynamics.feedback": False}
    a = ConflictModel(make_params(seed=6, **{**linear, "history.war_economy_share": 0.5,
                                             "history.war_economy_drive": 0.2}))
    b = ConflictModel(make_params(seed=6, **linear))
    a.step()
    b.step()
    assert np.array_equal(a.state.hostility, b.state.hostility)


def test_network_file_sets_war_economies(tmp_path):
    g = nx.read_graphml(ROOT / "tests" / "data" / "two_regions.graphml")
    for node, flag in zip(g.nodes, (0, 1, 1, 0)):
        g.nodes[node]["war_economy"] = flag
    path = tmp_path / "economies.graphml"
    nx.write_graphml(g, path)
    m = ConflictModel(make_params(**{"network.kind": "file", "network.path": str(path),
                                     "history.war_economy_drive": 0.1}))
    assert m.state.war_economy.tolist() == [0.0, 0.1, 0.1, 0.0]
