"""The last-results hash over deterministic `ExecTxResult`s (CometBFT v0.38).

CometBFT hashes only the deterministic part of each transaction result::

    message ExecTxResult {
      uint32 code       = 1;
      bytes  data       = 2;
      int64  gas_wanted = 5;
      int64  gas_used   = 6;
      // log, info, events and codespace are not hashed
    }

and the header's ``last_results_hash`` is the Merkle root of those encodings.
"""

from __future__ import annotations

from collections.abc import Sequence

from sen.ledger.light.merkle import MerkleProof, hash_from_byte_slices, proof_from_byte_slices

from . import _proto

__all__ = ["exec_tx_result_bytes", "result_proof", "results_hash"]


def exec_tx_result_bytes(code: int, data: bytes, gas_wanted: int, gas_used: int) -> bytes:
    """The deterministic `ExecTxResult` encoding of one transaction's result."""
    return b"".join(
        (
            _proto.uint_field(1, code, maximum=_proto.UINT32_MAX),
            _proto.bytes_field(2, data),
            _proto.int_field(5, gas_wanted),
            _proto.int_field(6, gas_used),
        )
    )


def results_hash(results: Sequence[bytes]) -> bytes:
    """Merkle root of encoded results (from `exec_tx_result_bytes`)."""
    return hash_from_byte_slices(results)


def result_proof(results: Sequence[bytes], index: int) -> tuple[bytes, MerkleProof]:
    """The results hash and the proof of ``results[index]`` under it."""
    return proof_from_byte_slices(results, index)
