"""The auditor's sweep: no personal data on the privacy tests' chain — in any transaction's
arguments, any event, or any state value — while the vault beside it holds a patient's
record with a name, a birth date and a citizen ID. And the sweep finds what is there."""

from __future__ import annotations

import secrets
from pathlib import Path

from privacy_chain import HOSPITAL_A, PrivacyChain, did_key, digest

from sen.ledger.pii import scan_chain
from sen.sdk.privacy import new_request_id
from sen.services.vault.crypto import SoftwareKek
from sen.services.vault.store import SqliteVaultStore
from sen.services.vault.vault import Vault

RECORD = "Nguyễn Thị Hằng, sinh 12/03/1984, CCCD 001184012345, ĐT 0912 345 678: tăng huyết áp"


def _sweep(chain: PrivacyChain) -> list[object]:
    blocks = list(enumerate(chain.blocks, start=1))
    results = [(h, list(chain.store.load_results(h) or [])) for h in range(1, chain.height + 1)]
    return list(scan_chain(blocks, results, chain.store.scan(b"", b"\xff" * 8, 1_000_000)))


def test_the_whole_flow_leaves_no_personal_data_on_chain(
    chain: PrivacyChain, tmp_path: Path
) -> None:
    store = SqliteVaultStore(tmp_path / "vault.db", "VN")
    try:
        vault = Vault(store, SoftwareKek(bytes(32)), b"p" * 32, controller=HOSPITAL_A)
        patient = did_key(chain.patient)
        vault.put(patient, "pd:HealthRecord", RECORD.encode())
        consent = chain.consent()
        request = new_request_id(patient, HOSPITAL_A)
        filed = {"id": request, "controller": HOSPITAL_A, "subject": patient, "kind": "deletion"}
        chain.ok(chain.patient, "privacy", "file_request", filed)
        chain.ok(chain.patient, "privacy", "withdraw_consent", {"consent": consent})
        statement = vault.erase(patient, at=chain.next_time())
        chain.ok(chain.hospital_a, "privacy", "record_erasure",
                 statement.erasure_args(HOSPITAL_A, request))  # fmt: skip
        breach = {
            "id": secrets.token_bytes(16), "controller": HOSPITAL_A, "detected": chain.times[-1],
            "categories": ["pd:HealthRecord"], "subjects": 1, "digest": digest("dossier"),
        }  # fmt: skip
        chain.ok(chain.hospital_a, "privacy", "report_breach", breach)
    finally:
        store.close()
    assert chain.height > 5
    assert _sweep(chain) == []


def test_the_sweep_finds_personal_data_where_it_is(chain: PrivacyChain) -> None:
    """A control: on a chain that is not declared PII-free, a writer anchors a digest titled
    with a citizen ID; the sweep names that transaction, its event and nothing else."""
    args = {"digest": digest("x"), "title": "Hồ sơ CCCD 079201001234", "reference": "HS-1"}
    chain.ok(chain.writer, "evidence", "anchor", args)
    found = _sweep(chain)
    assert [(f.height, f.where, f.finding.field) for f in found] == [  # type: ignore[attr-defined]
        (chain.height, "tx 0 args", "args.title")
    ]
    assert found[0].finding.kind == "a citizen ID number (CCCD)"  # type: ignore[attr-defined]
