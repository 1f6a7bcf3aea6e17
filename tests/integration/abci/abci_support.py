"""Helpers for the ABCI integration tests: a real SenApp behind a real socket, and txs."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.abci.client import AbciClient
from sen.abci.server import ThreadedAbciServer
from sen.consensus.app import SenApp
from sen.ledger.crypto import Ed25519Suite, SigningKey
from sen.ledger.light.types import Timestamp
from sen.ledger.tx import Tx, sign_tx
from sen.ledger.types import ChainParams
from sen.light.genesis import Genesis, GenesisValidator, load_genesis, make_genesis
from sen.node.keys import public_bytes
from sen.store.db import Database

CHAIN_ID = "abci-chain"
GENESIS_SECONDS = 1_700_000_000


def member_key(n: int) -> SigningKey:
    """A fixed Ed25519 member key (seed = n repeated)."""
    return Ed25519Suite().load_private(bytes([n]) * 32)


def anchor(key: SigningKey, nonce: int, label: str, chain_id: str = CHAIN_ID) -> Tx:
    return sign_tx(
        key,
        chain_id=chain_id,
        nonce=nonce,
        module="evidence",
        action="anchor",
        args={"digest": hashlib.sha256(label.encode()).digest()},
    )


def validator_public_key() -> bytes:
    return public_bytes(Ed25519PrivateKey.from_private_bytes(bytes(32)))


def make_test_genesis(chain_id: str = CHAIN_ID) -> Genesis:
    return load_genesis(
        make_genesis(
            chain_id=chain_id,
            genesis_time=Timestamp(GENESIS_SECONDS, 0),
            validators=[GenesisValidator(validator_public_key(), 10, "v0")],
            params=ChainParams(chain_id=chain_id),
        )
    )


@dataclass
class Served:
    app: SenApp
    server: ThreadedAbciServer

    @property
    def listen(self) -> str:
        return str(self.server.address)

    def connect(self) -> AbciClient:
        return AbciClient.connect(self.listen)


def short_socket_dir() -> tempfile.TemporaryDirectory[str]:
    """A directory whose socket paths fit the 107-byte unix limit (tmp_path may not)."""
    return tempfile.TemporaryDirectory(prefix="sen-abci-")


@contextmanager
def serve_sen_app(data: Path, genesis: Genesis, listen: str) -> Iterator[Served]:
    """A SenApp over a fresh LMDB database at ``data``, served on ``listen``."""
    db = Database(data, sync=False)
    app = SenApp(db, genesis)
    server = ThreadedAbciServer(app, listen)
    try:
        server.start()
        yield Served(app, server)
    finally:
        server.stop()
        app.verifier.close()
        db.close()
