"""Shared plumbing of the validation scripts: options, output folder, tables, figures.

Each script in this folder is one comparison of the model's behaviour with a fact it was
not tuned on (docs/validation.md). They all take ``--seeds`` (how many seeded runs),
``--first-seed`` and ``--out`` (the output folder, by default
``results/validation/<name>/``), write their tables as CSV and their figures as PNG and
SVG atomically (``sim.study.storage.write_atomic``), print their tables, and write a
``manifest.json`` (seeds, versions, git commit, command, times).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.study.storage import manifest, now_iso, write_atomic, write_json, write_table

ROOT = Path(__file__).resolve().parents[2]


def parser(name: str, doc: str | None, seeds: int) -> argparse.ArgumentParser:
    """The options every validation script shares."""
    ap = argparse.ArgumentParser(
        prog=f"experiments/validation/{name}.py",
        description=(doc or "").strip().splitlines()[0] if doc else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--seeds", type=int, default=seeds,
                    help="number of seeded runs (seeds first-seed … first-seed+seeds−1)")
    ap.add_argument("--first-seed", type=int, default=0, help="first seed")
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "validation" / name,
                    help="output folder (created; files in it are replaced)")
    return ap


def add_overrides(ap: argparse.ArgumentParser) -> None:
    """``--set KEY=VALUE ...``: Hydra overrides on top of the default scenario with no
    response (:func:`base_params`)."""
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                    help="Hydra overrides for sim.compose (default scenario, policy none)")


def base_params(args: argparse.Namespace):
    """The default scenario with ``policy=none``, plus ``--set``'s overrides."""
    import sim

    return sim.compose(["policy=none", *args.set])


def check_seeds(args: argparse.Namespace, minimum: int = 1) -> list[int]:
    if args.seeds < minimum:
        sys.exit(f"--seeds must be at least {minimum}")
    if args.first_seed < 0:
        sys.exit("--first-seed must be >= 0")
    return list(range(args.first_seed, args.first_seed + args.seeds))


def plt():
    """matplotlib.pyplot on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def save_figure(fig, out: Path, name: str) -> list[Path]:
    """``<out>/<name>.png`` and ``.svg``, each written atomically; closes the figure."""
    paths = []
    for ext in ("png", "svg"):
        path = Path(out) / f"{name}.{ext}"
        write_atomic(path, lambda p, ext=ext: fig.savefig(p, format=ext, dpi=120,
                                                          bbox_inches="tight"))
        paths.append(path)
    plt().close(fig)
    return paths


def save_table(frame: pd.DataFrame, out: Path, name: str) -> Path:
    """``<out>/<name>.csv``, atomically."""
    return write_table(Path(out) / f"{name}.csv", frame)


def show(title: str, frame: pd.DataFrame, floatfmt: str = "{:.4g}") -> None:
    """Print a table as the docs paste it (whole numbers without a decimal part)."""
    def fmt(value: float) -> str:
        if value == value and float(value).is_integer() and abs(value) < 1e7:
            return f"{value:.0f}"
        return floatfmt.format(value)

    print(f"\n{title}")
    with pd.option_context("display.width", 250, "display.max_columns", 50,
                           "display.max_colwidth", 60):
        print(frame.to_string(index=False, float_format=fmt))


class Clock:
    """Start time and elapsed seconds, for the manifest and the closing line."""

    def __init__(self):
        self.started = now_iso()
        self._t0 = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self._t0


def finish(out: Path, clock: Clock, config: dict[str, Any], seeds: list[int],
           files: list[Path]) -> None:
    """Write ``manifest.json`` and say where everything went."""
    write_json(Path(out) / "manifest.json",
               manifest(config, seeds, clock.started, seconds=round(clock.seconds, 1),
                        files=[Path(f).name for f in files]))
    print(f"\nwrote {', '.join(Path(f).name for f in files)} and manifest.json "
          f"to {out} in {clock.seconds:.1f} s")
