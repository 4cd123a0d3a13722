"""The lessons' worlds agree with the average (sim.views.lessons).

Each lesson opens on a world whose own difference in violence has the sign of the mean
difference over the lesson's worlds and lies in their middle half. When the model
changes and a lesson's world no longer does, ``python -m sim.views.lessons`` prints a
seed that does.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.views import lessons
from sim.views.worlds import MODES


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda lesson: lesson.key)
def test_the_world_a_lesson_opens_on_tells_the_average_story(lesson):
    comp = lesson.run()
    assert comp.seeds[0] == lesson.seed and comp.n == lesson.worlds
    assert lessons.agrees(comp, lesson.seed), (
        f"lesson {lesson.key}: world {lesson.seed} no longer agrees with the mean over "
        f"its worlds; run python -m sim.views.lessons for one that does. {comp.headline()}")


def test_agreement_needs_the_sign_of_the_mean_and_the_middle_half():
    class Fake:
        seeds = np.arange(5)
        a = {"violence_party_weeks": np.zeros(5)}
        b = {"violence_party_weeks": np.array([-10.0, 5.0, 10.0, 20.0, 100.0])}

    assert lessons.agrees(Fake, 2)       # +10: the sign of the mean, inside [5, 20]
    assert not lessons.agrees(Fake, 0)   # −10: the other sign
    assert not lessons.agrees(Fake, 4)   # +100: outside the middle half


def test_every_lesson_is_well_formed():
    assert len(lessons.LESSONS) >= 3
    keys = [lesson.key for lesson in lessons.LESSONS]
    assert len(set(keys)) == len(keys)
    for lesson in lessons.LESSONS:
        assert lesson.mode in MODES and lesson.question.endswith("?")
        assert lesson.sidebar()["seed"] == lesson.seed


def test_the_spillover_world_the_docs_suggest_shows_violence_jumping_regions():
    """docs/dashboard.md, ideas for a session: regional_spillover, world 1."""
    from sim.views.dashboard import DashboardModel

    model = DashboardModel(scenario_name="regional_spillover", policy="envoy",
                           seed=lessons.SPILLOVER_WORLD)
    model.advance()
    violent = model.level_history >= 3
    region = np.asarray(model.state.region)
    onsets = {int(r): int(np.flatnonzero(violent[:, region == r].any(axis=1))[0])
              for r in np.unique(region) if violent[:, region == r].any()}
    assert len(onsets) >= 3, onsets                   # violence reaches three regions
    assert len(set(onsets.values())) == len(onsets)   # at different weeks: it spreads
