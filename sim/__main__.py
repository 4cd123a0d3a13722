"""``python -m sim``: the command-line interface (see ``sim.cli``)."""

import gc

from sim.cli import main

if __name__ == "__main__":
    # Everything imported so far (Mesa, pandas, scipy, Hydra: about a million objects)
    # lives as long as the process. Freezing it keeps the garbage collector, including
    # the full passes a sweep forces every sim.study.sweep.GC_EVERY runs and the one at exit,
    # from walking it again and again (about 0.5 s of a 15 s sweep).
    gc.freeze()
    main()
