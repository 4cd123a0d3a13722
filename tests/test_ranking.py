"""sim.study.ranking: whether a ranking of policies holds across a design (issue 17)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.core.metrics import outcomes
from sim.study import ranking


def planted(flip_when_high: str = "b", n_trajectories: int = 6):
    """Three policies on a Morris design over parameters a, b, c: A beats B by 10 except
    where ``flip_when_high`` is in the upper half of its range (there B beats A by 10);
    C is always worst. Two seeds per point, identical (no noise)."""
    problem = ranking.problem_from({"a": [0, 1], "b": [0, 1], "c": [0, 1]})
    X = ranking.sample(problem, "morris", n_trajectories, seed=3)
    rows = []
    for point, x in [(-1, np.zeros(3))] + list(enumerate(X)):
        high = x[problem["names"].index(flip_when_high)] >= 0.5
        a, b = (20.0, 10.0) if high else (10.0, 20.0)
        for seed in (0, 1):
            rows += [{"point": point, "policy": "A", "seed": seed, "y": a},
                     {"point": point, "policy": "B", "seed": seed, "y": b},
                     {"point": point, "policy": "C", "seed": seed, "y": 100.0}]
    return problem, X, pd.DataFrame(rows)


def test_a_planted_flip_is_found_with_its_parameter_and_side():
    problem, X, values = planted("b")
    policies, pairs = ranking.stability(values, problem, X, "y")
    assert policies.policy.tolist() == ["A", "B", "C"]
    high = X[:, 1] >= 0.5
    assert policies.share_best.iloc[0] == pytest.approx((~high).mean())
    assert policies.rank_max.iloc[-1] == 3 and policies.share_best.iloc[-1] == 0
    top = pairs.iloc[0]
    assert (top["first"], top.second) == ("A", "B")
    assert top.default_difference == -10.0
    assert top.share_order_holds == pytest.approx((~high).mean())
    assert top.lead_parameter == "b"
    assert top.flips_lower_half == 0.0 and top.flips_upper_half == 1.0
    # A against C never flips
    never = pairs[(pairs["first"] == "A") & (pairs.second == "C")].iloc[0]
    assert never.share_order_holds == 1.0


def test_ranks_tie_at_the_top():
    values = pd.DataFrame({"point": [-1, -1], "policy": ["A", "B"], "seed": [0, 0],
                           "y": [1.0, 1.0]})
    assert ranking.ranks(values, "y").loc[-1].tolist() == [1.0, 1.0]


def test_a_scaled_uncertainty_multiplies_its_default():
    """history.grievance_boost is given as a multiple of its default: 2 at a point runs
    the model with twice the default, bit for bit."""
    base = ("horizon_weeks=52",)
    at_point = ranking.run_point(("none", base, {"history.grievance_boost": 2.0}, [3],
                                  ("violence_party_weeks",)))
    params = sim.compose(["policy=none", *base])
    params.history.grievance_boost *= 2
    params.seed = 3
    direct = outcomes(sim.ConflictModel(params).run())["violence_party_weeks"]
    assert at_point == [{"violence_party_weeks": direct}]


def test_evaluate_runs_every_policy_at_every_point_on_the_same_seeds():
    problem, X, values = ranking.evaluate(
        ["none", "early_statement"], {"dynamics.noise_sd": [0.1, 0.14]}, 1, [0, 1],
        ("violence_party_weeks",), base=("horizon_weeks=20",))
    assert len(X) == 2 and sorted(values.point.unique()) == [-1, 0, 1]
    assert values.groupby(["point", "policy"]).seed.apply(tuple).nunique() == 1
