"""Recovering a frozen or expired light client by governance (proposal kind ``recover_client``).

A client that misbehaviour froze, or that nobody updated within its trusting
period, takes no more headers. IBC recovers it with ``MsgRecoverClient``: a
governance proposal names the stuck *subject* and a fresh, active
*substitute* client of the same chain, and the subject takes the
substitute's latest consensus state. The subject keeps its id, so its
counterparty pairing, sequences, commitments and receipts stay valid. The
substitute is left as it is.

Order of the checks when the proposal passes (``docs/spec/interchain.md`` §3):

1. both clients exist (``UNKNOWN_CLIENT``);
2. the subject is frozen or expired (``CLIENT_NOT_RECOVERABLE``);
3. the substitute is neither frozen (``CLIENT_FROZEN``) nor expired
   (``CLIENT_EXPIRED``);
4. the substitute's latest height is above the subject's (``SUBSTITUTE_NOT_NEWER``);
5. the substitute follows the same chain, with the same trust level and
   maximum clock drift (``SUBSTITUTE_MISMATCH``). Its trusting period may
   differ: the subject takes it, as in ibc-go.

Times are this chain's block time; nothing here reads a clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import reject_unknown_fields, require_text, type_name
from sen.ledger.modules.interchain.records import (
    CLIENT_ID_PREFIX,
    ClientState,
    ConsensusState,
    load_client,
    load_consensus,
    save_client,
    save_consensus,
)
from sen.ledger.state import Overlay, StateReader
from sen.ledger.types import BlockInfo

__all__ = ["parse_recover_client", "recover_client"]

SUBJECT = "subject_client_id"
SUBSTITUTE = "substitute_client_id"
CLIENT_ID = re.compile(re.escape(CLIENT_ID_PREFIX) + r"(0|[1-9][0-9]{0,18})")
PAYLOAD = "args.payload."


def parse_recover_client(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a ``recover_client`` proposal: two distinct client ids (stateless)."""
    reject_unknown_fields(
        payload,
        frozenset({SUBJECT, SUBSTITUTE}),
        prefix=PAYLOAD,
        code=ResultCode.INVALID_PROPOSAL,
        reason="unknown field",
    )
    subject = _client_id(payload, SUBJECT)
    substitute = _client_id(payload, SUBSTITUTE)
    if subject == substitute:
        raise TxRejected(
            ResultCode.INVALID_PROPOSAL,
            "a client cannot substitute itself",
            field=PAYLOAD + SUBSTITUTE,
            expected=f"a client other than {subject}",
            got=substitute,
        )
    return {SUBJECT: subject, SUBSTITUTE: substitute}


def _client_id(payload: Mapping[str, Any], key: str) -> str:
    if key not in payload:
        raise TxRejected(
            ResultCode.INVALID_PROPOSAL,
            "missing field",
            field=PAYLOAD + key,
            expected=f"{CLIENT_ID_PREFIX}<n>",
            got="nothing",
        )
    return require_text(
        payload[key],
        PAYLOAD + key,
        expected=f"{CLIENT_ID_PREFIX}<n>",
        reason="not a client id",
        code=ResultCode.INVALID_PROPOSAL,
        pattern=CLIENT_ID,
        got=_shown,
    )


def _shown(value: object) -> object:
    return value[:80] if isinstance(value, str) else type_name(value)


def recover_client(state: Overlay, payload: Mapping[str, Any], block: BlockInfo) -> None:
    """Give the subject the substitute's latest consensus state; refuse as the docstring says."""
    subject_id, substitute_id = str(payload[SUBJECT]), str(payload[SUBSTITUTE])
    subject = _existing(state, subject_id, SUBJECT)
    substitute = _existing(state, substitute_id, SUBSTITUTE)
    _require_stuck(state, subject_id, subject, block)
    fresh = _require_active(state, substitute_id, substitute, block)
    _require_newer(subject_id, subject, substitute_id, substitute)
    _require_matching(subject, substitute_id, substitute)
    save_consensus(state, subject_id, substitute.latest_height, fresh)
    recovered = replace(
        subject,
        latest_height=substitute.latest_height,
        frozen_height=0,
        trusting_period=substitute.trusting_period,
        usable_from=substitute.latest_height,  # what it held before may be forged: void
    )
    save_client(state, subject_id, recovered)


def _existing(state: StateReader, client_id: str, key: str) -> ClientState:
    client = load_client(state, client_id)
    if client is None:
        raise TxRejected(
            ResultCode.UNKNOWN_CLIENT,
            "no such light client",
            field=PAYLOAD + key,
            expected="a client made with interchain.create_client",
            got=client_id,
        )
    return client


def _expiry(client: ClientState, latest: ConsensusState | None) -> tuple[int, int] | None:
    """When the client's latest consensus state stops being trusted (None: it has none)."""
    if latest is None:
        return None
    return latest.time_seconds + client.trusting_period, latest.time_nanos


def _now(block: BlockInfo) -> tuple[int, int]:
    return block.time_seconds, block.time_nanos


def _require_stuck(
    state: StateReader, client_id: str, client: ClientState, block: BlockInfo
) -> None:
    if client.frozen:
        return
    expires = _expiry(client, load_consensus(state, client_id, client.latest_height))
    if expires is None or expires <= _now(block):
        return
    raise TxRejected(
        ResultCode.CLIENT_NOT_RECOVERABLE,
        "the client is active: only a frozen or expired client is recovered",
        field=PAYLOAD + SUBJECT,
        expected="a frozen client, or one whose latest consensus state is older than its "
        "trusting period",
        got=f"{client_id}, active until {expires[0]} (unix seconds)",
    )


def _require_active(
    state: StateReader, client_id: str, client: ClientState, block: BlockInfo
) -> ConsensusState:
    """The substitute's latest consensus state, which must still be trusted."""
    if client.frozen:
        raise TxRejected(
            ResultCode.CLIENT_FROZEN,
            "the substitute is frozen",
            field=PAYLOAD + SUBSTITUTE,
            expected="an active client",
            got=f"{client_id}, frozen at height {client.frozen_height}",
        )
    latest = load_consensus(state, client_id, client.latest_height)
    expires = _expiry(client, latest)
    if latest is None or expires is None or expires <= _now(block):
        raise TxRejected(
            ResultCode.CLIENT_EXPIRED,
            "the substitute is expired",
            field=PAYLOAD + SUBSTITUTE,
            expected=f"a client trusted after {block.time_seconds} (unix seconds)",
            got=f"{client_id}, expired at {expires[0] if expires else 0}",
        )
    return latest


def _require_newer(
    subject_id: str, subject: ClientState, substitute_id: str, substitute: ClientState
) -> None:
    if substitute.latest_height <= subject.latest_height:
        raise TxRejected(
            ResultCode.SUBSTITUTE_NOT_NEWER,
            "the substitute's latest height is not above the subject's",
            field=PAYLOAD + SUBSTITUTE,
            expected=f"above {subject.latest_height} ({subject_id})",
            got=f"{substitute.latest_height} ({substitute_id})",
        )


def _require_matching(subject: ClientState, substitute_id: str, substitute: ClientState) -> None:
    """Chain, trust level and clock drift must be the subject's; the trusting period may differ."""
    pairs = (
        ("chain id", subject.chain_id, substitute.chain_id),
        (
            "trust level",
            f"{subject.trust_numerator}/{subject.trust_denominator}",
            f"{substitute.trust_numerator}/{substitute.trust_denominator}",
        ),
        ("max clock drift", str(subject.max_clock_drift), str(substitute.max_clock_drift)),
    )
    for name, wanted, found in pairs:
        if wanted != found:
            raise TxRejected(
                ResultCode.SUBSTITUTE_MISMATCH,
                f"the substitute's {name} is not the subject's",
                field=PAYLOAD + SUBSTITUTE,
                expected=f"{name} {wanted}",
                got=f"{name} {found} ({substitute_id})",
            )
