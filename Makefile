# Two commands matter: `make demo` and `make test`. Both set everything up first
# and are safe to run again.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

CHROMIUM := /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser demo test faults check bench clean help

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install cxpulse with its dev extras

demo: install  ## one full cycle on built-in demo data (SQLite, no network)
	$(BIN)/cxpulse demo

browser:  ## Debian's chromium for the workspace's browser test (apt-get; Playwright downloads no browser)
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

test: install browser  ## run the test suite (PostgreSQL tests are mandatory when CI=true)
	$(BIN)/python -m pytest

faults: install  ## the fault suite's long run (more kills and rounds, larger inputs; CI runs the short one in `make test`)
	FAULTS_LONG=1 $(BIN)/python -m pytest tests/faults tests/config/test_loader_properties.py

check: install  ## lint, type-check and check the import layers (docs/architecture.md)
	$(BIN)/ruff check foundation listener classifiers storage cxpulse scripts tests
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install  ## run the benchmarks (minutes; see BENCHMARKS.md)
	$(BIN)/python scripts/bench_store.py

clean:  ## remove the virtualenv and local stores
	rm -rf $(VENV) cxpulse-demo.db cxpulse-demo.db-* .pytest_cache
