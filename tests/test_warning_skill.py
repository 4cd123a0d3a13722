"""Warning skill over a study (issue 16 item 3): the precision-recall points of a swept
threshold, their area, and experiment=warning_skill as a user runs it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.study.analysis import warning_skill
from tests.conftest import run_cli


def synthetic(points: dict[float, tuple[float, float]], seeds=range(5)) -> pd.DataFrame:
    rows = []
    for threshold, (precision, recall) in points.items():
        for seed in seeds:
            rows.append({"un.observation_noise_sd": 0.25, "un.warning_threshold": threshold,
                         "seed": seed, "warning_precision": precision,
                         "warning_recall": recall, "warning_lead_weeks": 4.0})
    return pd.DataFrame(rows)


def test_the_area_under_the_points_is_the_trapezoid_from_recall_zero():
    table, curves = warning_skill(synthetic({1.0: (0.1, 0.9), 1.2: (0.2, 0.5),
                                             1.4: (0.4, 0.1)}))
    assert table.warning_precision.tolist() == pytest.approx([0.1, 0.2, 0.4])
    # points by recall: (0, 0.4), (0.1, 0.4), (0.5, 0.2), (0.9, 0.1)
    expected = 0.1 * 0.4 + 0.4 * (0.4 + 0.2) / 2 + 0.4 * (0.2 + 0.1) / 2
    assert curves.pr_auc.tolist() == pytest.approx([expected])
    assert curves.points.tolist() == [3]


def test_without_a_swept_threshold_there_is_no_curve():
    runs = synthetic({1.2: (0.2, 0.5)}).drop(columns="un.warning_threshold")
    table, curves = warning_skill(runs)
    assert len(table) == 1 and curves.empty
    assert np.isclose(table.warning_recall.iloc[0], 0.5)


def test_the_experiment_runs_and_reports_the_curve(tmp_path):
    result = run_cli("experiment=warning_skill", "study.replications=2",
                     "un.observation_noise_sd=0.05,0.5", "warning.error_persistence=0",
                     "un.warning_threshold=1.0,1.35", "study.sweep_name=small",
                     cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    folder = tmp_path / "results" / "warning_skill" / "small"
    report = (folder / "report.md").read_text()
    section = report.split("## Warning skill")[1]
    assert "| precision | recall | lead (weeks) | Brier | Brier skill |" in section
    assert "pr_auc" in section and "Naive forecasters" in section
    assert (folder / "figures" / "warning_skill.png").exists()
