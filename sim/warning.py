"""``sim.warning``: the public name of :mod:`sim.core.warning` (the same module object)."""

import sys

from sim.core import warning as _module

sys.modules[__name__] = _module
