"""OCOP star ratings and VietGAP certificates on a product's page: verifiable credentials of
an authority the Ministry accredited, attached by the producer, verified at every view, a
revocation on chain shown on the very next one; and what the book refuses at upload."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from trace_world import COOPERATIVE, World, document, harvest

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import SigningKey
from sen.ledger.modules.identity import encode_multikey
from sen.ledger.modules.status import encode_list
from sen.sdk.errors import Unreachable
from sen.services.credentials.remote import Fetch, NodeAnswer, node_fetch
from sen.services.credentials.verification import status_list_url
from sen.services.traceability.catalog import Catalog
from sen.services.traceability.certificates import (
    CertificateBook,
    NodeSources,
    add_certificates,
    certified_key,
    chain_verifier,
)
from sen.services.traceability.errors import UnknownEvent
from sen.services.traceability.resolver import add_resolver
from sen.vc import sign_credential

PUBLIC = "https://xoai.example.vn"
LOT_PATH = "01/18935678012347/10/L2026-06"
GTIN_URI = "https://id.gs1.org/01/18935678012347"
FARM_URI = (
    "https://id.gs1.org/414/8935678000019"  # the world's FARM, urn:epc:id:sgln:8935678.00001.0
)
OTHER_GTIN_URI = "https://id.gs1.org/01/18935678099997"
MINISTRY = "did:sen:bo-nn-mt"
CERTIFIER = "did:sen:so-nn-son-la"
LIST = "chung-nhan-2026"
TYPES = ["OCOPCertificate", "VietGAPCertificate"]
CERTIFICATION = "https://sen.gov.vn/contexts/certification/v1"


@dataclass
class Certifier:
    world: World
    book: CertificateBook
    fetch: Fetch
    issued: int = 0

    def credential(
        self, subject: dict[str, Any], kind: str, *, issuer: str = CERTIFIER,
        valid_from: str = "2026-06-01T00:00:00+07:00",
    ) -> dict[str, Any]:  # fmt: skip
        """A certificate of ``kind`` about ``subject``, signed by ``issuer``'s key-1, with an
        entry of its own in the certifier's revocation list."""
        self.issued += 1
        index = str(self.issued * 7)
        status = {
            "id": f"{status_list_url('https://so-nn.sonla.gov.vn', issuer, LIST)}#{index}",
            "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": index,
            "statusListCredential": status_list_url("https://so-nn.sonla.gov.vn", issuer, LIST),
        }  # fmt: skip
        unsigned = {
            "@context": ["https://www.w3.org/ns/credentials/v2", CERTIFICATION],
            "id": f"urn:uuid:00000000-0000-4000-8000-{self.issued:012d}",
            "type": ["VerifiableCredential", kind],
            "issuer": {"id": issuer, "name": "Sở Nông nghiệp và Môi trường Sơn La"},
            "name": kind,
            "validFrom": valid_from,
            "validUntil": "2029-06-01T00:00:00+07:00",
            "credentialSubject": subject,
            "credentialStatus": status,
        }
        key = self.world.keys["cooperative" if issuer == COOPERATIVE else "packer"]
        return sign_credential(unsigned, key, f"{issuer}#key-1", "eddsa-rdfc-2022")

    def upload(self, credential: Any) -> Any:
        return self.world.api.post(
            "/trace/v1/certificates", json=credential, headers=self.world.auth
        )

    def revoke(self, credential: dict[str, Any]) -> None:
        index = int(credential["credentialStatus"]["statusListIndex"])
        _send(self.world, "packer", "status", "update",
              {"list": LIST, "issuer": CERTIFIER, "set": [index]})  # fmt: skip


def _send(world: World, who: str, module: str, action: str, args: dict[str, Any]) -> None:
    info = world.sdk.send(world.keys[who], module, action, args)
    assert info.result is not None and info.result.ok, info.result


def _create_did(world: World, who: str, did: str) -> None:
    key: SigningKey = world.keys[who]
    _send(world, who, "identity", "create", {
        "name": did.removeprefix("did:sen:"),
        "verification_methods": [
            {"id": "key-1", "public_key_multibase": encode_multikey(key.suite, key.public_key)}
        ],
        "relationships": {"assertionMethod": ["key-1"]},
    })  # fmt: skip


def _make_authority(world: World) -> None:
    """The Ministry's DID becomes a trust root by governance and accredits the province's
    department (the packer's key stands in for both officers: it has the issuer role that
    accrediting and keeping status lists need), which keeps a revocation list."""
    _create_did(world, "packer", MINISTRY)
    _create_did(world, "packer", CERTIFIER)
    roots = {"kind": "set_trust_roots", "payload": {"roots": [MINISTRY]}}
    proposed = world.sdk.send(world.keys["admin"], "governance", "propose", roots)
    proposal = int(proposed.result.data, 16)
    voted = world.sdk.send(
        world.keys["admin"], "governance", "vote", {"proposal": proposal, "choice": "yes"}
    )
    assert bytes.fromhex(voted.result.data) == b"passed", voted.result.log
    _send(world, "packer", "trust", "accredit",
          {"accreditor": MINISTRY, "issuer": CERTIFIER, "credential_types": TYPES})  # fmt: skip
    _send(world, "packer", "status", "create_list",
          {"list": LIST, "issuer": CERTIFIER, "purpose": "revocation"})  # fmt: skip


@pytest.fixture
def certifier(world: World, tmp_path: Path) -> Iterator[Certifier]:
    _make_authority(world)
    node = in_process_client(world.node)
    fetch = node_fetch(node)
    verify = chain_verifier(lambda: NodeSources(fetch))
    catalog = Catalog(tmp_path / "catalog.db")
    book = CertificateBook(tmp_path / "catalog.db", verify)
    add_resolver(world.api.app, world.repository, catalog, public_url=PUBLIC,
                 genesis=world.genesis, certificates=book)  # fmt: skip
    add_certificates(world.api.app, book, tokens={world.token: COOPERATIVE})
    yield Certifier(world, book, fetch)
    book.close()
    catalog.close()
    node.close()


def _captured(world: World) -> None:
    answer = world.capture(document(harvest()))
    assert answer.status_code == 202, answer.text
    assert world.repository.anchor_running() == 1


def _shown(world: World) -> dict[str, dict[str, Any]]:
    view = world.api.get(f"/trace/v1/view/{LOT_PATH}")
    assert view.status_code == 200, view.text
    return {c["types"][0] + " " + c["key"]: c for c in view.json()["certificates"]}


def test_certificates_show_verified_and_a_revocation_shows_on_the_next_view(
    certifier: Certifier,
) -> None:
    world = certifier.world
    _captured(world)
    ocop = certifier.credential({"id": GTIN_URI, "ocopRating": 4}, "OCOPCertificate")
    farm = certifier.credential({"id": FARM_URI, "standard": "VietGAP"}, "VietGAPCertificate")
    grower = certifier.credential({"id": COOPERATIVE, "standard": "VietGAP"},
                                  "VietGAPCertificate")  # fmt: skip
    other = certifier.credential({"id": OTHER_GTIN_URI, "ocopRating": 3}, "OCOPCertificate")
    for credential in (ocop, farm, grower, other):
        answer = certifier.upload(credential)
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "verified"
    again = certifier.upload(ocop)
    assert again.status_code == 200 and again.json()["id"] == certifier.upload(ocop).json()["id"]

    shown = _shown(world)  # the other product's rating is not among them
    assert set(shown) == {
        "OCOPCertificate 01/18935678012347", "VietGAPCertificate 414/8935678000019",
        f"VietGAPCertificate {COOPERATIVE}",
    }  # fmt: skip
    rating = shown["OCOPCertificate 01/18935678012347"]
    assert rating["status"] == "verified" and rating["errors"] == []
    assert rating["claims"] == {"ocopRating": 4}
    assert (rating["issuer"], rating["subject"]) == (CERTIFIER, GTIN_URI)
    assert (rating["validFrom"], rating["validUntil"]) == (
        "2026-06-01T00:00:00+07:00", "2029-06-01T00:00:00+07:00",
    )  # fmt: skip
    assert shown["VietGAPCertificate 414/8935678000019"]["claims"] == {"standard": "VietGAP"}

    certifier.revoke(ocop)
    shown = _shown(world)
    revoked = shown["OCOPCertificate 01/18935678012347"]
    assert revoked["status"] == "revoked"
    assert [e["code"] for e in revoked["errors"]] == ["STATUS_REVOKED"]
    assert {c["status"] for k, c in shown.items() if k.startswith("VietGAP")} == {"verified"}
    listed = world.api.get("/trace/v1/certificates", params={"key": "01/18935678012347"})
    assert [c["status"] for c in listed.json()] == ["revoked"]
    assert certifier.upload(ocop).status_code == 403  # and it cannot be attached again


def _refused(answer: Any, status: int, field: str, got: str) -> None:
    assert answer.status_code == status, answer.text
    problem = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert problem["field"] == field and got in problem["got"], problem


def test_a_certificate_valid_from_a_later_date_is_attached_and_shown_not_yet_valid(
    certifier: Certifier,
) -> None:
    world = certifier.world
    _captured(world)
    later = certifier.credential({"id": GTIN_URI, "ocopRating": 4}, "OCOPCertificate",
                                 valid_from="2028-01-01T00:00:00+07:00")  # fmt: skip
    attached = certifier.upload(later)
    assert attached.status_code == 201, attached.text
    assert attached.json()["status"] == "not-yet-valid"
    assert [e["code"] for e in attached.json()["errors"]] == ["NOT_YET_VALID"]
    shown = _shown(world)["OCOPCertificate 01/18935678012347"]
    assert shown["status"] == "not-yet-valid", shown


def test_a_book_of_the_first_release_opens_and_its_certificates_any_member_removes(
    tmp_path: Path,
) -> None:
    """Its table had no attached_by column: one is added, and those it kept belong to no one."""
    path = tmp_path / "catalog.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE certificates (id TEXT PRIMARY KEY, subject_key TEXT NOT NULL, "
                   "credential TEXT NOT NULL, added_ms INTEGER NOT NULL)")  # fmt: skip
        db.execute("INSERT INTO certificates VALUES ('c1', '01/18935678012347', '{}', 1)")
    db.close()
    book = CertificateBook(path, lambda credential: {"verified": True, "errors": []})
    try:
        book.remove("c1", "did:sen:anyone")
        with pytest.raises(UnknownEvent):
            book.remove("c1", "did:sen:anyone")
    finally:
        book.close()
    CertificateBook(path, lambda credential: {"verified": True}).close()  # opens again


def test_an_unaccredited_a_tampered_and_an_unbound_credential_are_refused(
    certifier: Certifier,
) -> None:
    world = certifier.world
    self_rated = certifier.credential({"id": GTIN_URI, "ocopRating": 5}, "OCOPCertificate",
                                      issuer=COOPERATIVE)  # fmt: skip
    _refused(certifier.upload(self_rated), 403, "/issuer", "ISSUER_NOT_ACCREDITED")

    tampered = copy.deepcopy(
        certifier.credential({"id": GTIN_URI, "ocopRating": 3}, "OCOPCertificate")
    )
    tampered["credentialSubject"]["ocopRating"] = 5
    _refused(certifier.upload(tampered), 403, "/proof/proofValue", "INVALID_SIGNATURE")

    unbound = certifier.credential({"id": "https://xoai.example.vn/san-pham/xoai-tron",
                                    "ocopRating": 4}, "OCOPCertificate")  # fmt: skip
    _refused(certifier.upload(unbound), 400, "/credentialSubject/id", "xoai-tron")
    unsigned = {k: v for k, v in unbound.items() if k != "proof"}
    _refused(certifier.upload({**unsigned, "type": "VerifiableCredential"}), 400, "/type", "")
    _refused(certifier.upload([unbound]), 400, "", "list")
    no_token = world.api.post("/trace/v1/certificates", json=unbound)
    _refused(no_token, 401, "Authorization", "another or none")

    for key in ("01/18935678012347", "did:sen:htx-xoai-son-la"):
        assert world.api.get("/trace/v1/certificates", params={"key": key}).json() == []
    bad_key = world.api.get("/trace/v1/certificates", params={"key": "21/7001"})
    _refused(bad_key, 400, "?key", "21/7001")


@pytest.mark.parametrize(
    ("subject", "key"),
    [
        (GTIN_URI, "01/18935678012347"),
        ("https://id.gs1.org/01/18935678012347/10/L2026-06", "01/18935678012347/10/L2026-06"),
        ("https://xoai.example.vn/gs1/417/8935678000019", "417/8935678000019"),
        (FARM_URI, "414/8935678000019"),
        (COOPERATIVE, COOPERATIVE),
        ("https://id.gs1.org/01/18935678012344", None),  # wrong check digit
        ("https://id.gs1.org/01/18935678012347/21/7001", None),  # a serial
        ("https://id.gs1.org/00/389356781000000014", None),  # an SSCC
        ("https://id.gs1.org/414/8935678000019/254/3", None),  # a sub-location
        ("https://id.gs1.org/01/18935678012347/10/", None),  # no lot
        ("https://id.gs1.org/01/18935678012347?17=290601", None),  # a query
        ("urn:epc:class:lgtin:8935678.101234.L2026-06", None),  # not a Digital Link
        ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", None),
        ("did:sen:", None),
        (42, None),
    ],
)
def test_what_a_certificate_may_be_about(subject: object, key: str | None) -> None:
    assert certified_key(subject) == key


def test_a_node_that_shows_a_revoked_bit_clear_is_caught_by_the_lists_state_proof(
    certifier: Certifier,
) -> None:
    ocop = certifier.credential({"id": GTIN_URI, "ocopRating": 4}, "OCOPCertificate")
    assert certifier.upload(ocop).status_code == 201
    certifier.revoke(ocop)

    def lying(path: str, params: Any) -> NodeAnswer:
        answer = certifier.fetch(path, params)
        if isinstance(answer.body, dict) and "encodedList" in answer.body:
            cleared = {**answer.body, "encodedList": encode_list(bytes(131_072 // 8))}
            return NodeAnswer(answer.outcome, cleared, answer.said)
        return answer

    certifier.book.verify = chain_verifier(lambda: NodeSources(lying))
    (shown,) = certifier.world.api.get("/trace/v1/certificates", params={"key": GTIN_URI}).json()
    assert shown["status"] == "invalid"
    assert [e["code"] for e in shown["errors"]] == ["STATUS_LIST_UNVERIFIED"]


def test_without_the_chain_a_certificate_is_unknown_and_none_is_attached(
    certifier: Certifier,
) -> None:
    ocop = certifier.credential({"id": GTIN_URI, "ocopRating": 4}, "OCOPCertificate")
    assert certifier.upload(ocop).status_code == 201

    def down(path: str, params: Any) -> NodeAnswer:
        raise Unreachable("connection refused")

    certifier.book.verify = chain_verifier(lambda: NodeSources(down))
    (shown,) = certifier.world.api.get(
        "/trace/v1/certificates", params={"key": "01/18935678012347"}
    ).json()
    assert (shown["status"], shown["errors"][0]["code"]) == ("unknown", "CHAIN_UNAVAILABLE")
    farm = certifier.credential({"id": FARM_URI, "standard": "VietGAP"}, "VietGAPCertificate")
    assert certifier.upload(farm).status_code == 503
    assert certifier.world.api.get("/trace/v1/certificates", params={"key": FARM_URI}).json() == []
