"""The model: parameters, random streams, network, dynamics, agents, early warning,
policies and outcomes. Imports numpy, scipy, networkx, pandas and Mesa only — never
Hydra, matplotlib or file output (a test checks it)."""
