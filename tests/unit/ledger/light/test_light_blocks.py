"""Transactions, results, block encoding, part sets and commit hashes."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from sen.ledger.light import (
    GO_ZERO_TIME,
    BlockID,
    BlockIDFlag,
    Commit,
    CommitSig,
    Header,
    PartSetHeader,
    ProofError,
    RootHashMismatch,
    Timestamp,
    Version,
    block_id,
    commit_hash,
    data_hash,
    encode_block,
    exec_tx_result_bytes,
    hash_from_byte_slices,
    header_hash,
    part_set_header,
    result_proof,
    results_hash,
    tx_hash,
    tx_proof,
)
from sen.ledger.light.parts import EMPTY_EVIDENCE_HASH

TXS = [f"tx-{i}".encode() for i in range(10)]


def test_tx_hash_is_sha256() -> None:
    assert tx_hash(b"abc") == hashlib.sha256(b"abc").digest()


def test_data_hash_is_merkle_of_tx_hashes_not_txs() -> None:
    assert data_hash(TXS) == hash_from_byte_slices([tx_hash(tx) for tx in TXS])
    assert data_hash(TXS) != hash_from_byte_slices(TXS)
    assert data_hash([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("index", range(10))
def test_tx_proofs_verify_against_the_data_hash(index: int) -> None:
    proof = tx_proof(TXS, index)
    assert proof.data == TXS[index]
    proof.verify(data_hash(TXS))


def test_tx_proof_for_another_block_or_tx_fails() -> None:
    proof = tx_proof(TXS, 3)
    with pytest.raises(RootHashMismatch):
        proof.verify(data_hash(TXS[:-1]))
    with pytest.raises(ProofError):
        replace(proof, data=b"forged").verify(data_hash(TXS))
    with pytest.raises(ProofError):
        tx_proof(TXS, 10)


@pytest.mark.parametrize(
    ("args", "encoded"),
    [
        ((0, b"", 0, 0), ""),
        ((1, b"", 0, 0), "0801"),
        ((0, b"ok", 0, 0), "12026f6b"),
        ((0, b"", 100, 42), "2864302a"),
        ((0, b"", -1, 0), "28ffffffffffffffffff01"),
    ],
)
def test_exec_tx_result_bytes(args: tuple[int, bytes, int, int], encoded: str) -> None:
    assert exec_tx_result_bytes(*args).hex() == encoded


def test_result_proofs() -> None:
    results = [exec_tx_result_bytes(i % 3, bytes([i]), 10, i) for i in range(6)]
    for index in range(6):
        root, proof = result_proof(results, index)
        assert root == results_hash(results)
        proof.verify(root, results[index])


def make_header(**changes: object) -> Header:
    header = Header(
        version=Version(),
        chain_id="sen-test",
        height=1,
        time=Timestamp(1_700_000_000, 0),
        last_block_id=BlockID.zero(),
        last_commit_hash=b"",
        data_hash=data_hash(TXS),
        validators_hash=b"\x01" * 32,
        next_validators_hash=b"\x01" * 32,
        consensus_hash=b"\x02" * 32,
        app_hash=b"",
        last_results_hash=b"",
        evidence_hash=EMPTY_EVIDENCE_HASH,
        proposer_address=b"\x03" * 20,
    )
    return replace(header, **changes)  # type: ignore[arg-type]


def test_block_encoding_writes_empty_data_and_evidence_and_omits_nil_commit() -> None:
    header = make_header(data_hash=b"")
    encoded = encode_block(header, [], None)
    assert encoded.endswith(b"\x12\x00\x1a\x00")  # Data{} and EvidenceList{}
    empty_commit = Commit(0, 0, BlockID.zero(), ())
    assert encode_block(header, [], empty_commit) == encoded + bytes.fromhex("22041a021200")


def test_part_set_header_splits_into_parts() -> None:
    data = bytes(range(256)) * 10  # 2,560 bytes
    assert part_set_header(data, 1024) == PartSetHeader(
        3, hash_from_byte_slices([data[:1024], data[1024:2048], data[2048:]])
    )
    assert part_set_header(data).total == 1
    assert part_set_header(b"").total == 0
    with pytest.raises(ValueError):
        part_set_header(data, 0)


def test_block_id_combines_header_hash_and_parts() -> None:
    header = make_header()
    encoded = encode_block(header, TXS, None)
    assert block_id(header_hash(header), encoded) == BlockID(
        header_hash(header), part_set_header(encoded)
    )


def test_commit_hash_covers_every_signature_slot() -> None:
    commit_sig = CommitSig(BlockIDFlag.COMMIT, b"\x05" * 20, Timestamp(1, 0), b"\x06" * 64)
    commit = Commit(1, 0, BlockID(b"\x07" * 32, PartSetHeader(1, b"\x08" * 32)), (commit_sig,))
    with_absent = replace(commit, signatures=(commit_sig, CommitSig.absent()))
    assert commit_hash(commit) != commit_hash(with_absent)
    assert CommitSig.absent().timestamp == GO_ZERO_TIME
    # Height, round and block id are not part of Commit.Hash().
    assert commit_hash(replace(commit, height=2, round=3)) == commit_hash(commit)
