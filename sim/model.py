"""``sim.model``: the public name of :mod:`sim.core.model` (the same module object)."""

import sys

from sim.core import model as _module

sys.modules[__name__] = _module
