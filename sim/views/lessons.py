"""Things to try: guided what-ifs drawn from the report, one click each (no Solara).

Each :class:`Lesson` sets the sidebar (scenario, policy, resources, world), then runs the
Compare tab on ``worlds`` worlds from its ``seed``. The world it opens on — the one the
Explore tab shows — is chosen so that the single-world picture agrees with the average:
its difference in violence has the sign of the mean difference over the lesson's worlds
and lies in their middle half (:func:`agrees`). ``tests/test_lessons.py`` keeps it so;
``python -m sim.views.lessons`` finds such a seed for every lesson again when the model
changes (and prints what each lesson shows).

The lessons ask questions; they do not announce answers. What a lesson shows is whatever
the model gives on its worlds — the headline states it with its interval.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np

from sim.views.worlds import Comparison, compare_worlds

__all__ = ["LESSONS", "SPILLOVER_WORLD", "Lesson", "agrees", "find_seed"]

#: The world of ``regional_spillover`` that docs/dashboard.md suggests for watching
#: violence jump between regions (it reaches every region, at different weeks).
SPILLOVER_WORLD = 1


@dataclass(frozen=True)
class Lesson:
    """One guided what-if: the settings it opens, the two things compared, the question."""

    key: str
    title: str
    question: str              # to read aloud before running it
    look_for: str              # what to look at on the page
    source: str                # the report's paragraphs it comes from
    mode: str                  # what differs (sim.views.worlds.MODES)
    a: object
    b: object
    seed: int                  # the world it opens on (chosen: see the module docstring)
    settings: dict = field(default_factory=dict)  # sidebar settings besides the seed
    worlds: int = 30

    def sidebar(self) -> dict:
        """The sidebar settings of the lesson (its world included)."""
        return {**self.settings, "seed": self.seed}

    def run(self, progress=None) -> Comparison:
        return compare_worlds(self.sidebar(), self.mode, self.a, self.b, self.worlds,
                              progress=progress)


LESSONS: tuple[Lesson, ...] = (
    Lesson("early_late", "Act early or act late?",
           "The same envoy, sent 7 days or 90 days after the warning: how much violence "
           "does the wait cost, on average over 30 worlds?",
           "The headline's interval: is the difference clear on these worlds? Then the "
           "world shown: when did the late envoy arrive, and where was the violence by "
           "then?", "¶29, ¶47", "delay", 7, 90, seed=1, settings={"policy": "envoy"}),
    Lesson("more_envoys", "More envoys",
           "Twice the envoys (the Secretary-General's 3 → 6, each regional body's 1 → 2): "
           "does the gap shorten, and does violence fall?",
           "The warning-to-action gap and crises answered in the table, then violence.",
           "¶16-¶21, ¶64", "lever", "baseline", "more_envoys", seed=1,
           settings={"policy": "envoy"}),
    Lesson("regional_lead", "A regional lead",
           "The same envoy, led by the UN or by the regional body with the UN supporting: "
           "who acts sooner, and does it matter for violence?",
           "The gap and its parts (Explore: why the gap is that long), and violence.",
           "¶51-¶52, ¶69", "lead", "un", "regional_lead", seed=3,
           settings={"policy": "envoy"}),
    Lesson("election", "An election crisis",
           "A contested election in 8 weeks: electoral assistance, or no response?",
           "Violence around the election week, and what the assistance costs.",
           "¶38-¶40", "policy", "none", "electoral_assistance", seed=0,
           settings={"scenario_name": "electoral_crisis", "policy": "none"}),
)


def agrees(comp: Comparison, seed: int, key: str = "violence_party_weeks") -> bool:
    """Whether world ``seed``'s difference in ``key`` tells the average's story: the sign
    of the mean difference (zero where the mean is zero) and inside the middle half (the
    interquartile range) of the worlds' differences."""
    d = comp.b[key] - comp.a[key]
    mine = float(d[int(np.flatnonzero(comp.seeds == seed)[0])])
    mean = float(np.nanmean(d))
    q1, q3 = np.nanquantile(d, [0.25, 0.75])
    return bool(np.sign(mine) == np.sign(mean) and q1 <= mine <= q3)


def find_seed(lesson: Lesson, candidates=range(0, 50)) -> int:
    """The first world ``s`` whose own difference agrees with the mean over worlds
    ``s … s + worlds − 1`` (the lesson's comparison from ``s``)."""
    for seed in candidates:
        settings = {**lesson.settings, "seed": seed}
        comp = compare_worlds(settings, lesson.mode, lesson.a, lesson.b, lesson.worlds)
        if agrees(comp, seed):
            return int(seed)
    raise LookupError(f"no world of {list(candidates)} agrees with the average for "
                      f"lesson {lesson.key}")


def main() -> int:  # pragma: no cover - a maintenance script
    for lesson in LESSONS:
        comp = lesson.run()
        ok = agrees(comp, lesson.seed)
        print(f"{lesson.key}: seed {lesson.seed} {'agrees' if ok else 'DOES NOT agree'}")
        print("  " + comp.headline())
        if not ok:
            print(f"  a seed that agrees: {find_seed(lesson)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
