# Sen — one command each: `make run` (a single-node chain with its API), `make test`
# (every test), `make check` (format, lint, types, tests), `make bench` (benchmarks).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOME_DIR ?= .sen

.PHONY: install run test check lint format types bench bench-quick bench-check bench-network openapi proto clean cometbft browser softhsm postgres rust-wasm

# constraints/consensus.txt pins the consensus-critical libraries exactly (docs/spec/determinism.md
# D8): every validator runs the same versions, and a node with others refuses to start.
$(STAMP): pyproject.toml benchmarks/pyproject.toml constraints/consensus.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sen needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints/consensus.txt -e '.[dev]' -e benchmarks
	@touch $(STAMP)

install: $(STAMP)

# CometBFT (version pinned in the script) for multi-validator networks.
COMETBFT := .bin/cometbft

$(COMETBFT): scripts/install-cometbft.sh
	scripts/install-cometbft.sh
	@touch -c $@

cometbft: $(COMETBFT)

# Chromium (Debian), axe-core (npm, pinned) for the console's browser tests; Playwright is in [dev].
BROWSER_STAMP := $(VENV)/.browser-stamp

$(BROWSER_STAMP): scripts/install-browser.sh $(STAMP)
	VENV=$(VENV) bash scripts/install-browser.sh
	@touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)

# SoftHSM2 (Debian) for the HSM signing tests (tests/integration/hsm); they make their own tokens.
SOFTHSM_STAMP := $(VENV)/.softhsm-stamp

$(SOFTHSM_STAMP): scripts/install-softhsm.sh
	bash scripts/install-softhsm.sh
	@touch $(SOFTHSM_STAMP)

softhsm: $(SOFTHSM_STAMP)

# PostgreSQL (Debian) for the vault's PostgreSQL store (tests/integration/vault); the tests
# make their own cluster on 127.0.0.1 in a temporary folder and stop it.
POSTGRES_STAMP := $(VENV)/.postgres-stamp

$(POSTGRES_STAMP): scripts/install-postgres.sh
	bash scripts/install-postgres.sh
	@touch $(POSTGRES_STAMP)

postgres: $(POSTGRES_STAMP)

# Rust's wasm32 target (rustup) for contracts written in Rust; the example's crates fetched.
RUST_STAMP := $(VENV)/.rust-wasm-stamp

$(RUST_STAMP): scripts/install-rust-wasm.sh contracts/examples/registry-rust/Cargo.lock $(STAMP)
	bash scripts/install-rust-wasm.sh
	@# the example built once into the tests' shared cargo folder, so no test waits for its crates
	$(BIN)/python -c 'from pathlib import Path; from sen.vm.build import build_component; \
	build_component(Path("contracts/examples/registry-rust"), Path(".bin/cargo-target"))'
	@touch $(RUST_STAMP)

rust-wasm: $(RUST_STAMP)

run: install
	$(BIN)/sen --home $(HOME_DIR) node run

test: install $(COMETBFT) $(BROWSER_STAMP) $(SOFTHSM_STAMP) $(POSTGRES_STAMP) $(RUST_STAMP)
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff format --check src tests benchmarks contracts
	$(BIN)/ruff check src tests benchmarks contracts
	$(BIN)/mypy --strict src/sen benchmarks/senbench
	$(BIN)/python -m sen.api.openapi --check
	$(BIN)/python -m sen.services.vault.openapi --check
	$(BIN)/python -m sen.abci.protogen --check
	$(BIN)/lint-imports
	$(BIN)/python -m pytest --collect-only -q >/dev/null  # every test file imports, basenames unique

format: install
	$(BIN)/ruff format src tests benchmarks contracts
	$(BIN)/ruff check --fix src tests benchmarks contracts

types: install
	$(BIN)/mypy --strict src/sen benchmarks/senbench

check: lint test

bench: install $(RUST_STAMP)
	$(BIN)/sen bench --out benchmarks/results

bench-quick: install $(RUST_STAMP)
	$(BIN)/sen bench --quick --out benchmarks/results

# A short run (~1 min) that fails if Sen's throughput fell >15% relative to this machine's
# Ed25519 verify rate measured in the same run (benchmarks/reference/check.json; --record to reset).
bench-check: install
	$(BIN)/python -m senbench.check --out benchmarks/results

# Four validators on this machine, Sen through its API vs CometBFT's kvstore, 60 s each
# (benchmarks/README.md); QUICK=1 for a 10-second smoke run.
bench-network: install $(COMETBFT)
	$(BIN)/python -m senbench.network --out benchmarks/results $(if $(QUICK),--quick,)

openapi: install
	$(BIN)/python -m sen.api.openapi --write
	$(BIN)/python -m sen.services.vault.openapi --write

proto: install
	$(BIN)/python -m sen.abci.protogen --write

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
