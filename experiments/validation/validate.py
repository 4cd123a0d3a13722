"""Every comparison of docs/validation.md in one run, with one report (issue 17, item 4).

``make validate`` runs, on fixed seeds, the analytic threshold (``threshold.py``), the
episode lengths and recurrence against UCDP/PRIO (``calibrate.check`` on the defaults,
as ``durations_vs_record.py`` counts episodes), the conflict trap (``conflict_trap.py``),
early versus late action (``early_vs_late.py``), the warning skill of issue 16 (the
default observers under ``policy=none``) and the robustness of the default comparison's
ranking (``ranking_robustness.py``). Each comparison writes its own folder as its
script does; this script then writes one table, ``report.csv`` and ``report.md``, with a
row per target:

    comparison, target, source, reference, model, low, high, verdict

``low``/``high`` are the model's 95% interval (bootstrap over runs). Verdicts:

* a figure to match: ``within`` (the reference lies in the model's interval), ``same
  order`` (the model's value is within a factor of two of it), ``off`` (neither);
* a claim of direction (e.g. ¶47, "early beats late"): ``agrees`` (the interval is on the
  claim's side of zero), ``disagrees`` (on the other side), ``undecided`` (it holds zero);
* the analytic threshold: ``agrees`` if every network's empirical threshold brackets the
  analytic one;
* the ranking's robustness (``ranking_robustness.py``): ``agrees`` if the order holds at
  90% of the design's points or more, ``disagrees`` below half, ``undecided`` between.

The same seeds give the same report, so docs/validation.md's summary table is what a
fresh clone's ``make validate`` prints. ``--quick`` runs everything tiny (the tests use
it; its numbers mean nothing).

    make validate                                           # ≈ 5 min on 2 cores
    .venv/bin/python experiments/validation/validate.py --quick --out /tmp/v
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common
import calibrate
import conflict_trap
import early_vs_late
import ranking_robustness
import threshold
import ucdp_targets

NAME = "validation"
COLUMNS = ["comparison", "target", "source", "reference", "model", "low", "high", "verdict"]
#: Seeds per comparison: (full, quick).
SEEDS = {"durations": (40, 3), "conflict_trap": (200, 6), "early_vs_late": (200, 4),
         "warning": (100, 4)}
#: PITF's global model warned of 80% of onsets (Goldstone et al. 2010).
PITF_SENSITIVITY = 0.80
PITF_SOURCE = "Goldstone et al. 2010 (PITF: 80% of onsets)"


def directional(low: float, high: float) -> str:
    """The verdict on a claim that a difference is positive."""
    if low > 0:
        return "agrees"
    return "disagrees" if high < 0 else "undecided"


def row(comparison: str, target: str, source: str, reference, model: float,
        low: float = math.nan, high: float = math.nan, verdict: str | None = None) -> dict:
    if verdict is None:
        verdict = calibrate.verdict(float(reference), model, low, high)
    return dict(zip(COLUMNS, (comparison, target, source, reference, model, low, high,
                              verdict)))


def quietly(main, argv: list[str]) -> None:
    """Run a script's ``main`` with its printing kept out of the report's."""
    with contextlib.redirect_stdout(io.StringIO()):
        if main(argv) != 0:
            raise SystemExit(f"{main.__module__} failed")


# ------------------------------------------------------------------ the comparisons
def threshold_rows(out: Path, quick: bool) -> list[dict]:
    argv = ["--out", str(out / "threshold")]
    if quick:
        argv += ["--sizes", "20", "--families", "regional_blocks", "--normalisations", "row"]
    quietly(threshold.main, argv)
    s = pd.read_csv(out / "threshold" / "threshold.csv")
    rows = []
    for restraint, frame in s.groupby("restraint", sort=False):
        held = int(frame.brackets_analytic.sum())
        rows.append(row("analytic threshold", f"networks ({restraint} restraint) whose "
                        "empirical threshold brackets the analytic one",
                        "theory: k·ρ(W)/a = 1 (model.md 7.24)", len(frame), held,
                        verdict="agrees" if held == len(frame) else "disagrees"))
    return rows


def duration_rows(out: Path, quick: bool, record_csv: Path) -> list[dict]:
    seeds = list(range(1000, 1000 + SEEDS["durations"][quick]))
    years = 5.0 if quick else 30.0
    record_ep = ucdp_targets.episodes(pd.read_csv(record_csv))
    record, sources = calibrate.record_targets(record_ep)
    runner = calibrate.Runner([], years, 52.0, jobs=1 if quick else 2)
    try:
        table, episodes = calibrate.check(runner, {"defaults": {}}, record, sources, seeds)
    finally:
        runner.close()
    folder = out / "durations"
    _common.save_table(table, folder, "durations")
    _common.save_table(episodes["defaults"], folder, "episodes")
    model_ep = episodes["defaults"]
    curves = [(record_ep.years, f"UCDP/PRIO 1946–2013, intrastate ({len(record_ep)})", "-")]
    if len(model_ep):
        curves.append((model_ep.years, f"model, policy=none, {years:g}-year runs "
                       f"({len(model_ep)})", "--"))
    ucdp_targets.plot_survival(curves, "Episode lengths: the model against the record",
                               folder, "survival")
    table = table[(table.target != "distance") & (table.role != "model only")]
    return [row("durations and recurrence" + (" (held out)" if t.role == "held out"
                                              else " (calibrated)"),
                calibrate.LABELS[t.target], short(t.source), t.record, t.model, t.low,
                t.high, t.verdict) for t in table.itertuples()]


def short(source: str) -> str:
    """The record's long citation as the table cites it (the references follow it)."""
    return "UCDP/PRIO v4-2014" if source == ucdp_targets.SOURCE else source


def trap_rows(out: Path, quick: bool) -> list[dict]:
    n = SEEDS["conflict_trap"][quick]
    quietly(conflict_trap.main, ["--seeds", str(n), "--out", str(out / "conflict_trap")])
    t = pd.read_csv(out / "conflict_trap" / "conflict_trap.csv").set_index("measure")
    rr = t.loc["relative_risk"]
    rows = [row("conflict trap", "relative risk of violence, past war vs none (> 1)",
                "Walter 2004; Collier et al. 2003 ('significantly more likely')", 1.0,
                rr.model, rr.low, rr.high, verdict=directional(rr.low - 1, rr.high - 1))]
    h = t.loc["share_onsets_history"]
    rows.append(row("conflict trap", "share of onsets in parties with a past war or "
                    "earlier violence (3-year runs)", calibrate.PRIOR_SOURCE,
                    conflict_trap.REPORT_SHARE, h.model, h.low, h.high))
    r = t.loc["recurrence_past_war"]
    rows.append(row("conflict trap", "parties with a past war and an ended episode that "
                    "fight again (within a 3-year run)",
                    "Walter 2010 (57% of countries with a civil war had another)", 0.57,
                    r.model, r.low, r.high))
    return rows


#: (pair, what ¶47 claims of it, the sign of the difference the claim expects)
EARLY_LATE = [("envoy_90d − envoy_7d", "the same envoy decided at 90 rather than 7 days "
               "leaves more violence", 1.0),
              ("late_envoy − envoy_7d", "an envoy sent once violence is seen leaves more "
               "violence than one at 7 days", 1.0),
              ("early_statement − late_envoy", "a small early step leaves less violence "
               "than a larger one later", -1.0)]


def early_late_rows(out: Path, quick: bool) -> list[dict]:
    n = SEEDS["early_vs_late"][quick]
    quietly(early_vs_late.main, ["--seeds", str(n), "--out", str(out / "early_vs_late")])
    t = pd.read_csv(out / "early_vs_late" / "early_vs_late.csv").set_index("comparison")
    rows = []
    for pair, claim, sign in EARLY_LATE:
        d = t.loc[pair]
        low, high = sorted((sign * d.low, sign * d.high))
        rows.append(row("early vs late (¶47)", f"{claim} ({pair}, party-weeks)", "¶47",
                        "> 0" if sign > 0 else "< 0", d.d_violence_party_weeks, d.low,
                        d.high, verdict=directional(low, high)))
    return rows


def warning_rows(out: Path, quick: bool) -> list[dict]:
    import sim
    from sim.core.metrics import outcomes
    from sim.study.stats import bootstrap_interval

    seeds = list(range(SEEDS["warning"][quick]))
    runs = []
    for seed in seeds:
        params = sim.compose(["policy=none", "record.warning_risk=true"])
        params.seed = seed
        runs.append(outcomes(sim.ConflictModel(params).run()))
    runs = pd.DataFrame(runs)
    _common.save_table(runs, out / "warning_skill", "runs")

    recall = bootstrap_interval(runs.warning_recall)
    skill = bootstrap_interval(runs.warning_brier_skill)
    return [row("warning skill (issue 16)", "recall at the default threshold, policy none",
                PITF_SOURCE, PITF_SENSITIVITY, *recall),
            row("warning skill (issue 16)", "Brier skill against the base rate (> 0)",
                "definition: better than the base rate (Brier 1950)", "> 0", *skill,
                verdict=directional(skill[1], skill[2]))]


#: A ranking is called robust here if its order holds at this share of the design's points.
ROBUST_SHARE = 0.9


def robust(share: float) -> str:
    if share >= ROBUST_SHARE:
        return "agrees"
    return "disagrees" if share < 0.5 else "undecided"


def ranking_rows(out: Path, quick: bool) -> list[dict]:
    argv = ["--out", str(out / "ranking_robustness")]
    if quick:
        argv += ["--trajectories", "1", "--seeds", "2", "--jobs", "1",
                 "--policies", "none", "early_statement", "envoy"]
    quietly(ranking_robustness.main, argv)
    rows = []
    for outcome, label in ranking_robustness.OUTCOMES.items():
        folder = out / "ranking_robustness"
        pol = pd.read_csv(folder / f"policies_{outcome}.csv")
        pairs = pd.read_csv(folder / f"pairs_{outcome}.csv")
        best, top = pol.iloc[0], pairs.iloc[0]
        rule = f">= {ROBUST_SHARE:.0%} of points"
        rows.append(row("ranking robustness", f"by {label}: {best.policy} (best at the "
                        "defaults) is best across the design", "this harness's rule "
                        "(docs/validation.md §8)", rule, best.share_best,
                        verdict=robust(best.share_best)))
        rows.append(row("ranking robustness", f"by {label}: {top['first']} stays ahead of "
                        f"{top.second} (moved most by {top.lead_parameter})",
                        "this harness's rule (docs/validation.md §8)", rule,
                        top.share_order_holds, verdict=robust(top.share_order_holds)))
    return rows


# ------------------------------------------------------------------ the report
def markdown(table: pd.DataFrame, seconds: float, quick: bool) -> str:
    def num(x) -> str:
        if isinstance(x, str):
            return x
        return "" if x != x else f"{x:.3g}"

    lines = ["# Validation report", "",
             f"`make validate`{' --quick (tiny: the numbers mean nothing)' if quick else ''}"
             f": {len(table)} targets in {seconds / 60:.1f} min. Model values are means "
             "with 95% bootstrap intervals over runs; verdicts as "
             "experiments/validation/validate.py defines them.", "",
             "| comparison | target | source | reference | model [95%] | verdict |",
             "|---|---|---|---|---|---|"]
    for r in table.itertuples():
        interval = "" if r.low != r.low else f" [{num(r.low)}, {num(r.high)}]"
        lines.append(f"| {r.comparison} | {r.target} | {r.source} | {num(r.reference)} | "
                     f"{num(r.model)}{interval} | {r.verdict} |")
    cited = sorted({ucdp_targets.SOURCE} | set(table.source) - {"UCDP/PRIO v4-2014"})
    counts = table.verdict.value_counts()
    lines += ["", "Verdicts: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".", "",
              "Figures: `durations/survival.png` (episode lengths against the record), "
              "`early_vs_late/early_vs_late.png`, `threshold/threshold.png`, "
              "`ranking_robustness/ranks_violence_party_weeks.png`.", "",
              "Sources: " + "; ".join(cited) + " (references in docs/validation.md).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="experiments/validation/validate.py",
                                 description=__doc__.strip().splitlines()[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    # the comparisons' folders sit where their own scripts write them
    ap.add_argument("--out", type=Path, default=_common.ROOT / "results" / "validation",
                    help="output folder (created; files in it are replaced)")
    ap.add_argument("--quick", action="store_true", help="everything tiny (for the tests)")
    ap.add_argument("--data", type=Path, default=ucdp_targets.DATA,
                    help="the UCDP/PRIO CSV file")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        sys.exit(f"--data: {args.data} is not a file (the dataset is in data/ucdp/)")
    clock = _common.Clock()
    out = Path(args.out)
    rows: list[dict] = []
    for label, make in (("analytic threshold", lambda: threshold_rows(out, args.quick)),
                        ("durations and recurrence",
                         lambda: duration_rows(out, args.quick, args.data)),
                        ("conflict trap", lambda: trap_rows(out, args.quick)),
                        ("early vs late", lambda: early_late_rows(out, args.quick)),
                        ("warning skill", lambda: warning_rows(out, args.quick)),
                        ("ranking robustness", lambda: ranking_rows(out, args.quick))):
        print(f"{label} …", flush=True)
        rows += make()
    table = pd.DataFrame(rows, columns=COLUMNS)
    text = markdown(table, clock.seconds, args.quick)
    from sim.study.storage import write_atomic

    files = [_common.save_table(table, out, "report"), out / "report.md"]
    write_atomic(out / "report.md", lambda p: Path(p).write_text(text))
    _common.finish(out, clock, {"quick": args.quick, "seeds": SEEDS,
                                "data": str(args.data)}, [], files)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
