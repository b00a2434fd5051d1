# sanwang — the two set-up commands of the README live here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SIZE   ?= city
SEED   ?= 7

.PHONY: demo test install install-test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

## make demo — install into .venv, build the demo city into SQLite under ./var, print its figures
demo: install
	$(BIN)/sanwang demo --size $(SIZE) --seed $(SEED) --no-serve

## make test — install what the tests need, then lint, type-check and run the suite
test: install-test lint typecheck pytest

lint:
	$(BIN)/ruff check src tests $(wildcard bench docs/*.py)
	$(BIN)/ruff format --check src tests $(wildcard bench docs/*.py)

typecheck:
	$(BIN)/mypy

# One worker per core; the in-process Spark tests share one worker (xdist_group "spark"): one JVM, started once.
pytest:
	$(BIN)/pytest -q -n auto --dist loadgroup

## make bench — the benchmarks of docs/benchmarks.md (long; never part of make test)
bench: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.run_all

clean:
	rm -rf var build dist .pytest_cache .mypy_cache .ruff_cache
