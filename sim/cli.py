"""The Hydra application: ``python -m sim [overrides]`` (the only Hydra user with sim.config).

Composes ``configs/config.yaml`` with the command line's overrides, validates everything
before anything is written, runs one simulation, writes its records under ``results/``
and prints a summary. Bad input exits non-zero with a message naming the field.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

from sim import config as sim_config
from sim.network import NetworkError
from sim.params import ParameterError

EXIT_BAD_INPUT = 2


def _quiet_mesa() -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    logging.getLogger("mesa").setLevel(logging.WARNING)


def format_summary(outcomes: dict, title: str) -> str:
    """A small aligned table of outcomes."""
    width = max(len(k) for k in outcomes)
    lines = [title, "-" * len(title)]
    for key, value in outcomes.items():
        shown = f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else value
        lines.append(f"{key:<{width}}  {shown}")
    return "\n".join(lines)


def run_single(cfg: DictConfig) -> Path:
    """Validate, run one simulation and write its folder; returns the folder."""
    from sim import metrics
    from sim.runner import default_run_dir, now_iso, run_model, write_run

    app = sim_config.to_app_config(cfg)
    params = sim_config.to_params(app)
    started = now_iso()
    folder = Path(app.run_dir) if app.run_dir else default_run_dir(params, started)
    if folder.exists():
        raise FileExistsError(f"run_dir = {str(folder)!r} already exists; results are never "
                              "overwritten (choose another run_dir)")
    model = run_model(params)
    write_run(model, folder, started)
    title = (f"PrevSim — scenario {params.scenario.name}, policy {params.policy.name}, "
             f"seed {params.seed}, {params.horizon_weeks} weeks, "
             f"{len(model.party_ids)} parties")
    print(format_summary(metrics.outcomes(model), title))
    print(f"\nrecords: {folder}")
    return folder


sim_config.register()


@hydra.main(version_base="1.3", config_path=str(sim_config.config_dir()),
            config_name="config")
def main(cfg: DictConfig) -> None:
    """Entry point of ``python -m sim``."""
    _quiet_mesa()
    try:
        run_single(cfg)
    except (ParameterError, NetworkError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
