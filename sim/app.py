"""``solara run sim/app.py`` keeps working: the dashboard's page is :mod:`sim.views.app`."""

from sim.views.app import *  # noqa: F403 (the page and what Solara looks for)
from sim.views.app import Page  # noqa: F401
