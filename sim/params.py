"""``sim.params``: the public name of :mod:`sim.core.params` (the same module object)."""

import sys

from sim.core import params as _module

sys.modules[__name__] = _module
