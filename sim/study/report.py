"""Aggregation, figures and the Markdown report of a sweep (the only matplotlib user).

    python -m sim.report results/compare_policies/<sweep_name>

works on a finished or a partial sweep (it reads only the job tables on disk). It writes,
atomically, into the sweep folder: ``runs.parquet`` (every run), ``summary.csv`` (per
group: mean and 95% interval of each headline outcome, and the paired difference against
``none``), ``figures/*.png|svg`` and ``report.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.metrics import OUTCOMES, Kind
from sim.study.analysis import (
    BASELINE,
    BASELINES,
    DELAY,
    EARLY_LATE_STEPS,
    EARLY_SMALL,
    GAP_PARTS,
    HEADLINE,
    LATE_LARGE,
    RESPONSE_ONLY,
    THRESHOLD,
    TREND_STEP_DAYS,
    TRIGGER,
    better,
    delay_trend,
    delay_trend_findings,
    early_late,
    early_late_findings,
    findings,
    format_interval,
    format_value,
    gap_findings,
    gap_table,
    is_skill_study,
    markdown_table,
    paired_differences,
    parse_reference,
    summary_table,
    varying,
    warning_skill,
)
from sim.study.storage import (
    FolderBusy,
    FolderLock,
    OutsideError,
    clean_stale_temps,
    describe_os_error,
    git_commit,
    now_iso,
    package_versions,
    write_atomic,
    write_json,
    write_table,
    writing_under,
)
from sim.study.sweep import (
    DamagedFile,
    input_columns,
    job_tables,
    load_crises,
    load_failures,
    load_runs,
    missing_jobs,
    read_json,
)

__all__ = ["build_report", "load_failures", "paired_differences", "summary_table"]

# ---------------------------------------------------------------- figures
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def savefig(fig, target, fmt: str, **kwargs) -> None:
    """``fig.savefig`` whose files are the same bytes for the same figure: SVGs without
    their date and with clip-path ids from a fixed salt (matplotlib's are random)."""
    import matplotlib as mpl

    if fmt == "svg":
        kwargs.setdefault("metadata", {"Date": None})
    with mpl.rc_context({"svg.hashsalt": "prevsim"}):
        fig.savefig(target, format=fmt, **kwargs)


def _save(fig, folder: Path, name: str) -> list[str]:
    """Write ``fig`` as PNG and SVG, cropped to its content (as ``bbox_inches="tight"``).

    The crop is measured once for both files (each tight save would lay the figure out
    again just to measure it).
    """
    import matplotlib as mpl

    folder.mkdir(parents=True, exist_ok=True)
    fig.draw_without_rendering()
    bbox = fig.get_tightbbox(fig.canvas.get_renderer()).padded(mpl.rcParams["savefig.pad_inches"])
    names = []
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        write_atomic(path, lambda p, ext=ext: savefig(fig, p, ext, dpi=120, bbox_inches=bbox))
        names.append(path.name)
    _plt().close(fig)
    return names


#: The smallest font on a sweep's figures, in points at the saved size (a slide's).
MIN_FONT = 10
#: How far a label sits from its point, and the half-size of a marker, in points.
LABEL_GAP, MARKER_HALF = 4.0, 4.0


def _inputs(summary: pd.DataFrame) -> list[str]:
    """The swept-input columns of a summary table (those before ``runs``)."""
    return list(summary.columns[:summary.columns.get_loc("runs")])


def _delays(frame: pd.DataFrame) -> list[float]:
    """The response delays a table holds, in days (empty if the delay is not an input;
    a row with the delay unset is a policy that ignores it: ``policy=none``)."""
    if DELAY not in frame.columns:
        return []
    return sorted(float(d) for d in frame[DELAY].dropna().unique())


def _days(delays: list[float]) -> str:
    return ", ".join(f"{d:g}" for d in delays) + (" day" if delays == [1.0] else " days")


def delay_note(frame: pd.DataFrame) -> str:
    """What a figure says about the delay(s) it shows ('' if the delay is not an input)."""
    delays = _delays(frame)
    if not delays:
        return ""
    return f"response delay{'s' if len(delays) > 1 else ''} {_days(delays)}"


def _label(row: pd.Series, shown: list[str]) -> str:
    """A setting as a figure names it: its inputs in ``shown``, the delay in days, unset
    inputs (nan: ignored by the setting) left out, and with the delay unset the other
    inputs a policy without instruments ignores (:data:`RESPONSE_ONLY`)."""
    unset = DELAY in row.index and row[DELAY] != row[DELAY]  # ignores the response inputs
    parts = []
    for g in shown:
        v = row[g]
        if (isinstance(v, float) and v != v) or (unset and g in RESPONSE_ONLY):
            continue
        parts.append(f"{v:g} days" if g == DELAY else str(v))
    return " / ".join(parts)


def _delay_axis_label(frame: pd.DataFrame) -> str:
    swept_trigger = TRIGGER in frame.columns and frame[TRIGGER].nunique() > 1
    return (f"response delay (days from the {'trigger' if swept_trigger else 'warning'} "
            "to the decision)")


def _shade(colour, t: float):
    """``colour`` lightened towards white for ``t`` = 0, itself for ``t`` = 1."""
    from matplotlib.colors import to_rgb

    k = 0.25 + 0.75 * t
    return tuple(1 - k * (1 - c) for c in to_rgb(colour))


def _overlap(a: tuple, b: tuple) -> bool:
    """Whether two boxes ``(x0, y0, x1, y1)`` overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _within(box: tuple, frame) -> bool:
    return (box[0] >= frame.x0 and box[2] <= frame.x1 and box[1] >= frame.y0
            and box[3] <= frame.y1)


def place_labels(ax, labels: list[tuple[str, tuple[float, float], Any]],
                 points: list[tuple[float, float]], fontsize: float = MIN_FONT) -> list:
    """Annotate each ``(text, (x, y), colour)`` of ``labels`` beside its point (data
    coordinates) so that no two labels overlap and no label covers a marker of ``points``.

    Each label, in order, takes the first free spot from a fixed list: beside its point
    (right or left, above or below), then further up or down in steps of half a line;
    spots inside the axes come first. A label moved away from its point gets a thin
    leader line. Deterministic (no random jitter, no iteration to convergence). The
    axes' limits are fixed first, and the labels are left out of any layout engine's
    calculation, so what is checked here is what is drawn.
    """
    from matplotlib.text import Text

    fig = ax.figure
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    renderer = fig.canvas.get_renderer()
    px = fig.dpi / 72.0  # pixels per point
    gap, half = LABEL_GAP * px, MARKER_HALF * px
    frame = ax.get_window_extent(renderer)
    to_px = ax.transData.transform
    taken = [(x - half, y - half, x + half, y + half) for x, y in
             (to_px(p) for p in points)]
    annotations = []
    for text, xy, colour in labels:
        probe = ax.text(0, 0, text, fontsize=fontsize)
        box = Text.get_window_extent(probe, renderer)
        probe.remove()
        w, h = box.width, box.height
        x, y = to_px(xy)
        spots = [(gap, gap * 0.5), (gap, -h - gap * 0.5), (-gap - w, gap * 0.5),
                 (-gap - w, -h - gap * 0.5)]
        for k in range(1, 80):
            for dx in (gap, -gap - w):
                spots += [(dx, gap * 0.5 + k * h / 2), (dx, -h - gap * 0.5 - k * h / 2)]

        boxes = [(x + dx - 1, y + dy - 1, x + dx + w + 1, y + dy + h + 1) for dx, dy in spots]
        index = next((i for inside in (True, False) for i, b in enumerate(boxes)
                      if (not inside or _within(b, frame))
                      and not any(_overlap(b, t) for t in taken)), 0)
        dx, dy = spots[index]
        taken.append((x + dx, y + dy, x + dx + w, y + dy + h))
        arrow = (dict(arrowstyle="-", color="0.45", lw=0.7, shrinkA=0, shrinkB=2)
                 if index >= 4 else None)
        ann = ax.annotate(text, xy, xytext=(dx / px, dy / px), textcoords="offset points",
                          ha="left", va="bottom", fontsize=fontsize, arrowprops=arrow,
                          color=colour,
                          annotation_clip=False)
        ann.set_in_layout(False)
        annotations.append(ann)
    return annotations


def comparison_figure(summary: pd.DataFrame):
    """Mean and 95% interval of the key outcomes per policy (per scenario and other
    inputs if several). A swept response delay is shown, not picked: each row holds one
    point per delay, shaded from short to long, and the legend names them."""
    plt = _plt()
    panels = [o for o in HEADLINE if o.key in ("armed_conflict", "violence_party_weeks",
                                               "total_cost_usd")]
    inputs = _inputs(summary)
    delays = _delays(summary)
    by_delay = len(delays) > 1
    groups = [g for g in inputs if g != DELAY] if by_delay else inputs
    rows = summary.drop_duplicates(subset=groups)
    rows = rows.assign(_base=rows.policy != BASELINE).sort_values(  # unset (nan) first
        [g for g in groups if g != "policy"] + ["_base", "policy"], kind="stable",
        na_position="first")
    shown = varying(summary, groups)
    labels = [_label(r, shown) for _, r in rows.iterrows()]
    key = lambda frame: frame[groups].map(str).agg("|".join, axis=1)  # noqa: E731
    row_of = dict(zip(key(rows), range(len(rows))))
    points = summary.assign(_y=key(summary).map(row_of).astype(float))
    if by_delay:
        colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, len(delays)))
        spread = min(0.7, 0.25 * (len(delays) - 1)) / (len(delays) - 1)
        rank = {d: i for i, d in enumerate(delays)}
        points["_y"] += [0.0 if d != d else (rank[float(d)] - (len(delays) - 1) / 2) * spread
                         for d in points[DELAY]]
    fig, axes = plt.subplots(1, len(panels), sharey=True, layout="constrained", figsize=(
        4.4 * len(panels), (0.95 if by_delay else 0.5) * len(rows) + (2.6 if by_delay else 1.9)))
    for ax, outcome in zip(np.atleast_1d(axes), panels):
        col, title, unit = outcome.key, outcome.summary_label, outcome.unit
        scale, unit = (1e6, "million USD per run") if col.endswith("usd") else (1.0, unit)
        for _, r in points.iterrows():
            mean = r[col] / scale
            err = np.nan_to_num([[mean - r[f"{col}_low"] / scale],
                                 [r[f"{col}_high"] / scale - mean]])
            if not by_delay:
                colour = "black" if r.policy == BASELINE else "tab:blue"
            else:
                colour = "black" if r[DELAY] != r[DELAY] else colours[rank[float(r[DELAY])]]
            ax.errorbar(mean, r["_y"], xerr=err, fmt="o", color=colour, capsize=2 if by_delay
                        else 3, markersize=5 if by_delay else 6, lw=1.2)
        ax.set_title(title, fontsize=12)
        ax.set_xlabel(unit, fontsize=MIN_FONT)
        ax.tick_params(labelsize=MIN_FONT)
        ax.grid(axis="x", alpha=0.3)
        if by_delay:  # rows told apart
            for edge in np.arange(len(rows) - 1) + 0.5:
                ax.axhline(edge, color="0.85", lw=0.8)
        if outcome.kind is Kind.PROPORTION:
            from matplotlib.ticker import PercentFormatter

            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    first = np.atleast_1d(axes)[0]
    first.set_yticks(np.arange(len(rows)), labels, fontsize=MIN_FONT + 1)
    first.invert_yaxis()
    if by_delay:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="o", ls="none", color=c, markersize=7)
                   for c in colours]
        names = [f"{d:g} days" for d in delays]
        unset = points[points[DELAY].isna()]
        if len(unset):
            handles.append(Line2D([], [], marker="o", ls="none", color="black", markersize=7))
            names.append("delay unset" + (" (no response ignores it)"
                                          if (unset.policy == BASELINE).all() else ""))
        fig.legend(handles, names, loc="outside lower center", ncol=min(len(names), 8),
                   fontsize=MIN_FONT, title="response delay", title_fontsize=MIN_FONT)
        title = f"Outcomes by policy and response delay ({_days(delays)}): mean and 95% interval"
    else:
        note = delay_note(summary)
        title = "Outcomes by policy: mean and 95% interval" + (f" ({note})" if note else "")
    fig.suptitle(title, fontsize=13)
    return fig


def figure_comparison(summary: pd.DataFrame, folder: Path) -> str:
    """:func:`comparison_figure`, written as ``policy_comparison``."""
    return _save(comparison_figure(summary), folder, "policy_comparison")[0]


def delay_figure(summary: pd.DataFrame):
    """Armed-conflict risk and violence against the response delay, one line per setting
    of the other inputs (each instrument) with its 95% band; a setting that ignores the
    delay (``policy=none``, delay unset) is the dashed reference across the range. None
    unless at least two delays were swept."""
    delays = _delays(summary)
    if len(delays) < 2:
        return None
    from matplotlib.ticker import PercentFormatter

    plt = _plt()
    groups = [g for g in _inputs(summary) if g != DELAY]
    shown = varying(summary, groups)
    fig, axes = plt.subplots(1, 2, figsize=(11.5, 5.0), layout="constrained")
    cols = ("armed_conflict", "violence_party_weeks")
    colours = iter(plt.get_cmap("tab10").colors * 3)
    swept = summary[summary[DELAY].notna()]
    for _, part in swept.groupby(groups, sort=True, dropna=False):
        part = part.sort_values(DELAY)
        first = part.iloc[0]
        base = first.policy == BASELINE
        colour = "black" if base else next(colours)
        x = part[DELAY].to_numpy(float)
        for ax, col in zip(axes, cols):
            ax.plot(x, part[col], marker="o", color=colour, label=_label(first, shown),
                    linestyle="--" if base else "-", lw=2)
            ax.fill_between(x, part[f"{col}_low"], part[f"{col}_high"], color=colour,
                            alpha=0.12, lw=0)
    for _, r in summary[summary[DELAY].isna()].iterrows():  # ignores the delay
        name = _label(r, shown) + (" (no response)" if r.policy == BASELINE else
                                   " (delay unset)")
        for ax, col in zip(axes, cols):
            ax.axhline(r[col], color="black", linestyle="--", lw=1.8, label=name)
            ax.axhspan(r[f"{col}_low"], r[f"{col}_high"], color="black", alpha=0.07, lw=0)
    span = delays[-1] - delays[0]
    ticks, last = [], -np.inf
    for d in delays:  # every delay a tick, labelled where there is room
        ticks.append(f"{d:g}" if d - last >= span / 12 else "")
        last = d if ticks[-1] else last
    for ax, (title, unit) in zip(axes, (("Risk of armed conflict", "share of runs"),
                                        ("Violence", "party-weeks at level ≥ 3 per run"))):
        ax.set_xticks(delays, ticks)
        ax.set_xlim(delays[0] - span * 0.03, delays[-1] + span * 0.03)
        ax.set_xlabel(_delay_axis_label(summary), fontsize=MIN_FONT + 1)
        ax.set_ylabel(unit, fontsize=MIN_FONT + 1)
        ax.set_title(title, fontsize=12)
        ax.tick_params(labelsize=MIN_FONT + 1)
        ax.grid(alpha=0.3)
    axes[0].yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=min(len(names), 5),
               fontsize=MIN_FONT + 1)
    fig.suptitle(f"Outcome against the response delay ({_days(delays)}; mean and 95% "
                 "interval)", fontsize=13)
    return fig


def figure_delay(summary: pd.DataFrame, folder: Path) -> str | None:
    """:func:`delay_figure`, written as ``outcome_vs_delay``."""
    fig = delay_figure(summary)
    return None if fig is None else _save(fig, folder, "outcome_vs_delay")[0]


def gap_figure(crises: pd.DataFrame, table: pd.DataFrame, groups: list[str]):
    """Per setting: the distribution of the per-crisis warning-to-action gap (answered
    crises; box: quartiles, whiskers: 5th-95th percentile, diamond: mean) and its mean in
    parts (stacked: the parts sum to the mean). None if no crisis was answered."""
    answered = crises[crises["warning_to_action_weeks"].notna()]
    if answered.empty or "median" not in table.columns:
        return None
    plt = _plt()
    shown = varying(table, groups)
    table = table[table["median"].notna()]
    labels = [_label(r, shown) for _, r in table.iterrows()]
    data = [part["warning_to_action_weeks"].to_numpy(float)
            for _, part in answered.groupby(groups, sort=True, dropna=False)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 0.42 * len(table) + 2.6),
                                      sharey=True, layout="constrained")
    y = np.arange(len(table))
    left.boxplot(data, positions=y, orientation="horizontal", whis=(5, 95),
                 showfliers=False, widths=0.6)
    left.plot(table["mean"], y, "D", color="tab:red", markersize=5, label="mean")
    left.set_xlabel("weeks from first warning to first action on the ground",
                    fontsize=MIN_FONT)
    left.set_title("Gap per answered crisis", fontsize=12)
    left.legend(fontsize=MIN_FONT, loc="best")
    start = np.zeros(len(table))
    colours = plt.get_cmap("tab10").colors
    for (name, label), colour in zip(GAP_PARTS.items(), colours):
        width = table[name].to_numpy(float)
        right.barh(y, width, left=start, color=colour, label=label, height=0.6)
        start += width
    right.set_xlabel("weeks (mean per answered crisis)", fontsize=MIN_FONT)
    right.set_title("What the gap was spent on", fontsize=12)
    fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncol=3,
               fontsize=MIN_FONT)
    for ax in (left, right):
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=MIN_FONT)
    left.set_yticks(y, labels, fontsize=MIN_FONT)
    left.invert_yaxis()
    note = delay_note(table)
    fig.suptitle("The warning-to-action gap by policy and response delay: its distribution "
                 "and its parts" if DELAY in shown else
                 "The warning-to-action gap: its distribution and its parts"
                 + (f" ({note})" if note else ""), fontsize=13)
    return fig


def figure_gaps(crises: pd.DataFrame, table: pd.DataFrame, groups: list[str],
                folder: Path) -> str | None:
    """:func:`gap_figure`, written as ``gap_distribution``."""
    fig = gap_figure(crises, table, groups)
    return None if fig is None else _save(fig, folder, "gap_distribution")[0]


def cost_risk_figure(summary: pd.DataFrame):
    """Total cost against armed-conflict risk, one point per setting, every label placed
    clear of the others (:func:`place_labels`). With a swept response delay, each
    setting of the other inputs (each instrument) is one line through its delays, its
    markers shaded from light (shortest delay) to dark (longest), named once at its
    shortest delay and the longest delay marked at the other end; a setting that ignores
    the delay (``policy=none``) is a black diamond."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import PercentFormatter

    plt = _plt()
    fig = plt.figure(figsize=(8.5, 6.2))
    ax = fig.add_axes((0.11, 0.2, 0.86, 0.7))  # fixed: the labels are placed once
    inputs = _inputs(summary)
    delays = _delays(summary)
    by_delay = len(delays) > 1
    groups = [g for g in inputs if g != DELAY] if by_delay else inputs
    shown = varying(summary, groups)
    labels: list[tuple[str, tuple[float, float], Any]] = []
    points: list[tuple[float, float]] = []

    def point(r, colour, face, marker="o", size=8) -> tuple[float, float]:
        x, y = float(r["armed_conflict"]), float(r["total_cost_usd"]) / 1e9
        err = lambda col, s, v: np.nan_to_num([[v - r[f"{col}_low"] / s],  # noqa: E731
                                               [r[f"{col}_high"] / s - v]])
        ax.errorbar(x, y, xerr=err("armed_conflict", 1, x), yerr=err("total_cost_usd", 1e9, y),
                    fmt="none", ecolor=colour, alpha=0.3, lw=1, capsize=2, zorder=1)
        ax.plot(x, y, marker=marker, markersize=size, markerfacecolor=face,
                markeredgecolor=colour, linestyle="none", zorder=3)
        points.append((x, y))
        return x, y

    legend = []
    if by_delay:
        colours = iter(plt.get_cmap("tab10").colors * 3)
        swept = summary[summary[DELAY].notna()]
        rank = {d: i / (len(delays) - 1) for i, d in enumerate(delays)}
        for _, part in swept.groupby(groups, sort=True, dropna=False):
            part = part.sort_values(DELAY)
            colour = "black" if part.iloc[0].policy == BASELINE else next(colours)
            ax.plot(part["armed_conflict"], part["total_cost_usd"] / 1e9, color=colour,
                    lw=1.6, alpha=0.8, zorder=2)
            ends = [point(r, colour, _shade(colour, rank[float(r[DELAY])]))
                    for _, r in part.iterrows()]
            labels.append((f"{_label(part.iloc[0], shown)}, {part[DELAY].iloc[0]:g} days",
                           ends[0], colour))
            labels.append((f"{part[DELAY].iloc[-1]:g} days", ends[-1], colour))
        legend = [(Line2D([], [], marker="o", ls="none", markersize=8, markeredgecolor="0.3",
                          markerfacecolor=_shade("0.3", rank[d])), f"{d:g} days")
                  for d in delays]
        title = f"Cost against risk by response delay ({_days(delays)}; 95% intervals)"
    else:
        note = delay_note(summary)
        title = "Cost against risk (95% intervals)" + (f", {note}" if note else "")
    for _, r in (summary[summary[DELAY].isna()] if by_delay else summary).iterrows():
        base = r.policy == BASELINE
        colour = "black" if base else "tab:blue"
        xy = point(r, colour, colour, marker="D" if by_delay else "o",
                   size=8 if by_delay else 7)
        labels.append((_label(r, shown) + (" (no response)" if base and by_delay else ""),
                       xy, "black"))
    if by_delay:
        handles, names = zip(*legend)
        ax.legend(handles, names, title="marker shade: response delay", fontsize=MIN_FONT,
                  title_fontsize=MIN_FONT, loc="upper center", bbox_to_anchor=(0.5, -0.13),
                  ncol=min(len(names), 7), frameon=False)
    ax.margins(x=0.12, y=0.1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("risk of armed conflict (share of runs)", fontsize=MIN_FONT + 1)
    ax.set_ylabel("total cost (billion USD, mean per run)", fontsize=MIN_FONT + 1)
    ax.tick_params(labelsize=MIN_FONT + 1)
    ax.set_title(title, fontsize=12)
    ax.grid(alpha=0.3)
    place_labels(ax, labels, points)
    return fig


def figure_cost_risk(summary: pd.DataFrame, folder: Path) -> str:
    """:func:`cost_risk_figure`, written as ``cost_vs_risk``."""
    return _save(cost_risk_figure(summary), folder, "cost_vs_risk")[0]


# ---------------------------------------------------------------- report
def figure_sensitivity(indices: pd.DataFrame, method: str, outcome: str,
                       folder: Path) -> str:
    """Sobol first-order and total indices, or Morris μ* and σ, with 95% intervals."""
    plt = _plt()
    names = list(indices.index)
    y = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) + 1.6))
    if method == "sobol":
        ax.barh(y - 0.2, indices.S1, 0.4, xerr=indices.S1_conf, label="first-order S1",
                capsize=2)
        ax.barh(y + 0.2, indices.ST, 0.4, xerr=indices.ST_conf, label="total ST", capsize=2)
        ax.set_xlabel(f"Sobol index of {outcome} (share of variance)")
    else:
        ax.barh(y, indices.mu_star, 0.6, xerr=indices.mu_star_conf, label="μ* (mean |effect|)",
                capsize=2)
        ax.plot(indices.sigma, y, "k|", markersize=14, label="σ (interactions, non-linearity)")
        ax.set_xlabel(f"Morris elementary effect on {outcome}")
    ax.set_yticks(y, names, fontsize=9)
    ax.invert_yaxis()
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Global sensitivity ({method}), 95% intervals", fontsize=11)
    return _save(fig, folder, "sensitivity")[0]


def exploration_section(sweep_dir: Path, runs: pd.DataFrame, config: dict) -> list[str]:
    """Regret, satisficing, the cost–risk front, parallel coordinates and the PRIM box of
    an ensemble of worlds (``experiment=robustness``, ``sim.study.explore``)."""
    from sim.study import explore

    e, study = config["explore"], config["study"]
    names = list(e["uncertainties"])
    levers = [c for c in input_columns(runs) if c not in (*names, "sample")
              and runs[c].nunique(dropna=False) > 1]
    if levers and levers != ["policy"]:  # several levers: each setting is one "policy"
        runs = runs.assign(policy=[" / ".join(str(readable_input(c, v)) for c, v in
                                              zip(levers, row))
                                   for row in runs[levers].itertuples(index=False)])
    worlds = int((runs["sample"].unique() != explore.DEFAULT_WORLD).sum())
    policies = sorted(runs.policy.unique())
    thresholds = dict(e["satisficing"])
    figures = sweep_dir / "figures"
    lever_words = ", ".join(f"`{c}`" for c in levers) or "`policy`"
    lines = [f"**Ensemble.** {len(policies)} lever settings ({lever_words}) × {worlds} worlds of a "
             f"Latin hypercube over {len(names)} uncertainties (design seed "
             f"{e['design_seed']}; of {e['samples']} planned) and the default world, "
             f"{study['replications']} seeds each, the same seeds for every policy and "
             "world (common random numbers).", ""]
    table = explore.robustness_table(runs, thresholds)
    write_table(sweep_dir / "robustness.csv", table)
    fmt = lambda key, v: format_value(v, key)  # noqa: E731
    cell = lambda r, col, key: (f"{fmt(key, r[col])} [{fmt(key, r[col + '_low'])}, "  # noqa: E731
                                f"{fmt(key, r[col + '_high'])}]")
    shown = pd.DataFrame({
        (" / ".join(levers) if levers and levers != ["policy"] else "policy"): table.policy,
        "default world: violence (regret)": [
            f"{fmt('violence_party_weeks', r.violence_party_weeks_default)} "
            f"({fmt('violence_party_weeks', r.violence_party_weeks_default_regret)})"
            for _, r in table.iterrows()],
        "mean regret: violence": [cell(r, "violence_party_weeks_regret_mean",
                                       "violence_party_weeks") for _, r in table.iterrows()],
        "p90 regret: violence": [cell(r, "violence_party_weeks_regret_p90",
                                      "violence_party_weeks") for _, r in table.iterrows()],
        "mean regret: total cost": [cell(r, "total_cost_usd_regret_mean", "total_cost_usd")
                                    for _, r in table.iterrows()],
        "satisficing": [f"{r.satisficing:.0%} [{r.satisficing_low:.0%}, "
                        f"{r.satisficing_high:.0%}]" for _, r in table.iterrows()]})
    shown = shown.iloc[table.violence_party_weeks_regret_mean.argsort().to_numpy()]
    rule = " and ".join(f"{OUTCOMES[k].summary_label.lower()} ≤ {format_value(v, k)}"
                        for k, v in thresholds.items())
    lines += ["## Robustness: regret and satisficing", "",
              "Regret in a world: a policy's mean outcome there minus the best policy's "
              "(0 for the best). Mean and 90th percentile over the worlds; satisficing: "
              f"the share of worlds where the policy's means meet {rule}. 95% intervals "
              "from resampling the seeds (400 resamples, seeded): the best policy of a "
              "world is picked from noisier means in a resample, so resampled regrets "
              "lean upwards and the estimate sits near the low end of its interval. The "
              "default world column is the policy's violence there and its regret (the "
              "gap to the best policy on the default world).", "", markdown_table(shown),
              ""]
    best_default = table.loc[table.violence_party_weeks_default.idxmin(), "policy"]
    criteria = (("least mean regret in violence", "violence_party_weeks_regret_mean", True),
                ("least 90th-percentile regret in violence", "violence_party_weeks_regret_p90",
                 True),
                ("least mean regret in total cost", "total_cost_usd_regret_mean", True),
                ("most worlds satisfied", "satisficing", False))
    lines += ["## Findings", ""]
    for words, col, low in criteria:
        best = table[col].min() if low else table[col].max()
        tied = table[np.isclose(table[col], best)]  # every policy at the best value
        value = (f"{best:.0%}" if col == "satisficing" else
                 fmt("total_cost_usd" if "cost" in col else "violence_party_weeks", best))
        gaps = "; ".join(f"`{r.policy}` "
                         f"{fmt('violence_party_weeks', r.violence_party_weeks_default_regret)}"
                         for _, r in tied.iterrows())
        lines.append(f"- Most robust by {words}: "
                     + ", ".join(f"`{p}`" for p in tied.policy) + f" ({value}"
                     + (", tied" if len(tied) > 1 else "") + "); on the default world "
                     f"the gap to the best there (`{best_default}`), in party-weeks of "
                     f"violence: {gaps}.")
    on_front = explore.front(runs)
    lines += ["- The cost–risk front (no policy has both a lower mean risk of armed "
              "conflict and a lower mean total cost over the worlds): "
              + ", ".join(f"`{p}`" for p in on_front) + ".", ""]
    fig_par = _save(explore.figure_parallel(runs, highlight=on_front), figures,
                    "parallel_coordinates")[0]
    lines += [f"![Policies over their outcomes]({'figures/' + fig_par})", ""]
    policy, outcome = e["discover_policy"], e["discover_outcome"]
    lines += [f"## Where does `{policy}` fail? (scenario discovery)", ""]
    if policy not in policies:
        return lines + [f"`{policy}` is not among this ensemble's policies "
                        f"({', '.join(policies)}): set explore.discover_policy.", ""]
    found = explore.discover(runs, names, policy, outcome, e["fail_share"],
                             e["fail_threshold"], e["min_density"], e["uncertainties"])
    label = OUTCOMES[outcome].summary_label.lower()
    lines += [f"A failure: a world where `{policy}`'s mean {label} is above "
              f"{format_value(found['threshold'], outcome)} ({found['cases']} of "
              f"{found['worlds']} worlds). PRIM (EMA Workbench) peels a box over the "
              "uncertainties that holds as many failures as it can (coverage: the share "
              "of all failures inside it) at a density (the share of its worlds that "
              f"fail) of at least {e['min_density']:.0%}; CART is the cross-check. A "
              "restriction's quasi-p-value (Bryant & Lempert 2010) is the chance of a "
              "box this dense without it: above 0.05 it is not significant.", ""]
    if found["box"] is None:
        lines += ["No box: every world fails or none does at this threshold.", ""]
    else:
        box = found["box"]
        limits = box["limits"].reset_index(names="uncertainty")
        write_table(sweep_dir / "prim_box.csv", limits)
        rows = pd.DataFrame({"uncertainty": limits.uncertainty,
                             "box": [f"{lo:.3g} – {hi:.3g}" for lo, hi in
                                     zip(limits.low, limits.high)],
                             "range": [f"{lo:.3g} – {hi:.3g}" for lo, hi in
                                       zip(limits.range_low, limits.range_high)],
                             "quasi-p": [f"{q:.2g}" + (" (not significant)" if q > 0.05
                                                       else "") for q in limits.qp]})
        fig_box = _save(explore.figure_boxes(found), figures, "prim_box")[0]
        c = found["cart"]
        lines += [f"PRIM box: coverage {box['coverage']:.0%}, density {box['density']:.0%}"
                  f" ({box['mass']:.0%} of the worlds); CART's densest leaf: coverage "
                  f"{c['coverage']:.0%}, density {c['density']:.0%}.", "",
                  markdown_table(rows), "", f"![PRIM box]({'figures/' + fig_box})", ""]
    scores = found["feature_scores"]
    lines += [f"Feature scores (extra trees, EMA Workbench) for `{policy}`'s {label}: "
              + ", ".join(f"`{n}` {v:.2f}" for n, v in scores.items()) + ".", ""]
    return lines


def sensitivity_section(sweep_dir: Path, runs: pd.DataFrame, config: dict) -> list[str]:
    """Indices table, figure and reading for a sensitivity sweep."""
    from sim.study import sensitivity as sa

    s = config["sensitivity"]
    problem = sa.problem_from(s["uncertainties"])
    design = sa.sample(problem, s["method"], s["samples"], s["design_seed"])
    outcome = s["outcome"]
    lines = [f"**Design.** {s['method']} over {problem['num_vars']} uncertain parameters, "
             f"{len(design)} sample points × {config['study']['replications']} seeds "
             f"(common random numbers), policy `{config['policy']['name']}`, scenario "
             f"`{config['scenario']['name']}`. Outcome: `{outcome}`, averaged over the "
             "seeds of each point.", ""]
    try:
        indices = sa.indices_from_runs(runs, problem, s["method"], design, outcome)
    except ValueError as exc:
        return lines + [f"Not analysed yet: {exc}.", ""]
    write_table(sweep_dir / "indices.csv", indices.reset_index())
    name = figure_sensitivity(indices, s["method"], outcome, sweep_dir / "figures")
    key = "ST" if s["method"] == "sobol" else "mu_star"
    ranked = indices.sort_values(key, ascending=False)
    table = ranked.reset_index().round(3)
    lines += ["## Indices (95% intervals)", "", markdown_table(table), "",
              f"![{name}](figures/{name})", "",
              "## Findings", "",
              f"- Most influential on `{outcome}`: " + ", ".join(
                  f"`{p}` ({key} {v:.3g} ± {c:.2g})" for p, v, c in zip(
                      ranked.index[:3], ranked[key], ranked[f"{key}_conf"])) + ".",
              f"- Least influential: `{ranked.index[-1]}` ({key} {ranked[key].iloc[-1]:.3g}"
              f" ± {ranked[f'{key}_conf'].iloc[-1]:.2g}).", ""]
    return lines


def search_section(sweep_dir: Path, runs: pd.DataFrame, meta: dict) -> list[str]:
    """For a policy search: trials ranked by score, and the re-evaluation on fresh seeds."""
    path = sweep_dir / "reevaluation.csv"
    if not path.exists():
        return []
    from sim.study import search

    study = (meta.get("config") or {}).get("study", {})
    objective, ceiling = study.get("objective", "total_cost_usd"), study.get("risk_ceiling")
    groups = input_columns(runs)
    objectives = list(study.get("objectives") or [])
    if objectives:
        return front_section(sweep_dir, runs, groups, objectives, path)
    trials = pd.DataFrame([{**dict(zip(groups, key if isinstance(key, tuple) else (key,))),
                            **search.score(part, objective, ceiling)}
                           for key, part in runs.groupby(groups, dropna=False)])
    trials = trials.sort_values("score").head(10)
    show = lambda t: pd.DataFrame({  # noqa: E731
        **{g: t[g].map(lambda v, g=g: readable_input(g, v)) for g in groups if g in t},
        "risk [95%]": [f"{r:.0%} [{lo:.0%}, {hi:.0%}]" for r, lo, hi in
                       zip(t.risk, t.risk_low, t.risk_high)],
        f"mean {objective}": [format_value(v, objective) for v in t.objective],
        "feasible": t.feasible})
    lines = [f"## Policy search (risk ceiling {ceiling:.0%}, minimising `{objective}`)", "",
             "A trial is feasible when the upper end of the 95% Wilson interval of its "
             "risk of armed conflict is at or below the ceiling. Best trials:", "",
             markdown_table(show(trials)), ""]
    try:
        again = pd.read_csv(path)
    except pd.errors.EmptyDataError:  # written without columns when nothing was feasible
        again = pd.DataFrame()
    if again.empty:
        lines += ["No trial was feasible, so none was re-evaluated: raise the ceiling, "
                  "the number of trials or the replications.", ""]
    else:
        lines += [f"Re-evaluated on {int(again.runs.iloc[0])} fresh seeds (root seed "
                  f"{int(again.root_seed.iloc[0])}, never seen by the search):", "",
                  markdown_table(show(again)), ""]
    return lines


def front_section(sweep_dir: Path, runs: pd.DataFrame, groups: list[str],
                  objectives: list[str], path: Path) -> list[str]:
    """A multi-objective search: every trial's means, the non-dominated trials (the
    front, marked), and the front re-evaluated on fresh seeds."""
    from sim.study import search

    trials = runs.groupby(groups, dropna=False)[objectives].mean().reset_index()
    on_front = set(search.non_dominated(trials[objectives].to_numpy()))
    trials["front"] = ["yes" if i in on_front else "" for i in range(len(trials))]
    trials = trials.sort_values(objectives[0])

    def show(t: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({
            **{g: t[g].map(lambda v, g=g: readable_input(g, v)) for g in groups if g in t},
            **{f"mean {o}": [format_value(v, o) for v in t[o]] for o in objectives},
            **({"front": t["front"]} if "front" in t else {})})

    names = " and ".join(f"`{o}`" for o in objectives)
    lines = [f"## Policy search: the front of {names}", "",
             f"Optuna's multi-objective search minimises the means of {names} together. A "
             "trial is on the front when no other trial is at least as good on every "
             f"objective and better on one ({len(on_front)} of {len(trials)} trials):", "",
             markdown_table(show(trials)), ""]
    try:
        again = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        again = pd.DataFrame()
    if not again.empty:
        lines += [f"The front re-evaluated on {int(again.runs.iloc[0])} fresh seeds (root "
                  f"seed {int(again.root_seed.iloc[0])}, never seen by the search):", "",
                  markdown_table(show(again)), ""]
    return lines


def build_report(sweep_dir: Path) -> Path:
    """Aggregate a (possibly partial) sweep and write its tables, figures and report.

    Everything is written inside ``sweep_dir`` (checked on the real path); temporary
    files that an interrupted report left there are removed first."""
    sweep_dir = Path(sweep_dir)
    with writing_under(sweep_dir):
        for folder in (sweep_dir, sweep_dir / "figures"):
            clean_stale_temps(folder)
        return _build_report(sweep_dir)


def skill_section(runs: pd.DataFrame, folder: Path) -> tuple[list[str], str | None]:
    """The warnings' skill when the study swept the observers (``experiment=warning_skill``):
    precision, recall and lead per setting, the area under the precision-recall points of
    the swept threshold, the naive baselines, and a figure of the curve."""
    if not is_skill_study(runs):
        return [], None
    table, curves = warning_skill(runs)
    groups = input_columns(runs)
    shown = varying(table, groups) or groups
    out = table[shown + ["runs"]].copy()
    columns = [("warning_precision", "precision", 3), ("warning_recall", "recall", 3),
               ("warning_lead_weeks", "lead (weeks)", 1)]
    if table["warning_brier"].notna().any():  # record.warning_risk
        columns += [("warning_brier", "Brier", 4), ("warning_brier_skill", "Brier skill", 2)]
    for col, label, digits in columns:
        out[label] = [f"{r[col]:.{digits}f} [{r[col + '_low']:.{digits}f}, "
                      f"{r[col + '_high']:.{digits}f}]" for _, r in table.iterrows()]
    base = {c: float(runs[c].mean()) for c in BASELINES if c in runs}
    lines = ["## Warning skill", "",
             "Scored against each run's own trajectory (docs/model.md 7.14): precision = "
             "hits / (hits + false alarms), recall = warned onsets / onsets, lead = median "
             "weeks from the earliest warning to a warned onset; means over runs with 95% "
             "bootstrap intervals. Under a policy a prevented onset makes its warning a false "
             "alarm: read skill under `policy=none`.", "", markdown_table(out), ""]
    if not curves.empty:
        ctable = curves.copy()
        ctable["pr_auc"] = ctable["pr_auc"].map(lambda v: f"{v:.4f}")
        lines += [f"Area under the precision-recall points traced by `{THRESHOLD}` "
                  "(trapezoid through the swept thresholds from recall 0: a coarse curve):",
                  "", markdown_table(ctable), ""]
    if base:
        lines += ["Naive forecasters on the same runs (7.14): warn at every election period "
                  f"— precision {base['baseline_election_precision']:.3f}, recall "
                  f"{base['baseline_election_recall']:.3f}; warn where violence just ended — "
                  f"precision {base['baseline_recurrence_precision']:.3f}, recall "
                  f"{base['baseline_recurrence_recall']:.3f}.", ""]
    return lines, figure_skill(table, groups, folder)


def figure_skill(table: pd.DataFrame, groups: list[str], folder: Path) -> str | None:
    """Precision against recall, one line per setting of the inputs other than the
    threshold (the points of a line are the swept thresholds)."""
    if THRESHOLD not in table.columns or table[THRESHOLD].nunique() < 2:
        return None
    plt = _plt()
    others = [g for g in varying(table, groups) if g != THRESHOLD]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for key, part in (table.groupby(others, sort=True) if others else [((), table)]):
        part = part.sort_values("warning_recall")
        label = ", ".join(f"{g}={v}" for g, v in zip(others, key if isinstance(key, tuple)
                                                    else (key,))) or "all"
        ax.plot(part["warning_recall"], part["warning_precision"], marker="o", label=label)
    ax.set_xlabel("recall (warned onsets / onsets)")
    ax.set_ylabel("precision (hits / forecasting warnings)")
    ax.set_title("Warning skill: precision against recall over the swept thresholds",
                 fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return _save(fig, folder, "warning_skill")[0]


def early_late_section(runs: pd.DataFrame) -> list[str]:
    """¶47's question, when the study swept trigger, delay and intensity
    (``experiment=early_late``): late-and-large against early-and-small, and the path
    between them one input at a time (``analysis.EARLY_LATE_STEPS``)."""
    table = early_late(runs)
    if table.empty:
        return []
    (t0, d0, s0), (t1, d1, s1) = EARLY_SMALL, LATE_LARGE
    return [
        "## Early and small against late and large (¶47)", "",
        f"Early and small: triggered by the `{t0}`, decided {d0:g} days later, intensity "
        f"×{s0:g}; late and large: triggered by `{t1}`, {d1:g} days, intensity ×{s1:g}. "
        "Each number is late-and-large minus early-and-small in party-weeks of violence "
        "per run on the same seeds (positive: early-and-small left less), then the same "
        "difference split along a path that changes one input at a time: "
        + "; ".join(f"**{step}**: {what}" for step, _, _, what in EARLY_LATE_STEPS)
        + ". The three add up to the total; each has its paired 95% interval and its "
        "share of the total (the split depends on the order of the path).", "",
        *[f"- {s}" for s in early_late_findings(table)], ""]


def readable_input(name: str, value: Any) -> Any:
    """A swept input's value rounded to what it means: days and weeks to whole numbers
    (to 0.1 below 10), other numbers to three significant digits (a search's
    ``policy.response_delay_days`` 10.021262325314114 reads 10, its
    ``policy.intensity_scale`` 1.2196959224891455 reads 1.22); unset (nan) reads –."""
    if not isinstance(value, float):
        return value
    if value != value:
        return "–"
    from sim.core.params import Params, field_of

    try:
        unit = field_of(Params(), name)[0].metadata.get("unit", "-")
    except KeyError:  # not a parameter (a study's own input)
        unit = "-"
    if unit in ("days", "weeks"):
        return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def _unset_as_dash(frame: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` whose inputs read as :func:`readable_input` writes them (left
    unset — nan: ignored by the setting, as ``policy=none`` ignores the delay — ``–``)."""
    out = frame.copy()
    for g in groups:
        if out[g].dtype.kind == "f":
            out[g] = [readable_input(g, v) for v in out[g]]
    return out


def _build_report(sweep_dir: Path) -> Path:
    runs = load_runs(sweep_dir)
    failures = load_failures(sweep_dir)
    started = now_iso()
    meta = _sweep_meta(sweep_dir)
    lines = [f"# {meta.get('name', sweep_dir.parent.name)} — {sweep_dir.name}", ""]
    if meta.get("question"):
        lines += [f"**Question.** {meta['question']}", ""]
    if runs.empty:
        lines += ["No finished jobs yet."]
    elif meta.get("runner") == "sensitivity":
        write_table(sweep_dir / "runs.parquet", runs)
        lines += sensitivity_section(sweep_dir, runs, meta["config"])
    elif meta.get("runner") == "robustness":
        write_table(sweep_dir / "runs.parquet", runs)
        lines += exploration_section(sweep_dir, runs, meta["config"])
    else:
        reference = (meta.get("config") or {}).get("study", {}).get("reference")
        ref_key, ref_value = parse_reference(reference)
        against_none = (ref_key, ref_value) == ("policy", BASELINE)
        summary = summary_table(runs)
        diffs = paired_differences(runs, reference=reference)
        write_table(sweep_dir / "runs.parquet", runs)
        merged = summary.merge(diffs, how="left", on=input_columns(runs)) if not diffs.empty \
            else summary
        write_table(sweep_dir / "summary.csv", merged)
        figures = sweep_dir / "figures"
        groups = input_columns(runs)
        crises = load_crises(sweep_dir)
        gaps = gap_table(crises, groups) if not crises.empty else pd.DataFrame()
        if not gaps.empty:
            write_table(sweep_dir / "gaps.csv", gaps)
        fig_names = [figure_comparison(summary, figures), figure_delay(summary, figures),
                     figure_cost_risk(summary, figures),
                     figure_gaps(crises, gaps, groups, figures) if not gaps.empty else None]
        n_jobs = len(job_tables(sweep_dir))
        seeds = sorted(set(runs.seed))
        trend = delay_trend(runs)
        if not trend.empty:
            write_table(sweep_dir / "delay_trend.csv", trend)
        trend_lines = delay_trend_findings(trend, groups)
        lines += [
            f"**Runs.** {len(runs)} runs in {n_jobs} jobs "
            f"({runs.groupby(groups, dropna=False).size().min()}–"
            f"{runs.groupby(groups, dropna=False).size().max()} seeded replications each; "
            f"the same {len(seeds)} seeds for every job: common random numbers).", "",
            "## Findings", "",
            *([f"How the outcomes change with the response delay, first: on the same "
               f"seeded worlds, the longest minus the shortest delay, and the least-squares "
               f"slope per {TREND_STEP_DAYS} days over every delay, each with its 95% "
               "bootstrap interval over seeds; a trend is stated where the slope's interval "
               "excludes zero (risk in percentage points; `delay_trend.csv`).", ""]
              if trend_lines else []),
            *[f"- {s}" for s in trend_lines + findings(summary, diffs, groups, reference)],
            "",
            "## Outcomes (mean and 95% interval)", "",
            "Intervals: Wilson for the risk of armed conflict (a proportion), percentile "
            "bootstrap (4,000 resamples, seeded) for means. Costs are per run.", "",
        ]
        if DELAY in groups and summary[DELAY].isna().any():
            lines += ["A policy without instruments (`none`) ignores the response delay: it "
                      "ran once, its delay unset (–), and is the reference for every "
                      "delay.", ""]
        table = _unset_as_dash(summary, groups)[groups + ["runs"]]
        for o in HEADLINE:
            table[o.summary_label] = [format_interval(r, o.key) for _, r in summary.iterrows()]
        lines += [markdown_table(table), ""]
        if not diffs.empty:
            shown = [o for o in HEADLINE if o.key != "warning_to_action_weeks"
                     or not against_none]  # none has no gap
            judged = {better(o, difference=True) for o in shown}
            reading = (f"{judged.pop()} for every column" if len(judged) == 1 else "; ".join(
                f"{o.summary_label}: {better(o, difference=True)}" for o in shown))
            if against_none:
                lines += ["## Paired difference against no response (same seeds)", "",
                          f"Policy minus `none` on the same seeded worlds; {reading}.", ""]
            else:
                lines += [f"## Paired difference against {ref_key}={ref_value} (same seeds)",
                          "", f"Each setting minus `{ref_key}={ref_value}` on the same seeded "
                          f"worlds and the same other inputs; {reading}.", ""]
            dtable = _unset_as_dash(diffs, groups)[groups + ["pairs"]]
            for o in shown:
                dtable[f"Δ {o.summary_label}"] = [format_interval(r, o.key, "d_")
                                          for _, r in diffs.iterrows()]
            lines += [markdown_table(dtable), ""]
        gap_lines = gap_findings(gaps, groups)
        if gap_lines:
            lines += ["## The warning-to-action gap, crisis by crisis", "",
                      "From the first warning of a crisis to its first action on the ground "
                      "(a statement issued, a mission deployed, an envoy arrived), over "
                      "every answered crisis of every run; the parts sum to the gap "
                      "(`gaps.csv`, `jobs/*/crises.parquet`).", "",
                      *[f"- {s}" for s in gap_lines], ""]
        lines += early_late_section(runs)
        skill_lines, skill_figure = skill_section(runs, figures)
        lines += skill_lines
        fig_names.append(skill_figure)
        lines += search_section(sweep_dir, runs, meta)
        if against_none:
            lines += robustness_section(sweep_dir, runs, meta)
        lines += ["## Figures", ""]
        for name in fig_names:
            if name:
                lines += [f"![{name}](figures/{name})", ""]
    missing = missing_jobs(sweep_dir)
    if missing:
        lines += ["## Jobs without results", "",
                  f"{len(missing)} planned job(s) have neither results nor a failure record "
                  "(the sweep is still running, was interrupted, or could not record a "
                  "failure). Re-run the same command with the same `study.sweep_name` to "
                  "run only them.", ""]
        lines += [f"- `{' '.join(job['overrides'])}`" for job in missing] + [""]
    if failures:
        lines += ["## Failed jobs", "",
                  "These jobs raised; the rest of the sweep is unaffected. Re-run the same "
                  "command with the same `study.sweep_name` to retry only them.", ""]
        for f in failures:
            lines += [f"- `{' '.join(f['overrides'])}`: {f['error']}"]
        lines += [""]
    lines += ["## Provenance", "",
              f"- command: `{meta.get('command', 'python -m sim.report ' + str(sweep_dir))}`",
              f"- experiment config: `configs/experiment/{meta.get('name', '?')}.yaml`",
              f"- root seed: {meta.get('root_seed', '?')}, replications per job: "
              f"{meta.get('replications', '?')}",
              f"- prevsim {package_versions().get('prevsim')}, git commit {git_commit()}",
              f"- report written {started}", ""]
    path = sweep_dir / "report.md"
    write_atomic(path, lambda p: p.write_text("\n".join(lines), encoding="utf-8"))
    write_json(sweep_dir / "manifest.json", {
        **{k: v for k, v in meta.items() if k != "config"},
        "jobs": [p.parent.name for p in job_tables(sweep_dir)],
        "failed": [f["key"] for f in failures], "runs": int(len(runs)),
        "versions": package_versions(), "git_commit": git_commit(), "reported": started})
    return path


def robustness_section(sweep_dir: Path, runs: pd.DataFrame, meta: dict) -> list[str]:
    """Does the sweep's ranking of policies hold across the uncertainties? (issue 17,
    ``sim.study.ranking``; only for sweeps over policies alone.) The design's runs are
    kept in ``robustness.parquet`` and reused when the report is rebuilt."""
    from sim.study import ranking

    config = meta.get("config") or {}
    study = config.get("study", {})
    swept = [c for c in input_columns(runs) if runs[c].nunique(dropna=False) > 1]
    if swept != ["policy"] or runs.policy.nunique() < 3:
        return []
    head = ["## Does the ranking hold across the uncertainties?", ""]
    trajectories = int(study.get("robustness_trajectories") or 0)
    if trajectories == 0:
        return head + ["Not assessed in this sweep (`study.robustness_trajectories=0`). "
                       "Set it (e.g. 2), or run `experiments/validation/ranking_robustness.py`"
                       " (docs/validation.md §8).", ""]
    from sim.core.rng import draw_seeds

    seeds = draw_seeds(int(study.get("root_seed", 2011)), int(study.get("robustness_seeds", 6)))
    scenario = (config.get("scenario") or {}).get("name", "default")
    base = () if scenario == "default" else (f"scenario={scenario}",)
    policies = sorted(runs.policy.unique())
    key = {"trajectories": trajectories, "seeds": seeds, "policies": policies,
           "base": list(base), "uncertainties": ranking.UNCERTAINTIES}
    cache, cache_key = sweep_dir / "robustness.parquet", sweep_dir / "robustness.json"
    names = ("violence_party_weeks", "total_cost_usd")
    problem = ranking.problem_from(ranking.UNCERTAINTIES)
    X = ranking.sample(problem, "morris", trajectories, ranking.DESIGN_SEED)
    if cache.is_file() and cache_key.is_file() and read_json(cache_key) == key:
        values = pd.read_parquet(cache)
    else:
        import multiprocessing

        with multiprocessing.Pool(2) as pool:
            _, _, values = ranking.evaluate(policies, ranking.UNCERTAINTIES,
                                            trajectories, seeds, names,
                                            ranking.DESIGN_SEED, base, pool)
        write_table(cache, values)
        write_json(cache_key, key)
    lines = head + [
        f"Every policy of this sweep at the defaults and at {len(X)} points of a Morris "
        f"design ({trajectories} trajector{'y' if trajectories == 1 else 'ies'}) over "
        f"{len(problem['names'])} uncertainties — "
        "the escalation parameters the record leaves loose and the instruments' unsourced "
        "magnitudes, from half to twice their defaults (`sim.study.ranking.UNCERTAINTIES`)"
        f" — on {len(seeds)} seeds each, the same at every point. Ranks here are on those "
        "seeds (few: a flip between two policies that are close at the defaults can be noise);"
        " a flip at a point is a change of sign of a pair's mean paired difference.",
        ""]
    for outcome, label in zip(names, ("violence", "total cost")):
        pol, pairs = ranking.stability(values, problem, X, outcome)
        best = pol.iloc[0]
        top = pairs.iloc[0]
        if top.share_order_holds == 1:
            where = "never flips."
        elif abs(top.flips_lower_half - top.flips_upper_half) < FLIP_SIDE_MARGIN:
            where = (f"flips across its range ({top.flips_lower_half:.0%} of the points in "
                     f"its lower half, {top.flips_upper_half:.0%} in its upper half).")
        else:
            side = "lower" if top.flips_lower_half > top.flips_upper_half else "upper"
            where = (f"flips mostly in the {side} half of its range "
                     f"({top.flips_lower_half:.0%} lower, {top.flips_upper_half:.0%} upper).")
        somewhere = ", ".join(f"`{p.policy}` {p.share_best:.0%}" for p in pol.itertuples()
                              if p.share_best > 0)
        lines.append(
            f"- By {label}: `{best.policy}` ranks first at the defaults and is best at "
            f"{best.share_best:.0%} of the points (ranks {best.rank_min}–{best.rank_max}). "
            f"It stays ahead of `{top.second}` at {top.share_order_holds:.0%} of the points; "
            f"their difference moves most with `{top.lead_parameter}` (μ* "
            f"{top.lead_mu_star:.3g}), and {where} Best at some point (ties count for each): "
            f"{somewhere}.")
    lines += ["", "The full check (more trajectories and seeds, every pair): "
              "`experiments/validation/ranking_robustness.py`, docs/validation.md §8.", ""]
    return lines


#: Flip shares closer than this in the two halves of a parameter's range: "across its
#: range", not "mostly in one half".
FLIP_SIDE_MARGIN = 0.25


def _sweep_meta(sweep_dir: Path) -> dict:
    """What the jobs' manifests say about the sweep (name, question, seeds, command)."""
    for path in sorted(sweep_dir.glob("jobs/*/manifest.json")):
        m = read_json(path)
        study = m.get("config", {}).get("study", {})
        return {"name": study.get("name"), "question": study.get("question"),
                "runner": study.get("runner", "replications"), "config": m.get("config"),
                "root_seed": study.get("root_seed"), "replications": study.get("replications"),
                "seeds": m.get("seeds"), "command": m.get("command"),
                "started": m.get("started")}
    return {}


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.report <sweep folder> [--wait]``: exit 0, 2 (no such folder), 3 (a
    write refused by the system) or 4 (a sweep is running in the folder)."""
    parser = argparse.ArgumentParser(prog="python -m sim.report",
                                     description="Aggregate a finished or partial sweep.")
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--wait", action="store_true",
                        help="if a sweep is running in the folder, wait for it to end")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"error: sweep_dir = {str(args.sweep_dir)!r}: no such folder", file=sys.stderr)
        return 2
    lock = FolderLock(args.sweep_dir)
    try:
        lock.acquire(wait=args.wait, on_wait=lambda busy: print(f"waiting: {busy}",
                                                                 file=sys.stderr))
        print(f"report: {build_report(args.sweep_dir)}")
    except FolderBusy as exc:
        print(f"error: {exc}; its report is written when it ends (or use --wait)",
              file=sys.stderr)
        return 4
    except (DamagedFile, OutsideError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
        return 3
    finally:
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
