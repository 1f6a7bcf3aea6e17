"""A test consortium: organisation CAs, admin certificates, and an app driven block by block."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from sen.abci.types import RequestFinalizeBlock, RequestInitChain, ValidatorUpdate
from sen.consensus.app import SenApp
from sen.ledger.crypto import Ed25519Suite, SigningKey, address_of
from sen.ledger.light.types import Timestamp
from sen.ledger.rules import load_nonce
from sen.ledger.tx import Tx, sign_tx
from sen.ledger.types import ChainParams, TxResult
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
from sen.store.db import Database

CHAIN_ID = "gov-test"
GENESIS_SECONDS = 1_800_000_000  # 2027-01-15
NOT_BEFORE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
NOT_AFTER = datetime.datetime(2036, 1, 1, tzinfo=datetime.UTC)
VALIDATOR_KEY = bytes(range(32))


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def make_ca(org_id: str, seed: int) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.derive_private_key(10_000 + seed, ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org_id),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{org_id} CA"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1000 + seed)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    member: SigningKey,
    roles: list[str],
    serial: int,
    name: str = "Nguyễn Văn A",
) -> x509.Certificate:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    attributes += [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, r) for r in roles]
    public = ed25519.Ed25519PublicKey.from_public_bytes(member.public_key)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )


def key(n: int) -> SigningKey:
    return Ed25519Suite().load_private(hashlib.sha256(b"gov-test-key" + bytes([n])).digest())


class Consortium:
    """Organisations ``org-0`` … with one admin each (and a writer in org-0), on a fresh app."""

    def __init__(
        self,
        path: Path,
        orgs: int = 3,
        governance: dict[str, Any] | None = None,
        contracts: dict[str, Any] | None = None,
    ) -> None:
        self.cas = [make_ca(f"org-{i}", i) for i in range(orgs + 1)]  # the last is not admitted
        self.admins = [key(i) for i in range(orgs + 1)]
        self.writer = key(50)
        members = [
            issue(ca_key, ca, self.admins[i], ["admin", "writer"], 1 + i)
            for i, (ca_key, ca) in enumerate(self.cas[:orgs])
        ]
        members.append(
            issue(self.cas[0][0], self.cas[0][1], self.writer, ["writer"], 99, "Trần Thị B")
        )
        membership = {
            "permissioned": True,
            "organisations": [
                {"id": f"org-{i}", "name": f"Organisation {i}", "ca": _pem(ca)}
                for i, (_, ca) in enumerate(self.cas[:orgs])
            ],
            "members": [_pem(c) for c in members],
        }
        raw = make_genesis(
            chain_id=CHAIN_ID,
            genesis_time=Timestamp(GENESIS_SECONDS, 0),
            validators=[GenesisValidator(VALIDATOR_KEY, 10, "v0")],
            params=ChainParams(chain_id=CHAIN_ID),
            membership=membership,
            governance=governance,
            contracts=contracts,
        )
        self.genesis = load_genesis(raw)
        self.db = Database(path, sync=False)
        self.app = SenApp(self.db, self.genesis)
        self.app.init_chain(
            RequestInitChain(
                time=self.genesis.genesis_time,
                chain_id=CHAIN_ID,
                validators=(ValidatorUpdate("ed25519", VALIDATOR_KEY, 10),),
                app_state_bytes=self.genesis.app_state_bytes(),
                initial_height=1,
            )
        )
        self.last_updates: tuple[ValidatorUpdate, ...] = ()

    def tx(self, signer: SigningKey, module: str, action: str, args: dict[str, Any]) -> Tx:
        nonce = load_nonce(self.app.store, address_of(signer.suite, signer.public_key))
        return sign_tx(
            signer, chain_id=CHAIN_ID, nonce=nonce, module=module, action=action, args=args
        )

    def block(self, *txs: Tx) -> list[TxResult]:
        height = self.app.height + 1
        response = self.app.finalize_block(
            RequestFinalizeBlock(
                txs=tuple(t.raw for t in txs),
                hash=bytes(32),
                height=height,
                time=Timestamp(GENESIS_SECONDS + 10 * height, 0),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        )
        self.app.commit()
        self.last_updates = response.validator_updates
        return list(self.app.store.load_results(self.app.height) or [])

    def run(self, signer: SigningKey, module: str, action: str, args: dict[str, Any]) -> TxResult:
        (result,) = self.block(self.tx(signer, module, action, args))
        return result

    def propose(self, signer: SigningKey, kind: str, payload: dict[str, Any], **extra: Any) -> int:
        result = self.run(
            signer, "governance", "propose", {"kind": kind, "payload": payload, **extra}
        )
        assert result.code == 0, result.log
        return int.from_bytes(result.data, "big")

    def vote(self, signer: SigningKey, proposal: int, choice: str = "yes") -> TxResult:
        return self.run(signer, "governance", "vote", {"proposal": proposal, "choice": choice})

    def close(self) -> None:
        self.app.verifier.close()
        self.db.close()
