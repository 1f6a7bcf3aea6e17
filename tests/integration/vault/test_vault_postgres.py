"""The vault on a real PostgreSQL server (127.0.0.1, Debian's package): records round-trip,
the server never holds a key or a salt, an erasure leaves nothing that decrypts even in the
dead row versions and the log PostgreSQL keeps, a half-done erasure finishes on retry,
migrations run once, the pool serves threads, and consented reads are logged there."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import psycopg
import pytest

from sen.services.vault import (
    RecordErased,
    SoftwareKek,
    Vault,
    VaultStoreError,
    opens,
    subject_ref,
)
from sen.services.vault.pgdev import PgCluster
from sen.services.vault.postgres import PostgresVaultStore

PEPPER = bytes(range(32))
KEK = bytes(range(32, 64))
PATIENT = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
SUMMARY = "Bệnh nhân Nguyễn Thị Hằng, sinh 12/03/1984, CCCD 001184012345: tăng huyết áp".encode()


def _open(pg_dsn: str, tmp_path: Path, jurisdiction: str = "VN/Hà Nội") -> PostgresVaultStore:
    return PostgresVaultStore(pg_dsn, tmp_path / "keyring.db", jurisdiction)


def _server_bytes(cluster: PgCluster) -> bytes:
    """Every byte the server keeps on disk (tables, dead row versions, its write-ahead log),
    after a checkpoint has written what was in memory."""
    with psycopg.connect(cluster.dsn(), autocommit=True) as db:
        db.execute("CHECKPOINT")
    return b"".join(p.read_bytes() for p in cluster.data.rglob("*") if p.is_file())


def test_records_round_trip_and_survive_a_restart_of_the_store(pg_dsn: str, tmp_path: Path) -> None:
    store = _open(pg_dsn, tmp_path)
    stored = Vault(store, SoftwareKek(KEK), PEPPER).put(PATIENT, "pd:HealthRecord", SUMMARY)
    store.close()
    with pytest.raises(VaultStoreError, match="opened as 'VN'"):
        _open(pg_dsn, tmp_path, jurisdiction="VN")
    reopened = _open(pg_dsn, tmp_path, jurisdiction="")
    try:
        vault = Vault(reopened, SoftwareKek(KEK), PEPPER)
        assert vault.get(stored.reference).decode() == SUMMARY.decode()
        assert vault.jurisdiction == "VN/Hà Nội"
        opening = vault.opening(stored.reference)
        assert opens(stored.commitment, opening.salt, stored.reference, SUMMARY)
    finally:
        reopened.close()


def test_the_server_never_holds_a_key_a_salt_or_a_plaintext(
    pg_cluster: PgCluster, pg_dsn: str, tmp_path: Path
) -> None:
    store = _open(pg_dsn, tmp_path)
    try:
        vault = Vault(store, SoftwareKek(KEK), PEPPER)
        stored = vault.put(PATIENT, "pd:HealthRecord", SUMMARY)
        row = store.record(stored.reference)
        key_row = store.subject(subject_ref(PEPPER, PATIENT))
        assert row is not None and row.salt is not None and row.ciphertext is not None
        assert key_row is not None and key_row.wrapped_key is not None
        with psycopg.connect(pg_dsn) as db:
            columns = db.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'vault_records' ORDER BY ordinal_position"
            ).fetchall()
        assert [c for (c,) in columns] == [
            "reference", "subject", "category", "nonce", "ciphertext", "commitment", "erased_at",
        ]  # fmt: skip
        raw = _server_bytes(pg_cluster)
        assert row.ciphertext in raw  # it is there, encrypted
        for secret in (row.salt, key_row.wrapped_key, SUMMARY[:40], PATIENT.encode()):
            assert secret not in raw

        vault.erase(PATIENT, at=1_764_700_000)
        with pytest.raises(RecordErased):
            vault.get(stored.reference)
        with pytest.raises(RecordErased):
            vault.opening(stored.reference)
        # PostgreSQL may keep the old ciphertext (a dead row version, the log): under which key?
        # the wrapped key was never on the server, and the keyring forgot it
        keyring = b"".join(p.read_bytes() for p in tmp_path.glob("keyring.db*"))
        assert key_row.wrapped_key not in keyring and row.salt not in keyring
        assert store.subject(subject_ref(PEPPER, PATIENT)) is not None
        assert store.erased_subjects() == [subject_ref(PEPPER, PATIENT)]
        [erased] = store.records_of(subject_ref(PEPPER, PATIENT))
        assert (erased.ciphertext, erased.nonce, erased.salt) == (None, None, None)
        assert erased.commitment == stored.commitment and erased.erased_at == 1_764_700_000
    finally:
        store.close()


def test_an_erasure_stopped_after_the_keyring_finishes_on_retry(
    pg_dsn: str, tmp_path: Path
) -> None:
    store = _open(pg_dsn, tmp_path)
    vault = Vault(store, SoftwareKek(KEK), PEPPER)
    stored = vault.put(PATIENT, "pd:HealthRecord", SUMMARY)
    ref = subject_ref(PEPPER, PATIENT)
    store.keyring.erase_subject(ref, 1_764_700_000)  # the first step, then the process dies
    store.close()
    reopened = _open(pg_dsn, tmp_path)
    try:
        again = Vault(reopened, SoftwareKek(KEK), PEPPER)
        half = reopened.record(stored.reference)
        assert half is not None and half.ciphertext is not None and half.salt is None
        with pytest.raises(RecordErased):  # the key is gone: nothing decrypts already
            again.get(stored.reference)
        statement = again.erase(PATIENT, at=1_764_800_000)
        assert statement.at == 1_764_700_000  # the erasure's time is the first step's
        [row] = reopened.records_of(ref)
        assert row.ciphertext is None and row.erased_at == 1_764_700_000
    finally:
        reopened.close()


def test_migrations_run_once_and_a_newer_schema_is_refused(pg_dsn: str, tmp_path: Path) -> None:
    opened: list[PostgresVaultStore] = []
    errors: list[BaseException] = []

    def open_one(n: int) -> None:
        try:
            opened.append(PostgresVaultStore(pg_dsn, tmp_path / f"k{n}.db", "VN"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in opened:
        store.close()
    assert errors == [] and len(opened) == 4
    with psycopg.connect(pg_dsn, autocommit=True) as db:
        assert db.execute(
            "SELECT value FROM vault_meta WHERE name = 'schema_version'"
        ).fetchone() == ("1",)
        db.execute("UPDATE vault_meta SET value = '9' WHERE name = 'schema_version'")
    with pytest.raises(VaultStoreError, match="schema version '9'"):
        _open(pg_dsn, tmp_path)


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    dsn = "host=127.0.0.1 port=1 user=sen password=hunter2 dbname=vault connect_timeout=2"
    with pytest.raises(VaultStoreError) as caught:
        PostgresVaultStore(dsn, tmp_path / "k.db", "VN")
    assert "127.0.0.1:1/vault" in str(caught.value) and "hunter2" not in str(caught.value)


def test_the_pool_serves_many_threads(pg_dsn: str, tmp_path: Path) -> None:
    store = _open(pg_dsn, tmp_path)
    vault = Vault(store, SoftwareKek(KEK), PEPPER)
    found: dict[int, bool] = {}

    def work(n: int) -> None:
        payload = f"Hồ sơ {n}: Trần Văn Đức".encode()
        stored = vault.put(f"did:key:z6Mk{n}", "pd:HealthRecord", payload)
        found[n] = vault.get(stored.reference) == payload

    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert found == {n: True for n in range(16)}
    finally:
        store.close()


def test_consented_reads_are_logged_on_postgres(pg_dsn: str, tmp_path: Path) -> None:
    privacy = Path(__file__).parents[2] / "unit" / "ledger"
    for folder in ("governance", "trust", "privacy"):
        sys.path.insert(0, str(privacy / folder))
    from privacy_chain import HOSPITAL_A, HOSPITAL_B, TREATMENT, PrivacyChain, did_key
    from privacy_chain import SUMMARY as CATEGORY

    chain = PrivacyChain(tmp_path / "chain")
    store = _open(pg_dsn, tmp_path)
    try:
        vault = Vault(store, SoftwareKek(KEK), PEPPER, controller=HOSPITAL_A)
        patient = did_key(chain.patient)
        stored = vault.put(patient, CATEGORY, SUMMARY)
        consent = chain.consent()
        asked = {"reader": HOSPITAL_B, "purpose": TREATMENT}
        read = vault.read(stored.reference, consent=consent, state=chain.store,
                          at=chain.times[-1], **asked)  # fmt: skip
        assert read == SUMMARY
        batch = vault.seal_access_batch()
        assert batch is not None and batch.number == 1
        [answer] = vault.who_read(patient)
        answer.verify()  # type: ignore[union-attr]
    finally:
        store.close()
        chain.close()
