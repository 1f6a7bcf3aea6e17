"""Fixtures shared by every tier: the contract runtime, built once per machine and sources."""

from __future__ import annotations

import pytest

from sen.vm import Runtime
from sen.vm.build import cached_runtime, user_cache

RUNTIME_CACHE = user_cache()  # the one `sen node init --contracts` uses: one build per machine


@pytest.fixture(scope="session")
def contract_runtime() -> Runtime:
    """The contract runtime component, compiled (about 20 s the first time on a machine)."""
    path = cached_runtime(RUNTIME_CACHE)
    return Runtime(path, cache_dir=RUNTIME_CACHE / "compiled")
