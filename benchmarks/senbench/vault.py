"""The personal-data vault: writes, reads, consented reads and the access log's anchoring.

For each store — the embedded SQLite one (``synchronous=FULL``) and PostgreSQL (Debian's
server on 127.0.0.1 in a throwaway cluster, ``fsync`` on, the keyring in SQLite beside it)
— with a software KEK, records of ``payload_bytes``:

- ``writes_per_s``: ``Vault.put`` (a data key per new subject, AES-256-GCM, a salted
  commitment, one transaction; ``subjects`` subjects in turn);
- ``reads_per_s``: ``Vault.get`` (decrypt only: no consent, no log);
- ``consented_reads_per_s``: ``Vault.read`` (the consent checked over a chain state, then
  the read appended to the access log in its own transaction);
- ``seal_per_s``: access-log entries sealed into Merkle batches per second
  (``seal_access_batch`` over ``batch`` entries at a time).

``access_log_overhead`` = 1 - consented / plain reads: what the consent check and the log
cost a read. The chain state is a ledger overlay holding one consent record (the check
reads it as it would the node's committed state).
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sen.ledger.crypto import get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.modules.privacy import Consent, ConsentTerms
from sen.ledger.modules.privacy.records import add_consent
from sen.ledger.state import Overlay
from sen.services.vault import SoftwareKek, SqliteVaultStore, Vault, VaultStore
from sen.services.vault.crypto import DataKeys, KeyWrapper
from sen.services.vault.pgdev import PgCluster
from sen.services.vault.postgres import PostgresVaultStore
from senbench.conditions import machine

CONTROLLER, READER = "did:sen:benh-vien-a", "did:sen:benh-vien-b"
PURPOSE, CATEGORY = "dpv:ServiceProvision", "pd:HealthRecord"


class _Empty:
    def get(self, key: bytes) -> bytes | None:
        return None

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        return []


def _rate(count: int, action: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for i in range(count):
        action(i)
    return count / (time.perf_counter() - start)


def _measure(
    store: VaultStore,
    records: int,
    reads: int,
    batch: int,
    payload: bytes,
    keys: KeyWrapper | DataKeys | None = None,
) -> dict[str, Any]:
    kek, pepper = keys or SoftwareKek(secrets.token_bytes(32)), secrets.token_bytes(32)
    vault = Vault(store, kek, pepper, controller=CONTROLLER)
    wallet = get_suite("ed25519").generate()
    subject = "did:key:" + encode_multikey(wallet.suite, wallet.public_key)
    state = Overlay(_Empty())
    consent_id = secrets.token_bytes(16)
    terms = ConsentTerms(
        consent_id, subject, CONTROLLER, (READER,), (PURPOSE,), (CATEGORY,),
        "dpv:ExplicitlyExpressedConsent", "given", 2**40,
    )  # fmt: skip
    add_consent(state, Consent(terms, (1, 1)))
    subjects = [subject] + [f"did:key:z6Mk{i}" for i in range(1, 10)]
    references: list[bytes] = []

    def put(i: int) -> None:
        references.append(vault.put(subjects[i % len(subjects)], CATEGORY, payload).reference)

    writes = _rate(records, put)
    own = [r for i, r in enumerate(references) if i % len(subjects) == 0]
    plain = _rate(reads, lambda i: vault.get(own[i % len(own)]))

    def consented(i: int) -> None:
        vault.read(
            own[i % len(own)], consent=consent_id, reader=READER, purpose=PURPOSE,
            state=state, at=1_000,
        )  # fmt: skip

    checked = _rate(reads, consented)
    seal_seconds = _seal_time(vault, batch, consented)
    return {
        "writes_per_s": round(writes, 1),
        "reads_per_s": round(plain, 1),
        "consented_reads_per_s": round(checked, 1),
        "seal_per_s": round(batch / seal_seconds, 1),
        "access_log_overhead": round(1 - checked / plain, 3),
    }


def _seal_time(vault: Vault, batch: int, read: Callable[[int], None]) -> float:
    """Seconds to seal ``batch`` waiting entries into one batch (median of three)."""
    times = []
    for _ in range(3):
        for i in range(batch):
            read(i)
        began = time.perf_counter()
        vault.seal_access_batch()
        times.append(time.perf_counter() - began)
    return sorted(times)[1]


def run_vault(
    *, records: int = 2_000, reads: int = 2_000, batch: int = 1_000, payload_bytes: int = 2_048
) -> dict[str, Any]:
    payload = ("Tóm tắt bệnh án. " * (payload_bytes // 16 + 1)).encode()[:payload_bytes]
    result: dict[str, Any] = {
        "conditions": {
            **machine(),
            "records": records, "reads": reads, "batch": batch, "payload_bytes": payload_bytes,
            "kek": "software (RFC 3394)", "sqlite": "synchronous=FULL, WAL, secure_delete",
            "postgres": "Debian's server on 127.0.0.1, fsync on, pool of 8",
        },
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="senbench-vault-") as folder:
        sqlite = SqliteVaultStore(Path(folder) / "vault.db", "VN")
        try:
            result["sqlite"] = _measure(sqlite, records, reads, batch, payload)
        finally:
            sqlite.close()
        held = _softhsm_keys(Path(folder))
        if held is None:
            result["sqlite_hsm"] = {"skipped": "softhsm2-util not installed (make softhsm)"}
        else:
            keys, module = held
            sqlite = SqliteVaultStore(Path(folder) / "vault-hsm.db", "VN")
            try:
                result["sqlite_hsm"] = _measure(sqlite, records, reads, batch, payload, keys)
                result["conditions"]["hsm"] = f"SoftHSM2 ({module}), a key per subject"
            finally:
                sqlite.close()
        cluster = PgCluster(fsync=True)
        cluster.start()
        try:
            dsn = cluster.create_database("bench")
            postgres = PostgresVaultStore(dsn, Path(folder) / "keyring.db", "VN")
            try:
                result["postgres"] = _measure(postgres, records, reads, batch, payload)
                result["conditions"]["postgres_version"] = cluster.version()
            finally:
                postgres.close()
        finally:
            cluster.stop()
    return result


def _softhsm_keys(folder: Path) -> tuple[DataKeys, str] | None:
    """Subjects' keys on a fresh SoftHSM2 token in ``folder`` (None without SoftHSM2).
    SoftHSM reads $SOFTHSM2_CONF when a process first loads it: set before any token use."""
    util = shutil.which("softhsm2-util")
    module = next(
        (m for m in ("/usr/lib/softhsm/libsofthsm2.so",
                     *sorted(glob.glob("/usr/lib/*-linux-gnu/softhsm/libsofthsm2.so")))
         if Path(m).is_file()),
        None,
    )  # fmt: skip
    if util is None or module is None:
        return None
    tokens = folder / "tokens"
    tokens.mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [util, "--init-token", "--free", "--label", "bench", "--pin", "1234", "--so-pin",
         "56781234"], check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    from sen.services.vault.hsm import HsmDataKeys

    uri = f"pkcs11:token=bench;object=bench-vault?module-path={module}&pin-value=1234"
    return HsmDataKeys(uri), module
