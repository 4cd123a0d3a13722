"""The dashboard's controls and settings, as plain Python (no Solara): testable alone.

Every control is generated from the parameter dataclasses (``sim.params``): default,
label, unit, valid range and help come from the fields' metadata; only the slider's
practical span is chosen here (:data:`CONTROLS`). Scenario and policy choices are the
files in ``configs/scenario/`` and ``configs/policy/``. Parameters are built by
``sim.compose``, exactly as the command line builds them.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sim.core.params import Params

__all__ = ["CONTROL", "CONTROLS", "START_POLICY", "Control", "baseline", "check_value",
           "choices", "describe", "effective_delay", "field_of", "label_of", "model_params",
           "settings_line", "start_value"]

#: The policy the dashboard opens with: one that acts, so the warning-to-action gap is
#: visible at once (the command line's default is ``none``, the counterfactual).
START_POLICY = "envoy"
@dataclass(frozen=True)
class Control:
    """A slider for one parameter: its practical span and its name in plain words;
    everything else (default, unit, valid range, help) is the field's metadata."""

    name: str                 # dotted parameter name, e.g. "dynamics.reaction"
    lo: float | None = None   # practical span (within the field's ge/le bounds)
    hi: float | None = None
    step: float | None = None
    words: str | None = None  # the label in plain words (the unit is added from metadata)


#: The sliders, in sidebar order (scenario and policy selects come first).
CONTROLS: tuple[Control, ...] = (
    Control("policy.response_delay_days", 0, 365, 1,
            "Response delay: from the warning to the decision"),
    Control("un.warning_threshold", 0.5, 2.5, 0.05, "UN warns at hostility"),
    Control("regional.warning_threshold", 0.5, 2.5, 0.05,
            "Regional body warns at hostility"),
    Control("seed", 0, 999, 1, "World (seed)"),
    Control("network.n_parties", 10, 500, 10, "Number of parties"),
    Control("horizon_weeks", 26, 520, 26, "Length of the run"),
    Control("dynamics.reaction", 0, 0.6, 0.01, "Reaction to neighbours' hostility"),
    Control("dynamics.noise_sd", 0, 0.4, 0.01, "Random shocks"),
    Control("dynamics.mobilisation", 0, 1.0, 0.01, "Mobilisation: violence begets violence"),
)
#: Each control by its dotted name.
CONTROL = {c.name: c for c in CONTROLS}

_COMPOSE_LOCK = threading.Lock()  # Hydra's config loader is not known to be thread-safe

# ------------------------------------------------------------------ parameters
def _compose(overrides: tuple[str, ...]) -> Params:
    import sim

    with _COMPOSE_LOCK:
        return sim.compose(list(overrides))


@lru_cache(maxsize=1)
def baseline() -> Params:
    """The parameters the dashboard opens with (config defaults, :data:`START_POLICY`)."""
    return _compose((f"policy={START_POLICY}",))


def field_of(dotted: str, params: Params | None = None) -> tuple[dataclasses.Field, Any]:
    """The dataclass field of a dotted parameter name and its value in ``params``
    (default: the dashboard's start, :func:`baseline`)."""
    from sim.core.params import field_of as lookup

    return lookup(params if params is not None else baseline(), dotted)


def effective_delay(params: Params) -> float:
    """The delay the policy waits after its trigger: the override, else the first
    instrument's delay (0 for a policy without instruments)."""
    pol = params.policy
    if pol.response_delay_days is not None:
        return float(pol.response_delay_days)
    return float(pol.instruments[0].delay_days) if pol.instruments else 0.0


def start_value(dotted: str) -> Any:
    """A control's starting value (from :func:`baseline`, i.e. from ``sim.core.params`` and the
    configs); the response delay starts at the starting policy's own delay."""
    if dotted == "policy.response_delay_days":
        return effective_delay(baseline())
    return field_of(dotted)[1]


_SECTION = {"un": "UN ", "regional": "Regional ", "policy": "", "dynamics": "",
            "network": "", "escalation": "", "shocks": "", "history": ""}
_UNIT_SUFFIX = {"_days": "days", "_weeks": "weeks", "_usd": "USD"}


def label_of(dotted: str) -> str:
    """A readable label from the parameter name and its unit metadata."""
    f, _ = field_of(dotted)
    *path, name = dotted.split(".")
    unit = f.metadata.get("unit", "-")
    for suffix, word in _UNIT_SUFFIX.items():
        if name.endswith(suffix):
            name, unit = name[: -len(suffix)], word
    words = CONTROL[dotted].words if dotted in CONTROL else None
    if words:
        text = words
    elif name.startswith("n_"):
        text, unit = "number of " + name[2:], "-"
    else:
        text = name.replace("_", " ")
    prefix = _SECTION.get(path[0], path[0] + " ") if path and not words else ""
    text = prefix + text if prefix else text
    text = text[0].upper() + text[1:]
    bare = unit in ("-", "", None) or (words is not None and unit in words)
    return text if bare else f"{text} ({unit})"


def check_value(dotted: str, value: Any) -> str | None:
    """Why ``value`` is not allowed for the control ``dotted`` (naming the field, the
    value and the rule), or None if it is: the field's own bounds (``sim.core.params``)."""
    f, _ = field_of(dotted)
    meta = f.metadata
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f"{label_of(dotted)}: {dotted} needs a number"
    rules = (("ge", lambda v, b: v >= b, "≥"), ("gt", lambda v, b: v > b, ">"),
             ("le", lambda v, b: v <= b, "≤"), ("lt", lambda v, b: v < b, "<"))
    for key, ok, sign in rules:
        bound = meta.get(key)
        if bound is not None and not ok(value, bound):
            return (f"{label_of(dotted)}: {dotted} = {value:g} is not allowed; it must be "
                    f"{sign} {bound:g}")
    return None


def _bounds(f: dataclasses.Field, control: Control, value: float) -> tuple[float, float]:
    meta = f.metadata
    lo = control.lo if control.lo is not None else meta.get("ge", meta.get("gt")) or 0.0
    hi = control.hi if control.hi is not None else meta.get("le", meta.get("lt"))
    if meta.get("ge") is not None:
        lo = max(lo, meta["ge"])
    if meta.get("le") is not None and hi is not None:
        hi = min(hi, meta["le"])
    if hi is None:
        hi = max(1.0, 4 * abs(value))
    return min(lo, value), max(hi, value)  # the starting value is always reachable


def choices(group: str) -> list[str]:
    """Names of the ``configs/<group>/*.yaml`` files."""
    from sim.config import config_dir

    return sorted(p.stem for p in (config_dir() / group).glob("*.yaml"))


def model_params() -> dict[str, dict]:
    """The sidebar's settings (Mesa's ``model_params`` format): scenario, policy and
    resources (``configs/lever/``) selects, then :data:`CONTROLS`.

    Keys are :class:`DashboardModel` keyword arguments (dots written ``__``)."""
    base = baseline()
    out: dict[str, dict] = {
        "scenario_name": {"type": "Select", "value": base.scenario.name,
                          "values": choices("scenario"), "label": "Scenario"},
        "policy": {"type": "Select", "value": base.policy.name,
                   "values": choices("policy"), "label": "Policy"},
        "lever": {"type": "Select", "value": "baseline", "values": choices("lever"),
                  "label": "Resources and institutions"},
    }
    for control in CONTROLS:
        f, _ = field_of(control.name)
        value = start_value(control.name)
        is_int = isinstance(value, int) and not isinstance(value, bool)
        lo, hi = _bounds(f, control, value)
        out[control.name.replace(".", "__")] = {
            "type": "SliderInt" if is_int else "SliderFloat",
            "value": value,
            "label": label_of(control.name),
            "min": int(lo) if is_int else float(lo),
            "max": int(hi) if is_int else float(hi),
            "step": (int(control.step or 1) if is_int else float(control.step or 0.01)),
        }
    return out


def _hydra_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(float(value))
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not (
            isinstance(a, bool) or isinstance(b, bool)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def describe(params: Params) -> str:
    """One line on the run: scenario, policy and its delays, seed, size."""
    pol = params.policy
    if not pol.instruments:
        response = "no response"
    elif pol.response_delay_days is not None:
        response = f"every instrument {pol.response_delay_days:g} days after its trigger"
    else:
        response = "own delays: " + ", ".join(
            f"{s.kind.replace('_', ' ')} {s.delay_days:g} days" for s in pol.instruments)
    return (f"Scenario {params.scenario.name} · policy {pol.name} ({response}) · "
            f"seed {params.seed} · {params.network.n_parties} parties")


def settings_line(params: Params) -> str:
    """The values of the sliders' parameters in this run (sliders show no numbers)."""
    parts = []
    for control in CONTROLS:
        if control.name in ("seed", "network.n_parties", "policy.response_delay_days"):
            continue  # in describe()
        _, value = field_of(control.name, params)
        parts.append(f"{label_of(control.name).split(' (')[0]} {value:g}")
    return "This run: " + " · ".join(parts)


