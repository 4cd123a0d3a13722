"""The Hydra edge: the structured-config schema and ``compose``.

The only module besides ``sim.cli`` that imports Hydra. It registers the parameter
dataclasses of ``sim.params`` as Hydra's schema, so misspelt keys and wrongly typed values
in YAML or on the command line are rejected at composition, and turns a composed config
into validated :class:`~sim.params.Params`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf, open_dict

from sim.params import Params, param, validate

SCHEMA_NAME = "prevsim_schema"


def config_dir() -> Path:
    """The ``configs/`` directory (``$PREVSIM_CONFIG_DIR`` overrides it)."""
    env = os.environ.get("PREVSIM_CONFIG_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "configs"


@dataclass
class StudyParams:
    """A sweep's study: replications and seeds of every job (``configs/experiment/``)."""

    name: str = param("sweep", help="Experiment name; sweeps write to results/<name>/.")
    question: str = param("", help="The question the experiment answers (for its report).")
    replications: int = param(50, help="Seeded runs per sweep job, run in-process.",
                              unit="runs", ge=1, le=1_000_000)
    root_seed: int = param(2011, help="Seeds of the replications are drawn from it: the "
                           "same seeds for every job of a sweep (common random numbers).",
                           ge=0)
    sweep_name: str = param("${now:%Y-%m-%d_%H-%M-%S}", help="Folder of the sweep under "
                            "results/<name>/; re-run with the same sweep_name to resume.")
    progress: bool = param(True, help="Show a progress bar over replications.")
    objective: str = param("total_cost_usd", help="Policy search: the outcome to minimise "
                           "(a key of sim.metrics.outcomes).")
    risk_ceiling: float = param(1.0, help="Policy search: the highest acceptable risk of "
                                "armed conflict (upper end of its 95% interval).",
                                unit="share of runs", ge=0, le=1, source="DOMAIN.md §8 "
                                "(\"keeps the risk under 5%\")")
    reevaluate_top: int = param(3, help="Policy search: best trials re-run on fresh seeds "
                                "when the search ends.", unit="trials", ge=0, le=100)
    runner: str = param("replications", help="What each job runs: seeded replications of "
                        "one configuration, or a chunk of a sensitivity design.",
                        choices=("replications", "sensitivity"))


@dataclass
class SensitivityParams:
    """A global sensitivity analysis run as a sweep (``experiment=sensitivity``)."""

    method: str = param("morris", help="Morris screening (cheap, ranks parameters) or "
                        "Sobol indices (first-order and total, costlier).",
                        choices=("morris", "sobol"), source="SALib 1.6")
    samples: int = param(16, help="Base sample size N: Morris trajectories, or Sobol "
                         "N·(2D+2) points.", unit="samples", ge=2, le=100_000)
    design_seed: int = param(7, help="Seed of the sample design (every job regenerates "
                             "the same design from it).", ge=0)
    chunks: int = param(4, help="Jobs the design is split into (sweep over chunk).",
                        unit="jobs", ge=1, le=10_000)
    chunk: int = param(0, help="This job's chunk (0 … chunks − 1).", ge=0)
    outcome: str = param("violence_party_weeks", help="Outcome whose sensitivity is "
                         "analysed (a key of sim.metrics.outcomes).")
    uncertainties: Dict[str, List[float]] = param(
        {}, help="Parameters to vary and their [low, high] ranges (dotted names).")


@dataclass
class AppConfig(Params):
    """Params plus what only the command line needs (where to write, the study)."""

    run_dir: str = param("", help="Folder for this run's records; empty: "
                         "results/runs/<time>_<scenario>_<policy>_seed<seed>. An existing "
                         "folder is never overwritten.")
    study: StudyParams = field(default_factory=StudyParams)
    plot: str = param("", help="Figures of a single run written into its folder: "
                      "'timeline' writes timeline.png/.svg (levels, warnings, actions, the "
                      "warning-to-action gap) and network.gif (the network over time); "
                      "empty: none.", choices=("", "timeline"))
    sensitivity: SensitivityParams = field(default_factory=SensitivityParams)


def register() -> None:
    """Register the schema in Hydra's ConfigStore (idempotent; once, as it costs ~20 ms)."""
    store = ConfigStore.instance()
    if f"{SCHEMA_NAME}.yaml" not in store.repo:
        store.store(name=SCHEMA_NAME, node=AppConfig)


def to_app_config(cfg: DictConfig) -> AppConfig:
    """A composed Hydra config as a validated :class:`AppConfig`."""
    obj = OmegaConf.to_object(cfg)
    validate(obj)
    return obj


def params_from_dict(config: dict) -> Params:
    """Validated :class:`Params` from a resolved configuration saved in a manifest."""
    data = {k: v for k, v in config.items() if k in {f.name for f in dataclasses.fields(AppConfig)}}
    return to_params(OmegaConf.merge(OmegaConf.structured(AppConfig), data))


def to_params(cfg: DictConfig | AppConfig) -> Params:
    """The plain :class:`Params` part of a composed config, validated."""
    app = cfg if isinstance(cfg, AppConfig) else to_app_config(cfg)
    return Params(**{f.name: getattr(app, f.name) for f in dataclasses.fields(Params)})


def config_loader():
    """Hydra's config loader for ``configs/`` (private API, pinned with hydra-core 1.3.8)."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.utils import create_config_search_path
    from hydra.core.utils import setup_globals

    register()
    setup_globals()  # the ${now:...} resolver
    return ConfigLoaderImpl(config_search_path=create_config_search_path(str(config_dir())))


def compose_config(overrides: list[str] = ()) -> DictConfig:
    """Compose ``configs/config.yaml`` with Hydra override strings, as the CLI does.

    Uses Hydra's config loader directly (not the global ``initialize`` state), so it also
    works inside a running Hydra application (the sweep validation does that).
    """
    from hydra.types import RunMode

    cfg = config_loader().load_configuration(config_name="config", overrides=list(overrides),
                                    run_mode=RunMode.RUN)
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg


def compose(overrides: list[str] = ()) -> Params:
    """Validated parameters from Hydra overrides, e.g. ``["seed=3", "network=small_world"]``."""
    return to_params(compose_config(overrides))


register()
