"""The health-records exchange, end to end, against a running node: ``python -m
sen.services.vault.demo --node http://127.0.0.1:26680`` (``docs/guides/personal-data.md``).

Hospital A keeps a patient's record summary in its vault. The patient (a pairwise did:key)
consents to hospital B reading it for treatment for 30 days; hospital A records the consent.
B's read is checked against the chain's consent (read with state proofs over the REST API)
and logged; the access log's batch root is anchored; the patient asks who read its data and
gets proofs. The patient withdraws and B's next read is refused; the patient asks for
deletion, the vault crypto-shreds the record and the tombstone closes the request; the
erasure receipt's state proof is checked. Every key is made fresh for the run; the two
hospitals' DIDs are created on the chain (an open chain, as ``make run`` makes). Nothing is
left on this machine but a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.light.privacy_receipt import verify_privacy_receipt
from sen.sdk.client import Client
from sen.sdk.privacy import (
    ChainState,
    consent_terms,
    did_key,
    latest_block_time,
    new_request_id,
    privacy_receipt,
    sign_consent,
)
from sen.sdk.receipts import read_genesis
from sen.services.vault.crypto import DataKeys, KeyWrapper, SoftwareKek
from sen.services.vault.store import SqliteVaultStore, VaultStore
from sen.services.vault.vault import ConsentMissing, ProvenAccess, RecordErased, Vault

TREATMENT, SUMMARY = "dpv:ServiceProvision", "pd:HealthRecord"
DAY = 24 * 3600
RECORD = "Bệnh nhân: Nguyễn Thị Hồng Nhung — viêm phổi, đã điều trị kháng sinh 7 ngày."


@dataclass
class Trail:
    """What the run did, for the reader and for the test that runs it."""

    hospital_a: str = ""
    hospital_b: str = ""
    patient: str = ""
    consent: str = ""
    read: str = ""
    proven_reads: int = 0
    refused_after_withdrawal: str = ""
    erasure_receipt_height: int = 0
    steps: list[str] = field(default_factory=list)


def _create_did(client: Client, key: SigningKey, name: str) -> str:
    method = encode_multikey(key.suite, key.public_key)
    document = {
        "name": name,
        "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
        "relationships": {"assertionMethod": ["key-1"]},
    }
    client.send(key, "identity", "create", document)
    return f"did:sen:{name}"


def run(
    client: Client,
    folder: Path,
    say: Callable[[str], None] = print,
    *,
    store: VaultStore | None = None,
    keys: KeyWrapper | DataKeys | None = None,
) -> Trail:
    """The exchange against ``client``'s node. Hospital A's vault is an SQLite store in
    ``folder`` with a software KEK, unless ``store`` (e.g. PostgreSQL's) and ``keys`` (e.g.
    subjects' keys in an HSM) are given; a given store is left open."""
    trail = Trail()

    def step(text: str) -> None:
        trail.steps.append(text)
        say(text)

    ed25519 = get_suite("ed25519")
    key_a, key_b, patient = ed25519.generate(), ed25519.generate(), ed25519.generate()
    suffix = secrets.token_hex(3)
    trail.hospital_a = _create_did(client, key_a, f"benh-vien-a-{suffix}")
    trail.hospital_b = _create_did(client, key_b, f"benh-vien-b-{suffix}")
    trail.patient = did_key(patient)

    client.send(key_a, "privacy", "declare_vault", {
        "controller": trail.hospital_a, "name": "main", "jurisdiction": "VN-HN",
    })  # fmt: skip
    step(
        f"1. hospitals {trail.hospital_a} and {trail.hospital_b}; patient {trail.patient}; "
        "hospital A's vault declared in VN-HN (Hà Nội)"
    )
    opened = store if store is not None else SqliteVaultStore(folder / "vault-a.db", "VN-HN")
    try:
        vault = Vault(
            opened, keys if keys is not None else SoftwareKek(secrets.token_bytes(32)),
            secrets.token_bytes(32), controller=trail.hospital_a,
        )  # fmt: skip
        stored = vault.put(trail.patient, SUMMARY, RECORD.encode())
        step(f"2. hospital A's vault holds the summary as record {stored.reference.hex()}")

        now = latest_block_time(client)
        terms = consent_terms(
            patient, controller=trail.hospital_a, recipients=[trail.hospital_b],
            purposes=[TREATMENT], categories=[SUMMARY], expires=now + 30 * DAY,
        )  # fmt: skip
        signed = sign_consent(patient, client.chain_id, terms)
        client.send(key_a, "privacy", "record_consent", signed)
        consent = bytes(terms["id"])
        trail.consent = consent.hex()
        step(f"3. the patient signed, hospital A recorded consent {trail.consent} (30 days)")

        def read_for_b() -> bytes:
            return vault.read(
                stored.reference, consent=consent, reader=trail.hospital_b, purpose=TREATMENT,
                state=ChainState(client), at=latest_block_time(client),
            )  # fmt: skip

        trail.read = read_for_b().decode()
        step(f"4. hospital B read it under the consent: {trail.read[:40]}...")

        batch = vault.seal_access_batch()
        assert batch is not None
        anchored = client.send(
            key_a, "evidence", "anchor",
            {"digest": batch.root, "reference": f"vault-access-log/{batch.number}"},
        )  # fmt: skip
        vault.mark_anchored(batch.number, anchored.height or 0)
        for answer in vault.who_read(trail.patient):
            if isinstance(answer, ProvenAccess):
                answer.verify()
                trail.proven_reads += 1
        step(
            f"5. who read my data: {trail.proven_reads} read(s), each proven in access-log "
            f"batch {batch.number}, anchored at block {anchored.height}"
        )

        client.send(patient, "privacy", "withdraw_consent", {"consent": consent})
        try:
            read_for_b()
        except ConsentMissing as exc:
            trail.refused_after_withdrawal = exc.problem
        step(f"6. the patient withdrew; B's next read is refused: {trail.refused_after_withdrawal}")

        request = new_request_id(trail.patient, trail.hospital_a)
        filed = {
            "id": request, "controller": trail.hospital_a, "subject": trail.patient,
            "kind": "deletion",
        }  # fmt: skip
        client.send(patient, "privacy", "file_request", filed)
        statement = vault.erase(trail.patient, at=latest_block_time(client))
        client.send(
            key_a, "privacy", "record_erasure", statement.erasure_args(trail.hospital_a, request)
        )
        try:
            vault.get(stored.reference)
        except RecordErased:
            pass
        else:
            raise AssertionError("the erased record still opens")
        path = f"/v1/privacy/erasures/{trail.hospital_a}/{statement.subject.hex()}/receipt"
        receipt = privacy_receipt(client, path)
        report = verify_privacy_receipt(receipt, read_genesis(client.genesis()))
        trail.erasure_receipt_height = int(report.record["recorded_height"])
        step(
            f"7. deletion asked and done: the key is destroyed, the tombstone is at block "
            f"{trail.erasure_receipt_height}, its receipt verified offline against the genesis "
            f"(keep it: .venv/bin/sen privacy erasure {trail.hospital_a} "
            f"{statement.subject.hex()} --save erasure.json; check it: .venv/bin/sen verify "
            "erasure.json --genesis .sen/config/genesis.json)"
        )
    finally:
        if store is None:
            opened.close()
    return trail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sen.services.vault.demo",
        description="The health-records exchange end to end against a running node.",
    )
    parser.add_argument("--node", default="http://127.0.0.1:26680", help="The node's API.")
    args = parser.parse_args(argv)
    client = Client.http(args.node)
    try:
        with tempfile.TemporaryDirectory(prefix="sen-vault-demo-") as folder:
            run(client, Path(folder))
    except Exception as exc:  # a demo: say what failed, in one line
        print(f"failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
