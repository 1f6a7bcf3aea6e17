"""A permissioned test chain with trust roots in genesis, issuers and their DIDs.

Like the governance tests' consortium (organisations ``org-0`` … with an
admin each, a writer in org-0), plus an ``issuer`` member in org-0 and one in
org-1, and ``app_state.trust.roots`` in genesis. Blocks are ten seconds apart:
block *h* has time GENESIS + 10·h.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from consortium import (
    CHAIN_ID,
    GENESIS_SECONDS,
    VALIDATOR_KEY,
    Consortium,
    _pem,
    issue,
    key,
    make_ca,
)

from sen.abci.types import RequestFinalizeBlock, RequestInitChain, ValidatorUpdate
from sen.consensus.app import SenApp
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey, address_of
from sen.ledger.errors import TxRejected
from sen.ledger.light.types import Timestamp
from sen.ledger.modules import find_action
from sen.ledger.modules.base import Context
from sen.ledger.modules.identity import encode_multikey
from sen.ledger.state import Overlay
from sen.ledger.tx import Tx
from sen.ledger.types import BlockInfo, ChainParams, TxResult
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
from sen.store.db import Database

DEGREE = "UniversityDegreeCredential"
TRANSCRIPT = "TranscriptCredential"


def address(signer: SigningKey) -> bytes:
    return address_of(signer.suite, signer.public_key)


def block_time(height: int) -> int:
    return GENESIS_SECONDS + 10 * height


class TrustChain(Consortium):
    """The consortium with ``issuers[0]`` (org-0) and ``issuers[1]`` (org-1), and trust roots."""

    def __init__(self, path: Path, roots: list[str] | None = None, orgs: int = 3) -> None:
        self.cas = [make_ca(f"org-{i}", i) for i in range(orgs + 1)]
        self.admins = [key(i) for i in range(orgs + 1)]
        self.writer = key(50)
        self.issuers = [key(60), key(61)]
        self.signing_key = key(70)  # the key published in the DIDs' documents
        members = [
            issue(ca_key, ca, self.admins[i], ["admin", "writer"], 1 + i)
            for i, (ca_key, ca) in enumerate(self.cas[:orgs])
        ]
        members.append(issue(*self.cas[0], self.writer, ["writer"], 99, "Trần Thị B"))
        members += [
            issue(*self.cas[n], issuer, ["issuer"], 600 + n, f"Issuer {n}")
            for n, issuer in enumerate(self.issuers)
        ]
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
            trust={"roots": ["did:sen:moet"] if roots is None else roots},
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
        self.last_updates = ()
        self.blocks: list[tuple[bytes, ...]] = []  # every block's transactions, for replays
        self.app_hashes: list[bytes] = []  # the app hash after each block

    def block(self, *txs: Tx) -> list[TxResult]:
        self.blocks.append(tuple(t.raw for t in txs))
        results = super().block(*txs)
        self.app_hashes.append(self.app.app_hash)
        return results

    @property
    def store(self) -> Any:
        return self.app.store

    @property
    def height(self) -> int:
        return int(self.app.height)

    def next_time(self) -> int:
        """The time of the next block (seconds)."""
        return block_time(self.height + 1)

    def create_did(self, signer: SigningKey, name: str) -> None:
        methods = [
            {
                "id": "key-1",
                "public_key_multibase": encode_multikey("ed25519", self.signing_key.public_key),
            }
        ]
        args = {
            "name": name,
            "verification_methods": methods,
            "relationships": {"assertionMethod": ["key-1"]},
        }
        result = self.run(signer, "identity", "create", args)
        assert result.code == 0, result.log

    def trust(self, signer: SigningKey, action: str, args: dict[str, Any]) -> TxResult:
        return self.run(signer, "trust", action, args)

    def ok(self, signer: SigningKey, module: str, action: str, args: dict[str, Any]) -> TxResult:
        result = self.run(signer, module, action, args)
        assert result.code == 0, result.log
        return result

    def accredit(
        self, signer: SigningKey, accreditor: str, issuer: str, *types: str, **extra: Any
    ) -> int:
        args = {"accreditor": accreditor, "issuer": issuer, "credential_types": list(types)}
        result = self.ok(signer, "trust", "accredit", {**args, **extra})
        return int(result.data)

    def refuse(
        self,
        signer: SigningKey,
        module: str,
        action: str,
        args: dict[str, Any],
        code: ResultCode,
        field: str,
    ) -> TxResult:
        """Send a transaction that must be refused with ``code`` naming ``field``.

        The refusal is first reproduced outside the chain (against the
        committed state, as the next block would see it) to read its field,
        expected and got, which the result's log does not separate.
        """
        found = find_action(module, action)
        assert found is not None
        params = ChainParams(chain_id=CHAIN_ID, permissioned=True)
        block = BlockInfo(self.height + 1, self.next_time(), 0, bytes(20))
        sender = address(signer)
        context = Context(Overlay(self.store), block, params, bytes(32), 0, sender, self.store)
        try:
            found.execute(context, found.parse(args, params))
        except TxRejected as exc:
            assert (exc.code, exc.field) == (code, field), str(exc)
            assert exc.expected is not None and exc.got is not None, str(exc)
        else:
            raise AssertionError(f"{module}.{action} was not refused")
        result = self.run(signer, module, action, args)
        assert result.code == code, result.log
        return result


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[TrustChain]:
    """A fresh :class:`TrustChain` (the ``chain`` fixture of the trust and interchain tests)."""
    made = TrustChain(tmp_path / "db")
    try:
        yield made
    finally:
        made.close()


def replay_blocks(chain: TrustChain, path: Path) -> list[tuple[bytes, list[TxResult]]]:
    """Feed the chain's blocks to a fresh application: (app hash, results) per height."""
    db = Database(path, sync=False)
    app = SenApp(db, chain.genesis)
    try:
        app.init_chain(
            RequestInitChain(
                time=chain.genesis.genesis_time,
                chain_id=CHAIN_ID,
                validators=(ValidatorUpdate("ed25519", VALIDATOR_KEY, 10),),
                app_state_bytes=chain.genesis.app_state_bytes(),
                initial_height=1,
            )
        )
        seen = []
        for height, txs in enumerate(chain.blocks, start=1):
            app.finalize_block(
                RequestFinalizeBlock(
                    txs=txs,
                    hash=bytes(32),
                    height=height,
                    time=Timestamp(block_time(height), 0),
                    next_validators_hash=bytes(32),
                    proposer_address=bytes(20),
                )
            )
            app.commit()
            seen.append((app.app_hash, list(app.store.load_results(height) or [])))
        return seen
    finally:
        app.verifier.close()
        db.close()
