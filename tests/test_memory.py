"""In-process replications depend on finished models being freed (ECOSYSTEM.md)."""

from __future__ import annotations

import gc
import tracemalloc

from sim import ConflictModel
from sim.core import metrics
from tests.conftest import make_params


def test_many_models_in_one_process_do_not_accumulate_memory():
    def batch(seeds):
        for seed in seeds:
            metrics.outcomes(ConflictModel(make_params(seed=seed)).run())
        gc.collect()

    batch(range(3))  # warm caches (imports, networkx, numpy)
    tracemalloc.start()
    batch(range(3, 13))
    after_10, _ = tracemalloc.get_traced_memory()
    batch(range(13, 53))
    after_50, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # one model holds ~0.3 MiB of records; 40 more leaked models would add > 10 MiB
    assert after_50 - after_10 < 2 * 2**20, (after_10, after_50)
