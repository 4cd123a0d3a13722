"""The Hydra application: ``python -m sim [overrides]`` (the only Hydra user with sim.config).

* A plain run (``python -m sim seed=3``) validates, runs one simulation, writes its
  records under ``results/runs/`` and prints a summary.
* A sweep (``python -m sim experiment=compare_policies``, or ``-m`` with swept
  overrides) runs ``study.replications`` seeded runs per job, in-process, writes one
  table per job (``sim.sweep``) and, at the end, the combined table, intervals, figures
  and report (``sim.report``). Every job of the sweep is composed and validated before
  anything is written; a job that fails is recorded and the others go on.

Bad input exits non-zero with a message naming the field, and writes nothing.
"""

from __future__ import annotations

import json
import logging
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
from sim.network import NetworkError
from sim.params import ParameterError

log = logging.getLogger("sim")
EXIT_BAD_INPUT = 2
BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"
BAD_INPUT = (ParameterError, NetworkError, FileExistsError)


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
    if app.plot == "timeline":
        from sim.timeline import plot_run

        for path in plot_run(model, folder):
            print(f"figure: {path}")
    return folder


def job_inputs(cfg: DictConfig, overrides: list[str]) -> dict[str, Any]:
    """The swept inputs of a job, as table columns: scenario, policy, then each override."""
    inputs: dict[str, Any] = {"scenario": cfg.scenario.name, "policy": cfg.policy.name}
    for item in overrides:
        key = item.split("=", 1)[0].lstrip("+~")
        if key in inputs or key.startswith(("hydra", "study.", "run_dir", "sensitivity.")) \
                or key == "experiment":
            continue  # how the sweep is run, not what it varies
        value = OmegaConf.select(cfg, key)
        if isinstance(value, DictConfig) and "name" in value:
            value = value.name           # a group choice: scenario=, policy=, network=
        elif OmegaConf.is_config(value):
            value = json.dumps(OmegaConf.to_container(value, resolve=True))
        inputs[key] = float("nan") if value is None else value
    return inputs


def run_sweep_job(cfg: DictConfig) -> float:
    """One job of a multirun: replications in-process, table written atomically.

    Returns the job's search score (``sim.search.score``), which Hydra's Optuna sweeper
    minimises; other sweepers ignore it. A failed job returns +inf.
    """
    from sim import sweep
    from sim.rng import draw_seeds

    hc = HydraConfig.get()
    overrides = list(hc.overrides.task)
    sweep_dir = Path(hc.sweep.dir)
    resolved = OmegaConf.to_container(cfg, resolve=True)
    identity = {k: v for k, v in resolved.items() if k not in ("run_dir", "study", "plot")}
    identity["study"] = {k: resolved["study"][k] for k in ("replications", "root_seed",
                                                            "runner")}
    key = sweep.config_key(identity)
    try:
        app = sim_config.to_app_config(cfg)
        params = sim_config.to_params(app)
        study = app.study
        seeds = draw_seeds(study.root_seed, study.replications)
        inputs = job_inputs(cfg, overrides)
        if study.runner == "sensitivity":
            from sim import sensitivity as sa

            s = app.sensitivity
            problem = sa.problem_from(dict(s.uncertainties))
            design = sa.sample(problem, s.method, s.samples, s.design_seed)
            compute = lambda: sa.evaluate_chunk(  # noqa: E731
                params, problem, design, s.chunk, s.chunks, seeds, inputs)
        else:
            compute = lambda: sweep.run_replications(  # noqa: E731
                params, seeds, inputs, study.progress)
        folder, ran = sweep.run_job(sweep_dir, key, resolved, overrides, inputs, seeds,
                                    compute, root_seed=study.root_seed,
                                    replications=study.replications)
        log.info("%s %s: %s", "ran" if ran else "reused", " ".join(overrides), folder)
        if study.runner != "replications":
            return float("nan")
        from sim import search

        table = pd.read_parquet(folder / sweep.RUNS)
        return search.score(table, study.objective, study.risk_ceiling)["score"]
    except Exception as exc:  # a failed job must not take the others' results with it
        path = sweep.record_failure(sweep_dir, key, overrides, resolved, exc)
        log.error("job failed (%s): %s — recorded in %s", " ".join(overrides), exc, path)
        return float("inf")


def sweep_job_overrides(cfg: DictConfig) -> list[list[str]]:
    """The override lists of every job of a basic-sweeper multirun (as Hydra splits them)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = cfg.hydra.sweeper.get("params") or {}
    arguments = [f"{k}={v}" for k, v in params.items()] + list(cfg.hydra.overrides.task)
    parsed = OverridesParser.create(sim_config.config_loader()).parse_overrides(arguments)
    return [job for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]


def validate_jobs(jobs: list[list[str]], compose: Any, sweep_dir: Any) -> None:
    """Compose and validate every job; on any problem exit 2 naming each, having written nothing.

    ``compose(overrides)`` returns a job's composed configuration (without ``hydra``).
    """
    problems = []
    for overrides in jobs:
        try:
            sim_config.to_params(compose(overrides))
        except Exception as exc:  # composition and validation errors alike
            problems.append(f"  job {' '.join(overrides)}:\n    "
                            + str(exc).replace("\n", "\n    "))
    if problems:
        print(f"error: {len(problems)} of {len(jobs)} sweep jobs are invalid; nothing "
              "was run or written:\n" + "\n".join(problems), file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    log.info("sweep of %d jobs validated; writing to %s", len(jobs), sweep_dir)


class SweepCallback(Callback):
    """Validates every job before a sweep writes anything; reports at its end."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        _quiet_mesa()
        if config.hydra.sweeper.get("_target_") != BASIC_SWEEPER:
            return  # ours validates in its setup; Optuna chooses its jobs as it goes
        validate_jobs(sweep_job_overrides(config), sim_config.compose_config,
                      config.hydra.sweep.dir)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            self._finish(config)
        except Exception as exc:  # Hydra would only warn and exit 0
            log.exception("the sweep's report could not be built")
            print(f"error: the sweep ran but its report could not be built: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            sys.exit(1)

    @staticmethod
    def _finish(config: DictConfig) -> None:
        from sim import report

        sweep_dir = Path(config.hydra.sweep.dir)
        if "optuna" in str(config.hydra.sweeper.get("_target_", "")).lower():
            reevaluate_search(sweep_dir, config)
        path = report.build_report(sweep_dir)
        print(f"report: {path}")
        failures = report.load_failures(sweep_dir)
        if failures:
            print(f"error: {len(failures)} job(s) failed; see {path} and "
                  f"{sweep_dir / 'failed'}", file=sys.stderr)
            sys.exit(1)


def reevaluate_search(sweep_dir: Path, config: DictConfig) -> Path | None:
    """Re-run the best feasible trials of a policy search on seeds it never saw."""
    from sim import search, sweep
    from sim.storage import write_table

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
        if s["feasible"]:
            candidates.append((s["score"], inputs, manifest["config"]))
    candidates.sort(key=lambda c: c[0])
    chosen = [(inputs, sim_config.params_from_dict(cfg))
              for _, inputs, cfg in candidates[:study.reevaluate_top]]
    table = search.reevaluate(chosen, study.root_seed + search.FRESH_SEED_OFFSET,
                              study.replications, study.objective, study.risk_ceiling)
    return write_table(sweep_dir / "reevaluation.csv", table)


sim_config.register()


@hydra.main(version_base="1.3", config_path=str(sim_config.config_dir()),
            config_name="config")
def main(cfg: DictConfig) -> float | None:
    """Entry point of ``python -m sim``."""
    _quiet_mesa()
    try:
        if HydraConfig.get().mode == RunMode.MULTIRUN:
            return run_sweep_job(cfg)
        run_single(cfg)
        return None
    except BAD_INPUT as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
