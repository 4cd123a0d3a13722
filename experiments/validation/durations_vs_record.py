"""The model's conflict episodes in the record's terms, set against UCDP/PRIO (issue 17).

Long runs with no international response (default 20 years, ``policy=none``), each
party's violence spells (level ≥ 3, ``sim.core.metrics.episodes``) joined into episodes as
UCDP/PRIO counts them: a lull of less than ``--join-weeks`` (52: a calendar year without
activity ends a UCDP episode) does not end an episode. An episode *reached war* if one of
its weeks is at level 4 (UCDP intensity 2). Episodes running at the horizon are counted to
it, as the record counts episodes running at the end of 2013; spells running at week 0
would be left out (the default scenario has none). Lengths in years (weeks / 52). The
targets are those of ``ucdp_targets.py`` (docs/validation.md §3), computed by the same
function, and the figure sets the two survival curves side by side.

    .venv/bin/python experiments/validation/durations_vs_record.py          # ≈ 40 s
    .venv/bin/python experiments/validation/durations_vs_record.py --seeds 5 --years 10
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common
import ucdp_targets

from sim.core.dynamics import Level
from sim.core.metrics import episodes as spells_of

NAME = "durations_vs_record"
WEEKS_PER_YEAR = 52.0


def model_episodes(levels: np.ndarray, weeks: np.ndarray, join_weeks: float,
                   run: int, past_war: np.ndarray | None = None) -> pd.DataFrame:
    """One row per joined episode of one run: conflict (run:party), party, start and end
    week, ended, longest_spell_years (its longest unbroken spell), war, years, start_year
    and end_year (weeks / 52), and past_war (the party had a war before week 0; False
    without ``past_war``)."""
    spells = spells_of(levels, weeks)
    spells = spells[spells.start_week > 0]  # a spell running at week 0 has no start
    rows = []
    horizon = float(weeks[-1])
    for party, group in spells.groupby("party"):
        current = None
        for spell in group.sort_values("start_week").itertuples():
            end = spell.end_week if spell.ended else horizon
            length = (end - spell.start_week) / WEEKS_PER_YEAR
            if current is not None and spell.start_week - current["end"] < join_weeks:
                current["end"], current["ended"] = end, bool(spell.ended)
                current["longest_spell_years"] = max(current["longest_spell_years"], length)
                continue
            if current is not None:
                rows.append(current)
            current = {"conflict": f"{run}:{party}", "party": int(party),
                       "start": float(spell.start_week), "end": end,
                       "ended": bool(spell.ended), "longest_spell_years": length}
        if current is not None:
            rows.append(current)
    ep = pd.DataFrame(rows, columns=["conflict", "party", "start", "end", "ended",
                                     "longest_spell_years"])
    if ep.empty:  # typed columns, so that masks on them select rows
        ep = ep.astype({"party": int, "start": float, "end": float, "ended": bool,
                        "longest_spell_years": float})
        return ep.assign(war=pd.Series(dtype=bool), years=pd.Series(dtype=float),
                         start_year=pd.Series(dtype=float), end_year=pd.Series(dtype=float),
                         past_war=pd.Series(dtype=bool))
    row_of = {w: i for i, w in enumerate(weeks.tolist())}
    ep["war"] = [bool((levels[row_of[s]:row_of.get(e, len(weeks) - 1) + 1, p]
                       >= Level.ARMED_CONFLICT).any())
                 for s, e, p in zip(ep.start, ep.end, ep.party)]
    ep["years"] = (ep.end - ep.start) / WEEKS_PER_YEAR
    ep["start_year"], ep["end_year"] = ep.start / WEEKS_PER_YEAR, ep.end / WEEKS_PER_YEAR
    ep["past_war"] = (np.asarray(past_war, dtype=bool)[ep.party.to_numpy()]
                      if past_war is not None else False)
    return ep


def run_one(params, seed: int, join_weeks: float):
    """One seeded run and its joined episodes: (model, episodes)."""
    from sim.core.model import ConflictModel

    params.seed = seed
    model = ConflictModel(params).run()
    return model, model_episodes(model.level_history, model.weeks, join_weeks, seed,
                                 model.state.past_war)


def collect(params, seeds: list[int], join_weeks: float) -> pd.DataFrame:
    return pd.concat([run_one(params, seed, join_weeks)[1] for seed in seeds],
                     ignore_index=True)


def compare(model: pd.DataFrame, record: pd.DataFrame, years: float) -> pd.DataFrame:
    """Each target over all episodes: the record's value, the model's (in runs of
    ``years``), and their ratio."""
    t_model = ucdp_targets.targets(model, years)
    t_record = ucdp_targets.targets(record)
    pick = lambda t: t[t.subset == "all"].set_index("target").value  # noqa: E731
    out = pd.DataFrame({"record": pick(t_record), "model": pick(t_model)})
    out["model_over_record"] = out.model / out.record
    return out.reset_index().rename(columns={"index": "target"})


def figure(model: pd.DataFrame, record: pd.DataFrame, out: Path, years: float) -> list[Path]:
    curves = [(frame.years, f"{label} ({len(frame)} episodes)", style)
              for frame, label, style in (
                  (record, "UCDP/PRIO 1946–2013, intrastate", "-"),
                  (model, f"model, policy=none, {years:g}-year runs", "--"))
              if len(frame)]
    return ucdp_targets.plot_survival(curves, "Episode lengths: the model against the record",
                                      out, NAME)


def main(argv: list[str] | None = None) -> int:
    ap = _common.parser(NAME, __doc__, seeds=20)
    _common.add_overrides(ap)
    ap.add_argument("--years", type=float, default=20.0, help="length of each run")
    ap.add_argument("--join-weeks", type=float, default=52.0,
                    help="lulls shorter than this do not end an episode")
    ap.add_argument("--data", type=Path, default=ucdp_targets.DATA,
                    help="the UCDP/PRIO CSV file")
    args = ap.parse_args(argv)
    seeds = _common.check_seeds(args)
    if not args.data.is_file():
        sys.exit(f"--data: {args.data} is not a file (the dataset is in data/ucdp/)")
    if args.years <= 0:
        sys.exit(f"--years must be positive, not {args.years}")
    clock = _common.Clock()
    params = _common.base_params(args)
    params.horizon_weeks = int(round(args.years * WEEKS_PER_YEAR))
    model = collect(params, seeds, args.join_weeks)
    record = ucdp_targets.episodes(pd.read_csv(args.data))
    table = compare(model, record, args.years)
    _common.show(f"Episodes in the record's terms ({len(seeds)} runs of {args.years:g} years, "
                 f"lulls under {args.join_weeks:g} weeks joined)", table)
    files = [_common.save_table(table, args.out, NAME),
             _common.save_table(model, args.out, "episodes"),
             *figure(model, record, args.out, args.years)]
    _common.finish(args.out, clock, {"years": args.years, "join_weeks": args.join_weeks,
                                     "overrides": args.set, "data": str(args.data)},
                   seeds, files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
