"""Parameters: one source of defaults, ranges and cross-field rules, Hydra composition."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from hydra.errors import ConfigCompositionException, MissingConfigException

import sim
from sim.core.params import ParameterError, Params, iter_fields, validate
from tests.conftest import ROOT, make_params


def test_defaults_are_valid():
    assert validate(Params()) == Params()


def test_every_leaf_parameter_is_documented_with_unit_and_source():
    for name, field, _ in iter_fields(Params()):
        assert field.metadata.get("help"), f"{name} has no help text"
        assert "unit" in field.metadata and "source" in field.metadata, name


@pytest.mark.parametrize("field,value,fragment", [
    ("dynamics.reaction", -0.1, ">= 0"),
    ("dynamics.restraint_mean", 0.0, "> 0"),
    ("dynamics.noise_sd", float("nan"), "finite"),
    ("network.kind", "lattice", "one of 'regional_blocks'"),
    ("network.n_parties", 1, ">= 2"),
    ("shocks.election_share", 1.5, "<= 1"),
    ("history.past_war_fraction", -0.2, ">= 0"),
    ("seed", -1, ">= 0"),
    ("step_days", 8.0, "<= 7"),
])
def test_out_of_range_names_field_value_and_rule(field, value, fragment):
    with pytest.raises(ParameterError) as err:
        validate(make_params(**{field: value}))
    message = str(err.value)
    assert field in message and fragment in message
    assert repr(value) in message or str(value) in message


@pytest.mark.parametrize("overrides,field", [
    ({"escalation.crisis": 0.5}, "escalation.crisis"),           # ladder must rise
    ({"escalation.hysteresis": 0.9}, "escalation.hysteresis"),   # below tension
    ({"network.weight_min": 2.0}, "network.weight_max"),
    ({"network.kind": "file"}, "network.path"),
    ({"network.n_regions": 100}, "network.n_regions"),
    ({"network.kind": "small_world", "network.k_nearest": 60}, "network.k_nearest"),
    ({"dynamics.restraint_mean": 1.5}, "dynamics.restraint_mean"),  # dt·a > 1
])
def test_cross_field_rules(overrides, field):
    with pytest.raises(ParameterError) as err:
        validate(make_params(**overrides))
    assert field in str(err.value)


def test_all_problems_reported_at_once():
    with pytest.raises(ParameterError) as err:
        validate(make_params(**{"dynamics.reaction": -1, "seed": -1}))
    assert {f for f, _, _ in err.value.problems} == {"dynamics.reaction", "seed"}


def test_compose_defaults_equal_dataclass_defaults():
    assert sim.compose() == Params()


def test_compose_applies_overrides_like_the_cli():
    p = sim.compose(["network=small_world", "seed=3", "dynamics.reaction=0.25",
                     "shocks.enabled=false", "network.n_parties=30"])
    assert (p.network.kind, p.seed, p.dynamics.reaction) == ("small_world", 3, 0.25)
    assert p.shocks.enabled is False and p.network.n_parties == 30


@pytest.mark.parametrize("override,error,fragment", [
    ("dynamics.reacton=0.2", ConfigCompositionException, "Could not override "
     "'dynamics.reacton'"),
    ("dynamics.reaction=abc", ConfigCompositionException, "dynamics.reaction=abc"),
    ("networkk.kind=x", ConfigCompositionException, "Could not override 'networkk.kind'"),
    ("shocks.enabled=maybe", ParameterError, "shocks.enabled = 'maybe': must be true or "
     "false"),
])
def test_compose_rejects_misspelt_keys_and_bad_types(override, error, fragment):
    with pytest.raises(error) as err:
        sim.compose([override])
    assert fragment in str(err.value)


def test_compose_rejects_unknown_group_choice_listing_choices():
    with pytest.raises(MissingConfigException) as err:
        sim.compose(["policy=telepathy"])
    assert "Could not find 'policy/telepathy'" in str(err.value)
    assert all(name in str(err.value) for name in ("none", "envoy", "graduated"))


def test_compose_validates_ranges():
    with pytest.raises(ParameterError, match="dynamics.noise_sd"):
        sim.compose(["dynamics.noise_sd=-1"])


def group_files():
    for group in ("scenario", "network", "policy", "lever"):
        for path in sorted((ROOT / "configs" / group).glob("*.yaml")):
            yield group, path.stem


@pytest.mark.parametrize("group,choice", list(group_files()))
def test_every_config_file_composes(group, choice):
    overrides = [f"{group}={choice}"]
    if (group, choice) == ("network", "file"):
        overrides.append(f"network.path={ROOT / 'tests' / 'data' / 'two_regions.graphml'}")
    p = sim.compose(overrides)
    assert isinstance(p, Params)


def test_yaml_group_files_hold_only_what_differs_from_defaults():
    """One source of defaults: a group file must not restate a dataclass default."""
    import yaml

    defaults = dataclasses.asdict(Params())
    for group, choice in group_files():
        text = (ROOT / "configs" / group / f"{choice}.yaml").read_text()
        data = yaml.safe_load(text) or {}
        package = "_global_" if "@package _global_" in text else group
        node = data if package == "_global_" else {group: data}
        for section, values in node.items():
            if not isinstance(values, dict):
                continue
            for key, value in values.items():
                if key in ("name", "description", "kind"):
                    continue
                assert defaults[section].get(key) != value, (
                    f"configs/{group}/{choice}.yaml restates default {section}.{key}")


def test_docs_parameter_tables_are_generated_from_params():
    """docs/model.md's tables come from sim/core/params.py (scripts/param_table.py --write)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "param_table.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- declared types
@pytest.mark.parametrize("field,value,fragment", [
    ("dynamics.reaction", np.float32("inf"), "must be a finite number"),
    ("dynamics.reaction", np.float32(1e6), "<= 100"),
    ("dynamics.noise_sd", np.float32("nan"), "must be a finite number"),
    ("shocks.enabled", "no", "must be true or false"),
    ("shocks.enabled", 2, "must be true or false"),
    ("shocks.enabled", 1, "must be true or false"),
    ("network.n_parties", 2.5, "must be an integer"),
    ("network.n_parties", 60.0, "must be an integer"),
    ("network.n_parties", True, "must be an integer"),
    ("dynamics.reaction", [1], "must be a finite number"),
    ("dynamics.reaction", "0.2", "must be a finite number"),
    ("dynamics.reaction", True, "must be a finite number"),
    ("un.regional_offices", [0.5], "must be a list of integers"),
    ("un.regional_offices", 0, "must be a list of integers"),
    ("scenario.description", 3, "must be a text"),
    ("network.path", 3, "must be a text"),
    ("policy.instruments", [{"kind": "envoy"}], "must be a list of InstrumentSpec entries"),
])
def test_values_of_another_type_are_refused_on_every_path(field, value, fragment):
    """The Python API (validate, keyword overrides) refuses what the CLI refuses."""
    with pytest.raises(ParameterError) as err:
        validate(make_params(**{field: value}))
    assert field in str(err.value) and fragment in str(err.value)
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        sim.ConflictModel(**{field.replace(".", "__"): value})


def test_numpy_scalars_become_the_python_numbers_they_hold():
    p = validate(make_params(**{"dynamics.reaction": np.float32(0.25), "seed": np.int64(4),
                                "shocks.enabled": np.bool_(False),
                                "dynamics.restraint_mean": 1,
                                "un.regional_offices": (np.int64(0),)}))
    assert type(p.dynamics.reaction) is float and p.dynamics.reaction == 0.25
    assert type(p.seed) is int and p.seed == 4
    assert p.shocks.enabled is False
    assert type(p.dynamics.restraint_mean) is float
    assert p.un.regional_offices == [0] and type(p.un.regional_offices[0]) is int


@pytest.mark.parametrize("override,fragment", [
    ("shocks.enabled=2", "shocks.enabled = 2: must be true or false"),
    ("shocks.enabled=no", "shocks.enabled = 'no': must be true or false"),
    ("shocks.enabled=1", "shocks.enabled = 1: must be true or false"),
    ("+foo=1", "foo = 1: not a parameter"),
    ("+dynamics.foo=1", "dynamics.foo = 1: not a parameter; the parameters of dynamics "
     "are: reaction"),
    ("dynamics.reaction=inf", "dynamics.reaction = inf: must be a finite number"),
    ("dynamics.reaction=1e400", "must be a finite number"),
    ("step_days=1e-300", "step_days = 1e-300: must be >= 1 and <= 7"),
    ("step_days=0.001", "step_days = 0.001: must be >= 1"),
    ("shocks.election_interval_weeks=1000000000000", "must be >= 1 and <= 5200"),
    ("shocks.election_lag_weeks=1000000000000", "must be >= 0 and <= 520"),
])
def test_compose_refuses_what_omegaconf_would_convert_or_add(override, fragment):
    with pytest.raises(ParameterError) as err:
        sim.compose([override, "horizon_weeks=2"])
    assert fragment in str(err.value)


def test_every_number_has_a_finite_range():
    """So that hypothesis can draw inside it (tests/test_accepted_values.py) and nothing
    accepted can overflow."""
    for name, field, value in iter_fields(Params()):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            m = field.metadata
            lo = m["ge"] if m["ge"] is not None else m["gt"]
            hi = m["le"] if m["le"] is not None else m["lt"]
            assert lo is not None and hi is not None and math.isfinite(hi), name


# ---------------------------------------------------------------- names
@pytest.mark.parametrize("value", ["../../x", "a/b", "", ".", "..", ".hidden", "x" * 65,
                                   "my scenario", "ok\n", "é", "-x"])
@pytest.mark.parametrize("field", ["scenario.name", "policy.name"])
def test_names_that_become_paths_are_safe(field, value):
    with pytest.raises(ParameterError) as err:
        validate(make_params(**{field: value}))
    assert f"{field} = {value!r}: 1-64 letters, digits" in str(err.value)


@pytest.mark.parametrize("value", ["default", "a.b-c_d", "2026-12-02_05-51-41", "x" * 64])
def test_safe_names_are_accepted(value):
    assert validate(make_params(**{"policy.name": value})).policy.name == value


# ---------------------------------------------------------------- sizes
def test_runs_too_big_for_memory_are_refused_up_front():
    with pytest.raises(ParameterError) as err:
        sim.compose(["network.n_parties=10000000"])
    text = str(err.value)
    assert "record.memory_limit_gb = 8.0: this run would need about" in text
    assert "the limit is 8 GiB" in text and "10,000,000 parties" in text
    assert sim.compose(["network.n_parties=10000000", "record.memory_limit_gb=200"])


def test_memory_estimate_covers_what_a_run_uses():
    """The estimate is an upper bound of the memory a run allocates (its traced peak:
    numpy and networkx report their allocations to tracemalloc), and not far above it."""
    import tracemalloc

    from sim.core import metrics
    from sim.core.params import estimated_memory_bytes

    p = make_params(**{"network.n_parties": 20000, "horizon_weeks": 400,
                       "un.reporting_lag_weeks": 20})
    tracemalloc.start()
    try:
        model = sim.ConflictModel(p).run()
        metrics.outcomes(model)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = estimated_memory_bytes(p, 20000, model.network.number_of_edges(), 4)
    assert peak <= estimate <= 2 * peak, (peak, estimate)


def test_registries_agree_with_the_parameters():
    """A kind named in sim.params has its class, and every class its kind."""
    from sim.core.network import FAMILIES
    from sim.core.params import INSTRUMENT_KINDS, NETWORK_KINDS, InstrumentParams
    from sim.core.policies import INSTRUMENTS

    assert set(INSTRUMENTS) == set(INSTRUMENT_KINDS)
    for kind, cls in INSTRUMENTS.items():
        assert cls.name == kind and hasattr(InstrumentParams(), cls.params_group)
    assert set(NETWORK_KINDS) == set(FAMILIES) | {"file"}
    assert {p.stem for p in (ROOT / "configs" / "network").glob("*.yaml")} == set(NETWORK_KINDS)


@pytest.mark.parametrize("experiment", sorted(
    p.stem for p in (ROOT / "configs" / "experiment").glob("*.yaml")))
def test_every_experiment_composes_and_its_jobs_are_valid(experiment):
    """Every configs/experiment/*.yaml composes, and every job its sweep would run (or
    every value its search may try) is valid."""
    from hydra import compose, initialize_config_dir

    from sim import cli
    from sim.config import compose_config, config_dir, register

    assert isinstance(sim.compose([f"experiment={experiment}"]), Params)

    register()
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = compose("config", overrides=[f"experiment={experiment}"],
                      return_hydra_config=True)
        target = str(cfg.hydra.sweeper.get("_target_"))
        jobs = (cli.search_space_jobs(cfg) if "optuna" in target.lower()
                else cli.sweep_job_overrides(cfg))
        assert jobs
        keyed = cli.validate_jobs(jobs, compose_config, "unused")
    assert len(keyed) == len(jobs) and len({key for _, key in keyed}) == len(jobs)
