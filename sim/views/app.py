"""The PrevSim dashboard: ``solara run sim/views/app.py`` (or ``make dashboard``).

A Mesa SolaraViz page for trainers and students: the network of parties coloured by
escalation level with their regions and the envoys deployed, the parties per level over
time with warnings, actions and the warning-to-action gap, the outcomes so far, and a
**Compare** tab that runs the same seed twice with two delays (or two policies) side by
side. How to use it: ``docs/dashboard.md``.

Design:

* Every control is generated from the parameter dataclasses (``sim.core.params``): default,
  label, unit, valid range and help come from the fields' metadata; only the slider's
  practical span is chosen here (:data:`CONTROLS`). Scenario and policy choices are the
  files in ``configs/scenario/`` and ``configs/policy/``.
* :class:`DashboardModel` is a ``ConflictModel`` built from simple keyword arguments
  (``scenario_name="calm", policy="envoy", policy__response_delay_days=30, seed=3``) through
  ``sim.compose``, exactly as the command line builds parameters; that is what
  SolaraViz's Reset and ``mesa.batch_run`` call. A control left at its starting value
  follows the chosen scenario and policy; a control that was moved overrides them.
* Each visitor gets their own model: it is built inside the page component
  (``solara.use_memo``), never at module level.
* Drawing is the slow part, not the model: the network is laid out once per network
  and drawn once; each week only the parties' colours and the envoy markers are redrawn
  over a saved background (``sim.views.timeline``).
"""

from __future__ import annotations

import dataclasses
import html
import logging
import math
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import reacton.core
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from sim.core import metrics
from sim.core.model import ConflictModel
from sim.core.params import Params
from sim.views.timeline import NetworkPainter, TimelinePainter, action_weeks, envoys_now

__all__ = ["CONTROLS", "DashboardModel", "Page", "compare_runs", "model_params",
           "new_visitor_model"]

for _name in ("MESA", "mesa"):  # Mesa logs every step at INFO
    logging.getLogger(_name).setLevel(logging.WARNING)

#: The policy the dashboard opens with: one that acts, so the warning-to-action gap is
#: visible at once (the command line's default is ``none``, the counterfactual).
START_POLICY = "envoy"
#: Milliseconds between weeks when playing (SolaraViz's sidebar can change it).
PLAY_INTERVAL_MS = 10
#: Colours of the live pictures' PNG palette: a third of the bytes of full colour.
PNG_COLOURS = 256


@dataclass(frozen=True)
class Control:
    """A slider for one parameter: its practical span; everything else is metadata."""

    name: str                 # dotted parameter name, e.g. "dynamics.reaction"
    lo: float | None = None   # practical span (within the field's ge/le bounds)
    hi: float | None = None
    step: float | None = None


#: The sliders, in sidebar order (scenario and policy selects come first).
CONTROLS: tuple[Control, ...] = (
    Control("policy.response_delay_days", 0, 365, 1),
    Control("un.warning_threshold", 0.5, 2.5, 0.05),
    Control("regional.warning_threshold", 0.5, 2.5, 0.05),
    Control("seed", 0, 999, 1),
    Control("network.n_parties", 10, 500, 10),
    Control("horizon_weeks", 26, 520, 26),
    Control("dynamics.reaction", 0, 0.6, 0.01),
    Control("dynamics.noise_sd", 0, 0.4, 0.01),
    Control("dynamics.mobilisation", 0, 1.0, 0.01),
)

#: Outcomes shown, with their labels (keys of ``sim.core.metrics.outcomes``).
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("armed_conflict", "Armed conflict (a party at level 4)"),
    ("parties_in_violence", "Parties reaching violence"),
    ("violence_party_weeks", "Party-weeks of violence"),
    ("warnings", "Warnings"),
    ("warnings_false_alarm", "… of which false alarms"),
    ("crises_answered", "Crises answered"),
    ("first_warning_week", "First warning (week)"),
    ("first_action_week", "First action (week)"),
    ("warning_to_action_weeks", "Mean warning-to-action gap (weeks)"),
    ("agreements", "Agreements"),
    ("relapses", "Relapses"),
    ("intervention_cost_usd", "Intervention cost"),
    ("conflict_cost_usd", "Conflict cost"),
    ("total_cost_usd", "Total cost"),
)

_COMPOSE_LOCK = threading.Lock()

try:  # page title, and no "runs on Solara" banner over the outcomes (read per request)
    import solara.server.settings as _server_settings

    _server_settings.theme.title = "PrevSim dashboard"
    _server_settings.theme.show_banner = False
    _server_settings.telemetry.mixpanel_enable = False  # no calls out (offline rooms)
except ImportError:  # pragma: no cover - solara without its server
    pass  # Hydra's config loader is not known to be thread-safe


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
    """The dataclass field of a dotted parameter name and its value in ``params``."""
    node: Any = params if params is not None else baseline()
    *path, leaf = dotted.split(".")
    for part in path:
        node = getattr(node, part)
    fields = {f.name: f for f in dataclasses.fields(node)}
    if leaf not in fields:
        raise KeyError(f"{dotted} is not a parameter of sim.params")
    return fields[leaf], getattr(node, leaf)


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
    if name.startswith("n_"):
        text, unit = "number of " + name[2:], "-"
    else:
        text = name.replace("_", " ")
    prefix = _SECTION.get(path[0], path[0] + " ") if path else ""
    text = prefix + text if prefix else text
    text = text[0].upper() + text[1:]
    return text if unit in ("-", "", None) else f"{text} ({unit})"


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
    """SolaraViz ``model_params``: scenario and policy selects, then :data:`CONTROLS`.

    Keys are :class:`DashboardModel` keyword arguments (dots written ``__``)."""
    base = baseline()
    out: dict[str, dict] = {
        "scenario_name": {"type": "Select", "value": base.scenario.name,
                          "values": choices("scenario"), "label": "Scenario"},
        "policy": {"type": "Select", "value": base.policy.name,
                   "values": choices("policy"), "label": "Policy"},
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


# ------------------------------------------------------------------ the model
class DashboardModel(ConflictModel):
    """A :class:`~sim.core.model.ConflictModel` built from simple keyword arguments.

    Args:
        scenario_name, policy: names of ``configs/scenario/`` and ``configs/policy/``
            files (``None``: the dashboard's start, :func:`baseline`).
        scenario: a scenario name, or the ``mesa.experimental`` Scenario object that
            SolaraViz passes on Reset (ignored: PrevSim's scenarios are config files).
        rng: a seed (int) or numpy Generator/SeedSequence, as Mesa passes it.
        exact: names of controls applied even at their starting value (the compare view
            uses it so that "delay 7 days" means 7 days whatever the policy).
        **controls: parameters, dots written ``__`` (``policy__response_delay_days=30``,
            ``dynamics__reaction=0.25``, ``seed=3``). A value equal to the control's
            starting value (:func:`start_value`) is left to the scenario and policy, so
            choosing a scenario is not undone by sliders nobody touched.

    The parameters are composed by ``sim.compose`` from Hydra override strings, exactly
    as ``python -m sim`` builds them (``self.overrides`` holds them). Stepping past the
    horizon is a no-op; ``running`` turns false at the horizon (SolaraViz then stops).
    """

    def __init__(self, scenario_name: str | None = None, policy: str | None = None, *,
                 scenario=None, rng=None, exact: tuple[str, ...] = (), **controls):
        # Mesa 3.5's SolaraViz passes its own ``scenario`` (a mesa.experimental Scenario
        # object) on Reset; PrevSim's scenario is a config name, so it is
        # ``scenario_name`` (a plain string ``scenario`` is accepted as well).
        if scenario_name is None and isinstance(scenario, str):
            scenario_name = scenario
        self.dashboard_kwargs = {"scenario_name": scenario_name, "policy": policy, **controls}
        overrides = [f"scenario={scenario_name}"] if scenario_name else []
        overrides.append(f"policy={policy or START_POLICY}")
        applied: dict[str, Any] = {}
        for key, value in controls.items():
            dotted = key.replace("__", ".")
            try:
                unmoved = _same(value, start_value(dotted))
            except (KeyError, AttributeError):
                unmoved = False  # not a parameter: let compose name it
            if unmoved and dotted not in exact:
                continue
            applied[dotted] = value
            overrides.append(f"{dotted}={_hydra_value(value)}")
        self.overrides = tuple(overrides)
        self.applied = applied
        self.lock = threading.RLock()
        self.render_context = None  # set by the page that shows this model
        super().__init__(_compose(self.overrides), rng=rng)

    def _wait_for_render(self, timeout: float = 2.0) -> None:
        """Let a render of the page in progress on another thread finish first.

        SolaraViz's Play steps the model in a thread. If that thread changed the model
        while the page renders on the thread that handled the click, the render would
        start over and over, and nothing would reach the browser until Play stopped.
        Waiting here makes Play show every week (each later week is then rendered by the
        stepping thread itself), at the speed of rendering.
        """
        rc = self.render_context
        lock = getattr(rc, "thread_lock", None)
        if lock is None or getattr(rc, "_lock_thread", None) is threading.current_thread():
            return
        deadline = time.monotonic() + timeout
        while lock.locked() and time.monotonic() < deadline:
            time.sleep(0.005)

    def step(self) -> None:
        self._wait_for_render()
        with self.lock:
            if self.steps > self.n_steps:  # already at the horizon
                self.steps = self.n_steps
                self.running = False
                return
            super().step()
            if self.steps >= self.n_steps:
                self.running = False

    def advance(self, weeks: int | None = None) -> None:
        """Step ``weeks`` weeks (default: to the horizon)."""
        with self.lock:
            todo = self.n_steps - self.steps if weeks is None else weeks
            for _ in range(max(0, todo)):
                if not self.running:
                    break
                self.step()


def new_visitor_model() -> DashboardModel:
    """A fresh model at the dashboard's starting values (one per visitor)."""
    return DashboardModel(**{k: v["value"] for k, v in model_params().items()})


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


def compare_runs(model: DashboardModel, mode: str, a: Any, b: Any
                 ) -> tuple[DashboardModel, DashboardModel]:
    """The current settings run twice to the horizon with the same seed.

    ``mode`` is ``"delay"`` (``a``, ``b``: response delays in days, applied exactly) or
    ``"policy"`` (``a``, ``b``: policy names)."""
    base = dict(model.dashboard_kwargs)
    base["seed"] = int(model.params.seed)
    runs = []
    for value in (a, b):
        kwargs = dict(base)
        if mode == "delay":
            kwargs["policy__response_delay_days"] = float(value)
            exact = ("policy.response_delay_days", "seed")
        elif mode == "policy":
            kwargs["policy"] = value
            exact = ("seed",)
        else:
            raise ValueError(f"mode must be 'delay' or 'policy', not {mode!r}")
        run = DashboardModel(exact=exact, **kwargs)
        run.advance()
        runs.append(run)
    return runs[0], runs[1]


# ------------------------------------------------------------------ formatting
def _fmt(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if key.endswith("_usd"):
        return ("−" if value < 0 else "") + f"${abs(value) / 1e6:,.1f}M"
    if key == "armed_conflict":
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.1f}"
    return str(value)


def outcomes_html(columns: dict[str, dict], diff: bool = False) -> str:
    """An HTML table of outcomes, one column per run (``data-key`` on each cell)."""
    names = list(columns)
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    if diff:
        head += "<th>B − A</th>"
    rows = []
    for key, label in OUTCOMES:
        cells = "".join(
            f'<td data-key="{key}" data-run="{i}">{_fmt(key, columns[n].get(key))}</td>'
            for i, n in enumerate(names))
        if diff and len(names) == 2:
            x, y = columns[names[0]].get(key), columns[names[1]].get(key)
            ok = all(isinstance(v, (int, float)) and not math.isnan(v) for v in (x, y))
            d = (y - x) if ok else None
            if d is None:
                text = "–"
            elif key == "armed_conflict":
                text = f"{int(d):+d}" if d else "0"
            else:
                text = ("+" if d > 0 else "") + _fmt(key, d)
            cells += f'<td data-key="{key}" data-run="diff">{text}</td>'
        rows.append(f"<tr><th scope='row'>{html.escape(label)}</th>{cells}</tr>")
    return (f"<table class='prevsim-outcomes'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


CSS = """
.prevsim-outcomes { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
.prevsim-outcomes th, .prevsim-outcomes td { padding: 2px 8px; border-bottom: 1px solid #e4e4e4;
  text-align: right; white-space: nowrap; }
.prevsim-outcomes th[scope=row] { text-align: left; font-weight: normal; white-space: normal; }
.prevsim-week { font-size: 1.35rem; font-weight: 600; }
.prevsim-sub { color: #555; font-size: 0.92rem; }
.prevsim-caption { display: block; font-size: 0.9rem; color: #08306b; margin-bottom: 4px; }
.prevsim-help dt { font-weight: 600; margin-top: 0.5em; }
.prevsim-help dd { margin-left: 1em; }
.solara-image { max-width: 100%; height: auto; }
"""


# ------------------------------------------------------------------ components
@dataclass
class Snapshot:
    """What a frame shows, copied under the model's lock."""

    week: float
    levels: np.ndarray
    history: np.ndarray
    weeks: np.ndarray
    crises: Any
    actions: np.ndarray
    envoys: list
    outcomes: dict


def snapshot(model: DashboardModel) -> Snapshot:
    with model.lock:
        return Snapshot(week=float(model.week), levels=model.state.level.copy(),
                        history=model.level_history, weeks=model.weeks.copy(),
                        crises=model.crises, actions=action_weeks(model, model.events),
                        envoys=envoys_now(model), outcomes=metrics.outcomes(model))


@solara.component
def NetworkView(model: DashboardModel, snap: Snapshot):
    painter = solara.use_memo(lambda: NetworkPainter(model, width=4.2, height=4.2, dpi=100,
                                                     title=False, fontsize=9), [model])
    painter.update(snap.levels, snap.envoys, snap.week)
    solara.Text(painter.caption, classes=["prevsim-caption"])
    solara.Image(painter.png(colors=PNG_COLOURS), width="100%", classes=["prevsim-network"])


@solara.component
def TimelineView(model: DashboardModel, snap: Snapshot | None = None, *,
                 classes: list[str] | None = None, width: float = 5.8, height: float = 3.8):
    painter = solara.use_memo(lambda: TimelinePainter(model, width=width, height=height,
                                                      dpi=100, title="", legend="bottom",
                                                      gap_text=False, fontsize=9),
                              [model, width, height])
    if snap is None:  # a finished run
        painter.update()
    else:
        painter.update(levels=snap.history, weeks=snap.weeks, crises=snap.crises,
                       actions=snap.actions, now=snap.week)
    solara.Text(painter.summary, classes=["prevsim-caption", "prevsim-gap"])
    solara.Image(painter.png(colors=PNG_COLOURS), width="100%",
                 classes=classes or ["prevsim-timeline"])


@solara.component
def ExploreView(model: DashboardModel):
    update_counter.get()  # re-render after every step (SolaraViz's counter)
    model.render_context = reacton.core.get_render_context()
    snap = snapshot(model)

    def run_to_end():
        model.advance()
        force_update()

    def advance_10():
        model.advance(10)
        force_update()

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text(f"Week {snap.week:g} of {model.params.horizon_weeks}",
                    classes=["prevsim-week"])
        solara.Button("+10 weeks", on_click=advance_10, disabled=not model.running,
                      outlined=True, classes=["prevsim-advance"])
        solara.Button("Run to the end", on_click=run_to_end, disabled=not model.running,
                      outlined=True, classes=["prevsim-run-to-end"])
    solara.Text(describe(model.params), classes=["prevsim-sub"])
    solara.Text(settings_line(model.params), classes=["prevsim-sub"])
    with solara.ColumnsResponsive(default=12, large=[5, 7]):
        with solara.Card("Network", margin=0):
            NetworkView(model, snap)
        with solara.Column(gap="12px"):
            with solara.Card("Parties per level, warnings and actions", margin=0):
                TimelineView(model, snap)
            with solara.Card("Outcomes so far", margin=0):
                solara.HTML(tag="div", unsafe_innerHTML=outcomes_html(
                    {"this run": snap.outcomes}), classes=["prevsim-outcomes-now"])


@solara.component
def CompareView(model: DashboardModel):
    mode = solara.use_reactive("delay")
    delay_a = solara.use_reactive(int(round(effective_delay(model.params))))
    delay_b = solara.use_reactive(60 if effective_delay(model.params) != 60 else 120)
    policy_a = solara.use_reactive(model.params.policy.name)
    policy_b = solara.use_reactive("none")
    request = solara.use_reactive(None)

    def run():
        if mode.value == "delay":
            request.set(("delay", delay_a.value, delay_b.value))
        else:
            request.set(("policy", policy_a.value, policy_b.value))

    # Run once on arrival, with the defaults, so the tab is never empty.
    solara.use_effect(lambda: run() if request.value is None else None, [])
    seed = int(model.params.seed)
    policies = choices("policy")
    with solara.Card("Compare two responses on the same world (same seed)", margin=0):
        solara.Text("Both runs use the sidebar's settings and seed "
                    f"{seed}: the same network, shocks and noise. Only the response "
                    "differs.", classes=["prevsim-sub"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.ToggleButtonsSingle(value=mode, values=["delay", "policy"])
            if mode.value == "delay":
                with solara.Column(style={"min-width": "300px"}):
                    solara.SliderInt(f"Delay A: {delay_a.value} days", value=delay_a, min=0,
                                     max=365)
                    solara.SliderInt(f"Delay B: {delay_b.value} days", value=delay_b, min=0,
                                     max=365)
            else:
                solara.Select("Policy A", value=policy_a, values=policies)
                solara.Select("Policy B", value=policy_b, values=policies)
            solara.Button("Run both", on_click=run, color="primary",
                          classes=["prevsim-compare-run"])

    def compute():
        if request.value is None:
            return None
        kind, a, b = request.value
        return compare_runs(model, kind, a, b)

    result = solara.use_memo(compute, [model, request.value])
    if result is None:
        return
    run_a, run_b = result
    kind = request.value[0]
    names = []
    for tag, run_ in (("A", run_a), ("B", run_b)):
        if kind == "delay":
            names.append(f"{tag}: delay {effective_delay(run_.params):g} days")
        else:
            names.append(f"{tag}: {run_.params.policy.name}")
    with solara.ColumnsResponsive(default=12, large=[6, 6]):
        for name, run_ in zip(names, (run_a, run_b)):
            with solara.Card(name, margin=0):
                solara.Text(describe(run_.params), classes=["prevsim-sub"])
                TimelineView(run_, classes=["prevsim-compare-timeline"], width=4.6,
                             height=3.8)
    with solara.Card("Outcomes of both runs", margin=0):
        solara.HTML(tag="div", unsafe_innerHTML=outcomes_html(
            {names[0]: metrics.outcomes(run_a), names[1]: metrics.outcomes(run_b)},
            diff=True), classes=["prevsim-outcomes-compare"])


@lru_cache(maxsize=4)
def descriptions(group: str) -> dict[str, str]:
    """The one-line description of each ``configs/<group>/*.yaml`` (as written there)."""
    import yaml

    from sim.config import config_dir

    out = {}
    for path in sorted((config_dir() / group).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        node = data.get(group, data) if isinstance(data.get(group), dict) else data
        out[path.stem] = str(node.get("description", "") or "")
    default = getattr(Params(), "scenario" if group == "scenario" else "policy").description
    return {name: text or default for name, text in out.items()}


def _choice_list(group: str) -> str:
    return "<ul>" + "".join(f"<li><b>{html.escape(name)}</b>: {html.escape(text)}</li>"
                            for name, text in descriptions(group).items()) + "</ul>"


@solara.component
def ControlsHelp():
    """What each control means: the help text of its parameter's metadata."""
    items = ["<dt>Scenario</dt><dd>A stylised case (configs/scenario/)."
             + _choice_list("scenario") + "</dd>",
             "<dt>Policy</dt><dd>The international response (configs/policy/): a list "
             "of instruments, each with a trigger and a delay." + _choice_list("policy")
             + "</dd>"]
    for control in CONTROLS:
        f, _ = field_of(control.name)
        items.append(f"<dt>{html.escape(label_of(control.name))} "
                     f"<code>{control.name}</code></dt>"
                     f"<dd>{html.escape(f.metadata.get('help', ''))} "
                     f"Starts at {start_value(control.name)}.</dd>")
    items.append("<dt>Rule</dt><dd>A control left at its starting value follows the "
                 "scenario and policy you choose; a control you moved overrides them. "
                 "Press <b>Reset</b> to build the model with the new values.</dd>")
    solara.HTML(tag="dl", unsafe_innerHTML="".join(items), classes=["prevsim-help"])


@solara.component
def Main(model: solara.Reactive):
    tab = solara.use_reactive(0)
    solara.Style(CSS)
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab("Explore"):
            if tab.value == 0:
                ExploreView(model.value)
        with solara.lab.Tab("Compare"):
            if tab.value == 1:
                CompareView(model.value)
        with solara.lab.Tab("Controls explained"):
            if tab.value == 2:
                ControlsHelp()


@solara.component
def Page():
    """One visitor's page: their own model, SolaraViz's sidebar, and the views."""
    initial = solara.use_memo(new_visitor_model, [])
    model = solara.use_reactive(initial)
    SolaraViz(model, components=[], model_params=model_params(),
              name="PrevSim: preventive diplomacy", play_interval=PLAY_INTERVAL_MS,
              render_interval=1)
    Main(model)
