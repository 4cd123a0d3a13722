"""`python -m sim` as a user runs it."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import ROOT, run_cli

DATA_FILES = ["config.yaml", "outcomes.json", "timeseries.csv", "events.csv",
              "party_weeks.parquet", "parties.csv", "crises.csv"]


def listing(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_default_run_writes_records_and_prints_summary(tmp_path):
    result = run_cli("seed=3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "armed_conflict" in result.stdout and "records:" in result.stdout
    runs = list((tmp_path / "results" / "runs").iterdir())
    assert len(runs) == 1 and runs[0].name.endswith("_default_none_seed3")
    folder = runs[0]
    assert sorted(p.name for p in folder.iterdir()) == sorted(DATA_FILES + ["manifest.json"])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seeds"] == [3] and manifest["config"]["seed"] == 3
    assert {"mesa", "numpy", "prevsim"} <= set(manifest["versions"])
    assert manifest["git_commit"] and manifest["started"] <= manifest["finished"]
    outcomes = json.loads((folder / "outcomes.json").read_text())
    weekly = pd.read_csv(folder / "timeseries.csv")
    assert len(weekly) == 157
    party_weeks = pd.read_parquet(folder / "party_weeks.parquet")
    assert len(party_weeks) == 157 * 60
    assert outcomes["violence_party_weeks"] == (party_weeks.query("week > 0").level >= 3).sum()


def test_same_seed_identical_files_in_separate_processes(tmp_path):
    for name in ("a", "b", "c"):
        seed = "7" if name != "c" else "8"
        result = run_cli(f"seed={seed}", f"run_dir={tmp_path / name}")
        assert result.returncode == 0, result.stderr
    for name in DATA_FILES:
        a = (tmp_path / "a" / name).read_bytes()
        assert a == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "party_weeks.parquet").read_bytes() != (
        tmp_path / "c" / "party_weeks.parquet").read_bytes()


def test_overrides_from_the_issue(tmp_path):
    result = run_cli("network=small_world", "seed=3", "dynamics.reaction=0.2",
                     f"run_dir={tmp_path / 'sw'}")
    assert result.returncode == 0, result.stderr
    config = (tmp_path / "sw" / "config.yaml").read_text()
    assert "kind: small_world" in config and "reaction: 0.2" in config


@pytest.mark.parametrize("args,fragment", [
    (["dynamics.reaction=-1"], "dynamics.reaction = -1.0: must be >= 0"),
    (["dynamics.reacton=0.2"], "reacton"),
    (["shocks.coup_rate_per_year=lots"], "coup_rate_per_year"),
    (["policy=telepathy"], "telepathy"),
    (["network=file", "network.path=missing.graphml"], "no such file"),
    (["escalation.crisis=0.1"], "escalation.crisis"),
])
def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path, args, fragment):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert fragment in result.stderr + result.stdout
    assert listing(tmp_path) == []


def test_malformed_network_file_writes_nothing(tmp_path):
    net = tmp_path / "net.txt"
    net.write_text("a b 1\nb b 2\n")
    result = run_cli("network=file", f"network.path={net}", cwd=tmp_path)
    assert result.returncode == 2 and "self loops" in result.stderr
    assert listing(tmp_path) == ["net.txt"]


def test_existing_run_dir_is_never_overwritten(tmp_path):
    target = tmp_path / "run"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    result = run_cli(f"run_dir={target}")
    assert result.returncode == 2 and "already exists" in result.stderr
    assert listing(target) == ["keep.txt"]


def test_network_file_run(tmp_path):
    result = run_cli("network=file",
                     f"network.path={ROOT / 'tests' / 'data' / 'two_regions.graphml'}",
                     f"run_dir={tmp_path / 'f'}")
    assert result.returncode == 0, result.stderr
    parties = pd.read_csv(tmp_path / "f" / "parties.csv")
    assert list(parties.party) == ["north_gov", "north_opp", "south_gov", "south_rebels"]


def test_results_are_readable_by_others(tmp_path):
    """Atomic writes go through temporary files (mode 0600) but land with normal modes."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        from sim.study.storage import atomic_dir, write_json

        with atomic_dir(tmp_path / "run") as tmp:
            write_json(tmp / "a.json", {"x": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "run").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "run" / "a.json").stat().st_mode) == 0o644


@pytest.mark.parametrize("policy", ["sanctions", "group_of_friends", "escalating",
                                    "electoral_assistance", "political_mission"])
def test_each_of_the_reports_other_tools_runs_from_the_cli(tmp_path, policy):
    """Issue 15's check: each shipped policy of the report's other tools runs as a user
    runs it and acts (its instrument's events are in the records)."""
    result = run_cli(f"policy={policy}", "seed=2", f"run_dir={tmp_path / 'r'}")
    assert result.returncode == 0, result.stderr
    events = pd.read_csv(tmp_path / "r" / "events.csv")
    acted = {"electoral_assistance": "electoral_assistance"}.get(policy, "action")
    assert (events.kind == acted).any()
    assert json.loads((tmp_path / "r" / "outcomes.json").read_text())[
        "intervention_cost_usd"] > 0
