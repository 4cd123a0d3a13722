"""Parameters: one source of defaults, ranges and cross-field rules, Hydra composition."""

from __future__ import annotations

import dataclasses

import pytest

import sim
from sim.params import ParameterError, Params, iter_fields, validate
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


@pytest.mark.parametrize("override", ["dynamics.reacton=0.2", "dynamics.reaction=abc",
                                      "networkk.kind=x", "shocks.enabled=maybe"])
def test_compose_rejects_misspelt_keys_and_bad_types(override):
    key = override.split("=")[0].split(".")[-1]
    with pytest.raises(Exception) as err:
        sim.compose([override])
    text = str(err.value) + str(err.value.__cause__)
    assert key in text or override.split("=")[1] in text


def test_compose_rejects_unknown_group_choice_listing_choices():
    with pytest.raises(Exception) as err:
        sim.compose(["policy=telepathy"])
    assert "none" in str(err.value)


def test_compose_validates_ranges():
    with pytest.raises(ParameterError, match="dynamics.noise_sd"):
        sim.compose(["dynamics.noise_sd=-1"])


def group_files():
    for group in ("scenario", "network", "policy"):
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
    """docs/model.md's tables come from sim/params.py (scripts/param_table.py --write)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "param_table.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
