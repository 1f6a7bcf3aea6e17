"""Replay determinism: the same blocks give the same app hashes and results, every time.

Random sequences of blocks (valid and invalid evidence transactions from several
keys: good and bad nonces, forged signatures, wrong chain, bad arguments,
garbage bytes) run through two fresh applications in separate LMDB
directories, with fixed block times. Every height must agree, and the final
state root must equal a from-scratch rebuild of the final state.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sen.abci.types import RequestFinalizeBlock, RequestInitChain
from sen.consensus.app import SenApp
from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import Ed25519Suite
from sen.ledger.light.types import Timestamp
from sen.ledger.tx import SIGN_DOMAIN, sign_tx
from sen.ledger.types import ChainParams
from sen.light.genesis import Genesis, GenesisValidator, load_genesis, make_genesis
from sen.node.keys import public_bytes
from sen.store.db import Database
from sen.store.smt import EMPTY, TreeUpdate

CHAIN_ID = "sen-replay"
KEYS = [Ed25519Suite().load_private(bytes([i]) * 32) for i in range(1, 4)]
KINDS = (
    "anchor",
    "batch",
    "low nonce",
    "high nonce",
    "forged",
    "wrong chain",
    "bad argument",
    "garbage",
    "repeat",
)


def genesis() -> Genesis:
    validator = Ed25519PrivateKey.from_private_bytes(bytes(32))
    params = ChainParams(chain_id=CHAIN_ID, max_batch_digests=4)
    return load_genesis(
        make_genesis(
            chain_id=CHAIN_ID,
            genesis_time=Timestamp(1_700_000_000, 0),
            validators=[GenesisValidator(public_bytes(validator), 10, "v0")],
            params=params,
        )
    )


GENESIS = genesis()


@dataclass(frozen=True)
class Spec:
    kind: str
    key: int
    label: int


specs = st.builds(Spec, st.sampled_from(KINDS), st.integers(0, 2), st.integers(0, 5))
blocks = st.lists(st.lists(specs, max_size=6), min_size=1, max_size=6)


def build(blocks_of_specs: list[list[Spec]]) -> list[list[bytes]]:
    """Turn specs into signed transactions, tracking each key's next nonce like a client."""
    nonces = [0, 0, 0]
    seen: list[bytes] = [b"\x00"]
    out: list[list[bytes]] = []
    for block in blocks_of_specs:
        raws: list[bytes] = []
        for spec in block:
            key = KEYS[spec.key]
            digest = hashlib.sha256(b"doc-%d" % spec.label).digest()
            nonce = nonces[spec.key]
            chain, args, action = CHAIN_ID, {"digest": digest}, "anchor"
            if spec.kind == "batch":
                action = "anchor_batch"
                args = {"digests": [digest, hashlib.sha256(b"x%d" % spec.label).digest()]}
            elif spec.kind == "low nonce":
                nonce = max(0, nonce - 1) if nonce else 0
            elif spec.kind == "high nonce":
                nonce += 2
            elif spec.kind == "wrong chain":
                chain = "another-chain"
            elif spec.kind == "bad argument":
                args = {"digest": digest[:7]}
            if spec.kind == "garbage":
                raws.append(b"\xff" + bytes([spec.label]))
                continue
            if spec.kind == "repeat":
                raws.append(seen[spec.label % len(seen)])
                continue
            tx = sign_tx(
                key, chain_id=chain, nonce=nonce, module="evidence", action=action, args=args
            )
            raw = tx.raw
            if spec.kind == "forged":
                other = KEYS[(spec.key + 1) % 3]
                raw = (
                    b"\x82"
                    + tx.sign_bytes[len(SIGN_DOMAIN) :]
                    + encoding.encode(other.sign(tx.sign_bytes))
                )
            if spec.kind in ("anchor", "batch") and nonce == nonces[spec.key]:
                nonces[spec.key] += 1  # a valid tx with the right nonce consumes it
            raws.append(raw)
            seen.append(raw)
        out.append(raws)
    return out


def replay(path: Path, chain: Sequence[Sequence[bytes]]) -> tuple[list[Any], bytes, bytes]:
    """Run the blocks; returns per-height (app hash, results), final hash and a rebuilt root."""
    db = Database(path, sync=False)
    app = SenApp(db, GENESIS)
    try:
        app.init_chain(
            RequestInitChain(
                time=GENESIS.genesis_time,
                chain_id=CHAIN_ID,
                validators=(),
                app_state_bytes=GENESIS.app_state_bytes(),
                initial_height=1,
            )
        )
        trace: list[Any] = []
        for height, txs in enumerate(chain, start=1):
            response = app.finalize_block(
                RequestFinalizeBlock(
                    txs=tuple(txs),
                    hash=bytes(32),
                    height=height,
                    time=Timestamp(1_700_000_000 + 5 * height, 1000 * height),
                    next_validators_hash=bytes(32),
                    proposer_address=bytes(20),
                )
            )
            app.commit()
            results = [(r.code, r.data, r.events, r.log) for r in response.tx_results]
            assert len(results) == len(txs)
            trace.append((app.height, response.app_hash, results))
        with db.read() as txn, txn.cursor(db=db.table("state")) as cursor:
            state = [(bytes(k), bytes(v)) for k, v in cursor]
        rebuilt = TreeUpdate({}.get).apply(EMPTY, state)
        return trace, app.app_hash, rebuilt
    finally:
        app.verifier.close()
        db.close()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(blocks)
def test_replaying_the_same_blocks_gives_the_same_hashes_and_results(
    chain_specs: list[list[Spec]],
) -> None:
    chain = build(chain_specs)
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        trace_a, hash_a, rebuilt_a = replay(Path(first), chain)
        trace_b, hash_b, rebuilt_b = replay(Path(second), chain)
    assert trace_a == trace_b
    assert hash_a == hash_b
    assert rebuilt_a == hash_a, "state root differs from a from-scratch rebuild of the state"
    assert rebuilt_b == hash_b


def test_generated_chains_exercise_every_kind_of_result() -> None:
    """The generator must reach successes and each rejection, or the property proves little."""
    plan = [
        [Spec("anchor", 0, 1), Spec("batch", 1, 2), Spec("high nonce", 2, 0)],
        [Spec("low nonce", 0, 1), Spec("forged", 1, 3), Spec("wrong chain", 2, 4)],
        [Spec("bad argument", 2, 0), Spec("garbage", 0, 0), Spec("repeat", 0, 1)],
        [Spec("anchor", 2, 5)],
    ]
    with tempfile.TemporaryDirectory() as path:
        trace, _, _ = replay(Path(path), build(plan))
    codes = {code for _, _, results in trace for code, *_ in results}
    assert codes >= {
        int(ResultCode.OK),
        int(ResultCode.NONCE_TOO_HIGH),
        int(ResultCode.NONCE_TOO_LOW),
        int(ResultCode.BAD_SIGNATURE),
        int(ResultCode.WRONG_CHAIN),
        int(ResultCode.WRONG_DIGEST_LENGTH),
        int(ResultCode.MALFORMED),
    }
    hashes = [app_hash for _, app_hash, _ in trace]
    assert hashes[1] == hashes[0], "block 2 only holds failures that consume no nonce"
    assert hashes[3] != hashes[2], "a valid anchor changes the app hash"
