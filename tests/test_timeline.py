"""One-run figures: ``python -m sim plot=timeline`` and ``sim.views.timeline``."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import sim
from sim.views import timeline
from tests.conftest import run_cli

FIGURES = ["timeline.png", "timeline.svg", "network.gif"]


@pytest.fixture(scope="module")
def model():
    return sim.ConflictModel(sim.compose(["seed=4", "policy=envoy"])).run()


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_cli_plot_timeline_writes_figures_in_the_run_folder(tmp_path):
    folder = tmp_path / "run"
    result = run_cli("plot=timeline", "seed=4", "policy=envoy", f"run_dir={folder}")
    assert result.returncode == 0, result.stderr
    for name in FIGURES:
        assert f"figure: {folder / name}" in result.stdout
        assert (folder / name).stat().st_size > 1000, name
    names = listing(folder)
    assert set(FIGURES) <= set(names)
    assert not [n for n in names if n.startswith(".") or n.endswith(".tmp")], names
    assert (folder / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (folder / "timeline.svg").read_bytes()[:2000]
    with Image.open(folder / "network.gif") as gif:
        assert gif.format == "GIF" and 10 <= gif.n_frames <= 41
        assert gif.size[1] >= 1000  # projector-sized: a 1080p screen's height
        assert gif.size[0] <= 1920
    with Image.open(folder / "timeline.png") as png:
        assert png.size[0] >= 1000
    assert not list(tmp_path.glob(".*")), "no temporary folder left beside the run"


def test_cli_without_plot_writes_no_figures(tmp_path):
    folder = tmp_path / "run"
    result = run_cli("seed=4", f"run_dir={folder}")
    assert result.returncode == 0, result.stderr
    assert not set(FIGURES) & set(listing(folder))
    assert "figure:" not in result.stdout


def test_cli_rejects_an_unknown_plot_and_writes_nothing(tmp_path):
    folder = tmp_path / "run"
    result = run_cli("plot=movie", f"run_dir={folder}")
    assert result.returncode == 2
    assert "plot" in result.stderr and "timeline" in result.stderr
    assert not folder.exists()


def test_plot_run_writes_nothing_when_drawing_fails(tmp_path, model, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(timeline, "network_gif", broken)
    (tmp_path / "records.csv").write_text("kept\n")
    with pytest.raises(RuntimeError, match="drawing failed"):
        timeline.plot_run(model, tmp_path)
    assert listing(tmp_path) == ["records.csv"]  # no figure, no half-written file


def test_plot_run_leaves_no_partial_file_when_writing_fails(tmp_path, model, monkeypatch):
    from pathlib import Path

    real = Path.write_bytes
    calls = []

    def failing(self, data):
        calls.append(self.name)
        if len(calls) == 2:
            real(self, data[: len(data) // 2])  # half a file, then the disk fills up
            raise OSError("disk full")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError, match="disk full"):
        timeline.plot_run(model, tmp_path)
    names = listing(tmp_path)
    assert names == ["timeline.png"], names  # whole files only; the failed one is absent


def test_plot_run_returns_paths_inside_the_folder(tmp_path, model):
    paths = timeline.plot_run(model, tmp_path)
    assert [p.name for p in paths] == FIGURES
    assert all(p.parent == tmp_path and p.exists() for p in paths)


def test_layout_is_cached_per_network_and_groups_regions(model):
    again = sim.ConflictModel(sim.compose(["seed=4", "policy=none"]))  # same network
    pos, circles = timeline.network_layout(model)
    assert timeline.network_layout(again)[0] is pos  # not laid out twice
    assert pos.shape == (len(model.party_ids), 2) and np.isfinite(pos).all()
    region = model.state.region
    centres = {r: pos[region == r].mean(axis=0) for r in np.unique(region)}
    for r, centre in centres.items():
        own = np.linalg.norm(pos[region == r] - centre, axis=1).mean()
        nearest_other = min(np.linalg.norm(centre - c) for q, c in centres.items() if q != r)
        assert own < nearest_other / 2  # regions are visible as separate groups
    assert len(circles) == len(centres)
    other = sim.ConflictModel(sim.compose(["seed=5"]))
    assert timeline.network_layout(other)[0] is not pos


def test_envoys_from_events_match_the_mediators_at_the_end(model):
    spells = timeline.envoy_spells(model)
    assert spells, "the envoy policy deployed envoys"
    assert all(start <= end for _, _, start, end in spells)
    at_end = sorted(timeline.envoys_at(spells, float(model.weeks[-1])))
    assert at_end == sorted(timeline.envoys_now(model))


def test_painters_draw_every_week_without_relayout(model):
    painter = timeline.NetworkPainter(model)
    first = painter.png()
    painter.show_week(len(model.weeks) // 2)
    assert painter.png() != first
    assert painter.pos is timeline.network_layout(model)[0]
    tl = timeline.TimelinePainter(model)
    tl.update(now=40.0)
    crises = model.crises.dropna(subset=["first_action_week"])
    first_crisis = crises.loc[crises.warning_week.idxmin()]
    gap = first_crisis.first_action_week - first_crisis.warning_week
    assert f"first {gap:g} weeks" in tl.gap_text.get_text().replace("\n", " ")
    assert tl.png()[:4] == b"\x89PNG"
    # The fast (blitted) picture is a full redraw's, but for the drawing order of the
    # axis line under the bands (a row of pixels).
    slow = timeline.TimelinePainter(model, fast=False)
    slow.update(now=40.0)
    diff = np.abs(np.asarray(slow.image(), dtype=int) - np.asarray(tl.image(), dtype=int))
    assert (diff.sum(axis=2) > 30).mean() < 0.005


def test_figures_are_the_same_bytes_each_time(tmp_path):
    """SVGs carry no date and no random ids: the same run gives the same files."""
    from sim import ConflictModel
    from sim.views.timeline import figure_bytes, timeline_figure
    from tests.conftest import make_params

    model = ConflictModel(make_params(seed=4, horizon_weeks=30)).run()
    first = figure_bytes(timeline_figure(model), "svg")
    again = figure_bytes(timeline_figure(model), "svg")
    assert first == again and b"<dc:date>" not in first


def test_cli_plot_compare_writes_the_two_delay_slide(tmp_path):
    folder = tmp_path / "run"
    result = run_cli("plot=compare", "policy=envoy", "seed=2", "horizon_weeks=52",
                     "compare.delays_days=[7,90]", "compare.worlds=3", f"run_dir={folder}")
    assert result.returncode == 0, result.stderr
    headline = (folder / "compare.txt").read_text(encoding="utf-8").splitlines()[0]
    assert headline.startswith("Acting after 90 days instead of 7: ")
    assert "over 3 worlds (seeds 2–4)" in headline and "[" in headline
    assert headline in result.stdout
    for name in ("compare.png", "compare_worlds.png"):
        assert f"figure: {folder / name}" in result.stdout
    with Image.open(folder / "compare.png") as png:
        assert png.size == (2000, 1125)  # 16:9 at 150 dpi: a slide
    assert not [n for n in listing(folder) if n.startswith(".") or n.endswith(".tmp")]


def test_cli_plot_compare_refuses_a_bad_pair_of_delays_and_writes_nothing(tmp_path):
    folder = tmp_path / "run"
    result = run_cli("plot=compare", "compare.delays_days=[7,-1]", f"run_dir={folder}")
    assert result.returncode == 2
    assert "compare.delays_days" in result.stderr and "[7.0, -1.0]" in result.stderr
    assert "each ≥ 0" in result.stderr
    assert not folder.exists()


def test_many_parties_show_event_counts_not_solid_bars():
    from sim.views.dashboard import DashboardModel
    from sim.views.timeline import MANY_EVENTS, NetworkPainter, TimelinePainter

    model = DashboardModel(policy="envoy", network__n_parties=300, seed=1)
    model.advance()
    crises = model.crises
    assert len(crises) > MANY_EVENTS  # the case of the issue: rows would be solid
    painter = TimelinePainter(model, fast=False)
    painter.update()
    assert "rows as counts" in painter.summary
    markers = [line for line in painter.ax_events.get_lines() if line.get_marker() in "v^"]
    assert not markers  # counts (bars and a band), not one marker per event
    # the most crises waiting at once, counted by hand: warned, not acted on, not closed
    ends = crises[["action_week", "closed_week"]].min(axis=1).fillna(float("inf"))
    most = max(int(((crises.warning_week <= w) & (w < ends)).sum())
               for w in range(model.params.horizon_weeks + 1))
    assert f"crises waiting for action each week (most {most})" in painter.summary
    # the network's dots stay visible: at least 24 pt² whatever the number of parties
    assert NetworkPainter(model).node_size >= 24
