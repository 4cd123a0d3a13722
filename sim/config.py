"""The Hydra edge: the structured-config schema and ``compose``.

The only module besides ``sim.cli`` that imports Hydra. It registers the parameter
dataclasses of ``sim.core.params`` as Hydra's schema, so misspelt keys and wrongly typed values
in YAML or on the command line are rejected at composition, and turns a composed config
into validated :class:`~sim.core.params.Params` through :func:`sim.core.params.validate`, the one
validation path of the CLI, the API and the dashboard.

Two things OmegaConf alone would let through are caught here: it reads ``2``, ``'no'``
or ``'1'`` as a boolean (so the schema types booleans as ``Any`` and
:func:`sim.core.params.validate` accepts only ``true``/``false``), and ``+key=value`` adds
keys the schema does not have (:func:`sim.core.params.from_mapping` refuses them).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.core.params import (
    ParameterError,
    Params,
    check_fields,
    from_mapping,
    iter_fields,
    param,
    validate,
    with_overrides,
)

SCHEMA_NAME = "prevsim_schema"


def config_dir() -> Path:
    """The ``configs/`` directory (``$PREVSIM_CONFIG_DIR`` overrides it)."""
    env = os.environ.get("PREVSIM_CONFIG_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "configs"


@dataclass
class StudyParams:
    """A sweep's study: replications and seeds of every job (``configs/experiment/``)."""

    name: str = param("sweep", help="Experiment name; sweeps write to results/<name>/.",
                      name=True)
    question: str = param("", help="The question the experiment answers (for its report).")
    replications: int = param(50, help="Seeded runs per sweep job, run in-process.",
                              unit="runs", ge=1, le=1_000_000)
    root_seed: int = param(2011, help="Seeds of the replications are drawn from it: the "
                           "same seeds for every job of a sweep (common random numbers).",
                           ge=0, le=2**63 - 1)
    sweep_name: str = param("${now:%Y-%m-%d_%H-%M-%S}", help="Folder of the sweep under "
                            "results/<name>/; re-run with the same sweep_name to resume.",
                            name=True)
    wait_for_lock: bool = param(False, help="If another process is running a sweep in the "
                                "same folder: wait for it to finish (true) or stop at once "
                                "with exit code 4 (false).")
    progress: bool = param(True, help="Show a progress bar over replications.")
    objective: str = param("total_cost_usd", help="Policy search: the outcome to minimise "
                           "(a key of sim.metrics.outcomes).")
    objectives: List[str] = param([], help="Policy search with several objectives "
                                  "(Optuna's multi-objective study, experiment="
                                  "policy_front): outcomes whose means are minimised "
                                  "together, one per hydra.sweeper.direction; empty: one "
                                  "objective, study.objective under the risk ceiling.")
    risk_ceiling: float = param(1.0, help="Policy search: the highest acceptable risk of "
                                "armed conflict (upper end of its 95% interval).",
                                unit="share of runs", ge=0, le=1, source="DOMAIN.md §8 "
                                "(\"keeps the risk under 5%\")")
    reevaluate_top: int = param(3, help="Policy search: best trials re-run on fresh seeds "
                                "when the search ends.", unit="trials", ge=0, le=100)
    runner: str = param("replications", help="What each job runs: seeded replications of "
                        "one configuration, a chunk of a sensitivity design, or a chunk of "
                        "the worlds of an exploratory ensemble (experiment=robustness).",
                        choices=("replications", "sensitivity", "robustness"))
    crisis_tables: bool = param(True, help="Keep every run's crisis table and write it as "
                                "jobs/<key>/crises.parquet (the report's gap section). It "
                                "is held in memory until the job ends, about 12 kB a run "
                                "(≈ 120 MB at 10,000 replications): switch it off for "
                                "very large jobs.")
    robustness_trajectories: int = param(
        0, help="Ranking robustness (issue 17): Morris trajectories over the uncertainties "
        "of sim.study.ranking.UNCERTAINTIES, run after a sweep that compares policies; at "
        "every design point each policy of the sweep runs on robustness_seeds seeds, and "
        "the report says whether its ranking holds and which parameters flip it. 0: not "
        "assessed.", unit="trajectories", ge=0, le=100)
    robustness_seeds: int = param(6, help="Seeds per policy and design point of the "
                                  "ranking robustness check (the same at every point).",
                                  unit="runs", ge=1, le=10_000)
    reference: str = param("policy:none", help="What the report's paired differences are "
                           "taken against: a swept input and its value, input:value — "
                           "policy:none, or lever:baseline in experiment=capacity.")


@dataclass
class SensitivityParams:
    """A global sensitivity analysis run as a sweep (``experiment=sensitivity``)."""

    method: str = param("morris", help="Morris screening (cheap, ranks parameters) or "
                        "Sobol indices (first-order and total, costlier).",
                        choices=("morris", "sobol"), source="SALib 1.6")
    samples: int = param(16, help="Base sample size N: Morris trajectories, or Sobol "
                         "N·(2D+2) points.", unit="samples", ge=2, le=100_000)
    design_seed: int = param(7, help="Seed of the sample design (every job regenerates "
                             "the same design from it).", ge=0, le=2**32 - 1)
    chunks: int = param(4, help="Jobs the design is split into (sweep over chunk).",
                        unit="jobs", ge=1, le=10_000)
    chunk: int = param(0, help="This job's chunk (0 … chunks − 1).", ge=0, le=9_999)
    outcome: str = param("violence_party_weeks", help="Outcome whose sensitivity is "
                         "analysed (a key of sim.metrics.outcomes).")
    uncertainties: Dict[str, List[float]] = param(
        {}, help="Parameters to vary and their [low, high] ranges (dotted names).")


@dataclass
class ExploreParams:
    """An ensemble of worlds for exploratory modelling (``experiment=robustness``):
    uncertainties sampled by a Latin hypercube, every lever setting (the swept policy) on
    every world with the same seeds; regret, satisficing and scenario discovery
    (``sim.study.explore``)."""

    uncertainties: Dict[str, List[float]] = param(
        {}, help="The uncertainties: parameters policy cannot choose and their [low, high] "
        "ranges (dotted names).", source="sim.study.ranking.UNCERTAINTIES (issue 17)")
    samples: int = param(40, help="Worlds of the Latin hypercube (the default world is "
                         "added as world -1).", unit="worlds", ge=2, le=100_000)
    design_seed: int = param(11, help="Seed of the Latin hypercube (every job regenerates "
                             "the same worlds from it).", ge=0, le=2**32 - 1)
    chunks: int = param(4, help="Jobs each lever setting's worlds are split into.",
                        unit="jobs", ge=1, le=10_000)
    chunk: int = param(0, help="This job's chunk (0 … chunks − 1).", ge=0, le=9_999)
    satisficing: Dict[str, float] = param(
        {"armed_conflict": 0.6, "total_cost_usd": 15e9},
        help="Thresholds a policy must meet in a world (its mean over the seeds, ≤ for "
        "outcomes to minimise) for the world to count as satisfied.",
        source="modelling choice: about the risk and cost of the best policies on the "
        "default world (make run), so that the share separates policies")
    discover_policy: str = param("envoy", help="Scenario discovery: the policy whose "
                                 "failures PRIM explains.")
    discover_outcome: str = param("violence_party_weeks", help="Scenario discovery: the "
                                  "outcome that defines a failure.")
    fail_share: float = param(0.25, help="Scenario discovery: a failure is a world in the "
                              "policy's worst fail_share of worlds (unless fail_threshold).",
                              unit="share of worlds", gt=0, lt=1, source="modelling "
                              "choice: PRIM works best with a minority of cases")
    fail_threshold: Optional[float] = param(None, help="Scenario discovery: a failure is a "
                                            "world whose mean outcome is worse than this "
                                            "(null: use fail_share).")
    min_density: float = param(0.8, help="Scenario discovery: the PRIM box chosen is the "
                               "one of most coverage among those at least this dense.",
                               unit="share", gt=0, le=1, source="Bryant & Lempert (2010)")


@dataclass
class CompareParams:
    """The two-delay slide of ``plot=compare``: the same crisis, two delays, many worlds."""

    delays_days: List[float] = param([7.0, 90.0], help="The two response delays compared, "
                                     "A then B (each replaces every instrument's delay).",
                                     unit="days")
    worlds: int = param(30, help="Seeded worlds both delays run on, from the run's seed.",
                        unit="worlds", ge=1, le=10_000)


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
                      "'compare' writes compare.png, a slide of the run's settings at two "
                      "delays on many worlds (compare.*); empty: none.",
                      choices=("", "timeline", "compare"))
    compare: CompareParams = field(default_factory=CompareParams)
    explore: ExploreParams = field(default_factory=ExploreParams)
    sensitivity: SensitivityParams = field(default_factory=SensitivityParams)


@functools.cache
def schema_class(cls: type) -> type:
    """``cls`` as Hydra's schema sees it: the same fields and defaults, but booleans typed
    ``Any``, so that OmegaConf keeps a value as written (``2``, ``'no'``) for
    :func:`sim.core.params.validate` to refuse, instead of converting it to true or false.
    Nested groups and lists of groups get the same treatment."""
    hints = typing.get_type_hints(cls)
    fields = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        item = typing.get_args(hint)[0] if typing.get_origin(hint) is list else None
        if hint is bool:
            hint = Any
        elif dataclasses.is_dataclass(hint):
            hint = schema_class(hint)
        elif item is not None and dataclasses.is_dataclass(item):
            hint = List[schema_class(item)]
        if dataclasses.is_dataclass(hints[f.name]):
            spec = field(default_factory=hint)
        elif f.default_factory is not dataclasses.MISSING:
            spec = field(default_factory=f.default_factory)
        else:
            spec = field(default=f.default)
        fields.append((f.name, hint, spec))
    return dataclasses.make_dataclass(cls.__name__, fields)


def register() -> None:
    """Register the schema in Hydra's ConfigStore (idempotent; once, as it costs ~20 ms)."""
    store = ConfigStore.instance()
    if f"{SCHEMA_NAME}.yaml" not in store.repo:
        store.store(name=SCHEMA_NAME, node=schema_class(AppConfig))


def validate_app(app: AppConfig) -> AppConfig:
    """:func:`sim.core.params.validate` and what a study adds: the outcomes it names, the
    sensitivity design (ranges inside their fields' bounds, low < high, valid at both
    ends) and its chunk. Everything is checked before a sweep writes anything."""
    problems = check_fields(app)
    if not problems:
        try:
            validate(app)
        except ParameterError as exc:
            problems += exc.problems
        problems += _study_problems(app)
    if problems:
        raise ParameterError(problems)
    return app


def _study_problems(app: AppConfig) -> list[tuple[str, Any, str]]:
    from sim.core.metrics import OUTCOME_KEYS

    problems = []
    outcomes = "an outcome of sim.metrics.outcomes: " + ", ".join(OUTCOME_KEYS)
    e = app.explore
    for name, value in (("study.objective", app.study.objective),
                        ("sensitivity.outcome", app.sensitivity.outcome),
                        ("explore.discover_outcome", e.discover_outcome),
                        *((f"explore.satisficing.{k}", k) for k in e.satisficing),
                        *((f"study.objectives[{i}]", k)
                          for i, k in enumerate(app.study.objectives))):
        if value not in OUTCOME_KEYS:
            problems.append((name, value, outcomes))
    key, sep, value = app.study.reference.partition(":")
    if not (sep and key and value):
        problems.append(("study.reference", app.study.reference,
                         "input:value, e.g. policy:none or lever:baseline"))
    s = app.sensitivity
    for where, chunk, chunks in (("sensitivity", s.chunk, s.chunks), ("explore", e.chunk,
                                                                      e.chunks)):
        if chunk >= chunks:
            problems.append((f"{where}.chunk", chunk, f"below {where}.chunks = {chunks} "
                             "(chunks are numbered from 0)"))
    fields = {name: (f, value) for name, f, value in iter_fields(Params())}
    base = to_params(app)
    for group, uncertainties in (("sensitivity", s.uncertainties),
                                 ("explore", e.uncertainties)):
        problems += _range_problems(f"{group}.uncertainties", uncertainties, fields, base)
    if app.study.runner == "sensitivity" and not app.policy.instruments:
        for name, bounds in s.uncertainties.items():
            if name.startswith(RESPONSE_ONLY):
                problems.append((f"sensitivity.uncertainties.{name}", bounds,
                                 f"a parameter policy {app.policy.name!r} can move: it has "
                                 "no instruments, and this one acts only through a "
                                 "response (its index would be 0 by construction); "
                                 "choose a policy that acts (policy=envoy) or drop it"))
    for runner, group, uncertainties in (("sensitivity", "sensitivity", s.uncertainties),
                                         ("robustness", "explore", e.uncertainties)):
        if app.study.runner != runner:
            continue
        if not uncertainties:
            problems.append((f"{group}.uncertainties", {}, "at least one parameter and "
                             f"its [low, high] range, for study.runner={runner}"))
        elif not problems:
            problems += _design_problems(app, base)
    return problems


#: Parameters that act only through a response (an instrument, the consent it asks, the
#: policy's own settings, the unity of the bodies deciding it): a policy without
#: instruments cannot be sensitive to them.
RESPONSE_ONLY = ("instruments.", "consent.", "policy.", "un.unity", "regional.unity",
                 "un.consensus_days_at_zero_unity", "regional.consensus_days_at_zero_unity")


def _range_problems(prefix: str, uncertainties: dict, fields: dict, base: Params
                    ) -> list[tuple[str, Any, str]]:
    """Each uncertainty is a numeric parameter with [low, high], low < high, and a valid
    run at each end (its field's bounds and every cross-field rule)."""
    problems = []
    for name, bounds in uncertainties.items():
        where = f"{prefix}.{name}"
        if name not in fields or isinstance(fields[name][1], bool) or not isinstance(
                fields[name][1], (int, float)):
            problems.append((where, bounds, "a numeric parameter of sim.params (dotted "
                             "name, e.g. dynamics.reaction)"))
            continue
        if len(bounds) != 2 or not bounds[0] < bounds[1]:
            problems.append((where, bounds, "[low, high] with low < high"))
            continue
        integer = isinstance(fields[name][1], int)
        for end in bounds:
            value = int(round(end)) if integer else end
            try:  # the field's own bounds and every cross-field rule, at each end
                validate(with_overrides(base, {name.replace(".", "__"): value}))
            except ParameterError as exc:
                problems += [(f"{where} (at {end:g})", v, rule) for _, v, rule in exc.problems]
    return problems


def _design_problems(app: AppConfig, base: Params) -> list[tuple[str, Any, str]]:
    """Every point of the study's design is a valid run: ranges valid at each end can
    still break a rule together (hysteresis below tension, weight_min below weight_max)."""
    from sim.study import sensitivity as sa

    if app.study.runner == "robustness":
        from sim.study import explore

        e = app.explore
        problem, design = explore.design(dict(e.uncertainties), e.samples, e.design_seed)
        what = "explore design world"
    else:
        s = app.sensitivity
        problem = sa.problem_from(dict(s.uncertainties))
        design = sa.sample(problem, s.method, s.samples, s.design_seed)
        what = "sensitivity design point"
    for index, row in enumerate(design):
        point = sa.point_overrides(base, problem, row)
        try:
            validate(with_overrides(base, point))
        except ParameterError as exc:
            at = ", ".join(f"{k.replace('__', '.')}={v:g}" for k, v in point.items())
            return [(f"{what} {index} ({at})", v, f"{field}: {rule}")
                    for field, v, rule in exc.problems]
    return []


def to_app_config(cfg: DictConfig) -> AppConfig:
    """A composed Hydra config as a validated :class:`AppConfig`. An interpolation that
    cannot be resolved (``seed=${nope}``) is a :class:`ParameterError` naming the key."""
    from omegaconf.errors import OmegaConfBaseException

    try:
        data = OmegaConf.to_container(cfg, resolve=True)
    except OmegaConfBaseException as exc:
        key = getattr(exc, "full_key", None) or "a value"
        message = str(exc).split("\n", 1)[0]
        raise ParameterError([(key, "${…}", f"an interpolation that resolves to a valid "
                               f"value ({message})")]) from None
    return validate_app(from_mapping(AppConfig, data))


def params_from_dict(config: dict) -> Params:
    """Validated :class:`Params` from a resolved configuration saved in a manifest."""
    known = {f.name for f in dataclasses.fields(AppConfig)}
    data = {k: v for k, v in config.items() if k in known}
    return to_params(validate_app(from_mapping(AppConfig, data)))


def to_params(cfg: DictConfig | AppConfig) -> Params:
    """The plain :class:`Params` part of a composed config, validated (an
    :class:`AppConfig` comes from :func:`to_app_config`: validated already)."""
    app = cfg if isinstance(cfg, AppConfig) else to_app_config(cfg)
    return Params(**{f.name: getattr(app, f.name) for f in dataclasses.fields(Params)})


def compose_config(overrides: list[str] = ()) -> DictConfig:
    """Compose ``configs/config.yaml`` with Hydra override strings, as the CLI does
    (without the ``hydra`` node), through Hydra's public compose API.

    Inside a running Hydra application (the sweep validation) Hydra is initialised
    already and composes from the application's search path; elsewhere (``sim.compose``,
    the dashboard) it is initialised for ``configs/`` for the call.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.utils import setup_globals

    register()
    setup_globals()  # the ${now:...} resolver
    if GlobalHydra.instance().is_initialized():
        return hydra_compose(config_name="config", overrides=list(overrides))
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return hydra_compose(config_name="config", overrides=list(overrides))


def compose(overrides: list[str] = ()) -> Params:
    """Validated parameters from Hydra overrides, e.g. ``["seed=3", "network=small_world"]``."""
    return to_params(compose_config(overrides))


register()
