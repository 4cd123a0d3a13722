"""The PrevSim dashboard: ``solara run sim/views/app.py`` (or ``make dashboard``).

A page for trainers and students, built on Mesa's visualisation (its ``ModelController``
runs the model: Reset, ▶/❚❚, Step) and Solara:

* **Explore**: one world week by week — the network of parties coloured by escalation
  level with their regions and the envoys deployed, the parties per level over time with
  warnings, actions and the warning-to-action gap, the gap explained in its parts, and the
  outcomes so far.
* **Compare**: two settings (two delays, policies, resources or leads) on *many* seeded
  worlds — the mean difference with its interval as the headline, the distribution, and
  one typical world side by side on the same axes.
* **Delay curve**: outcome against delay for the chosen policy, with intervals.
* **Things to try**: guided what-ifs, one click each (``sim.views.lessons``).
* **Controls explained**: every setting's meaning, unit and starting value.

Design:

* The controls (``sim.views.controls``), the dashboard's model (``sim.views.dashboard``),
  the many-world computations (``sim.views.worlds``) and the lessons are plain Python,
  tested without Solara; this module holds only the page's components.
* The sidebar's settings are one reactive dict per visitor: Compare and the curve always
  use the settings as they are now; Reset builds the Explore world from them.
* Each visitor gets their own model: it is built inside the page component
  (``solara.use_memo``), never at module level.
* Drawing is the slow part, not the model: the network is laid out once per network
  and drawn once; each week only the parties' colours and the envoy markers are redrawn
  over a saved background (``sim.views.timeline``).
"""

from __future__ import annotations

import contextlib
import html
import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import reacton.core
import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import force_update, update_counter

from sim.core import metrics
from sim.core.params import Params
from sim.views.controls import (
    CONTROLS,
    START_POLICY,
    baseline,
    check_value,
    choices,
    describe,
    effective_delay,
    field_of,
    label_of,
    model_params,
    settings_line,
    start_value,
)
from sim.views.dashboard import (
    DashboardModel,
    compare_runs,
    gap_story,
    new_visitor_model,
    outcomes_html,
)
from sim.views.lessons import LESSONS, Lesson
from sim.views.timeline import (
    NetworkPainter,
    TimelinePainter,
    action_weeks,
    envoys_now,
    peak_above_stable,
)
from sim.views.worlds import (
    COMPARE_DELAYS,
    COMPARE_WORLDS,
    CURVE_DELAYS,
    CURVE_WORLDS,
    LEADS,
    compare_worlds,
    delay_curve,
    figure_compare,
    figure_curve,
    seeds_text,
    world_runs,
)

__all__ = ["CONTROLS", "START_POLICY", "DashboardModel", "Layout", "Page", "baseline",
           "choices", "compare_runs", "effective_delay", "field_of", "model_params",
           "new_visitor_model", "start_settings"]

for _name in ("MESA", "mesa"):  # Mesa logs every step at INFO
    logging.getLogger(_name).setLevel(logging.WARNING)
# Solara warns (12 lines, every page load) that a plain-http page on an address other
# than "localhost" gets a samesite=lax session cookie. That is what a training room's
# local server wants; the warning says nothing a trainer can act on.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https",
                        category=UserWarning)

#: Milliseconds between weeks when playing.
PLAY_INTERVAL_MS = 10
#: Colours of the live pictures' PNG palette: a third of the bytes of full colour.
PNG_COLOURS = 256
#: The most worlds a comparison or a curve may run from the page (a few minutes).
MAX_WORLDS = 200

try:  # page title, light theme, no "runs on Solara" banner (read per request)
    import solara.server.settings as _server_settings

    _server_settings.theme.title = "PrevSim dashboard"
    _server_settings.theme.show_banner = False
    # Light whatever the browser prefers: the page's colours are chosen for white.
    _server_settings.theme.variant = _server_settings.ThemeVariant.light
    _server_settings.telemetry.mixpanel_enable = False  # no calls out (offline rooms)
except ImportError:  # pragma: no cover - solara without its server
    pass


CSS = """
.prevsim-outcomes { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
.prevsim-outcomes th, .prevsim-outcomes td { padding: 2px 8px; border-bottom: 1px solid #e4e4e4;
  text-align: right; white-space: nowrap; }
.prevsim-outcomes th[scope=row] { text-align: left; font-weight: normal; white-space: normal; }
.prevsim-week { font-size: 1.35rem; font-weight: 600; }
.prevsim-sub { color: #424242; font-size: 0.92rem; }
.prevsim-caption { display: block; font-size: 0.95rem; color: #08306b; margin-bottom: 4px; }
.prevsim-headline { display: block; font-size: 1.15rem; font-weight: 600; color: #08306b;
  margin: 4px 0; }
.prevsim-verdict { display: block; font-size: 0.95rem; color: #222; }
.prevsim-gap-story { font-size: 0.95rem; color: #222; margin: 0; padding-left: 1.2em; }
.prevsim-gap-story li:first-child, .prevsim-gap-story li:last-child { list-style: none;
  margin-left: -1.2em; }
.prevsim-control-label { display: block; font-size: 0.88rem; color: #333; margin-top: 6px; }
.prevsim-error { color: #b00020; font-size: 0.85rem; }
.prevsim-pending { color: #8a4b00; font-size: 0.9rem; }
.prevsim-help dt { font-weight: 600; margin-top: 0.5em; }
.prevsim-help dd { margin-left: 1em; }
.prevsim-lesson p { margin: 0.3em 0; }
.solara-image { max-width: 100%; height: auto; }
.prevsim-network { max-width: 560px !important; display: block; margin: 0 auto; }
"""


def start_settings() -> dict[str, Any]:
    """The sidebar's settings a visitor starts with (:class:`DashboardModel` keywords)."""
    return {k: spec["value"] for k, spec in model_params().items()}


# ------------------------------------------------------------------ explore
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


def _image(png: bytes, classes: list[str]):
    solara.Image(png, width="100%", classes=classes)


@solara.component
def NetworkView(model: DashboardModel, snap: Snapshot):
    painter = solara.use_memo(lambda: NetworkPainter(model, width=4.2, height=4.2, dpi=100,
                                                     title=False, fontsize=9), [model])
    painter.update(snap.levels, snap.envoys, snap.week)
    solara.Text(painter.caption, classes=["prevsim-caption"])
    _image(painter.png(colors=PNG_COLOURS), ["prevsim-network"])


@solara.component
def TimelineView(model: DashboardModel, snap: Snapshot | None = None, *,
                 classes: list[str] | None = None, width: float = 5.8, height: float = 3.8,
                 ymax: float | None = None):
    painter = solara.use_memo(lambda: TimelinePainter(model, width=width, height=height,
                                                      dpi=100, title="", legend="bottom",
                                                      gap_text=False, fontsize=9, ymax=ymax),
                              [model, width, height, ymax])
    if snap is None:  # a finished run
        painter.update()
    else:
        painter.update(levels=snap.history, weeks=snap.weeks, crises=snap.crises,
                       actions=snap.actions, now=snap.week)
    solara.Text(painter.summary, classes=["prevsim-caption", "prevsim-gap"])
    _image(painter.png(colors=PNG_COLOURS), classes or ["prevsim-timeline"])


@solara.component
def GapStory(model: DashboardModel, week: float = -1.0, classes: list[str] | None = None):
    """The first gap in its parts, as a short list a trainer can read aloud (``week``:
    the week shown, so that the story is redrawn as the run advances)."""
    with getattr(model, "lock", contextlib.nullcontext()):  # a live model is locked
        lines = gap_story(model)
    if not lines:
        solara.Text("No crisis answered yet: the gap's parts appear with the first action.",
                    classes=["prevsim-sub"])
        return
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    solara.HTML(tag="ul", unsafe_innerHTML=items,
                classes=["prevsim-gap-story", *(classes or [])])


@solara.component
def ExploreView(model: DashboardModel):
    update_counter.get()  # re-render after every step (Mesa's counter)
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
    solara.Text("One world is an anecdote: the Compare tab runs the same question on many "
                "worlds.", classes=["prevsim-sub"])
    with solara.ColumnsResponsive(default=12, large=[5, 7]):
        with solara.Card("Network", margin=0):
            NetworkView(model, snap)
        with solara.Column(gap="12px"):
            with solara.Card("Parties per level, warnings and actions", margin=0):
                TimelineView(model, snap)
            with solara.Card("Why the gap is that long", margin=0):
                GapStory(model, snap.week)
    with solara.Card("Outcomes so far", margin=0):
        solara.HTML(tag="div", unsafe_innerHTML=outcomes_html({"this run": snap.outcomes}),
                    classes=["prevsim-outcomes-now"])


# ------------------------------------------------------------------ compare
#: What the Compare tab can vary, in words, and its two starting values.
COMPARE_MODES = {"delay": "Delay", "policy": "Policy", "lever": "Resources",
                 "lead": "Who leads"}


def compare_start(settings: dict) -> dict:
    """The Compare tab's starting choices for the visitor's settings."""
    return {"mode": "delay", "delay": tuple(int(d) for d in COMPARE_DELAYS),
            "policy": (settings.get("policy")
                                                          or START_POLICY, "none"),
            "lever": ("baseline", "more_envoys"), "lead": ("un", "regional_lead"),
            "worlds": COMPARE_WORLDS}


def _frozen(settings: dict) -> tuple:
    return tuple(sorted(settings.items()))


@solara.component
def WorldsInput(value: int, on_value, label: str, classes: list[str]):
    """A number of worlds, typed; out of range: an error naming the value and the rule."""
    error = solara.use_reactive(None)

    def set_worlds(n):
        if n is None or not 1 <= int(n) <= MAX_WORLDS:
            error.set(f"Worlds: {n} is not allowed; it must be between 1 and {MAX_WORLDS}")
            return
        error.set(None)
        on_value(int(n))

    solara.InputInt(label, value=int(value), on_value=set_worlds, classes=classes,
                    style={"max-width": "240px"})
    if error.value:
        solara.Text(error.value, classes=["prevsim-error"])


@solara.component
def ChoicePair(compare: solara.Reactive, mode: str):
    a, b = compare.value[mode]

    def setter(i):
        def set_(value):
            pair = list(compare.value[mode])
            pair[i] = value
            compare.set({**compare.value, mode: tuple(pair)})
        return set_

    if mode == "delay":
        for i, (tag, value) in enumerate((("A", a), ("B", b))):
            solara.InputInt(f"Delay {tag} (days)", value=int(value), on_value=setter(i),
                            classes=[f"prevsim-delay-{tag.lower()}"],
                            style={"max-width": "150px"})
        return
    values = {"policy": choices("policy"), "lever": choices("lever"),
              "lead": list(LEADS)}[mode]
    for i, (tag, value) in enumerate((("A", a), ("B", b))):
        solara.Select(f"{COMPARE_MODES[mode]} {tag}", value=value, values=values,
                      on_value=setter(i), style={"max-width": "260px"})


@solara.component
def CompareView(settings: solara.Reactive, compare: solara.Reactive,
                request: solara.Reactive):
    state = compare.value
    mode = state["mode"]
    n = int(state["worlds"])
    seed = int(settings.value.get("seed", 0))

    def run():
        a, b = compare.value[mode]
        request.set((_frozen(settings.value), mode, a, b, int(compare.value["worlds"]),
                     (request.value or (0,) * 6)[-1] + 1))

    def compute():
        if request.value is None:
            return None
        frozen, kind, a, b, worlds, _ = request.value

        def progress(done, total):
            task.progress = 100.0 * done / total

        comp = compare_worlds(dict(frozen), kind, a, b, worlds, progress=progress)
        return comp, world_runs(comp)

    task = solara.lab.use_task(compute, dependencies=[request.value])
    with solara.Card("Compare two responses on many worlds", margin=0):
        solara.Text("Both settings run on the same seeded worlds — the same network, "
                    "shocks and noise; only the response differs — with the sidebar's "
                    f"current settings, from its world (seed {seed}).",
                    classes=["prevsim-sub", "prevsim-compare-note"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="12px"):
            words = {label: key for key, label in COMPARE_MODES.items()}
            solara.ToggleButtonsSingle(
                value=COMPARE_MODES[mode], values=list(words),
                on_value=lambda m: compare.set({**compare.value, "mode": words[m]}),
                classes=["prevsim-compare-mode"])
            ChoicePair(compare, mode)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="12px"):
            WorldsInput(n, lambda k: compare.set({**compare.value, "worlds": k}),
                        "Worlds (seeded runs of each)", ["prevsim-worlds"])
            solara.Text(f"worlds {seeds_text(range(seed, seed + n))}",
                        classes=["prevsim-sub", "prevsim-compare-seeds"])
            solara.Button(f"Run both on {n} worlds", on_click=run, color="primary",
                          classes=["prevsim-compare-run"])
    if task.pending:
        solara.ProgressLinear(task.progress if task.progress else True)
        solara.Text("Running…", classes=["prevsim-sub"])
    if not task.finished or task.value is None:
        if request.value is None:
            solara.Text("Press the button to run both settings.", classes=["prevsim-sub"])
        return
    comp, (run_a, run_b) = task.value
    with solara.Card(margin=0):
        solara.Text(comp.headline(), classes=["prevsim-headline"])
        solara.Text(comp.verdict() + " Intervals: 95%, paired bootstrap over the worlds.",
                    classes=["prevsim-verdict"])
        _image(_png(figure_compare(comp)), ["prevsim-compare-worlds"])
    solara.Text(comp.typical_text(), classes=["prevsim-caption", "prevsim-typical"])
    top = max(peak_above_stable(run_a), peak_above_stable(run_b))
    with solara.ColumnsResponsive(default=12, large=[6, 6]):
        for tag, name, run_ in (("A", comp.names[0], run_a), ("B", comp.names[1], run_b)):
            with solara.Card(f"{tag}: {name} (world {comp.typical_seed})", margin=0):
                solara.Text(describe(run_.params), classes=["prevsim-sub"])
                TimelineView(run_, classes=["prevsim-compare-timeline"], width=4.6,
                             height=3.8, ymax=top)
                GapStory(run_, classes=["prevsim-compare-gap"])
    with solara.Card(f"Outcomes: means over the {comp.n} worlds", margin=0):
        solara.HTML(tag="div", unsafe_innerHTML=_worlds_table(comp),
                    classes=["prevsim-outcomes-compare"])


def _png(fig) -> bytes:
    from sim.views.timeline import figure_bytes

    return figure_bytes(fig, "png", dpi=100)


def _worlds_table(comp) -> str:
    head = (f"<th>A: {html.escape(comp.names[0])}</th><th>B: {html.escape(comp.names[1])}"
            "</th><th>B − A</th><th>95% interval</th>")
    rows = []
    for i, (label, a, b, d, ci) in enumerate(comp.table_rows()):
        cells = "".join(f'<td data-run="{r}">{html.escape(x)}</td>'
                        for r, x in (("0", a), ("1", b), ("diff", d), ("interval", ci)))
        rows.append(f"<tr data-row='{i}'><th scope='row'>{html.escape(label)}</th>"
                    f"{cells}</tr>")
    return (f"<table class='prevsim-outcomes'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


# ------------------------------------------------------------------ the curve
@solara.component
def CurveView(settings: solara.Reactive, worlds: solara.Reactive, request: solara.Reactive):
    seed = int(settings.value.get("seed", 0))
    policy = settings.value.get("policy") or START_POLICY

    def compute():
        if request.value is None:
            return None
        frozen, n, _ = request.value

        def progress(done, total):
            task.progress = 100.0 * done / total

        return delay_curve(dict(frozen), CURVE_DELAYS, n, progress=progress)

    task = solara.lab.use_task(compute, dependencies=[request.value])
    with solara.Card("Outcome against delay", margin=0):
        solara.Text(f"Policy {policy} (the sidebar's) at delays of "
                    f"{', '.join(f'{d:g}' for d in CURVE_DELAYS)} days after the warning, "
                    "and no response, on the same worlds with the sidebar's settings.",
                    classes=["prevsim-sub"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="12px"):
            WorldsInput(worlds.value, worlds.set, "Worlds (seeded runs of each delay)",
                        ["prevsim-curve-worlds"])
            n = int(worlds.value)
            solara.Text(f"worlds {seeds_text(range(seed, seed + n))}", classes=["prevsim-sub"])
            solara.Button(f"Draw the curve on {n} worlds", color="primary",
                          classes=["prevsim-curve-run"],
                          on_click=lambda: request.set(
                              (_frozen(settings.value), int(worlds.value),
                               (request.value or (0, 0, 0))[-1] + 1)))
    if task.pending:
        solara.ProgressLinear(task.progress if task.progress else True)
    if not task.finished or task.value is None:
        return
    curve = task.value
    with solara.Card(margin=0):
        solara.Text(curve.trend_text(), classes=["prevsim-headline", "prevsim-trend"])
        _image(_png(figure_curve(curve)), ["prevsim-curve"])


# ------------------------------------------------------------------ lessons, help
@solara.component
def LessonsView(on_try):
    solara.Markdown("Each what-if sets the sidebar and the Compare tab, and runs both "
                    "settings on the lesson's worlds. The world each opens on is one whose "
                    "own picture agrees with the average (tested).")
    for lesson in LESSONS:
        with solara.Card(lesson.title, margin=0, classes=["prevsim-lesson"]):
            solara.HTML(tag="div", unsafe_innerHTML=(
                f"<p><b>Ask:</b> {html.escape(lesson.question)}</p>"
                f"<p><b>Look at:</b> {html.escape(lesson.look_for)}</p>"
                f"<p class='prevsim-sub'>From the report: {html.escape(lesson.source)}. "
                f"Worlds {seeds_text(range(lesson.seed, lesson.seed + lesson.worlds))}.</p>"))
            solara.Button(f"Try it: {lesson.title}", color="primary",
                          on_click=lambda lesson=lesson: on_try(lesson),
                          classes=[f"prevsim-lesson-{lesson.key}"])


@lru_cache(maxsize=4)
def descriptions(group: str) -> dict[str, str]:
    """The one-line description of each ``configs/<group>/*.yaml`` (as written there;
    for levers, the file's first comment)."""
    import yaml

    from sim.config import config_dir

    out = {}
    for path in sorted((config_dir() / group).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        node = data.get(group, data) if isinstance(data.get(group), dict) else data
        lines = [line for line in text.splitlines() if "@package" not in line]
        first = [line.lstrip("# ").strip() for line in
                 lines[:next((i for i, line in enumerate(lines) if not line.startswith("#")),
                             len(lines))]]
        comment = " ".join(first)
        out[path.stem] = str(node.get("description", "") or comment)
    if group in ("scenario", "policy"):
        default = getattr(Params(), group).description
        out = {name: text or default for name, text in out.items()}
    return out


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
             + "</dd>",
             "<dt>Resources and institutions</dt><dd>The envoys, attention, funds and "
             "partnerships the responders have (configs/lever/)." + _choice_list("lever")
             + "</dd>"]
    for control in CONTROLS:
        f, _ = field_of(control.name)
        items.append(f"<dt>{html.escape(label_of(control.name))} "
                     f"<code>{control.name}</code></dt>"
                     f"<dd>{html.escape(f.metadata.get('help', ''))} "
                     f"Starts at {start_value(control.name)}.</dd>")
    items.append("<dt>Rule</dt><dd>A control left at its starting value follows the "
                 "scenario and policy you choose; a control you moved overrides them. "
                 "Press <b>Reset</b> to build the Explore world with the new values; "
                 "Compare and the curve use the sidebar as it is.</dd>"
                 "<dt>Reset, ▶, Step</dt><dd>Mesa's controller: Reset builds the world, ▶ "
                 "plays it week by week (❚❚ pauses), Step advances one week. <i>Weeks per "
                 "picture</i> draws the page every so many weeks while playing.</dd>")
    solara.HTML(tag="dl", unsafe_innerHTML="".join(items), classes=["prevsim-help"])


# ------------------------------------------------------------------ sidebar
@solara.component
def ValueControl(settings: solara.Reactive, key: str, spec: dict):
    """A setting with its value always shown: a slider and a number input beside it
    (the seed: a number input only, with a button for the next world)."""
    error = solara.use_reactive(None)
    refused = solara.use_reactive(0)  # a refused value is not left in the input
    dotted = key.replace("__", ".")
    value = settings.value.get(key, spec["value"])
    is_int = spec["type"] == "SliderInt"

    def set_value(new):
        problem = check_value(dotted, new)
        if problem is not None:
            error.set(problem)
            refused.set(refused.value + 1)
            return
        error.set(None)
        settings.set({**settings.value, key: int(new) if is_int else float(new)})

    solara.Text(spec["label"], classes=["prevsim-control-label"])
    # keyed by the refusals: a refused value is not left in the input (a new one is drawn)
    with solara.Row(style={"align-items": "center"}, gap="8px",
                    classes=["prevsim-control", f"prevsim-control-{key}"]
                    ).key(f"{key}-{refused.value}"):
        if key == "seed":
            solara.InputInt("", value=int(value), on_value=set_value,
                            classes=["prevsim-input-seed"], style={"max-width": "120px"})
            solara.Button("Next world", on_click=lambda: set_value(int(value) + 1),
                          outlined=True, small=True, classes=["prevsim-next-world"])
        else:
            slider = solara.SliderInt if is_int else solara.SliderFloat
            with solara.Column(style={"flex": "1 1 auto", "min-width": "150px"}):
                slider("", value=min(max(value, spec["min"]), spec["max"]),
                       on_value=set_value, min=spec["min"], max=spec["max"],
                       step=spec["step"])
            number = solara.InputInt if is_int else solara.InputFloat
            number("", value=value, on_value=set_value, classes=[f"prevsim-input-{key}"],
                   style={"max-width": "90px"})
    if error.value:
        solara.Text(error.value, classes=["prevsim-error"])


@solara.component
def Sidebar(model: solara.Reactive, settings: solara.Reactive, frames: solara.Reactive):
    specs = model_params()
    with solara.Card("Run", margin=0):
        solara.Text("Reset builds the world from the settings below; ▶ plays it week by "
                    "week (❚❚ pauses); Step advances one week.", classes=["prevsim-sub"])
        ModelController(model, model_parameters=settings,
                        play_interval=solara.use_reactive(PLAY_INTERVAL_MS),
                        render_interval=frames, use_threads=solara.use_reactive(False))
        solara.Text("Weeks per picture while playing", classes=["prevsim-control-label"])
        with solara.Row(style={"align-items": "center"}, gap="8px"):
            with solara.Column(style={"flex": "1 1 auto"}):
                solara.SliderInt("", value=frames, min=1, max=26)
            solara.Text(f"{frames.value}", classes=["prevsim-frames"])
        pending = {k: v for k, v in settings.value.items()
                   if model.value.dashboard_kwargs.get(k, specs.get(k, {}).get("value")) != v}
        if pending:
            solara.Text("Settings changed since the last Reset: press Reset to run them in "
                        "Explore (Compare and the curve use them already).",
                        classes=["prevsim-pending"])
    with solara.Card("Settings", margin=0):
        for key in ("scenario_name", "policy", "lever"):
            spec = specs[key]
            solara.Select(spec["label"], value=settings.value.get(key, spec["value"]),
                          values=spec["values"],
                          on_value=lambda v, key=key: settings.set({**settings.value, key: v}))
            group = {"scenario_name": "scenario"}.get(key, key)
            text = descriptions(group).get(settings.value.get(key, spec["value"]), "")
            delay = settings.value.get("policy__response_delay_days")
            if key == "policy" and delay is not None and delay != start_value(
                    "policy.response_delay_days"):
                text += f" The response delay below replaces its delays: {delay:g} days."
            solara.Text(text, classes=["prevsim-sub"])
        for key, spec in specs.items():
            if key not in ("scenario_name", "policy", "lever"):
                ValueControl(settings, key, spec)


# ------------------------------------------------------------------ the page
TABS = ("Explore", "Compare", "Delay curve", "Things to try", "Controls explained")


@solara.component
def Page():
    """One visitor's page: their own model and settings, the sidebar, and the views."""
    initial = solara.use_memo(new_visitor_model, [])
    model = solara.use_reactive(initial)
    settings = solara.use_reactive(solara.use_memo(start_settings, []))
    frames = solara.use_reactive(1)
    tab = solara.use_reactive(0)
    compare = solara.use_reactive(solara.use_memo(lambda: compare_start(settings.value), []))
    request = solara.use_reactive(None)
    curve_worlds = solara.use_reactive(CURVE_WORLDS)  # the tabs' state outlives the tabs
    curve_request = solara.use_reactive(None)
    solara.use_effect(lambda: setattr(solara.lab.theme, "dark", False), [])

    def try_lesson(lesson: Lesson):
        new = {**start_settings(), **lesson.sidebar()}
        settings.set(new)
        model.set(DashboardModel(**new))
        state = {**compare.value, "mode": lesson.mode, lesson.mode: (lesson.a, lesson.b),
                 "worlds": lesson.worlds}
        compare.set(state)
        request.set((_frozen(new), lesson.mode, lesson.a, lesson.b, lesson.worlds,
                     (request.value or (0,) * 6)[-1] + 1))
        tab.set(1)

    solara.Style(CSS)
    solara.Title("PrevSim dashboard")
    with solara.AppBar():
        solara.AppBarTitle("PrevSim: preventive diplomacy")
    with solara.Sidebar():
        Sidebar(model, settings, frames)
    with solara.lab.Tabs(value=tab):
        for name in TABS:
            solara.lab.Tab(name)
    index = tab.value
    if index == 0:
        ExploreView(model.value)
    elif index == 1:
        CompareView(settings, compare, request)
    elif index == 2:
        CurveView(settings, curve_worlds, curve_request)
    elif index == 3:
        LessonsView(try_lesson)
    else:
        ControlsHelp()


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    """Solara's app layout with the sidebar drawer left to the browser: open on wide
    screens, closed (a menu button opens it) on narrow ones (Vuetify decides when its
    ``value`` is null)."""
    return solara.AppLayout(children=children, sidebar_open=None)
