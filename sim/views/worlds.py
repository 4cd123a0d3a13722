"""Many worlds, not one: the dashboard's comparisons and its curve, in plain Python.

One seeded world is an anecdote: on some worlds a late response does as well as an early
one, on others no crisis ever comes. What a trainer should show is the average over many
worlds with its interval, and then one world that tells the same story.

* :func:`compare_worlds` runs two settings (two delays, two policies, two sets of
  resources or two leads) on the same ``n`` seeded worlds — common random numbers: the
  same network, shocks and noise, only the response differs — and returns a
  :class:`Comparison`: per-world outcomes, the paired mean differences with their
  intervals, the headline sentence, and the *typical* world (the one whose difference in
  violence is closest to the mean difference).
* :func:`delay_curve` runs the chosen policy at several delays on the same worlds, and
  no response once as the reference: a :class:`Curve`, the trainer's figure of outcome
  against delay.
* :func:`figure_compare` and :func:`figure_curve` draw them (``matplotlib.figure`` only:
  safe from several threads). ``python -m sim plot=compare`` writes the same figures.

Intervals are 95%: paired percentile bootstrap for differences and means
(:mod:`sim.study.stats`, seeded), Wilson for shares of worlds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.config import CompareParams
from sim.core import metrics
from sim.core.metrics import OUTCOMES, Kind
from sim.core.model import ConflictModel
from sim.core.params import Params, with_overrides
from sim.study.stats import bootstrap_interval, summarise
from sim.views.dashboard import SHOWN, outcome_label, settings_params

__all__ = ["COMPARE_WORLDS", "CURVE_DELAYS", "CURVE_WORLDS", "LEADS", "MODES",
           "Comparison", "Curve", "compare_worlds", "delay_curve", "figure_compare",
           "figure_curve", "money", "seeds_text", "setting_change", "world_runs",
           "compare_params", "plot_compare", "figure_slide", "COMPARE_DELAYS"]

#: Worlds and delays (days) of the curve by default: 8 × 12 runs, about 4 s.
CURVE_WORLDS = 12
CURVE_DELAYS: tuple[int, ...] = (0, 7, 14, 30, 60, 90, 180)
#: What two settings may differ in (the Compare tab's modes).
MODES = ("delay", "policy", "lever", "lead")
#: Who leads every instrument of the policy (``InstrumentSpec.actor``), in plain words.
LEADS = {"un": "the UN", "regional": "the regional body alone",
         "un_lead": "the UN, the regional body supporting",
         "regional_lead": "the regional body, the UN supporting",
         "joint": "UN and regional body jointly"}
#: Outcomes of the headline, in order.
HEADLINE = ("violence_party_weeks", "total_cost_usd", "armed_conflict")
LEVEL = 0.95

Progress = Callable[[int, int], None]


#: Worlds and delays (days) the Compare tab and ``plot=compare`` start with
#: (``sim.config.CompareParams``, typed once there): 2 × 30 runs, about 3 s on one core.
COMPARE_WORLDS = CompareParams().worlds
COMPARE_DELAYS = tuple(CompareParams().delays_days)


def money(value: float, signed: bool = False) -> str:
    """Dollars as a trainer reads them: $950k, $10.9M, $1.2bn (signed: +/−)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = ("+" if value > 0 else "−" if value < 0 else "") if signed else (
        "−" if value < 0 else "")
    v = abs(value)
    if v >= 1e9:
        text = f"${v / 1e9:.1f}bn"
    elif v >= 1e6:
        text = f"${v / 1e6:.1f}M"
    else:
        text = f"${v / 1e3:.0f}k"
    return sign + text


def _number(value: float, signed: bool = False) -> str:
    if value is None or math.isnan(value):
        return "–"
    if abs(value) < 0.05:
        return "0"
    text = f"{value:+,.0f}" if signed else f"{value:,.0f}"
    if abs(value) < 10 and value != round(value):
        text = f"{value:+.1f}" if signed else f"{value:.1f}"
    return text.replace("-", "−")


def _percent(value: float, signed: bool = False) -> str:
    if value is None or math.isnan(value):
        return "–"
    return (f"{value:+.0%}" if signed else f"{value:.0%}").replace("-", "−")


def seeds_text(seeds) -> str:
    """``seeds 4–33`` (consecutive) or the list."""
    seeds = [int(s) for s in seeds]
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"seeds {seeds[0]}–{seeds[-1]}"
    return "seeds " + ", ".join(map(str, seeds))


def setting_change(settings: dict[str, Any], mode: str, value: Any
                   ) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The dashboard's settings with one thing changed (``mode``, see :data:`MODES`) and
    the controls to apply exactly (the delay is applied even at its starting value)."""
    out = dict(settings)
    if mode == "delay":
        out["policy__response_delay_days"] = float(value)
        return out, ("policy.response_delay_days",)
    if mode == "policy":
        out["policy"] = str(value)
    elif mode == "lever":
        out["lever"] = str(value)
    elif mode == "lead":
        if value not in LEADS:
            raise ValueError(f"lead must be one of {sorted(LEADS)}, not {value!r}")
        for key in [k for k in out if k.startswith("policy__instruments__")]:
            del out[key]
        for i in range(len(settings_params(out).policy.instruments)):
            out[f"policy__instruments__{i}__actor"] = str(value)
    else:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return out, ()


def describe_setting(mode: str, value: Any) -> str:
    """A setting in words: "acting after 90 days", "policy envoy", "resources
    more_envoys", "led by the regional body, the UN supporting"."""
    if mode == "delay":
        return f"acting after {float(value):g} days"
    if mode == "policy":
        return "no response" if value == "none" else f"policy {value}"
    if mode == "lever":
        return "the baseline resources" if value == "baseline" else f"resources {value}"
    return f"led by {LEADS.get(value, value)}"


def run_world(params: Params, seed: int) -> dict[str, float]:
    """The outcomes of ``params`` on world ``seed``, run to the horizon."""
    return metrics.outcomes(ConflictModel(with_overrides(params, {"seed": int(seed)})).run())


def _run_arm(params: Params, seeds, progress: Progress | None, done: int, total: int
             ) -> dict[str, np.ndarray]:
    rows = []
    for seed in seeds:
        rows.append(run_world(params, seed))
        done += 1
        if progress is not None:
            progress(done, total)
    return {key: np.array([float(r.get(key, np.nan)) for r in rows]) for key in SHOWN}


def _difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    d = b - a
    return bootstrap_interval(d[~np.isnan(d)], LEVEL)


@dataclass
class Comparison:
    """Two settings on the same worlds: per-world outcomes and their paired differences."""

    mode: str
    values: tuple[Any, Any]          # the two settings (days, policy, lever or lead)
    params: tuple[Params, Params]    # the parameters of A and B (the seed aside)
    seeds: np.ndarray
    a: dict[str, np.ndarray]         # outcome -> one value per world
    b: dict[str, np.ndarray]
    names: tuple[str, str] = field(init=False)

    def __post_init__(self):
        self.names = tuple(describe_setting(self.mode, v) for v in self.values)

    @property
    def n(self) -> int:
        return int(len(self.seeds))

    def difference(self, key: str) -> tuple[float, float, float]:
        """Mean of B − A over the worlds and its 95% paired bootstrap interval."""
        return _difference(self.a[key], self.b[key])

    def typical_index(self, key: str = "violence_party_weeks") -> int:
        """The world whose B − A in ``key`` is closest to the mean difference (the first
        such world on ties): one world that tells the average's story."""
        d = self.b[key] - self.a[key]
        mean = float(np.nanmean(d))
        return int(np.nanargmin(np.abs(d - mean)))

    @property
    def typical_seed(self) -> int:
        return int(self.seeds[self.typical_index()])

    def headline(self) -> str:
        """"Acting after 90 days instead of 7: +29 party-weeks of violence [18, 41] over
        30 worlds (seeds 4–33), ..." — the paired mean differences with intervals."""
        a, b = self.names
        if self.mode == "delay":
            days_a, days_b = (float(v) for v in self.values)
            what = f"Acting after {days_b:g} days instead of {days_a:g}"
        else:
            what = f"{b[0].upper()}{b[1:]} instead of {a}"
        v, lo, hi = self.difference("violence_party_weeks")
        c, clo, chi = self.difference("total_cost_usd")
        war_a, war_b = int(np.nansum(self.a["armed_conflict"])), int(np.nansum(
            self.b["armed_conflict"]))
        text = (f"{what}: {_number(v, True)} party-weeks of violence "
                f"[{_number(lo)}, {_number(hi)}] over {self.n} worlds "
                f"({seeds_text(self.seeds)}), {money(c, True)} total cost "
                f"[{money(clo)}, {money(chi)}]; armed conflict in {war_b} of the "
                f"{self.n} worlds instead of {war_a}.")
        return text

    def verdict(self) -> str:
        """Whether the difference in violence is clear on these worlds."""
        v, lo, hi = self.difference("violence_party_weeks")
        if math.isnan(lo) or lo <= 0 <= hi:
            return ("On these worlds the difference in violence is not distinguishable "
                    "from none (its 95% interval includes 0): try more worlds.")
        more = "more" if v > 0 else "less"
        return (f"B leaves {more} violence than A on average, beyond the noise of these "
                f"{self.n} worlds (the 95% interval excludes 0).")

    def typical_text(self) -> str:
        """Which world the page shows, and why."""
        i = self.typical_index()
        d = self.b["violence_party_weeks"] - self.a["violence_party_weeks"]
        mean = float(np.nanmean(d))
        return (f"The world shown is seed {self.typical_seed}: its difference in violence "
                f"({_number(float(d[i]), True)} party-weeks) is the closest of the "
                f"{self.n} worlds to the mean difference ({_number(mean, True)}), so it "
                f"tells the same story as the average.")

    def table_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(outcome, mean A, mean B, B − A, its interval) per shown outcome, formatted."""
        rows = []
        for key in SHOWN:
            o = OUTCOMES[key]
            a, b = self.a[key], self.b[key]
            label = outcome_label(key)
            if o.kind is Kind.PROPORTION:
                fmt, label = _percent, f"{o.label} (share of worlds)"
            else:
                fmt = money if o.unit == "USD" else _number
            d, lo, hi = self.difference(key)
            mean_a = float(np.nanmean(a)) if np.isfinite(a).any() else math.nan
            mean_b = float(np.nanmean(b)) if np.isfinite(b).any() else math.nan
            rows.append((label, fmt(mean_a), fmt(mean_b), fmt(d, True),
                         f"[{fmt(lo)}, {fmt(hi)}]" if not math.isnan(lo) else "–"))
        return rows


def world_runs(comp: Comparison, seed: int | None = None
               ) -> tuple[ConflictModel, ConflictModel]:
    """Settings A and B run on one world (default: the typical one), with their records
    (for the timelines and the gap's parts)."""
    seed = comp.typical_seed if seed is None else int(seed)
    return tuple(ConflictModel(with_overrides(p, {"seed": seed})).run() for p in comp.params)


def compare_params(a: Params, b: Params, seeds, mode: str, values: tuple[Any, Any],
                   progress: Progress | None = None) -> Comparison:
    """Parameters ``a`` and ``b`` on each of ``seeds`` (their own seeds are ignored)."""
    seeds = np.asarray(seeds, dtype=int)
    total = 2 * seeds.size
    out_a = _run_arm(a, seeds, progress, 0, total)
    out_b = _run_arm(b, seeds, progress, seeds.size, total)
    return Comparison(mode, tuple(values), (a, b), seeds, out_a, out_b)


def compare_worlds(settings: dict[str, Any], mode: str, a: Any, b: Any,
                   n_worlds: int = COMPARE_WORLDS, first_seed: int | None = None,
                   progress: Progress | None = None) -> Comparison:
    """Settings A and B (``settings`` with ``mode`` set to ``a`` and ``b``) on worlds
    ``first_seed … first_seed + n_worlds − 1`` (default: from the settings' seed)."""
    if int(n_worlds) < 1:
        raise ValueError(f"n_worlds must be at least 1, not {n_worlds!r}")
    start = int(settings.get("seed", 0) if first_seed is None else first_seed)
    seeds = np.arange(start, start + int(n_worlds))
    pa, pb = (settings_params(*setting_change(settings, mode, v)) for v in (a, b))
    return compare_params(pa, pb, seeds, mode, (a, b), progress)


# ------------------------------------------------------------------ the curve
@dataclass
class Curve:
    """One policy at several delays on the same worlds, and no response once."""

    policy: str
    delays: tuple[float, ...]
    seeds: np.ndarray
    values: dict[float, dict[str, np.ndarray]]   # delay -> outcome -> per world
    reference: dict[str, np.ndarray]             # no response

    def summary(self, key: str) -> list[dict[str, float]]:
        """Mean and 95% interval of ``key`` at each delay."""
        proportion = OUTCOMES[key].kind is Kind.PROPORTION
        return [{"delay": d, **summarise(self.values[d][key], proportion, LEVEL)}
                for d in self.delays]

    def trend(self, key: str) -> tuple[float, float, float]:
        """Longest minus shortest delay, paired over the worlds: mean and interval."""
        return _difference(self.values[self.delays[0]][key], self.values[self.delays[-1]][key])

    def trend_text(self) -> str:
        """The delay trend in words, for risk, violence and cost."""
        lo_d, hi_d = self.delays[0], self.delays[-1]
        parts = []
        for key in ("armed_conflict", "violence_party_weeks", "total_cost_usd"):
            first, last = self.summary(key)[0]["mean"], self.summary(key)[-1]["mean"]
            d, lo, hi = self.trend(key)
            if OUTCOMES[key].kind is Kind.PROPORTION:
                move = (f"{_percent(first)} → {_percent(last)} ({_percent(d, True)} "
                        f"[{_percent(lo, True)}, {_percent(hi, True)}])")
                name = "risk of armed conflict"
            elif OUTCOMES[key].unit == "USD":
                move = (f"{money(first)} → {money(last)} ({money(d, True)} "
                        f"[{money(lo)}, {money(hi)}])")
                name = "total cost"
            else:
                move = (f"{_number(first)} → {_number(last)} party-weeks "
                        f"({_number(d, True)} [{_number(lo)}, {_number(hi)}])")
                name = "violence"
            clear = "" if (math.isnan(lo) or lo <= 0 <= hi) else ", beyond the noise"
            parts.append(f"{name} {move}{clear}")
        return (f"Policy {self.policy}, acting after {hi_d:g} days instead of {lo_d:g}, "
                f"over {len(self.seeds)} worlds ({seeds_text(self.seeds)}): "
                + "; ".join(parts) + " (paired differences, 95% intervals).")


def delay_curve(settings: dict[str, Any], delays=CURVE_DELAYS, n_worlds: int = CURVE_WORLDS,
                first_seed: int | None = None, progress: Progress | None = None) -> Curve:
    """The settings' policy at each of ``delays`` (days) and no response, on the same
    ``n_worlds`` worlds (from the settings' seed)."""
    delays = tuple(sorted(float(d) for d in delays))
    if not delays or int(n_worlds) < 1:
        raise ValueError("a curve needs at least one delay and one world")
    start = int(settings.get("seed", 0) if first_seed is None else first_seed)
    seeds = np.arange(start, start + int(n_worlds))
    total = (len(delays) + 1) * seeds.size
    values, policy = {}, None
    for j, d in enumerate(delays):
        params = settings_params(*setting_change(settings, "delay", d))
        policy = params.policy.name
        values[d] = _run_arm(params, seeds, progress, j * seeds.size, total)
    none, _ = setting_change(settings, "policy", "none")
    reference = _run_arm(settings_params(none), seeds, progress, len(delays) * seeds.size,
                         total)
    return Curve(policy, delays, seeds, values, reference)


# ------------------------------------------------------------------ figures
_FONT = 10


def _figure(width: float, height: float, dpi: int) -> Figure:
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_compare(comp: Comparison, *, width: float = 9.0, height: float = 3.6,
                   dpi: int = 100) -> Figure:
    """Violence on each world under A and B (one line per world, the same y axis), and
    the distribution of B − A with its mean and interval; the typical world marked."""
    fig = _figure(width, height, dpi)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.3])
    key = "violence_party_weeks"
    a, b = comp.a[key], comp.b[key]
    t = comp.typical_index()
    for i in range(comp.n):
        left.plot([0, 1], [a[i], b[i]], color="#9e9e9e", linewidth=0.8, alpha=0.6,
                  marker="o", markersize=3)
    left.plot([0, 1], [a[t], b[t]], color="#d95f02", linewidth=2.2, marker="o",
              label=f"world shown (seed {comp.typical_seed})")
    left.plot([0, 1], [np.nanmean(a), np.nanmean(b)], color="#08306b", linewidth=3,
              marker="s", label="mean of the worlds")
    left.set_xticks([0, 1], ["A: " + comp.names[0], "B: " + comp.names[1]],
                    fontsize=_FONT - 1)
    left.set_xlim(-0.25, 1.25)
    left.set_ylim(bottom=0)
    left.set_ylabel("violence (party-weeks)", fontsize=_FONT)
    left.set_title(f"Each world, A and B ({comp.n} worlds)", fontsize=_FONT + 1)
    left.legend(fontsize=_FONT - 1, frameon=False, loc="upper left")
    d = b - a
    mean, lo, hi = comp.difference(key)
    bins = min(20, max(5, comp.n // 2))
    right.hist(d[~np.isnan(d)], bins=bins, color="#6baed6", edgecolor="white")
    if not math.isnan(lo):
        right.axvspan(lo, hi, color="#08306b", alpha=0.15, label="95% interval of the mean")
    right.axvline(mean, color="#08306b", linewidth=2.5, label=f"mean {_number(mean, True)}")
    right.axvline(0, color="#222222", linewidth=1, linestyle="--")
    right.axvline(d[t], color="#d95f02", linewidth=2, linestyle=":",
                  label=f"world shown {_number(float(d[t]), True)}")
    right.set_xlabel("B − A: violence (party-weeks)", fontsize=_FONT)
    right.set_ylabel("worlds", fontsize=_FONT)
    right.set_title("The difference on each world", fontsize=_FONT + 1)
    right.legend(fontsize=_FONT - 1, frameon=False)
    for ax in (left, right):
        ax.tick_params(labelsize=_FONT - 1)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def figure_curve(curve: Curve, *, width: float = 10.0, height: float = 3.4,
                 dpi: int = 100) -> Figure:
    """Risk of armed conflict, violence and total cost against the delay, with 95%
    intervals over the worlds, and no response as a band."""
    fig = _figure(width, height, dpi)
    axes = fig.subplots(1, 3, sharex=True)
    x = np.array(curve.delays)
    for ax, key in zip(axes, ("armed_conflict", "violence_party_weeks", "total_cost_usd")):
        o = OUTCOMES[key]
        rows = curve.summary(key)
        mean = np.array([r["mean"] for r in rows])
        lo, hi = np.array([r["low"] for r in rows]), np.array([r["high"] for r in rows])
        scale = 1e-9 if o.unit == "USD" else 100.0 if o.kind is Kind.PROPORTION else 1.0
        ref = summarise(curve.reference[key], o.kind is Kind.PROPORTION, LEVEL)
        ax.axhspan(ref["low"] * scale, ref["high"] * scale, color="#bdbdbd", alpha=0.25,
                   linewidth=0)
        ax.axhline(ref["mean"] * scale, color="#616161", linestyle="--", linewidth=1.2,
                   label="no response (band: 95%)")
        ax.fill_between(x, lo * scale, hi * scale, color="#6baed6", alpha=0.35, linewidth=0)
        ax.plot(x, mean * scale, color="#08306b", marker="o", linewidth=2,
                label=f"{curve.policy} (band: 95%)")
        unit = ("risk of armed conflict (%)" if o.kind is Kind.PROPORTION else
                "total cost ($bn)" if o.unit == "USD" else "violence (party-weeks)")
        ax.set_title(unit, fontsize=_FONT + 1)
        ax.set_xlabel("delay after the warning (days)", fontsize=_FONT)
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=_FONT - 1)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].legend(fontsize=_FONT - 1, frameon=False, loc="lower right")
    fig.suptitle(f"Outcome against delay: policy {curve.policy} on {len(curve.seeds)} "
                 f"worlds ({seeds_text(curve.seeds)})", fontsize=_FONT + 2)
    return fig


def figure_slide(comp: Comparison, runs=None, *, dpi: int = 150) -> Figure:
    """One 16:9 slide: the headline over the worlds, then the typical world under A and
    B side by side on the same y axis, each with its warning-to-action gap."""
    import textwrap

    from sim.views.timeline import TimelinePainter, peak_above_stable

    run_a, run_b = world_runs(comp) if runs is None else runs
    top = max(peak_above_stable(run_a), peak_above_stable(run_b))
    fig = Figure(figsize=(40 / 3, 7.5), dpi=dpi)  # 16:9
    FigureCanvasAgg(fig)
    def plain(text: str, width: int) -> str:  # no mathtext between two dollar signs
        return textwrap.fill(text, width).replace("$", r"\$")

    fig.text(0.03, 0.965, plain(comp.headline(), 100), fontsize=15,
             fontweight="bold", color="#08306b", va="top")
    for i, (tag, name, run) in enumerate((("A", comp.names[0], run_a),
                                          ("B", comp.names[1], run_b))):
        painter = TimelinePainter(run, width=6.4, height=5.0, dpi=dpi, title="",
                                  legend="bottom", fast=False, fontsize=10, ymax=top)
        painter.update()
        ax = fig.add_axes((0.02 + 0.49 * i, 0.1, 0.47, 0.7))
        ax.imshow(painter.rgba())
        ax.set_axis_off()
        ax.set_title(f"{tag}: {name} (world {comp.typical_seed})", fontsize=14, loc="left")
    fig.text(0.03, 0.03, plain(comp.typical_text() + " " + comp.verdict(), 165),
             fontsize=11, color="#333333", va="bottom")
    return fig


def plot_compare(params: Params, folder, delays=COMPARE_DELAYS,
                 n_worlds: int = COMPARE_WORLDS) -> list:
    """``python -m sim plot=compare``: the run's settings with response delays A and B on
    ``n_worlds`` worlds from its seed; writes ``compare.png`` (the slide),
    ``compare_worlds.png`` (every world's difference) and ``compare.txt`` (the headline)
    into ``folder`` atomically; returns their paths."""
    from pathlib import Path

    from sim.study.storage import write_atomic
    from sim.views.timeline import figure_bytes

    a, b = (with_overrides(params, {"policy__response_delay_days": float(d)}) for d in delays)
    seeds = np.arange(params.seed, params.seed + int(n_worlds))
    comp = compare_params(a, b, seeds, "delay", tuple(float(d) for d in delays))
    contents = {
        "compare.png": figure_bytes(figure_slide(comp), "png", dpi=150),
        "compare_worlds.png": figure_bytes(figure_compare(comp, width=10, height=4.2),
                                           "png", dpi=150),
        "compare.txt": (comp.headline() + "\n" + comp.verdict() + "\n" + comp.typical_text()
                        + "\n").encode("utf-8"),
    }
    folder = Path(folder)
    return [write_atomic(folder / name, lambda p, data=data: p.write_bytes(data))
            for name, data in contents.items()]
