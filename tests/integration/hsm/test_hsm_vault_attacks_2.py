"""An outside reviewer's attacks (issue 14) on data subjects' keys held on a PKCS#11 token
(``HsmDataKeys``, ``sen vault serve --hsm``), on SoftHSM2.

The promise under attack (ADR 0014, docs/spec/privacy.md §6.1): after an erasure, nothing
decrypts the subject's records, not even a backup of the store taken before, because the
key object on the token is destroyed.

Tests that pass show an attack refused. Each ``xfail(strict=True)`` test demonstrates a
weakness (its reason starts ``FINDING:``): it asserts what the system should do and fails
today, so the suite stays green until the weakness is fixed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hsm_support import SoftHsm

from sen.sdk.pkcs11 import HsmError, Pkcs11AesKeys, WrongPin
from sen.services.vault import (
    RecordErased,
    SqliteVaultStore,
    Vault,
    VaultCryptoError,
    VaultError,
    subject_ref,
)
from sen.services.vault.crypto import Sealed
from sen.services.vault.hsm import HANDLE_PREFIX, HsmDataKeys

PEPPER = bytes(range(32))
PATIENT = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
OTHER = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"
RECORD = "Tóm tắt bệnh án: Lê Thị Mai, HIV dương tính, điều trị ARV từ 2024".encode()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteVaultStore]:
    opened = SqliteVaultStore(tmp_path / "vault.db", "VN")
    yield opened
    opened.close()


def _prefix() -> str:
    return "atk-" + secrets.token_hex(4)  # each test its own label prefix on the shared token


def _held(store: SqliteVaultStore, subject: str) -> bytes:
    row = store.subject(subject_ref(PEPPER, subject))
    assert row is not None and row.wrapped_key is not None
    return bytes(row.wrapped_key)


def _sealed(store: SqliteVaultStore, reference: bytes) -> tuple[bytes, Sealed]:
    row = store.record(reference)
    assert row is not None and row.nonce is not None and row.ciphertext is not None
    return row.subject, Sealed(row.nonce, row.ciphertext)


def _session(softhsm: SoftHsm) -> Any:
    """A session on the shared token (it shares this process's login)."""
    import pkcs11

    return pkcs11.lib(softhsm.module).get_token(token_label="sen-test").open(rw=True)


# --- what holds ------------------------------------------------------------------------


def test_another_vault_on_the_same_token_cannot_open_or_destroy_the_keys(
    softhsm: SoftHsm, store: SqliteVaultStore, tmp_path: Path
) -> None:
    """Hospital B's vault shares the HSM (another label prefix). Given a copy of A's store
    (handles and ciphertexts), it opens nothing and its keys never reach A's."""
    a_prefix, b_prefix = _prefix(), _prefix()
    vault_a = Vault(store, HsmDataKeys(softhsm.uri(a_prefix)), PEPPER)
    stored = vault_a.put(PATIENT, "pd:HealthRecord", RECORD)
    copy = tmp_path / "stolen.db"
    store.backup(copy)
    stolen = SqliteVaultStore(copy, "VN")
    try:
        keys_b = HsmDataKeys(softhsm.uri(b_prefix))
        with pytest.raises(VaultCryptoError, match="0 keys"):
            Vault(stolen, keys_b, PEPPER).get(stored.reference)
        assert not keys_b.exists(_held(store, PATIENT))
    finally:
        stolen.close()
    assert vault_a.get(stored.reference) == RECORD


def test_a_key_id_cannot_be_made_twice(softhsm: SoftHsm) -> None:
    """A second key under an id already on the token is refused: no two objects answer to one
    name (which the erasure would then have to find both of)."""
    keys = Pkcs11AesKeys(softhsm.uri(_prefix()))
    key_id = secrets.token_bytes(16)
    keys.create(key_id)
    with pytest.raises(HsmError, match="already exists"):
        keys.create(key_id)
    assert keys.destroy(key_id) is True and not keys.exists(key_id)


def test_a_handle_of_the_wrong_shape_is_refused(softhsm: SoftHsm) -> None:
    keys = HsmDataKeys(softhsm.uri(_prefix()))
    held = keys.new()
    for bad in (held + b"\x00", held[:-1], b"PKCS11:" + held[7:], b"pkcs11:" + b"\x00" * 17):
        with pytest.raises(VaultCryptoError):
            keys.seal(bad, secrets.token_bytes(16), secrets.token_bytes(16), b"x")
    keys.destroy(held)


def test_two_objects_under_one_name_open_nothing(softhsm: SoftHsm, store: SqliteVaultStore) -> None:
    """Someone with the PIN plants a second key under a subject's label and id (their own,
    extractable): the token then has two keys by that name and the vault uses neither."""
    from pkcs11 import Attribute, KeyType

    prefix = _prefix()
    keys = HsmDataKeys(softhsm.uri(prefix))
    vault = Vault(store, keys, PEPPER)
    stored = vault.put(PATIENT, "pd:HealthRecord", RECORD)
    key_id = _held(store, PATIENT)[len(HANDLE_PREFIX) :]
    with _session(softhsm) as session:
        session.generate_key(
            KeyType.AES, 256, id=key_id, label=f"{prefix}/{key_id.hex()}", store=True,
            template={Attribute.SENSITIVE: False, Attribute.EXTRACTABLE: True},
        )  # fmt: skip
    # a vault that already found its key keeps that object (the planted one is never used);
    # one that looks the name up now finds two and uses neither
    fresh = Vault(store, HsmDataKeys(softhsm.uri(prefix)), PEPPER)
    with pytest.raises(VaultCryptoError, match="2 keys"):
        fresh.put(PATIENT, "pd:HealthRecord", b"sealed under the planted key?")
    with pytest.raises(VaultCryptoError, match="2 keys"):
        fresh.get(stored.reference)
    assert vault.get(stored.reference) == RECORD
    vault.erase(PATIENT, at=1_764_700_000)  # both objects by that name are destroyed
    assert not keys.exists(HANDLE_PREFIX + key_id)


def test_a_wrong_pin_never_replaces_the_login(softhsm: SoftHsm) -> None:
    """A second vault on the token with a wrong PIN is refused; it does not log the process
    out (the first vault's keys keep working)."""
    keys = HsmDataKeys(softhsm.uri(_prefix()))
    held = keys.new()
    with pytest.raises(WrongPin):
        HsmDataKeys(softhsm.uri(_prefix(), pin="0000"))
    sealed = keys.seal(held, bytes(16), bytes(16), b"still logged in")
    assert keys.unseal(held, bytes(16), bytes(16), sealed) == b"still logged in"
    keys.destroy(held)


def test_an_erased_subjects_backup_opens_nowhere(
    softhsm: SoftHsm, store: SqliteVaultStore, tmp_path: Path
) -> None:
    """The promise itself, across two subjects sharing the vault: erasing one leaves the
    other readable, and the erased one's backup opens under no vault of that token."""
    prefix = _prefix()
    keys = HsmDataKeys(softhsm.uri(prefix))
    vault = Vault(store, keys, PEPPER)
    first = vault.put(PATIENT, "pd:HealthRecord", RECORD)
    second = vault.put(OTHER, "pd:HealthRecord", b"another patient")
    backup = tmp_path / "backup.db"
    store.backup(backup)
    vault.erase(PATIENT, at=1_764_700_000)
    assert vault.get(second.reference) == b"another patient"
    with pytest.raises(RecordErased):
        vault.get(first.reference)
    old = SqliteVaultStore(backup, "VN")
    try:
        for again in (keys, HsmDataKeys(softhsm.uri(prefix))):
            with pytest.raises(VaultCryptoError):
                Vault(old, again, PEPPER).get(first.reference)
    finally:
        old.close()


# --- findings ---------------------------------------------------------------------------


def test_an_erasure_with_a_misconfigured_token_label_does_not_claim_success(
    softhsm: SoftHsm, store: SqliteVaultStore, tmp_path: Path
) -> None:
    prefix = _prefix()
    keys = HsmDataKeys(softhsm.uri(prefix))
    stored = Vault(store, keys, PEPPER).put(PATIENT, "pd:HealthRecord", RECORD)
    held = _held(store, PATIENT)
    backup = tmp_path / "backup.db"
    store.backup(backup)
    restarted = Vault(store, HsmDataKeys(softhsm.uri(_prefix())), PEPPER)  # another label
    try:
        statement = restarted.erase(PATIENT, at=1_764_700_000)
    except (VaultCryptoError, HsmError, VaultError):
        statement = None  # refused: the secure outcome (fixed: the keys' name is checked)
    old = SqliteVaultStore(backup, "VN")
    try:
        opened: bytes | None = Vault(old, keys, PEPPER).get(stored.reference)
    except VaultCryptoError:
        opened = None
    finally:
        old.close()
    if statement is not None:  # today: a statement for the chain, the key on the token, and
        assert opened is None, f"the backup still decrypts after the 'erasure': {opened!r}"
        assert not keys.exists(held), "erasure claimed, but the subject's key is on the token"


def test_an_erasure_destroys_the_erased_subjects_own_key(
    softhsm: SoftHsm, store: SqliteVaultStore
) -> None:
    keys = HsmDataKeys(softhsm.uri(_prefix()))
    vault = Vault(store, keys, PEPPER)
    mine = vault.put(PATIENT, "pd:HealthRecord", RECORD)
    theirs = vault.put(OTHER, "pd:HealthRecord", b"Q's record")
    p_key, q_key = _held(store, PATIENT), _held(store, OTHER)
    ref_p, sealed_p = _sealed(store, mine.reference)
    with store._transaction() as db:  # the intruder swaps P's handle for Q's
        db.execute(
            "UPDATE subjects SET wrapped_key = ? WHERE subject = ?",
            (q_key, subject_ref(PEPPER, PATIENT)),
        )
    refused = False
    try:
        vault.erase(PATIENT, at=1_764_700_000)
    except (VaultCryptoError, HsmError, VaultError):
        refused = True  # fixed: the held key must open the subject's records
    assert keys.exists(q_key), "erasing P destroyed Q's key"
    assert vault.get(theirs.reference) == b"Q's record"
    if refused:  # nothing erased, nothing claimed: the store must be repaired first
        assert keys.exists(p_key)
        return
    assert not keys.exists(p_key), "P's key survived P's erasure"
    with pytest.raises(VaultCryptoError):
        keys.unseal(p_key, mine.reference, ref_p, sealed_p)


def test_a_subjects_key_cannot_be_copied_to_outlive_its_erasure(
    softhsm: SoftHsm, store: SqliteVaultStore
) -> None:
    import pkcs11
    from pkcs11 import Attribute, KeyType, ObjectClass

    prefix = _prefix()
    keys = HsmDataKeys(softhsm.uri(prefix))
    vault = Vault(store, keys, PEPPER)
    stored = vault.put(PATIENT, "pd:HealthRecord", RECORD)
    key_id = _held(store, PATIENT)[len(HANDLE_PREFIX) :]
    ref, sealed = _sealed(store, stored.reference)
    copied = False
    with _session(softhsm) as session:
        [original] = session.get_objects({
            Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.KEY_TYPE: KeyType.AES,
            Attribute.ID: key_id, Attribute.LABEL: f"{prefix}/{key_id.hex()}",
        })  # fmt: skip
        try:
            original.copy({Attribute.LABEL: "kept-aside", Attribute.ID: b"kept"})
            copied = True
        except pkcs11.PKCS11Error:
            pass
    vault.erase(PATIENT, at=1_764_700_000)
    survivor = None
    with _session(softhsm) as session:
        found = list(session.get_objects({Attribute.LABEL: "kept-aside"}))
        if found:
            from pkcs11 import GCMParams, Mechanism

            from sen.services.vault.crypto import associated_data

            aad = associated_data(stored.reference, ref)
            survivor = bytes(
                found[0].decrypt(
                    sealed.ciphertext, mechanism=Mechanism.AES_GCM,
                    mechanism_param=GCMParams(sealed.nonce, aad, 128),
                )
            )  # fmt: skip
            for obj in found:
                obj.destroy()
    assert survivor is None, f"a copy of the key decrypts the erased record: {survivor!r}"
    assert not copied, "the token let the subject's key be copied"


def test_an_erasure_after_a_lost_login_does_not_claim_success(
    softhsm: SoftHsm, tmp_path: Path
) -> None:
    from hsm_support import RESTART_TOKEN

    prefix = _prefix()
    uri = softhsm.uri(prefix, token=RESTART_TOKEN)
    store = SqliteVaultStore(tmp_path / "vault.db", "VN")
    keys = HsmDataKeys(uri)
    logins = keys._keys._module.logins  # the process's one logged-in session per token
    try:
        vault = Vault(store, keys, PEPPER)
        stored = vault.put(PATIENT, "pd:HealthRecord", RECORD)
        held = _held(store, PATIENT)
        backup = tmp_path / "backup.db"
        store.backup(backup)
        [(slot, (session, _))] = [
            (slot, entry) for slot, entry in logins.items() if entry[0].token.label == RESTART_TOKEN
        ]
        session.close()  # as when an HSM restarts: the login is gone
        try:
            statement = vault.erase(PATIENT, at=1_764_700_000)
        except Exception:
            statement = None
        del logins[slot]  # log in again, as the next key opened on the token does
        again = HsmDataKeys(uri)
        old = SqliteVaultStore(backup, "VN")
        try:
            opened: bytes | None = Vault(old, again, PEPPER).get(stored.reference)
        except VaultCryptoError:
            opened = None
        finally:
            old.close()
        if statement is not None:
            assert opened is None, f"the backup decrypts after the 'erasure': {opened!r}"
            assert not again.exists(held), "erasure claimed, the key is still on the token"
    finally:
        store.close()
        entry = next((e for e in logins.values() if e[0].token.label == RESTART_TOKEN), None)
        if entry is None:  # leave the token logged in for the tests after this one
            Pkcs11AesKeys(uri)
