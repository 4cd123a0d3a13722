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


def test_wars_end():
    """In 20-year runs most spells of violence end (72% on seeds 0-9; since issue 17 a
    third of episodes last over two years unbroken, so 3-year runs see only a third of
    them end), and the ended ones last months (median 42 weeks), not a week or forever."""
    spells = []
    for seed in range(10):
        p = Params(seed=seed)
        p.horizon_weeks = 1040
        model = ConflictModel(p).run()
        spells.append(metrics.episodes(model.level_history, model.weeks))
    started = pd.concat(spells).query("start_week > 0")
    assert started.ended.mean() >= 0.5
    median = started[started.ended].weeks.median()
    assert 4 <= median <= 80


def test_armed_conflict_risk_is_neither_zero_nor_certain(runs):
    table, _ = runs
    assert 0.2 <= table.armed_conflict.mean() <= 0.9


def test_parties_come_back_and_relapse(runs):
    table, _ = runs
    assert table.violence_recurrences.sum() > 0


def test_conflict_trap(runs):
    """Parties with a past war reach violence more often than those without, run by run:
    the paired difference of their shares is positive beyond 2 standard errors (the
    report's ¶29 pattern). Since issue 17's calibration the ratio is about 1.3× on the
    3-year horizon (2.5-3× before): half the parties now carry a past war, and the trap
    acts mostly through what a war leaves behind in the run (grievance, weariness)."""
    table, _ = runs
    d = table.violence_share_past_war - table.violence_share_no_past_war
    assert d.mean() > 2 * d.std(ddof=1) / np.sqrt(len(d))


def test_bistability_makes_violence_persist_without_noise():
    """With feedback on and noise off, parties pushed past the threshold together stay
    violent for months (mobilisation holds them: a second stable state) and then most come
    back (weariness): an episode, not a blip. Those still fighting after 200 weeks are the
    ones war costs least (issue 17: a low weariness rate and ceiling). With linear
    weariness the same for all (the model before issue 17) every war ends. Without
    feedback the same push fades at once."""
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
        ended = (model.level_history[2:] < 3).any(axis=0)  # some relapse later
        assert ended.mean() >= 0.75
        if not ended.all():
            rate = model.state.weariness_rate
            assert rate[~ended].max() < rate[ended].mean()
    assert lengths[True] >= 12 and lengths[False] <= 3
    p.dynamics.feedback = True
    p.dynamics.weariness_cv, p.dynamics.weariness_max = 0.0, 0.0
    model = ConflictModel(p)
    model.state.hostility[:] = 2.0
    model.run()
    assert ((model.level_history[2:] < 3).any(axis=0)).all()
