"""Calibrate the escalation defaults against the record (issue 17, item 3): a seeded search.

The model is run as ``durations_vs_record.py`` runs it (the default scenario, no
international response, ``--years``-long runs, violence spells joined into episodes as
UCDP/PRIO counts them) and its targets are computed by the record's own function
(``ucdp_targets.targets``). The search minimises the distance

    D(θ) = Σ_t (f_t(model(θ)) − f_t(record))²

over the calibration targets ``CALIBRATED``, with equal weights:

* episode-length quartiles (on log years), and the shares of episodes ending within a
  year and lasting more than 2, 5 and 10 years (logit);
* the share of conflicts with more than one episode, and of ended wars relapsing within
  ten years (Collier, Hoeffler & Söderbom 2008 count relapses so) (logit);
* the share of onsets in parties with a prior conflict, against ¶29's figure (logit);
* the prototype's level of violence in the default three years (DESIGN.md §3: about 9
  spells of violence per run of 60 parties, armed conflict in 57% of runs; the record has
  no count of states at risk, so it cannot say how violent the stylised world is).

The parameters are ``PARAMETERS``, within their ranges. It is a simulated method of
moments with an identity weight matrix, searched with Optuna's TPE sampler, seeded
(``--sampler-seed``), on common random numbers (every trial runs the same seeds).

The targets ``HELD_OUT`` (the episodes that reached war: their share and median length)
are not searched on: they are the check the calibration did not aim at. The best trial,
the model before issue 17 (``PREVIOUS_ESCALATION``) and the current defaults are then run
again on ``--check-seeds`` fresh seeds, each target with a 95% bootstrap interval over
runs, and a verdict. Last, a profile: each
parameter alone halved and doubled from the optimum (within its range), on the search's
seeds, to show whether one parameter decides the durations (``profile.csv``).

Written to ``--out`` (default ``results/calibration/``): ``trials.csv`` (every trial's
parameters, targets and distance), ``targets.csv`` (record; before issue 17, defaults, found;
intervals, verdicts), ``profile.csv``, ``best.json`` (the overrides found), ``report.md`` and the
survival figure.

    make calibrate                                     # ≈ 8 min on 2 cores
    .venv/bin/python experiments/validation/calibrate.py --trials 4 --seeds 2 --years 5
"""

from __future__ import annotations

import json
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common
import conflict_trap
import durations_vs_record
import ucdp_targets

from sim.core.dynamics import Level
from sim.core.params import Params, dotted_value

NAME = "calibration"
#: What is searched: (low, high, log scale). Ranges wide enough to hold every reading of
#: the literature the parameters' sources allow (docs/model.md, Calibration to the record).
PARAMETERS: dict[str, tuple[float, float, bool]] = {
    "dynamics.weariness_rate": (0.001, 0.05, True),
    "dynamics.weariness_cv": (0.0, 2.5, False),
    "dynamics.weariness_max": (0.05, 2.0, True),
    "dynamics.weariness_decay": (0.002, 0.1, True),
    "history.war_economy_share": (0.0, 0.6, False),
    "history.war_economy_drive": (0.0, 0.4, False),
    "dynamics.grievance_gain": (0.0, 0.012, False),
    "dynamics.grievance_decay": (0.002, 0.05, True),
    "history.grievance_boost": (0.0, 0.15, False),
    "history.past_war_fraction": (0.05, 0.5, False),
}
#: ¶29 (World Bank WDR 2011): 90% of the 2000s' civil wars were in countries with a civil
#: war in the previous 30 years. The model's analogue: the share of episodes starting
#: after ``PRIOR_FROM_YEAR`` in parties with a war before week 0 or an earlier episode.
PRIOR_CONFLICT_SHARE = conflict_trap.REPORT_SHARE
PRIOR_SOURCE = "¶29 (World Bank WDR 2011, from Walter's background paper)"
PRIOR_FROM_YEAR = 10.0
#: target → scale of the distance ("log": log of a length; "logit": a share)
CALIBRATED: dict[str, str] = {
    "q25_years": "log", "median_years": "log", "q75_years": "log",
    "share_within_1y": "logit", "share_over_2y": "logit", "share_over_5y": "logit",
    "share_over_10y": "logit", "share_conflicts_recurring": "logit",
    "share_onsets_prior_conflict": "logit", "share_wars_relapsing_10y": "logit",
    "spells_per_run_3y": "log", "armed_conflict_3y": "logit",
}
HELD_OUT: dict[str, str] = {"share_episodes_war": "logit", "median_years_war": "log"}
#: Profile of the optimum: each parameter alone times these factors (within its range)
PROFILE_FACTORS = (0.5, 2.0)
#: reported beside the targets: the share of unjoined spells at violence over two years
#: (wars fought without a lull; none before issue 17)
SPELLS_OVER_YEARS = 2.0
#: each target in words, for reports
LABELS: dict[str, str] = {
    "q25_years": "episode length, first quartile (years)",
    "median_years": "episode length, median (years)",
    "q75_years": "episode length, third quartile (years)",
    "share_within_1y": "share of episodes ending within a year",
    "share_over_2y": "share of episodes lasting over 2 years",
    "share_over_5y": "share of episodes lasting over 5 years",
    "share_over_10y": "share of episodes lasting over 10 years",
    "share_conflicts_recurring": "share of conflicts with more than one episode",
    "share_onsets_prior_conflict": "share of onsets (after year 10) in parties with a "
                                   "past war or an earlier episode",
    "share_episodes_war": "share of episodes reaching war (level 4 / intensity 2)",
    "median_years_war": "length of episodes reaching war, median (years)",
    "share_wars_relapsing_10y": "share of ended wars followed by a new episode within "
                                "10 years",
    "spells_per_run_3y": "violence spells started per run in the first 3 years",
    "armed_conflict_3y": "share of runs with armed conflict in the first 3 years",
}
#: The prototype's level of violence (DESIGN.md §3), the escalation defaults' first target:
#: spells of violence started per run of 60 parties in the default three years, and the
#: share of runs with armed conflict in them. The record has no count of the states at
#: risk, so it cannot set how violent the stylised world is; the prototype does.
PROTOTYPE = {"spells_per_run_3y": 9.0, "armed_conflict_3y": 0.57}
PROTOTYPE_SOURCE = "DESIGN.md §3 prototype (60 parties, 3 years)"
DEFAULT_HORIZON_WEEKS = Params.__dataclass_fields__["horizon_weeks"].default
#: lengths (years) are floored here before the log (an empty sample is finite): 9 hours
LOG_FLOOR = 1e-3
#: shares are clipped this far from 0 and 1 before the logit (an empty tail is finite)
EPS = 0.005
#: bootstrap resamples of whole runs for the check's intervals
RESAMPLES = 400


def prior_conflict_share(ep: pd.DataFrame, from_year: float = PRIOR_FROM_YEAR) -> float:
    """Share of the episodes starting at ``from_year`` or later whose party had a war
    before week 0 or an earlier episode in the run (nan if there are none)."""
    late = ep[ep.start_year >= from_year]
    if late.empty:
        return math.nan
    first = ep.groupby("conflict").start_year.transform("min")
    prior = late.past_war | (late.start_year > first[late.index])
    return float(prior.mean())


@dataclass
class Sample:
    """What a setting's runs give: their joined ``episodes`` and one row per run
    (``runs``: run, spells started in the default horizon, armed conflict in it)."""

    episodes: pd.DataFrame
    runs: pd.DataFrame


def model_targets(sample: Sample, years: float) -> dict[str, float]:
    """Every target of one sample of runs (of ``years`` each)."""
    ep = sample.episodes
    t = ucdp_targets.targets(ep, years)
    values = t[t.subset == "all"].set_index("target").value.to_dict()
    values["share_onsets_prior_conflict"] = prior_conflict_share(ep)
    values["share_unbroken_over_2y"] = (float((ep.longest_spell_years > SPELLS_OVER_YEARS)
                                              .mean()) if len(ep) else math.nan)
    values["spells_per_run_3y"] = float(sample.runs.spells_3y.mean())
    values["armed_conflict_3y"] = float(sample.runs.armed_conflict_3y.mean())
    return values


def record_targets(record: pd.DataFrame) -> tuple[dict[str, float], dict[str, str]]:
    """The record's targets and where each comes from."""
    t = ucdp_targets.targets(record)
    t = t[t.subset == "all"].set_index("target")
    values, sources = t.value.to_dict(), t.source.to_dict()
    values["share_onsets_prior_conflict"] = PRIOR_CONFLICT_SHARE
    sources["share_onsets_prior_conflict"] = PRIOR_SOURCE
    values.update(PROTOTYPE)
    sources.update({k: PROTOTYPE_SOURCE for k in PROTOTYPE})
    return values, sources


def scaled(value: float, scale: str) -> float:
    if scale == "log":
        return math.log(max(value, LOG_FLOOR))
    p = min(max(value, EPS), 1 - EPS)
    return math.log(p / (1 - p))


def distance(model: dict[str, float], record: dict[str, float],
             targets: dict[str, str] = CALIBRATED) -> float:
    """Σ (f(model) − f(record))² over ``targets``; a missing model value (nan: no
    episodes to measure) counts as the worst value of its scale."""
    total = 0.0
    for name, scale in targets.items():
        m = model.get(name, math.nan)
        if m != m:
            m = LOG_FLOOR if scale == "log" else EPS
        total += (scaled(m, scale) - scaled(record[name], scale)) ** 2
    return total


# ------------------------------------------------------------------ running the model
def _one_run(job: tuple[object, int, float]) -> tuple[pd.DataFrame, dict]:
    """One seeded run's joined episodes and its default-horizon counts (a pool job)."""
    from sim.core.metrics import episodes as spells_of

    params, seed, join_weeks = job
    model, ep = durations_vs_record.run_one(params, seed, join_weeks)
    first = model.level_history[:DEFAULT_HORIZON_WEEKS + 1]  # week 0 to the default horizon
    spells = spells_of(first, model.weeks[:len(first)])
    return ep, {"run": seed, "spells_3y": int((spells.start_week > 0).sum()),
                "armed_conflict_3y": int((first >= Level.ARMED_CONFLICT).any())}


class Runner:
    """Runs a parameter setting on a list of seeds, in ``jobs`` processes."""

    def __init__(self, base: list[str], years: float, join_weeks: float, jobs: int):
        self.base, self.years, self.join_weeks = base, years, join_weeks
        self.pool = ProcessPoolExecutor(jobs) if jobs > 1 else None

    def sample(self, values: dict[str, float], seeds: list[int]) -> Sample:
        import sim

        params = sim.compose(["policy=none", *self.base,
                              *(f"{k}={v!r}" for k, v in values.items())])
        params.horizon_weeks = int(round(self.years * durations_vs_record.WEEKS_PER_YEAR))
        jobs = [(params, seed, self.join_weeks) for seed in seeds]
        done = list(self.pool.map(_one_run, jobs) if self.pool else map(_one_run, jobs))
        return Sample(pd.concat([ep for ep, _ in done], ignore_index=True),
                      pd.DataFrame([run for _, run in done]))

    def close(self) -> None:
        if self.pool:
            self.pool.shutdown()


def search(runner: Runner, record: dict[str, float], seeds: list[int], trials: int,
           sampler_seed: int) -> pd.DataFrame:
    """The seeded TPE search: one row per trial (parameters, targets, distance)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=sampler_seed,
                                         n_startup_trials=max(1, min(20, trials // 3)))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    rows = []
    for number in range(trials):
        trial = study.ask()
        values = {name: trial.suggest_float(name, low, high, log=log)
                  for name, (low, high, log) in PARAMETERS.items()}
        model = model_targets(runner.sample(values, seeds), runner.years)
        d = distance(model, record)
        study.tell(trial, d)
        rows.append({"trial": number, **values, **{f"model.{k}": v for k, v in model.items()},
                     "distance": d, "held_out_distance": distance(model, record, HELD_OUT)})
        if (number + 1) % 10 == 0 or number + 1 == trials:
            print(f"  trial {number + 1}/{trials}: best distance so far "
                  f"{min(r['distance'] for r in rows):.3f}", flush=True)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ the check
def bootstrap(sample: Sample, years: float, seed: int,
              resamples: int = RESAMPLES) -> pd.DataFrame:
    """95% percentile intervals of every target over resamples of whole runs."""
    rng = np.random.default_rng(seed)
    ep, runs = sample.episodes, sample.runs.set_index("run")
    by_run = {run: frame for run, frame in ep.groupby(ep.conflict.str.split(":").str[0])}
    draws = []
    for _ in range(resamples):
        pick = rng.choice(runs.index.to_numpy(), size=len(runs), replace=True)
        parts = [by_run[str(r)].assign(conflict=by_run[str(r)].conflict + f"#{i}")
                 for i, r in enumerate(pick) if str(r) in by_run]  # a run drawn twice: twice
        episodes = pd.concat(parts, ignore_index=True) if parts else ep.iloc[:0]
        draws.append(model_targets(Sample(episodes, runs.loc[pick].reset_index()), years))
    d = pd.DataFrame(draws)
    return pd.DataFrame({"low": d.quantile(0.025), "high": d.quantile(0.975)})


def verdict(record: float, value: float, low: float, high: float) -> str:
    """``within``: the record lies in the model's interval; ``same order``: the model's
    value is within a factor of two of the record's; ``off`` otherwise."""
    if not (value == value):
        return "no episodes"
    if low <= record <= high:
        return "within"
    return "same order" if 0.5 <= value / record <= 2.0 else "off"


def check(runner: Runner, settings: dict[str, dict[str, float]], record: dict[str, float],
          sources: dict[str, str], seeds: list[int]) -> tuple[pd.DataFrame, dict]:
    """Each setting on the check's seeds: targets, intervals and verdicts (long table),
    and each setting's episodes."""
    rows, episodes = [], {}
    for label, values in settings.items():
        sample = runner.sample(values, seeds)
        episodes[label] = sample.episodes
        model = model_targets(sample, runner.years)
        ci = bootstrap(sample, runner.years, seed=seeds[0])
        for name in (*CALIBRATED, *HELD_OUT):
            low, high = (ci.low.get(name, math.nan), ci.high.get(name, math.nan))
            rows.append({"target": name, "role": "calibrated" if name in CALIBRATED
                         else "held out", "setting": label, "record": record[name],
                         "model": model[name], "low": low, "high": high,
                         "verdict": verdict(record[name], model[name], low, high),
                         "source": sources[name]})
        rows.append({"target": "share_unbroken_over_2y", "role": "model only",
                     "setting": label, "record": math.nan,
                     "model": model["share_unbroken_over_2y"],
                     "low": ci.low.get("share_unbroken_over_2y", math.nan),
                     "high": ci.high.get("share_unbroken_over_2y", math.nan),
                     "verdict": "", "source": "episodes with an unbroken spell at violence "
                     "over 2 years"})
        rows.append({"target": "distance", "role": "calibrated", "setting": label,
                     "record": 0.0, "model": distance(model, record), "low": math.nan,
                     "high": math.nan, "verdict": "", "source": "this procedure"})
    return pd.DataFrame(rows), episodes


def profile(runner: Runner, best: dict[str, float], record: dict[str, float],
            seeds: list[int]) -> pd.DataFrame:
    """Each parameter alone times each of ``PROFILE_FACTORS`` (clipped to its range):
    the distance and the duration shares (one row per parameter and factor, and the
    optimum itself as factor 1)."""
    shown = ("median_years", "share_over_2y", "share_over_5y", "share_wars_relapsing_10y",
             "share_unbroken_over_2y")
    rows = []
    for name, factor in [("(optimum)", 1.0), *((n, f) for n in PARAMETERS
                                                for f in PROFILE_FACTORS)]:
        values = dict(best)
        if name in PARAMETERS:
            low, high, _ = PARAMETERS[name]
            values[name] = min(max(best[name] * factor, low), high)
        model = model_targets(runner.sample(values, seeds), runner.years)
        rows.append({"parameter": name, "factor": factor,
                     "value": values.get(name, math.nan),
                     "distance": distance(model, record),
                     **{k: model[k] for k in shown}})
    return pd.DataFrame(rows)


def report(table: pd.DataFrame, profiled: pd.DataFrame, best: dict[str, float],
           columns: dict[str, dict[str, float]], args, seconds: float) -> str:
    """The report: ``columns`` are the settings' parameter values (before issue 17, the
    defaults), beside what the search found."""
    def cell(x) -> str:
        return (f"{x.model:.3g}" if x.low != x.low
                else f"{x.model:.3g} [{x.low:.3g}, {x.high:.3g}]")

    lines = ["# Calibration of the escalation defaults against the record", "",
             f"{args.trials} trials of a seeded TPE search (sampler seed {args.sampler_seed}) "
             f"on {args.seeds} seeds of {args.years:g}-year runs, policy none; checked on "
             f"{args.check_seeds} fresh seeds (first {args.check_first_seed}); "
             f"{seconds / 60:.1f} min.", "",
             "| parameter | " + " | ".join(columns) + " | found |",
             "|---|" + "---|" * (len(columns) + 1)]
    lines += [f"| `{k}` | " + " | ".join(f"{v[k]:.4g}" for v in columns.values())
              + f" | {best[k]:.4g} |" for k in PARAMETERS]
    settings = list(table.setting.unique())
    lines += ["", "| target | role | record | " + " | ".join(f"{s} [95%]" for s in settings)
              + " | verdict (found) |", "|---|---|---|" + "---|" * (len(settings) + 1)]
    for name in table.target.unique():
        cells = [table[(table.target == name) & (table.setting == s)].iloc[0]
                 for s in settings]
        r = cells[-1]
        lines.append(f"| {name} | {r.role} | {r.record:.3g} | "
                     + " | ".join(cell(c) for c in cells) + f" | {r.verdict} |")
    lines += ["", f"Profile (each parameter alone × {' and × '.join(map(str, PROFILE_FACTORS))}"
              " from the optimum, within its range; search seeds):", "",
              "| parameter | factor | value | distance | median years | over 2 y | over 5 y | "
              "wars relapsing | unbroken spell over 2 y |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {p.parameter} | {p.factor:g} | {'' if p.value != p.value else f'{p.value:.4g}'} "
              f"| {p.distance:.3g} | "
              f"{p.median_years:.3g} | {p.share_over_2y:.3g} | {p.share_over_5y:.3g} | "
              f"{p.share_wars_relapsing_10y:.3g} | {p.share_unbroken_over_2y:.3g} |"
              for p in profiled.itertuples()]
    cited = set(table[table.role != "model only"].source) - {"this procedure"}
    lines += ["", "Sources: " + "; ".join(sorted(cited)),
              ""]
    return "\n".join(lines)


def current_defaults() -> dict[str, float]:
    import sim

    params = sim.compose(["policy=none"])
    return {k: dotted_value(params, k) for k in PARAMETERS}


def main(argv: list[str] | None = None) -> int:
    ap = _common.parser(NAME, __doc__, seeds=10)
    ap.set_defaults(out=_common.ROOT / "results" / NAME)
    _common.add_overrides(ap)
    ap.add_argument("--trials", type=int, default=200, help="search trials")
    ap.add_argument("--years", type=float, default=30.0, help="length of each run")
    ap.add_argument("--join-weeks", type=float, default=52.0,
                    help="lulls shorter than this do not end an episode")
    ap.add_argument("--sampler-seed", type=int, default=17, help="seed of the TPE sampler")
    ap.add_argument("--check-seeds", type=int, default=40, help="fresh seeds of the check")
    ap.add_argument("--check-first-seed", type=int, default=1000,
                    help="first seed of the check (away from the search's seeds)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--data", type=Path, default=ucdp_targets.DATA,
                    help="the UCDP/PRIO CSV file")
    args = ap.parse_args(argv)
    seeds = _common.check_seeds(args)
    for name in ("trials", "check_seeds", "jobs"):
        if getattr(args, name) < 1:
            sys.exit(f"--{name.replace('_', '-')} must be at least 1, not "
                     f"{getattr(args, name)}")
    if args.years <= 0:
        sys.exit(f"--years must be positive, not {args.years}")
    if not args.data.is_file():
        sys.exit(f"--data: {args.data} is not a file (the dataset is in data/ucdp/)")
    clock = _common.Clock()
    record_ep = ucdp_targets.episodes(pd.read_csv(args.data))
    record, sources = record_targets(record_ep)
    runner = Runner(args.set, args.years, args.join_weeks, args.jobs)
    try:
        print(f"searching: {args.trials} trials × {len(seeds)} runs of {args.years:g} years")
        trials = search(runner, record, seeds, args.trials, args.sampler_seed)
        best_row = trials.loc[trials.distance.idxmin()]
        best = {k: float(best_row[k]) for k in PARAMETERS}
        from sim.core.params import PREVIOUS_ESCALATION

        before = {k: float(v) for k, v in PREVIOUS_ESCALATION.items() if k in PARAMETERS}
        columns = {"before issue 17": before, "defaults": current_defaults()}
        check_seeds = list(range(args.check_first_seed,
                                 args.check_first_seed + args.check_seeds))
        print(f"checking the model before issue 17, the defaults and the best trial "
              f"({int(best_row.trial)}) on {len(check_seeds)} fresh seeds")
        table, episodes = check(runner, {"before issue 17": before, "defaults": {},
                                         "found": best}, record, sources, check_seeds)
        print("profiling the optimum")
        profiled = profile(runner, best, record, seeds)
    finally:
        runner.close()
    shown = table[table.setting == "found"].drop(columns=["setting", "source"])
    _common.show("Profile of the optimum", profiled)
    _common.show("The calibrated model against its targets (fresh seeds)", shown)
    curves = [(record_ep.years, f"UCDP/PRIO 1946–2013 ({len(record_ep)} episodes)", "-")]
    curves += [(ep.years, f"model {label} ({len(ep)} episodes)", style)
               for (label, ep), style in zip(episodes.items(), (":", "--", "-.")) if len(ep)]
    files = [_common.save_table(trials, args.out, "trials"),
             _common.save_table(table, args.out, "targets"),
             _common.save_table(profiled, args.out, "profile"),
             *ucdp_targets.plot_survival(curves, "Episode lengths before and after "
                                         "calibration, against the record", args.out,
                                         "calibration_survival")]
    best_path = Path(args.out) / "best.json"
    from sim.study.storage import write_atomic

    write_atomic(best_path, lambda p: Path(p).write_text(json.dumps(
        {"overrides": [f"{k}={v:.4g}" for k, v in best.items()], "distance":
         float(best_row.distance), "trial": int(best_row.trial)}, indent=2) + "\n"))
    md = Path(args.out) / "report.md"
    text = report(table, profiled, best, columns, args, clock.seconds)
    write_atomic(md, lambda p: Path(p).write_text(text))
    files += [best_path, md]
    _common.finish(args.out, clock, {"trials": args.trials, "years": args.years,
                                     "sampler_seed": args.sampler_seed,
                                     "check_seeds": check_seeds, "overrides": args.set,
                                     "parameters": {k: list(v) for k, v in PARAMETERS.items()}},
                   seeds, files)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
