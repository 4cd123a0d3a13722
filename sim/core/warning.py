"""Early warning: observers see hostility with noise and lag; crises open and close.

Each observer filters its lagged, noisy reports of each party's hostility into an
estimate (a Kalman filter that knows its own error), and the observers' estimates are
fused by precision into one **shared picture** of each party (``warning.tracking_sd``;
docs/model.md 7.13). A **crisis** of a party opens when the shared picture reaches the
warning threshold (lowered in an election period) and closes when it has stayed below
the threshold minus the escalation hysteresis for ``warning.calm_weeks_to_close`` weeks in
a row. Within a crisis, the first report of violence (the lagged true hostility at the
violence threshold, ``warning.violence_events``) raises a **violence alarm**. Every actor
responds to the same crisis clock, so the warning-to-action gap is measured from the
first warning (¶47). With ``tracking_sd = 0`` and ``violence_events`` off (the model
before issue 16) an observer acts on each raw report: a crisis opens at the first report
at or above any observer's threshold, and noise crossing the violence threshold raises
the alarm.

Each observer draws one standard normal per party per week from the ``observation``
stream, whatever happens, so observation never shifts another stream's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from sim.core.dynamics import Level

#: Weeks within which a due time counts as due (decisions, stages, resolved warnings).
EPS_WEEKS = 1e-9
#: The variance (hostility²) an observer without error or lag is given in the shared
#: picture, so that its weight is finite (10¹² times anyone's): it decides alone.
_EXACT_VARIANCE = 1e-12


@dataclass
class Observer:
    """One early-warning system (a regional body's or the UN's).

    Attributes:
        name: who observes (the body's name; the ``actor`` of its warnings).
        parties: indices of the parties it watches.
        noise_sd: observation noise for each watched party (hostility units).
        lag_weeks: reporting lag for each watched party (whole weeks).
        threshold: observed hostility at which it warns.
    """

    name: str
    parties: np.ndarray
    noise_sd: np.ndarray
    lag_weeks: np.ndarray
    threshold: float
    #: its own random stream (its own layers, drawn after the others each week), so that
    #: adding it leaves every other observer's errors as they were; None: the shared one
    rng: np.random.Generator | None = None


class CrisisTable:
    """Every crisis of a run as growable columns (one row per crisis, id = row).

    Columns: ``party``, ``warned_by`` (observer index); the weeks of its stages —
    ``warning_week``, ``alarm_week`` (observers saw violence), ``agenda_week`` (a body
    took it up), ``decision_week`` (its first decision), ``consent_week`` (the host's
    first consent), ``action_week`` (the first action on the ground: a statement issued,
    a mission deployed, an envoy arrived), ``closed_week`` (nan while open); the
    warning-to-action gap of its first action in parts that sum to it (:data:`WAITS`:
    waiting for the trigger, on the agenda, to decide, for consent, for resources, for
    deployment); ``actions`` (decisions taken), ``consent_tries`` and ``blocked`` (the
    Council could not decide).
    """

    #: The parts of a crisis's warning-to-action gap, in the order they are waited for.
    WAITS = ("wait_trigger", "wait_agenda", "wait_decision", "wait_consent",
             "wait_resources", "wait_deployment")
    FLOATS = ("warning_week", "alarm_week", "agenda_week", "decision_week", "consent_week",
              "action_week", "closed_week", *WAITS)
    INTS = ("party", "warned_by", "actions", "consent_tries", "blocked")

    def __init__(self, capacity: int = 64):
        self.n = 0
        for name in self.INTS:
            setattr(self, name, np.zeros(capacity, dtype=np.int64))
        for name in self.FLOATS:
            setattr(self, name, np.full(capacity, np.nan))

    def __len__(self) -> int:
        return self.n

    def append(self, parties: np.ndarray, week: float, warned_by: np.ndarray) -> np.ndarray:
        """Open one crisis per party; returns their ids."""
        k = parties.size
        if self.n + k > self.party.size:
            size = max(2 * self.party.size, self.n + k)
            for name in (*self.INTS, *self.FLOATS):
                old = getattr(self, name)
                new = np.full(size, np.nan) if old.dtype.kind == "f" else np.zeros(size, old.dtype)
                new[:self.n] = old[:self.n]
                setattr(self, name, new)
        ids = np.arange(self.n, self.n + k)
        self.party[ids] = parties
        self.warned_by[ids] = warned_by
        self.warning_week[ids] = week
        self.n += k
        return ids

    def record_actions(self, ids: np.ndarray, week: float) -> None:
        """Decisions taken this week on crises ``ids`` (the first decision's week kept)."""
        self.actions[ids] += 1  # ids are distinct: one open crisis per party
        self.first(self.decision_week, ids, week)

    @staticmethod
    def first(column: np.ndarray, ids: np.ndarray, week: float) -> np.ndarray:
        """Set ``column`` to ``week`` where it is still nan; returns the ids set now."""
        new = ids[np.isnan(column[ids])]
        column[new] = week
        return new

    def column(self, name: str) -> np.ndarray:
        return getattr(self, name)[:self.n]


class EarlyWarning:
    """Runs the observers every week and keeps the crises of every party."""

    def __init__(self, observers: list[Observer], n_parties: int, violence_threshold: float,
                 hysteresis: float, calm_weeks: int, dt_weeks: float,
                 initial_hostility: np.ndarray, rng: np.random.Generator,
                 persistence: float = 0.0, regional_share: float = 0.0,
                 region: np.ndarray | None = None, tracking_sd: float = 0.0,
                 violence_events: bool = False):
        """``persistence`` (per week) and ``regional_share`` make the observers' errors
        persist (AR(1)) and share a regional part (``region``: each party's region
        code); both 0: independent errors, drawn as before. ``tracking_sd`` > 0: each
        observer filters its reports (:meth:`_track`) with this sd of a week's change in
        hostility; 0: it acts on each raw report. ``violence_events``: violence is seen
        when it is reported (the lagged true hostility at the violence threshold), not
        when an estimate or report crosses it."""
        self.observers = observers
        self.n = n_parties
        self.violence_threshold = violence_threshold
        self.hysteresis = hysteresis
        self.calm_weeks = calm_weeks
        self.rng = rng
        # Observers' (observer, party) pairs laid out in dense layers of n parties: a
        # party watched by several observers appears once per layer, in observer order,
        # so a week's observation is a few contiguous vectorised operations.
        layer_of: list[np.ndarray] = []   # per layer: observer index per party, -1 absent
        # observers with their own stream come last, each in layers of its own
        order = sorted(range(len(observers)), key=lambda k: observers[k].rng is not None)
        if order != list(range(len(observers))):
            raise ValueError("observers with their own stream must come after the others")
        shared = 0  # layers of the observers that use the shared stream
        for k, obs in enumerate(observers):
            todo = np.asarray(obs.parties, dtype=np.int64)
            own = obs.rng is not None
            for layer in (layer_of[shared:] if own else layer_of):
                if own and (layer[layer >= 0] != k).any():
                    continue
                free = todo[layer[todo] < 0]
                layer[free] = k
                todo = np.setdiff1d(todo, free, assume_unique=True)
                if not todo.size:
                    break
            if todo.size:
                layer = np.full(n_parties, -1, dtype=np.int64)
                layer[todo] = k
                layer_of.append(layer)
            if not own:
                shared = len(layer_of)
        self._shared_layers = shared
        self._own = [(observers[k].rng, [r for r, lay in enumerate(layer_of)
                                         if (lay == k).any()])
                     for k in range(len(observers)) if observers[k].rng is not None]
        self.layer_observer = (np.vstack(layer_of) if layer_of
                               else np.full((0, n_parties), -1, dtype=np.int64))
        shape = self.layer_observer.shape
        self.present = self.layer_observer >= 0
        self.layer_noise = np.zeros(shape)
        self.layer_threshold = np.full(shape, np.inf)
        lag = np.zeros(shape, dtype=np.int64)
        for k, obs in enumerate(observers):
            rows, cols = np.nonzero(self.layer_observer == k)
            sorter = np.argsort(obs.parties)
            where = sorter[np.searchsorted(obs.parties, cols, sorter=sorter)]
            self.layer_noise[rows, cols] = np.broadcast_to(obs.noise_sd, obs.parties.shape)[where]
            lag[rows, cols] = np.rint(np.broadcast_to(obs.lag_weeks, obs.parties.shape)[where]
                                      / dt_weeks).astype(np.int64)
            self.layer_threshold[rows, cols] = obs.threshold
        depth = int(lag.max(initial=0)) + 1
        self._buffer = np.repeat(initial_hostility[None, :], depth, axis=0)
        # each layer reads the buffer row of its most common reporting lag for every
        # party, then the rows of its other lags where they apply: (layer, lag, [(lag,
        # parties), ...])
        self._copies = []
        for row in range(shape[0]):
            lags, counts = np.unique(lag[row][self.present[row]], return_counts=True)
            main = int(lags[np.argmax(counts)]) if lags.size else 0
            others = [(v, np.flatnonzero(self.present[row] & (lag[row] == v)))
                      for v in lags.tolist() if v != main]
            self._copies.append((row, main, others))
        self._calm_level = self.layer_threshold - hysteresis
        # the comparisons read a (layers, 1) column instead of a full array when every
        # party of a layer has the same threshold (the usual case): less memory traffic
        uniform = all(np.unique(t[p]).size <= 1 for t, p in zip(self.layer_threshold,
                                                                 self.present))
        if uniform and shape[0]:
            first = np.where(self.present, self.layer_threshold, -np.inf).max(axis=1)
            self._warn_at = first[:, None]
            self._calm_at = (first - hysteresis)[:, None]
        else:
            self._warn_at, self._calm_at = self.layer_threshold, self._calm_level
        self._all_present = bool(self.present.all())
        # the shared picture's thresholds per party: the lowest of its observers'
        self._party_warn_at = np.where(self.present, self.layer_threshold,
                                       np.inf).min(axis=0, initial=np.inf)
        self._party_calm_at = self._party_warn_at - hysteresis
        self._fused = np.full(n_parties, -np.inf)
        self._fused_variance = np.full(n_parties, np.inf)
        self._all_watched = bool(self.present.any(axis=0).all())
        self._weight, self._product = np.empty(shape), np.empty(shape)
        self._total = np.zeros(n_parties)   # Σ of the weights per party
        self._seen = np.empty(shape)   # last week's observed hostility (-inf where absent)
        self._eps = np.empty(shape)
        # persistent and regional errors (standardised; the noise scales them)
        self._rho = persistence ** dt_weeks if persistence else 0.0
        self._share = regional_share
        if regional_share:
            codes = np.zeros(n_parties, np.int64) if region is None else np.asarray(region)
            self._regions, self._region_of = np.unique(codes, return_inverse=True)
        self._error: np.ndarray | None = None  # last week's standardised error
        # the observers' filters: their estimates are ``_seen``; their variances here
        self._q = tracking_sd ** 2 * dt_weeks   # variance of a step's change
        # what the lag adds, of now (infinite where an observer does not watch: weight 0)
        self._stale = np.where(self.present, self._q * lag, np.inf)
        self._variance: np.ndarray | None = None  # None until the first report
        # Parties whose filters have not settled: the variances (and so the gains and the
        # picture's weights) are data-independent and reach a fixed point in a few dozen
        # weeks; from then on they are kept, not recomputed, until a coup or a change of
        # noise unsettles them. ``_reweigh``: parties whose weights must be recomputed.
        self._unsettled = self._reweigh = np.arange(n_parties)
        self._estimate = np.empty(0)
        self._events = np.zeros(shape, dtype=bool) if violence_events else None
        #: per observer: its credibility, the running share of its warnings proved right
        #: (``learn``); ``None`` until a run sets :meth:`keep_records`
        self.credibility: np.ndarray | None = None
        self._resolved = 0  # crises (in warning order) whose warning has been resolved
        self._head = 0            # row of the newest observation-ready hostility
        self._noise_factor: np.ndarray | None = None  # fact-finding sharpens observation
        self._noise = self.layer_noise                # layer_noise × the factor
        self._exact = False
        self._set_r()                                 # the filters' error variances
        self.current = np.full(n_parties, -1, dtype=np.int64)  # open crisis id or -1
        self._alarmed = np.zeros(n_parties, dtype=bool)  # the open crisis had its alarm
        self._open = np.zeros(n_parties, dtype=bool)     # current >= 0
        self._calm_run = np.zeros(n_parties, dtype=np.int32)  # never above calm_weeks
        self.table = CrisisTable()
        self.closed_ids = np.empty(0, dtype=np.int64)

    def push(self, hostility: np.ndarray) -> None:
        """Store this week's true hostility for lagged observation."""
        self._head = (self._head + 1) % self._buffer.shape[0]
        self._buffer[self._head] = hostility

    @property
    def noise_factor(self) -> np.ndarray | None:
        """Per-party factor on observation noise (fact-finding missions), or None."""
        return self._noise_factor

    def set_noise_factor(self, factor: np.ndarray | None,
                         changed: np.ndarray | None = None) -> None:
        """Set the per-party noise factor (None: none); call again after changing it,
        with the ``changed`` parties if only they changed."""
        if factor is None:
            self._noise = self.layer_noise
        elif changed is None or self._noise is self.layer_noise:
            self._noise = self.layer_noise * factor
        else:
            self._noise[:, changed] = self.layer_noise[:, changed] * factor[changed]
        self._noise_factor = factor
        if self._q:
            self._set_r(None if factor is None or self._r.shape != self._noise.shape
                        else changed)

    def _set_r(self, changed: np.ndarray | None = None) -> None:
        """The filters' error variances ``r = σ²`` (at ``changed`` parties only if
        given), and whether some watching slot has neither error nor lag."""
        if changed is None:
            self._r = np.square(self._noise)
        else:
            self._r[:, changed] = np.square(self._noise[:, changed])
        exact = bool(((self._r == 0) & (self._stale == 0) & self.present).any())
        self._unsettle(None if changed is None or exact != self._exact else changed)
        self._exact = exact

    def _unsettle(self, parties: np.ndarray | None) -> None:
        """The filters of ``parties`` (None: all) must be recomputed from now on."""
        self._unsettled = (np.arange(self.n) if parties is None
                           else np.union1d(self._unsettled, parties))

    def observe(self, week: float, alert: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Observe all parties; return the parties whose crisis opened, raised its
        violence alarm, or closed this week (indices; their ids are ``current``).
        ``alert``: per party, how far below their thresholds observers warn this week
        (an election coming)."""
        seen, eps = self._seen, self._eps
        # one draw per observer-party pair, every week
        if self._own:
            self.rng.standard_normal(out=eps[:self._shared_layers])
            for rng, rows in self._own:
                eps[rows] = rng.standard_normal((len(rows), eps.shape[1]))
        else:
            self.rng.standard_normal(out=eps)
        if self._rho or self._share:
            self._correlate(eps)
        np.multiply(self._noise, eps, out=eps)
        buffer, depth, head = self._buffer, self._buffer.shape[0], self._head
        events, vt = self._events, self.violence_threshold
        for row, lag, others in self._copies:
            truth = buffer[(head - lag) % depth]
            # the parties of this layer with another lag: their truth, read before eps
            # (their errors) is overwritten with the reports
            elsewhere = [(idx, buffer[(head - other) % depth, idx]) for other, idx in others]
            reports = [truth_i + eps[row, idx] for idx, truth_i in elsewhere]
            np.add(truth, eps[row], out=eps[row])
            for (idx, _), report in zip(elsewhere, reports):
                eps[row, idx] = report
            if events is not None:
                np.greater_equal(truth, vt, out=events[row])
                for idx, truth_i in elsewhere:
                    events[row, idx] = truth_i >= vt
        # eps now holds this week's reports
        if self._q:
            self._track(eps)
        else:  # the reports are what it sees: swap the buffers
            self._seen, self._eps = eps, seen
            seen = eps
        if not self._all_present:
            seen[~self.present] = -np.inf
        if events is None:
            alarm = (seen >= vt).any(axis=0)
        else:
            alarm = _row_any(events if self._all_present else events & self.present)
        if self._q:  # one shared picture: the observers' estimates fused
            weight = self._fuse()
            fused = self._fused if alert is None else self._fused + alert
            warn_any = fused >= self._party_warn_at
            calm_all = self._fused < self._party_calm_at
        else:        # any observer's report
            warn = (seen >= self._warn_at) if alert is None else (seen + alert >= self._warn_at)
            warn_any = warn.any(axis=0)
            calm_all = ~(seen >= self._calm_at).any(axis=0)

        current, is_open = self.current, self._open
        # x.nonzero()[0], not np.flatnonzero(x): same indices without its Python wrappers
        opened = (warn_any & ~is_open).nonzero()[0]
        if opened.size:
            # the first observer (in observer order) that warned on each party; in the
            # shared picture, the one that weighed most in it
            first_layer = np.argmax((weight if self._q else warn)[:, opened], axis=0)
            current[opened] = self.table.append(
                opened, week, self.layer_observer[first_layer, opened])
            is_open[opened] = True
            self._alarmed[opened] = False
        alarmed = (alarm & is_open & ~self._alarmed).nonzero()[0]
        if alarmed.size:
            self.table.alarm_week[current[alarmed]] = week
            self._alarmed[alarmed] = True
        calm_run = self._calm_run
        calm_run += 1
        calm_run *= calm_all & is_open       # a week that is not calm resets the count
        closed = (calm_run >= self.calm_weeks).nonzero()[0]  # only open crises count
        self.closed_ids = current[closed]
        if closed.size:
            self.table.closed_week[self.closed_ids] = week
            current[closed] = -1
            is_open[closed] = False
            calm_run[closed] = 0
        return opened, alarmed, closed

    def _track(self, report: np.ndarray) -> None:
        """Each observer's Kalman filter of each party's hostility (a random walk with
        a step variance ``q``, seen with the observer's error σ, ``r = σ²``): the
        estimate moves towards the report by the gain ``K = (v + q)/(v + q + r)``, and
        its variance becomes ``(1 − K)(v + q) = K·r``. An observer without error (r = 0)
        takes each report as it is; the first report is taken as it is, with variance
        r. ``report`` is overwritten.

        The variance recursion does not depend on the reports: it is computed only for
        the unsettled parties, and a party whose variances no longer change (bit for
        bit) is settled — the same numbers as computing it every week."""
        r = self._r
        if self._variance is None:
            self._estimate = report.copy()
            self._variance = r.copy()
            self._gain = np.empty_like(r)
        else:
            u = self._unsettled
            if u.size:
                cols = slice(None) if u.size == self.n else u
                v = self._variance[:, cols]
                pred = v + self._q                   # > 0: no 0/0 below
                gain = pred / (pred + r[:, cols])
                new = gain * r[:, cols]
                settled = (new == v).all(axis=0)  # before v (maybe a view) is written
                self._gain[:, cols] = gain
                self._variance[:, cols] = new
                self._unsettled = u[~settled]
                self._reweigh = u
            report -= self._estimate
            report *= self._gain
            self._estimate += report
        self._seen[...] = self._estimate

    def _fuse(self) -> np.ndarray:
        """The shared picture of each party now: the observers' estimates weighted by
        their precision about now (independent errors), ``m = Σ m_k/u_k / Σ 1/u_k`` with
        variance ``1/Σ 1/u_k``, where ``u_k = v_k + q·L_k``: an estimate L_k steps old
        (the observer's lag) knows less of now. In ``_fused`` and ``_fused_variance``;
        returns the weights (0 where an observer does not watch). The weights are
        recomputed where the variances changed (``_reweigh``)."""
        u = self._reweigh
        if u.size:
            cols = slice(None) if u.size == self.n else u
            weight = self._variance[:, cols] + self._stale[:, cols]
            if self._exact:  # an observer without error or lag somewhere: it decides
                np.maximum(weight, _EXACT_VARIANCE, out=weight)
            weight = np.divide(1.0, weight, out=weight)
            self._weight[:, cols] = weight
            self._total[cols] = _row_sum(weight)
            self._fused_variance[cols] = np.divide(
                1.0, self._total[cols], out=np.full(self._total[cols].shape, np.inf),
                where=self._total[cols] > 0)
            self._reweigh = u[:0]
        fused = _row_sum(np.multiply(self._weight, self._estimate, out=self._product))
        if self._all_watched:
            fused /= self._total
            self._fused = fused
        else:
            self._fused = np.divide(fused, self._total, out=np.full(self.n, -np.inf),
                                    where=self._total > 0)
        return self._weight

    def surprise(self, parties: np.ndarray, size: float) -> None:
        """Something visible happened to ``parties`` (a coup): each observer's
        uncertainty about them grows by ``size²`` at once, so its next reports weigh
        more. (Those reports are lagged: at the default lags the coup's jump reaches them
        after the filter has regained most of its confidence — docs/model.md 7.13.)"""
        if self._variance is not None and parties.size:
            self._variance[:, parties] += size ** 2
            self._unsettle(parties)

    @property
    def seen(self) -> np.ndarray:
        """Last week's observed hostility, one row per layer (-inf where absent)."""
        return self._seen

    def perceived(self, observer: int | None, parties: np.ndarray) -> np.ndarray:
        """This week's hostility of ``parties`` as ``observer`` (an index of
        :attr:`observers`) saw it; where it does not watch a party (or has no early
        warning: ``None``), the highest any observer saw (warnings are shared)."""
        seen = self._seen[:, parties]
        best = seen.max(axis=0) if seen.shape[0] else np.zeros(parties.size)
        if observer is None:
            return best
        mine = self.layer_observer[:, parties] == observer
        return np.where(mine.any(axis=0), np.where(mine, seen, -np.inf).max(axis=0), best)

    def risk(self, horizon_weeks: float = 0.0) -> np.ndarray:
        """Per party, this week's risk estimate (0 where no observer watches).

        With the observers' filters (``tracking_sd`` > 0): the probability that it is at
        violence ``horizon_weeks`` from now, for a random walk from the shared picture's
        estimate m with its variance v and the filter's step variance q,
        ``Φ((m − θ_v)/√(v + q·H))`` — an onset probability. Without (raw reports): the
        highest probability over the observers that its hostility is above their warning
        threshold now, ``Φ((seen − threshold)/σ)`` (a step where an observer has no
        error)."""
        if self._q:
            watched = np.isfinite(self._fused)
            sd = np.sqrt(self._fused_variance + self._q * horizon_weeks)
            z = np.divide(self._fused - self.violence_threshold, sd,
                          out=np.full(self.n, -np.inf), where=watched)
            return ndtr(z)
        sd = np.where(self._noise > 0, self._noise, np.nan)
        z = (self._seen - self._warn_at) / sd
        p = np.where(np.isnan(z), (self._seen >= self._warn_at).astype(float), ndtr(z))
        p = np.where(self.present, p, 0.0)
        return p.max(axis=0) if p.shape[0] else np.zeros(self.n)

    def keep_records(self, prior: float, memory: float, horizon_weeks: float) -> None:
        """Keep each observer's credibility: ``prior`` at first, then each of its warnings,
        once ``horizon_weeks`` have passed, moves it by ``memory`` towards 1 (proved right)
        or 0 (proved false)."""
        self.credibility = np.full(len(self.observers), float(prior))
        self._memory, self._horizon = memory, horizon_weeks

    def learn(self, week: float, last_violent_week: np.ndarray) -> None:
        """Resolve the warnings issued ``horizon`` or more weeks before ``week``, in order:
        right if the party was at violence at some week since its warning
        (``last_violent_week``, -inf if never), false otherwise."""
        t, k = self.table, self._resolved
        due = week - self._horizon + EPS_WEEKS
        while k < t.n and t.warning_week[k] <= due:
            right = last_violent_week[t.party[k]] >= t.warning_week[k]
            o = t.warned_by[k]
            self.credibility[o] += self._memory * (float(right) - self.credibility[o])
            k += 1
        self._resolved = k

    def _correlate(self, eps: np.ndarray) -> None:
        """This week's standardised errors in place: ``u = √(1 − s)·ε + √s·r`` (r one
        draw per layer and region, after the parties' draws), then ``e = ρ·e_prev +
        √(1 − ρ²)·u`` (the first week ``e = u``); the sd stays 1."""
        if self._share:  # each layer's regional draws from its observer's stream
            common = np.empty((eps.shape[0], self._regions.size))
            self.rng.standard_normal(out=common[:self._shared_layers])
            for rng, rows in self._own:
                common[rows] = rng.standard_normal((len(rows), self._regions.size))
            eps *= np.sqrt(1.0 - self._share)
            eps += np.sqrt(self._share) * common[:, self._region_of]
        if self._rho:
            if self._error is None:
                self._error = eps.copy()
            else:
                self._error *= self._rho
                self._error += np.sqrt(1.0 - self._rho**2) * eps
                eps[...] = self._error

    def frame(self, party_ids: list) -> pd.DataFrame:
        """One row per crisis: its stages' weeks, the warning-to-action gap and its parts
        (see :class:`CrisisTable`). ``first_action_week`` is the first action on the
        ground (``action_week``)."""
        t = self.table
        names = np.array([o.name for o in self.observers] or [""], dtype=object)
        ids = np.asarray(party_ids, dtype=object)
        weeks = {name: t.column(name) for name in ("warning_week", "alarm_week", "agenda_week",
                                                   "decision_week", "consent_week")}
        return pd.DataFrame({
            "crisis": np.arange(len(t)), "party": ids[t.column("party")],
            "warned_by": names[t.column("warned_by")], **weeks,
            "action_week": t.column("action_week"),
            "first_action_week": t.column("action_week"),  # the name before issue 14
            "closed_week": t.column("closed_week"),
            "warning_to_action_weeks": t.column("action_week") - t.column("warning_week"),
            "warning_to_decision_weeks": t.column("decision_week") - t.column("warning_week"),
            **{name: t.column(name) for name in CrisisTable.WAITS},
            "actions": t.column("actions"), "consent_tries": t.column("consent_tries"),
            "blocked": t.column("blocked").astype(bool)})


def _fold_rows(a: np.ndarray, op) -> np.ndarray:
    """``op.reduce(a, axis=0)`` for the few layers of observers, as row operations in
    place (faster for 2-3 rows); all zeros (False) for no rows."""
    if not a.shape[0]:
        return np.zeros(a.shape[1], dtype=a.dtype)
    out = a[0].copy()
    for row in a[1:]:
        op(out, row, out=out)
    return out


def _row_sum(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=0)`` over the observer layers."""
    return _fold_rows(a, np.add)


def _row_any(a: np.ndarray) -> np.ndarray:
    """``a.any(axis=0)`` over the observer layers (boolean rows)."""
    return _fold_rows(a, np.logical_or)


class RiskScore:
    """The Brier score of the observers' risk estimates, resolved as the run goes.

    Each week every party not at violence gets a forecast p (:meth:`EarlyWarning.risk`);
    ``horizon`` steps later it is scored against y = a violence onset in the weeks
    between, ``(p − y)²``. The reference is climatology: the share of resolved forecasts
    with an onset, ȳ, whose Brier score is ȳ(1 − ȳ); the skill is ``1 − BS / BS_ref``.
    Forecasts still open at the end of the run are not scored."""

    def __init__(self, n_parties: int, horizon_steps: int):
        self._p = np.full((max(horizon_steps, 1), n_parties), np.nan)
        self._week = np.full(max(horizon_steps, 1), np.nan)
        self._last_onset = np.full(n_parties, -np.inf)
        self._k = 0
        self.sum_sq, self.sum_y, self.count = 0.0, 0.0, 0

    def step(self, week: float, p: np.ndarray, onsets: np.ndarray) -> None:
        """This week's onsets (party indices) and forecasts (nan: not forecast)."""
        self._last_onset[onsets] = week
        k = self._k
        if not np.isnan(self._week[k]):  # the forecast of horizon steps ago is due
            old = self._p[k]
            scored = ~np.isnan(old)
            y = self._last_onset[scored] > self._week[k]
            self.sum_sq += float(((old[scored] - y) ** 2).sum())
            self.sum_y += float(y.sum())
            self.count += int(scored.sum())
        self._p[k], self._week[k] = p, week
        self._k = (k + 1) % self._p.shape[0]

    def scores(self) -> tuple[float, float]:
        """Brier score and Brier skill score against climatology (nan without data)."""
        if not self.count:
            return float("nan"), float("nan")
        brier, rate = self.sum_sq / self.count, self.sum_y / self.count
        reference = rate * (1.0 - rate)
        return brier, (1.0 - brier / reference) if reference > 0 else float("nan")


def score_warnings(party: np.ndarray, warning_week: np.ndarray, closed_week: np.ndarray,
                   levels: np.ndarray, weeks: np.ndarray, horizon_weeks: float
                   ) -> dict[str, float]:
    """Score each crisis-opening warning against what happened.

    Args:
        party, warning_week, closed_week: one entry per crisis (``closed_week`` nan while
            open), as in :class:`CrisisTable`.
        levels, weeks: the run's level history and the week of each row.

    * hit: the party entered violence within ``horizon_weeks`` after the warning;
    * late: the party was already in violence when warned;
    * false alarm: neither (a warning whose horizon runs past the end of the run without
      violence counts here: the run cannot tell);
    * miss: a violence onset that no warning preceded: no crisis of that party was open
      at the onset and none opened in the ``horizon_weeks`` before it.

    And the skill scores forecasting research reports: ``warning_precision`` = hits /
    (hits + false alarms), the share of forecasting warnings (on a party not yet at
    violence) followed by an onset; ``warning_recall`` = warned onsets / onsets;
    ``warning_lead_weeks`` = the median over warned onsets of the onset's week minus the
    earliest warning that warned it (nan where there is nothing to score). They score the
    run's own trajectory: under a policy an onset it prevented makes its warning a false
    alarm, so compare observers' skill under ``policy=none`` on the same seeds.
    """
    violent = levels >= Level.VIOLENCE
    onset = np.zeros_like(violent)
    onset[1:] = violent[1:] & ~violent[:-1]
    dt = float(weeks[1] - weeks[0]) if len(weeks) > 1 else 1.0
    rows = np.rint((np.asarray(warning_week) - weeks[0]) / dt).astype(np.int64)
    party = np.asarray(party, dtype=np.int64)
    late = violent[rows, party] & ~onset[rows, party]
    # onsets per party as a cumulative count over rows, to count onsets in a window
    cum = np.vstack([np.zeros((1, onset.shape[1]), np.int64), np.cumsum(onset, axis=0)])
    end = np.minimum(rows + int(round(horizon_weeks / dt)), len(weeks) - 1)
    hit = ~late & (cum[end + 1, party] - cum[rows, party] > 0)
    # a violence onset is warned if a crisis of its party opened at most horizon_weeks
    # before it and had not closed before it
    onset_rows, onset_party = np.nonzero(onset)
    closed = np.where(np.isnan(closed_week), np.inf, closed_week)
    warned = np.zeros(onset_rows.size, dtype=bool)
    lead = np.full(onset_rows.size, np.nan)
    order = np.argsort(party, kind="stable")
    starts = np.searchsorted(party[order], onset_party, side="left")
    stops = np.searchsorted(party[order], onset_party, side="right")
    for k, (lo, hi) in enumerate(zip(starts, stops)):
        c = order[lo:hi]
        w = weeks[onset_rows[k]]
        ok = (warning_week[c] <= w) & ((closed[c] >= w) | (warning_week[c] >= w - horizon_weeks))
        warned[k] = ok.any()
        if warned[k]:
            lead[k] = w - float(np.min(np.asarray(warning_week)[c][ok]))
    hits, late_n = int(hit.sum()), int(late.sum())
    false_alarms = int(party.size) - hits - late_n
    forecasts = hits + false_alarms
    return {"warnings": int(party.size), "warnings_hit": hits, "warnings_late": late_n,
            "warnings_false_alarm": false_alarms, "violence_missed": int((~warned).sum()),
            "warning_precision": hits / forecasts if forecasts else float("nan"),
            "warning_recall": (float(warned.mean()) if warned.size else float("nan")),
            "warning_lead_weeks": (float(np.median(lead[warned])) if warned.any()
                                   else float("nan"))}
