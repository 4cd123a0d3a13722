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
    sliders = {s.label for s in rc.find(v.Slider).widgets}
    assert {"Response delay (days)", "UN warning threshold (hostility)", "Seed",
            "Reaction (1/week)"} <= sliders
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


def test_reset_builds_the_model_from_the_new_keyword_values(built):
    box, rc = render_page()
    selects = {s.label: s for s in rc.find(v.Select).widgets}
    selects["Policy"].v_model = "fact_finding"
    sliders = {s.label: s for s in rc.find(v.Slider).widgets}
    sliders["Response delay (days)"].v_model = 60
    sliders["Seed"].v_model = 5
    button(rc, "Step").click()
    button(rc, "Reset").click()
    model = built[-1]
    assert isinstance(model, app.DashboardModel) and model.steps == 0
    assert model.params.policy.name == "fact_finding"
    assert model.params.policy.response_delay_days == 60
    assert model.params.seed == 5
    assert "Week 0 of 156" in texts(rc)
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


def test_compare_view_shows_both_runs_and_their_outcomes(built):
    box, rc = render_page()
    tabs = rc.find(v.Tabs).widget
    tabs.v_model = 1
    images = rc.find(ipywidgets.Image).widgets
    compare = [i for i in images if "prevsim-compare-timeline" in i._dom_classes]
    assert len(compare) == 2
    html = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
            if "prevsim-outcomes" in (w.unsafe_innerHTML or "")]
    assert any('data-run="diff"' in h for h in html)
    runs = built[1:]
    assert len(runs) == 2 and runs[0].params.seed == runs[1].params.seed
    assert {r.params.policy.response_delay_days for r in runs} == {7.0, 60.0}
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
