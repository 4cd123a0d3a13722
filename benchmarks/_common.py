"""Helpers shared by the benchmark scripts (not a benchmark itself).

* :func:`machine_line` / :func:`load_line`: what the figures were measured on.
* :class:`PhaseTimer`: per-phase wall time of ``ConflictModel.step()``, by wrapping the
  phase methods on one model *instance* (nothing in ``sim/`` is modified; removing the
  wrappers restores the class methods).
* :func:`current_rss_mb` / :func:`peak_rss_mb`: memory of this process.

The scripts import this as ``_common`` (``python benchmarks/x.py`` puts ``benchmarks/``
first on ``sys.path``).
"""

from __future__ import annotations

import os
import platform
import resource
import time

import numpy as np
import scipy

#: The phases of ``ConflictModel.step()`` in call order, as (label, owner, attribute).
#: ``owner`` is "model" or "response" (the model's ``ResponseSystem``).
PHASES = (
    ("shocks", "model", "_apply_shocks"),
    ("warning", "model", "_observe"),
    ("response", "response", "step"),
    ("hostility", "model", "_update_hostility"),
    ("levels+feedback", "model", "_update_levels_and_feedbacks"),
    ("record", "model", "_record"),
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_line() -> str:
    import mesa

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return (f"machine: {os.cpu_count()} CPUs ({usable} usable), {cpu_model()}, "
            f"{platform.machine()}; python {platform.python_version()}, numpy "
            f"{np.__version__}, scipy {scipy.__version__}, mesa {mesa.__version__}")


def load_line() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min)"
    except OSError:
        return "load average unavailable"


def begin(title: str) -> float:
    """Print a benchmark's title, the machine and the load; return the start time."""
    print(title)
    print(machine_line())
    print(f"start: {load_line()}")
    return time.perf_counter()


def finish(t_start: float) -> int:
    """Print the load and the benchmark's total time; return the exit status (0)."""
    print(f"end: {load_line()}")
    print(f"total benchmark time {time.perf_counter() - t_start:.1f}s")
    return 0


def profile_rows(text: str) -> str:
    """The table of a ``pstats`` printout, from its ``ncalls`` header on."""
    start = text.find("   ncalls")
    return text[start:].rstrip() if start >= 0 else text.rstrip()


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss; KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Current resident set size (from /proc/self/statm; falls back to the peak)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return peak_rss_mb()


class PhaseTimer:
    """Accumulates the wall time of each phase of ``model.step()``.

    ``install()`` shadows the phase methods with timing wrappers on this model instance
    only; ``remove()`` deletes the shadows. ``step()`` runs one timed step and also
    accumulates the whole step's time, so ``other`` (the whole step minus the phases) is
    Mesa's step wrapper, the dispatch and the wrappers' own cost (about 1 µs a step).
    """

    def __init__(self, model):
        self.model = model
        self.totals = {label: 0.0 for label, _, _ in PHASES}
        self.step_total = 0.0
        self.steps = 0

    def _owner(self, owner: str):
        return self.model if owner == "model" else self.model.response

    def install(self) -> None:
        totals, clock = self.totals, time.perf_counter
        for label, owner, attr in PHASES:
            obj = self._owner(owner)
            method = getattr(obj, attr)

            def timed(*args, _method=method, _label=label, **kwargs):
                t0 = clock()
                try:
                    return _method(*args, **kwargs)
                finally:
                    totals[_label] += clock() - t0

            setattr(obj, attr, timed)

    def remove(self) -> None:
        for _, owner, attr in PHASES:
            obj = self._owner(owner)
            if attr in vars(obj):
                delattr(obj, attr)

    def run(self, steps: int) -> None:
        step, clock = self.model.step, time.perf_counter
        for _ in range(steps):
            t0 = clock()
            step()
            self.step_total += clock() - t0
        self.steps += steps

    def add(self, other: "PhaseTimer") -> None:
        for k, v in other.totals.items():
            self.totals[k] += v
        self.step_total += other.step_total
        self.steps += other.steps

    def shares(self) -> dict[str, float]:
        """Per-step microseconds of each phase, plus ``other`` and ``total``."""
        if not self.steps:
            return {}
        out = {k: v / self.steps * 1e6 for k, v in self.totals.items()}
        out["other"] = (self.step_total - sum(self.totals.values())) / self.steps * 1e6
        out["total"] = self.step_total / self.steps * 1e6
        return out


def phase_table(rows: list[tuple[str, dict[str, float]]]) -> list[str]:
    """Lines of a table: one row per label, µs/step and % of the step for each phase."""
    labels = [p[0] for p in PHASES] + ["other"]
    head = f"{'':>10} | " + " ".join(f"{lab:>16}" for lab in labels) + f" | {'step us':>9}"
    lines = [head, "-" * len(head)]
    for name, s in rows:
        total = s["total"]
        cells = " ".join(f"{s[lab]:>9.1f} ({s[lab] / total * 100:>3.0f}%)" for lab in labels)
        lines.append(f"{name:>10} | {cells} | {total:>9.1f}")
    return lines
