"""A consortium chain for tests: fixed CAs, members and dates, driven through SenApp's ABCI port."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.abci.types import (
    RequestCheckTx,
    RequestFinalizeBlock,
    RequestInitChain,
    RequestPrepareProposal,
    RequestProcessProposal,
    ResponseCheckTx,
    ResponseFinalizeBlock,
)
from sen.consensus.app import SenApp
from sen.ledger.crypto import Ed25519Suite, SigningKey, address_of
from sen.ledger.light.types import Timestamp
from sen.ledger.tx import sign_tx
from sen.ledger.types import ChainParams
from sen.light.genesis import Genesis, GenesisValidator, load_genesis, make_genesis
from sen.node.keys import public_bytes
from sen.sdk.devca import (
    OrgAuthority,
    issue_ca_certificate,
    issue_member_certificate,
    pem,
    public_key_for,
)
from sen.store.db import Database

CHAIN_ID = "sen-consortium"
UTC = datetime.UTC
GENESIS_SECONDS = 1_700_000_000  # 2023-11-14
NOT_BEFORE = datetime.datetime(2023, 11, 1, tzinfo=UTC)
NOT_AFTER = datetime.datetime(2024, 11, 1, tzinfo=UTC)
EXPIRY = int(NOT_AFTER.timestamp())


def org(org_id: str, name: str, n: int) -> OrgAuthority:
    key = ec.derive_private_key(2_000 + n, ec.SECP256R1())
    certificate = issue_ca_certificate(
        key,
        common_name=f"{name} CA",
        organisation=name,
        not_before=NOT_BEFORE,
        not_after=datetime.datetime(2033, 11, 1, tzinfo=UTC),
        serial=n,
    )
    return OrgAuthority(org_id, name, certificate, key)


UNI = org("uni-hanoi", "Đại học Quốc gia Hà Nội", 1)
BANK = org("bank-a", "Ngân hàng A", 2)


def key(n: int) -> SigningKey:
    return Ed25519Suite().load_private(bytes([n]) * 32)


ADMIN, WRITER, OPERATOR, NEWCOMER, STRANGER = (key(n) for n in range(1, 6))


def address(signer: SigningKey) -> bytes:
    return address_of(signer.suite, signer.public_key)


def certificate(
    authority: OrgAuthority, signer: SigningKey, roles: Sequence[str], serial: int
) -> Any:
    return issue_member_certificate(
        authority,
        public_key_for(signer.suite, signer.public_key),
        common_name=f"Thành viên {serial}",
        roles=roles,
        not_before=NOT_BEFORE,
        not_after=NOT_AFTER,
        serial=serial,
    )


def membership_section() -> dict[str, Any]:
    return {
        "permissioned": True,
        "organisations": [
            {
                "id": UNI.id,
                "name": UNI.name,
                "ca": pem(UNI.certificate),
                "roles": ["admin", "writer"],
            },
            {"id": BANK.id, "name": BANK.name, "ca": pem(BANK.certificate)},
        ],
        "members": [
            pem(certificate(UNI, ADMIN, ["admin"], 1)),
            pem(certificate(UNI, WRITER, ["writer"], 2)),
            pem(certificate(BANK, OPERATOR, ["validator-operator"], 3)),
        ],
    }


def consortium_genesis(membership: dict[str, Any] | None = None) -> Genesis:
    validator = Ed25519PrivateKey.from_private_bytes(bytes(32))
    return load_genesis(
        make_genesis(
            chain_id=CHAIN_ID,
            genesis_time=Timestamp(GENESIS_SECONDS, 0),
            validators=[GenesisValidator(public_bytes(validator), 10, "v0")],
            params=ChainParams(chain_id=CHAIN_ID),
            membership=membership_section() if membership is None else membership,
        )
    )


def tx(signer: SigningKey, nonce: int, module: str, action: str, **args: Any) -> bytes:
    return sign_tx(
        signer, chain_id=CHAIN_ID, nonce=nonce, module=module, action=action, args=args
    ).raw


def anchor(signer: SigningKey, nonce: int, label: str = "doc") -> bytes:
    return tx(signer, nonce, "evidence", "anchor", digest=label.encode().ljust(32, b"-")[:32])


class Consortium:
    """A SenApp over a throwaway database, started from the consortium genesis."""

    def __init__(self, path: Path, genesis: Genesis | None = None, *, init: bool = True) -> None:
        self.genesis = genesis or consortium_genesis()
        self.db = Database(path, sync=False)
        self.app = SenApp(self.db, self.genesis)
        if init:
            self.app.init_chain(
                RequestInitChain(
                    time=self.genesis.genesis_time,
                    chain_id=self.genesis.chain_id,
                    validators=(),
                    app_state_bytes=self.genesis.app_state_bytes(),
                    initial_height=1,
                )
            )

    def check(self, raw: bytes) -> ResponseCheckTx:
        return self.app.check_tx(RequestCheckTx(raw))

    def run_block(self, txs: Sequence[bytes], seconds: int | None = None) -> ResponseFinalizeBlock:
        height = self.app.height + 1
        response = self.app.finalize_block(
            RequestFinalizeBlock(
                txs=tuple(txs),
                hash=bytes(32),
                height=height,
                time=self._next_time(seconds),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        )
        self.app.commit()
        return response

    def _next_time(self, seconds: int | None) -> Timestamp:
        return Timestamp(GENESIS_SECONDS + self.app.height + 1 if seconds is None else seconds, 0)

    def prepare(self, txs: Sequence[bytes], seconds: int | None = None) -> tuple[bytes, ...]:
        return self.app.prepare_proposal(
            RequestPrepareProposal(
                max_tx_bytes=1 << 20,
                txs=tuple(txs),
                height=self.app.height + 1,
                time=self._next_time(seconds),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        ).txs

    def process(self, txs: Sequence[bytes], seconds: int | None = None) -> bool:
        response = self.app.process_proposal(
            RequestProcessProposal(
                txs=tuple(txs),
                hash=bytes(32),
                height=self.app.height + 1,
                time=self._next_time(seconds),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        )
        return response.status.name == "ACCEPT"

    def close(self) -> None:
        self.app.verifier.close()
        self.db.close()
