"""Light-client formats and verifiers: CometBFT v0.38, byte for byte, no I/O.

Sen's embedded engine and real CometBFT networks produce the same header
hashes, vote sign-bytes and commits, so one verifier checks either. See
docs/adr/0002-cometbft-formats-by-hand.md for why this is written by hand.
"""

from sen.ledger.light.merkle import MerkleProof, hash_from_byte_slices, proofs_from_byte_slices

from .commit import commit_vote_sign_bytes, sign_commit, verify_commit, voting_power_needed
from .errors import (
    CommitBlockIDMismatch,
    CommitError,
    CommitHeightMismatch,
    CommitSizeMismatch,
    DecodeError,
    InsufficientVotingPower,
    InvalidField,
    InvalidSignature,
    InvalidValue,
    LeafHashMismatch,
    LightError,
    MalformedCommitSig,
    MissingField,
    ProofAuntCountMismatch,
    ProofError,
    ProofIndexOutOfRange,
    RootHashMismatch,
    StateProofError,
    UnexpectedField,
    ValidatorAddressMismatch,
)
from .header import encode_header, header_hash
from .parts import BLOCK_PART_SIZE, block_id, commit_hash, encode_block, part_set_header
from .results import exec_tx_result_bytes, result_proof, results_hash
from .txs import TxProof, data_hash, tx_hash, tx_proof
from .types import (
    BLOCK_PROTOCOL,
    GO_ZERO_TIME,
    BlockID,
    BlockIDFlag,
    Commit,
    CommitSig,
    Header,
    PartSetHeader,
    SignedMsgType,
    Timestamp,
    Validator,
    ValidatorSet,
    Version,
)
from .validators import validator_set_hash
from .vote import canonical_vote_sign_bytes

__all__ = [
    "BLOCK_PART_SIZE",
    "BLOCK_PROTOCOL",
    "GO_ZERO_TIME",
    "BlockID",
    "BlockIDFlag",
    "Commit",
    "CommitBlockIDMismatch",
    "CommitError",
    "CommitHeightMismatch",
    "CommitSig",
    "CommitSizeMismatch",
    "DecodeError",
    "Header",
    "InsufficientVotingPower",
    "InvalidField",
    "InvalidSignature",
    "InvalidValue",
    "LeafHashMismatch",
    "LightError",
    "MalformedCommitSig",
    "MerkleProof",
    "MissingField",
    "PartSetHeader",
    "ProofAuntCountMismatch",
    "ProofError",
    "ProofIndexOutOfRange",
    "RootHashMismatch",
    "SignedMsgType",
    "StateProofError",
    "Timestamp",
    "TxProof",
    "UnexpectedField",
    "Validator",
    "ValidatorAddressMismatch",
    "ValidatorSet",
    "Version",
    "block_id",
    "canonical_vote_sign_bytes",
    "commit_hash",
    "commit_vote_sign_bytes",
    "data_hash",
    "encode_block",
    "encode_header",
    "exec_tx_result_bytes",
    "hash_from_byte_slices",
    "header_hash",
    "part_set_header",
    "proofs_from_byte_slices",
    "result_proof",
    "results_hash",
    "sign_commit",
    "tx_hash",
    "tx_proof",
    "validator_set_hash",
    "verify_commit",
    "voting_power_needed",
]
