"""PrevSim's Hydra sweeper (``hydra/sweeper=prevsim``): Hydra only loads plugins from
the ``hydra_plugins`` namespace package, so it lives here rather than in ``sim``."""
