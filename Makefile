# Two commands for a fresh machine: `make run` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run console test content-check bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(RUN_STAMP)

## Start the bot: on Telegram with TELEGRAM_BOT_TOKEN set, else the console chat.
run: $(RUN_STAMP)
	$(PY) -m bot

console: $(RUN_STAMP)
	$(PY) -m bot console

## Lint, type-check, validate the content and run every test.
test: $(DEV_STAMP)
	$(PY) -m ruff check bot tests bench
	$(PY) -m ruff format --check bot tests bench
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) -m bot content-check
	$(PY) -m pytest

## Benchmarks (not part of `make test`): prints one table, writes bench/results.json.
## Extra options through BENCH_ARGS, e.g. `make bench BENCH_ARGS="--fanout 10000"`.
bench: $(DEV_STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

content-check: $(RUN_STAMP)
	$(PY) -m bot content-check

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
