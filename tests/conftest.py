"""Shared helpers for the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from sim.core.params import Params

# Property tests draw the same examples on every run (CI must not flake); set
# HYPOTHESIS_PROFILE=explore to search new examples locally.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent


def make_params(**dotted) -> Params:
    """Default Params with dotted overrides: make_params(**{"dynamics.reaction": 0.3})."""
    p = Params()
    for key, value in dotted.items():
        obj = p
        *path, leaf = key.split(".")
        for part in path:
            obj = getattr(obj, part)
        if not hasattr(obj, leaf):
            raise AttributeError(key)
        setattr(obj, leaf, value)
    return p


def linear_params(**dotted) -> Params:
    """The deterministic linear map: no feedback, noise, shocks or policy."""
    base = {"dynamics.feedback": False, "dynamics.noise_sd": 0.0, "shocks.enabled": False}
    base.update(dotted)
    return make_params(**base)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120
            ) -> subprocess.CompletedProcess:
    """Run ``python -m sim`` as a user would."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def params_factory():
    return make_params


def write_graphml(path: Path, nodes: dict[str, dict], edges: list[tuple]) -> Path:
    """A small network file: ``nodes`` maps id -> attributes, ``edges`` are (u, v, w)."""
    import networkx as nx

    g = nx.Graph()
    for node, attrs in nodes.items():
        g.add_node(node, **attrs)
    for u, v, w in edges:
        g.add_edge(u, v, weight=float(w))
    nx.write_graphml(g, path)
    return path


QUIET = {  # all randomness off (noise, misperception, observation noise, shocks)
    "dynamics.noise_sd": 0.0, "shocks.enabled": False, "un.observation_noise_sd": 0.0,
    "regional.observation_noise_sd": 0.0,
}


def micro_params(tmp_path: Path, nodes: dict[str, dict], edges: list[tuple], **dotted
                 ) -> Params:
    """Parameters of a micro-scenario on a hand-made network, randomness off."""
    path = write_graphml(tmp_path / "micro.graphml", nodes, edges)
    return make_params(**{"network.kind": "file", "network.path": str(path), **QUIET,
                          **dotted})
