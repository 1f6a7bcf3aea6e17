"""The consensus validator set as ledger state, and how updates to it combine.

The set is kept in state (``chain/validators``) from genesis on, so that
governance can check a change against it (the last validator cannot be
removed) and anyone can prove the set with a state proof. Updates made by a
block's transactions reach consensus through FinalizeBlock; CometBFT applies
them two heights later.
"""

from __future__ import annotations

from collections.abc import Iterable

from sen.ledger import encoding
from sen.ledger.state import StateReader
from sen.ledger.types import ValidatorChange

VALIDATORS_KEY = b"chain/validators"
KEY_TYPES = {"ed25519": 32}


def encode_validator_set(validators: Iterable[ValidatorChange]) -> bytes:
    """Canonical form: [[type, key, power], ...] ordered by key; zero power left out."""
    rows = sorted(
        ([v.pub_key_type, v.pub_key, v.power] for v in validators if v.power > 0),
        key=lambda row: (row[1], row[0]),
    )
    return encoding.encode(rows)


def load_validator_set(state: StateReader) -> list[ValidatorChange]:
    raw = state.get(VALIDATORS_KEY)
    if raw is None:
        return []
    return [ValidatorChange(str(t), bytes(k), int(p)) for t, k, p in encoding.decode(raw)]


def apply_validator_change(
    validators: list[ValidatorChange], change: ValidatorChange
) -> list[ValidatorChange]:
    """The set after ``change`` (power 0 removes; an existing key gets the new power)."""
    kept = [v for v in validators if v.pub_key != change.pub_key]
    if change.power > 0:
        kept.append(change)
    return sorted(kept, key=lambda v: v.pub_key)


def merge_validator_updates(updates: Iterable[ValidatorChange]) -> list[ValidatorChange]:
    """One update per key, the last one given winning (CometBFT refuses duplicates)."""
    last: dict[bytes, ValidatorChange] = {}
    for update in updates:
        last[update.pub_key] = update
    return [last[key] for key in sorted(last)]
