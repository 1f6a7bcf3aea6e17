"""A chain that runs contracts: the consensus app over LMDB, with the runtime in genesis."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sen.abci.types import ExecTxResult, RequestFinalizeBlock, RequestInitChain
from sen.consensus.app import SenApp
from sen.ledger.crypto import Ed25519Suite, SigningKey, address_of
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.contracts import install_runtime
from sen.ledger.rules import load_nonce
from sen.ledger.tx import sign_tx
from sen.ledger.types import ChainParams
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
from sen.node.keys import public_bytes
from sen.node.node import Node, init_home
from sen.store.db import Database
from sen.vm import Runtime

CHAIN_ID = "contracts-test"
GENESIS_SECONDS = 1_700_000_000

TOKEN = b'''"""A token: the creator gets the supply, holders transfer."""
import sen_contract as sen

balances = sen.Map("balances")


@sen.instantiate
def init(supply):
    balances[sen.env().sender] = supply


@sen.execute
def transfer(to, amount):
    sender = sen.env().sender
    have = balances.get(sender, 0)
    sen.require(0 < amount <= have, "insufficient balance")
    balances[sender] = have - amount
    balances[to] = balances.get(to, 0) + amount
    sen.emit("transfer", to=to, amount=amount)
    return {"balance": have - amount}


@sen.execute
def spin():
    balances["x"] = 1
    while True:
        pass


@sen.query
def balance(of):
    return balances.get(of, 0)
'''


def key(n: int) -> SigningKey:
    return Ed25519Suite().load_private(bytes([n]) * 32)


def address(signer: SigningKey) -> bytes:
    return address_of(signer.suite, signer.public_key)


class ContractChain:
    def __init__(
        self, path: Path, runtime: Runtime, params: ChainParams | None = None, **settings: Any
    ) -> None:
        install_runtime(runtime)
        validator = Ed25519PrivateKey.from_private_bytes(bytes(32))
        self.genesis = load_genesis(
            make_genesis(
                chain_id=CHAIN_ID,
                genesis_time=Timestamp(GENESIS_SECONDS, 0),
                validators=[GenesisValidator(public_bytes(validator), 10, "v0")],
                contracts={"runtime": runtime.digest, **settings},
                params=params,
            )
        )
        self.db = Database(path, sync=False)
        self.app = SenApp(self.db, self.genesis)
        self.app.init_chain(
            RequestInitChain(
                time=self.genesis.genesis_time,
                chain_id=CHAIN_ID,
                validators=(),
                app_state_bytes=self.genesis.app_state_bytes(),
                initial_height=1,
            )
        )
        self.nonces: dict[bytes, int] = {}

    def tx(self, signer: SigningKey, action: str, args: dict[str, Any]) -> bytes:
        who = address(signer)
        if who not in self.nonces:  # the account's next nonce, counted on from there in a block
            with self.db.read() as txn:
                self.nonces[who] = load_nonce(self.app.store.reader(txn), who)
        nonce = self.nonces[who]
        self.nonces[who] = nonce + 1
        return sign_tx(
            signer, chain_id=CHAIN_ID, nonce=nonce, module="contracts", action=action, args=args
        ).raw

    def block(self, txs: Sequence[bytes]) -> list[ExecTxResult]:
        height = self.app.height + 1
        response = self.app.finalize_block(
            RequestFinalizeBlock(
                txs=tuple(txs),
                hash=bytes(32),
                height=height,
                time=Timestamp(GENESIS_SECONDS + height, 0),
                next_validators_hash=bytes(32),
                proposer_address=bytes(20),
            )
        )
        self.app.commit()
        self.nonces.clear()
        return list(response.tx_results)

    def one(self, signer: SigningKey, action: str, **args: Any) -> ExecTxResult:
        return self.block([self.tx(signer, action, args)])[0]

    def state(self, key: bytes) -> bytes | None:
        with self.db.read() as txn:
            return self.app.store.reader(txn).get(key)

    def app_hash(self) -> bytes:
        return self.app.app_hash

    def deploy(self, signer: SigningKey, source: bytes, **init: Any) -> bytes:
        code = hashlib.sha256(source).digest()
        if self.state(b"contracts/code/" + code) is None:
            uploaded = self.one(signer, "upload", source=source)
            assert uploaded.code == 0, uploaded.log
        made = self.one(signer, "instantiate", code=code, args=init, label="test")
        assert made.code == 0, made.log
        return made.data

    def close(self) -> None:
        self.app.verifier.close()
        self.db.close()


def answer(result: ExecTxResult) -> Any:
    return json.loads(result.data)


@pytest.fixture
def chain(tmp_path: Path, contract_runtime: Runtime) -> Iterator[ContractChain]:
    made = ContractChain(tmp_path / "db", contract_runtime)
    yield made
    made.close()


@pytest.fixture
def contract_node(tmp_path: Path) -> Iterator[Node]:
    """A whole node that runs contracts (embedded engine, its own thread), for API tests."""
    config = init_home(tmp_path / "home", block_interval=0.05, contracts=True)
    opened = Node.open(dataclasses.replace(config, sync=False))
    opened.start()
    yield opened
    opened.close()
