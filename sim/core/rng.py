"""Named random streams, all derived from one root seed.

``numpy.random.SeedSequence(seed).spawn`` splits the root seed into independent child
seeds, one per name in :data:`STREAMS`. The list is **append-only**: a new stream goes at
the end, so every existing stream keeps its numbers and old results stay reproducible.

Streams separate what a policy may change from what it must not (common random numbers,
DESIGN.md §1.4): the network, initial state, dynamics noise, perception noise and shocks
are drawn the same way under every policy; everything an intervention decides draws from
``interventions`` (and observers from ``observation``), so switching a policy on cannot
shift the world's own randomness.
"""

from __future__ import annotations

import numpy as np

#: Stream names, in spawn order. Append only; never reorder or remove.
STREAMS: tuple[str, ...] = (
    "network",        # graph generation and tie weights
    "initial_state",  # hostility, grievance, restraint, will, history at week 0
    "dynamics",       # exogenous noise on hostility, one draw per party per step
    "perception",     # misperception noise, one draw per party per step
    "shocks",         # election calendar and coups
    "interventions",  # outcomes decided by instruments (consent, agreements)
    "observation",    # early-warning observation noise
    "mesa",           # the generators Mesa's Model owns (model.rng, model.random)
    "politics",       # outside powers' stakes in each party (salience, alignment)
)


class Streams:
    """One ``numpy.random.Generator`` per named stream, derived from ``seed``."""

    def __init__(self, seed: int):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed = {seed!r}: must be a non-negative integer")
        self.seed = int(seed)
        children = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        self._generators = {
            name: np.random.Generator(np.random.PCG64(child))
            for name, child in zip(STREAMS, children)
        }

    def __getitem__(self, name: str) -> np.random.Generator:
        try:
            return self._generators[name]
        except KeyError:
            raise KeyError(f"unknown random stream {name!r}; known: {', '.join(STREAMS)}") from None


def draw_seeds(root_seed: int, n: int) -> list[int]:
    """``n`` run seeds drawn from a root seed (for replications; same for every policy)."""
    rng = np.random.default_rng(np.random.SeedSequence(root_seed))
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=n)]
