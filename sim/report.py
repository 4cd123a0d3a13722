"""``sim.report`` and ``python -m sim.report <sweep folder>``: the public name of
:mod:`sim.study.report` (the same module object when imported)."""

import sys

from sim.study import report as _module

if __name__ == "__main__":
    sys.exit(_module.main())
sys.modules[__name__] = _module
