"""``sim.network``: the public name of :mod:`sim.core.network` (the same module object)."""

import sys

from sim.core import network as _module

sys.modules[__name__] = _module
