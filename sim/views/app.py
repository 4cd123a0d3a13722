"""The PrevSim dashboard: ``solara run sim/views/app.py`` (or ``make dashboard``).

A Mesa SolaraViz page for trainers and students: the network of parties coloured by
escalation level with their regions and the envoys deployed, the parties per level over
time with warnings, actions and the warning-to-action gap, the outcomes so far, and a
**Compare** tab that runs the same seed twice with two delays (or two policies) side by
side. How to use it: ``docs/dashboard.md``.

Design:

* The controls (``sim.views.controls``) and the dashboard's model
  (``sim.views.dashboard``) are plain Python, tested without Solara; this module holds
  only the page's components.
* Each visitor gets their own model: it is built inside the page component
  (``solara.use_memo``), never at module level.
* Drawing is the slow part, not the model: the network is laid out once per network
  and drawn once; each week only the parties' colours and the envoy markers are redrawn
  over a saved background (``sim.views.timeline``).
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import reacton.core
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from sim.core import metrics
from sim.core.params import Params
from sim.views.controls import (
    CONTROLS,
    START_POLICY,
    baseline,
    choices,
    describe,
    effective_delay,
    field_of,
    label_of,
    model_params,
    settings_line,
    start_value,
)
from sim.views.dashboard import DashboardModel, compare_runs, new_visitor_model, outcomes_html
from sim.views.timeline import NetworkPainter, TimelinePainter, action_weeks, envoys_now

__all__ = ["CONTROLS", "START_POLICY", "DashboardModel", "Page", "baseline", "choices",
           "compare_runs", "effective_delay", "field_of", "model_params",
           "new_visitor_model"]

for _name in ("MESA", "mesa"):  # Mesa logs every step at INFO
    logging.getLogger(_name).setLevel(logging.WARNING)

#: Milliseconds between weeks when playing (SolaraViz's sidebar can change it).
PLAY_INTERVAL_MS = 10
#: Colours of the live pictures' PNG palette: a third of the bytes of full colour.
PNG_COLOURS = 256

try:  # page title, and no "runs on Solara" banner over the outcomes (read per request)
    import solara.server.settings as _server_settings

    _server_settings.theme.title = "PrevSim dashboard"
    _server_settings.theme.show_banner = False
    _server_settings.telemetry.mixpanel_enable = False  # no calls out (offline rooms)
except ImportError:  # pragma: no cover - solara without its server
    pass



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
