"""The education consortium of the diploma walk-through, as a node home ready to run.

Three organisations, admitted at genesis with the development CA: the
Ministry of Education and Training (``bo-gddt``), Vietnam National University,
Hanoi (``dhqg-hn``) and a college not (yet) accredited (``cd-moi``). Each has
one member key with the roles ``admin`` and ``issuer`` in a keyring. The
genesis names ``did:sen:moet`` a trust root (the Ministry creates that DID
once the chain runs). ``sen.toml`` configures the node's credential service:
both institutions issue from this node, with keys from that keyring,
``SEN_ISSUER_PASSPHRASE`` and one bearer token each (``config/vc-tokens.json``
keeps their salted hashes; the tokens themselves are in :data:`TOKENS`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sen.ledger.crypto import SigningKey
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
from sen.node.node import init_home
from sen.sdk import Client, Keyring
from sen.sdk.devca import (
    init_org_directory,
    issue_member_certificate,
    pem,
    public_key_for,
    utc_now,
)
from sen.services.credentials.tokens import TokenStore, tokens_path

CHAIN_ID = "sen-giao-duc"
MINISTRY = ("bo-gddt", "Bộ Giáo dục và Đào tạo", "moet-admin", "moet")
UNIVERSITY = ("dhqg-hn", "Đại học Quốc gia Hà Nội", "vnu-issuer", "vnu")
COLLEGE = ("cd-moi", "Trường Cao đẳng Mới", "college-issuer", "college")
PASSPHRASE = "mật-khẩu-khoá-phát-hành"
TOKENS: dict[str, str] = {}  # issuer DID -> its VC-API token, made by write_home
REVOCATION_LIST = "bang-2025"
SUSPENSION_LIST = "bang-2025-tam-dung"


@dataclass
class Plan:
    home: Path
    keyring: Path
    url: str
    keys: dict[str, SigningKey]  # keyring name -> key


@dataclass
class Chain:
    plan: Plan
    url: str

    def client(self) -> Client:
        return Client.http(self.url)

    def key(self, name: str) -> SigningKey:
        return self.plan.keys[name]

    def send(self, key_name: str, module: str, action: str, args: dict[str, Any]) -> str:
        with self.client() as client:
            info = client.send(self.key(key_name), module, action, args)
        assert info.result is not None and info.result.ok, info
        return bytes.fromhex(info.result.data).decode() if info.result.data else ""


def write_home(root: Path, port: int) -> Plan:
    home, keyring_path = root / "home", root / "keys"
    config = init_home(home, chain_id=CHAIN_ID, port=port, block_interval=0.1)
    validator = load_genesis(config.genesis_path.read_bytes()).validators[0]
    now = utc_now()
    began = now - datetime.timedelta(days=3)
    keyring = Keyring(keyring_path)
    keys: dict[str, SigningKey] = {}
    organisations, certificates = [], []
    for serial, (org_id, name, key_name, _) in enumerate((MINISTRY, UNIVERSITY, COLLEGE), 1):
        authority = init_org_directory(root / "cas" / org_id, org_id, name, now=began)
        keyring.new(key_name, PASSPHRASE)
        key = keyring.load(key_name, PASSPHRASE)
        keys[key_name] = key
        organisations.append({"id": org_id, "name": name, "ca": pem(authority.certificate)})
        certificates.append(
            issue_member_certificate(
                authority,
                public_key_for(key.suite, key.public_key),
                common_name=f"Cán bộ phát hành {name}",
                roles=["admin", "issuer"],
                not_before=began,
                not_after=now + datetime.timedelta(days=365),
                serial=serial,
            )
        )
    genesis = make_genesis(
        chain_id=CHAIN_ID,
        genesis_time=Timestamp(int((now - datetime.timedelta(days=1)).timestamp()), 0),
        validators=[GenesisValidator(validator.pub_key, 10, "nút-bộ-gd")],
        membership={
            "permissioned": True,
            "organisations": organisations,
            "members": [pem(c) for c in certificates],
        },
        trust={"roots": ["did:sen:moet"]},
    )
    config.genesis_path.write_bytes(genesis)
    url = f"http://127.0.0.1:{port}"
    ministry_key = encode_multikey(keys[MINISTRY[2]].suite, keys[MINISTRY[2]].public_key)
    interop = f"did:key:{ministry_key}"
    config.settings_path.write_text(
        config.settings_path.read_text(encoding="utf-8")
        + f"""
[vc]
public_url = "{url}"
keyring = "{keyring_path}"

[[vc.issuers]]
did = "did:sen:vnu"
verification_method = "did:sen:vnu#key-1"
key = "{UNIVERSITY[2]}"
cryptosuite = "eddsa-rdfc-2022"
status_list = "{REVOCATION_LIST}"
suspension_list = "{SUSPENSION_LIST}"

[[vc.issuers]]
did = "did:sen:college"
verification_method = "did:sen:college#key-1"
key = "{COLLEGE[2]}"
cryptosuite = "eddsa-jcs-2022"
status_list = "college-2025"

[[vc.issuers]]
did = "{interop}"
verification_method = "{interop}#{ministry_key}"
key = "{MINISTRY[2]}"
status_list = "interop-2025"
suspension_list = "interop-2025-s"
""",
        encoding="utf-8",
    )
    tokens = TokenStore(tokens_path(config.settings_path))
    for issuer in ("did:sen:vnu", "did:sen:college", interop):
        TOKENS[issuer] = tokens.create(issuer)[1]

    return Plan(home=home, keyring=keyring_path, url=url, keys=keys)


def interop_issuer(chain: Chain) -> tuple[str, str]:
    """``(did, verification method)`` of the node's did:key issuer (the Ministry's member key,
    known by its key alone, as the W3C test suites' issuers are)."""
    key = chain.key(MINISTRY[2])
    multikey = encode_multikey(key.suite, key.public_key)
    return f"did:key:{multikey}", f"did:key:{multikey}#{multikey}"


def auth(issuer: str = "did:sen:vnu") -> dict[str, str]:
    """The Authorization header of ``issuer``'s token."""
    return {"authorization": f"Bearer {TOKENS[issuer]}"}


def diploma(subject_did: str, issuer: str = "did:sen:vnu", **extra: object) -> dict[str, object]:
    """A bachelor's diploma, unsigned, as the university's registry office writes it."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://sen.gov.vn/contexts/diploma/v1",
        ],
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": {"id": issuer, "name": "Đại học Quốc gia Hà Nội"},
        "name": "Bằng tốt nghiệp đại học",
        "validFrom": "2025-06-30T00:00:00+07:00",
        "credentialSubject": {
            "id": subject_did,
            "name": "Nguyễn Thị Minh Khai",
            "birthDate": "2003-05-19",
            "diploma": {
                "type": "Diploma",
                "degreeName": "Cử nhân Khoa học Máy tính",
                "degreeType": "Cử nhân",
                "major": "Khoa học máy tính",
                "majorCode": "7480101",
                "classification": "Giỏi",
                "modeOfStudy": "Chính quy",
                "graduationYear": "2025",
                "diplomaNumber": "QHI-2025-001234",
                "registryNumber": "QĐ 1234/ĐHQGHN",
            },
        },
        **extra,
    }


def found_registry(chain: Chain) -> None:
    """Through the SDK: the three DIDs made with their issuer keys, vnu accredited by moet."""
    for _, _, key_name, did_name in (MINISTRY, UNIVERSITY, COLLEGE):
        key = chain.key(key_name)
        chain.send(
            key_name,
            "identity",
            "create",
            {
                "name": did_name,
                "verification_methods": [
                    {
                        "id": "key-1",
                        "public_key_multibase": encode_multikey(key.suite, key.public_key),
                    }
                ],
                "relationships": {"authentication": ["key-1"], "assertionMethod": ["key-1"]},
            },
        )
    chain.send(
        MINISTRY[2],
        "trust",
        "accredit",
        {
            "accreditor": "did:sen:moet",
            "issuer": "did:sen:vnu",
            "credential_types": ["DiplomaCredential"],
        },
    )
