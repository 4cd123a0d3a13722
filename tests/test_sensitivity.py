"""Global sensitivity analysis: the pipeline recovers known indices before it is trusted
on the model, and runs as a resumable sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.core.params import ParameterError
from sim.study import sensitivity as sa
from tests.conftest import run_cli

ISHIGAMI = {"x1": [-np.pi, np.pi], "x2": [-np.pi, np.pi], "x3": [-np.pi, np.pi]}


def ishigami(X, a=7.0, b=0.1):
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


def test_sobol_recovers_the_ishigami_indices():
    """Analytic values (Ishigami & Homma 1990; SALib's reference): S1 = 0.314, 0.442, 0;
    ST = 0.558, 0.442, 0.244. Tolerance ±0.05 at N = 2048."""
    problem = sa.problem_from(ISHIGAMI)
    X = sa.sample(problem, "sobol", 2048, seed=1)
    indices = sa.analyse(problem, "sobol", X, ishigami(X), seed=1)
    assert indices.S1.to_numpy() == pytest.approx([0.3139, 0.4424, 0.0], abs=0.05)
    assert indices.ST.to_numpy() == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.05)
    assert (indices.S1_conf < 0.1).all()


def test_morris_ranks_a_linear_function_by_its_coefficients():
    problem = sa.problem_from({"a": [0, 1], "b": [0, 1], "c": [0, 1]})
    X = sa.sample(problem, "morris", 50, seed=2)
    Y = X @ np.array([5.0, 1.0, 0.0])
    indices = sa.analyse(problem, "morris", X, Y)
    assert indices.mu_star.to_numpy() == pytest.approx([5.0, 1.0, 0.0], abs=1e-9)
    assert (indices.sigma < 1e-9).all()   # linear: no interactions


def test_bad_ranges_and_methods_are_named():
    with pytest.raises(ParameterError, match="sensitivity.uncertainties.x"):
        sa.problem_from({"x": [1.0, 0.0]})
    with pytest.raises(ParameterError, match="sensitivity.method"):
        sa.sample(sa.problem_from({"x": [0, 1]}), "fast", 4, 0)


def test_sensitivity_sweep_end_to_end(tmp_path):
    args = ["experiment=sensitivity", "study.sweep_name=t", "sensitivity.samples=2",
            "sensitivity.chunks=2", "study.replications=1", "horizon_weeks=30",
            "hydra/launcher=basic"]
    result = run_cli(*args, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
    folder = tmp_path / "results" / "sensitivity" / "t"
    runs = pd.read_parquet(folder / "runs.parquet")
    n_points = 2 * (7 + 1)                  # Morris: N (D + 1) points, D = 7
    assert sorted(runs["sample"].unique()) == list(range(n_points))
    assert len(list((folder / "jobs").iterdir())) == 2
    indices = pd.read_csv(folder / "indices.csv")
    assert "dynamics.reaction" in set(indices.parameter)
    # nothing acts under policy none, so what acts only through a response (the UN's
    # unity) is not screened (tests/test_explore.py: the validation refuses it)
    assert "un.unity" not in set(indices.parameter)
    assert (folder / "figures" / "sensitivity.png").exists()
    assert "## Indices" in (folder / "report.md").read_text()
    # re-running reuses both chunks
    again = run_cli(*args, cwd=tmp_path, timeout=300)
    assert again.returncode == 0 and again.stdout.count("reused") == 2
