# Hale — `make run` to try it, `make test` to test it. Needs only Python >= 3.12.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# A Python >= 3.12 to bootstrap uv with when uv is not installed.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS ?= never
export UV_PYTHON ?= $(PYTHON)

MESSAGES_IGNORE := --ignore=.venv --ignore=.tools --ignore=var --ignore=tests --ignore=bench --ignore=conftest.py

.PHONY: run test install bench lint format messages check clean

.tools/bin/uv:
	@test -n "$(PYTHON)" || { echo "Hale needs Python >= 3.12 (python3.12 or newer on PATH)"; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced

run: install  ## Migrate SQLite, load demo data, serve every portal with its worker on :8000
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py seed_demo
	.venv/bin/python manage.py serve

# Test processes in parallel (pytest-xdist): "auto" is one per CPU; 0 runs in this process.
PYTEST_WORKERS ?= auto

test: install  ## The whole suite (browser tests skip only where no Chromium exists)
	.venv/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install  ## Benchmarks; writes bench/results.json
	.venv/bin/python bench/run.py $(BENCH)

lint: install  ## ruff, the import layers, and mypy
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: install  ## Refresh the translation catalogues
	.venv/bin/python manage.py makemessages -l es --no-obsolete $(MESSAGES_IGNORE)
	.venv/bin/python manage.py compilemessages --ignore=.venv

check: install
	.venv/bin/python manage.py check
	.venv/bin/python manage.py makemigrations --check --dry-run

clean:
	rm -rf .venv .tools var
