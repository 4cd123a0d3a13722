"""Memory of one run against the estimate that guards it (``record.memory_limit_gb``).

For a few shapes of run (more parties, more weeks, denser networks, long reporting lags,
no hostility record) it prints the memory a run allocates — its traced peak over build,
run and outcomes (numpy and networkx report their allocations to tracemalloc) — next to
``sim.core.params.estimated_memory_bytes``, and their ratio. The estimate must stay above the
peak (tests/test_params.py checks one shape of run); it is refused-before-start that
depends on it.

    .venv/bin/python benchmarks/bench_memory.py            # about 1 minute
"""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common

from sim import ConflictModel, metrics
from sim.core.params import estimated_memory_bytes
from tests.conftest import make_params

SHAPES = [
    {"network.n_parties": 20000},
    {"network.n_parties": 20000, "horizon_weeks": 1040},
    {"network.n_parties": 20000, "horizon_weeks": 1040, "record.hostility": False},
    {"network.n_parties": 20000, "network.kind": "scale_free", "network.attach_edges": 10},
    {"network.n_parties": 20000, "network.within_degree": 30},
    {"network.n_parties": 20000, "step_days": 1.0, "un.reporting_lag_weeks": 52,
     "horizon_weeks": 60},
    {"network.n_parties": 100000},
]


def measure(over: dict) -> tuple[float, float]:
    params = make_params(**over)
    tracemalloc.start()
    try:
        model = ConflictModel(params).run()
        metrics.outcomes(model)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    n, ties = len(model.party_ids), model.network.number_of_edges()
    regions = len(set(model.state.region.tolist()))
    return peak, estimated_memory_bytes(params, n, ties, regions)


def main() -> None:
    print(_common.machine_line())
    print(_common.load_line())
    print(f"{'run':<72} {'peak MB':>8} {'estimate MB':>12} {'ratio':>6}")
    for over in SHAPES:
        peak, estimate = measure(over)
        label = ", ".join(f"{k}={v}" for k, v in over.items())
        print(f"{label:<72} {peak / 2**20:8.0f} {estimate / 2**20:12.0f} "
              f"{estimate / peak:6.2f}")


if __name__ == "__main__":
    main()
