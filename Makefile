# Sebaya developer tasks. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Practices the import benchmark writes; empty: by scale (national 30,000, issue 7's target
# of under 60 s; small 5,000).
EXCHANGE_PRACTICES ?=
# national: 250,000 practices, 50,000 adoptions (long: the data set is generated once, in var/);
# small: 10,000 practices, a quick run. PostgreSQL: BENCH_DATABASE_URL (skipped if it does not answer).
BENCH_SCALE ?= national
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help install messages run demo test test-fast browser lint fmt bench eval clean

help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages ## Install Sebaya and its development tools into .venv

messages: $(STAMP) ## Compile the translation catalogs
	@$(BIN)/python scripts/compile_messages.py

demo: install ## Prepare the database with the demo data (without serving)
	$(BIN)/sebaya demo

run: demo ## Install, prepare the demo database and serve the site on http://127.0.0.1:8000
	$(BIN)/sebaya serve --host $(HOST) --port $(PORT)

lint: install ## ruff (lint and format check), mypy, and the migrations check
	$(BIN)/ruff check src tests bench eval scripts
	$(BIN)/ruff format --check src tests bench eval scripts
	$(BIN)/mypy src
	$(BIN)/sebaya makemigrations --check --dry-run

fmt: install ## Format the code and apply safe lint fixes
	$(BIN)/ruff check --fix src tests bench eval scripts
	$(BIN)/ruff format src tests bench eval scripts

browser: ## Make sure Debian's Chromium is there for the browser tests
	@bash scripts/ensure-chromium.sh

test: lint browser ## Lint, then run the whole test suite (browser tests included)
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install ## The test suite without browser tests
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

eval: install ## Offline evaluation: search (nDCG@10 against BM25), matching (nDCG@5 against relevance-only)
	$(BIN)/python eval/run_search.py
	$(BIN)/python eval/run_matching.py

bench: install ## National-scale benchmark suite (BENCH_SCALE=small: 10,000 practices); writes docs/benchmarks.md
	$(BIN)/python bench/run.py --scale $(BENCH_SCALE) $(if $(EXCHANGE_PRACTICES),--import-rows $(EXCHANGE_PRACTICES)) $(BENCH_ARGS)

clean: ## Remove the virtualenv, the database and caches
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
	find src -name '*.mo' -delete
