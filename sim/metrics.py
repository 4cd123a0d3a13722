"""``sim.metrics``: the public name of :mod:`sim.core.metrics` (the same module object)."""

import sys

from sim.core import metrics as _module

sys.modules[__name__] = _module
