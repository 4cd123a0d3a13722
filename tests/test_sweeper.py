"""The prevsim sweeper's loader: a composed job configuration is handed out once."""

from __future__ import annotations

import pickle

from hydra.core.plugins import Plugins

# Hydra's plugin scan re-executes every module under hydra_plugins, even one already
# imported, so its classes are redefined. Scan first (once per process), then import:
# otherwise, when the scan comes later, pickle finds a different class under the name.
Plugins.instance()
from hydra_plugins.prevsim_sweeper.prevsim_sweeper import ComposedOnceLoader  # noqa: E402


class CountingLoader:
    def __init__(self):
        self.calls = []

    def load_sweep_config(self, master, overrides):
        self.calls.append(list(overrides))
        return {"job": list(overrides), "call": len(self.calls)}

    def get_search_path(self):
        return "search path"


def test_held_configuration_is_handed_out_once_then_composed_again():
    inner = CountingLoader()
    loader = ComposedOnceLoader(inner)
    held = loader.compose("master", ["policy=none"])
    assert loader.load_sweep_config("master", ["policy=none"]) is held
    assert len(inner.calls) == 1
    again = loader.load_sweep_config("master", ["policy=none"])   # not held any more
    assert again is not held and len(inner.calls) == 2
    other = loader.load_sweep_config("master", ["policy=envoy"])  # never held
    assert other["job"] == ["policy=envoy"] and len(inner.calls) == 3


def test_everything_else_is_delegated_and_pickles_without_held_configs():
    loader = ComposedOnceLoader(CountingLoader())
    loader.compose("master", ["a=1"])
    assert loader.get_search_path() == "search path"
    copy = pickle.loads(pickle.dumps(loader))      # what joblib's workers receive
    assert copy.held == {} and loader.held
    assert copy.load_sweep_config("master", ["a=1"])["call"] == 2


def test_at_most_limit_configurations_are_held():
    inner = CountingLoader()
    loader = ComposedOnceLoader(inner, limit=2)
    for k in range(5):
        loader.compose("master", [f"seed={k}"])
    assert list(loader.held) == [("seed=0",), ("seed=1",)]
    for k in range(5):
        assert loader.load_sweep_config("master", [f"seed={k}"])["job"] == [f"seed={k}"]
    assert len(inner.calls) == 5 + 3        # the three not held are composed again
