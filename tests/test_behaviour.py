"""The default scenario produces episodes, not a flat line or a blaze.

Statistical properties over fixed seeds (0-39), with tolerances stated in each test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import ConflictModel
from sim.core import metrics
from sim.core.params import Params

SEEDS = range(40)


@pytest.fixture(scope="module")
def runs():
    rows, spells = [], []
    for seed in SEEDS:
        model = ConflictModel(Params(seed=seed)).run()
        rows.append(metrics.outcomes(model))
        ep = metrics.episodes(model.level_history, model.weeks)
        ep["seed"] = seed
        spells.append(ep)
    return pd.DataFrame(rows), pd.concat(spells, ignore_index=True)


def test_some_parties_cross_into_violence_but_not_all(runs):
    table, _ = runs
    # not a flat line: violence in most runs; not a blaze: a minority of parties
    assert (table.parties_in_violence > 0).mean() >= 0.5
    assert table.parties_in_violence.mean() < 0.3 * 60


def test_wars_end(runs):
    _, spells = runs
    started = spells[spells.start_week > 0]
    assert started.ended.mean() >= 0.5          # most episodes end within 3 years
    median = started[started.ended].weeks.median()
    assert 4 <= median <= 80                    # months, not a week, not forever


def test_armed_conflict_risk_is_neither_zero_nor_certain(runs):
    table, _ = runs
    assert 0.2 <= table.armed_conflict.mean() <= 0.9


def test_parties_come_back_and_relapse(runs):
    table, _ = runs
    assert table.violence_recurrences.sum() > 0


def test_conflict_trap(runs):
    """Parties with a past war reach violence more often than those without: their pooled
    rate is at least 1.5 times higher (the report's ¶29 pattern; measured ≈ 2.5-3×)."""
    table, _ = runs
    past, no_past = table.violence_share_past_war.mean(), table.violence_share_no_past_war.mean()
    assert past > 1.5 * no_past


def test_bistability_makes_violence_persist_without_noise():
    """With feedback on and noise off, parties pushed past the threshold together stay
    violent for months (mobilisation holds them: a second stable state) and then come back
    (weariness): an episode, not a blip. Without feedback the same push fades at once."""
    p = Params(seed=1)
    p.dynamics.noise_sd = 0.0
    p.shocks.enabled = False
    p.horizon_weeks = 200
    lengths = {}
    for feedback in (True, False):
        p.dynamics.feedback = feedback
        model = ConflictModel(p)
        model.state.hostility[:] = 2.0
        model.run()
        violent_weeks = (model.level_history >= 3).sum(axis=0)
        lengths[feedback] = np.median(violent_weeks)
        # every party's war ended (some relapse later: grievance memory)
        assert ((model.level_history[2:] < 3).any(axis=0)).all()
    assert lengths[True] >= 12 and lengths[False] <= 3
