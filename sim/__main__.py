"""``python -m sim``: the command-line interface (see ``sim.cli``)."""

from sim.cli import main

if __name__ == "__main__":
    main()
