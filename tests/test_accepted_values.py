"""Whatever validation accepts runs to completion with finite results (hypothesis).

Every leaf parameter declares its type and range in ``sim/core/params.py``. These tests draw
values inside each declared range — one field at a time, then all fields at once — and
check that :func:`sim.core.params.validate` either refuses the combination (with a
:class:`ParameterError` naming a field) or a short run completes with finite hostility
and finite outcomes. The bounds in ``sim/core/params.py`` were found this way (a value that
overflowed to inf or nan, or crashed, made the bound come down), not set by hand.

Sizes are the one exception: ``horizon_weeks``, ``network.n_parties`` and
``network.n_regions`` are drawn within their declared lower bound and a test cap
(:data:`TEST_CAPS`) so the suite stays fast; above the caps, the memory guard
(``record.memory_limit_gb``) decides, and tests/test_params.py checks it.
"""

from __future__ import annotations

import dataclasses
import math
import typing

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import ConflictModel
from sim.core import metrics
from sim.core.network import NetworkError
from sim.core.params import (
    NAME_PATTERN,
    InstrumentSpec,
    ParameterError,
    Params,
    PolicyParams,
    _leaves,
    validate,
)
from tests.conftest import ROOT

#: Outcomes that are undefined (nan) in some runs, e.g. the week of first violence in a
#: run without violence (their definitions say so). Every other outcome must be finite.
MAY_BE_NAN = {o.key for o in metrics.OUTCOMES.values() if "nan if" in o.definition}
#: Upper ends used for sizes instead of their declared ones (run time, not correctness).
TEST_CAPS = {"horizon_weeks": 40, "network.n_parties": 150, "network.n_regions": 150,
             "un.mediators": 50, "regional.mediators": 50}
GRAPHML = str(ROOT / "tests" / "data" / "two_regions.graphml")
SHORT = 12  # weeks of a run in the one-field test


def base_params(horizon: int = SHORT) -> Params:
    """Defaults with one instrument of each kind, so that instrument fields are used."""
    instruments = [InstrumentSpec(kind="statement", repeat_every_weeks=2.0),
                   InstrumentSpec(kind="fact_finding", actor="joint"),
                   InstrumentSpec(kind="envoy", actor="regional_lead", trigger="violence"),
                   InstrumentSpec(kind="envoy", delay_days=0.0)]
    p = Params(horizon_weeks=horizon,
               policy=PolicyParams(name="all", instruments=instruments))
    p.un.regional_offices = [1]
    return p


def leaves(params: Params) -> dict[str, tuple]:
    """dotted name -> (owner, field, declared type) of every leaf parameter."""
    return {name: (owner, f, hint) for name, owner, f, hint, _ in _leaves(params)}


FIELDS = sorted(leaves(base_params()))


def strategy(name: str, f: dataclasses.Field, hint) -> st.SearchStrategy:
    """Values of field ``name`` inside its declared type and range."""
    meta = f.metadata
    if name == "un.regional_offices":
        return st.lists(st.integers(0, 3), max_size=4, unique=True)
    if name == "network.path":
        return st.just(GRAPHML)
    if typing.get_origin(hint) is typing.Union:  # Optional[X]
        inner = [a for a in typing.get_args(hint) if a is not type(None)][0]
        return st.none() | strategy(name, f, inner)
    if meta.get("choices") is not None:
        return st.sampled_from(meta["choices"])
    if meta.get("name"):
        return st.from_regex(NAME_PATTERN, fullmatch=True)
    if hint is bool:
        return st.booleans()
    if hint is str:
        return st.text(max_size=80)
    lo = meta["ge"] if meta.get("ge") is not None else meta["gt"]
    hi = meta["le"] if meta.get("le") is not None else meta["lt"]
    hi = min(hi, TEST_CAPS.get(name, hi))
    if hint is int:
        return st.integers(int(math.ceil(lo)) + (meta.get("gt") is not None), int(hi))
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False,
                     exclude_min=meta.get("gt") is not None,
                     exclude_max=meta.get("lt") is not None)


def check_run(params: Params) -> None:
    """Refused with a named field, or a run that completes with finite results."""
    try:
        validate(params)
    except ParameterError as exc:
        assert exc.problems and all(isinstance(field, str) for field, _, _ in exc.problems)
        return
    try:
        model = ConflictModel(params).run()
    except ParameterError as exc:  # a rule that needs the network (region codes, sizes)
        assert exc.problems
        return
    except NetworkError as exc:  # a file read in a format it is not in
        assert "network" in str(exc) or GRAPHML in str(exc)
        return
    assert np.isfinite(model.state.hostility).all()
    if params.record.hostility:
        assert np.isfinite(model.hostility_history).all()
    for key, value in metrics.outcomes(model).items():
        assert isinstance(value, (int, float)), key
        assert math.isfinite(value) or (key in MAY_BE_NAN and math.isnan(value)), (key, value)


def set_value(params: Params, name: str, value) -> None:
    owner, f, _ = leaves(params)[name]
    setattr(owner, f.name, value)
    if name == "network.kind" and value == "file":
        params.network.path = GRAPHML


@pytest.mark.parametrize("name", FIELDS)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_field_anywhere_in_its_range(name, data):
    params = base_params()
    _, f, hint = leaves(params)[name]
    set_value(params, name, data.draw(strategy(name, f, hint), label=name))
    check_run(params)


@st.composite
def whole_configurations(draw) -> Params:
    """Every field drawn at once, with the cross-field rules that would refuse almost
    every draw (a rising ladder, weight_min <= weight_max, restraint within 1/dt)
    respected, so that runs, not refusals, are what is tested."""
    params = base_params(horizon=draw(st.integers(1, TEST_CAPS["horizon_weeks"])))
    for name in FIELDS:
        if name in ("horizon_weeks", "network.path"):
            continue
        _, f, hint = leaves(params)[name]
        set_value(params, name, draw(strategy(name, f, hint), label=name))
    esc, net, dyn = params.escalation, params.network, params.dynamics
    esc.tension, esc.crisis, esc.violence, esc.armed_conflict = sorted(
        (esc.tension, esc.crisis, esc.violence, esc.armed_conflict))
    esc.hysteresis = min(esc.hysteresis, esc.tension / 2)
    net.weight_min, net.weight_max = sorted((net.weight_min, net.weight_max))
    dyn.restraint_mean = min(dyn.restraint_mean, 1 / params.dt_weeks)
    return params


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=whole_configurations())
def test_all_fields_at_once(params):
    check_run(params)


def test_every_field_is_drawn():
    """No field escapes these tests (nor a field added later)."""
    names = set(FIELDS)
    assert {"dynamics.reaction", "policy.instruments[0].delay_days",
            "instruments.envoy.base_rate", "record.memory_limit_gb"} <= names
    for name in names:
        owner, f, hint = leaves(base_params())[name]
        strategy(name, f, hint)  # raises if a field has no finite range
