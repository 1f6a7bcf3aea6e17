"""A Sơn La mango's journey on a real chain, for the consumer page's browser tests.

A development chain (``sen node init --grant-prefix``: the cooperative speaks for the GS1
Company Prefix 8935678), the cooperative's DID, its EPCIS repository (``sen trace serve``,
which serves the consumer page) and the journey captured with ``sen trace capture``, in
two documents as two uploads of the cooperative's app would send them:

1. the harvest at the farm (500 kg of lot L2026-06 and one labelled mango, serial 7001),
   with the master data of the product and of the places in the document's header;
   packing 480 kg and the labelled mango into a carton (an SSCC); 20 kg dried into dried
   mango (a transformation, a new lot); the carton shipped from the packing house (its
   time written in UTC, offset +07:00) and received, its arrival scanned by mistake at the
   Hồ Chí Minh City shop's door;
2. the labelled mango sold twice: in a Hà Nội shop, and the next day in a Hồ Chí Minh City
   shop (the "sold twice" signal); and the mistaken receiving declared wrong (an error
   declaration: the same event with ``errorDeclaration``) and corrected by a receiving at
   the Hà Nội warehouse.

Then blocks are made until every event's receipt is ready (the block after its job's).

The genesis names the Ministry (``MINISTRY``) a trust root; the Ministry accredits Sơn La's
department of agriculture (``CERTIFIER``) for OCOP ratings and VietGAP certificates, and the
department keeps a revocation list (``STATUS_LIST``) on chain. It has certified the farm
VietGAP (``farm_vietgap``), which the cooperative attached to its repository: every page of
the mango shows it verified. The tests issue more with :func:`certificate`.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from console_support import SEN, free_port
from node_process import stop

from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.light.epcis_hash import event_hash
from sen.sdk.client import Client
from sen.sdk.keys import Keyring
from sen.services.credentials.verification import status_list_url
from sen.vc import sign_credential

COOP = "did:sen:htx-xoai-son-la"
PASSPHRASE = "mật-khẩu-đủ-dài-cho-kho"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
MDA = "urn:epcglobal:cbv:mda:"

LOT = "urn:epc:class:lgtin:8935678.101234.L2026-06"
LOT_PATH = "01/18935678012347/10/L2026-06"
SERIAL = "urn:epc:id:sgtin:8935678.101234.7001"
SERIAL_PATH = "01/18935678012347/21/7001"
CARTON = "urn:epc:id:sscc:8935678.1000000001"
DRIED = "urn:epc:class:lgtin:8935678.201234.D2026-06"
FARM = "urn:epc:id:sgln:8935678.00001.0"
PACKHOUSE = "urn:epc:id:sgln:8935678.00004.0"
WAREHOUSE = "urn:epc:id:sgln:8935678.00006.0"
SHOP_HANOI = "urn:epc:id:sgln:8935678.00002.0"
SHOP_SAIGON = "urn:epc:id:sgln:8935678.00003.0"

PRODUCT_NAME = "Xoài tròn Yên Châu"
FARM_NAME = "Vùng trồng xoài Chiềng Hặc"
FARM_LATITUDE, FARM_LONGITUDE = "21.0453", "104.3102"

MINISTRY = "did:sen:bo-nn-mt"
CERTIFIER = "did:sen:so-nn-son-la"
CERTIFIER_NAME = "Sở Nông nghiệp và Môi trường Sơn La"
STATUS_LIST = "chung-nhan-2026"
GTIN_URI = "https://id.gs1.org/01/18935678012347"
FARM_GLN = "8935678000019"  # FARM's GLN (its SGLN without the extension)
CERTIFICATION = "https://sen.gov.vn/contexts/certification/v1"


@dataclass(frozen=True)
class MangoRepository:
    """The running repository (``url``) beside its node, with the journey captured; its
    keyring (the cooperative's ``htx``, the department's ``so-nn``) and token are in ``root``."""

    url: str
    node: str
    genesis: Path
    log: Path
    root: Path

    @property
    def token(self) -> Path:
        return self.root / "epcis" / "token"

    def certifier(self) -> SigningKey:
        return Keyring(self.root / "keys").load("so-nn", PASSPHRASE)


def _place(element: str, **attributes: str) -> dict[str, Any]:
    return {
        "id": element,
        "attributes": [
            {"id": MDA + name, "attribute": value} for name, value in attributes.items()
        ],
    }


MASTER_DATA = {
    "vocabularyList": [
        {
            "type": "urn:epcglobal:epcis:vtype:EPCClass",
            "vocabularyElementList": [
                {"id": "urn:epc:idpat:sgtin:8935678.101234.*", "attributes": [
                    {"id": MDA + "descriptionShort", "attribute": PRODUCT_NAME},
                    {"id": MDA + "regulatedProductName", "attribute": "Xoài quả tươi"},
                    {"id": MDA + "manufacturerOfTradeItemPartyName",
                     "attribute": "Hợp tác xã Xoài Yên Châu"},
                    {"id": MDA + "countryOfOrigin", "attribute": "VN"},
                ]},
                {"id": "urn:epc:idpat:sgtin:8935678.201234.*", "attributes": [
                    {"id": MDA + "descriptionShort", "attribute": "Xoài sấy dẻo Yên Châu"},
                ]},
            ],
        },
        {
            "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
            "vocabularyElementList": [
                _place(FARM, name=FARM_NAME, streetAddressOne="Bản Chiềng Hặc",
                       city="Yên Châu", state="Sơn La", countryCode="VN",
                       latitude=FARM_LATITUDE, longitude=FARM_LONGITUDE),
                _place(PACKHOUSE, name="Nhà sơ chế và đóng gói HTX Xoài Yên Châu",
                       city="Yên Châu", state="Sơn La", countryCode="VN"),
                _place(WAREHOUSE, name="Kho lạnh Long Biên", city="Hà Nội", countryCode="VN"),
                _place(SHOP_HANOI, name="Cửa hàng Nông sản sạch Hàng Bè", city="Hà Nội",
                       countryCode="VN"),
                _place(SHOP_SAIGON, name="Cửa hàng Trái cây Bến Thành",
                       city="Thành phố Hồ Chí Minh", countryCode="VN"),
            ],
        },
    ]
}  # fmt: skip


def _event(kind: str, when: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "eventTime": when, "eventTimeZoneOffset": "+07:00", **fields}


def _document(*events: dict[str, Any], master_data: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-06-08T18:00:00.000+07:00",
        "epcisBody": {"eventList": list(events)},
    }  # fmt: skip
    if master_data:
        document["epcisHeader"] = {"epcisMasterData": MASTER_DATA}
    return document


def journey_documents() -> list[dict[str, Any]]:
    """The two documents, in the order they are captured."""
    harvest = _event(
        "ObjectEvent", "2026-06-05T06:30:00.000+07:00", action="ADD", bizStep="commissioning",
        disposition="active", epcList=[SERIAL],
        quantityList=[{"epcClass": LOT, "quantity": 500, "uom": "KGM"}],
        readPoint={"id": FARM}, bizLocation={"id": FARM},
    )  # fmt: skip
    packed = _event(
        "AggregationEvent", "2026-06-05T09:15:00.000+07:00", action="ADD", bizStep="packing",
        disposition="in_progress", parentID=CARTON, childEPCs=[SERIAL],
        childQuantityList=[{"epcClass": LOT, "quantity": 480, "uom": "KGM"}],
        readPoint={"id": PACKHOUSE}, bizLocation={"id": PACKHOUSE},
    )  # fmt: skip
    dried = _event(
        "TransformationEvent", "2026-06-05T14:00:00.000+07:00", bizStep="commissioning",
        inputQuantityList=[{"epcClass": LOT, "quantity": 20, "uom": "KGM"}],
        outputQuantityList=[{"epcClass": DRIED, "quantity": 2.5, "uom": "KGM"}],
        readPoint={"id": PACKHOUSE}, bizLocation={"id": PACKHOUSE},
    )  # fmt: skip
    shipped = _event(
        "ObjectEvent", "2026-06-05T09:00:00.000Z", action="OBSERVE", bizStep="shipping",
        disposition="in_transit", epcList=[CARTON], readPoint={"id": PACKHOUSE},
    )  # fmt: skip
    mistaken = _event(
        "ObjectEvent", "2026-06-06T13:20:00.000+07:00", action="OBSERVE", bizStep="receiving",
        disposition="in_progress", epcList=[CARTON], readPoint={"id": SHOP_SAIGON},
    )  # fmt: skip
    received = {**mistaken, "readPoint": {"id": WAREHOUSE}, "bizLocation": {"id": WAREHOUSE}}
    declared = {
        **mistaken, "eventID": event_hash(mistaken, [CONTEXT]),
        "errorDeclaration": {
            "declarationTime": "2026-06-06T15:00:00.000+07:00", "reason": "incorrect_data",
            "correctiveEventIDs": [event_hash(received, [CONTEXT])],
        },
    }  # fmt: skip
    sold = [
        _event("ObjectEvent", when, action="OBSERVE", bizStep="retail_selling",
               disposition="retail_sold", epcList=[SERIAL], readPoint={"id": shop},
               bizLocation={"id": shop})
        for when, shop in (("2026-06-07T10:05:00.000+07:00", SHOP_HANOI),
                           ("2026-06-08T16:40:00.000+07:00", SHOP_SAIGON))
    ]  # fmt: skip
    return [
        _document(harvest, packed, dried, shipped, mistaken, master_data=True),
        _document(*sold, declared, received),
    ]


def _sen(home: Path, node: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEN_KEYRING": str(home / "keys"), "SEN_PASSPHRASE": PASSPHRASE,
           "COLUMNS": "200"}  # fmt: skip
    done = subprocess.run(
        [str(SEN), "--node", node, *argv], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


def init_home(root: Path, port: int) -> Path:
    """A development chain whose genesis grants the cooperative its prefix and names the
    Ministry a trust root (written before the node's first run)."""
    home = root / "home"
    subprocess.run(
        [str(SEN), "node", "init", "--chain-id", "vn-agri", "--api-port", str(port),
         "--block-interval", "0.1", "--grant-prefix", f"8935678={COOP}"],
        env={**os.environ, "SEN_HOME": str(home)}, check=True, capture_output=True,
        timeout=120,
    )  # fmt: skip
    genesis_path = home / "config" / "genesis.json"
    genesis = json.loads(genesis_path.read_text(encoding="utf-8"))
    genesis["app_state"]["trust"] = {"roots": [MINISTRY]}
    genesis_path.write_text(json.dumps(genesis, indent=2), encoding="utf-8")
    return home


def found_cooperative(root: Path, node: str) -> SigningKey:
    """The cooperative's key (in its keyring, as ``htx``) and its DID on the chain."""
    coop = get_suite("ed25519").generate()
    Keyring(root / "keys").save("htx", coop, PASSPHRASE)
    with Client.http(node) as client:
        method = encode_multikey(coop.suite, coop.public_key)
        client.send(coop, "identity", "create", {
            "name": "htx-xoai-son-la",
            "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
            "relationships": {"assertionMethod": ["key-1"]},
        })  # fmt: skip
    return coop


def _send(client: Client, key: SigningKey, module: str, action: str, args: Any) -> None:
    info = client.send(key, module, action, args)
    assert info.result is not None and info.result.ok, (module, action, info.result)


def found_certifier(root: Path, node: str) -> SigningKey:
    """The Ministry's and the department's DIDs (one officer's key, in the keyring as
    ``so-nn``, controls both on this development chain), the Ministry's accreditation of the
    department for OCOP and VietGAP, and the department's revocation list."""
    key = get_suite("ed25519").generate()
    Keyring(root / "keys").save("so-nn", key, PASSPHRASE)
    method = encode_multikey(key.suite, key.public_key)
    with Client.http(node) as client:
        for did in (MINISTRY, CERTIFIER):
            _send(client, key, "identity", "create", {
                "name": did.removeprefix("did:sen:"),
                "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
                "relationships": {"assertionMethod": ["key-1"]},
            })  # fmt: skip
        _send(client, key, "trust", "accredit", {
            "accreditor": MINISTRY, "issuer": CERTIFIER,
            "credential_types": ["OCOPCertificate", "VietGAPCertificate"],
        })  # fmt: skip
        _send(client, key, "status", "create_list",
              {"list": STATUS_LIST, "issuer": CERTIFIER, "purpose": "revocation"})  # fmt: skip
    return key


def certificate(key: SigningKey, kind: str, subject: dict[str, Any], index: int) -> dict[str, Any]:
    """A certificate of ``kind`` the department signs, valid 2026-06-01 to 2029-06-01, its
    revocation bit ``index`` of the department's list."""
    url = status_list_url("https://so-nn.sonla.gov.vn", CERTIFIER, STATUS_LIST)
    return sign_credential({
        "@context": ["https://www.w3.org/ns/credentials/v2", CERTIFICATION],
        "id": f"urn:uuid:6f1c2a34-5b7d-4e8f-9a0b-{index:012d}",
        "type": ["VerifiableCredential", kind],
        "issuer": {"id": CERTIFIER, "name": CERTIFIER_NAME},
        "validFrom": "2026-06-01T00:00:00+07:00", "validUntil": "2029-06-01T00:00:00+07:00",
        "credentialSubject": subject,
        "credentialStatus": {"id": f"{url}#{index}", "type": "BitstringStatusListEntry",
                             "statusPurpose": "revocation", "statusListIndex": str(index),
                             "statusListCredential": url},
    }, key, f"{CERTIFIER}#key-1", "eddsa-rdfc-2022")  # fmt: skip


def farm_vietgap(key: SigningKey) -> dict[str, Any]:
    """The farm's VietGAP certificate (its GLN as the subject)."""
    subject = {"id": f"https://id.gs1.org/414/{FARM_GLN}", "standard": "VietGAP",
               "certificateNumber": "VietGAP-TT-26-01-14-0042", "scope": "Xoài, 12 ha"}  # fmt: skip
    return certificate(key, "VietGAPCertificate", subject, 7)


def attach(repository: MangoRepository, credential: dict[str, Any]) -> None:
    """Attach a certificate through the repository's REST call (``sen trace certify``'s)."""
    token = repository.token.read_text(encoding="utf-8").strip()
    answer = httpx.post(f"{repository.url}/trace/v1/certificates", json=credential,
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
    assert answer.status_code == 201, answer.text


def certify(repository: MangoRepository, credential: dict[str, Any], path: Path) -> str:
    """Attach a certificate with ``sen trace certify``; its output."""
    path.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    return _sen(repository.root, repository.node, "trace", "certify", str(path), "--repo",
                repository.url, "--token-file", str(repository.token)).stdout  # fmt: skip


@contextmanager
def serving_repository(root: Path, node: str, home: Path) -> Iterator[MangoRepository]:
    """``sen trace serve`` as the guide runs it, until the block ends. The genesis is the
    node home's (the operator's trusted copy), given with ``--genesis``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    genesis = home / "config" / "genesis.json"
    env = {**os.environ, "SEN_KEYRING": str(root / "keys"), "SEN_PASSPHRASE": PASSPHRASE}
    log = root / "epcis.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(SEN), "--node", node, "trace", "serve", "--capturer", COOP, "--key", "htx",
             "--secrets", str(root / "epcis"), "--port", str(port), "--public-url", url,
             "--genesis", str(genesis)],
            env=env, stdout=output, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            _wait_answering(url, process, log)
            yield MangoRepository(url=url, node=node, genesis=genesis, log=log, root=root)
        finally:
            stop(process)


def _wait_answering(url: str, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:  # until it answers (401: it does, and wants the token)
        if process.poll() is not None:
            raise AssertionError(f"sen trace serve exited: {log.read_text()}")
        try:
            if httpx.get(f"{url}/epcis", timeout=1).status_code == 401:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


def capture_journey(root: Path, repository: MangoRepository, coop: SigningKey) -> None:
    """Capture the documents with ``sen trace capture``; then make blocks until every
    event's receipt can be downloaded (each needs the block after its job's)."""
    token = root / "epcis" / "token"
    for number, document in enumerate(journey_documents(), 1):
        path = root / f"journey-{number}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        _sen(root, repository.node, "trace", "capture", str(path), "--repo", repository.url,
             "--token-file", str(token))  # fmt: skip
    view = httpx.get(f"{repository.url}/trace/v1/view/{SERIAL_PATH}", timeout=30).json()
    last = view["events"][-1]["eventID"]
    deadline = time.monotonic() + 60
    while True:
        answer = httpx.get(f"{repository.url}/trace/v1/receipts", params={"eventID": last},
                           timeout=30)  # fmt: skip
        if answer.status_code == 200:
            return
        assert answer.status_code == 409 and time.monotonic() < deadline, answer.text
        with Client.http(repository.node) as client:  # make a block
            client.send(coop, "evidence", "anchor", {"digest": os.urandom(32)})
