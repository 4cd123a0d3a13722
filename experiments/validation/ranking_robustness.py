"""Does the default comparison's ranking of policies hold across the uncertainties?
(issue 17, item 5; ``sim.study.ranking``.)

Every shipped policy (``configs/policy/``, as ``make run`` compares them) at the defaults
and at every point of a Morris design over ``sim.study.ranking.UNCERTAINTIES`` — the
escalation parameters the record leaves loose and the instruments' unsourced magnitudes,
from half to twice their defaults — each on the same ``--seeds`` seeds. Ranked by mean
violence (party-weeks at level ≥ 3) and by mean total cost. Writes, per outcome,
``policies_<outcome>.csv`` (rank at the defaults, share of points where best, rank range),
``pairs_<outcome>.csv`` (share of points where each pair's order holds, the parameter
that moves their difference most and where it flips), ``indices_<outcome>.csv`` (Morris
μ*, μ, σ of every pair's paired difference), ``ranking_robustness.md`` and a figure of
each policy's ranks over the design.

    .venv/bin/python experiments/validation/ranking_robustness.py            # ≈ 4 min
    .venv/bin/python experiments/validation/ranking_robustness.py --trajectories 1 --seeds 2
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

from sim.study import ranking

NAME = "ranking_robustness"
OUTCOMES = {"violence_party_weeks": "violence (party-weeks)",
            "total_cost_usd": "total cost (USD)"}


def policies() -> list[str]:
    return sorted(f.stem for f in (_common.ROOT / "configs" / "policy").glob("*.yaml"))


def figure(values: pd.DataFrame, outcome: str, order: list[str], out: Path) -> list[Path]:
    plt = _common.plt()
    r = ranking.ranks(values, outcome)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(order) + 1.5))
    design = r.drop(index=-1)
    for y, policy in enumerate(order):
        counts = design[policy].value_counts()
        ax.scatter(counts.index, [y] * len(counts), s=20 + 300 * counts / len(design),
                   color="C0", alpha=0.6)
        ax.scatter([r.loc[-1, policy]], [y], marker="x", color="k", zorder=3)
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    ax.set_xlabel(f"rank by mean {OUTCOMES[outcome]} (1 = best); × at the defaults, "
                  "dots: design points (size: share)")
    ax.set_title("Policy ranks across the uncertainties (Morris design)")
    return _common.save_figure(fig, out, f"ranks_{outcome}")


def markdown(results: dict, n_points: int, args) -> str:
    lines = ["# Does the ranking hold across the uncertainties?", "",
             f"Every shipped policy at the defaults and at {n_points} Morris design points "
             f"({args.trajectories} trajectories, design seed {args.design_seed}) over "
             f"{len(ranking.UNCERTAINTIES)} uncertainties, {args.seeds} seeds each "
             "(the same at every point).", ""]
    for outcome, (pol, pairs) in results.items():
        lines += [f"## Ranked by {OUTCOMES[outcome]}", "",
                  "| policy | rank at defaults | mean at defaults | best at | ranks |",
                  "|---|---|---|---|---|"]
        lines += [f"| {p.policy} | {p.default_rank} | {p.default_mean:.4g} | "
                  f"{p.share_best:.0%} | {p.rank_min}–{p.rank_max} |" for p in pol.itertuples()]
        lines += ["", "| pair (first better at the defaults) | difference at defaults | "
                  "order holds at | moved most by | μ* | flips in lower / upper half |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {p.first} < {p.second} | {p.default_difference:.4g} | "
                  f"{p.share_order_holds:.0%} | `{p.lead_parameter}` | {p.lead_mu_star:.3g} | "
                  f"{p.flips_lower_half:.0%} / {p.flips_upper_half:.0%} |"
                  for p in pairs.itertuples()]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = _common.parser(NAME, __doc__, seeds=6)
    ap.add_argument("--trajectories", type=int, default=2, help="Morris trajectories")
    ap.add_argument("--design-seed", type=int, default=ranking.DESIGN_SEED,
                    help="seed of the Morris design")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--policies", nargs="+", default=None,
                    help="policies to rank (default: every shipped policy)")
    args = ap.parse_args(argv)
    seeds = _common.check_seeds(args)
    if args.trajectories < 1 or args.jobs < 1:
        sys.exit("--trajectories and --jobs must be at least 1")
    chosen = args.policies or policies()
    unknown = sorted(set(chosen) - set(policies()))
    if unknown:
        sys.exit(f"--policies: unknown {', '.join(unknown)}; known: {', '.join(policies())}")
    clock = _common.Clock()
    results, files = {}, []
    pool = multiprocessing.Pool(args.jobs) if args.jobs > 1 else None
    try:
        problem, X, values = ranking.evaluate(chosen, ranking.UNCERTAINTIES,
                                              args.trajectories, seeds, tuple(OUTCOMES),
                                              args.design_seed, pool=pool)
        files.append(_common.save_table(values, args.out, "runs"))
        for outcome in OUTCOMES:
            pol, pairs = ranking.stability(values, problem, X, outcome)
            results[outcome] = (pol, pairs)
            indices = pd.concat([p.indices.assign(first=p.first, second=p.second)
                                 for p in pairs.itertuples()]).reset_index()
            files += [_common.save_table(pol, args.out, f"policies_{outcome}"),
                      _common.save_table(pairs.drop(columns="indices"), args.out,
                                         f"pairs_{outcome}"),
                      _common.save_table(indices, args.out, f"indices_{outcome}"),
                      *figure(values, outcome, pol.policy.tolist(), args.out)]
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    text = markdown(results, len(X), args)
    md = Path(args.out) / f"{NAME}.md"
    from sim.study.storage import write_atomic

    write_atomic(md, lambda p: Path(p).write_text(text))
    files.append(md)
    print(text)
    _common.finish(args.out, clock, {"trajectories": args.trajectories,
                                     "design_seed": args.design_seed, "policies": chosen,
                                     "uncertainties": ranking.UNCERTAINTIES}, seeds, files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
