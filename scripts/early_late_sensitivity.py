"""Which unsourced magnitudes decide whether acting early beats acting late (issue 15,
item 6)? A Morris screening of the instruments' unsourced parameters, whose outcome is the
paired difference late minus early (violence party-weeks per run, the same seeds at every
design point) for one instrument at a time.

"Early" is the instrument triggered by the warning and decided 7 days later; "late" the
same instrument triggered when violence is seen and decided 60 days later (the
``experiment=early_late`` settings at intensity 1). For each instrument the script prints
the Morris indices (mu*: how much the parameter moves the difference; mu: in which
direction), the difference at the defaults, and the share of design points where early
left less violence. It writes the same as markdown to ``--out``.

Usage (from the repository root; about two minutes on two cores at the defaults):
    .venv/bin/python scripts/early_late_sensitivity.py --out results/early_late_sensitivity.md
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.core.metrics import outcomes  # noqa: E402
from sim.core.model import ConflictModel  # noqa: E402
from sim.core.params import with_overrides  # noqa: E402
from sim.study.analysis import EARLY_SMALL, LATE_LARGE  # noqa: E402
from sim.study.sensitivity import analyse, point_overrides, problem_from, sample  # noqa: E402

#: The instruments' magnitudes that no source gives (docs/model.md), with ranges of half
#: to twice the default where it is positive, and from 0 where 0 means "switched off".
UNCERTAINTIES = {
    "instruments.statement.force": [0.04, 0.16],
    "instruments.statement.mobilised_discount": [0.0, 1.0],
    "instruments.statement.credibility_erosion": [0.0, 0.3],
    "instruments.fact_finding.accountability": [0.05, 0.2],
    "instruments.fact_finding.mobilised_discount": [0.0, 1.0],
    "instruments.envoy.base_rate": [0.075, 0.3],
    "instruments.envoy.hostility_cut": [0.25, 0.75],
    "instruments.envoy.dividend": [0.075, 0.3],
    "instruments.envoy.talks_force": [0.0, 0.08],
    "instruments.envoy.entrenchment": [0.0, 9.2],
    "instruments.envoy.moral_hazard": [0.0, 0.5],
    "instruments.envoy.breakdown_rate_per_year": [0.0, 0.14],
    "dynamics.ripeness": [1.0, 4.0],
}
POLICIES = {"statement": "early_statement", "fact_finding": "fact_finding",
            "envoy": "envoy"}
#: The study's settings at intensity 1 (sim.study.analysis.EARLY_SMALL, LATE_LARGE).
EARLY, LATE = ([f"policy.trigger={trigger}", f"policy.response_delay_days={delay:g}"]
               for trigger, delay, _ in (EARLY_SMALL, LATE_LARGE))


def difference(task: tuple[str, dict, list[int]]) -> float:
    """Mean over seeds of violence late minus early, at one design point."""
    policy, point, seeds = task
    early = sim.compose([f"policy={policy}", *EARLY])
    late = sim.compose([f"policy={policy}", *LATE])
    out = []
    for params in (early, late):
        p = with_overrides(params, point)
        out.append([outcomes(ConflictModel(dataclasses.replace(p, seed=s)).run())
                    ["violence_party_weeks"] for s in seeds])
    return float(np.mean(np.array(out[1]) - np.array(out[0])))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trajectories", type=int, default=6)
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--design-seed", type=int, default=1)
    parser.add_argument("--instruments", default="statement,envoy")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    problem = problem_from(UNCERTAINTIES)
    X = sample(problem, "morris", args.trajectories, args.design_seed)
    seeds = list(range(args.seeds))
    base = sim.compose([])
    lines = ["# Early against late: Morris screening of the unsourced magnitudes", "",
             f"{len(X)} design points × {len(seeds)} seeds × 2 settings per instrument "
             f"(Morris, {args.trajectories} trajectories, 4 levels, design seed "
             f"{args.design_seed}). Outcome: violence party-weeks late minus early "
             "(positive: early left less).", ""]
    with multiprocessing.Pool(2) as pool:
        for kind in args.instruments.split(","):
            policy = POLICIES[kind]
            points = [point_overrides(base, problem, row) for row in X]
            Y = np.array(pool.map(difference, [(policy, pt, seeds) for pt in points]))
            at_default = difference((policy, {}, seeds))
            idx = analyse(problem, "morris", X, Y).sort_values("mu_star", ascending=False)
            lines += [f"## {kind} (`policy={policy}` at both settings)", "",
                      f"At the defaults: {at_default:+.1f} party-weeks. Over the design: "
                      f"mean {Y.mean():+.1f}, early left less violence at "
                      f"{(Y > 0).mean():.0%} of the {len(Y)} points.", "",
                      "| parameter | mu* | mu* 95% ± | mu | sigma |",
                      "| --- | --- | --- | --- | --- |",
                      *[f"| `{name}` | {r.mu_star:.1f} | {r.mu_star_conf:.1f} | {r.mu:+.1f} | "
                        f"{r.sigma:.1f} |" for name, r in idx.iterrows()], ""]
            print("\n".join(lines[-(len(idx) + 6):]), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
