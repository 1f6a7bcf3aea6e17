"""Validator set hashing as CometBFT v0.38 does it.

`ValidatorSet.Hash()` is the Merkle root (see `merkle`) of each validator's
`tendermint.types.SimpleValidator` encoding, in set order::

    message SimpleValidator {
      tendermint.crypto.PublicKey pub_key      = 1;  // oneof sum { bytes ed25519 = 1; }
      int64                       voting_power = 2;
    }

The address and proposer priority are not hashed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sen.ledger.light.merkle import hash_from_byte_slices

from . import _proto

if TYPE_CHECKING:
    from .types import Validator

__all__ = ["encode_simple_validator", "validator_set_hash"]


def encode_simple_validator(validator: Validator) -> bytes:
    public_key = _proto.bytes_field(1, validator.pub_key)  # PublicKey.ed25519
    return _proto.message_field(1, public_key) + _proto.int_field(2, validator.voting_power)


def validator_set_hash(validators: Sequence[Validator]) -> bytes:
    return hash_from_byte_slices([encode_simple_validator(v) for v in validators])
