# DevMentor developer commands. `make run` and `make test` are the two a newcomer needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test check lint format setup setup-dev lock clean

## run: install (first time) and serve DevMentor on http://127.0.0.1:8000 (embedded defaults)
run: setup
	$(BIN)/devmentor serve

## test: install dev tools (first time) and run the whole test suite
test: setup-dev
	$(BIN)/pytest

## check: everything CI checks: formatting, lint, strict types, tests
check: lint test

lint: setup-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exact versions come from requirements.lock; pyproject.toml only states ranges.
$(VENV)/.runtime: $(VENV)/bin/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

## lock: re-pin every dependency to the versions installed in the venv
lock: setup-dev
	$(BIN)/pip freeze --exclude-editable | grep -v '^devmentor' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
