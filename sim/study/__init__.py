"""Studies of many runs: replications, sweeps and their files, statistics, analysis
tables, reports (the one matplotlib user here), sensitivity analysis and policy search.
Builds on :mod:`sim.core`; no Hydra (that is :mod:`sim.cli` and :mod:`sim.config`)."""
