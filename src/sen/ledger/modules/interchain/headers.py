"""Verifying a counterparty's headers as CometBFT's light client does, inside consensus.

A *signed header* is a header, the commit for it and the validator set that
signed it (each in CometBFT's JSON form, as ``/v1/blocks`` and receipts give
them). It holds together when the set is the one the header names, the
commit is for this header, and more than 2/3 of the set signed.

Moving from a trusted consensus state (height T) to a header at height H > T:

* **adjacent** (H = T + 1): the header's validators must be the ones T named
  as next;
* **skipping** (H > T + 1): validators of T's next set holding more than the
  client's trust level (at least 1/3) of its power must have signed H, as
  well as more than 2/3 of H's own set (the "trusted validators" are given
  with the header, and must hash to what T named).

The trusted state must still be within the trusting period, and the header's
time after the trusted time and not beyond this chain's block time plus the
allowed clock drift. All times are block times; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.light.commit import verify_commit, verify_commit_light_trusting
from sen.ledger.light.errors import CommitError, LightError
from sen.ledger.light.header import header_hash
from sen.ledger.light.types import Commit, Header, ValidatorSet
from sen.ledger.modules.interchain.records import ClientState, ConsensusState
from sen.ledger.types import BlockInfo

__all__ = [
    "SignedHeader",
    "check_signed_header",
    "check_transition",
    "consensus_of",
    "read_signed_header",
]


@dataclass(frozen=True, slots=True)
class SignedHeader:
    header: Header
    commit: Commit
    validators: ValidatorSet

    @property
    def height(self) -> int:
        return self.header.height

    @property
    def time(self) -> tuple[int, int]:
        return self.header.time.seconds, self.header.time.nanos

    def hash(self) -> bytes:
        return header_hash(self.header)


def _invalid(field: str, reason: str, *, expected: str, got: object) -> TxRejected:
    return TxRejected(
        ResultCode.INVALID_HEADER, reason, field=field, expected=expected, got=str(got)[:120]
    )


def read_signed_header(args: Mapping[str, Any], field: str) -> SignedHeader:
    """``{header, commit, validators}`` under ``args`` (CometBFT JSON), read strictly."""
    parts: dict[str, Any] = {}
    for name, kind in (("header", Header), ("commit", Commit), ("validators", ValidatorSet)):
        value = args.get(name)
        try:
            parts[name] = kind.from_json(value)
        except (LightError, ValueError, TypeError, OverflowError) as exc:  # foreign bytes
            raise _invalid(
                f"{field}.{name}",
                f"not a CometBFT {name}: {exc}",
                expected=f"a {name} in CometBFT's JSON form",
                got=type(value).__name__ if not isinstance(value, dict) else "an object",
            ) from None
    return SignedHeader(parts["header"], parts["commit"], parts["validators"])


def check_signed_header(chain_id: str, signed: SignedHeader, field: str) -> None:
    """The header is of ``chain_id``, its set is the one it names, >2/3 of that set signed it."""
    header = signed.header
    if header.chain_id != chain_id:
        raise _invalid(
            f"{field}.header.chain_id",
            "a header of another chain",
            expected=chain_id,
            got=header.chain_id,
        )
    if signed.validators.hash() != header.validators_hash:
        raise _invalid(
            f"{field}.validators",
            "not the validator set the header names",
            expected=header.validators_hash.hex(),
            got=signed.validators.hash().hex(),
        )
    if signed.commit.block_id.hash != signed.hash():
        raise _invalid(
            f"{field}.commit.block_id",
            "the commit is for another block",
            expected=signed.hash().hex(),
            got=signed.commit.block_id.hash.hex(),
        )
    try:
        verify_commit(
            chain_id, signed.validators, signed.commit.block_id, header.height, signed.commit
        )
    except CommitError as exc:
        raise TxRejected(
            ResultCode.INSUFFICIENT_TRUST,
            f"the header's own validators did not commit it: {exc}",
            field=f"{field}.commit",
            expected="more than 2/3 of the header's validators, valid signatures",
            got=str(exc)[:120],
        ) from None


def check_transition(
    client: ClientState,
    trusted_height: int,
    trusted: ConsensusState,
    signed: SignedHeader,
    trusted_validators: ValidatorSet | None,
    block: BlockInfo,
    field: str,
) -> None:
    """``signed`` may follow the consensus state at ``trusted_height`` (module docstring)."""
    now = (block.time_seconds, block.time_nanos)
    expires = (trusted.time_seconds + client.trusting_period, trusted.time_nanos)
    if expires <= now:
        raise TxRejected(
            ResultCode.CLIENT_EXPIRED,
            "the trusted consensus state is older than the trusting period",
            field=f"{field}.trusted_height",
            expected=f"a state trusted after {now[0] - client.trusting_period} (unix seconds)",
            got=f"height {trusted_height}, time {trusted.time_seconds}",
        )
    if signed.height <= trusted_height:
        raise TxRejected(
            ResultCode.HEADER_NOT_NEWER,
            "the header is not above the trusted height",
            field=f"{field}.header.height",
            expected=f"more than {trusted_height}",
            got=signed.height,
        )
    check_not_from_future(client, signed, block, field)
    check_signed_header(client.chain_id, signed, field)
    if signed.height == trusted_height + 1:
        if signed.header.validators_hash != trusted.next_validators_hash:
            raise _invalid(
                f"{field}.header.validators_hash",
                "an adjacent header must be signed by the next validators the trusted one named",
                expected=trusted.next_validators_hash.hex(),
                got=signed.header.validators_hash.hex(),
            )
        return
    if trusted_validators is None or trusted_validators.hash() != trusted.next_validators_hash:
        raise _invalid(
            f"{field}.trusted_validators",
            "skipping heights needs the trusted state's next validator set",
            expected=trusted.next_validators_hash.hex(),
            got="none" if trusted_validators is None else trusted_validators.hash().hex(),
        )
    try:
        verify_commit_light_trusting(
            client.chain_id,
            trusted_validators,
            signed.commit,
            client.trust_numerator,
            client.trust_denominator,
        )
    except CommitError as exc:
        raise TxRejected(
            ResultCode.INSUFFICIENT_TRUST,
            f"the trusted validators did not sign enough of this header: {exc}",
            field=f"{field}.commit",
            expected=(
                f"more than {client.trust_numerator}/{client.trust_denominator} of the "
                "trusted set's power"
            ),
            got=str(exc)[:120],
        ) from None


def check_not_from_future(
    client: ClientState, signed: SignedHeader, block: BlockInfo, field: str
) -> None:
    limit = (block.time_seconds + client.max_clock_drift, block.time_nanos)
    if signed.time > limit:
        raise TxRejected(
            ResultCode.HEADER_FROM_FUTURE,
            "the header's time is ahead of this chain's time by more than the allowed drift",
            field=f"{field}.header.time",
            expected=f"at most {limit[0]} (unix seconds)",
            got=signed.time[0],
        )


def consensus_of(signed: SignedHeader) -> ConsensusState:
    header = signed.header
    return ConsensusState(
        time_seconds=header.time.seconds,
        time_nanos=header.time.nanos,
        root=header.app_hash,
        next_validators_hash=header.next_validators_hash,
    )
