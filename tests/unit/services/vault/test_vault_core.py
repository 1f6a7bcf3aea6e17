"""The vault's first slice (ADR 0014): records encrypted per subject, salted commitments that
open for an auditor and for nobody else, erasure that leaves nothing to decrypt or open, and
a store that keeps no erased byte in its files."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.services.vault import (
    RecordErased,
    SoftwareKek,
    SqliteVaultStore,
    UnknownRecord,
    Vault,
    VaultCryptoError,
    VaultError,
    VaultStoreError,
    opens,
    subject_ref,
)
from sen.services.vault.crypto import Sealed, commitment, new_key, seal, unseal

PEPPER = bytes(range(32))
KEK = bytes(range(32, 64))
PATIENT = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
SUMMARY = "Bệnh nhân Nguyễn Thị Hằng, sinh 12/03/1984, CCCD 001184012345: tăng huyết áp".encode()


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    store = SqliteVaultStore(tmp_path / "vault.db", "VN/Hà Nội")
    yield Vault(store, SoftwareKek(KEK), PEPPER)
    store.close()


def test_a_record_round_trips_with_its_diacritics(vault: Vault) -> None:
    stored = vault.put(PATIENT, "health/summary", SUMMARY)
    assert vault.get(stored.reference) == SUMMARY
    assert vault.get(stored.reference).decode() == SUMMARY.decode()
    assert vault.jurisdiction == "VN/Hà Nội"


def test_the_commitment_opens_only_with_its_salt(vault: Vault) -> None:
    stored = vault.put(PATIENT, "health/summary", SUMMARY)
    opening = vault.opening(stored.reference)
    assert opens(stored.commitment, opening.salt, stored.reference, SUMMARY)
    assert not opens(stored.commitment, opening.salt, stored.reference, SUMMARY + b" ")
    assert not opens(stored.commitment, bytes(32), stored.reference, SUMMARY)
    # a guessable payload is not recognisable from the commitment: it is no plain hash
    assert stored.commitment != hashlib.sha256(SUMMARY).digest()
    again = vault.put(PATIENT, "health/summary", SUMMARY)
    assert again.commitment != stored.commitment and again.reference != stored.reference


def test_the_store_holds_no_identifier_and_no_plaintext(vault: Vault, tmp_path: Path) -> None:
    vault.put(PATIENT, "health/summary", SUMMARY)
    vault.store.close()
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("vault.db*"))
    assert PATIENT.encode() not in raw and SUMMARY not in raw and b"001184012345" not in raw
    assert subject_ref(PEPPER, PATIENT) in raw  # the pseudonymous reference only


def test_erasure_leaves_nothing_to_decrypt_or_open(vault: Vault, tmp_path: Path) -> None:
    kept = vault.put("did:key:other", "health/summary", b"another patient")
    first = vault.put(PATIENT, "health/summary", SUMMARY)
    scan = bytes(range(256)) * 80  # 20 KB: SQLite keeps it in overflow pages, freed on erasure
    second = vault.put(PATIENT, "health/scan", scan)
    row = vault.store.record(first.reference)
    key_row = vault.store.subject(subject_ref(PEPPER, PATIENT))
    assert row is not None and key_row is not None and key_row.wrapped_key is not None
    large = vault.store.record(second.reference)
    assert large is not None and large.ciphertext is not None
    secrets_before = [row.salt, row.ciphertext, key_row.wrapped_key, large.ciphertext[5000:5064]]
    statement = vault.erase(PATIENT, at=1_764_700_000)
    assert statement.subject == subject_ref(PEPPER, PATIENT) and statement.at == 1_764_700_000
    assert sorted(statement.records) == sorted(
        [(first.reference, first.commitment), (second.reference, second.commitment)]
    )
    for reference in (first.reference, second.reference):
        with pytest.raises(RecordErased, match="erased"):
            vault.get(reference)
        with pytest.raises(RecordErased):
            vault.opening(reference)
    with pytest.raises(RecordErased, match="key no longer exists"):
        vault.put(PATIENT, "health/summary", b"new")  # no new key for an erased subject
    assert vault.get(kept.reference) == b"another patient"  # others are untouched
    # repeated, it changes nothing
    assert vault.erase(PATIENT, at=1_764_800_000) == statement
    # no erased byte remains in the database file or its log, while open (a copy of a
    # running vault's files) or after closing
    for moment in ("open", "closed"):
        if moment == "closed":
            vault.store.close()
        raw = b"".join(path.read_bytes() for path in tmp_path.glob("vault.db*"))
        for secret in secrets_before:
            assert secret is not None and secret not in raw, moment


def test_refusals_name_what_was_wrong(vault: Vault) -> None:
    with pytest.raises(VaultError) as empty:
        vault.put("", "health/summary", b"x")
    assert empty.value.field == "subject"
    with pytest.raises(VaultError) as category:
        vault.put(PATIENT, "x" * 65, b"x")
    assert (category.value.field, category.value.got) == ("category", "65")
    with pytest.raises(VaultError) as large:
        vault.put(PATIENT, "c", b"x" * (1024 * 1024 + 1))
    assert large.value.field == "payload"
    with pytest.raises(UnknownRecord) as unknown:
        vault.get(bytes(16))
    assert unknown.value.got == "00" * 16
    with pytest.raises(VaultError, match="no records of this data subject"):
        vault.erase("did:key:nobody", at=1)


def test_a_moved_or_changed_ciphertext_does_not_decrypt() -> None:
    key = new_key()
    sealed = seal(key, b"ref-a", b"subject", b"payload")
    assert unseal(key, b"ref-a", b"subject", sealed) == b"payload"
    with pytest.raises(VaultCryptoError):
        unseal(key, b"ref-b", b"subject", sealed)  # moved to another record
    with pytest.raises(VaultCryptoError):
        unseal(key, b"ref-a", b"other", sealed)  # moved to another subject
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    with pytest.raises(VaultCryptoError):
        unseal(key, b"ref-a", b"subject", Sealed(sealed.nonce, flipped))
    with pytest.raises(VaultCryptoError):
        unseal(new_key(), b"ref-a", b"subject", sealed)


def test_data_keys_unwrap_only_under_their_kek(vault: Vault, tmp_path: Path) -> None:
    stored = vault.put(PATIENT, "health/summary", SUMMARY)
    vault.store.close()
    with pytest.raises(VaultStoreError, match="jurisdiction is 'VN/Hà Nội', opened as 'VN'"):
        SqliteVaultStore(tmp_path / "vault.db", "VN")
    reopened = SqliteVaultStore(tmp_path / "vault.db", "")
    try:
        assert reopened.jurisdiction == "VN/Hà Nội"
        assert Vault(reopened, SoftwareKek(KEK), PEPPER).get(stored.reference) == SUMMARY
        with pytest.raises(VaultCryptoError, match="does not unwrap"):
            Vault(reopened, SoftwareKek(bytes(32)), PEPPER).get(stored.reference)
    finally:
        reopened.close()


def test_a_store_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    with pytest.raises(VaultStoreError, match="schema version '0'; this Sen reads 1 to 2"):
        SqliteVaultStore(path, "VN")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '3' WHERE name = 'schema_version'")
    with pytest.raises(VaultStoreError, match="schema version '3'"):
        SqliteVaultStore(path, "VN")


def test_a_version_1_store_is_migrated_when_opened_and_keeps_its_records(tmp_path: Path) -> None:
    """A store written before the access log (schema 1) opens as schema 2, records intact."""
    path = tmp_path / "v1.db"
    store = SqliteVaultStore(path, "VN")
    stored = Vault(store, SoftwareKek(KEK), PEPPER).put("did:key:z6MkA", "pd:HealthRecord", SUMMARY)
    store.close()
    with sqlite3.connect(path) as db:  # back to what schema 1 was
        db.execute("DROP TABLE access_log")
        db.execute("DROP TABLE access_batches")
        db.execute("UPDATE meta SET value = '1' WHERE name = 'schema_version'")
    reopened = SqliteVaultStore(path, "")
    try:
        with sqlite3.connect(path) as db:
            version = db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        assert version == ("2",)
        assert Vault(reopened, SoftwareKek(KEK), PEPPER).get(stored.reference) == SUMMARY
        assert reopened.log_access(b"s" * 16, lambda seq: b"entry %d" % seq) == 1
        assert reopened.jurisdiction == "VN"
    finally:
        reopened.close()


def test_commitments_are_fixed_by_their_definition() -> None:
    """A vector: anyone re-implementing the check gets the same bytes (ADR 0014)."""
    salt, reference, payload = bytes(32), bytes(16), "Hằng".encode()
    import hmac

    expected = hmac.new(
        salt, b"sen/vault/commitment/v1\x00" + b"\x00\x10" + reference + payload, hashlib.sha256
    ).digest()
    assert commitment(salt, reference, payload) == expected
    assert expected.hex() == commitment(salt, reference, payload).hex()


def test_a_backup_taken_before_an_erasure_does_not_bring_the_subject_back(
    vault: Vault, tmp_path: Path
) -> None:
    erased = vault.put(PATIENT, "health/summary", SUMMARY)
    kept = vault.put("did:key:other", "health/summary", b"another patient")
    row = vault.store.record(erased.reference)
    key_row = vault.store.subject(subject_ref(PEPPER, PATIENT))
    assert row is not None and key_row is not None
    secrets = [row.salt, row.ciphertext, key_row.wrapped_key]
    vault.store.backup(tmp_path / "before.db")
    with pytest.raises(VaultStoreError, match="exists"):
        vault.store.backup(tmp_path / "before.db")
    vault.erase(PATIENT, at=1_764_700_000)
    journal = vault.store.erased_subjects()
    assert journal == [subject_ref(PEPPER, PATIENT)]
    # without the journal, the old backup would still open the erased record: hence restore
    # takes it, and replays it before anything reads the store
    stale = SqliteVaultStore(tmp_path / "before.db", "")
    assert Vault(stale, SoftwareKek(KEK), PEPPER).get(erased.reference) == SUMMARY
    stale.close()
    restored = SqliteVaultStore.restore(
        tmp_path / "before.db", tmp_path / "restored.db", journal, at=1_764_800_000
    )
    try:
        again = Vault(restored, SoftwareKek(KEK), PEPPER)
        with pytest.raises(RecordErased):
            again.get(erased.reference)
        assert again.get(kept.reference) == b"another patient"
        assert restored.jurisdiction == "VN/Hà Nội"
    finally:
        restored.close()
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("restored.db*"))
    for secret in secrets:
        assert secret is not None and secret not in raw
    assert erased.commitment in raw  # the tombstone stays


def test_a_backup_of_a_live_vault_holds_no_erased_byte(vault: Vault, tmp_path: Path) -> None:
    stored = vault.put(PATIENT, "health/scan", bytes(range(256)) * 80)
    row = vault.store.record(stored.reference)
    assert row is not None and row.ciphertext is not None and row.salt is not None
    vault.erase(PATIENT, at=1)
    vault.store.backup(tmp_path / "after.db")
    raw = (tmp_path / "after.db").read_bytes()
    assert row.ciphertext[1000:1064] not in raw and row.salt not in raw
