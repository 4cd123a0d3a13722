"""What people look at: one run's timeline and network figures, and the dashboard
(controls, the dashboard's model, and its Solara page). Builds on :mod:`sim.core`."""
