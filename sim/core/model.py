"""ConflictModel: the wiring of PrevSim and the order of the phases of a week.

Imports only mesa, numpy, scipy, networkx and pandas (DESIGN.md §1.1): no Hydra, no
matplotlib, no file output. Parameters arrive as validated dataclasses (``sim.core.params``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from mesa.experimental.scenarios import Scenario as MesaScenario

from sim.core import dynamics
from sim.core.agents import Body, InternationalBody, Mediator, Party, RegionalBody
from sim.core.dynamics import Level
from sim.core.events import EventKind, EventLog
from sim.core.network import build_network, load_network, weight_matrix
from sim.core.params import ParameterError, Params, memory_problems, validate, with_overrides
from sim.core.policies import INSTRUMENTS, Context, Effects, Ledger, ResponseSystem
from sim.core.rng import Streams
from sim.core.shocks import ShockCalendar
from sim.core.warning import EarlyWarning, Observer, RiskScore

__all__ = ["ConflictModel", "PartyState"]

#: Beta concentration (a + b) of the initial will to settle: a broad spread.
WILL_CONCENTRATION = 4.0
#: Level.VIOLENCE as a plain int: numpy compares arrays with an IntEnum several times
#: slower than with an int.
VIOLENCE = int(Level.VIOLENCE)


@dataclass
class PartyState:
    """Struct of arrays: one entry per party, in ``model.party_ids`` order."""

    hostility: np.ndarray        # h ≥ 0
    grievance: np.ndarray        # g, current drive (baseline + memory of violence)
    grievance_base: np.ndarray   # baseline grievance g0 (history and coups raise it)
    restraint: np.ndarray        # a, per week
    level: np.ndarray            # int8, 0-4
    weariness: np.ndarray        # war weariness
    will_base: np.ndarray        # will to settle without weariness
    past_war: np.ndarray         # bool: a war in the 30 years before week 0
    ever_violent: np.ndarray     # bool: reached violence during the run
    region: np.ndarray           # int region code
    misperception: np.ndarray    # multiplier on noise_sd for perception errors
    cost: np.ndarray             # international cost of escalating (hostility/week)
    salience: np.ndarray         # 0-1: how much outside powers care about the party
    alignment: np.ndarray        # -1..1: the side of its patrons (0: no side)
    infrastructure: np.ndarray   # bool: a national infrastructure for peace (¶56-¶58)
    weariness_rate: np.ndarray   # weariness added per week at violence
    weariness_ceiling: np.ndarray | None  # where weariness saturates (None: no ceiling)
    war_economy: np.ndarray      # hostility drive added while at violence (¶50)
    ripeness: float = 0.0        # will gained per unit of weariness

    def stake(self, parties) -> np.ndarray:
        """``salience × |alignment|``: how strongly outside powers hold a side there."""
        return self.salience[parties] * np.abs(self.alignment[parties])

    @property
    def will_to_settle(self) -> np.ndarray:
        """0-1, rises with weariness (ripeness): ``min(will_base + ripeness·weariness, 1)``.
        Derived when read (only envoys read it, for a few parties): no per-step cost."""
        return self._will(self.will_base, self.weariness)

    def will_of(self, i: int) -> float:
        """``will_to_settle[i]`` alone."""
        return float(self._will(self.will_base[i], self.weariness[i]))

    def wills(self, parties: np.ndarray) -> np.ndarray:
        """``will_to_settle`` at ``parties``."""
        return self._will(self.will_base[parties], self.weariness[parties])

    def _will(self, base, weariness):
        # both terms are >= 0: only the upper bound can bind
        return np.minimum(base + self.ripeness * weariness, 1.0)


class ConflictModel(mesa.Model):
    """Parties escalating and de-escalating on a weighted network.

    Args:
        params: parameters (``sim.compose()`` builds them like the CLI does); ``None``
            means all defaults. They are validated here.
        rng: a seed for the run (an int, as Mesa's ``batch_run`` passes it), or a numpy
            ``Generator``/``SeedSequence`` from which one is drawn; overrides
            ``params.seed``.
        **overrides: keyword overrides of single parameters, dots written as ``__``
            (``dynamics__reaction=0.3``): how SolaraViz and ``batch_run`` build models.

    Attributes:
        params: the parameters of this run.
        network: the networkx graph of parties.
        party_ids: node ids, in the order of every per-party array.
        adjacency: W as ``scipy.sparse`` CSR in ``party_ids`` order.
        state: :class:`PartyState`, the parties' arrays.
        streams: the named random streams (``sim.core.rng``).
    """

    def __init__(self, params: Params | None = None, *, rng=None, **overrides):
        params = params if params is not None else Params()
        if not isinstance(params, Params):
            raise ParameterError([("params", params, "a sim.Params (sim.compose builds one), "
                                   "or None for the defaults")])
        if isinstance(overrides.get("scenario"), MesaScenario):
            # SolaraViz's Reset passes Mesa's own Scenario object: not a parameter here
            del overrides["scenario"]
        if rng is not None:
            overrides["seed"] = _seed_from(rng)
        if overrides:
            params = with_overrides(params, overrides)
        params = validate(params)
        self.params = params
        self.streams = Streams(params.seed)
        super().__init__(rng=self.streams["mesa"])
        self.dt = params.dt_weeks
        self.n_steps = params.n_steps

        # a file's size is known once it is read: refused then, before anything costly
        self.network: nx.Graph = build_network(params.network, self.streams["network"],
                                               check_size=size_check(params))
        self.party_ids: list = list(self.network.nodes)
        self.adjacency = weight_matrix(self.network, self.party_ids, params.network.normalise)
        self._row_norm = np.sqrt(np.asarray(self.adjacency.multiply(self.adjacency)
                                            .sum(axis=1)).ravel())
        esc = params.escalation
        self._thresholds = np.array([esc.tension, esc.crisis, esc.violence,
                                     esc.armed_conflict])
        self.state = self._initial_state()
        #: any war economy at all (else the hostility update skips its term)
        self._war_economies = bool(self.state.war_economy.any())
        self.shocks = ShockCalendar(params.shocks, len(self.party_ids), self.n_steps,
                                    self.dt, self.streams["shocks"])
        self._noise_rng = self.streams["dynamics"]
        self._perception_rng = self.streams["perception"]
        self._perception_of: np.ndarray | None = None  # misperception the scale is for
        self._perception_scale = np.empty(0)
        # per-party scratch arrays of the hostility update, reused every step
        self._buffers = {name: np.empty(len(self.party_ids)) for name in
                         ("eps_perception", "noise", "drive", "work")}

        self.parties = [Party(self, i) for i in range(len(self.party_ids))]
        self.event_log = EventLog(self.party_ids, int(Level.VIOLENCE))
        self._build_bodies()
        self.warning = EarlyWarning(
            self._observers(), len(self.party_ids), esc.violence, esc.hysteresis,
            params.warning.calm_weeks_to_close, self.dt, self.state.hostility,
            self.streams["observation"], params.warning.error_persistence,
            params.warning.regional_error_share, self.state.region,
            params.warning.tracking_sd, params.warning.violence_events)
        self._observer_names = np.array([o.name for o in self.warning.observers],
                                        dtype=object)
        w = params.warning
        #: per party, the last week it was at violence (-inf: never); kept when the
        #: observers' records matter (warning.cry_wolf)
        self._last_violent: np.ndarray | None = None
        #: the observers' risk estimates scored as the run goes (record.warning_risk)
        self.risk_score = (RiskScore(len(self.party_ids), int(round(
            w.score_horizon_weeks / self.dt))) if params.record.warning_risk else None)
        if w.cry_wolf:
            self.warning.keep_records(w.credibility_prior, w.credibility_memory,
                                      w.score_horizon_weeks)
            self._last_violent = np.where(self.state.level >= VIOLENCE, 0.0, -np.inf)
        pattern = (self.adjacency != 0).astype(np.float64)
        #: ties in either direction (who is next to whom, for missions and agreements)
        self.neighbours = sp.csr_array(pattern + pattern.T)
        self.response = ResponseSystem(Context(
            params=params, state=self.state, current=self.warning.current,
            neighbours=self.neighbours, log=self.event_log,
            rng=self.streams["interventions"], ledger=Ledger(), un=self.un,
            regional_bodies=self.regional_bodies, dt=self.dt, shocks=self.shocks),
            self.warning, INSTRUMENTS)
        self._level_rows = [self.state.level.copy()]
        self._hostility_rows = ([self.state.hostility.astype(np.float32)]
                                if params.record.hostility else None)
        self._history_cache: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------ set-up
    def _initial_state(self) -> PartyState:
        """Draw week 0 from the ``initial_state`` stream; file attributes override."""
        p, dyn, n = self.params, self.params.dynamics, len(self.party_ids)
        # One child generator per attribute: changing one attribute's distribution
        # never shifts another attribute's draws.
        # (children are keyed by their index: a sixth child left the first five alone)
        g = dict(zip(("restraint", "grievance", "hostility", "will", "history",
                      "infrastructure", "weariness", "war_economy"),
                     self.streams["initial_state"].spawn(8)))
        restraint = np.maximum(dyn.restraint_mean + dyn.restraint_sd
                               * g["restraint"].standard_normal(n), 0.1 * dyn.restraint_mean)
        grievance = _gamma(g["grievance"], dyn.grievance_mean, dyn.grievance_cv, n)
        # one factor of mean 1 per party scales both its weariness rate and its ceiling:
        # how much the war costs this party
        cost_factor = _gamma(g["weariness"], 1.0, dyn.weariness_cv, n)
        weariness_rate = (dyn.weariness_rate * cost_factor if dyn.weariness_cv > 0
                          else np.full(n, dyn.weariness_rate))
        ceiling = dyn.weariness_max * cost_factor if dyn.weariness_max > 0 else None
        war_economy = g["war_economy"].random(n) < p.history.war_economy_share
        hostility = np.maximum(dyn.initial_hostility_mean + dyn.initial_hostility_sd
                               * g["hostility"].standard_normal(n), 0.0)
        will = _beta(g["will"], dyn.will_to_settle_mean, WILL_CONCENTRATION, n)
        past_war = g["history"].random(n) < p.history.past_war_fraction
        infrastructure = g["infrastructure"].random(n) < p.history.peace_infrastructure_share

        attrs = self.network.nodes
        def override(name: str, values: np.ndarray, cast=float) -> np.ndarray:
            if self.party_ids and name in attrs[self.party_ids[0]]:
                return np.array([cast(attrs[v][name]) for v in self.party_ids],
                                dtype=values.dtype)
            return values

        restraint = override("restraint", restraint)
        grievance = override("grievance", grievance)
        hostility = override("hostility", hostility)
        will = override("will_to_settle", will)
        past_war = override("past_war", past_war, lambda v: bool(int(float(v))))
        infrastructure = override("peace_infrastructure", infrastructure,
                                  lambda v: bool(int(float(v))))
        war_economy = override("war_economy", war_economy, lambda v: bool(int(float(v))))
        salience, alignment = self._politics_of(n)
        salience = override("salience", salience)
        alignment = override("alignment", alignment)
        grievance_base = grievance + p.history.grievance_boost * past_war
        level = dynamics.update_levels(hostility, np.zeros(n, np.int8), self._thresholds, 0.0)
        region = np.array([int(attrs[v]["region"]) for v in self.party_ids], dtype=np.int64)
        return PartyState(
            hostility=hostility, grievance=grievance_base.copy(),
            grievance_base=grievance_base, restraint=restraint, level=level,
            weariness=np.zeros(n), will_base=will,
            past_war=past_war, ever_violent=level >= Level.VIOLENCE, region=region,
            misperception=np.full(n, dyn.misperception), cost=np.zeros(n),
            salience=salience, alignment=alignment, infrastructure=infrastructure,
            weariness_rate=weariness_rate, weariness_ceiling=ceiling,
            war_economy=p.history.war_economy_drive * war_economy, ripeness=dyn.ripeness)

    def _politics_of(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Each party's salience (beta, mean ``politics.salience_mean``) and alignment
        (uniform in [-1, 1]), from the ``politics`` stream (drawn even when politics is
        off, so switching it never shifts another draw)."""
        rng = self.streams["politics"]
        salience = _beta(rng, self.params.politics.salience_mean, WILL_CONCENTRATION, n)
        return salience, rng.uniform(-1.0, 1.0, n)

    def _build_bodies(self) -> None:
        """The UN, one regional body per region, and their pools of mediators."""
        p, n = self.params, len(self.party_ids)
        regions = np.unique(self.state.region)
        bad = [r for r in p.un.regional_offices if r not in set(regions.tolist())]
        if bad:
            raise ParameterError([("un.regional_offices", list(p.un.regional_offices),
                                   f"region codes of this network: {regions.tolist()}")])
        self.un: InternationalBody | None = (
            InternationalBody(self, "UN", p.un, np.ones(n, dtype=bool))
            if p.un.enabled else None)
        self.regional_bodies: dict[int, RegionalBody] = {}
        if p.regional.enabled:
            for r in regions.tolist():
                self.regional_bodies[r] = RegionalBody(
                    self, f"RB{r}", p.regional, self.state.region == r, r)
        self.bodies: list[Body] = ([self.un] if self.un else []) + list(
            self.regional_bodies.values())
        self.mediators: list[Mediator] = []
        for body in self.bodies:
            body.mediators = [Mediator(self, body, p.instruments.envoy.initial_credibility)
                              for _ in range(body.params.mediators)]
            self.mediators += body.mediators

    def regional_body_of(self, party: int) -> RegionalBody | None:
        """The regional body whose member ``party`` is (None if regional bodies are off)."""
        return self.regional_bodies.get(int(self.state.region[party]))

    def _observers(self) -> list[Observer]:
        """Early-warning systems of the bodies that run one."""
        observers = []
        un = self.params.un
        for body in self.bodies:
            if not body.params.early_warning:
                continue
            idx = np.flatnonzero(body.members)
            noise = np.full(idx.size, body.params.observation_noise_sd)
            lag = np.full(idx.size, body.params.reporting_lag_weeks, dtype=np.int64)
            if body is self.un and un.regional_offices:
                office = np.isin(self.state.region[idx], un.regional_offices)
                noise[office] *= un.office_noise_factor
                lag[office] = un.office_lag_weeks
            observers.append(Observer(body.name, idx, noise, lag,
                                      body.params.warning_threshold))
        cs = self.params.civil_society
        if cs.enabled:  # its own child stream: the bodies' errors stay as they were
            rng = self.streams["observation"].spawn(1)[0]
            n = len(self.party_ids)
            idx = np.flatnonzero(rng.random(n) < cs.reach)
            observers.append(Observer("CSN", idx, np.full(idx.size, cs.observation_noise_sd),
                                      np.full(idx.size, cs.reporting_lag_weeks, np.int64),
                                      cs.warning_threshold, rng))
        return observers

    # ------------------------------------------------------------------ a week
    @property
    def week(self) -> float:
        """Weeks simulated so far."""
        return self.steps * self.dt

    def step(self) -> None:
        """One week: shocks, early warning, the response and its effects, the escalation
        update, then levels and feedbacks, then records."""
        self._apply_shocks()
        self._observe()
        self._apply_effects(self.response.step(self.week))
        self._update_hostility()
        self._update_levels_and_feedbacks()
        self._record()

    def _apply_effects(self, effects: Effects) -> None:
        """The response's week: agreements' cuts, the cost of escalating, misperception
        and observers' noise."""
        s = self.state
        for cut in effects.settlements:  # in the order they were reached
            s.hostility[cut.parties] *= cut.hostility_kept
            s.grievance[cut.parties] *= cut.grievance_kept
        for parties, grievance in effects.hardened:  # backfires: lasting grievance
            s.grievance_base[parties] += grievance
            s.grievance[parties] += grievance
        s.cost = effects.cost
        s.misperception = effects.misperception
        if effects.misperception_changed is not None:
            self.misperception_changed(effects.misperception_changed)
        if effects.observation_changed is not None:
            self.warning.set_noise_factor(effects.observation, effects.observation_changed)

    def _observe(self) -> None:
        week, w = self.week, self.warning
        alert = None
        if self.params.warning.election_alert:  # observers know the electoral calendar
            drive = self.shocks.election_drive(week)
            if isinstance(drive, np.ndarray):
                alert = self.params.warning.election_alert * (drive > 0)
        opened, alarmed, closed = w.observe(week, alert)
        if opened.size:
            ids = w.current[opened]
            self.event_log.add_many(week, EventKind.WARNING, opened,
                                    self._observer_names[w.table.warned_by[ids]],
                                    ("crisis {}", ids))
            self.response.on_warning(opened, week)
        if alarmed.size:
            self.event_log.add_many(week, EventKind.VIOLENCE_ALARM, alarmed, "",
                                    ("crisis {}", w.current[alarmed]))
            self.response.on_alarm(alarmed, week)
        if closed.size:
            self.event_log.add_many(week, EventKind.CRISIS_CLOSED, closed, "",
                                    ("crisis {}", w.closed_ids))
            self.response.on_closed(closed)

    def _apply_shocks(self) -> None:
        s, p, week = self.state, self.params.shocks, self.week
        self.event_log.add_many(week, EventKind.ELECTION,
                                self.shocks.polling(week, week - self.dt))
        coups = self.shocks.coups(self.steps)
        for i in coups.tolist():  # rare; a party can suffer two in one week
            s.hostility[i] = min(s.hostility[i] + p.coup_hostility,
                                 self.params.dynamics.hostility_cap)
            s.grievance_base[i] += p.coup_grievance
            s.grievance[i] += p.coup_grievance
        self.event_log.add_many(week, EventKind.COUP, coups)
        if self.params.warning.coups_seen:
            self.warning.surprise(coups, p.coup_hostility)

    def _update_hostility(self) -> None:
        s, dyn, b = self.state, self.params.dynamics, self._buffers
        # Always the same draws per step, whatever the state: common random numbers.
        eps_perception = self._perception_rng.standard_normal(out=b["eps_perception"])
        noise = self._noise_rng.standard_normal(out=b["noise"])
        drive = np.add(s.grievance, self.shocks.election_drive(self.week), out=b["drive"])
        drive -= s.cost
        if dyn.feedback:
            drive += dynamics.mobilisation(s.hostility, dyn.mobilisation,
                                           dyn.mobilisation_threshold,
                                           dyn.mobilisation_width, out=b["work"])
            drive -= s.weariness
            if self._war_economies:  # fighting pays where there is a war economy (¶50)
                drive += np.where(s.level >= VIOLENCE, s.war_economy, 0.0)
        if self._perception_of is not s.misperception:  # a new misperception array
            self._perception_of = s.misperception
            self._perception_scale = dynamics.perception_scale(
                dyn.noise_sd * s.misperception, self._row_norm)
        pressure = dynamics.perceived_pressure(self.adjacency, s.hostility,
                                               self._perception_scale, eps_perception)
        noise *= dyn.noise_sd * math.sqrt(self.dt)
        # a new array each step (the pressure's): records may hold the old one
        s.hostility = dynamics.hostility_step(
            s.hostility, pressure, s.restraint, drive, dyn.reaction, self.dt, noise,
            dyn.hostility_cap, out=pressure, work=b["work"])

    def misperception_changed(self, parties: np.ndarray) -> None:
        """``state.misperception`` was changed in place at ``parties``: update the
        perception noise scale there (a new array assigned to it is noticed anyway)."""
        s = self.state
        if self._perception_of is s.misperception:
            self._perception_scale[parties] = dynamics.perception_scale(
                self.params.dynamics.noise_sd * s.misperception[parties],
                self._row_norm[parties])

    def _update_levels_and_feedbacks(self) -> None:
        s, dyn = self.state, self.params.dynamics
        new = dynamics.update_levels(s.hostility, s.level, self._thresholds,
                                     self.params.escalation.hysteresis)
        changed, old, now = self.event_log.add_level_changes(self.week, s.level, new)
        onset = changed[(old < VIOLENCE) & (now >= VIOLENCE)] if changed.size else changed
        if onset.size:
            relapsed = onset[self.response.agreed[onset]]
            broken = self.response.instruments["envoy"].broken[relapsed]
            self.event_log.add_many(self.week, EventKind.RELAPSE, relapsed[~broken], "",
                                    "after an agreement")
            if broken.any():  # the agreement had broken down before the onset
                self.event_log.add_many(self.week, EventKind.RELAPSE, relapsed[broken], "",
                                        "after a breakdown")
        at_war = new >= VIOLENCE
        if self.risk_score is not None:  # forecasts for parties not at violence now
            self.risk_score.step(self.week, np.where(at_war, np.nan, self.warning.risk(
                self.params.warning.score_horizon_weeks)),
                                 onset)
        s.level = new
        s.ever_violent |= at_war
        if self._last_violent is not None:
            self._last_violent[at_war] = self.week
            self.warning.learn(self.week, self._last_violent)
        if dyn.feedback:
            s.weariness = dynamics.weariness_step(s.weariness, at_war, s.weariness_rate,
                                                  dyn.weariness_decay, self.dt,
                                                  s.weariness_ceiling)
            s.grievance = dynamics.grievance_step(s.grievance, s.grievance_base, at_war,
                                                  dyn.grievance_gain, dyn.grievance_decay,
                                                  self.dt)

    def _record(self) -> None:
        self.warning.push(self.state.hostility)
        self._level_rows.append(self.state.level.copy())
        if self._hostility_rows is not None:
            self._hostility_rows.append(self.state.hostility.astype(np.float32))
        self._history_cache.clear()

    def run(self) -> "ConflictModel":
        """Run to the configured horizon (``params.horizon_weeks``); returns the model."""
        while self.steps < self.n_steps:
            self.step()
        self.running = False
        return self

    # ------------------------------------------------------------------ records
    @property
    def events(self) -> pd.DataFrame:
        """Every event so far: columns ``week, kind, party, actor, detail``."""
        return self.event_log.frame()

    @property
    def crises(self) -> pd.DataFrame:
        """One row per crisis: warning, alarm, first action, closing, the gap in weeks."""
        return self.warning.frame(self.party_ids)

    @property
    def deployments(self) -> pd.DataFrame:
        """One row per envoy sent: ``party`` (index), ``crisis``, ``body``, ``mediator``,
        ``requested_week``, ``dispatched_week``, ``arrive_week``, ``ended_week`` (nan while
        engaged) and ``outcome`` (``agreement``, ``failed``, ``crisis closed``, or empty)."""
        return self.response.instrument("envoy").records()

    @property
    def missions(self) -> pd.DataFrame:
        """One row per fact-finding mission deployed: ``party`` (index), ``crisis``,
        ``deployed_week``, ``until_week``."""
        return self.response.instrument("fact_finding").records()

    @property
    def datacollector(self) -> "RecordsCollector":
        """A Mesa-DataCollector view of the run's records (what ``mesa.batch_run`` and
        notebooks read), computed from the arrays on demand: no per-step cost."""
        return RecordsCollector(self)

    @property
    def level_history(self) -> np.ndarray:
        """Levels, shape (steps + 1, parties); row 0 is week 0."""
        if "level" not in self._history_cache:
            self._history_cache["level"] = np.stack(self._level_rows)
        return self._history_cache["level"]

    @property
    def hostility_history(self) -> np.ndarray:
        """Hostility (float32), shape (steps + 1, parties); needs ``record.hostility``."""
        if self._hostility_rows is None:
            raise RuntimeError("hostility history not kept: set record.hostility=true")
        if "hostility" not in self._history_cache:
            self._history_cache["hostility"] = np.stack(self._hostility_rows)
        return self._history_cache["hostility"]

    @property
    def weeks(self) -> np.ndarray:
        """Week of each recorded row."""
        return np.arange(len(self._level_rows)) * self.dt


class RecordsCollector:
    """Duck-typed stand-in for ``mesa.DataCollector`` over a model's own records.

    ``model_vars`` has one list per reporter with a value for every recorded week:
    parties at each level, and mean hostility when it is recorded.
    """

    def __init__(self, model: ConflictModel):
        levels = model.level_history
        self._collection_steps = list(range(levels.shape[0]))
        self.agent_reporters: dict = {}
        self.agenttype_reporters: dict = {}
        self._agent_records: dict = {}
        self._agenttype_records: dict = {}
        self.model_vars = {f"parties_{lv.name.lower()}": (levels == lv).sum(axis=1).tolist()
                           for lv in Level}
        if model.params.record.hostility:
            self.model_vars["mean_hostility"] = model.hostility_history.mean(axis=1).tolist()

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """The reporters as a DataFrame indexed by step (as Mesa's DataCollector does)."""
        return pd.DataFrame(self.model_vars, index=self._collection_steps)


def size_check(params: Params, written: bool = False):
    """``check_size(parties, ties)`` for a network file: refuses (ParameterError) a run
    whose memory estimate with the file's size exceeds ``record.memory_limit_gb``."""
    def check(n_parties: int, n_ties: int) -> None:
        problems = memory_problems(params, n_parties, n_ties, 0, written)
        if problems:
            raise ParameterError(problems)
    return check


def check_world(params: Params, written: bool = False) -> None:
    """What can be known of a run's world before it is built: a network file must be
    readable and valid, small enough for the memory limit, and hold the regions of the
    UN's regional offices (for generated networks, ``validate`` checks these). Raises
    :class:`ParameterError` or ``NetworkError``; a sweep calls it for every job."""
    net = params.network
    if net.kind != "file":
        return
    graph = load_network(net.path, net.file_format, size_check(params, written))
    regions = set(nx.get_node_attributes(graph, "region").values())
    bad = [r for r in params.un.regional_offices if r not in regions]
    if bad:
        raise ParameterError([("un.regional_offices", list(params.un.regional_offices),
                               f"region codes of this network: {sorted(regions)}")])


def _seed_from(rng) -> int:
    """A run seed from what Mesa users pass as ``rng``."""
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return int(rng)
    if isinstance(rng, np.random.SeedSequence):
        return int(rng.generate_state(1, np.uint32)[0])
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**31 - 1))
    raise ParameterError([("rng", rng, "an int seed, a numpy Generator or SeedSequence")])


def _gamma(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    """Gamma draws with the given mean and coefficient of variation (constant at cv 0)."""
    cv2 = cv**2
    shape = 1.0 / cv2 if cv2 > 0 else math.inf
    if not math.isfinite(shape):  # below cv ≈ 1e-154 the shape overflows: no spread
        return np.full(n, float(mean))
    return mean / shape * rng.standard_gamma(shape, n)


def _beta(rng: np.random.Generator, mean: float, concentration: float, n: int) -> np.ndarray:
    """Beta draws with the given mean and ``a + b = concentration`` (constant at 0 or 1)."""
    if mean <= 0 or mean >= 1:
        return np.full(n, float(mean))
    return rng.beta(mean * concentration, (1 - mean) * concentration, size=n)
