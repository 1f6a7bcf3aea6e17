"""Light clients of another chain, on a permissioned chain: create, update, refuse, freeze.

The counterparty's headers are made and signed here (``counterparty.py``) so
that each refusal can be provoked exactly: another chain's header, a set that
is not the header's, too few signatures, validators the client does not trust,
an expired trusted state, a header from the future, and misbehaviour (two
headers at one height, time going backwards) which freezes the client.
The chain under test's block time is ``GENESIS_SECONDS + 10 × height``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consortium import GENESIS_SECONDS
from counterparty import CHAIN_ID, signed_header, validator_key, validator_set
from trust_chain import TrustChain, replay_blocks

from sen.ledger.codes import ResultCode
from sen.ledger.light.header import header_hash
from sen.ledger.light.types import Header
from sen.ledger.modules.interchain import load_client, load_consensus

V = [validator_key(n) for n in range(6)]
T0 = GENESIS_SECONDS - 100  # the counterparty's header times start here
PERIOD = 3600


def create(chain: TrustChain, **extra: Any) -> str:
    args = {**signed_header(5, T0, V[:4]), "trusting_period": PERIOD, **extra}
    result = chain.ok(chain.admins[0], "interchain", "create_client", args)
    return result.data.decode()


def update(
    chain: TrustChain, client: str, signed: dict[str, Any], trusted: int, **extra: Any
) -> Any:
    args = {"client_id": client, **signed, "trusted_height": trusted, **extra}
    return chain.run(chain.writer, "interchain", "update_client", args)


def test_a_client_starts_from_a_signed_header(chain: TrustChain) -> None:
    client_id = create(chain)
    assert client_id == "sen-client-0"
    client = load_client(chain.store, client_id)
    assert client is not None
    assert (client.chain_id, client.latest_height, client.frozen) == (CHAIN_ID, 5, False)
    assert (client.trust_numerator, client.trust_denominator) == (1, 3)
    header = Header.from_json(signed_header(5, T0, V[:4])["header"])
    consensus = load_consensus(chain.store, client_id, 5)
    assert consensus is not None
    assert consensus.root == header.app_hash
    assert consensus.next_validators_hash == validator_set(V[:4]).hash()
    assert create(chain) == "sen-client-1"


def test_creating_refuses_what_does_not_hold_together(chain: TrustChain) -> None:
    good = {**signed_header(5, T0, V[:4]), "trusting_period": PERIOD}
    other_set = {**good, "validators": validator_set(V[1:5]).to_json()}
    too_few = {**signed_header(5, T0, V[:4], signers=V[:2]), "trusting_period": PERIOD}
    old = {**signed_header(5, T0 - 2 * PERIOD, V[:4]), "trusting_period": PERIOD}
    future = {**signed_header(5, GENESIS_SECONDS + 10_000, V[:4]), "trusting_period": PERIOD}
    cases: list[tuple[dict[str, Any], ResultCode, str]] = [
        (other_set, ResultCode.INVALID_HEADER, "args.validators"),
        (too_few, ResultCode.INSUFFICIENT_TRUST, "args.commit"),
        (old, ResultCode.CLIENT_EXPIRED, "args.header.time"),
        (future, ResultCode.HEADER_FROM_FUTURE, "args.header.time"),
        (
            {**good, "trust_level": {"numerator": 1, "denominator": 4}},
            ResultCode.INVALID_CLIENT_PARAMS,
            "args.trust_level",
        ),
        ({**good, "trusting_period": 0}, ResultCode.INVALID_CLIENT_PARAMS, "args.trusting_period"),
        (
            {**good, "trust_level": {"numerator": 1, "denominator": 1}},  # never reachable
            ResultCode.INVALID_CLIENT_PARAMS,
            "args.trust_level",
        ),
        (_non_ascii_signature(good), ResultCode.INVALID_HEADER, "args.commit"),
        ({**good, "header": {"height": "5"}}, ResultCode.INVALID_HEADER, "args.header"),
    ]
    for args, code, field in cases:
        chain.refuse(chain.admins[0], "interchain", "create_client", args, code, field)
    assert load_client(chain.store, "sen-client-0") is None
    refused = chain.run(chain.writer, "interchain", "create_client", good)  # not an admin
    assert refused.code != 0


def _non_ascii_signature(args: dict[str, Any]) -> dict[str, Any]:
    """A signature that is not base64 at all (a character outside ASCII): a refusal, not a
    crash inside consensus."""
    commit = {**args["commit"], "signatures": [dict(s) for s in args["commit"]["signatures"]]}
    commit["signatures"][0]["signature"] = "é" * 88
    return {**args, "commit": commit}


def test_adjacent_and_skipping_updates(chain: TrustChain) -> None:
    client_id = create(chain)
    assert update(chain, client_id, signed_header(6, T0 + 5, V[:4]), 5).code == 0
    # the set changes at 7 (6 named it as next): skipping from 6 to 9 with one new validator
    assert update(chain, client_id, signed_header(7, T0 + 10, V[:4], V[1:5]), 6).code == 0
    skip = signed_header(9, T0 + 20, V[1:5])
    result = update(chain, client_id, skip, 7, trusted_validators=validator_set(V[1:5]).to_json())
    assert result.code == 0, result.log
    client = load_client(chain.store, client_id)
    assert client is not None and client.latest_height == 9
    assert load_consensus(chain.store, client_id, 9) is not None
    assert load_consensus(chain.store, client_id, 8) is None


def test_updates_that_must_be_refused(chain: TrustChain) -> None:
    client_id = create(chain)
    base = {"client_id": client_id}
    strangers = signed_header(8, T0 + 15, V[2:6])  # 2 of 4 trusted: under 1/3? no: 20 of 40
    unknown_signers = signed_header(8, T0 + 15, [V[4], V[5], validator_key(9), validator_key(10)])
    cases: list[tuple[dict[str, Any], ResultCode, str]] = [
        (
            {**signed_header(5, T0, V[:4]), "trusted_height": 5},
            ResultCode.HEADER_NOT_NEWER,
            "args.header.height",
        ),
        (
            {**signed_header(6, T0 + 5, V[:4]), "trusted_height": 4},
            ResultCode.UNKNOWN_CONSENSUS_STATE,
            "args.trusted_height",
        ),
        (
            {**signed_header(6, T0 + 5, V[1:5]), "trusted_height": 5},
            ResultCode.INVALID_HEADER,
            "args.header.validators_hash",
        ),
        (
            {**signed_header(8, T0 + 15, V[:4]), "trusted_height": 5},
            ResultCode.INVALID_HEADER,
            "args.trusted_validators",
        ),
        (
            {
                **unknown_signers,
                "trusted_height": 5,
                "trusted_validators": validator_set(V[:4]).to_json(),
            },
            ResultCode.INSUFFICIENT_TRUST,
            "args.commit",
        ),
        (
            {**signed_header(6, T0 + 5, V[:4], chain_id="other"), "trusted_height": 5},
            ResultCode.INVALID_HEADER,
            "args.header.chain_id",
        ),
        (
            {**signed_header(6, GENESIS_SECONDS + 10_000, V[:4]), "trusted_height": 5},
            ResultCode.HEADER_FROM_FUTURE,
            "args.header.time",
        ),
    ]
    for args, code, field in cases:
        chain.refuse(chain.writer, "interchain", "update_client", {**base, **args}, code, field)
    # half of the trusted power (more than 1/3) vouches for a new set: accepted
    trusted = validator_set(V[:4]).to_json()
    assert update(chain, client_id, strangers, 5, trusted_validators=trusted).code == 0
    chain.refuse(
        chain.writer,
        "interchain",
        "update_client",
        {"client_id": "sen-client-7", **signed_header(9, T0 + 20, V[2:6]), "trusted_height": 8},
        ResultCode.UNKNOWN_CLIENT,
        "args.client_id",
    )


def test_an_expired_client_takes_no_updates(chain: TrustChain) -> None:
    client_id = create(chain, trusting_period=200)
    for _ in range(25):  # 250 s of this chain's time
        chain.block()
    chain.refuse(
        chain.writer,
        "interchain",
        "update_client",
        {"client_id": client_id, **signed_header(6, T0 + 5, V[:4]), "trusted_height": 5},
        ResultCode.CLIENT_EXPIRED,
        "args.trusted_height",
    )


def test_two_headers_at_one_height_freeze_the_client(chain: TrustChain) -> None:
    client_id = create(chain)
    one = signed_header(7, T0 + 10, V[:4])
    two = signed_header(7, T0 + 10, V[:4], app_hash=bytes(32))  # the same validators, forking
    trusted = validator_set(V[:4]).to_json()
    evidence = [
        {**one, "trusted_height": 5, "trusted_validators": trusted},
        {**two, "trusted_height": 5, "trusted_validators": trusted},
    ]
    same = {"client_id": client_id, "first": evidence[0], "second": evidence[0]}
    chain.refuse(
        chain.writer,
        "interchain",
        "submit_misbehaviour",
        same,
        ResultCode.NOT_MISBEHAVIOUR,
        "args.second",
    )
    result = chain.ok(
        chain.writer,
        "interchain",
        "submit_misbehaviour",
        {"client_id": client_id, "first": evidence[0], "second": evidence[1]},
    )
    assert result.data == b"frozen"
    assert [e.type for e in result.events] == ["interchain.client_frozen"]
    client = load_client(chain.store, client_id)
    assert client is not None and client.frozen_height == 7
    chain.refuse(
        chain.writer,
        "interchain",
        "update_client",
        {"client_id": client_id, **signed_header(6, T0 + 5, V[:4]), "trusted_height": 5},
        ResultCode.CLIENT_FROZEN,
        "args.client_id",
    )


def test_a_later_header_with_an_earlier_time_freezes_the_client(chain: TrustChain) -> None:
    client_id = create(chain)
    assert update(chain, client_id, signed_header(6, T0 + 50, V[:4]), 5).code == 0
    backwards = signed_header(7, T0 + 40, V[:4])
    result = update(chain, client_id, backwards, 6)
    assert result.code == 0 and result.data == b"frozen"
    client = load_client(chain.store, client_id)
    assert client is not None and client.frozen and client.latest_height == 6


def test_forged_signatures_are_refused(chain: TrustChain) -> None:
    client_id = create(chain)
    forged = signed_header(6, T0 + 5, V[:4])
    forged["commit"]["signatures"][0]["signature"] = forged["commit"]["signatures"][1]["signature"]
    chain.refuse(
        chain.writer,
        "interchain",
        "update_client",
        {"client_id": client_id, **forged, "trusted_height": 5},
        ResultCode.INSUFFICIENT_TRUST,
        "args.commit",
    )
    # a header changed after it was signed: the commit is for another block
    changed = signed_header(6, T0 + 5, V[:4])
    changed["header"]["app_hash"] = "00" * 32
    chain.refuse(
        chain.writer,
        "interchain",
        "update_client",
        {"client_id": client_id, **changed, "trusted_height": 5},
        ResultCode.INVALID_HEADER,
        "args.commit.block_id",
    )
    assert (
        header_hash(Header.from_json(changed["header"])).hex()
        != changed["commit"]["block_id"]["hash"].lower()
    )


def test_replaying_the_blocks_gives_the_same_app_hashes(chain: TrustChain, tmp_path: Path) -> None:
    """Light-client verification runs inside consensus: every replay must agree, refusals too."""
    client_id = create(chain)
    update(chain, client_id, signed_header(6, T0 + 5, V[:4]), 5)
    update(chain, client_id, signed_header(6, T0 + 5, V[:4]), 5)  # refused: not newer
    update(
        chain,
        client_id,
        signed_header(9, T0 + 20, V[1:5]),
        6,
        trusted_validators=validator_set(V[:4]).to_json(),
    )
    replayed = replay_blocks(chain, tmp_path / "replay")
    assert [app_hash for app_hash, _ in replayed] == chain.app_hashes
    assert [r.code for _, results in replayed for r in results][-3:] == [
        0,
        ResultCode.HEADER_NOT_NEWER,
        0,
    ]
