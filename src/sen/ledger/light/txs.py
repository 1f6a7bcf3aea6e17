"""Transaction hashes, the block data hash and transaction inclusion proofs.

As CometBFT v0.38's `Tx.Hash` and `Txs.Hash`: a transaction's hash is
sha256 of its bytes, and the data hash is the Merkle root of those hashes (so
a proof's leaf is the tx hash, not the tx).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sen.ledger.light.merkle import MerkleProof, hash_from_byte_slices, proof_from_byte_slices

from .errors import RootHashMismatch

__all__ = ["TxProof", "data_hash", "tx_hash", "tx_proof"]


def tx_hash(tx: bytes) -> bytes:
    return hashlib.sha256(tx).digest()


def data_hash(txs: Sequence[bytes]) -> bytes:
    """The header's ``data_hash`` for a block holding ``txs``."""
    return hash_from_byte_slices([tx_hash(tx) for tx in txs])


@dataclass(frozen=True, slots=True)
class TxProof:
    """`types.TxProof`: a transaction and the proof that it is in a block."""

    root_hash: bytes
    data: bytes
    proof: MerkleProof

    def verify(self, expected_data_hash: bytes) -> None:
        """Check this proof against a header's ``data_hash``; raises `ProofError`."""
        if self.root_hash != expected_data_hash:
            raise RootHashMismatch(expected=expected_data_hash, got=self.root_hash)
        self.proof.verify(self.root_hash, tx_hash(self.data))


def tx_proof(txs: Sequence[bytes], index: int) -> TxProof:
    """The proof that ``txs[index]`` is in the block whose data is ``txs``."""
    root, proof = proof_from_byte_slices([tx_hash(tx) for tx in txs], index)
    return TxProof(root_hash=root, data=txs[index], proof=proof)
