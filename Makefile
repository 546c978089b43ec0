# credit-hub: everything a fresh machine needs is behind these targets (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENTERPRISES ?= 2000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test check lint bench neo4j-start neo4j-stop clean

install: $(VENV)/.installed
	$(BIN)/python -c 'from graph.local import ensure_jars; from hub.settings import local_neo4j_config; ensure_jars(local_neo4j_config(), quiet=True)'
	bash hub/http/ide/build.sh
	bash tests/federation/build.sh
	@bash tests/support/chromium.sh

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

demo: install
	$(BIN)/credit-hub neo4j start
	$(BIN)/credit-hub migrate
	$(BIN)/credit-hub seed --enterprises $(DEMO_ENTERPRISES) --seed 1
	$(BIN)/python -m hub.demo --host $(HOST) --port $(PORT)
	$(BIN)/credit-hub serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

check: lint test

bench: install
	$(BIN)/python -m bench.run_all

neo4j-start: install
	$(BIN)/credit-hub neo4j start

neo4j-stop:
	$(BIN)/credit-hub neo4j stop

clean:
	-$(BIN)/credit-hub neo4j stop
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
