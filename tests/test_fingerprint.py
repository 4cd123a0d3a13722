"""Exact fingerprints of seeded runs: a change that should not move a number must not.

Each case is a seeded run composed as the CLI composes it. Its fingerprint hashes the
run's numbers only: the level history, the final hostility (float64 bytes), every event
as (week, kind, party), every crisis's weeks and party, and the international spending —
not the text of event details or how a table is printed. Refactoring or optimising must
leave every fingerprint as it is; a deliberate change of the model's numbers must update
``tests/data/fingerprints.json`` in the same commit, and say why:

    .venv/bin/python -m tests.test_fingerprint --write

The file also keeps each case's outcomes, so a mismatch says which outcomes moved. The
cases cover every policy of ``configs/policy/``, every network family, the scenario
library's shocks, bodies and early warning switched off, UN regional offices, zero delays
and lags, a 2,000-party network and the linear block-model sampler (above 5,000 parties).
"""

from __future__ import annotations

import hashlib
import json
import sys

import numpy as np
import pytest

from sim.config import compose
from sim.core import metrics
from sim.core.events import EventKind
from sim.core.model import ConflictModel
from sim.core.params import (
    PREVIOUS_ESCALATION,
    PREVIOUS_INFORMATION,
    PREVIOUS_INSTRUMENTS,
    PREVIOUS_SCENARIO_VALUES,
)
from tests.conftest import ROOT

FILE = ROOT / "tests" / "data" / "fingerprints.json"
#: The fingerprints of the model before issue 15's mechanisms were turned on, frozen:
#: every case with ``PREVIOUS_INSTRUMENTS`` must still match them.
PREVIOUS = ROOT / "tests" / "data" / "fingerprints_before_issue_15.json"
#: And before issue 16's observers: every case with ``PREVIOUS_INFORMATION`` matches them
#: (with ``PREVIOUS_INSTRUMENTS`` as well, the ones before issue 15).
BEFORE_OBSERVERS = ROOT / "tests" / "data" / "fingerprints_before_issue_16.json"
#: And before issue 17's calibration: ``PREVIOUS_ESCALATION`` (with the others, the earlier
#: ones).
BEFORE_CALIBRATION = ROOT / "tests" / "data" / "fingerprints_before_issue_17.json"

CASES: dict[str, list[str]] = {
    **{f"policy={p}": ["seed=11", f"policy={p}"]
       for p in sorted(f.stem for f in (ROOT / "configs" / "policy").glob("*.yaml"))},
    "electoral_crisis": ["seed=5", "scenario=electoral_crisis", "policy=graduated"],
    "coup_transition": ["seed=6", "scenario=coup_transition", "policy=envoy"],
    "regional_spillover": ["seed=7", "scenario=regional_spillover", "policy=graduated"],
    "post_conflict": ["seed=8", "scenario=post_conflict", "policy=fact_finding"],
    "small_world": ["seed=9", "network=small_world", "policy=graduated"],
    "scale_free": ["seed=10", "network=scale_free", "policy=graduated"],
    "half_week_steps": ["seed=12", "step_days=3.5", "policy=graduated"],
    "no_un": ["seed=1", "un.enabled=false", "policy=graduated"],
    "no_regional_bodies": ["seed=2", "regional.enabled=false", "policy=graduated"],
    "no_early_warning": ["seed=4", "regional.early_warning=false",
                         "un.early_warning=false", "policy=graduated"],
    "un_regional_offices": ["seed=6", "un.regional_offices=[0,2]", "policy=graduated"],
    "no_feedback": ["seed=7", "policy=graduated", "dynamics.feedback=false"],
    "no_shocks": ["seed=8", "policy=graduated", "shocks.enabled=false"],
    "instant_steps": ["seed=10", "policy=graduated", "policy.response_delay_days=0",
                      "instruments.fact_finding.deploy_days=0",
                      "shocks.election_lead_weeks=0", "shocks.election_lag_weeks=0",
                      "warning.calm_weeks_to_close=1"],
    "2000_parties": ["seed=13", "network.n_parties=2000", "horizon_weeks=104",
                     "policy=graduated"],
    "6000_parties": ["seed=14", "network.n_parties=6000", "horizon_weeks=26",
                     "policy=graduated"],
}


def run(overrides: list[str]) -> ConflictModel:
    return ConflictModel(compose(overrides)).run()


def fingerprint(model: ConflictModel) -> str:
    """A hash of the run's numbers (see the module docstring)."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(model.level_history).tobytes())
    digest.update(np.ascontiguousarray(model.state.hostility, dtype=np.float64).tobytes())
    events = model.events
    index = {pid: i for i, pid in enumerate(model.party_ids)}
    kinds = {k.value: code for code, k in enumerate(EventKind)}
    digest.update(events.week.to_numpy(np.float64).tobytes())
    digest.update(np.array([kinds[k] for k in events.kind], np.int64).tobytes())
    digest.update(np.array([index.get(p, -1) for p in events.party], np.int64).tobytes())
    table = model.warning.table
    for column in ("party", "warning_week", "alarm_week", "decision_week",
                   "closed_week", "actions"):
        digest.update(np.ascontiguousarray(table.column(column)).tobytes())
    digest.update(np.float64(model.response.cost_usd).tobytes())
    return digest.hexdigest()[:20]


def moved(stored: dict, now: dict) -> list[str]:
    """The outcomes that differ, as ``key: stored → now``."""
    same = lambda a, b: a == b or (a != a and b != b)  # noqa: E731  (nan equals nan here)
    return [f"{k}: {stored.get(k)} → {now[k]}" for k in now if not same(stored.get(k), now[k])]


@pytest.mark.parametrize("name", list(CASES))
def test_seeded_run_is_unchanged(name):
    expected = json.loads(FILE.read_text())
    assert name in expected, f"no stored fingerprint for {name}: run --write"
    model = run(CASES[name])
    if fingerprint(model) != expected[name]["hash"]:
        changes = moved(expected[name]["outcomes"], _jsonable(metrics.outcomes(model)))
        pytest.fail(f"{name}: the run's numbers changed; outcomes that moved: "
                    f"{'; '.join(changes) or 'none (levels, events or costs did)'}. If that "
                    "is deliberate, regenerate with `python -m tests.test_fingerprint "
                    "--write` and say why in the commit.")


def as_overrides(dotted: dict) -> list[str]:
    """Dotted parameters as command-line overrides."""
    text = lambda v: str(v).lower() if isinstance(v, bool) else str(v)  # noqa: E731
    return [f"{k}={text(v)}" for k, v in dotted.items()]


PRESETS = {  # frozen fingerprints: the overrides that bring their model back
    "issue 15": (PREVIOUS, {**PREVIOUS_INSTRUMENTS, **PREVIOUS_INFORMATION,
                            **PREVIOUS_ESCALATION}),
    "issue 16": (BEFORE_OBSERVERS, {**PREVIOUS_INFORMATION, **PREVIOUS_ESCALATION}),
    "issue 17": (BEFORE_CALIBRATION, PREVIOUS_ESCALATION)}


def scenario_values(case: list[str]) -> dict:
    """The old values of the case's scenario where they moved with the defaults."""
    scenarios = [o.split("=", 1)[1] for o in case if o.startswith("scenario=")]
    return PREVIOUS_SCENARIO_VALUES.get(scenarios[0], {}) if scenarios else {}


@pytest.mark.parametrize("before", list(PRESETS))
@pytest.mark.parametrize("name", list(CASES))
def test_with_the_previous_mechanisms_the_previous_numbers_return(name, before):
    """Issues 15, 16 and 17: with their mechanisms switched off (``PREVIOUS_INSTRUMENTS``,
    ``PREVIOUS_INFORMATION``, ``PREVIOUS_ESCALATION``), each case is bit for bit the model
    before them."""
    file, preset = PRESETS[before]
    expected = json.loads(file.read_text())
    if name not in expected:
        pytest.skip(f"{name} is newer than the frozen fingerprints")
    model = run(CASES[name] + as_overrides({**preset, **scenario_values(CASES[name])}))
    if fingerprint(model) != expected[name]["hash"]:
        changes = moved(expected[name]["outcomes"], _jsonable(metrics.outcomes(model)))
        pytest.fail(f"{name}: with the previous mechanisms the numbers differ from the "
                    f"model before {before}: {'; '.join(changes) or 'levels, events or costs'}")


def _jsonable(outcomes: dict) -> dict:
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in outcomes.items()}


def test_a_moved_outcome_is_named():
    """The failure message names what moved (so it says why, not only that)."""
    assert moved({"a": 1, "b": None}, {"a": 2, "b": None}) == ["a: 1 → 2"]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.test_fingerprint --write")
    prints = {}
    for name, overrides in CASES.items():
        model = run(overrides)
        prints[name] = {"hash": fingerprint(model),
                        "outcomes": _jsonable(metrics.outcomes(model))}
    FILE.write_text(json.dumps(prints, indent=1) + "\n")
    print(f"wrote {len(prints)} fingerprints to {FILE}")
