# PrevSim — every target creates or reuses the local virtual environment first.
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
EXTRAS    ?= test,dashboard,explore
ARGS      ?=
HOST      ?= 127.0.0.1
PORT      ?= 8765
# Solara's JavaScript and CSS, fetched once from the npm registry (offline use).
ASSETS    := $(VENV)/share/solara/cdn/.prevsim-assets

.PHONY: venv run single test lint bench clean help dashboard assets browser calibrate validate

help:
	@echo "make run    the main job: compare every policy (results/compare_policies/<time>/report.md)"
	@echo "make single one simulation of the default scenario (results/runs/)"
	@echo "make test   run the linter and the test suite (creates .venv on first use)"
	@echo "make lint   the linter alone (ruff)"
	@echo "make bench  print the benchmarks' figures (not part of the tests)"
	@echo "make validate  every comparison of docs/validation.md, one report (results/validation/report.md)"
	@echo "make calibrate the escalation defaults searched against UCDP/PRIO (results/calibration/report.md)"
	@echo "make dashboard  the interactive dashboard on http://$(HOST):$(PORT)/ (works offline)"
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

assets: $(ASSETS)

$(ASSETS): $(STAMP) scripts/dashboard-assets
	$(PY) scripts/dashboard-assets
	@touch $(ASSETS)

# Debian's chromium for the browser tests (skipped, with the reason, where it cannot be had).
browser:
	@sh scripts/install-browser

dashboard: venv assets
	@echo "PrevSim dashboard: http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(VENV)/bin/solara run sim/views/app.py \
		--host $(HOST) --port $(PORT) --no-open --production

test: venv assets browser lint
	$(PY) -m pytest -n 2 --dist loadgroup $(ARGS)

# ruff (configured in pyproject.toml): pyflakes, pycodestyle, import order, bugbear
lint: venv
	$(PY) -m ruff check .

# every comparison of docs/validation.md in one report (≈ 5 min on 2 cores)
validate: venv
	$(PY) experiments/validation/validate.py $(ARGS)

# the seeded search of the escalation defaults against the record (≈ 8 min on 2 cores)
calibrate: venv
	$(PY) experiments/validation/calibrate.py $(ARGS)

bench: venv
	$(PY) benchmarks/bench_step.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
