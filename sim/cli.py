"""The Hydra application: ``python -m sim [overrides]`` (the only Hydra user with sim.config).

* A plain run (``python -m sim seed=3``) validates, runs one simulation, writes its
  records under ``results/runs/`` and prints a summary.
* A sweep (``python -m sim experiment=compare_policies``, or ``-m`` with swept
  overrides) runs ``study.replications`` seeded runs per job, in-process, writes one
  table per job (``sim.study.sweep``) and, at the end, the combined table, intervals, figures
  and report (``sim.study.report``). Every job of the sweep is composed and validated before
  anything is written; a job that fails is recorded and the others go on.

Exit codes: 0 done; 1 some sweep jobs failed or the report could not be built; 2 bad
input (a message names the field, the value and the rule, and nothing is written); 3 the
operating system refused a write (one line: the path and what to do); 4 the sweep folder
is in use by another process (``study.wait_for_lock=true`` waits for it instead).

Everything is written inside the folder chosen for results: ``results/`` (or ``run_dir``,
or ``hydra.sweep.dir``), checked on the real path (``sim.study.storage.writing_under``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import hydra
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim import config as sim_config
from sim.core.network import NetworkError
from sim.core.params import ParameterError
from sim.study.storage import (
    RESULTS,
    FolderBusy,
    FolderLock,
    OutsideError,
    check_inside,
    clean_stale_temps,
    describe_os_error,
    now_iso,
    writing_under,
)

log = logging.getLogger("sim")
EXIT_FAILED, EXIT_BAD_INPUT, EXIT_OS_ERROR, EXIT_BUSY = 1, 2, 3, 4
BAD_INPUT = (ParameterError, NetworkError, FileExistsError, OutsideError)
#: The lock of the sweep folder this process runs (held until the sweep's report).
_SWEEP_LOCK: FolderLock | None = None


def fail(message: str, code: int) -> None:
    """Print ``error: message`` to stderr and exit with ``code``."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def _quiet_mesa() -> None:
    for name in ("MESA", "mesa"):
        logging.getLogger(name).setLevel(logging.WARNING)


def format_summary(outcomes: dict, title: str) -> str:
    """A small aligned table of outcomes."""
    width = max(len(k) for k in outcomes)
    lines = [title, "-" * len(title)]
    for key, value in outcomes.items():
        shown = f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else value
        lines.append(f"{key:<{width}}  {shown}")
    return "\n".join(lines)


def run_single(cfg: DictConfig) -> Path:
    """Validate, run one simulation and write its folder; returns the folder.

    The model is built first (a bad network file is refused before anything is
    written), then the folder is created under a temporary name, and only then does the
    simulation run: a place that cannot be written is found before time is spent."""
    from sim.core import metrics
    from sim.core.model import ConflictModel
    from sim.study.runner import default_run_dir, write_records

    app = sim_config.to_app_config(cfg)
    params = sim_config.to_params(app)
    started = now_iso()
    folder = (Path(os.path.normpath(app.run_dir)) if app.run_dir
              else default_run_dir(params, started))
    check_written_size(params)
    if app.plot == "compare":
        check_compare(app.compare)
    model = ConflictModel(params)
    with writing_under(folder.parent if app.run_dir else RESULTS), \
            atomic_dir_for(folder) as tmp:
        clean_stale_temps(folder.parent)  # left by runs that were killed
        model.run()
        write_records(model, tmp, started)
    title = (f"PrevSim — scenario {params.scenario.name}, policy {params.policy.name}, "
             f"seed {params.seed}, {params.horizon_weeks} weeks, "
             f"{len(model.party_ids)} parties")
    print(format_summary(metrics.outcomes(model), title))
    print(f"\nrecords: {folder}")
    if app.plot == "timeline":
        from sim.views.timeline import plot_run

        with writing_under(folder):
            for path in plot_run(model, folder):
                print(f"figure: {path}")
    elif app.plot == "compare":
        from sim.views.worlds import plot_compare

        with writing_under(folder):
            paths = plot_compare(params, folder, app.compare.delays_days,
                                 app.compare.worlds)
        print("\n" + paths[-1].read_text(encoding="utf-8").rstrip())
        for path in paths:
            print(f"figure: {path}")
    return folder


def check_compare(compare) -> None:
    """``compare.delays_days`` holds two delays, each a number of days ≥ 0."""
    delays = list(compare.delays_days)
    if len(delays) != 2 or any(not isinstance(d, (int, float)) or isinstance(d, bool)
                               or d < 0 for d in delays):
        raise ParameterError([("compare.delays_days", delays,
                               "two response delays in days, each ≥ 0 (A, then B)")])


def check_written_size(params) -> None:
    """A single run also holds the tables it writes (every party every week, events):
    its memory estimate with them must fit ``record.memory_limit_gb``."""
    from sim.core.model import check_world
    from sim.core.params import expected_ties, memory_problems

    net = params.network
    if net.kind == "file":
        check_world(params, written=True)
        return
    problems = memory_problems(params, net.n_parties, expected_ties(net), net.n_regions,
                               written=True)
    if problems:
        raise ParameterError(problems)


def atomic_dir_for(folder: Path):
    """:func:`sim.study.storage.atomic_dir`, with an existing folder named as bad input."""
    from sim.study.storage import atomic_dir

    if folder.exists():
        raise FileExistsError(f"run_dir = {str(folder)!r} already exists; results are never "
                              "overwritten (choose another run_dir)")
    return atomic_dir(folder)


def job_inputs(cfg: DictConfig, overrides: list[str],
               choices: dict[str, Any] | None = None) -> dict[str, Any]:
    """The swept inputs of a job, as table columns: scenario, policy, then each override.

    ``choices`` are Hydra's config-group choices (``HydraConfig.runtime.choices``): an
    override of a group whose options set global keys (``lever=``) is shown by name."""
    inputs: dict[str, Any] = {"scenario": cfg.scenario.name, "policy": cfg.policy.name}
    choices = choices or {}
    for item in overrides:
        key = item.split("=", 1)[0].lstrip("+~")
        if key in inputs or key.startswith(("hydra", "study.", "run_dir", "sensitivity.",
                                            "explore.")) \
                or key == "experiment":
            continue  # how the sweep is run, not what it varies
        if key in choices and "/" not in key and OmegaConf.select(cfg, key) is None:
            inputs[key] = choices[key]  # a group of global settings: its option's name
            continue
        value = OmegaConf.select(cfg, key)
        if isinstance(value, DictConfig) and "name" in value:
            value = value.name           # a group choice: scenario=, policy=, network=
        elif OmegaConf.is_config(value):
            value = json.dumps(OmegaConf.to_container(value, resolve=True))
        inputs[key] = float("nan") if value is None else value
    return inputs


def run_sweep_job(cfg: DictConfig) -> float:
    """One job of a multirun: replications in-process, table written atomically.

    Returns the job's search score (``sim.study.search.score``), which Hydra's Optuna sweeper
    minimises; other sweepers ignore it. A failed job returns +inf and is recorded in
    ``failed/<key>.json``; if even that record cannot be written, the failure is printed
    and the sweep's end finds the job missing (exit 1).
    """
    from sim.study import sweep

    hc = HydraConfig.get()
    overrides = list(OmegaConf.to_container(hc.overrides.task, resolve=False))
    sweep_dir = Path(hc.sweep.dir)
    resolved = OmegaConf.to_container(cfg, resolve=True)
    key = sweep.job_key(resolved)
    with writing_under(sweep_dir):
        try:
            return _sweep_job(cfg, overrides, sweep_dir, resolved, key,
                              dict(hc.runtime.choices))
        except Exception as exc:  # a failed job must not take the others' results with it
            reason = (describe_os_error(exc) if isinstance(exc, OSError)
                      and not isinstance(exc, FileExistsError) else str(exc))
            try:
                path = sweep.record_failure(sweep_dir, key, overrides, resolved, exc)
            except OSError as record_exc:  # the original failure must still be told
                print(f"error: job {' '.join(overrides)} failed ({reason}), and its failure "
                      f"record could not be written: {describe_os_error(record_exc)}",
                      file=sys.stderr)
                return _worst(cfg)
            log.error("job failed (%s): %s — recorded in %s", " ".join(overrides), reason,
                      path)
            return _worst(cfg)


def _worst(cfg: DictConfig) -> float | list[float]:
    """A failed job's score: +inf, one per objective in a multi-objective search."""
    objectives = list(OmegaConf.select(cfg, "study.objectives") or [])
    return [float("inf")] * len(objectives) if objectives else float("inf")


def _sweep_job(cfg: DictConfig, overrides: list[str], sweep_dir: Path, resolved: dict,
               key: str, choices: dict[str, Any]) -> float:
    from sim.core.rng import draw_seeds
    from sim.study import sweep

    app = sim_config.to_app_config(cfg)
    params = sim_config.to_params(app)
    study = app.study
    seeds = draw_seeds(study.root_seed, study.replications)
    inputs = job_inputs(cfg, overrides, choices)
    if study.runner == "sensitivity":
        from sim.study import sensitivity as sa

        s = app.sensitivity
        problem = sa.problem_from(dict(s.uncertainties))
        design = sa.sample(problem, s.method, s.samples, s.design_seed)
        compute = lambda: sa.evaluate_chunk(  # noqa: E731
            params, problem, design, s.chunk, s.chunks, seeds, inputs)
    elif study.runner == "robustness":
        from sim.study import explore

        e = app.explore
        problem, design = explore.design(dict(e.uncertainties), e.samples, e.design_seed)
        compute = lambda: explore.evaluate_chunk(  # noqa: E731
            params, problem, design, e.chunk, e.chunks, seeds, inputs)
    else:
        def compute() -> dict[str, pd.DataFrame]:
            crises: list[pd.DataFrame] | None = [] if study.crisis_tables else None
            runs = sweep.run_replications(params, seeds, inputs, study.progress, crises)
            if crises is None:
                return {sweep.RUNS: runs}
            return {sweep.RUNS: runs, sweep.CRISES: pd.concat(crises, ignore_index=True)}
    folder, ran = sweep.run_job(sweep_dir, key, resolved, overrides, inputs, seeds,
                                compute, root_seed=study.root_seed,
                                replications=study.replications)
    log.info("%s %s: %s", "ran" if ran else "reused", " ".join(overrides), folder)
    if study.runner != "replications":
        return float("nan")
    from sim.study import search

    table = pd.read_parquet(folder / sweep.RUNS)
    if study.objectives:  # a multi-objective search: one mean per objective
        return [float(table[o].mean()) for o in study.objectives]
    return search.score(table, study.objective, study.risk_ceiling)["score"]


def job_overrides(params: dict[str, str], arguments: list[str], config_loader: Any = None
                  ) -> list[list[str]]:
    """Every job of a basic sweep: the cartesian product of the swept values, one list of
    ``key=value`` per job, in the order of Hydra's basic sweeper (keys in order of first
    appearance; a later override of a key replaces the earlier one in its place).

    ``config_loader`` lets ``glob(*)`` list a config group's options (by default, that
    of the running Hydra application)."""
    import itertools

    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser

    if config_loader is None and GlobalHydra.instance().is_initialized():
        config_loader = GlobalHydra.instance().config_loader()
    parsed = OverridesParser.create(config_loader).parse_overrides(
        [f"{k}={v}" for k, v in params.items()] + list(arguments))
    values: dict[str, list[str]] = {}
    for o in parsed:
        key = o.get_key_element()
        if o.is_sweep_override():
            if not o.is_discrete_sweep():
                fail(f"{key} = {o.get_value_element_as_str()}: a sweep takes a list of "
                     "values or range(…); an interval needs a search "
                     "(experiment=policy_search)", EXIT_BAD_INPUT)
            values[key] = [f"{key}={v}" for v in o.sweep_string_iterator()]
        else:
            values[key] = [f"{key}={o.get_value_element_as_str()}"]
    return [list(job) for job in itertools.product(*values.values())]


def sweep_job_overrides(cfg: DictConfig) -> list[list[str]]:
    """The override lists of every job of a basic-sweeper multirun (as Hydra splits them)."""
    return job_overrides(dict(cfg.hydra.sweeper.get("params") or {}), task_overrides(cfg))


def task_overrides(cfg: DictConfig) -> list[str]:
    """The command line's overrides as typed (``${…}`` left for each job to resolve)."""
    return list(OmegaConf.to_container(cfg.hydra.overrides.task, resolve=False))


def validate_jobs(jobs: list[list[str]], compose: Any, sweep_dir: Any
                  ) -> list[tuple[list[str], str]]:
    """Compose and validate every job, and what can be known of its world (a network
    file: ``sim.core.model.check_world``); on any problem exit 2 naming each, having
    written nothing. A sweep must have jobs, each a different configuration, all writing
    to one folder (``study.name`` and ``study.sweep_name`` are not swept). Returns each
    job's overrides and key (its folder under ``jobs/``).

    ``compose(overrides)`` returns a job's composed configuration (without ``hydra``).
    """
    from sim.core.model import check_world
    from sim.study.sweep import job_key

    if not jobs:
        fail("the sweep has no jobs (a swept list or range is empty); nothing was run or "
             "written", EXIT_BAD_INPUT)
    problems: dict[str, list[str]] = {}  # message -> the jobs that have it
    keyed, folders, checked = [], {}, set()
    for overrides in jobs:
        try:
            cfg = compose(overrides)
            params = sim_config.to_params(cfg)
            world = repr(params.network), params.n_steps, tuple(params.un.regional_offices)
            if world not in checked:  # jobs usually share their network file
                check_world(params)
                checked.add(world)
            study = OmegaConf.to_container(cfg.study, resolve=False)
            folders.setdefault((study["name"], study["sweep_name"]), " ".join(overrides))
            keyed.append((list(overrides), job_key(OmegaConf.to_container(cfg, resolve=True))))
        except Exception as exc:  # composition, validation and network errors alike
            problems.setdefault(str(exc), []).append(" ".join(overrides))
    if len(folders) > 1:
        problems.setdefault("study.name and study.sweep_name name the sweep's one folder; "
                            "they cannot be swept (run one sweep per folder)",
                            []).extend(folders.values())
    seen: dict[str, str] = {}
    for overrides, key in keyed:
        if key in seen:
            problems.setdefault(f"the same configuration as job {seen[key]} (key {key}); "
                                "a sweep runs each configuration once", []).append(
                " ".join(overrides))
        seen.setdefault(key, " ".join(overrides))
    if problems:
        n_bad = len({j for js in problems.values() for j in js})
        fail(f"{n_bad} of {len(jobs)} sweep jobs are invalid; nothing was run or written:\n"
             + "\n".join(f"  job {js[0]}" + (f" (and {len(js) - 1} more with the same "
                                               "problem)" if len(js) > 1 else "")
                         + ":\n    " + message.replace("\n", "\n    ")
                         for message, js in problems.items()), EXIT_BAD_INPUT)
    log.info("sweep of %d jobs validated; writing to %s", len(jobs), sweep_dir)
    return keyed


def search_space_jobs(cfg: DictConfig) -> list[list[str]]:
    """Jobs that between them take every value a search may try (Optuna's ``choice``
    values, ``range`` values and both ends of an ``interval``), one swept key at a
    time, the others at their first value: what validating a search up front means."""
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import IntervalSweep

    params = cfg.hydra.sweeper.get("params") or {}
    loader = (GlobalHydra.instance().config_loader()
              if GlobalHydra.instance().is_initialized() else None)
    parsed = OverridesParser.create(loader).parse_overrides(
        [f"{k}={v}" for k, v in params.items()])
    values: dict[str, list[str]] = {}
    problems = []
    for o in parsed:
        v = o.value()
        if isinstance(v, IntervalSweep):
            if not v.start < v.end:
                problems.append(f"{o.key_or_group}: interval({v.start:g}, {v.end:g}) must have "
                                "low < high")
            if "log" in (v.tags or set()) and not v.start > 0:
                problems.append(f"{o.key_or_group}: a log interval must start above 0, not "
                                f"at {v.start:g}")
            values[o.key_or_group] = [repr(v.start), repr(v.end)]
        elif o.is_sweep_override():
            values[o.key_or_group] = list(o.sweep_string_iterator())
        else:
            values[o.key_or_group] = [o.get_value_element_as_str()]
    n_trials = cfg.hydra.sweeper.get("n_trials")
    if n_trials is not None and not n_trials >= 1:
        problems.append(f"hydra.sweeper.n_trials = {n_trials}: at least 1")
    direction = cfg.hydra.sweeper.get("direction")
    objectives = list(OmegaConf.select(cfg, "study.objectives") or [])
    wanted = ["minimize"] * len(objectives) if objectives else "minimize"
    given = (list(direction) if OmegaConf.is_list(direction) or isinstance(direction, list)
             else str(direction)) if direction is not None else wanted
    if given != wanted:
        problems.append(f"hydra.sweeper.direction = {given}: {wanted} (PrevSim's searches "
                        "minimise study.objective, or each of study.objectives)")
    if problems:
        fail("the search cannot run; nothing was run or written:\n  " + "\n  ".join(problems),
             EXIT_BAD_INPUT)
    task = task_overrides(cfg)
    first = {k: vs[0] for k, vs in values.items()}
    jobs: dict[tuple[str, ...], None] = {}  # ordered, without repeats
    for key, vs in values.items():
        for v in vs:
            job = {**first, key: v}
            jobs[tuple([f"{k}={x}" for k, x in job.items()] + task)] = None
    return [list(job) for job in jobs] or [task]


def begin_sweep(config: DictConfig, jobs: list[tuple[list[str], str]] | None) -> None:
    """Once every job is valid: make sure the sweep folder is where results go, take its
    lock (exit 4 if another process holds it, unless ``study.wait_for_lock``), clean
    temporary files of earlier processes that are gone, and record the jobs planned."""
    global _SWEEP_LOCK
    from sim.study.sweep import write_plan

    sweep_dir = Path(config.hydra.sweep.dir)
    chosen = any(o.split("=", 1)[0].lstrip("+~") == "hydra.sweep.dir"
                 for o in OmegaConf.to_container(config.hydra.overrides.hydra, resolve=False))
    try:
        check_inside(sweep_dir, sweep_dir if chosen else RESULTS)
        _check_hydra_files(config, sweep_dir)
        lock = FolderLock(sweep_dir)
        with writing_under(sweep_dir):
            lock.acquire(wait=bool(config.study.get("wait_for_lock", False)),
                         on_wait=lambda busy: print(f"waiting: {busy}", file=sys.stderr))
            _SWEEP_LOCK = lock
            for folder in (sweep_dir, sweep_dir / "jobs", sweep_dir / "failed",
                           sweep_dir / "figures"):
                clean_stale_temps(folder)
            if jobs is not None:
                write_plan(sweep_dir, jobs, now_iso())
    except FolderBusy as exc:
        fail(f"{exc}; nothing was run or written. Wait for it to finish, or run again "
             "with study.wait_for_lock=true to wait", EXIT_BUSY)
    except OutsideError as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    except OSError as exc:
        fail(describe_os_error(exc), EXIT_OS_ERROR)


def _check_hydra_files(config: DictConfig, sweep_dir: Path) -> None:
    """What Hydra itself writes into a sweep folder stays inside it: ``multirun.yaml``
    (written through a link, so none may be there) and the jobs' working folders
    (``hydra.sweep.subdir``, relative and without ``..``)."""
    subdir = str(OmegaConf.to_container(config.hydra.sweep, resolve=False)["subdir"])
    if Path(subdir).is_absolute() or ".." in Path(subdir).parts:
        raise OutsideError(f"hydra.sweep.subdir = {subdir!r}: must be a relative folder "
                           "inside the sweep folder, without '..'")
    multirun = sweep_dir / "multirun.yaml"
    if multirun.is_symlink():
        raise OutsideError(f"{multirun} is a symbolic link; remove it (Hydra writes the "
                           "sweep's configuration there)")
    first = Path(subdir).parts[0] if Path(subdir).parts else "."
    check_inside(sweep_dir / ("." if "$" in first else first), sweep_dir)  # not a link out


def end_sweep() -> None:
    """Release the sweep folder's lock (it is also released when the process ends)."""
    global _SWEEP_LOCK
    if _SWEEP_LOCK is not None:
        _SWEEP_LOCK.release()
        _SWEEP_LOCK = None


class SweepCallback(Callback):
    """Validates every job before a sweep writes anything; reports at its end."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        # Hydra turns a callback's exception into a warning and runs the sweep anyway
        try:
            self._start(config)
        except Exception as exc:
            fail(f"the sweep could not be prepared ({type(exc).__name__}: {exc}); nothing "
                 "was run or written", EXIT_BAD_INPUT)

    @staticmethod
    def _start(config: DictConfig) -> None:
        _quiet_mesa()
        target = str(config.hydra.sweeper.get("_target_"))
        if target.rsplit(".", 1)[-1] == "BasicSweeper":  # Hydra's own
            begin_sweep(config, validate_jobs(sweep_job_overrides(config),
                                              sim_config.compose_config,
                                              config.hydra.sweep.dir))
        elif "prevsim_sweeper" not in str(target):  # a search chooses its jobs as it goes
            validate_jobs(search_space_jobs(config), sim_config.compose_config,
                          config.hydra.sweep.dir)
            begin_sweep(config, None)
        # the prevsim sweeper validates and begins in its setup, which comes after this

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            self._finish(config)
        except OSError as exc:  # one line, no traceback: the system said no
            fail(f"the sweep ran but its report could not be written: "
                 f"{describe_os_error(exc)}. Then rebuild it: python -m sim.report "
                 f"{config.hydra.sweep.dir}", EXIT_OS_ERROR)
        except Exception as exc:  # Hydra would only warn and exit 0
            log.exception("the sweep's report could not be built")
            fail(f"the sweep ran but its report could not be built: "
                 f"{type(exc).__name__}: {exc}", EXIT_FAILED)
        finally:
            end_sweep()

    @staticmethod
    def _finish(config: DictConfig) -> None:
        from sim.study import report, sweep

        sweep_dir = Path(config.hydra.sweep.dir)
        if "optuna" in str(config.hydra.sweeper.get("_target_", "")).lower():
            reevaluate_search(sweep_dir, config)
        path = report.build_report(sweep_dir)
        print(f"report: {path}")
        failures = report.load_failures(sweep_dir)
        missing = sweep.missing_jobs(sweep_dir)
        if missing:
            print(f"error: {len(missing)} job(s) ended with neither results nor a failure "
                  "record (see the errors above): " + "; ".join(
                      " ".join(job["overrides"]) for job in missing), file=sys.stderr)
        if failures:
            print(f"error: {len(failures)} job(s) failed; see {path} and "
                  f"{sweep_dir / 'failed'}", file=sys.stderr)
        if failures or missing:
            sys.exit(EXIT_FAILED)


def reevaluate_search(sweep_dir: Path, config: DictConfig) -> Path | None:
    """Re-run the best feasible trials of a policy search on seeds it never saw."""
    from sim.study import search, sweep
    from sim.study.storage import write_table

    study = config.study
    tables = sweep.job_tables(sweep_dir)
    if not tables:
        return None
    candidates = []
    for path in tables:
        table = pd.read_parquet(path)
        manifest = json.loads((path.parent / "manifest.json").read_text())
        inputs = json.loads((path.parent / "job.json").read_text())["inputs"]
        s = search.score(table, study.objective, study.risk_ceiling)
        if study.objectives:  # every trial competes; the front is re-evaluated
            means = [float(table[o].mean()) for o in study.objectives]
            candidates.append((means, inputs, manifest["config"]))
        elif s["feasible"]:
            candidates.append((s["score"], inputs, manifest["config"]))
    if study.objectives:
        front = search.non_dominated([c[0] for c in candidates])
        candidates = sorted((candidates[i] for i in front), key=lambda c: c[0])
        chosen = [(inputs, sim_config.params_from_dict(cfg)) for _, inputs, cfg in candidates]
    else:
        candidates.sort(key=lambda c: c[0])
        chosen = [(inputs, sim_config.params_from_dict(cfg))
                  for _, inputs, cfg in candidates[:study.reevaluate_top]]
    table = search.reevaluate(chosen, study.root_seed + search.FRESH_SEED_OFFSET,
                              study.replications, study.objective, study.risk_ceiling,
                              tuple(study.objectives))
    return write_table(sweep_dir / "reevaluation.csv", table)


sim_config.register()


@hydra.main(version_base="1.3", config_path=str(sim_config.config_dir()),
            config_name="config")
def main(cfg: DictConfig) -> float | list[float] | None:
    """Entry point of ``python -m sim``."""
    _quiet_mesa()
    for stream in (sys.stdout, sys.stderr):  # a terminal without UTF-8 gets escapes
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        if HydraConfig.get().mode == RunMode.MULTIRUN:
            return run_sweep_job(cfg)
        run_single(cfg)
        return None
    except BAD_INPUT as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    except OSError as exc:
        fail(describe_os_error(exc), EXIT_OS_ERROR)
