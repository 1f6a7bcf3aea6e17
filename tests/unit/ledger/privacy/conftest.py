from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "governance"))
sys.path.insert(0, str(Path(__file__).parents[1] / "trust"))
sys.path.insert(0, str(Path(__file__).parent))

from privacy_chain import HOSPITAL_A, PrivacyChain

from sen.services.vault.crypto import SoftwareKek
from sen.services.vault.store import SqliteVaultStore
from sen.services.vault.vault import Vault


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[PrivacyChain]:
    made = PrivacyChain(tmp_path / "db")
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    """Hospital A's vault (SQLite, a software KEK)."""
    store = SqliteVaultStore(tmp_path / "vault-a.db", "VN")
    try:
        pepper = b"pepper of hospital A".ljust(32, b".")
        yield Vault(store, SoftwareKek(bytes(range(32))), pepper, controller=HOSPITAL_A)
    finally:
        store.close()
