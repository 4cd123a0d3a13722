"""What every instrument is and what it may use.

An :class:`Instrument` is one self-contained class: its parameters (one dataclass of
``sim.params``, named by :attr:`Instrument.params_group`), its per-party state, its
weekly update, its contribution to the escalation equation and its events. It sees the
world only through a :class:`Context` — the state it may read, the open crisis of each
party, the event log, the interventions random stream, the acting bodies, the ledger —
never the model. Each week the response system hands back one :class:`Effects`, which
the model applies (``ConflictModel.step``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar

import numpy as np
import scipy.sparse as sp

from sim.core.dynamics import mobilisation
from sim.core.events import EventKind, EventLog
from sim.core.warning import EPS_WEEKS as _EPS  # one tolerance for due weeks

if TYPE_CHECKING:
    from sim.core.agents import InternationalBody, RegionalBody
    from sim.core.model import PartyState
    from sim.core.params import InstrumentSpec, Params

_NONE = np.empty(0, dtype=np.int64)


class Ledger:
    """What the response has spent, in USD (one running sum, in the order of spending)."""

    def __init__(self) -> None:
        self.usd = 0.0

    def spend(self, usd: float) -> None:
        self.usd += usd


@dataclass
class Context:
    """What an instrument may read and use.

    Attributes:
        params: every parameter of the run (read only).
        state: the parties' arrays (read only; arrays are replaced each week, so read the
            attribute when needed rather than keeping the array).
        current: each party's open crisis id, or -1 (updated in place by early warning).
        neighbours: ties in either direction (CSR, pattern only).
        log: the run's event log.
        rng: the ``interventions`` random stream, the only one an instrument draws from.
        ledger: where costs are booked.
        un, regional_bodies: the acting bodies (None / absent when switched off).
        dt: weeks per step.
        follow_up: call with parties that an instrument followed up (a mission deployed,
            an envoy sent): other instruments hear of it (statements regain force).
        resourced, on_ground: call as ``(slot, parties, week)`` when a slot's decision
            has its resources (a team, an envoy, the money) and when it is acted on the
            ground (a statement issued, a mission deployed, an envoy arrived): the
            crisis table records the stages of the gap.
        envoy_support: per party, leverage that others add to an envoy mediating there
            (a group of friends, ¶31); 0 everywhere unless an instrument raises it.
        decision_factor: per party, the multiplier on the delay and consensus of
            decisions on its crises (a political mission there: below 1); 1 elsewhere.
        envoy_days: per party, the most days an envoy needs to reach it (mediators on
            site: a political mission); inf elsewhere.
        shocks: the run's election and coup calendar (``sim.core.shocks.ShockCalendar``;
            None in tests that need none).
    """

    params: "Params"
    state: "PartyState"
    current: np.ndarray
    neighbours: sp.csr_array
    log: EventLog
    rng: np.random.Generator
    ledger: Ledger
    un: "InternationalBody | None"
    regional_bodies: dict[int, "RegionalBody"]
    dt: float
    follow_up: Callable[[np.ndarray], None] = field(default=lambda parties: None)
    resourced: Callable[..., None] = field(default=lambda slot, parties, week: None)
    on_ground: Callable[..., None] = field(default=lambda slot, parties, week: None)
    envoy_support: np.ndarray = None  # type: ignore[assignment]  # zeros(n): __post_init__
    decision_factor: np.ndarray = None  # type: ignore[assignment]  # ones(n)
    envoy_days: np.ndarray = None  # type: ignore[assignment]  # inf(n)
    shocks: Any = None

    def mobilised(self, parties=slice(None)) -> np.ndarray:
        """The mobilisation share of ``parties`` this week, ``sigmoid((h − θ)/s)``
        (dynamics 7.4: 0 at peace, 1 in war): how far the moment has passed for
        instruments that weigh less once a party is mobilised."""
        dyn = self.params.dynamics
        return mobilisation(self.state.hostility[parties], 1.0, dyn.mobilisation_threshold,
                            dyn.mobilisation_width)

    def __post_init__(self) -> None:
        n = self.current.size
        if self.envoy_support is None:
            self.envoy_support = np.zeros(n)
        if self.decision_factor is None:
            self.decision_factor = np.ones(n)
        if self.envoy_days is None:
            self.envoy_days = np.full(n, np.inf)

    @property
    def bodies(self) -> list:
        """The acting bodies, the UN first."""
        return ([self.un] if self.un is not None else []) + list(self.regional_bodies.values())

    def pay(self, body, usd: float) -> None:
        """Book ``usd`` on the run's ledger and on ``body``'s rapid-response fund."""
        self.ledger.spend(usd)
        body.fund.pay(usd)

    @property
    def n(self) -> int:
        return self.current.size


@dataclass
class Settlement:
    """An agreement's cut of hostility and grievance at ``parties`` (applied by the model
    after the response's week, in the order agreements were reached)."""

    parties: np.ndarray
    hostility_kept: float
    grievance_kept: float


@dataclass
class Effects:
    """What the response's week changes in the escalation equation and in observation.

    Attributes:
        cost: per party, the international cost of escalating (hostility/week).
        misperception: per party, the multiplier on ``dynamics.noise_sd`` for perception
            errors (the same array from week to week, changed in place).
        misperception_changed: parties whose misperception changed this week, or None.
        observation: per party, the factor on observers' noise, or None (1 everywhere):
            the product of the instruments' :attr:`Instrument.noise_factor`, set by the
            response when one changed.
        observation_changed: parties whose factor changed this week, or None (no change);
            instruments add to it with :meth:`observed`.
        settlements: agreements reached this week, in order.
        hardened: ``(parties, grievance)`` pairs: lasting grievance added this week
            (baseline and current; a coercive measure that backfired).
    """

    cost: np.ndarray
    misperception: np.ndarray
    misperception_changed: np.ndarray | None = None
    observation: np.ndarray | None = None
    observation_changed: np.ndarray | None = None
    settlements: list[Settlement] = field(default_factory=list)
    hardened: list[tuple[np.ndarray, float]] = field(default_factory=list)

    def observed(self, parties: np.ndarray) -> None:
        """An instrument's noise factor changed at ``parties`` this week."""
        self.observation_changed = (parties if self.observation_changed is None else
                                    np.union1d(self.observation_changed, parties))


class Clock:
    """When each party's next decision of one kind comes due (inf: none), for which
    crisis, and the earliest of them, so a week with nothing due skips the scan."""

    def __init__(self, n: int):
        self.week = np.full(n, np.inf)
        self.crisis = np.full(n, -1, dtype=np.int64)
        self.next = np.inf

    def set(self, parties: np.ndarray, weeks, crises: np.ndarray) -> None:
        """``parties``' decisions come due at ``weeks`` (one week or one each), for
        ``crises``; this replaces any earlier due week of theirs."""
        if parties.size:
            self.week[parties] = weeks
            self.crisis[parties] = crises
            self.next = min(self.next, float(np.min(weeks)))

    def take(self, week: float, current: np.ndarray) -> tuple[np.ndarray, int | None]:
        """Clear the decisions due by ``week``; return the parties whose crisis is still
        ``current`` and how many were dropped (None: nothing was due)."""
        if self.next > week + _EPS:
            return _NONE, None
        idx = (self.week <= week + _EPS).nonzero()[0]
        self.week[idx] = np.inf
        self.next = float(self.week.min())
        if not idx.size:
            return idx, None
        valid = current[idx] == self.crisis[idx]
        return idx[valid], int(idx.size - valid.sum())


class Slot:
    """One instrument of the policy: its acting bodies per party and, per party, where its
    current crisis is in the instrument's pipeline.

    Attributes (arrays over parties unless noted):
        spec, instrument: what the policy asks for, and the instrument that does it.
        bodies: list of the acting bodies per party, the lead first (absent ones dropped);
            lead: the first of them (None if no body can act).
        actor: the acting bodies' names ("UN", "RB2", "UN+RB2").
        unity, issuers: mean unity and number of acting bodies (statement force);
            unity_now: the same for the current crisis (politics make it crisis-specific).
        coordination_weeks: the partnership's coordination time; can_act: some body can act.
        crisis: the crisis the slot was triggered for (-1: none);
            trigger_week, agenda_week, decision_week, consent_week, resourced_week: when it
            reached each stage for that crisis (nan: not yet).
        rerouted: the Council was blocked, the regional body leads this crisis.
        decisions: :class:`Clock` of the next decisions; repeat: repeats so far.
        consent: :class:`Clock` of the next try at the host's consent; tries: tries so far.
        stages: :class:`Clock` of a later stage (a mission's deployment).
        cache: an instrument's per-slot constants.
    """

    STAGES = ("trigger_week", "agenda_week", "decision_week", "consent_week",
              "resourced_week")

    def __init__(self, spec: "InstrumentSpec", instrument: "Instrument",
                 per_region: dict[int, tuple], coordination: Callable,
                 regions: np.ndarray):
        self.spec, self.instrument = spec, instrument
        n = regions.size
        regions = regions.tolist()
        self.bodies = [per_region[r] for r in regions]
        self.lead = [bs[0] if bs else None for bs in self.bodies]
        # the lead body per party as an index of body_at (-1: none), and the body that
        # leads when the Council is blocked (the last of the partnership): vectorised
        # lookups of who leads what (leads, led_by)
        self.body_at: list = list({id(b): b for bs in per_region.values() for b in bs}
                                  .values())
        index = self._index = {id(b): k for k, b in enumerate(self.body_at)}
        self._lead_id = np.array([index[id(bs[0])] if bs else -1 for bs in self.bodies],
                                 dtype=np.int64)
        self._last_id = np.array([index[id(bs[-1])] if bs else -1 for bs in self.bodies],
                                 dtype=np.int64)
        self.cache: dict[str, object] = {}
        table = {r: ("+".join(b.name for b in bs), float(np.mean([b.params.unity for b in bs]))
                     if bs else 0.0, len(bs), coordination(spec, bs) if bs else np.inf)
                 for r, bs in per_region.items()}
        self.actor = np.array([table[r][0] for r in regions], dtype=object)
        self.unity = np.array([table[r][1] for r in regions])
        self.unity_now = self.unity.copy()
        self.issuers = np.array([table[r][2] for r in regions], dtype=np.int64)
        self.coordination_weeks = np.array([table[r][3] for r in regions])
        self.can_act = self.issuers > 0
        self._actor0, self._issuers0 = self.actor.copy(), self.issuers.copy()
        self.crisis = np.full(n, -1, dtype=np.int64)
        for name in self.STAGES:
            setattr(self, name, np.full(n, np.nan))
        self.rerouted = np.zeros(n, dtype=bool)
        self.decisions = Clock(n)
        self.repeat = np.zeros(n, dtype=np.int64)
        self.consent = Clock(n)
        self.tries = np.zeros(n, dtype=np.int64)
        self.stages = Clock(n)

    def lead_of(self, party: int):
        """The body that leads this slot's current crisis at ``party``."""
        if self.rerouted[party]:
            return self.bodies[party][-1]  # the regional body, when the Council is blocked
        return self.lead[party]

    def leads(self, parties: np.ndarray) -> np.ndarray:
        """Per party of ``parties``: the index in :attr:`body_at` of the body that leads
        its current crisis (as :meth:`lead_of`, for many parties at once)."""
        return np.where(self.rerouted[parties], self._last_id[parties],
                        self._lead_id[parties])

    def led_by(self, body, parties: np.ndarray) -> np.ndarray:
        """Per party of ``parties``: whether ``body`` leads its current crisis."""
        k = self._index.get(id(body))
        if k is None:
            return np.zeros(parties.size, dtype=bool)
        return self.leads(parties) == k

    def reroute(self, parties: np.ndarray) -> None:
        """The Council is blocked on the crises at ``parties``: the regional body leads
        them, alone (it is the actor and the only issuer)."""
        self.rerouted[parties] = True
        for i in parties.tolist():
            self.actor[i] = self.bodies[i][-1].name
        self.issuers[parties] = 1

    def reset(self, parties: np.ndarray, crises: np.ndarray, week: float) -> None:
        """Triggered for new crises at ``parties``: the pipeline starts again."""
        self.crisis[parties] = crises
        for name in self.STAGES:
            getattr(self, name)[parties] = np.nan
        self.trigger_week[parties] = week
        self.rerouted[parties] = False
        self.actor[parties] = self._actor0[parties]
        self.issuers[parties] = self._issuers0[parties]
        self.unity_now[parties] = self.unity[parties]
        self.repeat[parties] = 0
        self.tries[parties] = 0


class Instrument:
    """Base class: one instrument of preventive diplomacy.

    Subclasses set :attr:`name` (the ``kind`` policies use), :attr:`params_group` (the
    field of ``params.instruments`` holding its parameters) and implement :meth:`act`;
    the other hooks do nothing unless overridden. Each is registered in
    ``sim.core.policies.INSTRUMENTS``.
    """

    name: ClassVar[str]
    #: The field of ``Params.instruments`` that holds this instrument's parameters.
    params_group: ClassVar[str]

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.params: Any = getattr(ctx.params.instruments, self.params_group)

    # ----------------------------------------------------------- the week, in order
    def begin_week(self, week: float) -> None:
        """Before this week's decisions: effects decay, stocks erode."""

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:  # pragma: no cover
        """Carry out the decisions of ``slot`` (one instrument of the policy) that are due
        this week for ``parties`` (indices; each has an open crisis)."""
        raise NotImplementedError

    def stage(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """A later stage that comes due (e.g. a mission's deployment); none by default."""

    def plan(self, slot: Slot, week: float) -> None:
        """Each week, for a slot not started by crises (trigger ``election``): plan what
        is due (electoral assistance ahead of votes)."""

    #: Per party, the factor on observers' noise this instrument sets (None: it never
    #: sets one); the response multiplies the factors of all instruments.
    noise_factor: np.ndarray | None = None

    def run_week(self, week: float, effects: Effects) -> None:
        """After this week's decisions: ongoing work (missions, envoys); may add to the
        week's ``effects`` (settlements, observation, misperception)."""

    def cost(self, week: float) -> np.ndarray | None:
        """Its per-party contribution to the cost of escalating this week, or None."""
        return None

    # ----------------------------------------------------------- what it hears
    def on_crisis_opened(self, parties: np.ndarray) -> None:
        """New crises opened at ``parties``."""

    def on_follow_up(self, parties: np.ndarray) -> None:
        """Another instrument followed up at ``parties``."""

    def on_crisis_closed(self, parties: np.ndarray) -> None:
        """Crises closed at ``parties`` (pending work for them will be dropped)."""

    # ----------------------------------------------------------- its records
    def records(self):
        """A table of what it did, one row per deployment or mission (None: none kept)."""
        return None

    #: Whether the host must consent before it acts (the response asks, with retries).
    needs_consent: ClassVar[bool] = False

    def consent_probability(self) -> float:
        """The chance a host consents at crisis level without patrons: the instrument's
        ``consent_probability`` parameter where it has one, else 1."""
        return getattr(self.params, "consent_probability", 1.0)

    def holds(self, body, parties: np.ndarray, week: float) -> np.ndarray:
        """Per party: still busy for ``body`` (an envoy engaged, a mission in the field,
        a request waiting for resources); a body keeps such situations on its agenda."""
        return np.zeros(parties.size, dtype=bool)

    # ----------------------------------------------------------- helpers
    def log_many(self, week: float, kind: EventKind, parties: np.ndarray, actor, detail
                 ) -> None:
        self.ctx.log.add_many(week, kind, parties, actor, detail)


class Payments:
    """Decisions an instrument starts only if its lead body's rapid-response fund covers
    their first cost (in the order given, per body). What cannot be paid waits — it is
    offered again each week while its crisis is open (:meth:`due`) — or is dropped and
    counted in :attr:`unfunded`, as ``policy.unfunded`` says."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.unfunded = 0
        self._unpaid: list[tuple[Slot, np.ndarray, np.ndarray]] = []

    def split(self, slot: Slot, parties: np.ndarray, cost: np.ndarray | float,
              defer: bool = True) -> np.ndarray:
        """The parties whose decisions the funds cover (``cost`` USD each); the others
        wait or are dropped (``defer=False``: they are let go, uncounted)."""
        cost = np.broadcast_to(np.asarray(cost, dtype=float), parties.shape)
        paid = np.ones(parties.size, dtype=bool)
        leads = slot.leads(parties)
        for k in dict.fromkeys(leads.tolist()):
            mine = leads == k
            paid[mine] = np.cumsum(cost[mine]) <= slot.body_at[k].fund.balance
        unpaid = parties[~paid]
        if unpaid.size and defer:
            if self.ctx.params.policy.unfunded == "wait":
                self._unpaid.append((slot, unpaid, self.ctx.current[unpaid]))
            else:
                self.unfunded += unpaid.size
        return parties[paid]

    def due(self) -> list[tuple[Slot, np.ndarray]]:
        """The waiting decisions whose crisis is still open, taken off the list (offer
        them again: what still cannot be paid goes back on it)."""
        waiting, self._unpaid = self._unpaid, []
        out = []
        for slot, parties, crises in waiting:
            live = parties[self.ctx.current[parties] == crises]
            if live.size:
                out.append((slot, live))
        return out

    def holds(self, body, parties: np.ndarray) -> np.ndarray:
        """Per party: a decision of ``body``'s waiting for money."""
        held = np.zeros(parties.size, dtype=bool)
        for slot, waiting, _ in self._unpaid:
            held |= np.isin(parties, waiting[slot.led_by(body, waiting)])
        return held


class Presence(Instrument):
    """Base class of an instrument that stays at a party once started (sanctions in
    force, a group of friends convened): per party until when (``until``; -inf: none),
    whose (``body``) and at what intensity, its running cost, and its end when the
    crisis closes. It holds its body's attention while it lasts."""

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.until = np.full(ctx.n, -np.inf)
        self.intensity = np.ones(ctx.n)
        self.body: list = [None] * ctx.n

    def start(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """Present at ``parties`` for the slot's ``duration_weeks``, for its lead body."""
        for i in parties.tolist():
            self.body[i] = slot.lead_of(i)
        self.until[parties] = week + slot.spec.duration_weeks
        self.intensity[parties] = slot.spec.intensity

    def present(self, week: float) -> np.ndarray:
        """Per party: present this week."""
        return self.until > week

    def pay_running(self, week: float, usd_per_week: float) -> None:
        """This week's running cost of every presence, from its body's fund."""
        for i in self.present(week).nonzero()[0].tolist():
            self.ctx.pay(self.body[i], usd_per_week * self.ctx.dt * self.intensity[i])

    def holds(self, body, parties: np.ndarray, week: float) -> np.ndarray:
        return np.array([self.until[i] > week and self.body[i] is body
                         for i in parties.tolist()], dtype=bool)

    def on_crisis_closed(self, parties: np.ndarray) -> None:
        self.until[parties] = -np.inf  # it ends with the crisis
