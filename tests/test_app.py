"""The dashboard without a browser: solara.render and direct calls (fast)."""

from __future__ import annotations

import functools

import pytest

pytest.importorskip("solara", reason="the dashboard extra is not installed (make venv "
                    "installs it: EXTRAS=test,dashboard)")

import ipyvue
import ipyvuetify as v
import ipywidgets
import solara

import sim
from sim.config import config_dir
from sim.core.model import ConflictModel
from sim.core.params import Params
from sim.views import app

pytestmark = pytest.mark.xdist_group("dashboard")


@pytest.fixture
def built(monkeypatch):
    """Every DashboardModel built during the test, in order."""
    models = []
    original = app.DashboardModel.__init__

    @functools.wraps(original)  # SolaraViz inspects the signature
    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        models.append(self)

    monkeypatch.setattr(app.DashboardModel, "__init__", recording)
    return models


def render_page():
    """The page as ``solara run`` serves it (inside an AppLayout, for the sidebar)."""
    return solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)


def walk(widget):
    """Every widget under ``widget`` (depth first)."""
    yield widget
    for child in getattr(widget, "children", None) or ():
        if isinstance(child, ipywidgets.Widget):
            yield from walk(child)


def texts(rc) -> list[str]:
    """The text of every text element on the page."""
    return [w.children[0] for w in walk(rc.container)
            if isinstance(w, ipyvue.Html) and w.children and isinstance(w.children[0], str)]


def button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def with_class(rc, kind, name):
    """The one widget of type ``kind`` with CSS class ``name``."""
    found = [w for w in rc.find(kind).widgets if name in (w.class_ or "").split()]
    assert len(found) == 1, (name, len(found))
    return found[0]


def number_input(rc, key):
    """The number input of the sidebar setting ``key`` (dots written ``__``)."""
    return with_class(rc, v.TextField, f"prevsim-input-{key}")


def type_into(widget, text):
    """Type ``text`` and press Enter (number inputs apply on Enter or on leaving)."""
    widget.v_model = str(text)
    widget.fire_event("keyup.enter", None)


def wait_for_text(rc, fragment, timeout=60.0):
    """Wait until some text on the page contains ``fragment`` (tasks run in threads)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hits = [t for t in texts(rc) if fragment in t]
        if hits:
            return hits[0]
        time.sleep(0.05)
    raise AssertionError(f"no text with {fragment!r} within {timeout} s")


def test_page_renders_network_timeline_and_controls(built):
    box, rc = render_page()
    labels = {tuple(b.children) for b in rc.find(v.Btn).widgets}
    assert {("Reset",), ("▶",), ("Step",), ("Run to the end",)} <= labels
    images = rc.find(ipywidgets.Image).widgets
    classes = {c for image in images for c in image._dom_classes}
    assert {"prevsim-network", "prevsim-timeline"} <= classes
    assert all(image.value[:4] == b"\x89PNG" for image in images)
    assert "Week 0 of 156" in texts(rc)
    assert len(built) == 1 and built[0].params.policy.name == app.START_POLICY
    shown = texts(rc)
    for label in ("Response delay: from the warning to the decision (days)",
                  "UN warns at hostility", "World (seed)",
                  "Reaction to neighbours' hostility (1/week)"):
        assert label in shown, label
    # every value is shown, in a number input beside its slider
    for key, spec in app.model_params().items():
        if spec["type"].startswith("Slider"):
            assert float(number_input(rc, key).v_model) == float(spec["value"]), key
    # Mesa's leftovers are gone: no threads checkbox, no raw "Time:", no interval in ms
    assert not rc.find(v.Checkbox).widgets
    assert not [t for t in shown if t.startswith("Time:") or "Interval (ms)" in t]
    rc.close()


def test_controls_come_from_the_parameter_metadata():
    params = app.model_params()
    defaults = Params()
    assert params["scenario_name"]["values"] == sorted(
        p.stem for p in (config_dir() / "scenario").glob("*.yaml"))
    assert params["policy"]["values"] == sorted(
        p.stem for p in (config_dir() / "policy").glob("*.yaml"))
    assert params["scenario_name"]["value"] == defaults.scenario.name
    for control in app.CONTROLS:
        spec = params[control.name.replace(".", "__")]
        f, value = app.field_of(control.name)
        meta = f.metadata
        if control.name == "policy.response_delay_days":
            envoy = sim.compose([f"policy={app.START_POLICY}"]).policy
            assert spec["value"] == envoy.instruments[0].delay_days  # from configs/
        else:
            node = defaults
            for part in control.name.split(".")[:-1]:
                node = getattr(node, part)
            assert spec["value"] == getattr(node, f.name) == value  # the dataclass default
        if meta.get("ge") is not None:
            assert spec["min"] >= meta["ge"]
        if meta.get("le") is not None:
            assert spec["max"] <= meta["le"]
        assert spec["min"] <= spec["value"] <= spec["max"]
        unit = meta.get("unit", "-")
        assert unit == "-" or unit in spec["label"] or control.name.endswith(
            ("_days", "_weeks")), spec["label"]
        assert meta.get("help"), control.name


def test_controls_read_the_parameters_not_a_copy_of_them(monkeypatch):
    from sim.views import controls

    changed = sim.compose([f"policy={controls.START_POLICY}", "dynamics.noise_sd=0.2",
                           "un.warning_threshold=1.4"])
    monkeypatch.setattr(controls, "baseline", lambda: changed)
    params = controls.model_params()
    assert params["dynamics__noise_sd"]["value"] == 0.2
    assert params["un__warning_threshold"]["value"] == 1.4


def test_stepping_advances_the_week(built):
    box, rc = render_page()
    button(rc, "Step").click()
    button(rc, "Step").click()
    assert "Week 2 of 156" in texts(rc)
    assert built[-1].steps == 2
    rc.close()


def test_the_gap_is_explained_in_its_parts_once_a_crisis_is_answered(built):
    box, rc = render_page()
    assert any(t.startswith("No crisis answered yet") for t in texts(rc))
    button(rc, "Run to the end").click()
    html = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
            if "Why the first gap is" in (w.unsafe_innerHTML or "")]
    assert len(html) == 1
    crises = built[0].crises.dropna(subset=["action_week"])
    first = crises.loc[crises["warning_week"].idxmin()]
    assert f"Why the first gap is {first['warning_to_action_weeks']:g} weeks" in html[0]
    assert "deciding" in html[0] and "Over all" in html[0]
    rc.close()


def test_reset_builds_the_model_from_the_new_keyword_values(built):
    box, rc = render_page()
    selects = {s.label: s for s in rc.find(v.Select).widgets}
    selects["Policy"].v_model = "fact_finding"
    selects["Resources and institutions"].v_model = "more_envoys"
    type_into(number_input(rc, "policy__response_delay_days"), 60)
    type_into(number_input(rc, "seed"), 5)
    button(rc, "Step").click()
    assert any(t.startswith("Settings changed since the last Reset") for t in texts(rc))
    button(rc, "Reset").click()
    model = built[-1]
    assert isinstance(model, app.DashboardModel) and model.steps == 0
    assert model.params.policy.name == "fact_finding"
    assert model.params.policy.response_delay_days == 60
    assert model.params.seed == 5 and model.params.un.mediators == 6
    assert "Week 0 of 156" in texts(rc)
    assert not any(t.startswith("Settings changed") for t in texts(rc))
    rc.close()


def test_a_bad_value_names_field_value_and_rule_and_changes_nothing(built):
    box, rc = render_page()
    type_into(number_input(rc, "seed"), -3)
    type_into(number_input(rc, "un__warning_threshold"), 0)
    errors = [t for t in texts(rc) if "is not allowed" in t]
    assert "World (seed): seed = -3 is not allowed; it must be ≥ 0" in errors
    assert ("UN warns at hostility: un.warning_threshold = 0 is not allowed; it must be > 0"
            in errors)
    assert number_input(rc, "seed").v_model in (0, "0")  # the refused value is not left
    button(rc, "Reset").click()
    assert built[-1].params.seed == 0 and built[-1].params.un.warning_threshold == 0.95
    rc.close()


def test_keyword_model_matches_the_cli_parameters():
    model = app.DashboardModel(scenario_name="default", policy="graduated",
                               policy__response_delay_days=30, seed=9,
                               dynamics__reaction=0.25)
    expected = sim.compose(["policy=graduated", "policy.response_delay_days=30.0",
                            "seed=9", "dynamics.reaction=0.25"])
    assert model.params == expected
    # SolaraViz's Reset passes Mesa's own Scenario object as `scenario`: ignored.
    from mesa.experimental.scenarios import Scenario

    again = app.DashboardModel(scenario=Scenario(), policy="graduated",
                               policy__response_delay_days=30, seed=9,
                               dynamics__reaction=0.25)
    assert again.params == expected


def test_untouched_controls_follow_the_scenario_and_policy():
    scenarios = app.choices("scenario")
    start = app.model_params()
    kwargs = {k: spec["value"] for k, spec in start.items()}
    # The delay slider at its start leaves each policy its own delays.
    graduated = app.DashboardModel(**{**kwargs, "policy": "graduated"})
    assert graduated.params.policy.response_delay_days is None
    moved = app.DashboardModel(**{**kwargs, "policy": "graduated",
                                  "policy__response_delay_days": 90})
    assert moved.params.policy.response_delay_days == 90
    # A scenario's own value is kept unless the slider was moved.
    for name in scenarios:
        composed = sim.compose([f"scenario={name}", f"policy={app.START_POLICY}"])
        model = app.DashboardModel(**{**kwargs, "scenario_name": name})
        assert model.params == composed, name


def test_compare_runs_the_same_world_twice():
    base = app.DashboardModel(policy="envoy", seed=3)
    early, late = app.compare_runs(base, "delay", 7, 180)
    assert early.params.seed == late.params.seed == 3
    assert early.params.policy.response_delay_days == 7
    assert late.params.policy.response_delay_days == 180
    assert (early.adjacency != late.adjacency).nnz == 0  # the same network
    assert (early.level_history[0] == late.level_history[0]).all()
    assert early.steps == late.steps == early.n_steps
    first = [m.crises.first_action_week.min() for m in (early, late)]
    assert first[0] < first[1]
    none, envoy = app.compare_runs(base, "policy", "none", "envoy")
    assert none.params.policy.name == "none" and envoy.params.policy.name == "envoy"
    assert (none.adjacency != envoy.adjacency).nnz == 0
    assert none.events.query("kind == 'action'").empty


def tab(rc, index):
    rc.find(v.Tabs).widget.v_model = index


def test_compare_runs_many_worlds_with_the_sidebar_settings_as_they_are_now(built):
    box, rc = render_page()
    type_into(number_input(rc, "seed"), 4)  # no Reset: Compare still uses seed 4
    tab(rc, 1)
    assert any("from its world (seed 4)" in t for t in texts(rc))
    type_into(with_class(rc, v.TextField, "prevsim-worlds"), 3)
    assert "worlds seeds 4–6" in texts(rc)
    button(rc, "Run both on 3 worlds").click()
    headline = wait_for_text(rc, "Acting after 90 days instead of 7")
    assert "over 3 worlds (seeds 4–6)" in headline and "[" in headline
    wait_for_text(rc, "The world shown is seed")
    images = rc.find(ipywidgets.Image).widgets
    classes = [c for i in images for c in i._dom_classes]
    assert classes.count("prevsim-compare-timeline") == 2
    assert "prevsim-compare-worlds" in classes
    html = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
            if "prevsim-outcomes" in (w.unsafe_innerHTML or "")]
    assert any('data-run="interval"' in h for h in html)
    titles = [w.children[0] for w in rc.find(v.CardTitle).widgets if w.children]
    typical = [t for t in titles if t.startswith(("A: acting", "B: acting"))]
    assert len(typical) == 2 and len({t.split("(world ")[1] for t in typical}) == 1
    assert int(typical[0].split("(world ")[1].rstrip(")")) in (4, 5, 6)
    rc.close()


def test_the_curve_tab_draws_outcome_against_delay(built):
    box, rc = render_page()
    tab(rc, 2)
    type_into(with_class(rc, v.TextField, "prevsim-curve-worlds"), 2)
    button(rc, "Draw the curve on 2 worlds").click()
    trend = wait_for_text(rc, "Policy envoy, acting after 180 days instead of 0")
    assert "over 2 worlds (seeds 0–1)" in trend
    tab(rc, 0)
    tab(rc, 2)  # the curve is still there after a look at another tab
    assert trend in texts(rc)
    rc.close()


def test_a_lesson_sets_the_controls_and_runs_its_comparison(built):
    from sim.views.lessons import LESSONS

    lesson = LESSONS[0]
    box, rc = render_page()
    tab(rc, 3)
    with_class(rc, v.Btn, f"prevsim-lesson-{lesson.key}").click()
    assert rc.find(v.Tabs).widget.v_model == 1
    assert int(number_input(rc, "seed").v_model) == lesson.seed
    headline = wait_for_text(rc, f"over {lesson.worlds} worlds", timeout=120)
    assert f"(seeds {lesson.seed}–{lesson.seed + lesson.worlds - 1})" in headline
    rc.close()


def test_each_visitor_gets_their_own_model(built):
    first, rc1 = render_page()
    second, rc2 = render_page()
    assert len(built) == 2 and built[0] is not built[1]
    button(rc1, "Step").click()
    assert built[0].steps == 1 and built[1].steps == 0
    assert not [name for name, value in vars(app).items()
                if isinstance(value, ConflictModel)], "no model at module level"
    rc1.close()
    rc2.close()


def test_stepping_stops_at_the_horizon():
    model = app.DashboardModel(horizon_weeks=26)
    model.advance()
    assert model.steps == 26 and not model.running
    rows = model.level_history.shape[0]
    model.step()
    assert model.steps == 26 and model.level_history.shape[0] == rows


def test_mesa_batch_run_builds_dashboard_models():
    import mesa

    results = mesa.batch_run(app.DashboardModel,
                             parameters={"policy": "envoy",
                                         "policy__response_delay_days": [7, 90]},
                             rng=[11], max_steps=30, number_processes=1,
                             data_collection_period=-1, display_progress=False)
    assert len(results) == 2
    assert {r["policy__response_delay_days"] for r in results} == {7, 90}


def test_controls_and_the_dashboard_model_need_no_solara():
    """The page's logic is plain Python: testable (and usable) without Solara."""
    import subprocess
    import sys

    code = ("import sys, sim.views.controls, sim.views.dashboard; "
            "assert 'solara' not in sys.modules and 'matplotlib' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
