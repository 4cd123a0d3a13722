"""PrevSim: conflict escalation and preventive diplomacy on networks.

Public API (kept stable; see README):
    compose(overrides) -> Params   validated parameters, as the CLI builds them
    ConflictModel(params)          the model; .step(), .run(), .events, .state, ...
    metrics.outcomes(model)        outcomes of a run as a dict
"""

from sim.model import ConflictModel
from sim.params import ParameterError, Params

__version__ = "0.1.0"
__all__ = ["ConflictModel", "ParameterError", "Params", "compose", "__version__"]


def compose(overrides=()) -> Params:
    """The validated parameters the CLI would build from the same Hydra overrides.

    Example: ``sim.compose(["network=small_world", "dynamics.reaction=0.3", "seed=3"])``.
    Imports Hydra on first use only, so ``import sim`` stays light.
    """
    from sim.config import compose as _compose

    return _compose(list(overrides))
