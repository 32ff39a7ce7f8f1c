# emobench: `make run` (set up + the main job) and `make test` (set up + the test suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= $(abspath ../shared/data)
EXTRAS ?= dev,textattack,ray
export EMOBENCH_DATA_DIR ?= $(DATA)
export NLTK_DATA ?= $(abspath nltk_data)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup system-deps check-data run test bench clean

setup: system-deps check-data $(VENV)/.installed nltk_data/.built

system-deps:
	@bash scripts/system_deps.sh

check-data:
	@test -f "$(EMOBENCH_DATA_DIR)/goemotions/original/train.tsv" || \
	  { echo "error: shared data not found in $(EMOBENCH_DATA_DIR); run with DATA=/path/to/shared/data"; exit 2; }

# torch first, from the CPU build (a bare `torch` requirement can pull a multi-GB CUDA build).
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[$(EXTRAS)]'
	@touch $@

# WordNet for NLTK, offline, from Debian's wordnet-base + wordnet-sense-index (nltk.download when online).
nltk_data/.built: scripts/setup_nltk_data.py $(VENV)/.installed
	$(BIN)/python scripts/setup_nltk_data.py nltk_data
	@touch $@

run: setup
	$(BIN)/bench run --dataset goemotions --augmenter eda
	$(BIN)/bench leaderboard --dataset goemotions

# The example third-party plugin package is installed too, as a plugin author would (pip install -e).
test: setup
	$(BIN)/python -m pip install -q --no-deps -e examples/emobench-plugin-example
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python benchmarks/bench_cli_start.py
	$(BIN)/python benchmarks/bench_eda.py

clean:
	rm -rf $(VENV) nltk_data emobench-results
