# Two commands for a fresh machine: `make run` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run console test test-fast test-dates lint content-check bench clean

# pytest keeps the test modules it rewrites in __pycache__ only when Python may write bytecode;
# a shell with PYTHONDONTWRITEBYTECODE set would have every run rewrite them all (about 5 s).
unexport PYTHONDONTWRITEBYTECODE

# pip's output goes to .venv/pip.log and is shown only when an install fails.
PIP_QUIET = > $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }

$(VENV)/bin/python:
	@echo "Creating $(VENV) (first run only)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --upgrade pip $(PIP_QUIET)

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "Installing the bot into $(VENV)..."
	@$(PY) -m pip install -e . $(PIP_QUIET)
	@touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "Installing the bot and its development tools into $(VENV)..."
	@$(PY) -m pip install -e ".[dev]" $(PIP_QUIET)
	@touch $@ $(RUN_STAMP)

## Start the bot: on Telegram with TELEGRAM_BOT_TOKEN set, else the console chat.
run: $(RUN_STAMP)
	$(PY) -m bot

console: $(RUN_STAMP)
	$(PY) -m bot console

# The tests that decide nights, due times and dated files, run again with the machine's clock
# moved (time-machine) to: the day Berlin leaves summer time (02:30 local, the repeated hour),
# New Year's Eve at 23:30 in Berlin, 29 February 2028, and a year after this was written.
DATE_SENSITIVE := tests/test_machine_date.py tests/test_schedule.py tests/test_jobs.py \
	tests/test_storage.py tests/test_damaged.py tests/test_conversation.py \
	tests/test_delivery.py tests/test_day_tags.py tests/test_review_flow.py \
	tests/test_transfer.py tests/test_privacy.py tests/test_use_cases.py tests/test_looking_back.py
MOVED_DATES := 2026-10-25T00:30:00+00:00 2026-12-31T23:30:00+01:00 \
	2028-02-29T12:00:00+00:00 2027-11-30T12:00:00+00:00

## Lint, type-check, validate the content, run every test, then the date-sensitive ones again
## with the machine's date moved.
test: lint
	$(PY) -m pytest -m "not slow"
	$(PY) -m pytest -m slow
	$(MAKE) --no-print-directory test-dates

## The quick loop (under a minute): lint and every test but the slow ones (real HTTP,
## subprocesses, kill -9 rounds, the 1,000-person fanout). Run in one process: on this class of
## machine (2 cores, about 1.1 effective) two pytest-xdist workers took 41.5 s against 36 s alone.
test-fast: lint
	$(PY) -m pytest -m "not slow"

test-dates: $(DEV_STAMP)
	@for when in $(MOVED_DATES); do \
		echo "== the date-sensitive tests with the machine's date moved to $$when"; \
		$(PY) -m pytest -q -p no:cacheprovider -m "not slow" --machine-date=$$when \
			$(DATE_SENSITIVE) || exit 1; \
	done

lint: $(DEV_STAMP)
	$(PY) -m ruff check bot tests bench
	$(PY) -m ruff format --check bot tests bench
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) -m bot content-check

## Benchmarks (not part of `make test`): prints one table, writes bench/results.json.
## Extra options through BENCH_ARGS, e.g. `make bench BENCH_ARGS="--fanout 10000"`.
bench: $(DEV_STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

content-check: $(RUN_STAMP)
	$(PY) -m bot content-check

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
