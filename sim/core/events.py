"""The event log: what happened, to whom, when, caused by whom.

Level changes (many, vectorised) are stored as array chunks; other events (shocks,
warnings, actions) as rows. :meth:`EventLog.frame` builds the pandas table on demand.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

import numpy as np
import pandas as pd

COLUMNS = ["week", "kind", "party", "actor", "detail"]


class EventKind(StrEnum):
    """Kinds of events. Values are what the ``kind`` column holds."""

    ESCALATION = "escalation"          # a party's level rose (detail "from->to")
    DEESCALATION = "deescalation"      # a party's level fell
    VIOLENCE_ONSET = "violence_onset"  # threshold moment: entry into level >= 3
    VIOLENCE_END = "violence_end"      # back below level 3
    ELECTION = "election"              # polling week of a scheduled election
    COUP = "coup"                      # unconstitutional change of government
    WARNING = "warning"                # an observer's warning opens a crisis
    VIOLENCE_ALARM = "violence_alarm"  # an observer sees violence in an open crisis
    CRISIS_CLOSED = "crisis_closed"    # every observer sees calm again
    ACTION = "action"                  # an instrument acts: a statement issued, a mission
                                       # or an envoy requested after consent (detail)
    CONSENT_REFUSED = "consent_refused"  # the host refuses one try (a mission, an envoy)
    DEPLOYMENT = "deployment"          # a mission or an envoy is on its way / on the ground
    AGREEMENT = "agreement"            # an envoy brokers a de-escalation agreement
    MEDIATION_FAILED = "mediation_failed"  # an engagement ends without agreement
    ENGAGEMENT_ENDED = "engagement_ended"  # the crisis closed while the envoy was engaged
    RELAPSE = "relapse"                # violence onset of a party that had an agreement
    AGREEMENT_BROKEN = "agreement_broken"  # an agreement in force breaks down at a party
    BACKFIRE = "backfire"              # a coercive measure hardens its target (detail)
    COUNCIL_BLOCKED = "council_blocked"  # the Security Council cannot decide on a crisis
    ELECTORAL_ASSISTANCE = "electoral_assistance"  # assistance planned for a coming vote


class EventLog:
    """Append-only log of a run's events, in the order they happened.

    ``counts`` gives the number of events of each kind without building the table.
    """

    def __init__(self, party_ids: list, violence_level: int):
        self._party_ids = np.asarray(party_ids, dtype=object)
        self._violence = violence_level
        self._rows: list[tuple] = []    # (seq, week, kind, party index or -1, actor, detail)
        self._changes: list[tuple[int, float, np.ndarray, np.ndarray, np.ndarray]] = []
        self._chunks: list[tuple] = []   # (seq, week, kind, parties, actor, detail)
        self._seq = 0
        self._frame: pd.DataFrame | None = None
        self._counts: Counter[str] = Counter()
        self._changes_counted = 0  # level-change chunks already in _counts

    @property
    def counts(self) -> Counter[str]:
        """Number of events of each kind so far (level changes tallied on demand, in
        one vectorised pass over the chunks not yet counted)."""
        pending = self._changes[self._changes_counted:]
        if pending:
            old = np.concatenate([c[3] for c in pending])
            new = np.concatenate([c[4] for c in pending])
            up = int((new > old).sum())
            self._counts[EventKind.ESCALATION.value] += up
            self._counts[EventKind.DEESCALATION.value] += old.size - up
            self._counts[EventKind.VIOLENCE_ONSET.value] += int(
                ((old < self._violence) & (new >= self._violence)).sum())
            self._counts[EventKind.VIOLENCE_END.value] += int(
                ((old >= self._violence) & (new < self._violence)).sum())
            self._changes_counted = len(self._changes)
        return self._counts

    def add(self, week: float, kind: EventKind, party: int | None = None, actor: str = "",
            detail: str = "") -> None:
        """Record one event; ``party`` is a party index (or None for system events)."""
        value = kind._value_  # plain attribute: Enum's .value is a slow descriptor
        self._rows.append((self._seq, week, value, -1 if party is None else party,
                           actor, detail))
        self._seq += 1
        self._counts[value] += 1
        self._frame = None

    def add_many(self, week: float, kind: EventKind, parties: np.ndarray, actor="",
                 detail="") -> None:
        """Record one event per party index in ``parties`` (vectorised).

        ``actor``: a string or one per party. ``detail``: a string, one per party, or a
        ``(template, values)`` pair formatted only when the table is built
        (``("crisis {}", ids)``), so logging costs no string work per step.
        """
        if not len(parties):
            return
        self._chunks.append((self._seq, week, kind._value_, np.asarray(parties), actor,
                             detail))
        self._seq += 1
        self._counts[kind._value_] += len(parties)
        self._frame = None

    def add_level_changes(self, week: float, old: np.ndarray, new: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Record every party whose level changed this step (indices found vectorised);
        returns them with their old and new levels."""
        idx = (old != new).nonzero()[0]
        old, new = old[idx], new[idx]
        if idx.size:
            self._changes.append((self._seq, week, idx, old, new))
            self._seq += 1
            self._frame = None
        return idx, old, new

    def __len__(self) -> int:
        return sum(self.counts.values())

    def frame(self) -> pd.DataFrame:
        """All events as a DataFrame with columns week, kind, party, actor, detail."""
        if self._frame is not None:
            return self._frame
        cols: dict[str, list] = {k: [] for k in ("seq", "sub", "week", "kind", "party",
                                                 "actor", "detail")}

        def add(seq, sub, week, kind, party, actor, detail):
            n = len(party)
            cols["seq"].append(np.full(n, seq) if np.isscalar(seq) else np.asarray(seq))
            cols["sub"].append(np.full(n, sub))
            cols["week"].append(np.full(n, week, dtype=float) if np.isscalar(week)
                                else np.asarray(week, dtype=float))
            cols["kind"].append(np.broadcast_to(np.asarray(kind, dtype=object), n))
            cols["party"].append(np.asarray(party))
            cols["actor"].append(np.broadcast_to(np.asarray(actor, dtype=object), n))
            cols["detail"].append(np.asarray(detail, dtype=object))

        if self._rows:
            seq, week, kind, party, actor, detail = (list(c) for c in zip(*self._rows))
            party = np.asarray(party)
            ids = np.where(party >= 0, self._party_ids[np.maximum(party, 0)], None)
            add(seq, 0, week, np.asarray(kind, dtype=object), ids,
                np.asarray(actor, dtype=object), detail)
        for seq, week, idx, old, new in self._changes:
            detail = np.char.add(np.char.add(old.astype(str), "->"), new.astype(str))
            kinds = np.where(new > old, EventKind.ESCALATION.value,
                             EventKind.DEESCALATION.value).astype(object)
            add(seq, 0, week, kinds, self._party_ids[idx], "", detail.astype(object))
            for mask, kind in (((old < self._violence) & (new >= self._violence),
                                EventKind.VIOLENCE_ONSET),
                               ((old >= self._violence) & (new < self._violence),
                                EventKind.VIOLENCE_END)):
                if mask.any():
                    add(seq, 1, week, kind.value, self._party_ids[idx[mask]], "",
                        detail[mask].astype(object))
        for seq, week, kind, parties, actor, detail in self._chunks:
            n = len(parties)
            if isinstance(detail, tuple):
                template, values = detail
                detail = [template.format(v) for v in np.asarray(values).tolist()]
            elif isinstance(detail, str):
                detail = [detail] * n
            actor = [actor] * n if isinstance(actor, str) else list(actor)
            add(seq, 0, week, kind, self._party_ids[parties], np.asarray(actor, dtype=object),
                np.asarray(detail, dtype=object))
        if not cols["seq"]:
            frame = pd.DataFrame({c: pd.Series(dtype=float if c == "week" else object)
                                  for c in COLUMNS})
        else:
            data = {k: np.concatenate(v) for k, v in cols.items()}
            order = np.lexsort((data["sub"], data["seq"]))
            frame = pd.DataFrame({c: data[c][order] for c in COLUMNS})
            frame["party"] = frame["party"].astype(object)
        self._frame = frame
        return frame
