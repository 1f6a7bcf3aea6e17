"""A vault process killed in the middle of an erasure (issue 14, item 4): the erasure is one
SQLite transaction, so after the kill either everything of the subject is shredded or
nothing is, and running the erasure again finishes it. The kill is placed exactly (the child
dies between the erasure's two statements), not timed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sen.services.vault import RecordErased, SoftwareKek, SqliteVaultStore, Vault, subject_ref

PEPPER = bytes(range(32))
KEK = bytes(range(32, 64))
PATIENT = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"

CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from sen.services.vault import SoftwareKek, SqliteVaultStore, Vault

    store = SqliteVaultStore(Path(sys.argv[1]), "VN")
    vault = Vault(store, SoftwareKek(bytes(range(32, 64))), bytes(range(32)))
    real = store._db.execute

    class Dying:  # the connection, until the erasure's second statement: then kill -9
        def __getattr__(self, name):
            return getattr(store_db, name)

        def execute(self, sql, *args):
            if sql.startswith("UPDATE records"):
                os._exit(137)
            return real(sql, *args)

    store_db = store._db
    store._db = Dying()
    vault.erase(sys.argv[2], at=1_764_700_000)
    sys.exit("the erasure finished: the kill did not happen")
    """
)


def test_a_kill_in_the_middle_of_an_erasure_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    store = SqliteVaultStore(path, "VN")
    vault = Vault(store, SoftwareKek(KEK), PEPPER)
    stored = vault.put(PATIENT, "health/summary", "Lê Thị Mỹ Duyên".encode())
    store.close()

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), PATIENT], capture_output=True, text=True
    )
    assert child.returncode == 137, child.stderr

    store = SqliteVaultStore(path, "VN")
    vault = Vault(store, SoftwareKek(KEK), PEPPER)
    try:
        # nothing of the half-done erasure was kept: the key and the record are whole
        assert vault.get(stored.reference) == "Lê Thị Mỹ Duyên".encode()
        subject = store.subject(subject_ref(PEPPER, PATIENT))
        assert subject is not None and subject.erased_at is None
        # running it again finishes it
        statement = vault.erase(PATIENT, at=1_764_700_100)
        assert statement.records == ((stored.reference, stored.commitment),)
        try:
            vault.get(stored.reference)
        except RecordErased:
            pass
        else:
            raise AssertionError("the record still opens after the retried erasure")
    finally:
        store.close()
