"""PrevSim's sweeper (``hydra/sweeper=prevsim``): Hydra's basic sweep, each job composed once.

Hydra's basic sweeper composes every job's configuration twice (once to check the batch,
again in the launcher), and PrevSim validates each job before anything is written, a
third composition; at 60-80 ms each (OmegaConf merges of the whole schema) a 6-job sweep
spent over a second on it. This sweeper, built on Hydra's public ``Sweeper`` interface,
runs the same jobs in the same order (the cartesian product of the swept values,
``sim.cli.job_overrides``): it composes each job once in :meth:`PrevSimSweeper.setup`,
exactly as the launcher would (``load_sweep_config`` on the same master config),
validates it, and hands the composed configuration to the launcher. Bad input stops the
sweep there, before Hydra creates the sweep folder; then the sweep folder's lock is taken
and the plan of jobs written (``sim.cli.begin_sweep``). Other sweepers (Optuna) are
untouched.

One difference from the basic sweeper: sweep points the model cannot tell apart run once
(``sim.study.sweep.run_ignored_once``). A policy without instruments ignores the response
delay, trigger and intensity scale, so ``policy=none`` swept over seven delays is one
job, its delay left unset (``experiment=warning_to_action``, ``experiment=early_late``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Sequence

from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

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
        """Compose one job as the launcher would (or return it if held already); hold it
        for the launcher if there is room. Callers must not change it."""
        held = self.held.get(tuple(overrides))
        if held is not None:
            return held
        cfg = self.loader.load_sweep_config(master, list(overrides))
        if len(self.held) < self.limit:
            self.held[tuple(overrides)] = cfg
        return cfg

    def forget(self, overrides: Sequence[str]) -> None:
        """Drop a held job that will not be launched (it frees room for one that will)."""
        self.held.pop(tuple(overrides), None)

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


class PrevSimSweeper(Sweeper):
    """The basic sweep (cartesian product of swept values, in batches of
    ``max_batch_size``, each configuration the model can tell apart once), composing and
    validating every job once, up front."""

    def __init__(self, max_batch_size: int | None = None,
                 params: dict[str, str] | None = None) -> None:
        super().__init__()
        self.max_batch_size = max_batch_size
        self.params = dict(params or {})
        self.jobs: list[list[str]] = []

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        from sim.cli import (  # lazily: sim
            begin_sweep,
            job_overrides,
            task_overrides,
            validate_jobs,  # imports Hydra apps
        )
        from sim.study.sweep import run_ignored_once

        loader = ComposedOnceLoader(hydra_context.config_loader)
        self.hydra_context = HydraContext(config_loader=loader,
                                          callbacks=hydra_context.callbacks)
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=self.hydra_context, task_function=task_function, config=config)
        # Resolved before any job is composed: Hydra copies the master's resolver cache
        # into each job, so every job sees this one ${now:…} (the default sweep_name)
        sweep_dir = config.hydra.sweep.dir
        compose = lambda overrides: loader.compose(config, overrides)  # noqa: E731
        self.jobs = run_ignored_once(job_overrides(self.params, task_overrides(config), loader),
                                     compose, loader.forget)
        keyed = validate_jobs(self.jobs, lambda overrides: task_config(compose(overrides)),
                              sweep_dir)
        begin_sweep(config, keyed)  # the folder's lock and the plan of jobs

    def sweep(self, arguments: list[str]) -> Any:
        """Launch the jobs (from ``setup``: the same task overrides) batch by batch."""
        from sim.cli import EXIT_OS_ERROR, fail
        from sim.study.storage import describe_os_error, write_atomic

        sweep_dir = Path(self.config.hydra.sweep.dir)
        try:  # atomically: a full disk leaves no half file, a link is replaced
            write_atomic(sweep_dir / "multirun.yaml",
                         lambda path: OmegaConf.save(self.config, path))
        except OSError as exc:
            fail(describe_os_error(exc), EXIT_OS_ERROR)
        size = self.max_batch_size if self.max_batch_size not in (None, -1) else len(self.jobs)
        returns: list[Sequence[JobReturn]] = []
        for start in range(0, len(self.jobs), max(size, 1)):
            batch = self.jobs[start:start + size]
            results = self.launcher.launch(batch, initial_job_idx=start)
            for r in results:
                _ = r.return_value  # raises if the job failed (as Hydra's sweepers do)
            returns.append(results)
        return returns
