"""Fixtures shared by every tier: the contract runtime, built once per machine and sources,
and the Rust contracts, built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.vm import Runtime
from sen.vm.build import build_component, cached_runtime, user_cache

RUNTIME_CACHE = user_cache()  # the one `sen node init --contracts` uses: one build per machine
ROOT = Path(__file__).parents[1]
RUST_REGISTRY = ROOT / "contracts" / "examples" / "registry-rust"
RUST_HOSTILE = ROOT / "tests" / "unit" / "vm" / "rust_hostile"
CARGO_TARGET = ROOT / ".bin" / "cargo-target"  # shared, so the crates are built once


@pytest.fixture(scope="session")
def contract_runtime() -> Runtime:
    """The contract runtime component, compiled (about 20 s the first time on a machine)."""
    path = cached_runtime(RUNTIME_CACHE)
    return Runtime(path, cache_dir=RUNTIME_CACHE / "compiled")


@pytest.fixture(scope="session")
def registry_component() -> bytes:
    """The Rust registry (contracts/examples/registry-rust), built by cargo (about a minute
    the first time; scripts/install-rust-wasm.sh installs the target)."""
    return build_component(RUST_REGISTRY, CARGO_TARGET).read_bytes()


@pytest.fixture(scope="session")
def hostile_component() -> bytes:
    """A Rust contract that misbehaves on purpose (tests/unit/vm/rust_hostile)."""
    return build_component(RUST_HOSTILE, CARGO_TARGET).read_bytes()
