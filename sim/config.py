"""The Hydra edge: the structured-config schema and ``compose``.

The only module besides ``sim.cli`` that imports Hydra. It registers the parameter
dataclasses of ``sim.params`` as Hydra's schema, so misspelt keys and wrongly typed values
in YAML or on the command line are rejected at composition, and turns a composed config
into validated :class:`~sim.params.Params`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf

from sim.params import Params, param, validate

SCHEMA_NAME = "prevsim_schema"


def config_dir() -> Path:
    """The ``configs/`` directory (``$PREVSIM_CONFIG_DIR`` overrides it)."""
    env = os.environ.get("PREVSIM_CONFIG_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "configs"


@dataclass
class AppConfig(Params):
    """Params plus what only the command line needs (where to write)."""

    run_dir: str = param("", help="Folder for this run's records; empty: "
                         "results/runs/<time>_<scenario>_<policy>_seed<seed>. An existing "
                         "folder is never overwritten.")


def register() -> None:
    """Register the schema in Hydra's ConfigStore (idempotent)."""
    ConfigStore.instance().store(name=SCHEMA_NAME, node=AppConfig)


def to_app_config(cfg: DictConfig) -> AppConfig:
    """A composed Hydra config as a validated :class:`AppConfig`."""
    obj = OmegaConf.to_object(cfg)
    validate(obj)
    return obj


def to_params(cfg: DictConfig | AppConfig) -> Params:
    """The plain :class:`Params` part of a composed config, validated."""
    app = cfg if isinstance(cfg, AppConfig) else to_app_config(cfg)
    return Params(**{f.name: getattr(app, f.name) for f in dataclasses.fields(Params)})


def compose_config(overrides: list[str] = ()) -> DictConfig:
    """Compose ``configs/config.yaml`` with Hydra override strings, as the CLI does."""
    register()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return hydra_compose(config_name="config", overrides=list(overrides))


def compose(overrides: list[str] = ()) -> Params:
    """Validated parameters from Hydra overrides, e.g. ``["seed=3", "network=small_world"]``."""
    return to_params(compose_config(overrides))


register()
