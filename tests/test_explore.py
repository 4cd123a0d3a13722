"""Exploratory modelling (sim.study.explore, experiment=robustness): regret, satisficing,
the front, PRIM on a planted box, and the ensemble as a user runs it."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.study import explore
from tests.conftest import run_cli

pytest.importorskip("ema_workbench", reason="the explore extra is not installed (make venv)")


def planted_runs(worlds: int = 200, seeds=(1, 2)) -> pd.DataFrame:
    """Three policies on a Latin hypercube over a, b, c: ``good`` beats the others in
    every world; ``fragile`` fails (violence 100) exactly where a > 0.6 and b < 0.4."""
    problem, X = explore.design({"a": [0.0, 1.0], "b": [0.0, 1.0], "c": [0.0, 1.0]},
                                worlds, seed=3)
    rows = []
    for s in seeds:
        for i, (a, b, c) in enumerate(X):
            fails = a > 0.6 and b < 0.4
            for policy, violence, war, cost in (
                    ("good", 5.0 + s, 0.0, 1e9), ("fragile", 100.0 if fails else 10.0,
                                                  float(fails), 2e9),
                    ("poor", 50.0 + c, 1.0, 3e9)):
                rows.append({"policy": policy, "sample": i, "a": a, "b": b, "c": c,
                             "seed": s, "violence_party_weeks": violence,
                             "armed_conflict": war, "total_cost_usd": cost})
    return pd.DataFrame(rows)


def test_prim_recovers_a_planted_box():
    runs = planted_runs()
    share = float((runs[runs.policy == "fragile"].groupby("sample").violence_party_weeks
                   .mean() > 50).mean())
    found = explore.discover(runs, ["a", "b", "c"], "fragile", "violence_party_weeks",
                             fail_share=share, min_density=0.95,
                             bounds={n: [0, 1] for n in "abc"})
    box = found["box"]
    assert box["coverage"] >= 0.9 and box["density"] >= 0.95
    limits = box["limits"]
    assert set(limits.index) == {"a", "b"}                         # c is left free
    assert limits.loc["a", "low"] == pytest.approx(0.6, abs=0.05)  # a > 0.6
    assert limits.loc["b", "high"] == pytest.approx(0.4, abs=0.05)  # b < 0.4
    assert found["cart"]["density"] >= 0.9
    assert set(found["feature_scores"].index[:2]) == {"a", "b"}
    assert found["cases"] == round(share * found["worlds"])


def test_regret_is_zero_for_a_dominant_policy():
    table = explore.robustness_table(planted_runs(worlds=30), {"armed_conflict": 0.5},
                                     resamples=50).set_index("policy")
    for col in ("violence_party_weeks_regret_mean", "violence_party_weeks_regret_p90",
                "total_cost_usd_regret_mean", "armed_conflict_regret_mean"):
        assert table.loc["good", col] == 0.0
        assert table.loc["good", f"{col}_low"] == table.loc["good", f"{col}_high"] == 0.0
        assert table.loc["poor", col] > 0
    # regret is the gap to the best in each world, by hand for one world
    runs = planted_runs(worlds=30)
    m = runs[runs["sample"] == 4].groupby("policy").violence_party_weeks.mean()
    r = explore.regret(explore.world_means(runs, "violence_party_weeks"),
                       "violence_party_weeks").loc[4]
    assert r["poor"] == pytest.approx(m["poor"] - m["good"])


def test_satisficing_matches_a_hand_count():
    runs = planted_runs(worlds=40)
    share = explore.satisficing(runs, {"violence_party_weeks": 20.0,
                                       "total_cost_usd": 2.5e9})
    fragile = runs[runs.policy == "fragile"].groupby("sample").violence_party_weeks.mean()
    assert share["fragile"] == pytest.approx(float((fragile <= 20).mean()))
    assert share["good"] == 1.0 and share["poor"] == 0.0   # poor: too violent, too dear
    assert explore.front(runs) == ["good"]


def test_the_front_keeps_only_the_non_dominated():
    rows = [{"policy": p, "sample": 0, "seed": 1, "armed_conflict": r, "total_cost_usd": c}
            for p, r, c in (("cheap", 0.9, 1.0), ("safe", 0.1, 9.0), ("middle", 0.5, 5.0),
                            ("dominated", 0.6, 6.0))]
    assert explore.front(pd.DataFrame(rows)) == ["safe", "middle", "cheap"]


SMALL = ["experiment=robustness", "explore.samples=6", "explore.chunks=2",
         "study.replications=2", "horizon_weeks=52", "policy=none,envoy"]


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("robustness")
    result = run_cli(*SMALL, "study.sweep_name=basic", "hydra/launcher=basic", cwd=cwd,
                     timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    return cwd, cwd / "results" / "robustness" / "basic"


def test_the_ensemble_runs_every_policy_on_every_world_with_the_same_seeds(ensemble):
    _, folder = ensemble
    runs = pd.read_parquet(folder / "runs.parquet")
    assert sorted(runs["sample"].unique()) == [-1, 0, 1, 2, 3, 4, 5]  # the default world too
    assert len(runs) == 2 * 7 * 2
    worlds = runs.groupby(["policy", "sample"])[["dynamics.reaction", "seed"]].agg(tuple)
    none, envoy = worlds.loc["none"], worlds.loc["envoy"]
    assert none.equals(envoy)  # the same worlds and seeds for every policy
    report = (folder / "report.md").read_text()
    for text in ("## Robustness: regret and satisficing", "satisficing",
                 "## Where does `envoy` fail?", "PRIM box", "Feature scores",
                 "figures/parallel_coordinates.png", "cost–risk front"):
        assert text in report, text
    assert (folder / "figures" / "parallel_coordinates.png").stat().st_size > 10_000
    assert (folder / "robustness.csv").exists()


def test_the_ensemble_is_identical_whatever_the_launcher(ensemble):
    cwd, folder = ensemble
    result = run_cli(*SMALL, "study.sweep_name=joblib", "hydra/launcher=joblib",
                     "hydra.launcher.n_jobs=2", cwd=cwd, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    other = cwd / "results" / "robustness" / "joblib"
    key = ["policy", "sample", "seed"]
    a = pd.read_parquet(folder / "runs.parquet").sort_values(key, ignore_index=True)
    b = pd.read_parquet(other / "runs.parquet").sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(a, b)


def test_a_bad_uncertainty_is_refused_before_anything_is_written(tmp_path):
    result = run_cli(*SMALL, "explore.uncertainties={dynamics.reaction:[0.3,0.1]}",
                     "study.sweep_name=bad", cwd=tmp_path)
    assert result.returncode == 2
    assert "explore.uncertainties.dynamics.reaction" in result.stderr
    assert "[low, high] with low < high" in result.stderr
    assert not (tmp_path / "results" / "robustness" / "bad").exists()
    result = run_cli(*SMALL, "+explore.satisficing.nope=1", "study.sweep_name=bad2",
                     cwd=tmp_path)
    assert result.returncode == 2 and "explore.satisficing.nope" in result.stderr


def test_a_sensitivity_study_does_not_screen_what_its_policy_cannot_move():
    import yaml

    import sim
    from sim.config import RESPONSE_ONLY, AppConfig, config_dir, validate_app
    from sim.core.params import ParameterError

    app = AppConfig()
    app.study.runner, app.study.sweep_name = "sensitivity", "t"
    app.sensitivity.uncertainties = {"dynamics.reaction": [0.15, 0.25], "un.unity": [0.2, 0.9]}
    with pytest.raises(ParameterError) as err:
        validate_app(app)
    (field, value, rule), = err.value.problems
    assert field == "sensitivity.uncertainties.un.unity" and value == [0.2, 0.9]
    assert "acts only through a response" in rule and "'none'" in rule
    app.policy = sim.compose(["policy=envoy"]).policy  # a policy that acts may screen it
    validate_app(app)
    default = yaml.safe_load((config_dir() / "experiment" / "sensitivity.yaml").read_text())
    assert not [n for n in default["sensitivity"]["uncertainties"]
                if n.startswith(RESPONSE_ONLY)]  # the default study (policy none)


def test_swept_values_read_as_what_they_mean():
    from sim.study.report import readable_input

    assert readable_input("policy.response_delay_days", 10.021262325314114) == "10"
    assert readable_input("policy.intensity_scale", 1.2196959224891455) == "1.22"
    assert readable_input("policy.response_delay_days", 3.5) == "3.5"
    assert readable_input("policy.response_delay_days", float("nan")) == "–"
    assert readable_input("policy", "envoy") == "envoy"


def test_the_pareto_front_by_hand():
    from sim.study.search import non_dominated

    points = [(0.9, 1.0), (0.1, 9.0), (0.5, 5.0), (0.6, 6.0), (0.5, 5.0)]
    assert non_dominated(points) == [0, 1, 2, 4]  # (0.6, 6) is beaten by (0.5, 5)


FRONT = ["experiment=policy_front", "study.replications=3", "hydra.sweeper.n_trials=4",
         "hydra.sweeper.sampler.population_size=2", "hydra.sweeper.n_jobs=1",
         "horizon_weeks=52"]


def test_a_multi_objective_search_reports_its_front(tmp_path):
    result = run_cli(*FRONT, "study.sweep_name=t", cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    folder = tmp_path / "results" / "policy_front" / "t"
    report = (folder / "report.md").read_text()
    assert "## Policy search: the front of `armed_conflict` and `total_cost_usd`" in report
    assert "| front |" in report and "| yes |" in report
    again = pd.read_csv(folder / "reevaluation.csv")
    assert {"armed_conflict", "total_cost_usd"} <= set(again.columns) and len(again) >= 1
    runs = pd.read_parquet(folder / "runs.parquet")
    from sim.study.search import non_dominated

    groups = ["policy", "policy.response_delay_days", "policy.intensity_scale"]
    means = runs.groupby(groups)[["armed_conflict", "total_cost_usd"]].mean()
    assert len(again) == len(non_dominated(means.to_numpy()))  # the whole front, again


def test_a_multi_objective_search_needs_one_direction_per_objective(tmp_path):
    result = run_cli(*FRONT, "hydra.sweeper.direction=minimize", "study.sweep_name=bad",
                     cwd=tmp_path)
    assert result.returncode == 2
    assert "hydra.sweeper.direction = minimize: ['minimize', 'minimize']" in result.stderr
    assert not (tmp_path / "results" / "policy_front" / "bad").exists()


def test_any_swept_input_is_a_lever(tmp_path):
    args = ["experiment=robustness", "explore.samples=2", "explore.chunks=1",
            "study.replications=1", "horizon_weeks=26", "policy=envoy",
            "policy.response_delay_days=7,90", "study.sweep_name=t"]
    result = run_cli(*args, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    report = (tmp_path / "results" / "robustness" / "t" / "report.md").read_text()
    assert "2 lever settings (`policy.response_delay_days`)" in report
    assert "| policy.response_delay_days | default world" in report
    assert "\n| 7 |" in report and "\n| 90 |" in report
