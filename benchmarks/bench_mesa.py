"""Per-agent-step cost of Mesa's own example models next to PrevSim's per-party step.

Runs, in this one process, the example models that ship with Mesa (``mesa.examples``:
``BoltzmannWealth`` and ``Schelling``, unmodified, with their own DataCollector) at the
``small`` and ``large`` sizes of Mesa's own benchmark suite (``benchmarks/
configurations.py`` in the Mesa repository: same parameters and step counts), and
PrevSim's ``ConflictModel`` (policy ``graduated``, every mechanism on, the default
156-week horizon) at ``--sizes`` parties, plus the bare numpy/scipy Richardson loop on
PrevSim's own adjacency (``bench_step.PlainLoop``) as the vectorised floor. It prints
each model's build time, run time and run time per agent-step in microseconds.

Every model is seeded (Mesa models through their Scenario's ``rng``, which Mesa passes
to ``Model(rng=...)``), so every repeat is the identical run; a checksum of the final
state is printed to show it. The repeats go round-robin over the models (a load spike
hits all of them) and the best repeat of each is kept. Read the ratios, not the absolute
times: the machine is assumed shared and noisy. The models do different work per agent
(Boltzmann: move on a grid and give money; Schelling: count neighbours and move; PrevSim:
a sparse matvec row plus warning, response, shocks, levels, records), so the comparison
is of the cost of one agent's step in each framework style, not of equal work.

Not part of the test suite. Run::

    .venv/bin/python benchmarks/bench_mesa.py                 # ~1 min
    .venv/bin/python benchmarks/bench_mesa.py --repeats 3 --sizes 1000
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

import numpy as np
from _common import begin, finish
from bench_step import PlainLoop
from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth
from mesa.examples.basic.schelling.model import Schelling, SchellingScenario

import sim
from sim.core.model import ConflictModel

SEED = 42

#: Mesa's benchmarks/configurations.py (Mesa 3.x): parameters and steps per size.
MESA_CONFIGS = {
    ("BoltzmannWealth", "small"): (BoltzmannWealth, BoltzmannScenario, 125,
                                   {"n": 100, "width": 10, "height": 10}),
    ("BoltzmannWealth", "large"): (BoltzmannWealth, BoltzmannScenario, 10,
                                   {"n": 10000, "width": 100, "height": 100}),
    ("Schelling", "small"): (Schelling, SchellingScenario, 20,
                             {"height": 40, "width": 40, "homophily": 0.4, "radius": 1,
                              "density": 0.625}),
    ("Schelling", "large"): (Schelling, SchellingScenario, 10,
                             {"height": 100, "width": 100, "homophily": 1, "radius": 2,
                              "density": 0.8}),
}


class Case:
    """One model to time: ``build()`` returns a model; ``run(model)`` steps it and
    returns (agent-steps, checksum)."""

    def __init__(self, name: str, build, run):
        self.name, self.build, self.run = name, build, run
        self.builds: list[float] = []
        self.runs: list[float] = []
        self.agent_steps = 0
        self.checksums: set = set()
        self.agents = 0

    def once(self) -> None:
        gc.collect()
        t0 = time.perf_counter()
        model = self.build()
        t1 = time.perf_counter()
        agent_steps, agents, checksum = self.run(model)
        t2 = time.perf_counter()
        self.builds.append(t1 - t0)
        self.runs.append(t2 - t1)
        self.agent_steps, self.agents = agent_steps, agents
        self.checksums.add(checksum)


def mesa_case(key) -> Case:
    model_cls, scenario_cls, steps, kwargs = MESA_CONFIGS[key]

    def build():
        return model_cls(scenario=scenario_cls(rng=SEED, **kwargs))

    def run(model):
        agents = len(model.agents)
        for _ in range(steps):
            model.step()
        if model_cls is BoltzmannWealth:
            checksum = round(model.gini, 12)
        else:
            checksum = sum(a.cell.coordinate[0] * 1000 + a.cell.coordinate[1]
                           for a in model.agents)
        return agents * steps, agents, checksum

    return Case(f"Mesa {key[0]} ({key[1]}, {steps} steps)", build, run)


def prevsim_case(n: int) -> tuple[Case, Case]:
    params = sim.compose(["policy=graduated", f"network.n_parties={n}"])
    steps = params.n_steps

    def build():
        return ConflictModel(params)

    def run(model):
        model.run()
        return n * steps, n, round(float(model.state.hostility.sum()), 9)

    def bare_build():
        return PlainLoop(ConflictModel(params), np.random.default_rng(1),
                         np.random.default_rng(2))

    def bare_run(plain):
        plain.run(steps)
        return n * steps, n, round(float(plain.h.sum()), 9)

    return (Case(f"PrevSim graduated, {n} parties ({steps} steps)", build, run),
            Case(f"bare Richardson loop, {n} parties ({steps} steps)", bare_build, bare_run))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000],
                    help="PrevSim sizes (parties); default 1000 10000")
    ap.add_argument("--repeats", type=int, default=5,
                    help="round-robin repeats; the best of each model is kept (default 5)")
    args = ap.parse_args(argv)
    if args.repeats < 1:
        ap.error("--repeats must be >= 1")

    t_start = begin("Mesa example models vs PrevSim: cost per agent-step (issue 6, target 5)")
    print(f"seed {SEED} for Mesa models (Scenario(rng=...)), params.seed 0 for PrevSim; "
          f"best of {args.repeats} round-robin repeats")
    print()

    cases = [mesa_case(k) for k in MESA_CONFIGS]
    prevsim, bare = [], []
    for n in args.sizes:
        p, b = prevsim_case(n)
        prevsim.append(p)
        bare.append(b)
    cases += prevsim + bare
    for c in cases:                    # warm imports and first-call caches
        c.build()
    for _ in range(args.repeats):
        for c in cases:
            c.once()

    head = (f"{'model':<52} {'agents':>7} | {'build ms':>9} {'run ms':>9} | "
            f"{'us/agent-step':>13} {'spread':>6} | {'same run':>8}")
    print(head)
    print("-" * len(head))
    for c in cases:
        run = min(c.runs)
        print(f"{c.name:<52} {c.agents:>7} | {min(c.builds) * 1e3:>9.1f} {run * 1e3:>9.1f} | "
              f"{run / c.agent_steps * 1e6:>13.3f} {max(c.runs) / run:>5.2f}x | "
              f"{'yes' if len(c.checksums) == 1 else 'NO':>8}")
    print()

    def per(c: Case) -> float:
        return min(c.runs) / c.agent_steps

    mesa_cases = cases[:len(MESA_CONFIGS)]
    print("Ratios (per agent-step, same run):")
    for p, b in zip(prevsim, bare):
        cells = ", ".join(f"{c.name.split(' (')[0].replace('Mesa ', '')} "
                          f"{c.name.split('(')[1].split(',')[0]} {per(c) / per(p):.1f}x"
                          for c in mesa_cases)
        print(f"  {p.agents:>6} parties: PrevSim / bare loop {per(p) / per(b):.1f}x; "
              f"Mesa model / PrevSim: {cells}")
    for c in mesa_cases:
        print(f"  {c.name:<40} / bare loop at {bare[-1].agents} parties: "
              f"{per(c) / per(bare[-1]):.0f}x")
    print()
    print("spread   = slowest / fastest repeat (identical seeded runs): timing noise.")
    print("same run = every repeat ended in the same state (seeded, deterministic).")
    return finish(t_start)


if __name__ == "__main__":
    sys.exit(main())
