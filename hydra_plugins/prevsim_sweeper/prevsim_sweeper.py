"""Hydra's basic sweeper, composing each job once (``hydra/sweeper=prevsim``, the default).

Hydra's :class:`BasicSweeper` composes every job's configuration twice: once to check
the batch (``validate_batch_is_legal``) and again in the launcher, and PrevSim composed
it a third time to validate the parameters before anything is written. A composition
costs 60-80 ms (OmegaConf merges of the whole schema), so a 6-job sweep spent over a
second on it. This sweeper composes each job once, in :meth:`setup`, exactly as the
launcher would (``load_sweep_config`` on the same master config), validates the
parameters, and hands each composed configuration to the launcher, which would otherwise
compose it again. Bad input stops the sweep here, before Hydra creates the sweep folder;
then the sweep folder's lock is taken and the plan of jobs written (``sim.cli.begin_sweep``).

The jobs, their order and everything they write are those of the basic sweeper; only
the repeated composition is gone. Other sweepers (Optuna) are untouched.
"""

from __future__ import annotations

import copy
from typing import Any, Sequence

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, open_dict, read_write


#: Composed job configurations held for the launcher at most (about 0.2 MB each).
HOLD_LIMIT = 64


class ComposedOnceLoader:
    """A config loader that returns a job's already composed configuration, once.

    It delegates everything else to Hydra's loader. Held configurations are handed out
    (not copied: the launcher changes the one it gets) and forgotten; a job not held, or
    asked for a second time, is composed as usual. At most ``limit`` are held (one is
    about 0.2 MB; a sensitivity sweep can have thousands of jobs): later jobs are
    composed again by the launcher, as with the basic sweeper. Pickled (joblib's
    workers) without them, so each worker composes its own jobs as before.
    """

    def __init__(self, loader: Any, limit: int = HOLD_LIMIT) -> None:
        self.loader = loader
        self.limit = limit
        self.held: dict[tuple[str, ...], DictConfig] = {}

    def compose(self, master: DictConfig, overrides: Sequence[str]) -> DictConfig:
        """Compose one job as the launcher would; hold it for the launcher if there is room."""
        cfg = self.loader.load_sweep_config(master, list(overrides))
        if len(self.held) < self.limit:
            self.held[tuple(overrides)] = cfg
        return cfg

    def load_sweep_config(self, master: DictConfig, overrides: list[str]) -> DictConfig:
        cfg = self.held.pop(tuple(overrides), None)
        return cfg if cfg is not None else self.loader.load_sweep_config(master, overrides)

    def __getattr__(self, name: str) -> Any:
        if name in ("loader", "held", "limit"):  # not yet set (unpickling)
            raise AttributeError(name)
        return getattr(self.loader, name)

    def __getstate__(self) -> dict[str, Any]:
        return {"loader": self.loader, "limit": self.limit, "held": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def task_config(cfg: DictConfig) -> DictConfig:
    """The job's configuration as the task function sees it (without ``hydra``)."""
    task = copy.deepcopy(cfg)
    with read_write(task), open_dict(task):
        del task["hydra"]
    return task


class PrevSimSweeper(BasicSweeper):
    """:class:`BasicSweeper` that composes and validates every job once, up front."""

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        from sim.cli import begin_sweep, sweep_job_overrides, validate_jobs  # lazily

        loader = ComposedOnceLoader(hydra_context.config_loader)
        context = HydraContext(config_loader=loader, callbacks=hydra_context.callbacks)
        super().setup(hydra_context=context, task_function=task_function, config=config)
        jobs = sweep_job_overrides(config)
        keyed = validate_jobs(jobs, lambda overrides: task_config(loader.compose(config,
                                                                                 overrides)),
                              config.hydra.sweep.dir)
        self.validated = {tuple(job) for job in jobs}
        begin_sweep(config, keyed)  # the folder's lock and the plan of jobs

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Jobs validated in :meth:`setup` are legal; anything else is checked by Hydra."""
        rest = [job for job in batch if tuple(job) not in self.validated]
        if rest:
            super().validate_batch_is_legal(rest)
