"""What the dashboard's many-world tabs cost (issue 18): the Compare tab's default
(``sim.views.worlds.compare_worlds``, 2 × 30 runs) and the delay curve's default
(``delay_curve``, 8 × 12 runs), against the same number of plain runs
(``ConflictModel(params).run()`` and its outcomes) timed in this one run.

The ratio says what the many-world layer adds (composing each setting once, the per-world
parameter copy, collecting the outcomes); the seconds say what a trainer waits for on
this machine. Not part of the test suite. Run::

    .venv/bin/python benchmarks/bench_dashboard.py          # about 30 s
"""

from __future__ import annotations

import statistics
import sys
import time

from _common import begin, finish

from sim.core import metrics
from sim.core.model import ConflictModel
from sim.core.params import with_overrides
from sim.views import worlds
from sim.views.dashboard import settings_params

SETTINGS = {"policy": "envoy", "seed": 0}


def plain_runs(n: int) -> float:
    params = settings_params(SETTINGS)
    t0 = time.perf_counter()
    for seed in range(n):
        metrics.outcomes(ConflictModel(with_overrides(params, {"seed": seed})).run())
    return time.perf_counter() - t0


def main() -> int:
    t_start = begin("PrevSim dashboard many-world benchmark (issue 18)")
    rows = []
    for name, runs, call in (
            ("compare, 30 worlds", 2 * worlds.COMPARE_WORLDS,
             lambda: worlds.compare_worlds(SETTINGS, "delay", 7, 90)),
            ("delay curve, 12 worlds", (len(worlds.CURVE_DELAYS) + 1) * worlds.CURVE_WORLDS,
             lambda: worlds.delay_curve(SETTINGS))):
        tabs, plains = [], []
        for _ in range(2):  # alternately, so drift in the machine's speed hits both
            t0 = time.perf_counter()
            call()
            tabs.append(time.perf_counter() - t0)
            plains.append(plain_runs(runs))
        tab, plain = statistics.median(tabs), statistics.median(plains)
        rows.append((name, runs, tab, plain, tab / plain))
    print(f"{'tab':<24}{'runs':>6}{'seconds':>10}{'plain runs':>12}{'ratio':>8}")
    for name, runs, tab, plain, ratio in rows:
        print(f"{name:<24}{runs:>6}{tab:>10.2f}{plain:>12.2f}{ratio:>8.2f}")
    return finish(t_start)


if __name__ == "__main__":
    sys.exit(main())
