"""Every parameter of PrevSim: its default, unit, valid range and source, in one place.

This module is the single source of defaults. The Hydra schema (``sim.config``), the YAML
files under ``configs/``, the documentation (``docs/model.md``) and the dashboard's
controls are all derived from these dataclasses; nobody retypes a default.

Conventions:
    * Units are in the names (``_weeks``, ``_days``, ``_usd``, ``_per_year``) or, for the
      rates of the hostility equation, given in the field's ``unit`` metadata.
      Hostility is a dimensionless index; rates in the hostility equation are per week.
    * Each field carries metadata: ``help`` (meaning), ``unit``, bounds (``ge``, ``gt``,
      ``le``, ``lt``) or ``choices``, and ``source`` (where the default comes from).
      :func:`validate` checks every bound generically and then the cross-field rules.
    * The dataclasses are plain (not frozen): Hydra's structured configs need that.

Sources cited as ``¶N`` are paragraphs of the UN Secretary-General's report
*Preventive diplomacy: delivering results* (S/2011/552), summarised in DOMAIN.md.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import operator
import re
import typing
from dataclasses import dataclass, field
from typing import Any, List, Optional

import numpy as np

__all__ = [
    "DynamicsParams",
    "EscalationParams",
    "HistoryParams",
    "NetworkParams",
    "ParameterError",
    "Params",
    "PolicyParams",
    "RecordParams",
    "ScenarioInfo",
    "ShockParams",
    "UNCONSTRAINED",
    "iter_fields",
    "validate",
    "with_overrides",
]

DAYS_PER_WEEK = 7.0
#: Upper bounds shared by many fields: generous (far beyond any calibrated value) but
#: finite, so that no accepted value overflows to inf or nan inside a run.
MAX_HOSTILITY = 1e30   # thresholds, hostility values, the hostility cap (the analytic
                       # threshold study raises the cap to 1e30 to measure growth)
MAX_WEIGHT = 1e6       # a tie weight (generated or read from a file)
MAX_USD = 1e12         # one cost item
MAX_SEED = 2**63 - 1   # seeds are kept as 64-bit integers in the tables
MAX_STEPS = 100_000    # steps of one run (about a minute of a default run's time)
UNLIMITED = 1_000_000  # a capacity that never binds (attention, pools, standby team)
#: The institutions of the model before issue 14, as dotted overrides: unlimited
#: attention, fact-finding teams, standby capacity and funds, politics off, envoys without
#: consent, one consent try moved by nothing. Under it, with mediators enough and consent
#: certain as well, the warning-to-action gap is the policy's delay + consensus +
#: coordination + deployment (tests/test_institutions.py);
#: the same settings are ``lever=unconstrained`` (configs/lever/unconstrained.yaml).
UNCONSTRAINED: dict[str, Any] = {
    **{f"{body}.{name}": UNLIMITED for body in ("un", "regional")
       for name in ("attention_capacity", "fact_finding_teams", "standby_capacity")},
    "un.rapid_response_usd_per_year": MAX_USD, "regional.rapid_response_usd_per_year": MAX_USD,
    "politics.enabled": False, "instruments.envoy.consent": False,
    "consent.deterioration": 0.0, "consent.patron": 0.0, "consent.max_tries": 1,
}


#: The instruments as they worked before issue 15's mechanisms were turned on (agreements
#: signed alone, at fixed terms, never breaking; statements and missions the same at
#: every level; no entrenchment, no moral hazard, no infrastructures for peace): with
#: these overrides every run reproduces the numbers of the model before them
#: (tests/test_fingerprint.py checks the stored fingerprints of that model).
PREVIOUS_INSTRUMENTS: dict[str, Any] = {
    "instruments.envoy.counterpart_required": False, "instruments.envoy.terms_by_will": False,
    "instruments.envoy.talks_force": 0.0, "instruments.envoy.breakdown_rate_per_year": 0.0,
    "instruments.envoy.entrenchment": 0.0, "instruments.envoy.moral_hazard": 0.0,
    "instruments.statement.mobilised_discount": 0.0,
    "instruments.statement.credibility_erosion": 0.0,
    "instruments.fact_finding.mobilised_discount": 0.0,
    "history.peace_infrastructure_share": 0.0,
}
#: Issue 16's observers switched off: raw reports instead of filtered and fused estimates,
#: violence seen when a noisy report crosses it, no news of coups or elections, and the
#: warning thresholds before. Every case with these overrides matches the model before
#: issue 16 bit for bit (tests/test_fingerprint.py).
PREVIOUS_INFORMATION: dict[str, Any] = {
    "warning.tracking_sd": 0.0, "warning.violence_events": False,
    "warning.coups_seen": False, "warning.election_alert": 0.0,
    "un.warning_threshold": 1.2, "regional.warning_threshold": 1.2,
    "civil_society.warning_threshold": 1.2,
}
#: The escalation defaults before issue 17's calibration to the record: linear weariness,
#: the same for every party and fading in months, no war economies, and the prototype's
#: grievance memory and conflict trap. Every case with these overrides matches the model
#: before issue 17 bit for bit (tests/test_fingerprint.py), scenarios' own values apart
#: (``PREVIOUS_SCENARIO_VALUES``).
PREVIOUS_ESCALATION: dict[str, Any] = {
    "dynamics.weariness_rate": 0.01, "dynamics.weariness_cv": 0.0,
    "dynamics.weariness_max": 0.0, "dynamics.weariness_decay": 0.05,
    "dynamics.grievance_gain": 0.004, "dynamics.grievance_decay": 0.01,
    "history.grievance_boost": 0.06, "history.war_economy_share": 0.0,
    "history.war_economy_drive": 0.0, "history.past_war_fraction": 0.2,
}
#: Scenario values that moved with the defaults they are set against (to bring back the
#: model before issue 17 under that scenario, add these after PREVIOUS_ESCALATION).
PREVIOUS_SCENARIO_VALUES: dict[str, dict[str, Any]] = {
    "post_conflict": {"history.grievance_boost": 0.07, "history.past_war_fraction": 0.6},
    "calm": {"history.past_war_fraction": 0.1},
}
#: ``network.kind``: the generated families of ``sim.core.network.FAMILIES``, and files.
NETWORK_KINDS = ("regional_blocks", "small_world", "scale_free", "file")
PROTOTYPE = "DESIGN.md §3 prototype, calibrated (docs/model.md, Calibration)"
#: Defaults other defaults are derived from (each typed once): the exogenous noise on
#: hostility (the observers' filters assume it), the election period's extra drive and
#: the mean restraint (their ratio is the observers' election alert).
NOISE_SD = 0.12
ELECTION_TENSION = 0.1
RESTRAINT_MEAN = 0.4
CALIBRATED = ("calibrated to UCDP/PRIO: make calibrate (docs/model.md, Calibration to the "
              "record)")


#: Names that become part of a file or folder name (``scenario.name``, ``policy.name``,
#: ``study.name``, ``study.sweep_name``): letters, digits, ``.``, ``_`` and ``-``,
#: starting with a letter or digit, at most 64 characters. So no name can climb out of
#: ``results/`` (``..``, ``/``), hide a folder (``.x``), or make a file name too long.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_RULE = ("1-64 letters, digits, '.', '_' or '-', starting with a letter or digit "
             "(it becomes part of a folder name)")


def param(
    default: Any,
    *,
    help: str,
    unit: str = "-",
    source: str = "modelling choice",
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    choices: tuple[str, ...] | None = None,
    name: bool = False,
) -> Any:
    """A dataclass field with its documentation and valid range as metadata.

    ``name=True`` marks a text that becomes part of a path: it must match
    :data:`NAME_PATTERN`."""
    meta = {"help": help, "unit": unit, "source": source, "ge": ge, "gt": gt, "le": le,
            "lt": lt, "choices": choices, "name": name}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def overriding(base: type, name: str, default: Any, **changes: Any) -> Any:
    """Field ``name`` of the dataclass ``base`` with another default: its help, unit and
    range are the base's unless ``changes`` says otherwise (a subclass restates only what
    differs, usually the default and its source)."""
    meta = {**base.__dataclass_fields__[name].metadata, **changes}
    return param(default, **meta)


@dataclass
class ScenarioInfo:
    """Which stylised case the parameters describe."""

    name: str = param("default", help="Scenario name (the configs/scenario/ file that set "
                      "it); part of run folder names.", name=True)
    description: str = param(
        "Sixty parties in four regions, calibrated to produce episodes of violence.",
        help="One line on what the scenario represents.",
    )


@dataclass
class NetworkParams:
    """Who reacts to whom: the weighted graph W of parties."""

    kind: str = param(
        "regional_blocks",
        help="Graph family: a block model of regions (stochastic block model), a "
        "Watts-Strogatz small world, a Barabási-Albert scale-free graph, or a file.",
        choices=NETWORK_KINDS,
    )
    n_parties: int = param(60, help="Number of parties (nodes) of a generated network.",
                           unit="parties", ge=2, le=10_000_000, source=PROTOTYPE)
    n_regions: int = param(4, help="Regions of the block model (become regional bodies' "
                           "memberships); contiguous ring segments on a small world.",
                           unit="regions", ge=1, le=1000, source=PROTOTYPE)
    within_degree: float = param(3.0, help="Block model: expected number of ties a party "
                                 "has inside its own region (sets the within-region tie "
                                 "probability, so density stays fixed as networks grow).",
                                 unit="ties", ge=0, le=1000, source=PROTOTYPE)
    between_degree: float = param(0.5, help="Block model: expected number of ties a party "
                                  "has to other regions (cross-border spillover channels).",
                                  unit="ties", ge=0, le=1000, source=PROTOTYPE)
    k_nearest: int = param(4, help="Small world: each party is tied to its k nearest "
                           "neighbours on a ring before rewiring.", unit="ties", ge=2, le=1000)
    rewire_prob: float = param(0.1, help="Small world: probability of rewiring each tie.",
                               unit="probability", ge=0, le=1)
    attach_edges: int = param(2, help="Scale free: ties each new party makes "
                              "(preferential attachment).", unit="ties", ge=1, le=1000)
    weight_min: float = param(0.5, help="Generated ties get a weight drawn uniformly "
                              "from [weight_min, weight_max].", unit="-", ge=0, le=MAX_WEIGHT)
    weight_max: float = param(1.5, help="Upper bound of generated tie weights.", unit="-",
                              ge=0, le=MAX_WEIGHT)
    normalise: str = param(
        "row",
        help="How raw tie weights become W: 'row' divides each row by its sum (a party "
        "reacts to the weighted mean of its neighbours; ρ(W)=1 when no party is "
        "isolated), 'spectral' divides by ρ(W), 'none' keeps raw weights.",
        choices=("row", "spectral", "none"),
        source=PROTOTYPE,
    )
    path: Optional[str] = param(None, help="Network file for kind=file (GraphML or edge "
                                "list; relative paths are resolved from the working "
                                "directory).")
    file_format: str = param("auto", help="Format of the network file; 'auto' goes by "
                             "extension (.graphml/.xml → GraphML, else edge list).",
                             choices=("auto", "graphml", "edgelist"))


@dataclass
class DynamicsParams:
    """The network Richardson map with incentives and its three feedbacks.

    One step of length ``dt`` weeks (``Params.step_days / 7``)::

        h ← max(0, h + dt·(k·W·h̃ − a∘h + g + mob(h) − weariness + war economy − cost
                    + shocks)
                    + noise_sd·√dt·ε)

    where ``h̃`` is hostility as perceived, with misperception noise.
    """

    reaction: float = param(0.2, help="k: how strongly a party reacts to its neighbours' "
                            "perceived hostility (Richardson's defence coefficient).",
                            unit="1/week", ge=0, le=100, source=PROTOTYPE)
    restraint_mean: float = param(RESTRAINT_MEAN, help="a: mean restraint, the rate at which a "
                                  "party's hostility relaxes on its own (Richardson's "
                                  "fatigue/expense coefficient).", unit="1/week", gt=0,
                                  le=100, source=PROTOTYPE)
    restraint_sd: float = param(0.05, help="Spread of restraint across parties (normal, "
                                "truncated at 10% of the mean).", unit="1/week", ge=0, le=100)
    grievance_mean: float = param(0.08, help="g: mean baseline grievance, a constant push "
                                  "towards hostility.", unit="hostility/week", ge=0, le=100,
                                  source=PROTOTYPE)
    grievance_cv: float = param(0.5, help="Coefficient of variation of baseline grievance "
                                "across parties (gamma distribution; 0 = identical).",
                                unit="-", ge=0, le=10, source=PROTOTYPE)
    initial_hostility_mean: float = param(0.3, help="Mean hostility at week 0.",
                                          unit="hostility", ge=0, le=MAX_HOSTILITY)
    initial_hostility_sd: float = param(0.1, help="Spread of hostility at week 0 (normal, "
                                        "truncated at 0).", unit="hostility", ge=0,
                                        le=MAX_HOSTILITY)
    noise_sd: float = param(NOISE_SD, help="Exogenous noise on hostility (events nobody "
                            "controls). 0 switches off every kind of noise, misperception "
                            "included.", unit="hostility/√week", ge=0, le=100, source=PROTOTYPE)
    misperception: float = param(1.0, help="Misperception: each party misreads each "
                                 "neighbour's hostility with noise of sd "
                                 "misperception·noise_sd (fact-finding lowers it).",
                                 unit="× noise_sd", ge=0, le=100, source="¶32 (fact-finding "
                                 "corrects misperception); DESIGN.md §3")
    feedback: bool = param(True, help="Switch for the feedbacks (mobilisation, war "
                           "weariness, grievance memory, war economies). Off: the linear "
                           "map.")
    mobilisation: float = param(0.45, help="m: strength of the self-reinforcing "
                                "mobilisation term m·sigmoid((h−θ)/s) near the violence "
                                "threshold: violence begets violence.",
                                unit="hostility/week", ge=0, le=100, source=PROTOTYPE)
    mobilisation_threshold: float = param(1.5, help="θ: hostility at which mobilisation "
                                          "is half on (the threshold moment, ¶45).",
                                          unit="hostility", gt=0, le=MAX_HOSTILITY,
                                          source=PROTOTYPE)
    mobilisation_width: float = param(0.15, help="s: width of the mobilisation switch.",
                                      unit="hostility", ge=1e-6, le=MAX_HOSTILITY, source=PROTOTYPE)
    weariness_rate: float = param(0.0056, help="Mean war weariness added per week a party "
                                  "spends at violence or above (spread by weariness_cv); "
                                  "it is subtracted from the hostility drive, so wars end "
                                  "(hurting stalemate).",
                                  unit="hostility/week²", ge=0, le=100,
                                  source=CALIBRATED + "; 0.01 before issue 17 (prototype)")
    weariness_decay: float = param(0.0041, help="Fraction of war weariness that fades each "
                                   "week out of violence (none fades while fighting goes "
                                   "on): exhaustion outlasts the war (half-life about three "
                                   "years), so peace after a war holds for a while.",
                                   unit="1/week", ge=0, le=1,
                                   source=CALIBRATED + " (fixes the relapses within ten "
                                   "years); 0.05 before issue 17 (modelling choice)")
    weariness_cv: float = param(1.4, help="Spread of war's cost across parties: each "
                                "party tires at weariness_rate (and saturates at "
                                "weariness_max) × a gamma-distributed factor of mean 1 and "
                                "this coefficient of variation, drawn at week 0. Some wars "
                                "wear their parties down slowly (sons-of-the-soil and "
                                "resource wars last longest), others "
                                "fast (coups). 0: every party tires at weariness_rate (the "
                                "model before issue 17).", unit="-", ge=0, le=10,
                                source="Fearon 2004; Collier, Hoeffler & Söderbom 2004 "
                                "(durations differ widely by kind of war); no source gives "
                                "a spread: " + CALIBRATED)
    weariness_max: float = param(0.53, help="Mean ceiling war weariness approaches while "
                                 "the fighting goes on: a party's weariness grows by its "
                                 "rate·(1 − w/ceiling) a week, its ceiling this times the "
                                 "same factor that spreads its rate (weariness_cv), so "
                                 "parties and populations adapt to a long war, and a war "
                                 "whose drive exceeds its ceiling is not ended by "
                                 "weariness. 0: no ceiling, weariness grows linearly (the "
                                 "model before issue 17).",
                                 unit="hostility/week", ge=0, le=100,
                                 source="modelling choice (saturating costs of war); no "
                                 "source gives a number: " + CALIBRATED)
    grievance_gain: float = param(0.0014, help="Grievance added per week at violence or "
                                  "above (grievance memory: the conflict trap emerges).",
                                  unit="hostility/week²", ge=0, le=100,
                                  source="¶29 (conflict trap); " + CALIBRATED
                                  + "; 0.004 before issue 17")
    grievance_decay: float = param(0.021, help="Fraction of excess grievance (above the "
                                   "baseline) that fades each week (half-life about 33 "
                                   "weeks).", unit="1/week", ge=0, le=1,
                                   source=CALIBRATED + "; 0.01 before issue 17")
    will_to_settle_mean: float = param(0.5, help="Mean will to settle at week 0 "
                                       "(beta distributed); decisive for mediation (¶41).",
                                       unit="probability-like 0-1", ge=0, le=1,
                                       source="¶41")
    ripeness: float = param(2.0, help="How much war weariness raises the will to settle "
                            "(a hurting stalemate ripens a conflict for mediation).",
                            unit="1/hostility", ge=0, le=1000)
    hostility_cap: float = param(1e6, help="Numerical guard: hostility saturates here. "
                                 "The dynamics are exactly the linear map below it.",
                                 unit="hostility", gt=0, le=MAX_HOSTILITY)


@dataclass
class EscalationParams:
    """The escalation ladder: hostility thresholds of levels 1-4, with hysteresis."""

    tension: float = param(0.75, help="Hostility at which a party enters level 1, tension.",
                           unit="hostility", gt=0, le=MAX_HOSTILITY, source=PROTOTYPE)
    crisis: float = param(1.0, help="Hostility at which a party enters level 2, crisis.",
                          unit="hostility", gt=0, le=MAX_HOSTILITY, source=PROTOTYPE)
    violence: float = param(1.5, help="Hostility at which a party enters level 3, violence "
                            "(the threshold moment, ¶45).", unit="hostility", gt=0,
                            le=MAX_HOSTILITY,
                            source=PROTOTYPE)
    armed_conflict: float = param(2.6, help="Hostility at which a party enters level 4, "
                                  "armed conflict.", unit="hostility", gt=0, le=MAX_HOSTILITY,
                                  source=PROTOTYPE)
    hysteresis: float = param(0.2, help="A party leaves a level only when hostility falls "
                              "this far below the level's entry threshold.",
                              unit="hostility", ge=0, le=MAX_HOSTILITY)


@dataclass
class HistoryParams:
    """Conflict history: parties that had a war before the simulation starts."""

    past_war_fraction: float = param(
        0.49, help="Share of parties that had a civil war in the previous 30 years.",
        unit="share", ge=0, le=1,
        source="¶29 (90% of 2000s civil wars were in such countries); " + CALIBRATED
        + "; 0.2 before issue 17 (modelling choice)")
    grievance_boost: float = param(
        0.03, help="Baseline grievance added to parties with a past war (conflict trap).",
        unit="hostility/week", ge=0, le=100,
        source="¶29; " + CALIBRATED + "; 0.06 before issue 17")
    peace_infrastructure_share: float = param(
        0.2, help="Share of parties with a national infrastructure for peace (local peace "
        "committees, insider mediators): agreements there are carried by follow-up, as "
        "instruments.envoy.follow_up does everywhere (a network file's "
        "'peace_infrastructure' attribute overrides the draw).", unit="share", ge=0, le=1,
        source="¶56-¶58 (a few countries have them); no source gives a share: a fifth, "
        "as many as had a past war before issue 17")
    war_economy_share: float = param(
        0.56, help="Share of parties with a war economy (contraband, lootable resources, "
        "outside sponsors): while they are at violence, fighting pays (war_economy_drive). "
        "A network file's 'war_economy' attribute overrides the draw. 0: none (the model "
        "before issue 17).", unit="share", ge=0, le=1,
        source="¶50 (organised crime keeps violence going); Fearon 2004, Ross 2004 "
        "(contraband and lootable resources lengthen wars); no source gives a share: "
        + CALIBRATED + " (weakly identified: halving or doubling it moves little)")
    war_economy_drive: float = param(
        0.075, help="Hostility drive a war economy adds while its party is at violence "
        "(level 3 or above): it offsets war weariness, so such wars last longer.",
        unit="hostility/week", ge=0, le=100,
        source="¶50; Fearon 2004; no source gives a number: " + CALIBRATED
        + " (halving it moves no target much; doubling it lengthens wars)")


@dataclass
class ShockParams:
    """Exogenous shocks: scheduled elections and random coups."""

    enabled: bool = param(True, help="Switch for all shocks.")
    election_share: float = param(0.5, help="Share of parties that hold scheduled "
                                  "elections (the rest are e.g. armed groups).",
                                  unit="share", ge=0, le=1)
    election_interval_weeks: int = param(208, help="Weeks between a party's elections "
                                         "(first one at a random week).", unit="weeks",
                                         ge=1, le=5200)
    election_tension: float = param(ELECTION_TENSION, help="Extra grievance drive during "
                                    "an election period in a divided society (winner-takes-all, "
                                    "¶38-¶40).", unit="hostility/week", ge=0, le=100,
                                    source="¶38-¶40; calibrated")
    election_lead_weeks: int = param(6, help="Weeks before the vote that tension rises.",
                                     unit="weeks", ge=0, le=520)
    election_lag_weeks: int = param(2, help="Weeks after the vote that tension lasts "
                                    "(contested results).", unit="weeks", ge=0, le=520)
    coup_rate_per_year: float = param(0.01, help="Chance per party per year of an "
                                      "unconstitutional change of government.",
                                      unit="1/year", ge=0, le=52,
                                      source="¶36 (coups started 24 civil wars since "
                                      "1945); modelling choice")
    coup_hostility: float = param(1.0, help="Hostility jump of a coup (strong, sudden).",
                                  unit="hostility", ge=0, le=MAX_HOSTILITY, source="¶36")
    coup_grievance: float = param(0.05, help="Lasting baseline grievance added by a coup.",
                                  unit="hostility/week", ge=0, le=100)


@dataclass
class WarningParams:
    """Early warning: how crises open and close and how warnings are scored."""

    score_horizon_weeks: int = param(
        12, help="A warning is a hit if violence starts within this many weeks after it; "
        "a violence onset with no warning in the same many weeks before it is a miss.",
        unit="weeks", ge=1, le=520, source="modelling choice (¶45: anticipate threshold moments)")
    calm_weeks_to_close: int = param(
        8, help="A crisis closes after every observer has seen the party below its "
        "warning threshold minus escalation.hysteresis for this many weeks in a row.",
        unit="weeks", ge=1, le=520)
    error_persistence: float = param(
        0.0, help="Week-to-week autocorrelation of each observer's error on a party (AR(1), "
        "stationary sd = the observer's observation_noise_sd): an observer that misreads a "
        "party keeps misreading it for a while. 0: independent errors every week.",
        unit="1/week", ge=0, le=0.99, source="¶44 (surprises: what is missed stays missed); "
        "issue 16; no source gives a number")
    cry_wolf: float = param(
        0.0, help="How much an observer's record changes how fast its warnings are heeded: "
        "a decision on a crisis it warned of is due after its delay and consensus × "
        "exp(cry_wolf × (credibility_prior − c)/credibility_prior), c the observer's "
        "credibility, the running share of its warnings proved right (an onset within "
        "score_horizon_weeks, or violence already there). 0: every warning is heeded alike.",
        unit="×", ge=0, le=10, source="Breznitz 1984 (the cry-wolf effect: a false alarm "
        "cuts the response to the next); issue 16; no source gives a number")
    credibility_prior: float = param(
        0.5, help="An observer's credibility before any of its warnings is proved right or "
        "false.", unit="0-1", gt=0, le=1, source="modelling choice (an even prior)")
    credibility_memory: float = param(
        0.1, help="Weight of each resolved warning in its observer's credibility (an "
        "exponentially weighted share: about the last 1/this warnings count).", unit="share",
        gt=0, le=1, source="modelling choice")
    tracking_sd: float = param(
        NOISE_SD, help="Sd of a week's change in a party's hostility in the observers' model of "
        "it (a random walk): each observer filters its reports with a Kalman filter that "
        "knows its own error (observation_noise_sd), and warns on its estimate, not on one "
        "report. 0: it warns on each raw report.", unit="hostility/√week", ge=0, le=10,
        source="dynamics.noise_sd (0.12: the exogenous noise on hostility, what nobody "
        "can foresee); Kalman 1960; issue 16")
    violence_events: bool = param(
        True, help="Violence is seen (the violence alarm) when it is reported: the "
        "party's true hostility at the violence threshold, after the observer's reporting "
        "lag; not when a noisy report or estimate crosses it. Observers count violent "
        "events, as event data do. false: when a report crosses the violence threshold.",
        source="¶45; ACLED and UCDP-GED record events, not estimates (Raleigh et al. 2010)")
    coups_seen: bool = param(
        True, help="A coup is news at once: each observer's uncertainty about the party "
        "grows by shocks.coup_hostility², so its next reports weigh more (they are "
        "lagged: docs/model.md 7.13 says how little this does at the default lags).",
        source="¶36; modelling choice")
    election_alert: float = param(
        ELECTION_TENSION / RESTRAINT_MEAN, help="In a party's election period (known from "
        "the calendar) observers warn at their threshold minus this.", unit="hostility",
        ge=0, le=MAX_HOSTILITY,
        source="¶45 (anticipate threshold moments such as elections); the rise an election "
        "period adds at equilibrium, shocks.election_tension / dynamics.restraint_mean = "
        "0.1/0.4")
    regional_error_share: float = param(
        0.0, help="Share of the variance of each observer's error that is common to the "
        "parties of a region in a week (a blind spot, or an alarm, over a whole region). "
        "0: errors independent between parties.", unit="share", ge=0, le=1,
        source="¶44, ¶46 (regional blind spots); issue 16; no source gives a number")


@dataclass
class BodyParams:
    """An acting and observing body: the UN (``un``) or each regional body (``regional``)."""

    enabled: bool = param(True, help="Whether this body exists (observes and may act).")
    early_warning: bool = param(True, help="Whether it runs an early-warning system. "
                                "Without one it still acts, on others' warnings.",
                                source="¶44-¶46")
    observation_noise_sd: float = param(0.25, help="Sd of the error with which it sees a "
                                        "party's hostility.", unit="hostility", ge=0, le=100,
                                        source="¶44 (filtering abundant information)")
    reporting_lag_weeks: int = param(2, help="Weeks between what happens and what the "
                                     "observer sees.", unit="weeks", ge=0, le=52)
    warning_threshold: float = param(0.95, help="Estimated hostility at which it issues "
                                     "a warning (tension is 0.75, crisis 1.0, violence 1.5).",
                                     unit="hostility", gt=0, le=MAX_HOSTILITY,
                                     source="calibrated (issue 16): the threshold at which "
                                     "the default observers warn of 80% of onsets under "
                                     "policy=none, PITF's sensitivity (Goldstone et al. "
                                     "2010); their precision is then 7% (docs/validation.md "
                                     "§7); 1.2 before")
    unity: float = param(0.6, help="Unity of its members (the Security Council for the "
                         "UN): scales the force of its statements and sets its time to "
                         "agree.", unit="0-1", ge=0, le=1, source="¶16 (effective when "
                         "united)")
    consensus_days_at_zero_unity: float = param(
        60.0, help="Days it takes to agree to act when fully divided; time to agree = "
        "(1 − unity) × this.", unit="days", ge=0, le=3650, source="modelling choice")
    legitimacy: float = param(1.0, help="Multiplier on its mediators' chance of an "
                              "agreement among the parties it serves.", unit="×", ge=0, le=100,
                              source="¶51-¶52 (proximity and access of regional bodies)")
    mediators: int = param(2, help="Envoys it can have deployed at once (its pool).",
                           unit="envoys", ge=0, le=1000)
    standby_team: bool = param(True, help="A standby team of mediation experts: envoys "
                               "deploy within 72 hours (else instruments.envoy."
                               "deploy_days), as many at once as standby_capacity.",
                               source="¶17 (deployable within 72 hours)")
    standby_capacity: int = param(UNLIMITED, help="Deployments the standby team can "
                                  "support at once (its experts go with the envoy for the "
                                  "engagement); an envoy sent when all are busy travels in "
                                  "instruments.envoy.deploy_days.", unit="deployments",
                                  ge=0, le=UNLIMITED, source="¶17")
    attention_capacity: int = param(UNLIMITED, help="Situations it can actively handle at "
                                    "once: a crisis it is to act on waits on its agenda "
                                    "until a place frees (its crisis closes, or it has done "
                                    "what its policy says), the most severe as it sees them "
                                    "first.", unit="situations", ge=1, le=UNLIMITED,
                                    source="¶12-¶13 (case-by-case engagement)")
    fact_finding_teams: int = param(UNLIMITED, help="Fact-finding missions it can have in "
                                    "the field at once (a team is busy from dispatch to the "
                                    "mission's end).", unit="missions", ge=0, le=UNLIMITED,
                                    source="¶32; modelling choice")
    mediation_support: float = param(
        0.0, help="Mediation support (a support unit, expert advisers): its envoys' chance "
        "of agreement × (1 + this).", unit="×", ge=0, le=10,
        source="¶63 (strengthened mediation support); no source gives a number")
    mediation_support_usd_per_year: float = param(
        2.5e6, help="Running cost of its mediation support (booked weekly when "
        "mediation_support > 0; not from the rapid-response fund).", unit="USD/year", ge=0,
        le=MAX_USD, source="no budget found: a standby team of 6-8 advisers at an assumed "
        "$0.2-0.5M per expert-year (docs/prices.md)")
    rapid_response_usd_per_year: float = param(
        MAX_USD, help="Its rapid-response fund, renewed each year (unspent money lapses): "
        "its statements, missions and envoys are paid from it, and one is started only if "
        "the fund covers its first cost (a statement, a deployment and its first week); "
        "else it waits or is dropped (policy.unfunded).", unit="USD/year", ge=0, le=MAX_USD,
        source="¶17, ¶64, ¶68 (predictable funding for rapid response)")


@dataclass
class UNParams(BodyParams):
    """The UN: Security Council unity, the Secretary-General's good offices, and optional
    regional offices (forward platforms) that see better and act faster in their region."""

    observation_noise_sd: float = param(0.25, help="Sd of the error with which it sees a "
                                        "party's hostility from headquarters.",
                                        unit="hostility", ge=0, le=100, source="¶44")
    reporting_lag_weeks: int = param(3, help="Weeks between what happens and what "
                                     "headquarters sees.", unit="weeks", ge=0, le=52)
    unity: float = param(0.5, help="Security Council unity: scales the force of UN "
                         "statements and sets the time to agree.", unit="0-1", ge=0, le=1,
                         source="¶16")
    consensus_days_at_zero_unity: float = param(
        90.0, help="Days the Council takes to agree when fully divided.", unit="days",
        ge=0, le=3650, source="modelling choice")
    mediators: int = param(3, help="Envoys of the Secretary-General's good offices that can "
                           "be deployed at once.", unit="envoys", ge=0, le=1000)
    regional_offices: List[int] = param([], help="Regions (codes) with a UN regional "
                                        "office, e.g. [0, 2].", unit="region codes",
                                        source="¶22-¶25 (UNOWA, UNRCCA, UNOCA)")
    office_noise_factor: float = param(0.5, help="Observation noise in an office's region, "
                                       "as a share of headquarters' noise.", unit="×", ge=0,
                                       le=1, source="¶22-¶25")
    office_lag_weeks: int = param(1, help="Reporting lag in an office's region.",
                                  unit="weeks", ge=0, le=52, source="¶22-¶25")
    office_deploy_days: float = param(1.0, help="Envoy deployment time in an office's "
                                      "region (the office is nearby).", unit="days", ge=0, le=3650,
                                      source="¶22-¶25")
    office_cost_usd_per_year: float = param(8e6, help="Running cost of one regional "
                                            "office.", unit="USD/year", ge=0, le=MAX_USD,
                                            source="¶8 (UNOWA: under 8 million dollars a "
                                            "year)")
    attention_capacity: int = overriding(
        BodyParams, "attention_capacity", 6,
        source="¶12-¶13 (case-by-case engagement); no source gives a number: chosen so "
        "that the busiest weeks of the default world bind (docs/model.md §7.15)")
    fact_finding_teams: int = overriding(
        BodyParams, "fact_finding_teams", 3,
        source="¶32; three international commissions of inquiry mandated in 2011 "
        "(Côte d'Ivoire, Libya, Syria; OHCHR)")
    standby_capacity: int = overriding(
        BodyParams, "standby_capacity", 3,
        source="¶17; six experts at the team's launch, two sent to one engagement (UN "
        "press release PA/1, 5 March 2008)")
    rapid_response_usd_per_year: float = overriding(
        BodyParams, "rapid_response_usd_per_year", 10e6,
        source="¶64, ¶68 (predictable funding for rapid response); no source gives a "
        "number for this world: chosen above what envoys spend in a typical year and "
        "below what fact-finding does (docs/model.md §7.15); regional offices are paid "
        "from the regular budget")


@dataclass
class RegionalParams(BodyParams):
    """Regional and sub-regional organisations (AU, ECOWAS-like): one per region."""

    observation_noise_sd: float = param(0.15, help="Sd of the error with which it sees its "
                                        "members (it is close to them).", unit="hostility",
                                        ge=0, le=100, source="¶51 (unique proximity)")
    legitimacy: float = param(1.2, help="Multiplier on its mediators' chance of agreement "
                              "among its members.", unit="×", ge=0, le=100, source="¶51-¶52")
    mediators: int = param(1, help="Envoys each regional body can deploy at once.",
                           unit="envoys", ge=0, le=1000)
    standby_team: bool = param(False, help="Whether it has a standby mediation team.",
                               source="¶17 (the UN's standby team); modelling choice")
    standby_capacity: int = overriding(BodyParams, "standby_capacity", 1,
                                       source="modelling choice (a third of the UN's; "
                                       "used only with standby_team)")
    attention_capacity: int = overriding(
        BodyParams, "attention_capacity", 2,
        source="¶51-¶52; no source gives a number: chosen to bind when two of a region's "
        "members are in crisis with a third waiting (docs/model.md §7.15)")
    fact_finding_teams: int = overriding(BodyParams, "fact_finding_teams", 1,
                                         source="modelling choice")
    rapid_response_usd_per_year: float = overriding(
        BodyParams, "rapid_response_usd_per_year", 1e6,
        source="¶64, ¶68; no source gives a number: chosen near what the busiest regional "
        "body spends under the graduated policy in a year (docs/model.md §7.15)")


@dataclass
class CivilSocietyParams:
    """Civil society early-warning networks (¶46, ¶54): an observer that acts on nothing
    but shares what it sees, watching a share of the parties with its own error and lag
    (its estimates enter the shared picture; with warning.tracking_sd 0, its warnings
    open crises).
    Off by default."""

    enabled: bool = param(False, help="Whether civil society networks observe (what they "
                          "see enters the shared picture, as the bodies' observers do).",
                          source="¶46, ¶54")
    reach: float = param(0.5, help="Share of parties they watch (drawn once per run, from "
                         "a child of the observation stream).", unit="share", ge=0, le=1,
                         source="modelling choice")
    observation_noise_sd: float = param(0.35, help="Sd of their error.", unit="hostility",
                                        ge=0, le=100, source="modelling choice (noisier "
                                        "than the UN's 0.25: local, unverified reports)")
    reporting_lag_weeks: int = param(1, help="Weeks between what happens and what they "
                                     "see (close to the ground).", unit="weeks", ge=0,
                                     le=52, source="¶46 (local actors see first)")
    warning_threshold: float = param(0.95, help="Estimated hostility at which they warn.",
                                     unit="hostility", gt=0, le=MAX_HOSTILITY,
                                     source="as the bodies' (un.warning_threshold)")


@dataclass
class StatementParams:
    """Early statement of concern (¶47, ¶66): fast, cheap, raises the attention cost."""

    force: float = param(0.08, help="Attention cost of escalating added by one statement "
                         "of a fully united single issuer at intensity 1.",
                         unit="hostility/week", ge=0, le=100, source="¶47; calibrated")
    half_life_weeks: float = param(6.0, help="Half-life of a statement's effect.",
                                   unit="weeks", gt=0, le=5200, source="modelling choice")
    extra_issuer_gain: float = param(0.5, help="Added force per additional issuer "
                                     "(statements 'by several actors', ¶66).", unit="×",
                                     ge=0, le=100, source="¶66")
    repeat_discount: float = param(0.5, help="Force multiplier per earlier statement on "
                                   "the same crisis without follow-up (fact-finding or "
                                   "envoy).", unit="×", ge=0, le=1,
                                   source="modelling choice (sustained attention, ¶47)")
    cost_usd: float = param(2e4, help="Cost of issuing one statement (staff time).",
                            unit="USD", ge=0, le=MAX_USD, source="modelling choice; no "
                            "public costing found (docs/prices.md)")
    mobilised_discount: float = param(
        0.75, help="How much a statement's deterrent weight falls once the party is "
        "mobilised: its cost of escalating is the attention stock × (1 − this × m), m the "
        "party's mobilisation share sigmoid((h − mobilisation_threshold)/mobilisation_width) "
        "this week (0 at peace, 1 in war). 0: the same weight at every level (the model "
        "before issue 15).", unit="share", ge=0, le=1, source="¶47 (early signals change "
        "calculations before positions harden); no source gives a number: in war a "
        "statement keeps a quarter of its weight")
    credibility_erosion: float = param(
        0.1, help="Share of its statements' credibility a body loses with each statement "
        "it repeats on a crisis without having followed up (a mission or an envoy); a "
        "statement's force is × the issuer's credibility (1 at week 0). 0: no erosion.",
        unit="share", ge=0, le=1, source="¶61 (credibility easy to lose); Lin-Greenberg "
        "2019 (threats of a leader who backed down are believed less); no source gives a "
        "number: ten repeats without follow-up leave about a third")
    credibility_recovery: float = param(
        0.5, help="Share of its lost credibility a body regains each time it follows up "
        "(deploys a mission, sends an envoy).", unit="share", ge=0, le=1,
        source="¶61 (credibility hard to win); modelling choice")
    embolden_below: float = param(
        0.0, help="Credibility below which a statement emboldens: its force is × "
        "(credibility − embolden_below), negative below it — a warning known to be empty "
        "lowers the expected cost of escalating. 0: statements never embolden.",
        unit="0-1", ge=0, le=1, source="issue 15 (statements can embolden); no source gives "
        "a number")


@dataclass
class FactFindingParams:
    """Fact-finding missions and inquiries (¶32, ¶47, ¶66)."""

    consent_probability: float = param(0.7, help="Chance the host consents to a mission "
                                       "when asked at crisis level, without patrons "
                                       "(consent.* moves it with the party's state).",
                                       unit="probability", ge=0, le=1,
                                       source="¶42 (sovereignty concerns)")
    deploy_days: float = param(28.0, help="Days from consent to the mission on the ground.",
                               unit="days", ge=0, le=3650, source="¶47 (deploys after weeks)")
    misperception_factor: float = param(0.3, help="Misperception of the party and its "
                                        "neighbours while the mission is deployed, as a "
                                        "share of normal.", unit="×", ge=0, le=1,
                                        source="¶32 (impartial facts)")
    accountability: float = param(0.1, help="Cost of violence while deployed: subtracted "
                                  "from the drive of the party when at crisis or above.",
                                  unit="hostility/week", ge=0, le=100, source="¶32")
    observation_factor: float = param(0.5, help="Observers' noise on the party while "
                                      "deployed, as a share of normal.", unit="×", ge=0,
                                      le=1, source="¶32")
    cost_usd_per_week: float = param(1.5e5, help="Cost of a deployed mission.",
                                     unit="USD/week", ge=0, le=MAX_USD,
                                     source="between the HRC Darfur mission (≈ $29k/week) "
                                     "and UNIIIC 2006 (≈ $790k/week) (docs/prices.md)")
    mobilised_discount: float = param(
        0.5, help="How much the mission's accountability cost falls once the party is "
        "mobilised (× (1 − this × m), m as for statements): facts matter most while they "
        "are contested, before the fighting makes them plain. 0: the same at every level.",
        unit="share", ge=0, le=1, source="¶32, ¶47; no source gives a number")


@dataclass
class EnvoyParams:
    """Envoy deployment: good offices, mediation, shuttle diplomacy (¶16-¶21, ¶61)."""

    consent: bool = param(True, help="Whether the host must accept the envoy (good "
                          "offices need the parties' consent): asked as for fact-finding, "
                          "with consent_probability.", source="¶41-¶42 (the parties' will "
                          "is decisive; sovereignty concerns)")
    consent_probability: float = param(0.8, help="Chance the host accepts an envoy when "
                                       "asked at crisis level, without patrons.",
                                       unit="probability", ge=0, le=1,
                                       source="¶41-¶42; modelling choice")
    deploy_days: float = param(21.0, help="Days to deploy an envoy without a standby team "
                               "or regional office.", unit="days", ge=0, le=3650)
    standby_deploy_days: float = param(3.0, help="Days to deploy with a standby team.",
                                       unit="days", ge=0, le=3650, source="¶17 (within 72 hours)")
    initial_credibility: float = param(0.7, help="Credibility of each envoy at week 0.",
                                       unit="0-1", ge=0, le=1, source="¶61")
    credibility_gain: float = param(0.05, help="Credibility gained with an agreement.",
                                    unit="0-1", ge=0, le=1, source="¶61 (hard to win)")
    credibility_loss: float = param(0.15, help="Credibility lost when an engagement ends "
                                    "without agreement.", unit="0-1", ge=0, le=1,
                                    source="¶61 (easy to lose)")
    base_rate: float = param(0.15, help="Weekly chance of agreement with full credibility, "
                             "will to settle, leverage and legitimacy all at 1.",
                             unit="1/week", ge=0, le=1, source="calibrated")
    partner_leverage: float = param(0.3, help="Added leverage when a partner backs the "
                                    "envoy (lead or joint partnership).", unit="×", ge=0, le=100,
                                    source="¶41, ¶53")
    hostility_cut: float = param(0.5, help="Share of hostility an agreement removes from "
                                 "the parties to it.", unit="share", ge=0, le=1)
    grievance_cut: float = param(0.3, help="Share of current grievance an agreement "
                                 "removes (grievance memory then relaxes back towards the "
                                 "baseline).", unit="share", ge=0, le=1)
    dividend: float = param(0.15, help="Peace dividend: cost of re-escalating after an "
                            "agreement (subtracted from the drive), eroding over time.",
                            unit="hostility/week", ge=0, le=100, source="¶56-¶58")
    erosion_half_life_weeks: float = param(26.0, help="Half-life of the dividend without "
                                           "follow-up.", unit="weeks", gt=0, le=5200,
                                           source="¶56-¶58 (gains fade)")
    follow_up: bool = param(False, help="National infrastructures for peace carry every "
                            "agreement: the dividend erodes at follow_up_half_life_weeks "
                            "(and the breakdown hazard is × follow_up_breakdown_factor). Off, "
                            "only at parties that have one (history.peace_infrastructure_share).",
                            source="¶56-¶58")
    follow_up_half_life_weeks: float = param(156.0, help="Half-life of the dividend with "
                                             "follow-up.", unit="weeks", gt=0, le=5200)
    counterpart_required: bool = param(
        True, help="An agreement needs counterparts: the party and at least one neighbour "
        "it is in conflict with (a tie), both at crisis level or above, are its parties; "
        "below that the envoy holds preventive talks (talks_force) and no agreement is "
        "recorded. Off: any engaged week may end in an agreement (the model before issue "
        "15).", source="issue 15 (an agreement needs a counterpart); ¶41")
    terms_by_will: bool = param(
        True, help="Partial terms: each party's cut is hostility_cut (grievance_cut) × its "
        "will to settle × the envoy's credibility, not the fixed share.",
        source="¶41 (the parties' will is decisive), ¶61 (credibility); modelling choice")
    talks_force: float = param(
        0.04, help="Preventive talks: the cost of escalating an engaged envoy adds each week "
        "at a party below crisis level (lower escalation pressure, no agreement).",
        unit="hostility/week", ge=0, le=100, source="¶8, ¶47 (acting before positions "
        "harden); no source gives a number: the force of a first UN statement at unity 0.5")
    breakdown_rate_per_year: float = param(
        0.07, help="Yearly hazard that an agreement in force breaks down at one of its "
        "parties (its dividend is lost; a later violence onset is a relapse after a "
        "breakdown), × (1 + breakdown_grievance × grievance), × follow_up_breakdown_factor "
        "with follow-up. 0: agreements never break (the model before issue 15).",
        unit="1/year", ge=0, le=52, source="Beardsley 2008 (mediated settlements are "
        "less durable); Walter 1999 (9 of 17 negotiated settlements failed), Fortna 2004 "
        "(almost half of wars resumed): with breakdown_grievance, 0.14 a year at the mean "
        "baseline grievance, so about half fail within five years")
    breakdown_grievance: float = param(12.5, help="How much the party's grievance (spoilers' "
                                       "ground) raises the breakdown hazard, per unit.",
                                       unit="1/grievance", ge=0, le=1000,
                                       source="modelling choice: 1/dynamics.grievance_mean, "
                                       "so the hazard doubles at the mean baseline grievance")
    entrenchment: float = param(
        4.6, help="Entrenchment (positions hardened by the fighting, war economies, "
        "commitment problems): the chance of agreement × exp(−entrenchment × (grievance − "
        "baseline grievance)), the grievance the party's violence has added. Ripeness "
        "(dynamics.ripeness: weariness raises the will to settle) pulls the other way, so "
        "neither early nor late mediation is assumed to win. 0: none.",
        unit="1/grievance", ge=0, le=1000, source="Bercovitch 1996 (as summarised: mediation "
        "succeeded in 64% of disputes with 100-500 fatalities, 39% with over 10,000): chosen "
        "so that after two years at violence (grievance +0.26, will to settle 0.5 -> 1 by "
        "ripeness) the chance is 39/64 of that at onset, on the model before issue 17; "
        "with issue 17's calibrated grievance memory the excess after two years is about "
        "0.06 and the factor about 0.76 (not re-derived); Zartman (ripeness)")
    moral_hazard: float = param(
        0.25, help="Inducements can raise escalation: a party whose neighbour holds an "
        "agreement's peace dividend (the inducement) sees escalation rewarded; its cost of "
        "escalating falls by this × the neighbours' mean dividend. 0: none.",
        unit="×", ge=0, le=10, source="Öberg, Möller & Wallensteen 2009 (ECPEC: inducements "
        "raise the likelihood of escalation to war); Kuperman 2008; no source gives a number")
    follow_up_breakdown_factor: float = param(0.5, help="Multiplier on the breakdown hazard "
                                              "where follow-up (infrastructures for peace) "
                                              "carries the agreement.", unit="×", ge=0,
                                              le=1, source="¶56-¶58; modelling choice")
    cost_usd_per_deployment: float = param(1e5, help="Cost of sending an envoy and team.",
                                           unit="USD", ge=0, le=MAX_USD,
                                           source="modelling choice; no public costing "
                                           "found (docs/prices.md)")
    cost_usd_per_week: float = param(6e4, help="Cost of an engaged envoy and team.",
                                     unit="USD/week", ge=0, le=MAX_USD,
                                     source="UN envoy offices cost $0.2M-6.8M a year; "
                                     "a 2020 cluster-I mean of $5.2M/yr ≈ $100k/week "
                                     "(docs/prices.md)")


@dataclass
class SanctionsParams:
    """Targeted sanctions and other coercive measures (¶14, ¶42): late, costly, and able
    to backfire. Used only by policies that name ``kind: sanctions``."""

    force: float = param(0.12, help="Cost of escalating added at a sanctioned party while "
                         "it is at crisis level or above (× intensity).",
                         unit="hostility/week", ge=0, le=100, source="¶14 (coercive "
                         "measures); no source gives a number: chosen between a "
                         "statement's 0.08 and an agreement's dividend 0.15")
    backfire_probability: float = param(
        0.25, help="Chance, at imposition, that the target hardens (sovereignty backlash): "
        "its baseline grievance rises by backfire_grievance for good.", unit="probability",
        ge=0, le=1, source="¶42 (sovereignty concerns); no source gives a number")
    backfire_grievance: float = param(0.05, help="Lasting grievance a backfire adds "
                                      "(baseline and current).", unit="grievance", ge=0,
                                      le=10, source="modelling choice (the coup's "
                                      "shocks.coup_grievance is 0.05)")
    cost_usd: float = param(5e4, help="Cost of imposing them (the Council's process, a "
                            "committee).", unit="USD", ge=0, le=MAX_USD,
                            source="modelling choice")
    cost_usd_per_week: float = param(3e4, help="Cost of monitoring them while in force (a "
                                     "panel of experts).", unit="USD/week", ge=0,
                                     le=MAX_USD, source="modelling choice (the scale of a "
                                     "UN panel of experts, about $1.5M a year)")


@dataclass
class GroupOfFriendsParams:
    """A group of friends or contact group (¶31): states that back the envoy of a crisis
    with their own leverage while they are united. Does nothing without an envoy."""

    leverage: float = param(0.3, help="Leverage the group adds to an envoy's (× intensity) "
                            "while it is active at the party: the agreement's chance "
                            "scales with 1 + partner_leverage·(partners − 1) + this.",
                            unit="×", ge=0, le=10, source="¶31 (groups of friends amplify "
                            "envoys when united); no source gives a number: the same as a "
                            "partner body's partner_leverage")
    cost_usd: float = param(2e4, help="Cost of convening it.", unit="USD", ge=0,
                            le=MAX_USD, source="modelling choice")
    cost_usd_per_week: float = param(5e3, help="Cost of keeping it engaged.",
                                     unit="USD/week", ge=0, le=MAX_USD,
                                     source="modelling choice")


@dataclass
class ElectoralAssistanceParams:
    """Electoral assistance (¶17, ¶37-¶40): planned ahead of a vote at a party at risk,
    it lowers the election's tension while on the ground. Used only by policies that name
    ``kind: electoral_assistance`` (trigger ``election``)."""

    lead_weeks: int = param(26, help="Weeks before a vote that the body plans its "
                            "assistance (a needs assessment); the assistance is on the "
                            "ground delay_days later and stays to the end of the election "
                            "period.", unit="weeks", ge=0, le=520,
                            source="¶37-¶40; modelling choice (a needs assessment months "
                            "ahead)")
    min_level: int = param(1, help="Assist only parties at this level or above when the "
                           "assistance is planned (1: tension).", unit="level", ge=0, le=4,
                           source="modelling choice (assistance goes where a needs "
                           "assessment finds risk)")
    shock_reduction: float = param(0.5, help="Share of the election's tension "
                                   "(shocks.election_tension) removed at an assisted party "
                                   "while the assistance is on the ground (× intensity, at "
                                   "most all of it).", unit="share", ge=0, le=1,
                                   source="¶37-¶40; no source gives a number")
    cost_usd: float = param(3e6, help="Cost of assisting one election (a project), booked "
                            "when it is planned; paid from project funds, not the "
                            "rapid-response fund.", unit="USD", ge=0, le=MAX_USD,
                            source="UNDP: $2.2bn over 1999-2011 for about 60 countries a "
                            "year ≈ $2.8M per country-year (docs/prices.md)")


@dataclass
class PoliticalMissionParams:
    """A special political mission (¶26-¶28): a standing presence at a party — sharper
    warning, faster decisions, mediators on site — for ``duration_weeks``, whether or not
    the crisis that brought it closes. Used only by policies that name ``kind:
    political_mission``."""

    consent_probability: float = param(0.7, help="Chance the host accepts a mission when "
                                       "asked at crisis level, without patrons.",
                                       unit="probability", ge=0, le=1,
                                       source="¶42 (consent); as fact-finding")
    deploy_days: float = param(90.0, help="Days from consent to the mission in place.",
                               unit="days", ge=0, le=3650, source="modelling choice (a "
                               "mission takes months to set up)")
    observation_factor: float = param(0.5, help="Observers' noise on the party while the "
                                      "mission is there, as a share of normal.", unit="×",
                                      ge=0, le=1, source="¶26-¶28 (presence on the "
                                      "ground); no source gives a number: as fact-finding")
    decision_factor: float = param(0.5, help="Multiplier on the delay and consensus time "
                                   "of every decision on a crisis at the party while the "
                                   "mission is there (it reports and proposes).", unit="×",
                                   ge=0, le=1, source="¶26-¶28; no source gives a number")
    envoy_deploy_days: float = param(1.0, help="Days an envoy needs to reach the party "
                                     "while the mission is there (mediators on site).",
                                     unit="days", ge=0, le=3650, source="¶26-¶28 (good "
                                     "offices from the mission)")
    cost_usd_per_year: float = param(1.5e7, help="Running cost of one mission (× intensity), "
                                     "paid from the assessed budget, not the rapid-response "
                                     "fund.", unit="USD/year", ge=0, le=MAX_USD,
                                     source="2010 special political missions other than "
                                     "UNAMA/UNAMI: $198M for 25, $7.9M mean, at most "
                                     "$19.8M per field mission (docs/prices.md)")


@dataclass
class InstrumentParams:
    """How each instrument works (what a policy chooses is in ``policy``)."""

    statement: StatementParams = field(default_factory=StatementParams)
    fact_finding: FactFindingParams = field(default_factory=FactFindingParams)
    envoy: EnvoyParams = field(default_factory=EnvoyParams)
    sanctions: SanctionsParams = field(default_factory=SanctionsParams)
    group_of_friends: GroupOfFriendsParams = field(default_factory=GroupOfFriendsParams)
    electoral_assistance: ElectoralAssistanceParams = field(
        default_factory=ElectoralAssistanceParams)
    political_mission: PoliticalMissionParams = field(default_factory=PoliticalMissionParams)


@dataclass
class PoliticsParams:
    """Outside powers' stakes in each party, which make a body's unity crisis-specific
    (¶12-¶16, ¶41-¶42, ¶51-¶52)."""

    enabled: bool = param(True, help="Switch for politics: off, every crisis meets the "
                          "bodies' own unity and the Council is never blocked.",
                          source="¶12-¶16, ¶51-¶52")
    salience_mean: float = param(0.3, help="Mean salience of a party: how much outside "
                                 "powers care about it (beta distributed over parties; a "
                                 "network file's 'salience' attribute overrides it).",
                                 unit="0-1", ge=0, le=1, source="modelling choice")
    polarisation: float = param(0.6, help="How much a salient, aligned party divides the "
                                "Council: its unity for the crisis is un.unity × (1 − "
                                "polarisation × salience × |alignment|).", unit="0-1", ge=0,
                                le=1, source="¶16 (strong international interests); "
                                "modelling choice")
    veto_rate: float = param(0.5, help="Chance the Council cannot decide at all (a veto) "
                             "on a crisis of salience × |alignment| = 1 (proportional "
                             "below); a blocked UN leaves the lead to the regional body "
                             "where the partnership allows (un_lead, joint).",
                             unit="probability", ge=0, le=1, source="¶12-¶13; modelling "
                             "choice")
    involvement: float = param(0.5, help="How much its own members' stakes divide a "
                               "regional body: its unity for a crisis is regional.unity × "
                               "(1 − involvement × share of the party's neighbours in its "
                               "region that are in crisis or worse).", unit="0-1", ge=0,
                               le=1, source="¶51-¶52; modelling choice")
    unity_leverage: float = param(0.5, help="How much a divided partnership weakens its "
                                  "envoy: the chance of agreement × (1 − unity_leverage × "
                                  "(1 − unity)), unity the mean of the acting bodies' on the "
                                  "crisis.", unit="0-1", ge=0, le=1,
                                  source="¶16 (an envoy's leverage needs united backing)")


@dataclass
class ConsentParams:
    """Host consent, for the instruments that need it (fact-finding, envoys when
    instruments.envoy.consent): a try's chance is the instrument's consent_probability
    moved on the log-odds scale by the party's state and its patrons (¶42)."""

    deterioration: float = param(0.5, help="Log-odds added per level above crisis (and "
                                 "taken per level below): visible deterioration opens "
                                 "political space, early consent is harder.",
                                 unit="log-odds/level", ge=0, le=10,
                                 source="¶42; no source gives a number: chosen so that a "
                                 "0.7 chance at crisis is 0.59 at tension and 0.79 at "
                                 "violence")
    patron: float = param(2.0, help="Log-odds taken at salience × |alignment| = 1: a strong "
                          "patron makes refusal cheaper (with politics.enabled).",
                          unit="log-odds", ge=0, le=20,
                          source="¶42; no source gives a number: chosen so that the most "
                          "protected party consents about a third as often (0.7 -> 0.24)")
    retry_weeks: float = param(4.0, help="Weeks before a refused request is asked again.",
                               unit="weeks", gt=0, le=520, source="modelling choice")
    max_tries: int = param(3, help="Tries per request (a refusal after the last one ends "
                           "it).", unit="tries", ge=1, le=100, source="modelling choice "
                           "(a request renewed twice over two months)")


@dataclass
class CostParams:
    """The cost of conflict, to set against the cost of prevention."""

    violence_usd_per_party_week: float = param(
        2e7, help="Cost of one party-week at violence (level 3).", unit="USD/party-week",
        ge=0, le=MAX_USD, source="modelling choice: a fifth of the armed-conflict price; no "
        "source gives one (docs/prices.md)")
    armed_conflict_usd_per_party_week: float = param(
        1e8, help="Cost of one party-week of armed conflict (level 4).",
        unit="USD/party-week", ge=0, le=MAX_USD, source="Collier & Hoeffler 2004: > $64bn "
        "per civil war over 7 years, for 2 parties ≈ $88M per party-week; range $36M-176M "
        "(docs/prices.md)")


#: Instrument kinds a policy may name: the groups of :class:`InstrumentParams` (each
#: with its class in ``sim.core.policies.INSTRUMENTS``; a test checks they agree).
INSTRUMENT_KINDS = tuple(f.name for f in dataclasses.fields(InstrumentParams))
TRIGGERS = ("warning", "violence", "election")
ACTORS = ("un", "regional", "un_lead", "regional_lead", "joint")


@dataclass
class InstrumentSpec:
    """One instrument of a policy: what, when, how strongly, how long, by whom."""

    kind: str = param("statement", help="Which instrument.", choices=INSTRUMENT_KINDS)
    trigger: str = param("warning", help="What starts its clock: the first warning of a "
                         "crisis, an observer seeing violence, or (electoral "
                         "assistance only) an election ahead.", choices=TRIGGERS,
                         source="¶45-¶47")
    delay_days: float = param(7.0, help="Days from the trigger to the decision (before "
                              "consensus and coordination time).", unit="days", ge=0,
                              le=3650, source="¶47 (the warning-to-action gap)")
    intensity: float = param(1.0, help="Multiplier on the instrument's force and on its "
                             "running costs (a larger team, more issuers, a longer "
                             "mission budget).", unit="×", ge=0, le=10)
    duration_weeks: float = param(26.0, help="How long it is sustained (an envoy's "
                                  "engagement, a mission's deployment, a statement "
                                  "campaign).", unit="weeks", gt=0, le=520)
    repeat_every_weeks: float = param(0.0, help="Statements: repeat this often while the "
                                      "crisis lasts, within duration_weeks (0 = once).",
                                      unit="weeks", ge=0, le=520)
    actor: str = param("un", help="Who acts: the UN alone, the party's regional body "
                       "alone, or a partnership (UN lead, regional lead, joint).",
                       choices=ACTORS, source="¶51 (partnership modes)")


@dataclass
class PolicyParams:
    """The international response: a list of instruments (DESIGN.md §3, Response)."""

    name: str = param("none", help="Policy name (the configs/policy/ file that set it); "
                      "part of run folder names.", name=True)
    description: str = param("No international response.", help="One line on the policy.")
    instruments: List[InstrumentSpec] = param([], help="The instruments, each triggered "
                                              "per crisis.")
    response_delay_days: Optional[float] = param(
        None, help="If set, replaces every instrument's delay_days (for sweeps of the "
        "warning-to-action gap).", unit="days", ge=0, le=3650, source="¶47")
    trigger: Optional[str] = param(
        None, help="If set, replaces the trigger of every instrument started by crises "
        "(warning or violence; electoral assistance keeps its own): for studies of timing "
        "against coverage (experiment=early_late).", choices=(None, "warning", "violence"),
        source="¶45-¶47")
    intensity_scale: float = param(1.0, help="Multiplies every instrument's intensity (for "
                                   "sweeps and policy search).", unit="×", ge=0, le=10)
    shared_mechanism: bool = param(False, help="Whether UN and regional body have a shared "
                                   "mechanism for deciding who does what; without one, "
                                   "partnerships add coordination_days.",
                                   source="¶52, ¶69")
    unfunded: str = param("wait", help="What a decision does when its body's rapid-response "
                          "fund cannot pay: wait until it can (the fund is renewed each "
                          "year), or be dropped.", choices=("wait", "drop"),
                          source="¶64, ¶68")
    coordination_days: float = param(21.0, help="Coordination delay of a partnership "
                                     "without a shared mechanism.", unit="days", ge=0, le=3650,
                                     source="¶52, ¶69; modelling choice")


@dataclass
class RecordParams:
    """What a run keeps in memory for outputs and plots."""

    hostility: bool = param(True, help="Keep every party's hostility every week "
                            "(float32; turn off for very large networks).")
    warning_risk: bool = param(False, help="Score the observers' risk estimates: each "
                               "week every observer's probability that a party is above "
                               "its threshold, the highest over observers, against an "
                               "onset within warning.score_horizon_weeks (outcomes "
                               "warning_brier, warning_brier_skill; nan when off).",
                               source="issue 16 (Brier scores)")
    memory_limit_gb: float = param(8.0, help="The most memory a run may need: a run whose "
                                   "estimated need is larger is refused before it starts "
                                   "(sim.params.estimated_memory_bytes).", unit="GiB",
                                   ge=0.01, le=4096, source="modelling choice: half of a "
                                   "16 GiB laptop's memory")


@dataclass
class Params:
    """All parameters of one run."""

    seed: int = param(0, help="Root seed: every random stream of the run is derived from "
                      "it (0 is a valid seed).", ge=0, le=MAX_SEED)
    horizon_weeks: int = param(156, help="Simulated time (156 weeks = 3 years).",
                               unit="weeks", ge=1, le=100_000, source=PROTOTYPE)
    step_days: float = param(7.0, help="Length of one model step. Rates are per week; "
                             "the step length dt = step_days/7 weeks.", unit="days",
                             ge=1, le=7)
    scenario: ScenarioInfo = field(default_factory=ScenarioInfo)
    network: NetworkParams = field(default_factory=NetworkParams)
    dynamics: DynamicsParams = field(default_factory=DynamicsParams)
    escalation: EscalationParams = field(default_factory=EscalationParams)
    history: HistoryParams = field(default_factory=HistoryParams)
    shocks: ShockParams = field(default_factory=ShockParams)
    warning: WarningParams = field(default_factory=WarningParams)
    un: UNParams = field(default_factory=UNParams)
    regional: RegionalParams = field(default_factory=RegionalParams)
    civil_society: CivilSocietyParams = field(default_factory=CivilSocietyParams)
    instruments: InstrumentParams = field(default_factory=InstrumentParams)
    politics: PoliticsParams = field(default_factory=PoliticsParams)
    consent: ConsentParams = field(default_factory=ConsentParams)
    costs: CostParams = field(default_factory=CostParams)
    policy: PolicyParams = field(default_factory=PolicyParams)
    record: RecordParams = field(default_factory=RecordParams)

    @property
    def dt_weeks(self) -> float:
        """Length of one step in weeks (the one place days become weeks)."""
        return self.step_days / DAYS_PER_WEEK

    @property
    def n_steps(self) -> int:
        """Number of steps in the configured horizon."""
        return max(1, int(round(self.horizon_weeks / self.dt_weeks)))


class ParameterError(ValueError):
    """Invalid parameters. ``problems`` lists (field, value, what is allowed)."""

    def __init__(self, problems: list[tuple[str, Any, str]]):
        self.problems = problems
        lines = [f"  {f} = {v!r}: {allowed}" for f, v, allowed in problems]
        super().__init__("invalid parameters:\n" + "\n".join(lines))


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """The resolved type annotations of a parameter dataclass (cached per class)."""
    return typing.get_type_hints(cls)


def iter_fields(obj: Any, prefix: str = ""):
    """Yield ``(dotted_name, field, value)`` for every leaf parameter of a dataclass."""
    for name, _, f, _, value in _leaves(obj, prefix):
        yield name, f, value


@functools.cache
def _field_info(cls: type) -> tuple[tuple[dataclasses.Field, Any, Any, Any], ...]:
    """Per field of ``cls``: the field, its declared type, the dataclass it is a group of
    (or None) and the dataclass of the items of a list of groups (or None)."""
    hints = _hints(cls)
    info = []
    for f in dataclasses.fields(cls):
        hint, item = hints[f.name], _list_item(hints[f.name])
        info.append((f, hint, hint if dataclasses.is_dataclass(hint) else None,
                     item if item is not None and dataclasses.is_dataclass(item) else None))
    return tuple(info)


def _leaves(obj: Any, prefix: str = ""):
    """``(dotted_name, owner, field, declared type, value)`` of every leaf parameter.

    A field declared as a group (a dataclass, or a list of them) is entered when its value
    is one; otherwise it is yielded as a leaf, so that its type is checked."""
    for f, hint, group, items in _field_info(type(obj)):
        value, name = getattr(obj, f.name), f"{prefix}{f.name}"
        if group is not None and isinstance(value, group):
            yield from _leaves(value, name + ".")
        elif (items is not None and isinstance(value, list)
              and all(isinstance(v, items) for v in value)):
            for k, entry in enumerate(value):
                yield from _leaves(entry, f"{name}[{k}].")
        else:
            yield name, obj, f, hint, value


def _list_item(hint: Any) -> Any:
    """``X`` for ``List[X]``, else None."""
    return typing.get_args(hint)[0] if typing.get_origin(hint) is list else None


class _WrongType(Exception):
    """A value that is not of its declared type; ``rule`` says what is allowed."""

    def __init__(self, rule: str):
        super().__init__(rule)
        self.rule = rule


_TYPE_WORDS = {bool: ("true or false", "booleans"), int: ("an integer", "integers"),
               float: ("a finite number", "finite numbers"), str: ("a text", "texts")}


def _describe(hint: Any, plural: bool = False) -> str:
    """What a value of declared type ``hint`` must be, in words."""
    if hint in _TYPE_WORDS:
        return _TYPE_WORDS[hint][plural]
    item = _list_item(hint)
    if item is not None:
        return f"a list of {_describe(item, plural=True)}"
    if dataclasses.is_dataclass(hint):
        return f"{hint.__name__} entries" if plural else f"a {hint.__name__} (a group)"
    return str(hint)


def as_declared(hint: Any, value: Any) -> Any:
    """``value`` as the declared type ``hint``, or raise :class:`_WrongType`.

    Numpy scalars become the Python number they hold (``np.float32(0.5)`` → ``0.5``);
    integers are accepted where a number is declared (and become floats), but nothing
    else is converted: a boolean is ``True`` or ``False`` (never ``2`` or ``'no'``), an
    integer is never ``2.5`` or ``True``, a number is never a list or text, and every
    number is finite.
    """
    kind = type(value)
    if kind is hint and (kind is not float or math.isfinite(value)):
        return value  # the common case: already of its (scalar) type
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:  # Optional[X]
        if value is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return as_declared(inner, value)
    if origin is list:
        try:
            if isinstance(value, (list, tuple)):
                return [as_declared(args[0], v) for v in value]
        except _WrongType:
            pass
        raise _WrongType(_describe(hint))
    if origin is dict:
        if not isinstance(value, dict):
            raise _WrongType(f"a mapping of {_describe(args[0])} to {_describe(args[1])}")
        return {as_declared(args[0], k): as_declared(args[1], v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()  # numpy scalars: the Python value they hold
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                if math.isfinite(value):
                    return float(value)
            except OverflowError:  # an integer beyond any float
                pass
    elif hint is str:
        if isinstance(value, str):
            return value
    elif dataclasses.is_dataclass(hint):
        if isinstance(value, hint):
            return value
    else:  # pragma: no cover - every declared type is one of the above
        return value
    raise _WrongType(_describe(hint))


_OPS = {"ge": (operator.ge, ">="), "gt": (operator.gt, ">"), "le": (operator.le, "<="),
        "lt": (operator.lt, "<")}


def _check_bounds(name: str, f: dataclasses.Field, value: Any) -> list[tuple[str, Any, str]]:
    """The field's declared choices, name rule or numeric bounds, checked against
    ``value`` (already of its declared type)."""
    meta = f.metadata
    if meta.get("choices") is not None:
        if value not in meta["choices"]:
            return [(name, value, "one of " + ", ".join(repr(c) for c in meta["choices"]))]
        return []
    if meta.get("name") and isinstance(value, str):
        return [] if NAME_PATTERN.fullmatch(value) else [(name, value, NAME_RULE)]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    if isinstance(value, float) and not math.isfinite(value):
        return [(name, value, "a finite number")]
    rules = [(key, meta[key]) for key in _OPS if meta.get(key) is not None]
    if any(not _OPS[key][0](value, bound) for key, bound in rules):
        allowed = " and ".join(f"{_OPS[key][1]} {bound:g}" for key, bound in rules)
        return [(name, value, "must be " + allowed)]
    return []


def from_bounds(f: dataclasses.Field) -> tuple[str, Any]:
    """The rule, as text and as a check, of a numeric field's declared bounds: for values
    that stand in for the parameter (a network file's node attributes)."""
    rules = [(key, f.metadata[key]) for key in _OPS if f.metadata.get(key) is not None]
    text = "a finite number " + " and ".join(f"{_OPS[k][1]} {b:g}" for k, b in rules)
    return text, lambda v: all(_OPS[k][0](v, b) for k, b in rules)


def check_fields(obj: Any) -> list[tuple[str, Any, str]]:
    """Types and declared ranges of every leaf parameter of the dataclass ``obj``.

    Values are normalised in place to their declared type (numpy scalars to Python
    numbers, integers to floats where a float is declared, tuples to lists). Returns the
    problems: (field, value, what is allowed)."""
    problems: list[tuple[str, Any, str]] = []
    for name, owner, f, hint, value in _leaves(obj):
        try:
            declared = as_declared(hint, value)
        except _WrongType as exc:
            problems.append((name, value, "must be " + exc.rule))
            continue
        if declared is not value:
            setattr(owner, f.name, declared)
        problems += _check_bounds(name, f, declared)
    return problems


def from_mapping(cls: type, data: Any, prefix: str = "") -> Any:
    """An instance of the parameter dataclass ``cls`` from nested mappings (a resolved
    Hydra config, a manifest's ``config``), refusing keys that are not parameters.

    Values are taken as given; :func:`validate` then checks their types and ranges.
    Raises :class:`ParameterError` naming every unknown key."""
    problems: list[tuple[str, Any, str]] = []
    obj = _build(cls, data, prefix, problems)
    if problems:
        raise ParameterError(problems)
    return obj


def _build(cls: type, data: Any, prefix: str, problems: list) -> Any:
    if not isinstance(data, dict):
        problems.append((prefix.rstrip(".") or cls.__name__, data,
                         f"a group of parameters ({cls.__name__})"))
        return cls()
    hints, known = _hints(cls), [f.name for f in dataclasses.fields(cls)]
    kwargs = {}
    for key, value in data.items():
        if key not in known:
            where = f"of {prefix.rstrip('.')}" if prefix else "at the top level"
            problems.append((f"{prefix}{key}", value, f"not a parameter; the parameters "
                             f"{where} are: {', '.join(known)}"))
            continue
        hint, item = hints[key], _list_item(hints[key])
        if dataclasses.is_dataclass(hint):
            value = _build(hint, value, f"{prefix}{key}.", problems)
        elif item is not None and dataclasses.is_dataclass(item) and isinstance(value, list):
            value = [_build(item, v, f"{prefix}{key}[{k}].", problems)
                     for k, v in enumerate(value)]
        kwargs[key] = value
    return cls(**kwargs)


def field_of(params: Any, dotted: str) -> tuple[dataclasses.Field, Any]:
    """The dataclass field of a dotted parameter name (its metadata: unit, bounds, help)
    and its value in ``params``; KeyError if there is no such parameter."""
    node = params
    *path, leaf = dotted.split(".")
    for part in path:
        node = getattr(node, part, None)
    fields = {f.name: f for f in dataclasses.fields(node)} if dataclasses.is_dataclass(
        node) else {}
    if leaf not in fields:
        raise KeyError(f"{dotted} is not a parameter of sim.params")
    return fields[leaf], getattr(node, leaf)


def dotted_value(params: Any, dotted: str) -> Any:
    """The value of a dotted parameter name (``dynamics.reaction``) in ``params``."""
    node = params
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


def with_overrides(params: Params, overrides: dict[str, Any]) -> Params:
    """A copy of ``params`` with keyword overrides applied.

    Keys are dotted names with ``__`` for the dots, as keyword arguments allow
    (``dynamics__reaction=0.3``, ``seed=3``, ``un__unity=0.8``). Unknown keys raise
    :class:`ParameterError` naming them. Used by ``ConflictModel(**overrides)`` so Mesa's
    SolaraViz and ``batch_run`` can build models from keyword arguments. Values are
    checked by :func:`validate`, as every other way in.
    """
    out = copy.deepcopy(params)
    problems = []
    for key, value in overrides.items():
        *path, leaf = key.split("__")
        node = out
        for part in path:
            node = getattr(node, part, None)
        if node is None or not dataclasses.is_dataclass(node) or leaf not in {
                f.name for f in dataclasses.fields(node)}:
            problems.append((key.replace("__", "."), value, "a parameter of sim.params "
                             "(write dots as __, e.g. dynamics__reaction)"))
            continue
        setattr(node, leaf, value)
    if problems:
        raise ParameterError(problems)
    return out


def validate(params: Params) -> Params:
    """Check every parameter's type and range and every cross-field rule; raise
    :class:`ParameterError` listing all problems (field, value, what is allowed).

    The one validation path of the CLI, the Python API and the dashboard. Values are
    normalised in place to their declared types (see :func:`check_fields`). Also refused:
    runs whose memory would exceed ``record.memory_limit_gb``
    (:func:`estimated_memory_bytes`). Returns ``params`` for chaining."""
    problems = check_fields(params)
    if problems:  # the rules below assume every value has its declared type
        raise ParameterError(problems)

    net, esc, dyn = params.network, params.escalation, params.dynamics
    ladder = [("escalation.tension", esc.tension), ("escalation.crisis", esc.crisis),
              ("escalation.violence", esc.violence),
              ("escalation.armed_conflict", esc.armed_conflict)]
    for (lo_name, lo), (hi_name, hi) in zip(ladder, ladder[1:]):
        if not hi > lo:
            problems.append((hi_name, hi, f"must be above {lo_name} = {lo:g} (the ladder "
                             "rises)"))
    if esc.hysteresis >= esc.tension:
        problems.append(("escalation.hysteresis", esc.hysteresis,
                         f"must be below escalation.tension = {esc.tension:g}"))
    if net.weight_max < net.weight_min:
        problems.append(("network.weight_max", net.weight_max,
                         f"must be >= network.weight_min = {net.weight_min:g}"))
    if net.kind == "file" and not net.path:
        problems.append(("network.path", net.path, "a GraphML or edge-list file path when "
                         "network.kind=file"))
    if net.kind != "file":
        if net.n_regions > net.n_parties:
            problems.append(("network.n_regions", net.n_regions,
                             f"at most network.n_parties = {net.n_parties}"))
        if net.kind == "small_world" and net.k_nearest >= net.n_parties:
            problems.append(("network.k_nearest", net.k_nearest,
                             f"below network.n_parties = {net.n_parties}"))
        if net.kind == "scale_free" and net.attach_edges >= net.n_parties:
            problems.append(("network.attach_edges", net.attach_edges,
                             f"below network.n_parties = {net.n_parties}"))
    offices = params.un.regional_offices
    if any(r < 0 for r in offices) or (net.kind in ("regional_blocks", "small_world") and any(
            r >= net.n_regions for r in offices)):
        known = (f"0 … {net.n_regions - 1}" if net.kind in ("regional_blocks", "small_world")
                 else ">= 0")
        problems.append(("un.regional_offices", list(offices), f"region codes of this "
                         f"network: {known}"))
    if params.n_steps > MAX_STEPS:
        problems.append(("horizon_weeks", params.horizon_weeks, f"at most {MAX_STEPS:,} steps "
                         f"of step_days = {params.step_days:g} (this would be "
                         f"{params.n_steps:,}); shorten the horizon or lengthen the steps"))
    if params.dt_weeks * dyn.restraint_mean > 1:
        problems.append(("dynamics.restraint_mean", dyn.restraint_mean,
                         f"at most 1/dt = {1 / params.dt_weeks:g} per week with "
                         f"step_days = {params.step_days:g} (a step must not overshoot); "
                         "or shorten step_days"))
    for k, spec in enumerate(params.policy.instruments):
        if (spec.trigger == "election") != (spec.kind == "electoral_assistance"):
            problems.append((f"policy.instruments[{k}].trigger", spec.trigger,
                             "'election' for kind electoral_assistance (planned ahead of a "
                             "vote), and only for it" if spec.kind == "electoral_assistance"
                             else "'warning' or 'violence': 'election' is for kind "
                             "electoral_assistance only"))
    if not problems and net.kind != "file":  # a file's size is checked once it is read
        problems += memory_problems(params, net.n_parties, expected_ties(net),
                                    net.n_regions)
    if problems:
        raise ParameterError(problems)
    return params


#: Bytes of memory a run needs, by what it holds (measured peaks of runs at 4,000-100,000
#: parties and up to 60,000 steps, rounded up; benchmarks/README.md, "Memory of one
#: run"): per party (its networkx node, arrays, agent), per tie, per party-step of the
#: records (levels, and 4 more with hostility kept), of the outcome pass over them and of
#: level changes (up to one per party-step), per step (the Python objects a step keeps:
#: record rows, event chunks), per party-step of the observers' lag buffer, per coup and
#: per regional body; and, for a single run that writes its records, per party-step of
#: the tables it writes (every party every week, events).
MEMORY_BYTES = {"party": 3000, "tie": 400, "party_step": 36, "hostility_step": 4,
                "step": 4096, "lag_step": 8, "coup": 40, "region": 2000,
                "written_party_step": 200}


def expected_ties(net: NetworkParams) -> float:
    """Expected number of ties of a generated network (for the memory estimate)."""
    n = net.n_parties
    if net.kind == "small_world":
        return n * net.k_nearest / 2
    if net.kind == "scale_free":
        return n * net.attach_edges
    return min(n * (net.within_degree + net.between_degree) / 2, n * (n - 1) / 2)


def estimated_memory_bytes(params: Params, n_parties: int, n_ties: float,
                           n_regions: int, written: bool = False) -> float:
    """An upper estimate of the memory one run needs, in bytes (see :data:`MEMORY_BYTES`);
    ``written``: the run's records are also written to files (a single run)."""
    b, steps = MEMORY_BYTES, params.n_steps + 1
    lags = [params.un.reporting_lag_weeks, params.un.office_lag_weeks,
            params.regional.reporting_lag_weeks]
    lag_steps = max(lags) / params.dt_weeks + 1
    coups = (n_parties * params.shocks.coup_rate_per_year * params.horizon_weeks / 52.0
             if params.shocks.enabled else 0.0)
    per_step = (b["party_step"] + b["hostility_step"] * params.record.hostility
                + b["written_party_step"] * written)
    return (n_parties * (b["party"] + steps * per_step + 2 * lag_steps * b["lag_step"])
            + steps * b["step"] + n_ties * b["tie"] + coups * b["coup"]
            + n_regions * b["region"])


def memory_problems(params: Params, n_parties: int, n_ties: float, n_regions: int,
                    written: bool = False) -> list[tuple[str, Any, str]]:
    """A problem naming what makes the run too big if its memory estimate exceeds
    ``record.memory_limit_gb``."""
    need = estimated_memory_bytes(params, n_parties, n_ties, n_regions, written)
    limit = params.record.memory_limit_gb * 2**30
    if need <= limit:
        return []
    return [("record.memory_limit_gb", params.record.memory_limit_gb,
             f"this run would need about {need / 2**30:.1f} GiB ({n_parties:,} parties, "
             f"{n_ties:,.0f} ties, {params.n_steps:,} steps); the limit is "
             f"{params.record.memory_limit_gb:g} GiB. Make the run smaller "
             "(network.n_parties, horizon_weeks, step_days, record.hostility=false) or "
             "raise record.memory_limit_gb if the machine has the memory")]
