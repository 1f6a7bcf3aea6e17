"""A chain with personal-data records, for the console's privacy pages.

(Not ``privacy_chain.py``: ``tests/unit/ledger/privacy`` has a module of that name, and test
helper modules are imported by their bare names.)

``write_home`` makes a one-validator home. ``first_days`` runs, over HTTP through the SDK,
the health-records exchange of the guide (``sen.services.vault.demo.run``: consent, a read,
the anchored access log, withdrawal, a deletion request and its erasure), then, as the same
hospital and patient, records a second consent (given) and a refused one, and files three
requests: an access request left alone, an objection acknowledged and never answered, and a
correction answered only later. The node is then restarted with its clock moved on
``SHIFT`` seconds (``shifted_clock/sitecustomize.py``), past those requests' 72 hours, and
``days_later`` goes on: the correction answered late, an access request answered at once
(on time), a portability request left open within its clock, a breach reported late and one
on time, three impact-assessment dossiers (accepted, returned, returned then amended), and
hospital B reading the patient's record five times through a vault of hospital A's: three
reads sealed in a batch anchored on chain, one in a batch sealed but not anchored, one
waiting for its batch. The patient then asks the vault's own service (in process, over
HTTP) who read its data, with a presentation signed by its did:key: that answer is the file
the subject's page checks.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from sen.ledger.crypto import SigningKey, get_suite
from sen.node.node import init_home
from sen.sdk import Client, address
from sen.sdk.models import TxInfo
from sen.sdk.privacy import (
    ChainState,
    consent_terms,
    latest_block_time,
    new_request_id,
    sign_consent,
)
from sen.services.vault import SoftwareKek, SqliteVaultStore, Vault
from sen.services.vault.demo import SUMMARY, TREATMENT, Trail, run
from sen.services.vault.service import create_vault_app
from sen.vc import sign_presentation

CHAIN_ID = "sen-du-lieu-ca-nhan"
HOUR = 3600
DAY = 24 * HOUR
SHIFT = 75 * HOUR  # past a 72-hour clock by three hours
SHIFT_ENV = "SEN_TEST_CLOCK_SHIFT"
SHIFTED_CLOCK = Path(__file__).resolve().parent / "shifted_clock"
RESEARCH = "dpv:ResearchAndDevelopment"
VAULT_DOMAIN = "kho.benh-vien-a.example"
VAULT_TOKEN = "t" * 40
RECORD = "Tóm tắt bệnh án: tái khám sau viêm phổi, phổi sạch."


class KeyKeeper(Client):
    """A client that remembers the key each action was last sent with. The demo makes its
    keys fresh and keeps them to itself; the fixture acts on as the same hospital and
    patient."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.senders: dict[tuple[str, str], SigningKey] = {}

    def send(
        self,
        key: SigningKey,
        module: str,
        action: str,
        args: Mapping[str, Any],
        *,
        wait: bool = True,
        timeout: float = 30.0,
    ) -> TxInfo:
        self.senders[(module, action)] = key
        return super().send(key, module, action, args, wait=wait, timeout=timeout)


@dataclass
class HealthRecords:
    url: str = ""
    trail: Trail = field(default_factory=Trail)
    hospital_key: SigningKey | None = None
    patient_key: SigningKey | None = None
    auditor: str = ""  # the reviewer's address
    withdrawn_consent: str = ""  # the demo's
    given_consent: str = ""
    refused_consent: str = ""
    deletion_request: str = ""  # the demo's, closed by the erasure
    overdue_access: str = ""
    overdue_objection: str = ""  # acknowledged, never answered
    late_correction: str = ""
    timely_access: str = ""  # answered nothing_held at once
    open_portability: str = ""
    late_breach: str = ""
    timely_breach: str = ""
    accepted_dossier: str = ""
    returned_dossier: str = ""
    amended_dossier: str = ""
    amended_digest: str = ""  # the amended dossier's digest, awaiting review
    anchored_root: str = ""
    anchored_height: int = 0
    unanchored_root: str = ""
    who_read: dict[str, Any] = field(default_factory=dict)

    @property
    def hospital_a(self) -> str:
        return self.trail.hospital_a

    @property
    def hospital_b(self) -> str:
        return self.trail.hospital_b

    @property
    def patient(self) -> str:
        return self.trail.patient

    def client(self) -> Client:
        return Client.http(self.url)


def write_home(home: Path, port: int) -> None:
    init_home(home, chain_id=CHAIN_ID, port=port, block_interval=0.1)


def first_days(url: str, folder: Path) -> HealthRecords:
    """The exchange and what the next 72 hours will overtake (see the module's docstring)."""
    chain = HealthRecords(url=url)
    client = KeyKeeper.http(url)
    assert isinstance(client, KeyKeeper)
    with client:
        chain.trail = run(client, folder / "demo", say=lambda _: None)
        hospital = client.senders[("privacy", "record_erasure")]
        patient = client.senders[("privacy", "withdraw_consent")]
        chain.hospital_key, chain.patient_key = hospital, patient
        chain.withdrawn_consent = chain.trail.consent
        (deletion,) = client.get(f"/v1/privacy/controllers/{chain.hospital_a}/requests")["requests"]
        chain.deletion_request = deletion["id"]
        chain.given_consent = _consent(client, chain, [chain.hospital_b], [TREATMENT])
        chain.refused_consent = _consent(client, chain, [], [RESEARCH], refuse=True)
        chain.overdue_access = _file(client, chain, "access")
        chain.overdue_objection = _file(client, chain, "objection")
        acknowledged = {"request": _id(chain.overdue_objection)}
        client.send(hospital, "privacy", "acknowledge_request", acknowledged)
        chain.late_correction = _file(client, chain, "correction")
    return chain


def days_later(chain: HealthRecords, folder: Path) -> HealthRecords:
    """After the clock moved on: late and timely answers, breaches, dossiers, the vault."""
    assert chain.hospital_key is not None
    hospital = chain.hospital_key
    with Client.http(chain.url) as client:
        _answer(client, chain, chain.late_correction, "fulfilled")
        chain.timely_access = _file(client, chain, "access")
        _answer(client, chain, chain.timely_access, "nothing_held")
        chain.open_portability = _file(client, chain, "portability")
        now = latest_block_time(client)
        chain.late_breach = _breach(client, chain, now - 4 * DAY, 12)
        chain.timely_breach = _breach(client, chain, now - 2 * HOUR, 1)
        auditor = get_suite("ed25519").generate()
        chain.auditor = address(auditor)
        chain.accepted_dossier, digest = _dossier(client, chain, "processing")
        _review(client, auditor, chain, chain.accepted_dossier, "accepted", digest)
        chain.returned_dossier, digest = _dossier(client, chain, "processing")
        _review(client, auditor, chain, chain.returned_dossier, "returned", digest)
        chain.amended_dossier, digest = _dossier(client, chain, "cross_border")
        _review(client, auditor, chain, chain.amended_dossier, "returned", digest)
        _, amended = _dossier(client, chain, "cross_border", chain.amended_dossier)
        chain.amended_digest = amended.hex()
        _read_through_the_vault(client, hospital, chain, folder)
    return chain


def _read_through_the_vault(
    client: Client, hospital: SigningKey, chain: HealthRecords, folder: Path
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    store = SqliteVaultStore(folder / "kho-a.db", "VN-HN")
    try:
        vault = Vault(
            store, SoftwareKek(secrets.token_bytes(32)), secrets.token_bytes(32),
            controller=chain.hospital_a,
        )  # fmt: skip
        stored = vault.put(chain.patient, SUMMARY, RECORD.encode())

        def read() -> None:
            vault.read(
                stored.reference, consent=chain.given_consent, reader=chain.hospital_b,
                purpose=TREATMENT, state=ChainState(client), at=latest_block_time(client),
            )  # fmt: skip

        for _ in range(3):
            read()
        anchored = vault.seal_access_batch()
        assert anchored is not None
        sent = client.send(hospital, "evidence", "anchor", {
            "digest": anchored.root, "reference": f"vault-access-log/{anchored.number}",
        })  # fmt: skip
        vault.mark_anchored(anchored.number, sent.height or 0)
        chain.anchored_root, chain.anchored_height = anchored.root.hex(), sent.height or 0
        read()
        unanchored = vault.seal_access_batch()
        assert unanchored is not None
        chain.unanchored_root = unanchored.root.hex()
        read()  # waits for the next batch
        app = create_vault_app(
            vault, lambda: Client.http(chain.url), token=VAULT_TOKEN, domain=VAULT_DOMAIN
        )
        with TestClient(app) as http:
            chain.who_read = _ask_who_read(http, chain)
    finally:
        store.close()


def _ask_who_read(http: TestClient, chain: HealthRecords) -> dict[str, Any]:
    """POST /vault/v1/access as the patient: its own did:key signs the presentation."""
    assert chain.patient_key is not None
    challenge = http.post("/vault/v1/challenges").json()["challenge"]
    method = f"{chain.patient}#{chain.patient.removeprefix('did:key:')}"
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": chain.patient,
    }
    signed = sign_presentation(
        unsigned, chain.patient_key, method, "eddsa-rdfc-2022", challenge=challenge,
        domain=VAULT_DOMAIN,
    )  # fmt: skip
    answer = http.post("/vault/v1/access", json={"presentation": signed})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert [r.get("batch", {}).get("number") for r in body["reads"]] == [1, 1, 1, 2, None]
    return body


def _id(text: str) -> bytes:
    return bytes.fromhex(text)


def _consent(
    client: Client,
    chain: HealthRecords,
    recipients: list[str],
    purposes: list[str],
    *,
    refuse: bool = False,
) -> str:
    assert chain.hospital_key is not None and chain.patient_key is not None
    terms = consent_terms(
        chain.patient_key, controller=chain.hospital_a, recipients=recipients,
        purposes=purposes, categories=[SUMMARY], expires=latest_block_time(client) + 30 * DAY,
        refuse=refuse,
    )  # fmt: skip
    signed = sign_consent(chain.patient_key, client.chain_id, terms)
    client.send(chain.hospital_key, "privacy", "record_consent", signed)
    return bytes(terms["id"]).hex()


def _file(client: Client, chain: HealthRecords, kind: str) -> str:
    assert chain.patient_key is not None
    request = new_request_id(chain.patient, chain.hospital_a)
    client.send(chain.patient_key, "privacy", "file_request", {
        "id": request, "controller": chain.hospital_a, "subject": chain.patient, "kind": kind,
    })  # fmt: skip
    return request.hex()


def _answer(client: Client, chain: HealthRecords, request: str, outcome: str) -> None:
    assert chain.hospital_key is not None
    document = f'{{"tra-loi": "{outcome}", "nonce": "{secrets.token_hex(16)}"}}'
    client.send(chain.hospital_key, "privacy", "answer_request", {
        "request": _id(request), "outcome": outcome,
        "answer": hashlib.sha256(document.encode()).digest(),
    })  # fmt: skip


def _breach(client: Client, chain: HealthRecords, detected: int, subjects: int) -> str:
    assert chain.hospital_key is not None
    breach = secrets.token_bytes(16)
    client.send(chain.hospital_key, "privacy", "report_breach", {
        "id": breach, "controller": chain.hospital_a, "detected": detected,
        "categories": [SUMMARY], "subjects": subjects, "digest": secrets.token_bytes(32),
    })  # fmt: skip
    return breach.hex()


def _dossier(client: Client, chain: HealthRecords, kind: str, amend: str = "") -> tuple[str, bytes]:
    assert chain.hospital_key is not None
    dossier, digest = _id(amend) if amend else secrets.token_bytes(16), secrets.token_bytes(32)
    client.send(chain.hospital_key, "privacy", "file_assessment", {
        "id": dossier, "controller": chain.hospital_a, "kind": kind, "digest": digest,
    })  # fmt: skip
    return dossier.hex(), digest


def _review(
    client: Client,
    auditor: SigningKey,
    chain: HealthRecords,
    dossier: str,
    decision: str,
    digest: bytes,
) -> None:
    client.send(auditor, "privacy", "review_assessment", {
        "id": _id(dossier), "controller": chain.hospital_a, "decision": decision,
        "digest": digest,
    })  # fmt: skip
