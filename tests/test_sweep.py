"""Sweeps as a user runs them: launchers, resume, failures, bad input, the report."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from sim.study import sweep
from sim.study.storage import host_name
from tests.conftest import run_cli

SMALL = ["experiment=compare_policies", "study.replications=3",
         "policy=none,envoy,late_envoy", "study.robustness_trajectories=0"]


def sweep_dir(cwd, name):
    return cwd / "results" / "compare_policies" / name


def run_sweep(cwd, name, *extra, timeout=300):
    result = run_cli(*SMALL, f"study.sweep_name={name}", *extra, cwd=cwd, timeout=timeout)
    return result, sweep_dir(cwd, name)


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("basic")
    result, folder = run_sweep(cwd, "basic", "hydra/launcher=basic")
    assert result.returncode == 0, result.stderr + result.stdout
    return cwd, folder


def test_sweep_writes_table_summary_report_and_figures(basic):
    _, folder = basic
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 9 and set(runs.policy) == {"none", "envoy", "late_envoy"}
    assert list(runs.columns[:4]) == ["scenario", "policy", "seed", "replication"]
    for col in ("armed_conflict", "violence_party_weeks", "warning_to_action_weeks",
                "total_cost_usd"):
        assert col in runs.columns
    # the same seeds for every policy (common random numbers)
    seeds = runs.groupby("policy").seed.apply(tuple)
    assert seeds.nunique() == 1
    summary = pd.read_csv(folder / "summary.csv")
    assert {"armed_conflict_low", "armed_conflict_high", "d_violence_party_weeks"} <= set(
        summary.columns)
    report = (folder / "report.md").read_text()
    assert "## Findings" in report and "figures/policy_comparison.png" in report
    assert "git commit" in report and "root seed: 2011" in report
    for name in ("policy_comparison", "cost_vs_risk"):
        assert (folder / "figures" / f"{name}.png").stat().st_size > 10_000
        assert (folder / "figures" / f"{name}.svg").exists()
    manifest = json.loads(next(folder.glob("jobs/*/manifest.json")).read_text())
    assert len(manifest["seeds"]) == 3 and manifest["config"]["policy"]["name"]
    assert {"started", "finished", "git_commit", "versions"} <= set(manifest)
    assert not list(folder.rglob("*.tmp"))


def test_the_report_says_whether_the_ranking_holds(tmp_path):
    """compare_policies' report checks its ranking on a Morris design (issue 17 item 5):
    it names the best policy, the share of points where it is best, and what moves the
    lead; the design's runs are kept and reused when the report is rebuilt."""
    result, folder = run_sweep(tmp_path, "robust", "study.robustness_trajectories=1",
                               "study.robustness_seeds=1")
    assert result.returncode == 0, result.stderr + result.stdout
    report = (folder / "report.md").read_text()
    section = report.split("## Does the ranking hold across the uncertainties?")[1]
    assert "ranks first at the defaults and is best at" in section
    assert "By violence:" in section and "By total cost:" in section
    values = pd.read_parquet(folder / "robustness.parquet")
    n_points = len(values.point.unique())
    assert set(values.policy) == {"none", "envoy", "late_envoy"} and n_points > 2
    assert f"at {n_points - 1} points of a Morris design" in section
    from sim.study.report import build_report

    before = (folder / "robustness.parquet").stat().st_mtime_ns
    build_report(folder)  # reused, not rerun
    assert (folder / "robustness.parquet").stat().st_mtime_ns == before


def test_without_a_robustness_check_the_report_says_so(basic):
    _, folder = basic
    assert "Not assessed in this sweep" in (folder / "report.md").read_text()


def test_report_numbers_are_the_table_numbers(basic):
    _, folder = basic
    runs = pd.read_parquet(folder / "runs.parquet")
    summary = pd.read_csv(folder / "summary.csv").set_index("policy")
    for policy, part in runs.groupby("policy"):
        assert summary.loc[policy, "violence_party_weeks"] == pytest.approx(
            part.violence_party_weeks.mean())
        assert summary.loc[policy, "armed_conflict"] == pytest.approx(part.armed_conflict.mean())


@pytest.mark.parametrize("launcher", [
    ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
    ["hydra/launcher=joblib", "hydra.launcher.n_jobs=1"],
    ["hydra/launcher=submitit_local"],
])
def test_launchers_give_identical_tables(basic, launcher):
    cwd, folder = basic
    result, other = run_sweep(cwd, "-".join(a.split("=")[1] for a in launcher), *launcher)
    assert result.returncode == 0, result.stderr + result.stdout
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"),
                                  pd.read_parquet(other / "runs.parquet"))


def test_prevsim_sweeper_runs_the_basic_sweepers_jobs(basic):
    cwd, folder = basic
    result, other = run_sweep(cwd, "basic-sweeper", "hydra/sweeper=basic")
    assert result.returncode == 0, result.stderr + result.stdout
    assert sorted(p.name for p in folder.glob("jobs/*")) == sorted(
        p.name for p in other.glob("jobs/*"))            # same jobs, same config keys
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"),
                                  pd.read_parquet(other / "runs.parquet"))


COUNT_COMPOSITIONS = """
import runpy, sys
import hydra.main  # brings Hydra's loader, the one class implementing the interface
from hydra.core.config_loader import ConfigLoader
(impl,) = ConfigLoader.__subclasses__()
calls = []
load = impl.load_configuration
def counted(self, *args, **kwargs):
    calls.append(1)
    return load(self, *args, **kwargs)
impl.load_configuration = counted
sys.argv = ["sim", *sys.argv[1:]]
try:
    runpy.run_module("sim", run_name="__main__")
finally:
    print("compositions:", len(calls))
"""


@pytest.mark.parametrize("sweeper,per_job", [("prevsim", 1), ("basic", 3)])
def test_each_job_is_composed_once(tmp_path, sweeper, per_job):
    # Hydra's basic sweeper composes each job for its batch check and again to launch
    # it, and PrevSim's validation once more; the prevsim sweeper composes it once.
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", COUNT_COMPOSITIONS, *SMALL, "study.replications=1",
         "study.sweep_name=count", f"hydra/sweeper={sweeper}", "study.progress=false"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PYTHONHASHSEED="0"))
    assert result.returncode == 0, result.stderr + result.stdout
    jobs = 3
    # plus 2: Hydra composes the primary config to learn the mode, then again to sweep
    assert f"compositions: {2 + per_job * jobs}" in result.stdout


def dead_pid() -> int:
    """The pid of a process that has ended."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_interrupted_sweep_resumes_without_rewriting_finished_jobs(basic, tmp_path):
    _, reference = basic
    result, folder = run_sweep(tmp_path, "resume")
    assert result.returncode == 0
    jobs = sorted(folder.glob("jobs/*"))
    kept, lost = jobs[0], jobs[1:]
    stamp = {p: p.stat().st_mtime_ns for p in kept.iterdir()}
    # a sweep killed after its first job: the other jobs' folders never appeared, and a
    # temporary folder of the job that was running is left behind (named, as every
    # temporary, with its host and the pid of its process, now gone)
    dead = dead_pid()
    for job in lost:
        os.rename(job, job.parent / f".{job.name}.{host_name()}.{dead}.abc.tmp")
    for name in ("runs.parquet", "summary.csv", "report.md"):
        (folder / name).unlink()
    result, folder = run_sweep(tmp_path, "resume")
    assert result.returncode == 0, result.stderr
    assert {p: p.stat().st_mtime_ns for p in kept.iterdir()} == stamp
    assert "reused policy=" in result.stdout and result.stdout.count("ran policy=") == 2
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"),
                                  pd.read_parquet(reference / "runs.parquet"))
    assert not list(folder.glob("jobs/.*"))  # the killed job's leftovers are cleaned up


FAIL_ENVOY = """
import runpy, sys
import sim.study.sweep as sweep
run = sweep.run_replications
def broken(params, seeds, inputs, progress=False, crises=None):
    if inputs["policy"] == "envoy":
        raise RuntimeError("the envoy job broke")
    return run(params, seeds, inputs, progress, crises)
sweep.run_replications = broken
sys.argv = ["sim", *sys.argv[1:]]
runpy.run_module("sim", run_name="__main__")
"""


def test_failed_job_is_reported_and_the_others_keep_their_results(tmp_path):
    # every input is valid; the envoy job raises while it runs (a fault put in for the test)
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", FAIL_ENVOY, "experiment=compare_policies",
         "study.replications=2", "study.sweep_name=fail", "policy=none,envoy"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PYTHONHASHSEED="0"))
    folder = sweep_dir(tmp_path, "fail")
    assert result.returncode == 1
    assert "1 job(s) failed" in result.stderr
    failures = sweep.load_failures(folder)
    assert len(failures) == 1 and "the envoy job broke" in failures[0]["error"]
    assert "policy=envoy" in failures[0]["overrides"]
    assert failures[0]["config"]["policy"]["name"] == "envoy"
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 2 and "Failed jobs" in (folder / "report.md").read_text()


@pytest.mark.parametrize("args,fragment", [
    (["experiment=compare_polices"], "compare_policies"),           # lists the choices
    (["experiment=compare_policies", "policy=none,envoi"],
     "envoy"),
    (["experiment=compare_policies", "dynamics.reacton=0.1,0.2"], "reacton"),
    (["experiment=compare_policies", "dynamics.reaction=0.1,-1"], "dynamics.reaction"),
    (["experiment=compare_policies", "scenario=utopia"], "default"),
    # Hydra's own basic sweeper (ad hoc -m sweeps) is validated by the sweep callback
    (["-m", "policy=none,envoi"], "envoy"),
    (["experiment=compare_policies", "hydra/sweeper=basic", "dynamics.reaction=-1"],
     "dynamics.reaction"),
])
def test_bad_sweeps_write_nothing(tmp_path, args, fragment):
    result = run_cli(*args, "study.replications=2", cwd=tmp_path)
    assert result.returncode != 0
    assert fragment in result.stderr + result.stdout
    assert not (tmp_path / "results").exists()


def test_report_of_a_partial_sweep(basic, tmp_path):
    import shutil

    _, folder = basic
    partial = tmp_path / "partial"
    shutil.copytree(folder / "jobs", partial / "jobs")
    shutil.rmtree(sorted((partial / "jobs").iterdir())[0])
    result = run_cli_module("sim.report", str(partial))
    assert result.returncode == 0, result.stderr
    assert len(pd.read_parquet(partial / "runs.parquet")) == 6
    assert run_cli_module("sim.report", str(tmp_path / "nope")).returncode == 2


def run_cli_module(module, *args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True,
                          text=True, timeout=120)


def test_replications_keep_memory_flat(monkeypatch):
    import gc
    import tracemalloc

    from sim.core.params import Params

    def peak(n):
        gc.collect()
        tracemalloc.start()
        sweep.run_replications(Params(), list(range(n)), {"policy": "none"})
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    monkeypatch.setattr(sweep, "GC_EVERY", 10)
    peak(2)
    # dead models wait for the cyclic garbage collector (forced every GC_EVERY runs), so
    # the peak holds a few of them, but it must not grow with the number of runs
    small, large = peak(20), peak(80)
    assert large < small * 1.2, (small, large)


def test_findings_read_violence_averted_and_intervention_cost_apart():
    """Analytic: policy a averts 10 party-weeks a run for $1M more, b 5 for $2M more, on
    every seed; the findings name them in that order and price a week averted at $100k
    and $400k (the paired ratio of means)."""
    from sim.study import analysis

    rows = []
    for seed in range(12):
        base = {"scenario": "default", "seed": seed, "replication": seed,
                "armed_conflict": seed % 2, "parties_in_violence": 3.0,
                "warning_to_action_weeks": 9.0, "total_cost_usd": 0.0}
        for policy, violence, cost in (("none", 50.0 + seed, 0.0), ("a", 40.0 + seed, 1e6),
                                       ("b", 45.0 + seed, 2e6)):
            rows.append({"policy": policy, **base, "violence_party_weeks": violence,
                         "intervention_cost_usd": cost})
    runs = pd.DataFrame(rows)[["scenario", "policy", "seed", "replication",
                               *[o.key for o in analysis.HEADLINE]]]
    summary, diffs = analysis.summary_table(runs), analysis.paired_differences(runs)
    assert diffs.set_index("policy")[analysis.COST_PER_AVERTED].to_dict() == \
        pytest.approx({"a": 1e5, "b": 4e5})
    text = " ".join(analysis.findings(summary, diffs, ["scenario", "policy"]))
    assert "Most violence averted against no response: policy=a 10.0 party-weeks" in text
    assert "policy=a $100k [$100k, $100k]; policy=b $400k" in text


def test_crisis_tables_are_written_per_job_unless_switched_off(tmp_path):
    """Every job keeps its runs' crises (the report's gap section reads them);
    study.crisis_tables=false keeps only the runs table."""
    for flag, name in (("true", "on"), ("false", "off")):
        result = run_cli("-m", "policy=envoy", "study.replications=2", "study.name=ct",
                         f"study.sweep_name={name}", f"study.crisis_tables={flag}",
                         "study.progress=false", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    on, off = (tmp_path / "results" / "ct" / n for n in ("on", "off"))
    crises = sweep.load_crises(on)
    assert len(crises) > 0 and set(crises.seed) == set(pd.read_parquet(on / "runs.parquet").seed)
    assert list(crises.columns[:3]) == ["scenario", "policy", "seed"]
    assert "crisis by crisis" in (on / "report.md").read_text()
    assert not list(off.glob("jobs/*/crises.parquet")) and sweep.load_crises(off).empty
    assert "crisis by crisis" not in (off / "report.md").read_text()
