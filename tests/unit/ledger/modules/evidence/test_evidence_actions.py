"""The evidence module: anchor one digest or a batch; every bad argument named with its code."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.light.merkle import hash_from_byte_slices
from sen.ledger.modules import find_action
from sen.ledger.modules.base import Action, Context
from sen.ledger.modules.evidence import DIGEST_ALGORITHMS
from sen.ledger.modules.evidence.digests import digest_bytes, digest_file
from sen.ledger.state import EmptyState, Overlay
from sen.ledger.types import BlockInfo, ChainParams

PARAMS = ChainParams(chain_id="sen-test", max_batch_digests=3)
D1, D2, D3, D4 = (hashlib.sha256(bytes([i])).digest() for i in range(4))


def action(name: str) -> Action:
    found = find_action("evidence", name)
    assert found is not None
    return found


ANCHOR = action("anchor")
BATCH = action("anchor_batch")

ANCHOR_REJECTIONS: list[tuple[str, dict[str, Any], ResultCode, str]] = [
    ("missing digest", {}, ResultCode.INVALID_ARGUMENT, "args.digest"),
    ("digest as text", {"digest": D1.hex()}, ResultCode.INVALID_ARGUMENT, "args.digest"),
    ("digest as int", {"digest": 5}, ResultCode.INVALID_ARGUMENT, "args.digest"),
    ("empty digest", {"digest": b""}, ResultCode.WRONG_DIGEST_LENGTH, "args.digest"),
    (
        "unknown algorithm",
        {"digest": D1, "algorithm": "md5"},
        ResultCode.UNKNOWN_DIGEST_ALGORITHM,
        "args.algorithm",
    ),
    (
        "algorithm in upper case",
        {"digest": D1, "algorithm": "SHA-256"},
        ResultCode.UNKNOWN_DIGEST_ALGORITHM,
        "args.algorithm",
    ),
    (
        "algorithm not text",
        {"digest": D1, "algorithm": 256},
        ResultCode.UNKNOWN_DIGEST_ALGORITHM,
        "args.algorithm",
    ),
    ("unknown argument", {"digest": D1, "note": "x"}, ResultCode.INVALID_ARGUMENT, "args.note"),
    ("plural digests", {"digests": [D1]}, ResultCode.INVALID_ARGUMENT, "args.digests"),
    (
        "title too long",
        {"digest": D1, "title": "t" * 257},
        ResultCode.INVALID_ARGUMENT,
        "args.title",
    ),
    (
        "title too long in UTF-8 bytes",
        {"digest": D1, "title": "ế" * 86},  # 86 characters, 258 bytes
        ResultCode.INVALID_ARGUMENT,
        "args.title",
    ),
    ("title not text", {"digest": D1, "title": b"t"}, ResultCode.INVALID_ARGUMENT, "args.title"),
    (
        "organisation too long",
        {"digest": D1, "organisation": "o" * 257},
        ResultCode.INVALID_ARGUMENT,
        "args.organisation",
    ),
    (
        "reference too long",
        {"digest": D1, "reference": "r" * 513},
        ResultCode.INVALID_ARGUMENT,
        "args.reference",
    ),
    (
        "reference not text",
        {"digest": D1, "reference": 7},
        ResultCode.INVALID_ARGUMENT,
        "args.reference",
    ),
]


@pytest.mark.parametrize(
    ("label", "args", "code", "field"), ANCHOR_REJECTIONS, ids=[r[0] for r in ANCHOR_REJECTIONS]
)
def test_anchor_argument_rejections(
    label: str, args: dict[str, Any], code: ResultCode, field: str
) -> None:
    with pytest.raises(TxRejected) as caught:
        ANCHOR.parse(args, PARAMS)
    assert caught.value.code == code
    assert caught.value.field == field


WRONG_LENGTHS = [
    (algorithm, length + delta)
    for algorithm, (length, _) in DIGEST_ALGORITHMS.items()
    for delta in (-1, 1)
]


@pytest.mark.parametrize(("algorithm", "size"), WRONG_LENGTHS)
def test_digest_length_must_match_its_algorithm(algorithm: str, size: int) -> None:
    for act, args in (
        (ANCHOR, {"algorithm": algorithm, "digest": b"\x01" * size}),
        (BATCH, {"algorithm": algorithm, "digests": [b"\x01" * size]}),
    ):
        with pytest.raises(TxRejected) as caught:
            act.parse(args, PARAMS)
        assert caught.value.code == ResultCode.WRONG_DIGEST_LENGTH
        assert caught.value.field in ("args.digest", "args.digests[0]")


@pytest.mark.parametrize("algorithm", sorted(DIGEST_ALGORITHMS))
def test_each_algorithm_accepts_its_own_digest_length(algorithm: str) -> None:
    digest = digest_bytes(b"document", algorithm)
    parsed = ANCHOR.parse({"algorithm": algorithm, "digest": digest}, PARAMS)
    assert parsed.algorithm == algorithm  # type: ignore[attr-defined]
    assert parsed.digest == digest  # type: ignore[attr-defined]


def test_metadata_at_exactly_the_limits_is_accepted() -> None:
    args = {"digest": D1, "title": "t" * 256, "organisation": "ồ" * 85, "reference": "r" * 512}
    parsed = ANCHOR.parse(args, PARAMS)
    assert parsed.metadata.organisation == "ồ" * 85  # type: ignore[attr-defined]


def test_default_algorithm_is_sha_256() -> None:
    parsed = ANCHOR.parse({"digest": D1}, PARAMS)
    assert parsed.algorithm == "sha-256"  # type: ignore[attr-defined]


BATCH_REJECTIONS: list[tuple[str, dict[str, Any], ResultCode, str]] = [
    ("missing digests", {}, ResultCode.INVALID_ARGUMENT, "args.digests"),
    ("digests not an array", {"digests": D1}, ResultCode.INVALID_ARGUMENT, "args.digests"),
    ("empty batch", {"digests": []}, ResultCode.BATCH_EMPTY, "args.digests"),
    ("batch over max", {"digests": [D1, D2, D3, D4]}, ResultCode.BATCH_TOO_LARGE, "args.digests"),
    ("duplicate", {"digests": [D1, D2, D1]}, ResultCode.DUPLICATE_IN_BATCH, "args.digests[2]"),
    ("adjacent duplicate", {"digests": [D2, D2]}, ResultCode.DUPLICATE_IN_BATCH, "args.digests[1]"),
    ("item wrong type", {"digests": [D1, "x"]}, ResultCode.INVALID_ARGUMENT, "args.digests[1]"),
    (
        "item wrong length",
        {"digests": [D1, D2[:31]]},
        ResultCode.WRONG_DIGEST_LENGTH,
        "args.digests[1]",
    ),
    (
        "unknown algorithm",
        {"digests": [D1], "algorithm": "crc32"},
        ResultCode.UNKNOWN_DIGEST_ALGORITHM,
        "args.algorithm",
    ),
    ("singular digest", {"digest": D1}, ResultCode.INVALID_ARGUMENT, "args.digest"),
    (
        "title too long",
        {"digests": [D1], "title": "t" * 257},
        ResultCode.INVALID_ARGUMENT,
        "args.title",
    ),
]


@pytest.mark.parametrize(
    ("label", "args", "code", "field"), BATCH_REJECTIONS, ids=[r[0] for r in BATCH_REJECTIONS]
)
def test_batch_argument_rejections(
    label: str, args: dict[str, Any], code: ResultCode, field: str
) -> None:
    with pytest.raises(TxRejected) as caught:
        BATCH.parse(args, PARAMS)
    assert caught.value.code == code
    assert caught.value.field == field


def test_batch_of_exactly_max_digests_is_accepted() -> None:
    parsed = BATCH.parse({"digests": [D1, D2, D3]}, PARAMS)
    assert parsed.digests == (D1, D2, D3)  # type: ignore[attr-defined]


def context(state: Overlay, height: int, tx_index: int) -> Context:
    block = BlockInfo(height, 1_700_000_000 + height, 0, bytes(20))
    return Context(state, block, PARAMS, bytes([tx_index]) * 32, tx_index, b"\x09" * 20)


def test_anchor_writes_no_state_and_emits_its_event() -> None:
    state = Overlay(EmptyState())
    parsed = ANCHOR.parse({"digest": D1, "organisation": "Sở Tư pháp"}, PARAMS)
    outcome = ANCHOR.execute(context(state, 7, 3), parsed)
    assert len(state) == 0  # anchorings live in blocks and the index, not the state tree
    assert outcome.data == b""
    (event,) = outcome.events
    assert event.type == "evidence.anchor"
    indexed = {a.key: a.value for a in event.attributes if a.index}
    assert indexed == {"organisation": "Sở Tư pháp"}


def test_anchor_without_metadata_has_an_event_with_no_attributes() -> None:
    outcome = ANCHOR.execute(
        context(Overlay(EmptyState()), 1, 0), ANCHOR.parse({"digest": D1}, PARAMS)
    )
    assert [(e.type, e.attributes) for e in outcome.events] == [("evidence.anchor", ())]


def test_index_keys_name_every_digest_with_its_leaf() -> None:
    single = ANCHOR.index_keys(ANCHOR.parse({"digest": D1}, PARAMS))
    assert single == [("by_digest", b"sha-256/" + D1, 0)]
    batch = BATCH.index_keys(BATCH.parse({"digests": [D2, D1], "algorithm": "sha-256"}, PARAMS))
    assert batch == [("by_digest", b"sha-256/" + D2, 0), ("by_digest", b"sha-256/" + D1, 1)]


def test_same_digest_under_two_algorithms_is_indexed_apart() -> None:
    digest = b"\x05" * 32
    sha2 = ANCHOR.index_keys(ANCHOR.parse({"digest": digest}, PARAMS))
    sha3 = ANCHOR.index_keys(ANCHOR.parse({"digest": digest, "algorithm": "sha3-256"}, PARAMS))
    assert sha2[0][1] != sha3[0][1]


@pytest.mark.parametrize("count", [1, 2, 3])
def test_batch_root_is_the_cometbft_merkle_root_of_its_digests(count: int) -> None:
    digests = [D1, D2, D3][:count]
    state = Overlay(EmptyState())
    outcome = BATCH.execute(context(state, 4, 6), BATCH.parse({"digests": digests}, PARAMS))
    root = hash_from_byte_slices(digests)
    assert outcome.data == root
    attributes = {a.key: a.value for a in outcome.events[0].attributes}
    assert attributes["root"] == root.hex()
    assert attributes["count"] == str(count)
    assert len(state) == 0


def test_batch_root_depends_on_order() -> None:
    first = BATCH.parse({"digests": [D1, D2]}, PARAMS)
    second = BATCH.parse({"digests": [D2, D1]}, PARAMS)
    assert first.root != second.root  # type: ignore[attr-defined]


def test_batch_index_keys_give_each_digest_its_leaf() -> None:
    parsed = BATCH.parse({"digests": [D1, D2], "algorithm": "sha-256"}, PARAMS)
    keys = BATCH.index_keys(parsed)  # type: ignore[attr-defined]
    assert keys == [("by_digest", b"sha-256/" + D1, 0), ("by_digest", b"sha-256/" + D2, 1)]


def test_digest_file_matches_hashing_the_bytes(tmp_path: Any) -> None:
    path = tmp_path / "doc.bin"
    content = bytes(range(256)) * 9000  # more than one 1 MiB chunk
    path.write_bytes(content)
    for algorithm in DIGEST_ALGORITHMS:
        assert digest_file(path, algorithm) == digest_bytes(content, algorithm)
