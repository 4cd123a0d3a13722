"""The event log: what happened, to whom, when, caused by whom.

Level changes (many, vectorised) are stored as array chunks; other events (shocks,
warnings, actions) as rows. :meth:`EventLog.frame` builds the pandas table on demand.
"""

from __future__ import annotations

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


class EventLog:
    """Append-only log of a run's events, in the order they happened."""

    def __init__(self, party_ids: list, violence_level: int):
        self._party_ids = np.asarray(party_ids, dtype=object)
        self._violence = violence_level
        self._rows: list[tuple] = []                                   # (seq, week, kind, idx, actor, detail)
        self._changes: list[tuple[int, float, np.ndarray, np.ndarray, np.ndarray]] = []
        self._seq = 0
        self._frame: pd.DataFrame | None = None

    def add(self, week: float, kind: EventKind, party: int | None = None, actor: str = "",
            detail: str = "") -> None:
        """Record one event; ``party`` is a party index (or None for system events)."""
        self._rows.append((self._seq, week, kind.value, party, actor, detail))
        self._seq += 1
        self._frame = None

    def add_level_changes(self, week: float, old: np.ndarray, new: np.ndarray) -> None:
        """Record every party whose level changed this step (indices found vectorised)."""
        idx = np.flatnonzero(old != new)
        if idx.size:
            self._changes.append((self._seq, week, idx, old[idx], new[idx]))
            self._seq += 1
            self._frame = None

    def __len__(self) -> int:
        return len(self.frame())

    def frame(self) -> pd.DataFrame:
        """All events as a DataFrame with columns week, kind, party, actor, detail."""
        if self._frame is not None:
            return self._frame
        parts = []
        if self._rows:
            seq, week, kind, idx, actor, detail = zip(*self._rows)
            parts.append(pd.DataFrame({
                "seq": seq, "week": np.asarray(week, float), "kind": kind,
                "party": [None if i is None else self._party_ids[i] for i in idx],
                "actor": actor, "detail": detail, "sub": 0}))
        for seq, week, idx, old, new in self._changes:
            up = new > old
            kinds = np.where(up, EventKind.ESCALATION.value, EventKind.DEESCALATION.value)
            detail = [f"{a}->{b}" for a, b in zip(old.tolist(), new.tolist())]
            parts.append(pd.DataFrame({"seq": seq, "week": float(week), "kind": kinds,
                                       "party": self._party_ids[idx], "actor": "",
                                       "detail": detail, "sub": 0}))
            onset = (old < self._violence) & (new >= self._violence)
            end = (old >= self._violence) & (new < self._violence)
            for mask, kind in ((onset, EventKind.VIOLENCE_ONSET), (end, EventKind.VIOLENCE_END)):
                if mask.any():
                    parts.append(pd.DataFrame({
                        "seq": seq, "week": float(week), "kind": kind.value,
                        "party": self._party_ids[idx[mask]], "actor": "",
                        "detail": [f"{a}->{b}" for a, b in zip(old[mask].tolist(),
                                                               new[mask].tolist())],
                        "sub": 1}))
        if not parts:
            frame = pd.DataFrame({c: pd.Series(dtype=float if c == "week" else object)
                                  for c in COLUMNS})
        else:
            frame = (pd.concat(parts, ignore_index=True)
                     .sort_values(["seq", "sub"], kind="stable")[COLUMNS]
                     .reset_index(drop=True))
            frame["party"] = frame["party"].astype(object)
        self._frame = frame
        return frame
