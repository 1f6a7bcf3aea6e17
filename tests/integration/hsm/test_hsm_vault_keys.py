"""Data subjects' keys held on a SoftHSM2 token (ADR 0014, ``HsmDataKeys``): records are
sealed and opened by the token, the store keeps only the key's name, an erasure destroys the
key object on the token, and a process killed (SIGKILL) in the middle of erasures leaves, for
each subject, either a record that still opens or one that nothing can decrypt, and a retry
finishes every erasure."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hsm_support import SoftHsm

from sen.sdk.pkcs11 import Pkcs11AesKeys
from sen.services.vault import (
    RecordErased,
    SoftwareKek,
    SqliteVaultStore,
    Vault,
    VaultCryptoError,
    subject_ref,
)
from sen.services.vault.hsm import HANDLE_PREFIX, HsmDataKeys

PEPPER = bytes(range(32))
PATIENT = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
RECORD = "Tóm tắt bệnh án: Phạm Đức Anh, viêm phổi, ra viện 02/12/2026".encode()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteVaultStore]:
    opened = SqliteVaultStore(tmp_path / "vault.db", "VN")
    yield opened
    opened.close()


def _token_key(softhsm: SoftHsm, prefix: str, held: bytes) -> list[dict[str, bool]]:
    """The key objects on the token named by ``held``, with their protection flags."""
    import pkcs11
    from pkcs11 import Attribute

    key_id = held[len(HANDLE_PREFIX) :]
    token = pkcs11.lib(softhsm.module).get_token(token_label="sen-test")
    with token.open() as session:  # shares this process's login to the token
        found = session.get_objects(
            {Attribute.ID: key_id, Attribute.LABEL: f"{prefix}/{key_id.hex()}"}
        )
        return [
            {
                "sensitive": bool(key[Attribute.SENSITIVE]),
                "extractable": bool(key[Attribute.EXTRACTABLE]),
                "wrap": bool(key[Attribute.WRAP]),
            }
            for key in found
        ]


def test_records_are_sealed_by_the_subjects_key_on_the_token(
    softhsm: SoftHsm, store: SqliteVaultStore
) -> None:
    keys = HsmDataKeys(softhsm.uri("vault-a"))
    vault = Vault(store, keys, PEPPER)
    first = vault.put(PATIENT, "health/summary", RECORD)
    second = vault.put(PATIENT, "health/allergies", "Dị ứng: penicillin".encode())
    assert vault.get(first.reference) == RECORD
    assert vault.get(second.reference).decode() == "Dị ứng: penicillin"
    row = store.subject(subject_ref(PEPPER, PATIENT))
    assert row is not None and row.kek == "pkcs11:sen-test/vault-a"
    assert row.wrapped_key is not None and row.wrapped_key.startswith(HANDLE_PREFIX)
    assert len(row.wrapped_key) == len(HANDLE_PREFIX) + 16  # a name, no key material
    [key] = _token_key(softhsm, "vault-a", row.wrapped_key)
    assert key == {"sensitive": True, "extractable": False, "wrap": False}


def test_a_ciphertext_moved_to_another_record_does_not_open(
    softhsm: SoftHsm, store: SqliteVaultStore
) -> None:
    vault = Vault(store, HsmDataKeys(softhsm.uri("vault-b")), PEPPER)
    first = vault.put(PATIENT, "health/summary", RECORD)
    second = vault.put(PATIENT, "health/summary", b"another")
    moved = store.record(first.reference)
    assert moved is not None
    with store._transaction() as db:  # an intruder swaps the two ciphertexts
        db.execute(
            "UPDATE records SET nonce = ?, ciphertext = ? WHERE reference = ?",
            (moved.nonce, moved.ciphertext, second.reference),
        )
    with pytest.raises(VaultCryptoError, match="does not decrypt"):
        vault.get(second.reference)


def test_erasure_destroys_the_key_on_the_token(
    softhsm: SoftHsm, store: SqliteVaultStore, tmp_path: Path
) -> None:
    keys = HsmDataKeys(softhsm.uri("vault-c"))
    vault = Vault(store, keys, PEPPER)
    stored = vault.put(PATIENT, "health/summary", RECORD)
    backup = tmp_path / "backup.db"
    store.backup(backup)  # taken before the erasure, with the ciphertext and the key's name
    held = store.subject(subject_ref(PEPPER, PATIENT))
    assert held is not None and held.wrapped_key is not None
    statement = vault.erase(PATIENT, at=1_764_700_000)
    assert statement.records == ((stored.reference, stored.commitment),)
    assert _token_key(softhsm, "vault-c", held.wrapped_key) == []
    assert not keys.exists(held.wrapped_key)
    with pytest.raises(RecordErased):
        vault.get(stored.reference)
    assert vault.erase(PATIENT, at=1_764_800_000) == statement  # repeating changes nothing
    old = SqliteVaultStore(backup, "VN")  # the backup, restored without the erasure journal
    try:
        with pytest.raises(VaultCryptoError, match="0 keys"):
            Vault(old, keys, PEPPER).get(stored.reference)  # nothing decrypts it any more
    finally:
        old.close()


def test_a_wrapped_key_is_not_taken_for_a_token_key(
    softhsm: SoftHsm, store: SqliteVaultStore
) -> None:
    stored = Vault(store, SoftwareKek(bytes(32)), PEPPER).put(PATIENT, "health/summary", RECORD)
    with pytest.raises(VaultCryptoError, match="not held in an HSM"):
        Vault(store, HsmDataKeys(softhsm.uri("vault-d")), PEPPER).get(stored.reference)


def test_an_unusable_token_is_a_clear_error(softhsm: SoftHsm) -> None:
    from sen.sdk.pkcs11 import HsmError

    with pytest.raises(HsmError, match="no token"):
        Pkcs11AesKeys(softhsm.uri("vault-e", token="nowhere"))


ERASER = """
import sys
from pathlib import Path
from sen.services.vault import SqliteVaultStore, Vault
from sen.services.vault.hsm import HsmDataKeys

store = SqliteVaultStore(Path(sys.argv[1]), "VN")
vault = Vault(store, HsmDataKeys(sys.argv[2]), bytes(range(32)))
for n in range(int(sys.argv[3])):
    vault.erase(f"did:key:patient-{n}", at=1_764_700_000 + n)
    print(n, flush=True)
"""


def test_a_process_killed_during_erasures_leaves_nothing_half_readable(
    softhsm: SoftHsm, tmp_path: Path
) -> None:
    subjects = [f"did:key:patient-{n}" for n in range(24)]
    path = tmp_path / "vault.db"
    uri = softhsm.uri("vault-kill")
    store = SqliteVaultStore(path, "VN")
    vault = Vault(store, HsmDataKeys(uri), PEPPER)
    stored = {subject: vault.put(subject, "health/summary", RECORD) for subject in subjects}
    held = {s: store.subject(subject_ref(PEPPER, s)) for s in subjects}
    store.close()

    child = subprocess.Popen(
        [sys.executable, "-c", ERASER, str(path), uri, str(len(subjects))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip
    assert child.stdout is not None
    for _ in range(8):  # wait for eight erasures to be reported done, then kill in the ninth
        line = child.stdout.readline()
        assert line, child.stderr.read() if child.stderr else "the eraser died"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    child.stdout.close()
    if child.stderr is not None:
        child.stderr.close()

    store = SqliteVaultStore(path, "VN")
    try:
        keys = HsmDataKeys(uri)
        vault = Vault(store, keys, PEPPER)
        states = []
        for subject in subjects:
            row = held[subject]
            assert row is not None and row.wrapped_key is not None
            try:
                payload = vault.get(stored[subject].reference)
            except (RecordErased, VaultCryptoError):
                states.append("gone")  # erased, or its key destroyed with the store not yet
            else:
                assert payload == RECORD and keys.exists(row.wrapped_key)
                states.append("whole")
        # erasures ran in order: some done, at most one cut between the token and the store
        # (its key destroyed, its ciphertext still stored: it is "gone" too), the rest whole
        done = states.index("whole") if "whole" in states else len(states)
        assert done >= 8 and states[done:] == ["whole"] * (len(subjects) - done), states
        half = [
            subject for subject in subjects[:done]
            if (store.records_of(subject_ref(PEPPER, subject))[0].ciphertext is not None)
        ]  # fmt: skip
        assert len(half) <= 1 and all(subjects.index(s) == done - 1 for s in half)
        for subject in subjects:  # the retry finishes every erasure
            statement = vault.erase(subject, at=1_764_900_000)
            assert statement.records == ((stored[subject].reference, stored[subject].commitment),)
            [row_after] = store.records_of(subject_ref(PEPPER, subject))
            assert (row_after.ciphertext, row_after.salt) == (None, None)
            old = held[subject]
            assert old is not None and old.wrapped_key is not None
            assert not keys.exists(old.wrapped_key)
    finally:
        store.close()
