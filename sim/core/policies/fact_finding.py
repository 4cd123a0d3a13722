"""Fact-finding missions and inquiries (¶32, ¶42, ¶47, ¶66)."""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from sim.core.agents import Request
from sim.core.dynamics import Level
from sim.core.events import EventKind
from sim.core.params import FactFindingParams
from sim.core.policies.base import _EPS, Context, Effects, Instrument, Slot

CRISIS = int(Level.CRISIS)  # a plain int compares with arrays much faster than IntEnum


class FactFinding(Instrument):
    """A fact-finding mission: needs consent, then a team of its lead body's (a limited
    pool) and its fund's money; deploys after ``deploy_days`` — its action on the ground
    — and for its duration lowers misperception between the party and its neighbours,
    raises the accountability cost of violence and sharpens observers' view of the party.
    A request that finds no free team waits in the body's queue; one the fund cannot pay
    waits or is dropped (``policy.unfunded``).

    State (per party): ``mission_until`` (week its mission ends; -inf: none),
    ``mission_intensity``; the number of active missions next to each party (ties in
    either direction) and the misperception and observation factors that follow, kept up
    to date as missions start and end.

    Effects: misperception × ``misperception_factor`` at and next to a mission; observers'
    noise × ``observation_factor`` at it; a cost of ``accountability × intensity`` while
    the party is at crisis or above.

    Sources:
        ¶32 (impartial facts change calculations, defuse tension, build confidence),
        ¶42 (consent and sovereignty), ¶47, ¶66.
    """

    name = "fact_finding"
    params_group = "fact_finding"
    params: FactFindingParams
    needs_consent = True


    def __init__(self, ctx: Context):
        super().__init__(ctx)
        n = ctx.n
        self.mission_until = np.full(n, -np.inf)
        self.mission_intensity = np.ones(n)
        self._active = np.zeros(n, dtype=bool)   # a mission is on the ground
        self._n_active = 0
        self._reach = np.zeros(n, dtype=np.int64)  # active missions next to each party
        self._misperception_base = np.full(n, ctx.params.dynamics.misperception)
        self._misperception = self._misperception_base.copy()
        self.noise_factor = np.ones(n)
        self._degree = np.diff(ctx.neighbours.indptr)
        self._missions: list[tuple] = []  # (party, crisis, deploy week, until)
        self._body = np.full(n, None, dtype=object)  # the lead body of each party's mission
        self._held = np.zeros(n, dtype=np.int64)     # teams it holds there
        self._en_route = np.zeros(n, dtype=np.int64)  # of which not yet on the ground
        self._queues: dict = {}  # body -> requests waiting for a team or money
        self.cancelled = 0       # requests dropped because their crisis closed
        self.unfunded = 0        # requests dropped for want of money (policy.unfunded=drop)

    def act(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """Consent given: the mission asks its lead body for a team and the money."""
        self.log_many(week, EventKind.ACTION, parties, slot.actor[parties],
                      "fact_finding consented")
        current = self.ctx.current
        for i, crisis in zip(parties.tolist(), current[parties].tolist()):
            body = slot.lead_of(i)
            self._queues.setdefault(body, deque()).append(Request(i, crisis, slot, week))
        for body in list(self._queues):
            self._dispatch(body, week)

    def _dispatch(self, body, week: float) -> None:
        """Start the waiting missions of ``body`` while a team is free and its fund can
        pay the first week: each deploys after ``deploy_days``."""
        queue, current, p = self._queues[body], self.ctx.current, self.params
        started: list[tuple[Slot, int]] = []
        while queue and body.teams_free > 0:
            request = queue[0]
            if current[request.party] != request.crisis:  # closed while it waited
                queue.popleft()
                self.cancelled += 1
                continue
            if not body.fund.covers(p.cost_usd_per_week * self.ctx.dt
                                    * request.slot.spec.intensity):
                if self.ctx.params.policy.unfunded == "wait":
                    break
                queue.popleft()
                self.unfunded += 1
                continue
            queue.popleft()
            body.teams_free -= 1
            self._body[request.party] = body
            self._held[request.party] += 1
            self._en_route[request.party] += 1
            started.append((request.slot, request.party))
        for slot in dict.fromkeys(s for s, _ in started):
            parties = np.array([i for s, i in started if s is slot], dtype=np.int64)
            slot.stages.set(parties, week + p.deploy_days / 7.0, current[parties])
            self.ctx.resourced(slot, parties, week)

    def stage(self, slot: Slot, parties: np.ndarray, week: float) -> None:
        """The mission is on the ground: its action."""
        self._en_route[parties] -= 1
        until = week + slot.spec.duration_weeks
        self.mission_until[parties] = np.maximum(self.mission_until[parties], until)
        self.mission_intensity[parties] = slot.spec.intensity
        self.ctx.follow_up(parties)
        self.log_many(week, EventKind.DEPLOYMENT, parties, slot.actor[parties],
                      "fact_finding mission")
        self.ctx.on_ground(slot, parties, week)
        crises = self.ctx.current[parties].tolist()
        self._missions += [(i, c, week, until) for i, c in zip(parties.tolist(), crises)]

    def run_week(self, week: float, effects: Effects) -> None:
        active = self.mission_until > week + _EPS
        changed = (active != self._active).nonzero()[0]
        if changed.size:
            ended = changed[~active[changed]]
            effects.misperception_changed = self._update_reach(changed, active)
            effects.observed(changed)
            self._release(ended)
        effects.misperception = self._misperception
        if self._n_active:
            weekly = self.params.cost_usd_per_week * self.ctx.dt
            self.ctx.ledger.spend(weekly * float(self.mission_intensity[active].sum()))
            for i in active.nonzero()[0].tolist():
                self._body[i].fund.pay(weekly * self.mission_intensity[i])
        for body, queue in self._queues.items():
            if queue:
                self._dispatch(body, week)

    def _release(self, parties: np.ndarray, en_route: bool = False) -> None:
        """Missions over: their teams are free again, but not those of missions still on
        their way there (a later crisis's); ``en_route``: only those, which will not
        deploy."""
        for i in parties.tolist():
            free = int(self._en_route[i] if en_route else self._held[i] - self._en_route[i])
            if free:
                self._body[i].teams_free += free
                self._held[i] -= free
            if en_route:
                self._en_route[i] = 0
            if not self._held[i]:
                self._body[i] = None

    def on_crisis_closed(self, parties: np.ndarray) -> None:
        """A mission not yet on the ground will not deploy: its team is released."""
        self._release(parties[self._en_route[parties] > 0], en_route=True)

    def holds(self, body, parties: np.ndarray, week: float) -> np.ndarray:
        """Missions of ``body`` in the field (or on their way), and requests it queues."""
        waiting = {r.party for r in self._queues.get(body, ())}
        return np.array([self._body[i] is body or i in waiting for i in parties.tolist()],
                        dtype=bool)

    def cost(self, week: float) -> np.ndarray | None:
        """Accountability: missions make violence costly where the party is in crisis."""
        if not self._n_active:
            return None
        held = (self._active & (self.ctx.state.level >= CRISIS)).nonzero()[0]
        cost = np.zeros(self.ctx.n)
        cost[held] = self.params.accountability * self.mission_intensity[held]
        d = self.params.mobilised_discount
        if d and held.size:  # facts matter most while they are contested
            cost[held] *= 1.0 - d * self.ctx.mobilised(held)
        return cost

    def _update_reach(self, changed: np.ndarray, active: np.ndarray) -> np.ndarray:
        """Missions started or ended at ``changed``: update the count of active missions
        next to each party, and misperception and observation noise where they change.
        Returns the parties whose misperception may have changed.

        Only the changed parties and their neighbours are touched, so the cost follows
        the missions, not the network (a full ``neighbours @ active`` each time missions
        change was a sparse product over all ties nearly every week at 10,000 parties).
        """
        p, nb = self.params, self.ctx.neighbours
        delta = np.where(active[changed], 1, -1)
        lo, sizes = nb.indptr[changed], self._degree[changed]
        # the neighbours of every changed party, concatenated (CSR rows gathered)
        rows = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
        neighbours = nb.indices[rows]
        np.add.at(self._reach, neighbours, np.repeat(delta, sizes))
        touched = np.concatenate([changed, neighbours])  # repeats are harmless here
        near = active[touched] | (self._reach[touched] > 0)
        self._misperception[touched] = self._misperception_base[touched] * np.where(
            near, p.misperception_factor, 1.0)
        self.noise_factor[changed] = np.where(active[changed], p.observation_factor, 1.0)
        self._n_active += int(delta.sum())
        self._active = active
        return touched

    def records(self) -> pd.DataFrame:
        """One row per mission deployed: party index, crisis, deployment and end week."""
        return pd.DataFrame(self._missions, columns=["party", "crisis", "deployed_week",
                                                     "until_week"])
