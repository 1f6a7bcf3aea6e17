"""The vault's key-encryption key on a SoftHSM2 token (ADR 0014): data keys are wrapped by an
AES key the token will not give out; another token key cannot unwrap them; erasure works the
same as with a software KEK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hsm_support import SoftHsm

from sen.sdk.pkcs11 import HsmError, generate_pkcs11_aes_key
from sen.services.vault import (
    RecordErased,
    SqliteVaultStore,
    Vault,
    VaultCryptoError,
    subject_ref,
)
from sen.services.vault.hsm import HsmKek

PEPPER = bytes(range(32))
PATIENT = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
RECORD = "Tóm tắt bệnh án: Phạm Đức Anh, viêm phổi, ra viện 02/12/2026".encode()


@pytest.fixture(scope="module")
def kek_uri(softhsm: SoftHsm) -> str:
    uri = softhsm.uri("vault-kek")
    generate_pkcs11_aes_key(uri)
    return uri


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteVaultStore]:
    opened = SqliteVaultStore(tmp_path / "vault.db", "VN")
    yield opened
    opened.close()


def test_records_round_trip_with_the_kek_on_the_token(
    kek_uri: str, store: SqliteVaultStore
) -> None:
    kek = HsmKek(kek_uri)
    vault = Vault(store, kek, PEPPER)
    stored = vault.put(PATIENT, "health/summary", RECORD)
    assert vault.get(stored.reference) == RECORD
    row = store.subject(subject_ref(PEPPER, PATIENT))
    assert row is not None and row.kek == kek.name and row.wrapped_key is not None
    assert len(row.wrapped_key) == 40  # RFC 3394: the 32-byte key plus 8


def test_another_token_key_cannot_unwrap(
    kek_uri: str, softhsm: SoftHsm, store: SqliteVaultStore
) -> None:
    stored = Vault(store, HsmKek(kek_uri), PEPPER).put(PATIENT, "health/summary", RECORD)
    other = softhsm.uri("vault-kek-other")
    generate_pkcs11_aes_key(other)
    with pytest.raises(VaultCryptoError, match="does not unwrap"):
        Vault(store, HsmKek(other), PEPPER).get(stored.reference)


def test_the_kek_stays_on_the_token(kek_uri: str, softhsm: SoftHsm) -> None:
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    token = pkcs11.lib(softhsm.module).get_token(token_label="sen-test")
    with token.open() as session:  # shares this process's login to the token
        (key,) = session.get_objects(
            {Attribute.LABEL: "vault-kek", Attribute.CLASS: ObjectClass.SECRET_KEY}
        )
        assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]
        with pytest.raises(pkcs11.PKCS11Error):
            key[Attribute.VALUE]
    with pytest.raises(HsmError, match="already exists"):
        generate_pkcs11_aes_key(kek_uri)


def test_erasure_with_the_hsm_kek(kek_uri: str, store: SqliteVaultStore) -> None:
    vault = Vault(store, HsmKek(kek_uri), PEPPER)
    stored = vault.put(PATIENT, "health/summary", RECORD)
    statement = vault.erase(PATIENT, at=1_764_700_000)
    assert statement.records == ((stored.reference, stored.commitment),)
    with pytest.raises(RecordErased):
        vault.get(stored.reference)
