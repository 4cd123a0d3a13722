# PrevSim — every target creates or reuses the local virtual environment first.
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
EXTRAS    ?= test
ARGS      ?=

.PHONY: venv run single test bench clean help

help:
	@echo "make run    the main job: compare every policy (results/compare_policies/<time>/report.md)"
	@echo "make single one simulation of the default scenario (results/runs/)"
	@echo "make test   run the test suite (creates .venv on first use)"
	@echo "make bench  print the benchmarks' figures (not part of the tests)"
	@echo "make venv   create or update .venv with the pinned dependencies"

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock scripts/find-python
	@if [ ! -x $(PY) ]; then \
		py=$$(sh scripts/find-python) || exit 1; \
		echo "creating $(VENV) with $$py"; \
		"$$py" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[$(EXTRAS)]'
	@touch $(STAMP)

run: venv
	$(PY) -m sim experiment=compare_policies $(ARGS)

single: venv
	$(PY) -m sim $(ARGS)

test: venv
	$(PY) -m pytest -n 2 --dist loadgroup $(ARGS)

bench: venv
	$(PY) benchmarks/bench_step.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
