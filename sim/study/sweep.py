"""Sweep jobs: replications in-process, one tidy table per job, resumable (no Hydra).

A sweep folder looks like::

    results/<experiment>/<sweep_name>/
        jobs/<key>/runs.parquet     one row per run: inputs, seed, replication, outcomes
        jobs/<key>/job.json         the job's overrides and inputs
        jobs/<key>/manifest.json    resolved config, seeds, versions, commit, times
        failed/<key>.json           a job that raised: its overrides, config and error
        sweep.json                  the jobs this sweep runs (keys and overrides)
        sweep.lock                  held by the process running the sweep (one at a time)
        runs.parquet, summary.csv, report.md, figures/   (written by sim.study.report)
        manifest.json

``<key>`` is a hash of the job's resolved configuration, so re-running a sweep skips the
jobs whose results exist and only runs the missing ones; every job folder is written
atomically (complete or absent).
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from sim.core import metrics
from sim.core.model import ConflictModel
from sim.core.params import Params
from sim.study.storage import (
    atomic_dir,
    clean_stale_temps,
    manifest,
    now_iso,
    write_json,
    write_table,
)

log = logging.getLogger(__name__)

RUNS = "runs.parquet"
#: Every crisis of every run of a job (one row each): the gap in stages, for the report's
#: distribution of gaps and what made them long.
CRISES = "crises.parquet"
CRISIS_COLUMNS = ("crisis", "warning_week", "agenda_week", "decision_week", "consent_week",
                  "action_week", "closed_week", "warning_to_decision_weeks",
                  "warning_to_action_weeks", "wait_trigger", "wait_agenda", "wait_decision",
                  "wait_consent", "wait_resources", "wait_deployment", "consent_tries",
                  "blocked")
#: A full garbage collection every so many runs: finished models hold reference cycles
#: (agents <-> model) that only the cyclic collector frees, and Python runs a full pass
#: too rarely to keep the peak flat. One pass costs about one run's time (≈ 2% at 50).
GC_EVERY = 50


PLAN = "sweep.json"
#: What of ``study`` makes a job what it is (the rest says how the sweep is run).
STUDY_IDENTITY = ("replications", "root_seed", "runner")


def config_key(config: dict[str, Any]) -> str:
    """A short stable hash of a resolved configuration (sorted JSON)."""
    text = json.dumps(config, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def job_key(resolved: dict[str, Any]) -> str:
    """The key (folder name) of a sweep job from its resolved configuration: everything
    but where it writes, how the sweep is run and its plots."""
    identity = {k: v for k, v in resolved.items() if k not in ("run_dir", "study", "plot")}
    identity["study"] = {k: resolved["study"][k] for k in STUDY_IDENTITY}
    return config_key(identity)


#: Inputs that act only through the policy's instruments: they replace every
#: instrument's delay and trigger and scale its intensity
#: (``sim.core.policies.response.ResponseSystem``), so a policy without instruments
#: (``policy=none``) ignores them.
INSTRUMENT_INPUTS = ("policy.response_delay_days", "policy.trigger", "policy.intensity_scale")


def ignored_inputs(config: Any) -> tuple[str, ...]:
    """The inputs of :data:`INSTRUMENT_INPUTS` that a job's composed configuration cannot
    use: all of them when its policy has no instruments, none otherwise."""
    policy = config["policy"]
    return () if policy.get("instruments") else INSTRUMENT_INPUTS


def input_default(key: str) -> str:
    """An input of :data:`INSTRUMENT_INPUTS` at its schema default, as a Hydra override
    value (``null`` for an unset delay or trigger)."""
    import dataclasses

    from sim.core.params import PolicyParams

    field = {f.name: f for f in dataclasses.fields(PolicyParams)}[key.split(".", 1)[1]]
    return "null" if field.default is None else repr(field.default)


def run_ignored_once(jobs: list[list[str]], compose: Callable[[list[str]], Any],
                     forget: Callable[[list[str]], None] = lambda overrides: None
                     ) -> list[list[str]]:
    """A sweep's jobs with each configuration that the model can tell apart run once.

    A job whose configuration ignores an input it overrides (:func:`ignored_inputs`:
    ``policy=none`` swept over ``policy.response_delay_days``) has that override set to
    the input's default (:func:`input_default`), and a job that is then the same as an
    earlier one is dropped: ``none`` × 7 delays is one job, its delay recorded as unset.
    Order and everything else are kept, so the list is the same on every run of the
    sweep (resuming finds the same job keys); jobs the same for other reasons are left for
    the validation to refuse. Only jobs that override such an input are composed
    (``compose(overrides)``); ``forget(overrides)`` is told of a composed job that will
    not run as composed.
    """
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for overrides in jobs:
        keys = [o.split("=", 1)[0].lstrip("+~") for o in overrides]
        if any(k in INSTRUMENT_INPUTS for k in keys):
            ignored = ignored_inputs(compose(overrides))
            reset = [f"{k}={input_default(k)}" if k in ignored else o
                     for k, o in zip(keys, overrides)]
            if reset != list(overrides):
                forget(overrides)
                if tuple(reset) in seen:
                    continue  # the same run as an earlier job
                overrides = reset
        seen.add(tuple(overrides))
        out.append(list(overrides))
    return out


def write_plan(sweep_dir: Path, jobs: list[tuple[list[str], str]], started: str) -> Path:
    """Record the jobs this run of the sweep is to run (overrides and key)."""
    return write_json(Path(sweep_dir) / PLAN, {
        "started": started, "jobs": [{"key": key, "overrides": list(overrides)}
                                     for overrides, key in jobs]})


def missing_jobs(sweep_dir: Path) -> list[dict[str, Any]]:
    """Planned jobs with neither a finished table nor a failure record (empty without a
    plan: an Optuna search chooses its jobs as it goes)."""
    path = Path(sweep_dir) / PLAN
    if not path.exists():
        return []
    done = {p.parent.name for p in job_tables(sweep_dir)}
    done |= {p.stem for p in Path(sweep_dir).glob("failed/*.json")}
    return [job for job in read_json(path)["jobs"] if job["key"] not in done]


def run_replications(params: Params, seeds: list[int], inputs: dict[str, Any],
                     progress: bool = False, crises: list | None = None) -> pd.DataFrame:
    """Run one model per seed in this process; one row per run.

    Columns: the ``inputs`` (swept inputs: scenario, policy, …), ``seed``,
    ``replication`` and every outcome of :func:`sim.core.metrics.outcomes`. Only outcomes
    (and, if ``crises`` is a list, each run's crisis table, :data:`CRISIS_COLUMNS`,
    appended to it) are kept, so memory stays flat however many runs there are.
    """
    iterator: Iterable = enumerate(seeds)
    if progress:
        from tqdm import tqdm

        iterator = tqdm(iterator, total=len(seeds), desc=_label(inputs), leave=False,
                        mininterval=1.0, disable=None)  # None: off when not a terminal
    rows = []
    for r, seed in iterator:
        model = ConflictModel(replace(params, seed=seed)).run()
        rows.append({**inputs, "seed": seed, "replication": r, **metrics.outcomes(model)})
        if crises is not None:
            frame = model.crises
            crises.append(frame[list(CRISIS_COLUMNS)].assign(
                **{k: v for k, v in inputs.items()}, seed=seed, replication=r))
        del model
        if (r + 1) % GC_EVERY == 0:
            gc.collect()
    return pd.DataFrame(rows)


def _label(inputs: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in inputs.items())


def job_dir(sweep_dir: Path, key: str) -> Path:
    return Path(sweep_dir) / "jobs" / key


def run_job(sweep_dir: Path, key: str, resolved: dict[str, Any], overrides: list[str],
            inputs: dict[str, Any], seeds: list[int], compute: Callable[[], pd.DataFrame],
            **provenance: Any) -> tuple[Path, bool]:
    """Run (or skip) one sweep job; returns (its folder, whether it ran now).

    ``compute`` produces the job's table (replications of one configuration, or a chunk
    of a sensitivity design), or a dict of tables by file name with :data:`RUNS` among
    them (``crises.parquet`` too); it runs only if the job has no finished folder.
    """
    folder = job_dir(sweep_dir, key)
    failed = Path(sweep_dir) / "failed" / f"{key}.json"
    if (folder / RUNS).exists():
        log.info("job %s already done (%s): skipped", key, " ".join(overrides))
        failed.unlink(missing_ok=True)
        return folder, False
    clean_stale_temps(folder.parent, key)  # left by a killed run of this job
    started = now_iso()
    tables = compute()
    if isinstance(tables, pd.DataFrame):
        tables = {RUNS: tables}
    with atomic_dir(folder) as tmp:
        for name, table in tables.items():
            write_table(tmp / name, table)
        write_json(tmp / "job.json", {"key": key, "overrides": overrides, "inputs": inputs})
        write_json(tmp / "manifest.json", manifest(
            resolved, seeds, started, kind="sweep job", overrides=overrides, **provenance))
    failed.unlink(missing_ok=True)
    return folder, True


def record_failure(sweep_dir: Path, key: str, overrides: list[str],
                   resolved: dict[str, Any], exc: BaseException) -> Path:
    """Write what a failed job was and why, so the sweep can report it."""
    return write_json(Path(sweep_dir) / "failed" / f"{key}.json", {
        "key": key, "overrides": overrides, "config": resolved,
        "error": f"{type(exc).__name__}: {exc}",
        "traceback": "".join(traceback.format_exception(exc)), "time": now_iso()})


class DamagedFile(ValueError):
    """A file of a sweep folder that cannot be read (truncated, edited, not ours)."""


def read_table(path: Path) -> pd.DataFrame:
    """A job's table, or :class:`DamagedFile` saying which file and what to do."""
    try:
        return pd.read_parquet(path)
    except OSError:
        raise
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise DamagedFile(f"{path} cannot be read ({type(exc).__name__}); remove its job "
                          f"folder {Path(path).parent} and re-run the sweep to redo that job"
                          ) from None


def read_json(path: Path) -> Any:
    """A sweep file in JSON, or :class:`DamagedFile`."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise DamagedFile(f"{path} is not valid JSON; remove it (or its job folder) and "
                          "re-run the sweep") from None


def load_runs(sweep_dir: Path) -> pd.DataFrame:
    """Every finished job's runs, in one table with a deterministic row order."""
    tables = [read_table(p) for p in job_tables(sweep_dir)]
    if not tables:
        return pd.DataFrame()
    runs = pd.concat(tables, ignore_index=True)
    order = ["sample"] if "sample" in runs.columns else input_columns(runs)
    return runs.sort_values(order + ["replication"], kind="stable").reset_index(drop=True)


def load_crises(sweep_dir: Path) -> pd.DataFrame:
    """Every finished job's crises (jobs run before crisis tables existed have none):
    the swept inputs, seed and replication first, then :data:`CRISIS_COLUMNS`."""
    tables = [read_table(p.parent / CRISES) for p in job_tables(sweep_dir)
              if (p.parent / CRISES).exists()]
    if not tables:
        return pd.DataFrame()
    crises = pd.concat(tables, ignore_index=True)
    first = [c for c in crises.columns if c not in CRISIS_COLUMNS]
    crises = crises[first + list(CRISIS_COLUMNS)]
    return crises.sort_values(first + ["crisis"], kind="stable").reset_index(drop=True)


def job_tables(sweep_dir: Path) -> list[Path]:
    """The finished jobs' tables (temporary folders of unfinished jobs are skipped)."""
    return sorted(p for p in Path(sweep_dir).glob(f"jobs/*/{RUNS}")
                  if not p.parent.name.startswith("."))


def load_failures(sweep_dir: Path) -> list[dict[str, Any]]:
    """The failed jobs' records."""
    return [read_json(p) for p in sorted(Path(sweep_dir).glob("failed/*.json"))]


def input_columns(runs: pd.DataFrame) -> list[str]:
    """The swept-input columns of a runs table (those before ``seed``)."""
    cols = list(runs.columns)
    return cols[:cols.index("seed")] if "seed" in cols else []
