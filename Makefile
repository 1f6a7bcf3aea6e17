# Sen — one command each: `make run` (a single-node chain with its API), `make test`
# (every test), `make check` (format, lint, types, tests), `make bench` (benchmarks).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOME_DIR ?= .sen

.PHONY: install run test check lint format types bench bench-quick openapi proto clean cometbft

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sen needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# CometBFT (version pinned in the script) for multi-validator networks.
COMETBFT := .bin/cometbft

$(COMETBFT): scripts/install-cometbft.sh
	scripts/install-cometbft.sh
	@touch -c $@

cometbft: $(COMETBFT)

run: install
	$(BIN)/sen --home $(HOME_DIR) node run

test: install $(COMETBFT)
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy --strict src/sen
	$(BIN)/python -m sen.api.openapi --check
	$(BIN)/python -m sen.abci.protogen --check

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

types: install
	$(BIN)/mypy --strict src/sen

check: lint test

bench: install
	$(BIN)/sen bench --out benchmarks/results

bench-quick: install
	$(BIN)/sen bench --quick --out benchmarks/results

openapi: install
	$(BIN)/python -m sen.api.openapi --write

proto: install
	$(BIN)/python -m sen.abci.protogen --write

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
