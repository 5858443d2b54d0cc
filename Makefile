# Quick start: `make demo` (run the bot against the local emulator) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test test-postgres install install-dev lint bench validate clean

$(VENV)/.base:
	$(PYTHON) -m venv $(VENV)
	touch $@

$(VENV)/.installed: $(VENV)/.base pyproject.toml
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.base pyproject.toml
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(PY) -m bot demo

test: install-dev
	$(PY) -m pytest -q

# The database-backed tests again on PostgreSQL (127.0.0.1:5432, a fresh database per run).
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/testimony_test
test-postgres: install-dev
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS testimony_test" -c "CREATE DATABASE testimony_test"
	TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest -q tests/store tests/e2e tests/multiprocess tests/ops tests/admin

validate: install
	$(PY) -m bot validate

lint: install-dev
	$(VENV)/bin/ruff check bot tests bench

bench: install-dev
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) data/*.sqlite3
