"""PrevSim: conflict escalation and preventive diplomacy on networks.

The package has three layers, each importing only the ones before it:

* :mod:`sim.core` — the model: parameters (``sim.params``), random streams, the network,
  the escalation dynamics, the agents, early warning, the policies and their
  instruments, and the outcomes of a run (``sim.metrics``). No Hydra, no plotting, no
  files.
* :mod:`sim.study` — many runs: replications and sweeps written to disk, statistics and
  analysis tables, the sweep report (``python -m sim.report``), sensitivity analysis and
  policy search.
* :mod:`sim.views` — what people look at: a run's timeline and network figures, and the
  dashboard (``sim/views/app.py``).

At the edge, :mod:`sim.config` (Hydra's schema and ``compose``) and :mod:`sim.cli`
(``python -m sim``) are the only modules that import Hydra.

Public API (kept stable; see README):
    compose(overrides) -> Params   validated parameters, as the CLI builds them
    ConflictModel(params)          the model; .step(), .run(), .events, .state, ...
    metrics.outcomes(model)        outcomes of a run as a dict

Everything is imported on first use, so ``import sim.params`` stays light (no Mesa,
pandas or networkx) and ``import sim`` then ``sim.metrics`` works.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["ConflictModel", "ParameterError", "Params", "compose", "metrics", "params",
           "__version__"]

#: Public names and where they live (imported when first asked for).
_LAZY = {"ConflictModel": ("sim.core.model", "ConflictModel"),
         "Params": ("sim.core.params", "Params"),
         "ParameterError": ("sim.core.params", "ParameterError")}
_MODULES = {"metrics", "params", "model", "network", "warning", "report", "config", "cli",
            "core", "study", "views"}

if TYPE_CHECKING:  # pragma: no cover
    from sim.core import metrics, params
    from sim.core.model import ConflictModel
    from sim.core.params import ParameterError, Params


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
    elif name in _MODULES:
        value = importlib.import_module(f"sim.{name}")
    else:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    globals()[name] = value
    return value


def compose(overrides=()) -> "Params":
    """The validated parameters the CLI would build from the same Hydra overrides.

    Example: ``sim.compose(["network=small_world", "dynamics.reaction=0.3", "seed=3"])``.
    Imports Hydra on first use only, so ``import sim`` stays light.
    """
    from sim.config import compose as _compose

    return _compose(list(overrides))
