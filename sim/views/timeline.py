"""Pictures of one run: the timeline of levels, warnings and actions, and the network.

Used by ``python -m sim plot=timeline`` (:func:`plot_run` writes ``timeline.png``,
``timeline.svg`` and ``network.gif`` into the run's folder) and by the dashboard
(``sim/views/app.py``), which draws the same pictures week by week.

Matplotlib is used through ``matplotlib.figure.Figure`` only (no pyplot, no global
state), so figures can be drawn from several threads (one per dashboard visitor).

* :func:`network_layout` places the parties once per network (cached by the network's
  structure): regions are clusters on a circle, each laid out by a seeded spring layout,
  so regional bodies' regions are visible as groups.
* :class:`NetworkPainter` draws the network once and then only recolours the parties and
  moves the envoy markers for each week (no re-layout, no re-draw of the edges' geometry).
* :class:`TimelinePainter` draws parties per level over time with warnings and actions
  on the time axis and the warning-to-action gaps shaded (axes built once, data redrawn).
  ``ymax`` puts two runs on the same y axis (:func:`peak_above_stable` of both).
"""

from __future__ import annotations

import hashlib
import io
import math
import textwrap
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import matplotlib.colors
import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch
from matplotlib.ticker import MaxNLocator

from sim.core.agents import MediatorStatus
from sim.core.dynamics import Level

if TYPE_CHECKING:
    from sim.core.model import ConflictModel

__all__ = ["LEVEL_COLOURS", "LEVEL_LABELS", "NetworkPainter", "TimelinePainter",
           "envoy_spells", "envoys_at", "envoys_now", "network_layout", "peak_above_stable",
           "plot_run",
           "timeline_figure"]

#: Colour of each escalation level 0-4: grey (stable) to dark red (armed conflict).
LEVEL_COLOURS = ("#d9d9d9", "#fee08b", "#fdae61", "#e8552f", "#7f0024")
LEVEL_LABELS = tuple(f"{int(lv)} {lv.name.replace('_', ' ').lower()}" for lv in Level)
#: Region colours (node outline, cluster tint): blues, greens, purples — not the levels'.
REGION_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#17becf", "#8c564b", "#bcbd22",
                  "#e377c2", "#7f7f7f", "#393b79", "#637939")
UN_COLOUR = "#0b3d91"
WARNING_COLOUR = "#d95f02"
ACTION_COLOUR = "#1b5fa8"
GAP_COLOUR = "#6baed6"

_LAYOUTS: OrderedDict[str, tuple[np.ndarray, list]] = OrderedDict()
_LAYOUT_LOCK = threading.Lock()
_LAYOUT_CACHE_SIZE = 32
#: Above this many parties in a region, spring layouts get slow: a sunflower disc instead.
_SPRING_MAX = 1500


def region_colour(region: int) -> str:
    return REGION_COLOURS[int(region) % len(REGION_COLOURS)]


# --------------------------------------------------------------------------- layout
def _fingerprint(model: "ConflictModel") -> str:
    """A key for the network's structure: same parties, regions and ties → same key."""
    adj = model.adjacency
    h = hashlib.sha1()
    for arr in (adj.indptr, adj.indices, np.asarray(model.state.region)):
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update(str(len(model.party_ids)).encode())
    return h.hexdigest()


def _sunflower(n: int) -> np.ndarray:
    """n points spread evenly over the unit disc (Vogel's method)."""
    k = np.arange(n) + 0.5
    r = np.sqrt(k / n)
    theta = k * math.pi * (3 - math.sqrt(5))
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def network_layout(model: "ConflictModel") -> tuple[np.ndarray, list]:
    """Positions of the parties (array (n, 2), ``party_ids`` order) and the regions'
    circles ``[(region, centre_x, centre_y, radius), ...]``.

    Regions are clusters placed on a circle (sized by their number of parties); inside a
    region a spring layout with a fixed seed. Computed once per network structure and
    cached, so stepping, resetting with the same seed or comparing two runs never lays
    the network out again.
    """
    key = _fingerprint(model)
    with _LAYOUT_LOCK:
        if key in _LAYOUTS:
            _LAYOUTS.move_to_end(key)
            return _LAYOUTS[key]
    region = np.asarray(model.state.region)
    n = len(region)
    pos = np.zeros((n, 2))
    codes = np.unique(region)
    sizes = np.array([(region == r).sum() for r in codes], dtype=float)
    radii = np.sqrt(sizes / sizes.max())
    k = len(codes)
    ring = 0.0 if k == 1 else 1.25 * radii.max() / math.sin(math.pi / k)
    circles = []
    graph = model.network
    ids = model.party_ids
    for j, (r, rad) in enumerate(zip(codes, radii)):
        idx = np.flatnonzero(region == r)
        angle = math.pi / 2 - 2 * math.pi * j / k
        centre = np.array([ring * math.cos(angle), ring * math.sin(angle)])
        if len(idx) == 1:
            local = np.zeros((1, 2))
        elif len(idx) > _SPRING_MAX:
            local = _sunflower(len(idx))
        else:
            sub = graph.subgraph([ids[i] for i in idx])
            placed = nx.spring_layout(sub, seed=7, iterations=60 if len(idx) < 400 else 30)
            local = np.array([placed[ids[i]] for i in idx])
            local -= np.median(local, axis=0)
            # Isolated parties and small components are pushed far out by the spring
            # layout: scale by the bulk (90th percentile) and pull outliers onto the rim.
            radius = np.hypot(local[:, 0], local[:, 1])
            local /= max(float(np.quantile(radius, 0.9)) / 0.85, 1e-9)
            radius = np.hypot(local[:, 0], local[:, 1])
            far = radius > 1.0
            local[far] /= radius[far, None]
        pos[idx] = centre + 0.9 * rad * local
        circles.append((int(r), float(centre[0]), float(centre[1]), float(rad * 1.15)))
    result = (pos, circles)
    with _LAYOUT_LOCK:
        _LAYOUTS[key] = result
        while len(_LAYOUTS) > _LAYOUT_CACHE_SIZE:
            _LAYOUTS.popitem(last=False)
    return result


# --------------------------------------------------------------------------- envoys
def envoy_spells(model: "ConflictModel") -> list[tuple[int, str, float, float]]:
    """Envoy deployments, from the run's record of them (``model.deployments``):
    ``(party index, body, sent, ended)``, travel included (``ended`` is inf while the
    envoy is still travelling or engaged)."""
    rows = model.deployments
    return [(int(i), str(body), float(start), math.inf if end != end else float(end))
            for i, body, start, end in zip(rows["party"], rows["body"],
                                           rows["dispatched_week"], rows["ended_week"])]


def envoys_at(spells: list[tuple[int, str, float, float]], week: float
              ) -> list[tuple[int, str]]:
    """``(party index, body)`` of every envoy deployed at ``week``."""
    return [(i, b) for i, b, s, e in spells if s <= week < e]


def envoys_now(model: "ConflictModel") -> list[tuple[int, str]]:
    """``(party index, body)`` of every mediator travelling to or engaged in a crisis."""
    return [(int(m.party), m.body.name) for m in model.mediators
            if m.status is not MediatorStatus.IDLE and m.party is not None]


# --------------------------------------------------------------------------- painters
class _Painter:
    """A figure drawn once, whose changing artists are redrawn over a saved background
    (blitting) when ``fast`` is set: a frame costs a few milliseconds, not a full draw.

    Subclasses put the artists that change in ``self._dynamic``; with ``fast`` they are
    created ``animated`` (left out of the background) and drawn by :meth:`rgba`.
    """

    fig: Figure
    fast: bool
    _dynamic: list
    _background = None

    def _animate(self, artists) -> list:
        artists = list(artists)
        if self.fast:
            for artist in artists:
                artist.set_animated(True)
        return artists

    def rgba(self) -> np.ndarray:
        """The current picture, shape (height, width, 4), uint8."""
        canvas = self.fig.canvas
        if not self.fast:
            canvas.draw()
            return np.asarray(canvas.buffer_rgba())
        if self._background is None:
            canvas.draw()  # everything but the animated artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        canvas.restore_region(self._background)
        for artist in self._dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())

    def image(self):
        """The current picture as a Pillow image (RGB)."""
        from PIL import Image

        return Image.fromarray(self.rgba()[..., :3])

    def png(self, compress_level: int = 1, colors: int | None = None) -> bytes:
        """The current picture as PNG bytes (fast compression by default; ``colors``:
        a palette of that many colours, a third of the bytes to send for a live view)."""
        from PIL import Image

        image = self.image()
        if colors:
            rgb = np.asarray(image)
            white = (rgb == 255).all(axis=2)
            image = image.quantize(colors=colors - 1, method=Image.Quantize.FASTOCTREE,
                                   dither=Image.Dither.NONE)
            # The background keeps pure white (its own palette entry, the last one), so
            # light tints are not merged into it.
            indices = np.asarray(image).copy()
            indices[white] = colors - 1
            palette = (image.getpalette() or [])[: 3 * (colors - 1)]
            palette += [0] * (3 * (colors - 1) - len(palette)) + [255, 255, 255]
            image = Image.fromarray(indices, mode="P")
            image.putpalette(palette)
        buf = io.BytesIO()
        image.save(buf, format="PNG", compress_level=compress_level)
        return buf.getvalue()


def _fitting_legend(fig: Figure, handles: list, ncols: tuple[int, ...], **kwargs):
    """A figure legend with the most columns (of ``ncols``) that fits the figure's
    width; returns it and its number of rows."""
    renderer = fig.canvas.get_renderer()
    for ncol in ncols:
        legend = fig.legend(handles=handles, ncol=ncol, **kwargs)
        if legend.get_window_extent(renderer).width <= 0.97 * fig.bbox.width or \
                ncol == ncols[-1]:
            return legend, math.ceil(len(handles) / ncol)
        legend.remove()
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- network
class NetworkPainter(_Painter):
    """The network of one model, drawn once; :meth:`update` recolours it for a week.

    Parties are coloured by level (fill) and region (outline, and the tinted circle of
    their regional body); envoys are rings around the parties they are deployed to
    (UN: blue circle, regional body: square in the region's colour).
    """

    def __init__(self, model: "ConflictModel", *, width: float = 6.4, height: float = 5.6,
                 dpi: int = 90, title: bool = True, legend: bool = True,
                 fast: bool = True, fontsize: float = 8.0):
        self.model = model
        self.fast = fast
        self.caption = ""  # "Week w: k of n parties in violence, e envoys deployed"
        self.pos, circles = network_layout(model)
        n = len(self.pos)
        self.fig = Figure(figsize=(width, height), dpi=dpi)
        FigureCanvasAgg(self.fig)
        line = fontsize * 1.55 / 72  # inches per legend row
        rows = 0
        if legend:  # the levels, then the envoys: as many columns as fit the width
            common = dict(loc="lower center", fontsize=fontsize, frameon=False,
                          handlelength=1.1, columnspacing=1.0, handletextpad=0.4,
                          borderaxespad=0, borderpad=0.2)
            _, envoy_rows = _fitting_legend(self.fig, [
                Line2D([], [], marker="o", linestyle="", markerfacecolor="none",
                       markeredgecolor=UN_COLOUR, markeredgewidth=2, markersize=9,
                       label="UN envoy"),
                Line2D([], [], marker="s", linestyle="", markerfacecolor="none",
                       markeredgecolor="#333333", markeredgewidth=2, markersize=8,
                       label="regional envoy"),
                Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                       markeredgecolor=REGION_COLOURS[0], markeredgewidth=1.5,
                       markersize=7, label="outline = region")],
                (3, 2), bbox_to_anchor=(0.5, 0.01), **common)
            _, level_rows = _fitting_legend(
                self.fig, [Patch(facecolor=c, edgecolor="#555555", label=lab)
                           for c, lab in zip(LEVEL_COLOURS, LEVEL_LABELS)],
                (5, 3, 2), bbox_to_anchor=(0.5, (envoy_rows * line + 0.03) / height),
                **common)
            rows = envoy_rows + level_rows
        bottom = (rows * line + 0.08) / height if legend else 0.02
        top = (fontsize * 2.2 / 72) / height if title else 0.02
        self.ax = self.fig.add_axes((0.01, bottom, 0.98, 1 - bottom - top))
        ax = self.ax
        ax.set_axis_off()
        ax.set_aspect("equal")
        regions = np.asarray(model.state.region)
        for r, cx, cy, rad in circles:
            ax.add_patch(Circle((cx, cy), rad, facecolor=region_colour(r), alpha=0.09,
                                edgecolor=region_colour(r), linewidth=1.0, zorder=0))
            body = model.regional_bodies.get(r)
            label = f"region {r}" + (f" · {body.name}" if body is not None else "")
            ax.text(cx, cy + rad * 1.02, label, ha="center", va="bottom",
                    fontsize=fontsize + 0.5, color=region_colour(r), zorder=5)
        coo = model.adjacency.tocoo()
        keep = coo.row < coo.col
        rows, cols = coo.row[keep], coo.col[keep]
        if rows.size == 0:  # directed-only ties: draw each once anyway
            rows, cols = coo.row, coo.col
        segments = np.stack([self.pos[rows], self.pos[cols]], axis=1)
        across = regions[rows] != regions[cols]
        fade = min(1.0, 200.0 / max(n, 1))  # many parties: fainter ties, the dots show
        colours = np.where(across[:, None], [[0.45, 0.45, 0.45, 0.35 * fade]],
                           [[0.55, 0.55, 0.55, 0.45 * fade]])
        ax.add_collection(LineCollection(segments, colors=colours,
                                         linewidths=0.4 if n > 200 else 0.7, zorder=1))
        self.node_size = float(np.clip(5000.0 / max(n, 1), 24, 140))
        self.scatter = ax.scatter(self.pos[:, 0], self.pos[:, 1], s=self.node_size,
                                  c=[LEVEL_COLOURS[0]] * n,
                                  edgecolors=[region_colour(r) for r in regions],
                                  linewidths=0.5 if n > 200 else 1.2, zorder=3)
        ring = self.node_size * 3.2
        self.un_envoys = ax.scatter([], [], s=ring, marker="o", facecolors="none",
                                    edgecolors=UN_COLOUR, linewidths=2.0, zorder=4)
        self.rb_envoys = ax.scatter([], [], s=ring, marker="s", facecolors="none",
                                    edgecolors="#333333", linewidths=2.0, zorder=4)
        lo, hi = self.pos.min(axis=0), self.pos.max(axis=0)
        for _, cx, cy, rad in circles:
            lo = np.minimum(lo, [cx - rad, cy - rad])
            hi = np.maximum(hi, [cx + rad, cy + rad * 1.25])
        pad = 0.04 * float((hi - lo).max())
        ax.set_xlim(lo[0] - pad, hi[0] + pad)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
        self.title = (self.fig.suptitle("", fontsize=fontsize + 3, y=1 - 0.05 / height)
                      if title else None)
        self._face = np.array([matplotlib.colors.to_rgba(c) for c in LEVEL_COLOURS])
        self._dynamic = self._animate([self.scatter, self.un_envoys, self.rb_envoys]
                                      + ([self.title] if self.title is not None else []))

    def update(self, levels: np.ndarray, envoys: list[tuple[int, str]],
               week: float | None = None) -> None:
        """Recolour the parties for ``levels`` and place envoy rings (no re-layout)."""
        self.scatter.set_facecolors(self._face[np.asarray(levels, dtype=int)])
        un = [i for i, body in envoys if body == "UN"]
        rb = [(i, body) for i, body in envoys if body != "UN"]
        self.un_envoys.set_offsets(self.pos[un] if un else np.empty((0, 2)))
        self.rb_envoys.set_offsets(self.pos[[i for i, _ in rb]] if rb else np.empty((0, 2)))
        if rb:
            region = self.model.state.region
            self.rb_envoys.set_edgecolors([region_colour(region[i]) for i, _ in rb])
        if week is not None:
            counts = np.bincount(np.asarray(levels, dtype=int), minlength=len(Level))
            self.caption = (f"Week {week:g}: {counts[Level.VIOLENCE:].sum()} of "
                            f"{len(levels)} parties in violence, {len(envoys)} "
                            f"envoy{'s' if len(envoys) != 1 else ''} deployed")
            if self.title is not None:
                self.title.set_text(self.caption)

    def show_week(self, row: int) -> None:
        """Draw the recorded week ``row`` (envoys from the event log)."""
        spells = getattr(self, "_spells", None)
        if spells is None:
            spells = self._spells = envoy_spells(self.model)
        week = float(self.model.weeks[row])
        self.update(self.model.level_history[row], envoys_at(spells, week), week)


# --------------------------------------------------------------------------- timeline
def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def action_weeks(model: "ConflictModel", events=None) -> np.ndarray:
    """Weeks of every action (a policy's decision taken) so far."""
    events = model.events if events is None else events
    if events.empty:
        return np.empty(0)
    return events.loc[events["kind"] == "action", "week"].to_numpy(dtype=float)


class TimelinePainter(_Painter):
    """Parties per level over time (stacked, violence at the bottom) with warnings and
    actions on the time axis below and the warning-to-action gaps shaded.

    The axes, ticks and legend are built once; :meth:`update` replaces only the data
    (the dashboard redraws it every week). ``legend``: "right", "bottom" or None.
    """

    def __init__(self, model: "ConflictModel", *, width: float = 9.0, height: float = 4.6,
                 dpi: int = 100, title: str | None = None, legend: str | None = "right",
                 fast: bool = True, gap_text: bool = True, fontsize: float = 8.0,
                 ymax: float | None = None):
        self.model = model
        self.fast = fast
        self.fontsize = fontsize
        self.ymax = ymax  # the y axis reaches at least this (two runs on the same scale)
        self.horizon = float(model.params.horizon_weeks)
        self.n = len(model.party_ids)
        self.fig = Figure(figsize=(width, height), dpi=dpi)
        FigureCanvasAgg(self.fig)
        with matplotlib.rc_context({"font.size": fontsize + 1}):
            self._build(width, height, title, legend, gap_text)
        self._bands = self._animate([
            self.ax.fill_between([], [], [], color=LEVEL_COLOURS[lv], linewidth=0)
            for lv in reversed(range(1, len(Level)))])
        self._dynamic: list = []

    def _build(self, width: float, height: float, title: str | None, legend: str | None,
               gap_text: bool) -> None:
        fs = self.fontsize
        line = fs * 1.5 / 72  # inches per text line
        handles = [Patch(facecolor=LEVEL_COLOURS[i], label=LEVEL_LABELS[i])
                   for i in reversed(range(1, len(Level)))]
        handles += [Patch(facecolor="white", edgecolor="#999999",
                          label=f"{LEVEL_LABELS[0]}: the rest"),
                    Patch(facecolor=GAP_COLOUR, alpha=0.6, label="warning → action"),
                    Line2D([], [], marker="v", linestyle="", color=WARNING_COLOUR,
                           label="warning"),
                    Line2D([], [], marker="^", linestyle="", color=ACTION_COLOUR,
                           label="action")]
        legend_rows = 0
        if legend == "bottom":  # as many columns as fit the width
            _, legend_rows = _fitting_legend(
                self.fig, handles, (4, 3, 2), loc="lower center", fontsize=fs,
                frameon=False, bbox_to_anchor=(0.5, 0.0), borderaxespad=0.2,
                handlelength=1.2, columnspacing=1.0, handletextpad=0.4)
        # Fixed positions (in inches from the edges), so nothing overlaps at any size.
        left = (0.25 + 3.3 * line) / width
        right = (fs * 0.22 if legend == "right" else 0.2) / width
        top_in = 0.15 + (line * 1.4 if title != "" else 0) + (2 * line if gap_text else 0)
        top = top_in / height
        bottom_in = 0.2 + 2 * line + (legend_rows * line + 0.12 if legend == "bottom" else 0)
        bottom = bottom_in / height
        events_h, gap = 3 * line * 1.25 / height, 0.08 / height
        main_bottom = bottom + events_h + gap
        self.ax = self.fig.add_axes((left, main_bottom, 1 - left - right,
                                     1 - top - main_bottom))
        self.ax_events = self.fig.add_axes((left, bottom, 1 - left - right, events_h),
                                           sharex=self.ax)
        ax, ev = self.ax, self.ax_events
        ax.set_xlim(0, self.horizon)
        self._top = None
        ax.set_autoscale_on(False)
        ev.set_autoscale_on(False)
        ax.set_ylabel("parties above stable")
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax.tick_params(labelbottom=False)
        ev.set_ylim(-0.7, 2.7)
        ev.set_yticks([2, 1, 0], ["warnings", "gap", "actions"])
        ev.tick_params(axis="y", length=0)
        ev.set_xlabel("week", labelpad=1)
        for a in (ax, ev):
            a.spines["top"].set_visible(False)
            a.spines["right"].set_visible(False)
        if title is None:
            p = self.model.params
            title = (f"PrevSim: scenario {p.scenario.name}, policy {p.policy.name}"
                     f"{_delay_text(p)}, seed {p.seed}, {self.n} parties")
        if title:
            self.fig.text(left, 1 - 0.1 / height, title, fontsize=fs + 3, va="top")
        # Characters of the gap line that fit the width (≈0.55 em per character).
        self._wrap = max(30, int((width - 0.3) * 72 / ((fs + 1) * 0.55)))
        y = 1 - (0.12 + (line * 1.4 if title else 0)) / height
        self.gap_text = self.fig.text(left, y, "", fontsize=fs + 1, va="top",
                                      color="#08306b", visible=gap_text)
        self.summary = ""  # the gap line, also when it is not drawn (the dashboard shows it)
        if legend == "right":
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                      fontsize=fs, frameon=False, borderaxespad=0)

    def _event_counts(self, crises, warned: np.ndarray, acted: np.ndarray,
                      actions: np.ndarray, now: float | None) -> tuple[list, str]:
        """The event rows as counts: warnings and actions per :data:`EVENT_BIN_WEEKS`
        weeks (bars), and the crises waiting for their first action each week (a band:
        warned, not yet acted on, not closed), each scaled to its busiest bin; the
        artists, and a note of the scales for the line above the chart."""
        ev = self.ax_events
        edges = np.arange(0.0, self.horizon + EVENT_BIN_WEEKS, EVENT_BIN_WEEKS)
        out: list = []
        peaks = []
        for row, times, colour in ((2, warned, WARNING_COLOUR), (0, actions, ACTION_COLOUR)):
            counts, _ = np.histogram(times, bins=edges)
            peaks.append(int(counts.max()) if counts.size else 0)
            if counts.max() > 0:
                out.append(ev.stairs(row - 0.4 + 0.8 * counts / counts.max(), edges,
                                     baseline=row - 0.4, fill=True, color=colour, alpha=0.85))
        grid = np.arange(0.0, (self.horizon if now is None else now) + 1.0)
        closed = crises["closed_week"].to_numpy(dtype=float)
        ends = np.fmin(np.nan_to_num(acted, nan=np.inf), np.nan_to_num(closed, nan=np.inf))
        waiting = ((warned[None, :] <= grid[:, None]) & (grid[:, None] < ends[None, :])
                   ).sum(axis=1)
        peak_wait = int(waiting.max()) if waiting.size else 0
        if peak_wait > 0:
            half = 0.4 * waiting / peak_wait
            out.append(ev.fill_between(grid, 1 - half, 1 + half, color=GAP_COLOUR, alpha=0.7,
                                       linewidth=0))
        note = (f"; rows as counts: warnings and actions per {EVENT_BIN_WEEKS:g} weeks (most "
                f"{peaks[0]} and {peaks[1]}), crises waiting for action each week (most "
                f"{peak_wait})")
        return out, note

    def update(self, *, levels: np.ndarray | None = None, weeks: np.ndarray | None = None,
               crises=None, actions: np.ndarray | None = None,
               now: float | None = None) -> None:
        """Draw the data (default: the model's records so far); ``now``: a dashed line."""
        model = self.model
        levels = model.level_history if levels is None else levels
        weeks = model.weeks if weeks is None else weeks
        crises = model.crises if crises is None else crises
        actions = action_weeks(model) if actions is None else actions
        for artist in self._dynamic:
            if artist is not self.gap_text and artist not in self._bands:
                artist.remove()
        ax, ev = self.ax, self.ax_events
        dyn: list = []
        counts = np.stack([(levels == lv).sum(axis=1) for lv in Level])  # (5, rows)
        above = counts[1:].sum(axis=0)
        top = _nice_ceiling(max(float(above.max()) if above.size else 0.0, 4.0,
                                self.ymax or 0.0) * 1.08)
        if top != self._top:  # the y axis changes: redraw the background once
            self._top = top
            ax.set_ylim(0, top)
            self._background = None
        # Bands of levels 4, 3, 2, 1 stacked from the axis (armed conflict at the bottom);
        # the polygons are kept and only their vertices replaced.
        upper = np.cumsum(counts[::-1][:-1], axis=0)  # levels 4, 4+3, 4+3+2, 4+3+2+1
        lower = np.vstack([np.zeros((1, upper.shape[1])), upper[:-1]])
        for band, lo, hi in zip(self._bands, lower, upper):
            band.set_verts([np.column_stack([np.concatenate([weeks, weeks[::-1]]),
                                             np.concatenate([hi, lo[::-1]])])])
        warned = crises["warning_week"].to_numpy(dtype=float)
        acted = crises["first_action_week"].to_numpy(dtype=float)
        if now is not None:  # a snapshot: actions scheduled after now have not happened
            acted = np.where(acted <= now, acted, np.nan)
        answered = ~np.isnan(acted)
        note = ""
        if len(warned) + len(actions) <= MANY_EVENTS:  # each event a marker
            dyn += ev.plot(warned, np.full(warned.size, 2.0), linestyle="", marker="v",
                           markersize=6, color=WARNING_COLOUR, alpha=0.85)
            dyn += ev.plot(actions, np.zeros(actions.size), linestyle="", marker="^",
                           markersize=6, color=ACTION_COLOUR, alpha=0.85)
            if answered.any():
                w, a = warned[answered], acted[answered]
                dyn.append(ev.hlines(np.ones(w.size), w, np.maximum(a, w + 0.3),
                                     colors=GAP_COLOUR, linewidth=7, alpha=0.45))
        else:  # many parties: counts, or the rows would be solid bars
            counted, note = self._event_counts(crises, warned, acted, actions, now)
            dyn += counted
        if answered.any():
            w, a = warned[answered], acted[answered]
            first = int(np.argmin(w))
            w0, a0 = w[first], a[first]
            dyn.append(ax.axvspan(w0, max(a0, w0 + 0.3), color=GAP_COLOUR, alpha=0.35,
                                  linewidth=0, zorder=3))
            dyn.append(ax.annotate(f"first gap\n{a0 - w0:g} weeks", xy=((w0 + a0) / 2, top),
                                   xytext=(0, -4), textcoords="offset points", ha="center",
                                   va="top", fontsize=self.fontsize, color="#08306b",
                                   zorder=7))
            text = (f"Warning-to-action gap: first {a0 - w0:g} weeks (warning in week "
                    f"{w0:g}, action in week {a0:g}), mean {float(np.mean(a - w)):.1f} "
                    f"weeks; {int(answered.sum())} of {len(warned)} warnings answered")
        elif len(warned):
            text = (f"{len(warned)} warning{'s' if len(warned) > 1 else ''} "
                    f"(first week {warned.min():g}), no action yet")
        else:
            text = "No warning yet"
        text += note
        self.summary = text
        self.gap_text.set_text(textwrap.fill(text, self._wrap))
        if now is not None and now < self.horizon:
            for a_ in (ax, ev):
                dyn.append(a_.axvline(now, color="#222222", linewidth=1.0, linestyle="--",
                                      zorder=6))
        self._dynamic = self._bands + self._animate(dyn + [self.gap_text])


def peak_above_stable(model: "ConflictModel") -> int:
    """The most parties above stable at any recorded week of ``model``."""
    return int((model.level_history > 0).sum(axis=1).max())


#: Above this many warnings and actions in a run, the event rows show counts.
MANY_EVENTS = 60
#: Weeks per bar of the counted event rows.
EVENT_BIN_WEEKS = 4.0


def _nice_ceiling(x: float) -> float:
    """The next of 5, 10, 20, 25, 50, 100, ... (times a power of ten) at or above x."""
    scale = 10.0 ** math.floor(math.log10(max(x, 1e-9)))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * scale >= x:
            return step * scale
    return 10.0 * scale


def timeline_figure(model: "ConflictModel", **kwargs) -> Figure:
    """The whole run's timeline as a figure (see :class:`TimelinePainter`)."""
    painter = TimelinePainter(model, fast=False, **kwargs)
    painter.update()
    return painter.fig


def _delay_text(params) -> str:
    delay = params.policy.response_delay_days
    if delay is not None and params.policy.instruments:
        return f" (delay {delay:g} days)"
    return ""


def figure_bytes(fig: Figure, fmt: str = "png", **kwargs) -> bytes:
    """The figure's file as bytes (the same bytes for the same figure, SVG included)."""
    from sim.study.report import savefig

    buf = io.BytesIO()
    savefig(fig, buf, fmt, **kwargs)
    return buf.getvalue()


# --------------------------------------------------------------------------- files
def _gif_palette(sample):
    """One 256-colour palette for every frame: the picture's colours plus every level,
    region and marker colour (so rare colours, e.g. armed conflict, keep their hue and
    frames do not flicker)."""
    from PIL import Image

    keys = (list(LEVEL_COLOURS) + list(REGION_COLOURS)
            + [UN_COLOUR, WARNING_COLOUR, ACTION_COLOUR, GAP_COLOUR, "#ffffff", "#000000",
               "#333333", "#555555", "#999999"])
    rgb = (np.array([matplotlib.colors.to_rgb(c) for c in keys]) * 255).astype(np.uint8)
    swatch = np.repeat(np.repeat(rgb[None, :, :], 40, axis=0), 40, axis=1)  # big patches
    w = max(sample.width, swatch.shape[1])
    canvas = Image.new("RGB", (w, sample.height + swatch.shape[0]), "white")
    canvas.paste(sample, (0, 0))
    canvas.paste(Image.fromarray(swatch), (0, sample.height))
    return canvas.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


#: The GIF's resolution: 6 × 5.6 inches at 180 dpi is 1080 × 1008 pixels, the height of a
#: 1080p projector (at 80 dpi, before issue 18, it was 480 pixels wide).
GIF_DPI = 180


def network_gif(model: "ConflictModel", *, max_frames: int = 40, frame_ms: int = 180,
                dpi: int = GIF_DPI) -> bytes:
    """An animated GIF of the network over the run (every k-th week, at most
    ``max_frames`` frames plus the last week), via matplotlib and Pillow; projector-sized
    (:data:`GIF_DPI`)."""
    from PIL import Image

    painter = NetworkPainter(model, width=6.0, height=5.6, dpi=dpi)
    rows = model.level_history.shape[0]
    stride = max(1, math.ceil(rows / max_frames))
    picks = list(range(0, rows, stride))
    if picks[-1] != rows - 1:
        picks.append(rows - 1)
    images = []
    for row in picks:
        painter.show_week(row)
        images.append(painter.image())
    palette = _gif_palette(images[-1])
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    buf = io.BytesIO()
    durations = [frame_ms] * (len(frames) - 1) + [frame_ms * 8]  # hold the last week
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:],
                   duration=durations, loop=0, optimize=False, disposal=1)
    return buf.getvalue()


def plot_run(model: "ConflictModel", folder: Path | str) -> list[Path]:
    """Write ``timeline.png``, ``timeline.svg`` and ``network.gif`` of a run into
    ``folder``; returns their paths.

    Every picture is drawn in memory first and each file is then written atomically
    (temporary file, then rename): if drawing fails, nothing is written; a file is
    either whole or absent.
    """
    from sim.study.storage import write_atomic

    folder = Path(folder)
    fig = timeline_figure(model)
    contents = {
        "timeline.png": figure_bytes(fig, "png", dpi=150),
        "timeline.svg": figure_bytes(fig, "svg", metadata={"Date": None}),
        "network.gif": network_gif(model),
    }
    paths = []
    for name, data in contents.items():
        paths.append(write_atomic(folder / name, lambda p, data=data: p.write_bytes(data)))
    return paths
