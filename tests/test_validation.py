"""The validation study (experiments/validation/, docs/validation.md) runs end to end.

Each script is run once with a tiny ``--seeds`` and a temporary ``--out`` and must write
its CSV table, its PNG and SVG figure and its manifest. One script is started as a user
starts it, from the command line; the others run their ``main`` in this process, to save
interpreter start-ups. The threshold study must find the analytic Richardson threshold: for at
least one family its empirical bracket contains k·ρ(W)/a = 1.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT

SCRIPTS = ROOT / "experiments" / "validation"

# one worker runs the whole module, so each script runs once (make test uses xdist)
pytestmark = pytest.mark.xdist_group("validation")

# (script, extra arguments): the smallest runs that still exercise every step
CASES = {
    "threshold": ["--seeds", "1", "--sizes", "12", "--families", "small_world", "scale_free",
                  "--normalisations", "none", "--no-heterogeneous"],
    "conflict_trap": ["--seeds", "3", "--resamples", "50"],
    "violence_duration": ["--seeds", "3", "--long-seeds", "1", "--resamples", "5"],
    "early_vs_late": ["--seeds", "2"],
}


def load(name: str):
    """The script as a module (its ``main(argv)`` is what the command line runs)."""
    spec = importlib.util.spec_from_file_location(f"validation_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(name: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    """The script started from the command line, as the README says."""
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    return subprocess.run([sys.executable, str(SCRIPTS / f"{name}.py"), "--out", str(out),
                           *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def outputs() -> dict[str, Path]:
    """Each script run once, into its own temporary folder."""
    return {}


#: the script started from the command line (the others run in this process)
COMMAND_LINE = "conflict_trap"


def _run(outputs: dict, tmp_path_factory, name: str) -> Path:
    if name not in outputs:
        out = tmp_path_factory.mktemp(name) / "out"
        if name == COMMAND_LINE:
            proc = run_script(name, out, *CASES[name])
            assert proc.returncode == 0, proc.stderr[-3000:]
            printed = proc.stdout
        else:
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                assert load(name).main(["--out", str(out), *CASES[name]]) == 0
            printed = buffer.getvalue()
        assert "wrote" in printed and "manifest.json" in printed
        outputs[name] = out
        outputs[f"{name}:stdout"] = printed
    return outputs[name]


@pytest.mark.parametrize("name", list(CASES))
def test_script_writes_table_and_figure(name, outputs, tmp_path_factory):
    out = _run(outputs, tmp_path_factory, name)
    table = pd.read_csv(out / f"{name}.csv")
    assert len(table) > 0
    for ext in ("png", "svg"):
        figure = out / f"{name}.{ext}"
        assert figure.is_file() and figure.stat().st_size > 1000
    assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = json.loads((out / "manifest.json").read_text())
    assert f"{name}.csv" in manifest["files"] and manifest["seeds"]
    assert not list(out.glob(".*.tmp")), "a temporary file was left behind"


def test_threshold_brackets_the_analytic_value(outputs, tmp_path_factory):
    table = pd.read_csv(_run(outputs, tmp_path_factory, "threshold") / "threshold.csv")
    uniform = table[table.restraint == "uniform"]
    assert set(uniform.family) == {"small_world", "scale_free"}
    assert set(uniform.normalise) == {"none"}
    bracketing = uniform[uniform.brackets_analytic.astype(bool)]
    assert len(bracketing) >= 1
    assert ((bracketing.last_converged < 1) & (bracketing.first_runaway > 1)).all()
    assert (bracketing.first_runaway - bracketing.last_converged < 0.01).all()
    # converged runs settle on (diag(a) − k·W)⁻¹·g
    assert (uniform.max_rel_error_to_eq < 1e-6).all()


def test_conflict_trap_table_has_the_report_comparison(outputs, tmp_path_factory):
    table = pd.read_csv(_run(outputs, tmp_path_factory, "conflict_trap") / "conflict_trap.csv")
    measures = set(table.measure)
    assert {"relative_risk", "share_onsets_past_war", "share_onsets_history",
            "relapse_52w_past_war", "recurrence_past_war"} <= measures
    share = table.set_index("measure").loc["share_onsets_past_war"]
    assert 0 <= share.model <= 1 and "90%" in share.reference


def test_early_vs_late_is_paired_on_the_same_seeds(outputs, tmp_path_factory):
    out = _run(outputs, tmp_path_factory, "early_vs_late")
    runs = pd.read_csv(out / "runs.csv")
    seeds = runs.groupby("arm").seed.apply(sorted)
    assert all(s == seeds.iloc[0] for s in seeds)
    diffs = pd.read_csv(out / "early_vs_late.csv")
    assert {"envoy_90d − envoy_7d", "late_envoy − none"} <= set(diffs.comparison)
    assert (diffs.low <= diffs.d_violence_party_weeks).all()
    assert (diffs.d_violence_party_weeks <= diffs.high).all()


def test_a_script_runs_from_the_command_line(outputs, tmp_path_factory):
    out = _run(outputs, tmp_path_factory, COMMAND_LINE)
    printed = outputs[f"{COMMAND_LINE}:stdout"]
    assert "share_onsets_past_war" in printed  # the table is printed as docs paste it
    assert (out / "conflict_trap.csv").is_file() and (out / "conflict_trap.png").is_file()


def test_scripts_refuse_bad_seeds(tmp_path):
    with pytest.raises(SystemExit, match="--seeds"):
        load("early_vs_late").main(["--seeds", "1", "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


def test_ucdp_targets_reproduce_the_record(tmp_path):
    """Issue 17's targets from the UCDP/PRIO data (data/ucdp/): the figures the issue
    quotes (390 intrastate episodes 1946–2013, median 1.1 years, 39% over two years, 23%
    over five, 13% over ten, war episodes' median 4.3 years, 49% of conflicts with more
    than one episode), to the rounding it gives them at; with its table, figure and
    manifest."""
    out = tmp_path / "out"
    with contextlib.redirect_stdout(io.StringIO()):
        assert load("ucdp_targets").main(["--out", str(out)]) == 0
    table = pd.read_csv(out / "ucdp_targets.csv")
    value = table[table.subset == "all"].set_index("target").value
    assert value.episodes == 390 and value.conflicts == 187
    expected = {"median_years": 1.1, "share_over_2y": 0.39, "share_over_5y": 0.23,
                "share_over_10y": 0.13, "median_years_war": 4.3,
                "share_conflicts_recurring": 0.49}
    for target, figure in expected.items():
        assert abs(value[target] - figure) <= 0.05, (target, value[target])
    assert value.share_within_1y == pytest.approx(0.49, abs=0.01)
    for ext in ("png", "svg"):
        assert (out / f"ucdp_targets.{ext}").stat().st_size > 1000
    assert "ucdp_targets.csv" in json.loads((out / "manifest.json").read_text())["files"]


def test_ucdp_targets_refuse_a_missing_file(tmp_path):
    with pytest.raises(SystemExit, match="--data"):
        load("ucdp_targets").main(["--data", str(tmp_path / "none.csv"),
                                   "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


def test_model_spells_are_joined_into_episodes_as_the_record_counts_them():
    """Spells closer than a year are one UCDP-style episode; a year's lull ends it; an
    episode with a week at level 4 reached war; one running at the end is counted to it."""
    module = load("durations_vs_record")
    weeks = np.arange(0, 201, dtype=float)
    levels = np.zeros((201, 2), dtype=np.int8)
    levels[10:20, 0] = 3   # spell 1
    levels[30:40, 0] = 4   # 10 weeks later: joined, and war
    levels[120:130, 0] = 3  # 80 weeks later: a new episode
    levels[190:, 1] = 3    # running at the end
    ep = module.model_episodes(levels, weeks, 52.0, run=0).sort_values(["party", "start"])
    assert ep[["party", "start", "end", "ended", "war"]].values.tolist() == [
        [0, 10.0, 40.0, True, True], [0, 120.0, 130.0, True, False],
        [1, 190.0, 200.0, False, False]]
    assert ep.years.tolist() == pytest.approx([30 / 52, 10 / 52, 10 / 52])


def test_durations_vs_record_runs_small(tmp_path):
    out = tmp_path / "out"
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        assert load("durations_vs_record").main(
            ["--seeds", "2", "--years", "3", "--out", str(out)]) == 0
    table = pd.read_csv(out / "durations_vs_record.csv").set_index("target")
    assert table.loc["episodes", "record"] == 390 and table.loc["episodes", "model"] > 0
    assert (out / "durations_vs_record.png").stat().st_size > 1000
    assert "model_over_record" in printed.getvalue()


def test_war_relapse_counts_wars_followed_by_a_new_episode_within_ten_years():
    """Of the ended war episodes with a full ten years of follow-up, those whose conflict
    starts again within ten years: a hand count."""
    u = load("ucdp_targets")
    ep = pd.DataFrame({
        "conflict": ["a", "a", "b", "c", "c", "d"],
        "start_year": [0.0, 8.0, 1.0, 2.0, 20.0, 15.0],
        "end_year": [3.0, 9.0, 4.0, 5.0, 21.0, 16.0],
        "ended": [True, True, True, True, True, True],
        "war": [True, False, True, True, False, True]})
    # a: war ends at 3, next at 8 (5 years): relapse; b: never again; c: 15 years later,
    # no relapse within ten; d: ends at 16, follow-up to 26 > 25: not counted
    assert u.war_relapse(ep, horizon_years=25.0) == (1, 3)
    assert u.war_relapse(ep.iloc[:0], horizon_years=25.0) == (0, 0)


def test_calibration_distance_and_prior_conflict_share():
    """The distance is zero at the record and adds the squared differences of logits and
    log lengths; the prior-conflict share counts past wars and earlier episodes."""
    c = load("calibrate")
    record = {name: 0.3 if scale == "logit" else 2.0 for name, scale in c.CALIBRATED.items()}
    assert c.distance(dict(record), record) == 0.0
    moved = dict(record, median_years=2.0 * np.e)
    assert c.distance(moved, record) == pytest.approx(1.0)
    ep = pd.DataFrame({"conflict": ["0:1", "0:1", "0:2", "0:3"],
                       "start_year": [2.0, 12.0, 11.0, 15.0],
                       "past_war": [False, False, True, False]})
    # after year 10: 0:1's second episode (earlier one), 0:2 (past war), 0:3 (neither)
    assert c.prior_conflict_share(ep) == pytest.approx(2 / 3)
    assert c.verdict(1.0, 1.2, 0.9, 1.3) == "within"
    assert c.verdict(1.0, 1.9, 1.5, 2.1) == "same order"
    assert c.verdict(1.0, 3.0, 2.5, 3.5) == "off"


def test_calibration_runs_small_and_writes_what_it_found(tmp_path):
    out = tmp_path / "out"
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        assert load("calibrate").main(["--trials", "2", "--seeds", "2", "--years", "4",
                                       "--check-seeds", "2", "--jobs", "1",
                                       "--out", str(out)]) == 0
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 2 and trials.distance.notna().all()
    best = json.loads((out / "best.json").read_text())
    assert best["distance"] == pytest.approx(trials.distance.min())
    assert len(best["overrides"]) == len(load("calibrate").PARAMETERS)
    targets = pd.read_csv(out / "targets.csv")
    assert set(targets.setting) == {"before issue 17", "defaults", "found"}
    assert {"calibrated", "held out"} <= set(targets.role)
    assert (out / "calibration_survival.png").stat().st_size > 1000
    assert "| target | role | record |" in (out / "report.md").read_text()
    assert "best distance so far" in printed.getvalue()


def test_validate_writes_one_report_with_every_comparison(tmp_path):
    """make validate's harness, tiny: one row per target with its source, reference,
    the model's value and a verdict from the documented vocabulary; the report names
    its figures, and they exist."""
    out = tmp_path / "out"
    with contextlib.redirect_stdout(io.StringIO()):
        assert load("validate").main(["--quick", "--out", str(out)]) == 0
    table = pd.read_csv(out / "report.csv")
    assert list(table.columns) == load("validate").COLUMNS
    comparisons = {c.split(" (")[0] for c in table.comparison}
    assert comparisons == {"analytic threshold", "durations and recurrence", "conflict trap",
                           "early vs late", "warning skill", "ranking robustness"}
    assert set(table.verdict) <= {"within", "same order", "off", "agrees", "disagrees",
                                  "undecided", "no episodes"}
    assert table.source.notna().all() and table.reference.notna().all()
    assert table[table.comparison == "analytic threshold"].verdict.eq("agrees").all()
    text = (out / "report.md").read_text()
    assert text.count("\n| ") == len(table) + 1  # the header and one line per target
    for figure in ("durations/survival.png", "early_vs_late/early_vs_late.png",
                   "threshold/threshold.png",
                   "ranking_robustness/ranks_violence_party_weeks.png"):
        assert figure in text and (out / figure).stat().st_size > 1000
    # docs/validation.md shows the full run's table: the same rows (the ranking rows name
    # the best policies, which differ in the tiny run's three policies)
    doc = (ROOT / "docs" / "validation.md").read_text()
    doc = doc[doc.index("### The report of `make validate`"):]
    doc = doc[doc.index("| comparison |"):doc.index("\n\n", doc.index("| comparison |"))]
    shown = [line.split(" | ")[:2] for line in doc.splitlines()[2:]]
    shown = [(c.lstrip("| "), t) for c, t in shown]
    ours = list(zip(table.comparison, table.target))
    assert ([r for r in shown if r[0] != "ranking robustness"]
            == [r for r in ours if r[0] != "ranking robustness"])
    assert (sum(r[0] == "ranking robustness" for r in shown)
            == sum(r[0] == "ranking robustness" for r in ours))
