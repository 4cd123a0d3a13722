"""experiment=warning_to_action as a trainer's slide (issue 18, item 7): no response runs
once, the findings state the delay trend computed from the runs, and the figures say
which delays they show, in labels that do not collide and fonts a room can read."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest

import sim
from sim.core import metrics
from sim.core.model import ConflictModel
from sim.study import report
from sim.study.analysis import (
    BASELINE,
    DELAY,
    GAP_PARTS,
    delay_trend,
    delay_trend_findings,
    gap_table,
    summary_table,
)
from sim.study.sweep import INSTRUMENT_INPUTS, input_columns, run_ignored_once
from tests.conftest import ROOT, run_cli

DELAYS = (0.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0)
INSTRUMENTS = ("early_statement", "envoy", "fact_finding")


# ---------------------------------------------------------------- none runs once
def test_a_policy_without_instruments_ignores_the_inputs_it_is_said_to_ignore():
    """The rule the sweeper runs on (sim.study.sweep.INSTRUMENT_INPUTS), checked on the
    model: policy=none gives the same outcomes whatever the delay, trigger and scale."""
    base = ["policy=none", "network.n_parties=30"]
    variants = [[], ["policy.response_delay_days=0"], ["policy.response_delay_days=180"],
                ["policy.trigger=violence"], ["policy.intensity_scale=2"]]
    assert {o.split("=")[0] for v in variants for o in v} == set(INSTRUMENT_INPUTS)
    for seed in (1, 2):
        seen = [metrics.outcomes(ConflictModel(dataclasses.replace(
            sim.compose(base + v), seed=seed)).run()) for v in variants]
        assert all(pd.Series(s).equals(pd.Series(seen[0])) for s in seen[1:])  # nan = nan


def experiment_jobs(experiment: str) -> tuple[list[list[str]], list[list[str]]]:
    """An experiment's jobs as Hydra's basic sweeper lists them, and as the prevsim
    sweeper runs them (``run_ignored_once``; whether a job has instruments is read off
    one composition per policy, to keep the test fast: the sweep below composes each)."""
    from functools import cache

    from hydra import compose, initialize_config_dir

    from sim import cli
    from sim.config import compose_config, config_dir, register

    register()
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = compose("config", overrides=[f"experiment={experiment}"],
                      return_hydra_config=True)
        jobs = cli.sweep_job_overrides(cfg)
        by_policy = cache(lambda policy: compose_config([*policy, f"experiment={experiment}"]))
        return jobs, run_ignored_once(jobs, lambda o: by_policy(
            tuple(x for x in o if x.startswith("policy="))))


def test_warning_to_action_runs_none_once_and_every_instrument_at_every_delay():
    basic, jobs = experiment_jobs("warning_to_action")
    assert len(basic) == 4 * 7
    assert len(jobs) == 3 * 7 + 1
    nones = [j for j in jobs if "policy=none" in j]
    assert nones == [["policy=none", "policy.response_delay_days=null",
                      "experiment=warning_to_action"]]
    assert jobs[1:] == [j for j in basic if "policy=none" not in j]  # order kept


@pytest.mark.parametrize("experiment", ["compare_policies", "capacity", "scenarios",
                                        "warning_skill", "sensitivity"])
def test_the_other_experiments_run_the_same_jobs(experiment):
    basic, jobs = experiment_jobs(experiment)
    assert jobs == basic


def test_early_late_runs_none_once_too():
    """The same rule in the study of timing against coverage: its eight settings of
    none were one configuration; its instruments keep all eight."""
    basic, jobs = experiment_jobs("early_late")
    assert len(basic) == 32 and len(jobs) == 25
    assert [j for j in jobs if "policy=none" in j] == [[
        "policy=none", "policy.trigger=null", "policy.response_delay_days=null",
        "policy.intensity_scale=1.0", "experiment=early_late"]]


def test_only_jobs_that_override_an_ignored_input_are_composed():
    composed = []

    def compose(overrides):
        composed.append(list(overrides))
        return {"policy": {"instruments": [] if "policy=none" in overrides else [{}]}}

    jobs = [["policy=none", "seed=1"], ["policy=none", "policy.response_delay_days=7"],
            ["policy=envoy", "policy.response_delay_days=7"],
            ["policy=none", "policy.response_delay_days=90"]]
    forgotten = []
    out = run_ignored_once(jobs, compose, forgotten.append)
    assert out == [["policy=none", "seed=1"], ["policy=none", "policy.response_delay_days=null"],
                   ["policy=envoy", "policy.response_delay_days=7"]]
    assert composed == jobs[1:] and forgotten == [jobs[1], jobs[3]]
    assert run_ignored_once(jobs, compose) == out  # the same list every time


def test_the_sweepers_loader_composes_a_job_once_and_forgets_a_dropped_one():
    """The prevsim sweeper composes a job to see whether it ignores an input, then again
    to validate it: the second is the held one; a dropped job's is let go."""
    from hydra.core.plugins import Plugins

    Plugins.instance()  # as tests/test_sweeper.py: scan before importing the plugin
    from hydra_plugins.prevsim_sweeper.prevsim_sweeper import ComposedOnceLoader

    calls = []

    class Loader:
        def load_sweep_config(self, master, overrides):
            calls.append(list(overrides))
            return {"job": list(overrides)}

    loader = ComposedOnceLoader(Loader())
    first = loader.compose("master", ["policy=none"])
    assert loader.compose("master", ["policy=none"]) is first and len(calls) == 1
    loader.forget(["policy=none"])
    assert not loader.held
    assert loader.load_sweep_config("master", ["policy=none"]) is not first


def test_the_policies_are_the_single_instruments_that_answer_the_warning():
    """configs/experiment/warning_to_action.yaml lists no response and every shipped
    policy of one instrument triggered by the warning (its comment says why)."""
    import yaml

    text = (ROOT / "configs" / "experiment" / "warning_to_action.yaml").read_text()
    listed = yaml.safe_load(text)["hydra"]["sweeper"]["params"]["policy"].split(",")
    single = {BASELINE}
    for path in sorted((ROOT / "configs" / "policy").glob("*.yaml")):
        policy = sim.compose([f"policy={path.stem}"]).policy
        if len(policy.instruments) == 1 and policy.instruments[0].trigger == "warning":
            single.add(path.stem)
    assert listed[0] == BASELINE and set(listed) == single


#: ``python -m sim`` with a clock that moves a second each time Hydra's ``${now:…}`` is
#: resolved: a job that resolved the default ``study.sweep_name`` itself, instead of
#: getting the sweep's, would write to a folder of its own.
TICKING_CLOCK = """
import datetime, runpy, sys
import hydra.core.utils
class Clock(datetime.datetime):
    t = datetime.datetime(2030, 1, 1)
    @classmethod
    def now(cls, tz=None):
        cls.t += datetime.timedelta(seconds=1)
        return cls.t
hydra.core.utils.datetime = Clock
sys.argv = ["sim", *sys.argv[1:]]
runpy.run_module("sim", run_name="__main__")
"""


def test_the_sweep_runs_none_once_shows_it_once_and_resumes(tmp_path):
    """The experiment from the command line at 2 seeds on 30 parties, three delays, none
    and envoy: 4 jobs in one folder named by the time (every job sees the sweep's
    ${now:…}), none once with its delay unset, one row of none in the tables, the trend
    first among the findings; run again with the folder's name, it reuses every job."""
    import os
    import subprocess
    import sys

    args = ["experiment=warning_to_action", "study.replications=2", "network.n_parties=30",
            "policy=none,envoy", "policy.response_delay_days=0,30,180",
            "study.progress=false"]
    result = subprocess.run([sys.executable, "-c", TICKING_CLOCK, *args], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, PYTHONHASHSEED="0"))
    assert result.returncode == 0, result.stderr + result.stdout
    (folder,) = (tmp_path / "results" / "warning_to_action").iterdir()
    assert len(list(folder.glob("jobs/*/runs.parquet"))) == 1 + 3
    runs = pd.read_parquet(folder / "runs.parquet")
    none = runs[runs.policy == BASELINE]
    assert len(none) == 2 and none[DELAY].isna().all()
    assert sorted(runs.loc[runs.policy == "envoy", DELAY].unique()) == [0, 30, 180]
    summary = pd.read_csv(folder / "summary.csv")
    assert (summary.policy == BASELINE).sum() == 1 and summary.policy.iloc[0] == BASELINE
    text = (folder / "report.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| default | none |")]
    assert len(rows) == 1 and rows[0].startswith("| default | none | – | 30 | 2 |")
    findings = text.split("## Findings")[1].split("\n## ")[0]
    bullets = [line for line in findings.splitlines() if line.startswith("- ")]
    assert bullets[0].startswith("- Delay trend, `envoy` (3 delays, 2 paired seeds; a "
                                 "response delay of 180 rather than 0 days)")
    assert (folder / "delay_trend.csv").exists()

    stamps = {p: p.stat().st_mtime_ns for p in folder.glob("jobs/*/runs.parquet")}
    again = run_cli(*args, f"study.sweep_name={folder.name}", cwd=tmp_path, timeout=300)
    assert again.returncode == 0, again.stderr + again.stdout
    assert "ran policy" not in again.stdout + again.stderr
    assert {p: p.stat().st_mtime_ns for p in folder.glob("jobs/*/runs.parquet")} == stamps
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"), runs)


# ---------------------------------------------------------------- the trend
def planted_runs(violence_per_day: dict[str, float], seeds: int = 30,
                 risk_per_day: dict[str, float] | None = None) -> pd.DataFrame:
    """A runs table as the sweep writes it: none once (delay unset), each instrument at
    every delay; violence = a seed's own level + (``violence_per_day`` ± 0.2, the sign
    alternating over seeds) × delay + noise, so the mean slope is the planted one and a
    flat instrument's seeds disagree; armed conflict a seeded draw whose probability
    moves ``risk_per_day`` per day."""
    rng = np.random.default_rng(7)
    level = rng.uniform(100, 300, seeds)
    wobble = np.where(np.arange(seeds) % 2, -0.2, 0.2)
    rows = []
    for s in range(seeds):
        rows.append({"scenario": "default", "policy": BASELINE, DELAY: np.nan, "seed": s,
                     "violence_party_weeks": level[s] + 50,
                     "armed_conflict": float(rng.random() < 0.6)})
    for name, per_day in violence_per_day.items():
        for d, s in itertools.product(DELAYS, range(seeds)):
            p = 0.4 + (risk_per_day or {}).get(name, 0.0) * d
            rows.append({"scenario": "default", "policy": name, DELAY: d, "seed": s,
                         "violence_party_weeks": level[s] + (per_day + wobble[s]) * d
                         + rng.normal(0, 5),
                         "armed_conflict": float(rng.random() < p)})
    runs = pd.DataFrame(rows)
    runs["replication"] = runs.seed
    for o in ("parties_in_violence", "warning_to_action_weeks", "intervention_cost_usd"):
        runs[o] = 1.0
    runs["total_cost_usd"] = runs.violence_party_weeks * 5e7 + 1e6
    cols = ["scenario", "policy", DELAY, "seed", "replication"]
    return runs[cols + [c for c in runs.columns if c not in cols]]


def test_the_trend_is_computed_from_the_runs():
    runs = planted_runs({"envoy": 0.5, "early_statement": 0.0, "fact_finding": -0.3},
                        risk_per_day={"envoy": 0.003})
    table = delay_trend(runs).set_index("policy")
    assert set(table.index) == {"envoy", "early_statement", "fact_finding"}  # not none
    envoy = table.loc["envoy"]
    assert envoy.violence_party_weeks_diff == pytest.approx(0.5 * 180, abs=5)
    assert envoy.violence_party_weeks_slope == pytest.approx(0.5 * 30, abs=1)
    assert envoy.violence_party_weeks_slope_low > 0 and envoy.pairs == 30
    assert envoy.armed_conflict_slope_low > 0
    flat = table.loc["early_statement"]
    assert flat.violence_party_weeks_slope_low < 0 < flat.violence_party_weeks_slope_high
    assert table.loc["fact_finding"].violence_party_weeks_slope_high < 0
    sentences = dict(zip(table.index, delay_trend_findings(
        table.reset_index(), input_columns(runs))))
    assert sentences["envoy"].startswith("Delay trend, `envoy` (7 delays, 30 paired seeds; "
                                         "a response delay of 180 rather than 0 days)")
    violence = {k: s.split("; violence ")[1] for k, s in sentences.items()}
    risk = {k: s.split("; violence ")[0] for k, s in sentences.items()}
    assert violence["envoy"].startswith(f"{envoy.violence_party_weeks_diff:+.1f} party-weeks")
    assert violence["envoy"].endswith("rises with the delay.")
    assert risk["envoy"].endswith("rises with the delay")
    assert violence["early_statement"].endswith("no trend distinguishable from zero.")
    assert violence["fact_finding"].endswith("falls with the delay.")
    assert risk["early_statement"].endswith("no trend distinguishable from zero")


def test_the_trend_needs_a_swept_delay():
    runs = planted_runs({"envoy": 0.5})
    assert delay_trend(runs.drop(columns=[DELAY])).empty
    two = runs[runs[DELAY].isna() | runs[DELAY].isin([0.0, 180.0])]
    assert delay_trend(two).empty  # two delays: the paired differences say it all


# ---------------------------------------------------------------- the figures
def texts(fig) -> list:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def label_boxes(fig):
    from matplotlib.text import Text

    fig.set_dpi(120)  # the saved size
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return [(a.get_text(), Text.get_window_extent(a, renderer)) for a in ax.texts]


def assert_apart(boxes):
    for (a, p), (b, q) in itertools.combinations(boxes, 2):
        assert not p.overlaps(q), f"{a!r} overlaps {b!r}"


@pytest.mark.parametrize("spread", [1.0, 0.0])
def test_cost_against_risk_labels_do_not_collide(spread):
    """One line per instrument through its delays, named once at its shortest delay and
    the longest delay marked at the other end; none once. With the instruments' points
    drawn apart and all on one spot (spread 0), no two labels overlap."""
    summary = summary_table(planted_runs({"envoy": 0.5 * spread, "early_statement": 0.0,
                                          "fact_finding": 0.01 * spread}))
    fig = report.cost_risk_figure(summary)
    boxes = label_boxes(fig)
    assert sorted(t for t, _ in boxes) == sorted(
        ["none (no response)"] + [f"{p}, 0 days" for p in INSTRUMENTS] + ["180 days"] * 3)
    assert_apart(boxes)
    assert "response delay (0, 7, 14, 30, 60, 90, 180 days" in fig.axes[0].get_title()


def test_cost_against_risk_labels_do_not_collide_without_a_delay():
    """compare_policies' version: one labelled point per policy, eleven close together."""
    runs = planted_runs({f"policy_{k}": 0.0 for k in range(10)})
    runs = runs[runs[DELAY].isna() | (runs[DELAY] == 7.0)].drop(columns=[DELAY])
    fig = report.cost_risk_figure(summary_table(runs))
    boxes = label_boxes(fig)
    assert len(boxes) == 11
    assert_apart(boxes)


def synthetic_figures():
    runs = planted_runs({"envoy": 0.5, "early_statement": 0.0, "fact_finding": 0.1})
    summary = summary_table(runs)
    crises = runs[runs.policy != BASELINE][["scenario", "policy", DELAY, "seed"]].copy()
    crises["warning_to_action_weeks"] = 5 + crises[DELAY] / 7
    for part in GAP_PARTS:  # the parts sum to the gap
        crises[part] = crises["warning_to_action_weeks"] / len(GAP_PARTS)
    groups = ["scenario", "policy", DELAY]
    return {"policy_comparison": report.comparison_figure(summary),
            "outcome_vs_delay": report.delay_figure(summary),
            "cost_vs_risk": report.cost_risk_figure(summary),
            "gap_distribution": report.gap_figure(crises, gap_table(crises, groups), groups)}


def test_every_figure_states_the_delays_it_shows_in_slide_sized_fonts():
    every = "0, 7, 14, 30, 60, 90, 180 days"
    figures = synthetic_figures()
    for name, fig in figures.items():
        fig.canvas.draw()
        words = [t.get_text() for t in texts(fig)]
        assert any("response delay" in w for w in words), name
        small = {t.get_text(): t.get_fontsize() for t in texts(fig) if t.get_fontsize() < 10}
        assert not small, (name, small)
    comparison = [t.get_text() for t in texts(figures["policy_comparison"])]
    assert any(every in t for t in comparison)                     # the title
    assert {f"{d:g} days" for d in DELAYS} <= set(comparison)      # the legend
    assert any(every in t for t in (t.get_text() for t in texts(figures["outcome_vs_delay"])))
    gap = [t.get_text() for t in texts(figures["gap_distribution"])]
    assert "envoy / 180 days" in gap and "none" not in " ".join(gap)  # none has no crisis


def test_a_single_delay_is_stated_too():
    runs = planted_runs({"envoy": 0.5, "fact_finding": 0.0})
    runs = runs[runs[DELAY].isna() | (runs[DELAY] == 30.0)]
    fig = report.comparison_figure(summary_table(runs))
    assert "(response delay 30 days)" in fig._suptitle.get_text()
    assert report.delay_figure(summary_table(runs)) is None
    assert "response delay 30 days" in report.cost_risk_figure(
        summary_table(runs)).axes[0].get_title()
