"""Test harness: a SenApp over a throwaway LMDB database, driven through the ABCI port."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.abci.types import RequestFinalizeBlock, RequestInitChain, ResponseFinalizeBlock
from sen.consensus.app import SenApp
from sen.ledger.crypto import Ed25519Suite, SigningKey
from sen.ledger.light.types import Timestamp
from sen.ledger.tx import Tx, sign_tx
from sen.ledger.types import ChainParams
from sen.light.genesis import Genesis, GenesisValidator, load_genesis, make_genesis
from sen.node.keys import public_bytes
from sen.store.db import Database

CHAIN_ID = "test-chain"
GENESIS_SECONDS = 1_700_000_000


def member_key(n: int) -> SigningKey:
    """A fixed Ed25519 member key (seed = n repeated)."""
    return Ed25519Suite().load_private(bytes([n]) * 32)


def digest_of(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def anchor(key: SigningKey, nonce: int, label: str, **extra: Any) -> Tx:
    return sign_tx(
        key,
        chain_id=CHAIN_ID,
        nonce=nonce,
        module="evidence",
        action="anchor",
        args={"digest": digest_of(label), **extra},
    )


def make_genesis_for(params: ChainParams) -> Genesis:
    validator = Ed25519PrivateKey.from_private_bytes(bytes(32))
    return load_genesis(
        make_genesis(
            chain_id=params.chain_id,
            genesis_time=Timestamp(GENESIS_SECONDS, 0),
            validators=[GenesisValidator(public_bytes(validator), 10, "v0")],
            params=params,
        )
    )


class Chain:
    """A fresh application at height 0 plus helpers to run blocks through it."""

    def __init__(self, path: Path, params: ChainParams) -> None:
        self.genesis = make_genesis_for(params)
        self.db = Database(path, sync=False)
        self.app = SenApp(self.db, self.genesis)
        self.app.init_chain(
            RequestInitChain(
                time=self.genesis.genesis_time,
                chain_id=self.genesis.chain_id,
                validators=(),
                app_state_bytes=self.genesis.app_state_bytes(),
                initial_height=1,
            )
        )

    def finalize(self, txs: Sequence[bytes], height: int | None = None) -> ResponseFinalizeBlock:
        height = self.app.height + 1 if height is None else height
        return self.app.finalize_block(
            RequestFinalizeBlock(
                txs=tuple(txs),
                hash=bytes(32),
                height=height,
                time=Timestamp(GENESIS_SECONDS + height, 0),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        )

    def run_block(self, txs: Sequence[bytes]) -> ResponseFinalizeBlock:
        response = self.finalize(txs)
        self.app.commit()
        return response

    def close(self) -> None:
        self.app.verifier.close()
        self.db.close()
