"""Policy search: scoring, and a seeded Optuna search whose best policy, re-run on seeds
it never saw, meets the risk ceiling."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.study import search
from tests.conftest import run_cli


def table(events: int, n: int, cost: float) -> pd.DataFrame:
    return pd.DataFrame({"armed_conflict": [1] * events + [0] * (n - events),
                         "total_cost_usd": [cost] * n})


def test_feasibility_uses_the_upper_end_of_the_risk_interval():
    ok = search.score(table(2, 40, 5e8), "total_cost_usd", ceiling=0.2)
    assert ok["feasible"] and ok["score"] == 5e8 and ok["risk_high"] <= 0.2
    # a point estimate under the ceiling is not enough when the interval crosses it
    close = search.score(table(3, 20, 1e8), "total_cost_usd", ceiling=0.2)
    assert close["risk"] < 0.2 and not close["feasible"]
    # every infeasible trial scores worse than every feasible one, however cheap
    assert close["score"] > ok["score"]


@pytest.mark.slow
def test_seeded_search_meets_its_ceiling_on_unseen_seeds(tmp_path):
    """40 worlds per trial: with 20 (before issue 16) the search's worlds happened to be
    easy ones — its best trial, an envoy, had a risk of 25% there and 75% on 20 fresh
    worlds — so a search needs enough worlds before its winner can be trusted."""
    ceiling = 0.8  # no response: 70% (issue 17's calibration), so the search has work to do
    result = run_cli("experiment=policy_search", "study.sweep_name=t",
                     "study.replications=40", "hydra.sweeper.n_trials=4",
                     f"study.risk_ceiling={ceiling}", "study.reevaluate_top=1",
                     "study.progress=false", cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout[-2000:]
    folder = tmp_path / "results" / "policy_search" / "t"
    again = pd.read_csv(folder / "reevaluation.csv")
    assert len(again) == 1
    assert again.risk.iloc[0] <= ceiling
    assert again.root_seed.iloc[0] != 2011           # fresh seeds
    report = (folder / "report.md").read_text()
    assert "## Policy search" in report and "Re-evaluated on 40 fresh seeds" in report


def test_search_with_no_feasible_trial_still_reports(tmp_path):
    # A ceiling of 0 cannot be met (the Wilson upper bound is above 0 for any finite
    # sample), so nothing is re-evaluated; the report must say so, and the CLI exit 0.
    result = run_cli("experiment=policy_search", "study.sweep_name=t",
                     "study.replications=2", "hydra.sweeper.n_trials=2",
                     "hydra.sweeper.n_jobs=1", "study.risk_ceiling=0",
                     "study.reevaluate_top=1", "study.progress=false", cwd=tmp_path,
                     timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout[-2000:]
    assert "could not be built" not in result.stderr and "Warning" not in result.stderr
    report = (tmp_path / "results" / "policy_search" / "t" / "report.md").read_text()
    assert "No trial was feasible, so none was re-evaluated" in report
