"""The dashboard's model and what it computes for the page, without Solara.

* :class:`DashboardModel` is a ``ConflictModel`` built from simple keyword arguments
  (``scenario_name="calm", policy="envoy", policy__response_delay_days=30, seed=3``)
  through ``sim.compose``, exactly as the command line builds parameters; that is what
  SolaraViz's Reset and ``mesa.batch_run`` call. A control left at its starting value
  follows the chosen scenario and policy; a control that was moved overrides them.
* :func:`compare_runs`: the same seeded world twice, with two delays or two policies.
* :func:`outcomes_html`: the outcomes table, labels and formats from the outcome
  registry (``sim.metrics.OUTCOMES``).
"""

from __future__ import annotations

import html
import math
import threading
import time
from typing import Any

from sim.core.metrics import OUTCOMES, Kind
from sim.core.model import ConflictModel
from sim.core.params import Params
from sim.views.controls import (
    START_POLICY,
    _compose,
    _hydra_value,
    _same,
    model_params,
    start_value,
)

__all__ = ["SHOWN", "DashboardModel", "compare_runs", "new_visitor_model", "outcomes_html",
           "settings_overrides", "settings_params", "gap_story", "outcome_label"]

#: The outcomes the page shows, in order (keys of ``sim.metrics.OUTCOMES``).
SHOWN: tuple[str, ...] = (
    "armed_conflict", "parties_in_violence", "violence_party_weeks", "warnings",
    "warnings_false_alarm", "crises_answered", "first_warning_week", "first_action_week",
    "warning_to_action_weeks", "agreements", "relapses", "intervention_cost_usd",
    "conflict_cost_usd", "total_cost_usd")


class DashboardModel(ConflictModel):
    """A :class:`~sim.core.model.ConflictModel` built from simple keyword arguments.

    Args:
        scenario_name, policy: names of ``configs/scenario/`` and ``configs/policy/``
            files (``None``: the dashboard's start, :func:`baseline`); ``lever=`` (in
            ``controls``) a ``configs/lever/`` file (the institutions' resources).
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
        self.overrides, self.applied = settings_overrides(self.dashboard_kwargs, exact)
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


def settings_overrides(settings: dict[str, Any], exact: tuple[str, ...] = ()
                       ) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The Hydra overrides of the dashboard's settings (:class:`DashboardModel`'s keyword
    arguments: ``scenario_name``, ``policy``, ``lever`` and controls with dots written
    ``__``) and the controls they apply. A control at its starting value is left to the
    scenario and policy unless it is named in ``exact``."""
    settings = dict(settings)
    scenario_name = settings.pop("scenario_name", None)
    policy = settings.pop("policy", None)
    lever = settings.pop("lever", None)
    overrides = [f"scenario={scenario_name}"] if scenario_name else []
    overrides.append(f"policy={policy or START_POLICY}")
    if lever:
        overrides.append(f"lever={lever}")
    applied: dict[str, Any] = {}
    for key, value in settings.items():
        dotted = key.replace("__", ".")
        try:
            unmoved = _same(value, start_value(dotted))
        except (KeyError, AttributeError):
            unmoved = False  # not a control (e.g. an instrument's actor): always applied
        if unmoved and dotted not in exact:
            continue
        applied[dotted] = value
        overrides.append(f"{dotted}={_hydra_value(value)}")
    return tuple(overrides), applied


def settings_params(settings: dict[str, Any], exact: tuple[str, ...] = ()) -> Params:
    """The parameters of the dashboard's settings, composed as ``python -m sim`` does."""
    return _compose(settings_overrides(settings, exact)[0])


def new_visitor_model() -> DashboardModel:
    """A fresh model at the dashboard's starting values (one per visitor)."""
    return DashboardModel(**{k: v["value"] for k, v in model_params().items()})


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


# ------------------------------------------------------------------ the gap in words
#: Each part of the warning-to-action gap (``CrisisTable.WAITS``), read aloud.
GAP_WORDS = {
    "wait_trigger": "waiting for the trigger: the policy answers {trigger}, not the first "
                    "warning",
    "wait_agenda": "waiting on the agenda: the body leading was busy with as many other "
                   "situations as it can handle at once",
    "wait_decision": "deciding: the response delay you set ({delay:g} days), then the "
                     "members' consensus (the less united, the longer) and any "
                     "coordination between UN and regional body, taken at the next "
                     "whole week",
    "wait_consent": "waiting for the host government's consent (refusals are retried)",
    "wait_resources": "waiting for resources: a free envoy or team, and money in the fund",
    "wait_deployment": "deploying: the envoy's travel or the mission's set-up",
}


def _weeks(x: float) -> str:
    return f"{x:g} week" + ("" if x == 1 else "s")


def gap_story(model: ConflictModel) -> list[str]:
    """The first answered crisis's warning-to-action gap in its parts, in words a trainer
    can read aloud (first line: the crisis; then one line per part that took time; last:
    all answered crises of the run). Empty while no crisis has been answered."""
    from sim.core.warning import CrisisTable
    from sim.views.controls import effective_delay

    crises = model.crises
    answered = crises[crises["action_week"].notna()]
    if answered.empty:
        return []
    row = answered.loc[answered["warning_week"].idxmin()]
    gap = float(row["warning_to_action_weeks"])
    triggers = sorted({s.trigger for s in model.params.policy.instruments})
    values = {"trigger": " or ".join(triggers) or "its trigger",
              "delay": effective_delay(model.params)}
    lines = [f"Why the first gap is {_weeks(gap)}: party {row['party']} was warned of by "
             f"{row['warned_by'] or 'an observer'} in week {row['warning_week']:g}; the "
             f"first action on the ground came in week {row['action_week']:g}. It was"]
    zero = []
    for name in CrisisTable.WAITS:
        part = float(row[name])
        if part > 0:
            lines.append(f"{_weeks(part)} {GAP_WORDS[name].format(**values)};")
        else:
            zero.append(GAP_WORDS[name].split(":")[0].split(" (")[0])
    if zero:
        lines.append("no time " + ", ".join(zero) + ".")
    means = answered[list(CrisisTable.WAITS)].mean()
    longest = str(means.idxmax())
    lines.append(f"Over all {len(answered)} answered crises of this run the gap averages "
                 f"{answered['warning_to_action_weeks'].mean():.1f} weeks, most of it "
                 f"{GAP_WORDS[longest].split(':')[0]} ({means[longest]:.1f} weeks).")
    return lines


# ------------------------------------------------------------------ formatting
def _fmt(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if OUTCOMES[key].unit == "USD":
        return ("−" if value < 0 else "") + f"${abs(value) / 1e6:,.1f}M"
    if OUTCOMES[key].kind is Kind.PROPORTION:  # in one run: it happened or not
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.1f}"
    return str(value)


def outcome_label(key: str) -> str:
    """An outcome's label with its unit where the unit says more than the label."""
    o = OUTCOMES[key]
    unit = o.unit.split(" (")[0]  # "weeks (mean per run)": weeks
    return o.label if o.kind is Kind.PROPORTION or o.unit in ("USD", o.key) else (
        f"{o.label} ({unit})")


def outcomes_html(columns: dict[str, dict], diff: bool = False) -> str:
    """An HTML table of outcomes, one column per run (``data-key`` on each cell)."""
    names = list(columns)
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    if diff:
        head += "<th>B − A</th>"
    rows = []
    for key in SHOWN:
        label = outcome_label(key)
        cells = "".join(
            f'<td data-key="{key}" data-run="{i}">{_fmt(key, columns[n].get(key))}</td>'
            for i, n in enumerate(names))
        if diff and len(names) == 2:
            x, y = columns[names[0]].get(key), columns[names[1]].get(key)
            ok = all(isinstance(v, (int, float)) and not math.isnan(v) for v in (x, y))
            d = (y - x) if ok else None
            if d is None:
                text = "–"
            elif OUTCOMES[key].kind is Kind.PROPORTION:
                text = f"{int(d):+d}" if d else "0"
            else:
                text = ("+" if d > 0 else "") + _fmt(key, d)
            cells += f'<td data-key="{key}" data-run="diff">{text}</td>'
        rows.append(f"<tr><th scope='row'>{html.escape(label)}</th>{cells}</tr>")
    return (f"<table class='prevsim-outcomes'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


