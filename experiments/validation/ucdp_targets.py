"""Calibration targets from the record: episodes of intrastate armed conflict in the
UCDP/PRIO Armed Conflict Dataset v4-2014 (1946–2013), issue 17 item 3's targets.

An *episode* is the dataset's own: the years of one conflict (``ConflictId``) with the
same ``StartDate2`` (the start of the current episode); it ends at ``EpEndDate`` (a year
with ``EpEnd`` = 1 and no conflict activity the next year), or is still running at the end
of 2013 (right-censored, counted at its length so far, as the issue's figures count it).
Intrastate: ``TypeOfConflict`` 3 (intrastate) or 4 (internationalised intrastate). An
episode reached *war* if any of its years has ``IntensityLevel`` 2 (1,000 or more
battle-related deaths in the year). Durations are in years (days / 365.25).

Targets written (``ucdp_targets.csv``, one row each): the number of episodes and of
conflicts; the median and quartiles of episode length; the shares of episodes ending
within one year and lasting more than 2, 5 and 10 years; the median length of episodes
that reached war and their share; the share of conflicts with more than one episode; the
share of wars (ended by 2003) followed by a new episode of the same conflict within ten
years (Collier, Hoeffler & Söderbom 2008 count post-conflict relapses so); each also over
the ended episodes only. The figure is the episodes' survival curve (the share still running
after t years), all episodes and those that reached war, on a log time axis — the curve
the model's episode lengths will be set against (docs/validation.md §3).

Source (CC BY 4.0): Gleditsch et al. (2002), Themnér & Wallensteen (2014); the data and
codebook are in ``data/ucdp/``.

    .venv/bin/python experiments/validation/ucdp_targets.py                # ≈ 2 s
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

NAME = "ucdp_targets"
DATA = _common.ROOT / "data" / "ucdp" / "ucdp-prio-acd-v4-2014.csv"
#: The dataset's last year: episodes still running are counted to its end.
CENSOR_DATE = pd.Timestamp("2013-12-31")
INTRASTATE = (3, 4)
SOURCE = "UCDP/PRIO ACD v4-2014 (CC BY 4.0; Gleditsch et al. 2002, Themnér & Wallensteen 2014)"


def episodes(conflict_years: pd.DataFrame) -> pd.DataFrame:
    """One row per intrastate episode: conflict, start, end, ended, war, years."""
    d = conflict_years[conflict_years.TypeOfConflict.isin(INTRASTATE)].copy()
    for column in ("StartDate2", "EpEndDate"):
        d[column] = pd.to_datetime(d[column].astype("string").str.strip())
    ep = (d.groupby(["ConflictId", "StartDate2"])
          .agg(ended=("EpEnd", "max"), end=("EpEndDate", "max"),
               war=("IntensityLevel", "max"))
          .reset_index()
          .rename(columns={"ConflictId": "conflict", "StartDate2": "start"}))
    ep["ended"] = ep.ended.eq(1) & ep.end.notna()
    ep["end"] = ep.end.where(ep.ended, CENSOR_DATE)
    ep["war"] = ep.war.eq(2)
    ep["years"] = (ep.end - ep.start).dt.days / 365.25
    # the record's clock in years from its first day, as the model's runs count weeks
    ep["start_year"] = (ep.start - RECORD_START).dt.days / 365.25
    ep["end_year"] = (ep.end - RECORD_START).dt.days / 365.25
    return ep


#: The record's first day and its length in years (the horizon for censored follow-ups).
RECORD_START = pd.Timestamp("1946-01-01")
RECORD_YEARS = (CENSOR_DATE - RECORD_START).days / 365.25
#: Follow-up of a war's end for the relapse target (Collier, Hoeffler & Söderbom 2008
#: count relapses within a decade).
RELAPSE_YEARS = 10.0


def war_relapse(ep: pd.DataFrame, horizon_years: float,
                within: float = RELAPSE_YEARS) -> tuple[int, int]:
    """Of the ended episodes that reached war and ended at least ``within`` years before
    the horizon (so their follow-up is complete), how many were followed by a new episode
    of the same conflict within ``within`` years: (relapsed, at risk)."""
    ended = ep[ep.ended & ep.war & (ep.end_year <= horizon_years - within)]
    if ended.empty:
        return 0, 0
    starts = ep.groupby("conflict").start_year.apply(np.sort)
    relapsed = sum(bool(((s := starts[c]) > end).any() and s[s > end][0] - end <= within)
                   for c, end in zip(ended.conflict, ended.end_year))
    return relapsed, len(ended)


def targets(ep: pd.DataFrame, horizon_years: float = RECORD_YEARS) -> pd.DataFrame:
    """The targets, over all episodes and over the ended ones (``horizon_years``: the
    end of the observation on the episodes' ``start_year``/``end_year`` clock)."""
    rows = []
    relapsed, at_risk = war_relapse(ep, horizon_years)
    for subset, frame in (("all", ep), ("ended", ep[ep.ended])):
        y = frame.years
        per_conflict = frame.groupby("conflict").size()
        values = {
            "episodes": len(frame), "conflicts": len(per_conflict),
            "median_years": y.median(), "q25_years": y.quantile(0.25),
            "q75_years": y.quantile(0.75),
            "share_within_1y": (y <= 1).mean(), "share_over_2y": (y > 2).mean(),
            "share_over_5y": (y > 5).mean(), "share_over_10y": (y > 10).mean(),
            "median_years_war": frame[frame.war].years.median(),
            "episodes_war": int(frame.war.sum()),
            "share_conflicts_recurring": (per_conflict > 1).mean(),
            "share_episodes_war": frame.war.mean(),
            # the same for both subsets: only ended wars can relapse
            "share_wars_relapsing_10y": relapsed / at_risk if at_risk else np.nan,
        }
        rows += [{"target": k, "subset": subset, "value": float(v), "source": SOURCE}
                 for k, v in values.items()]
    return pd.DataFrame(rows)


def survival(years: pd.Series, grid: np.ndarray) -> np.ndarray:
    """Share of episodes lasting more than each ``grid`` value (censored ones at their
    length so far, as counted above)."""
    y = np.sort(years.to_numpy())
    return 1.0 - np.searchsorted(y, grid, side="right") / y.size


def plot_survival(curves: list[tuple[pd.Series, str, str]], title: str, out: Path,
                  name: str) -> list[Path]:
    """Survival curves of episode lengths (``curves``: years, label, line style) on a log
    time axis, with 1, 2, 5 and 10 years marked; ``<out>/<name>.png`` and ``.svg``."""
    plt = _common.plt()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    top = max(years.max() for years, _, _ in curves) + 1
    grid = np.logspace(-2, np.log10(top), 400)
    for years, label, style in curves:
        ax.step(grid, survival(years, grid), style, where="post", label=label)
    for t in (1, 2, 5, 10):
        ax.axvline(t, color="0.85", lw=0.8, zorder=0)
    ax.set_xscale("log")
    ax.set_xlabel("episode length (years, log scale)")
    ax.set_ylabel("share of episodes still running")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(frameon=False)
    return _common.save_figure(fig, out, name)


def figure(ep: pd.DataFrame, out: Path) -> list[Path]:
    war = ep[ep.war]
    return plot_survival(
        [(ep.years, f"all intrastate episodes ({len(ep)})", "-"),
         (war.years, f"reached war, 1,000+ deaths a year ({len(war)})", "-")],
        "How long intrastate conflict episodes last, 1946–2013 (UCDP/PRIO v4-2014)",
        out, NAME)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog=f"experiments/validation/{NAME}.py",
                                 description=__doc__.strip().splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA, help="the dataset's CSV file")
    ap.add_argument("--out", type=Path, default=_common.ROOT / "results" / "validation" / NAME,
                    help="output folder (created; files in it are replaced)")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        sys.exit(f"--data: {args.data} is not a file (the dataset is in data/ucdp/)")
    clock = _common.Clock()
    ep = episodes(pd.read_csv(args.data))
    table = targets(ep)
    _common.show("Targets from the record (years)", table[["target", "subset", "value"]])
    files = [_common.save_table(table, args.out, NAME),
             _common.save_table(ep, args.out, "episodes"), *figure(ep, args.out)]
    _common.finish(args.out, clock, {"data": str(args.data), "source": SOURCE}, [], files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
