"""Running models and turning them into tables (no Hydra, no plotting)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.core import metrics
from sim.core.model import ConflictModel
from sim.core.params import Params
from sim.study.storage import (
    RESULTS,
    atomic_dir,
    manifest,
    now_iso,
    write_json,
    write_table,
    write_yaml,
)


def run_model(params: Params) -> ConflictModel:
    """Build and run one model to its horizon."""
    return ConflictModel(params).run()


def _party_column(party_ids: list) -> pd.Series:
    ids = pd.Series(party_ids)
    return ids if ids.dtype.kind in "iu" else ids.astype(str)


def party_weeks(model: ConflictModel) -> pd.DataFrame:
    """Long table of every party every week: ``week, party, level[, hostility]``."""
    levels = model.level_history
    n_rows, n = levels.shape
    ids = _party_column(model.party_ids).to_numpy()
    frame = pd.DataFrame({"week": np.repeat(model.weeks, n), "party": np.tile(ids, n_rows),
                          "level": levels.ravel()})
    if model.params.record.hostility:
        frame["hostility"] = model.hostility_history.ravel()
    return frame


def parties_table(model: ConflictModel) -> pd.DataFrame:
    """One row per party: attributes at week 0 and what happened to it."""
    s = model.state
    return pd.DataFrame({
        "party": _party_column(model.party_ids), "region": s.region,
        "past_war": s.past_war, "restraint": s.restraint,
        "grievance_base": s.grievance_base, "ever_violent": s.ever_violent,
        "peak_level": model.level_history.max(axis=0),
        "degree": np.diff(model.adjacency.indptr),
    })


def write_records(model: ConflictModel, folder: Path, started: str) -> Path:
    """Write a finished run's records into the existing ``folder``; return it."""
    folder = Path(folder)
    write_yaml(folder / "config.yaml", model.params)
    write_json(folder / "outcomes.json", metrics.outcomes(model))
    write_table(folder / "timeseries.csv", metrics.timeseries(model))
    write_table(folder / "events.csv", model.events)
    write_table(folder / "crises.csv", model.crises)  # the gap in stages, crisis by crisis
    write_table(folder / "party_weeks.parquet", party_weeks(model))
    write_table(folder / "parties.csv", parties_table(model))
    write_json(folder / "manifest.json", manifest(model.params, [model.params.seed],
                                                  started, kind="single run"))
    return folder


def write_run(model: ConflictModel, folder: Path, started: str) -> Path:
    """Write a finished run's records into ``folder`` atomically; return the folder."""
    with atomic_dir(folder) as tmp:
        write_records(model, tmp, started)
    return folder


def default_run_dir(params: Params, started: str, root: Path = RESULTS / "runs") -> Path:
    """``results/runs/<time>_<scenario>_<policy>_seed<seed>`` (keys, not just a time)."""
    stamp = started.replace(":", "").replace("-", "").replace("+0000", "Z")[:15]
    return root / f"{stamp}_{params.scenario.name}_{params.policy.name}_seed{params.seed}"


__all__ = ["default_run_dir", "now_iso", "parties_table", "party_weeks", "run_model",
           "write_records", "write_run"]
