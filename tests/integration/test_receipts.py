"""Receipts: built by a real node, verified offline, and every tampering caught."""

from __future__ import annotations

import copy
import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sen.ledger.crypto import get_suite
from sen.ledger.tx import sign_tx
from sen.light.genesis import Genesis, load_genesis
from sen.light.receipt import ReceiptInvalid, ReceiptVerifier, check_batch_path, verify_receipt
from sen.node.node import Node, init_home
from sen.services.readmodels.errors import ReceiptUnavailable, Unprovable
from sen.services.readmodels.receipts import build_receipt

SINGLE = bytes(range(32))
BATCH = [bytes([i]) * 32 for i in range(40, 47)]


@pytest.fixture(scope="module")
def anchored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Genesis]]:
    home = tmp_path_factory.mktemp("node")
    config = init_home(home, block_interval=0.05)
    node = Node.open(config)
    node.start()
    assert node.engine.wait_for_height(1, timeout=10)  # the engine's first block is made
    key = get_suite("ed25519").generate()
    chain = config_chain(node)
    txs = [
        sign_tx(
            key,
            chain_id=chain,
            nonce=0,
            module="evidence",
            action="anchor",
            args={"digest": SINGLE, "title": "Bằng tốt nghiệp", "organisation": "ĐHQG Hà Nội"},
        ).raw,
        sign_tx(
            key,
            chain_id=chain,
            nonce=1,
            module="evidence",
            action="anchor_batch",
            args={"digests": BATCH, "organisation": "Hợp tác xã"},
        ).raw,
    ]
    assert [r.code for r in node.engine.submit(txs)] == [0, 0]
    _wait_until_provable(node, [SINGLE, BATCH[0]])
    yield node, load_genesis(config.genesis_path.read_bytes())
    node.close()


def _wait_until_provable(node: Node, digests: list[bytes], timeout: float = 10.0) -> None:
    """Until the blocks holding the digests and proving their results are committed."""
    deadline = time.monotonic() + timeout
    for digest in digests:
        while True:
            try:
                build_receipt(node, "sha-256", digest)
                break
            except ReceiptUnavailable:
                assert time.monotonic() < deadline, "the anchors never became provable"
                node.engine.wait_for_height(node.app.height + 1, timeout=0.2)


def config_chain(node: Node) -> str:
    return node.app.genesis.chain_id


def test_single_anchor_receipt_verifies_with_its_document(anchored: tuple[Node, Genesis]) -> None:
    node, genesis = anchored
    receipt = json.loads(json.dumps(build_receipt(node, "sha-256", SINGLE)))
    report = verify_receipt(receipt, genesis, document_digest=SINGLE)
    assert report.valid
    assert report.title == "Bằng tốt nghiệp"
    assert report.organisation == "ĐHQG Hà Nội"
    assert [c.name for c in report.checks][-1] == "document"


@pytest.mark.parametrize("leaf", [0, 3, 6])
def test_batch_member_receipt_verifies(anchored: tuple[Node, Genesis], leaf: int) -> None:
    node, genesis = anchored
    receipt = build_receipt(node, "sha-256", BATCH[leaf])
    report = verify_receipt(receipt, genesis, document_digest=BATCH[leaf])
    assert report.valid
    assert receipt["evidence"]["batch"]["proof"]["index"] == leaf


def test_wrong_document_is_named(anchored: tuple[Node, Genesis]) -> None:
    node, genesis = anchored
    receipt = build_receipt(node, "sha-256", SINGLE)
    with pytest.raises(ReceiptInvalid) as caught:
        verify_receipt(receipt, genesis, document_digest=bytes(32))
    assert caught.value.check == "document"
    assert "does not match" in caught.value.reason


def test_unknown_digest_has_no_receipt(anchored: tuple[Node, Genesis]) -> None:
    node, _ = anchored
    with pytest.raises(ReceiptUnavailable) as caught:
        build_receipt(node, "sha-256", b"\xee" * 32)
    assert caught.value.kind is Unprovable.NOT_ANCHORED
    assert caught.value.field == "digest"


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))
    else:
        yield prefix


def _mutate(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return "00" * 32
    assert isinstance(value, str)
    if not value:
        return "00"
    # change one character to another that keeps hex hex and base64 base64
    first = value[0]
    replacement = "1" if first != "1" else "2"
    if first.isalpha() and first.isupper():
        replacement = "B" if first != "B" else "C"
    return replacement + value[1:]


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


@pytest.mark.parametrize("warm", [False, True], ids=["fresh", "warm-verifier"])
@pytest.mark.parametrize("digest", [SINGLE, BATCH[2]], ids=["single", "batch"])
def test_every_field_tampered_fails(
    anchored: tuple[Node, Genesis], digest: bytes, warm: bool
) -> None:
    node, genesis = anchored
    original = build_receipt(node, "sha-256", digest)
    verifier = ReceiptVerifier(genesis)
    verifier.verify(original)  # warm: the verifier has already checked these blocks and tx
    survivors = []
    for path in _paths(original):
        tampered = copy.deepcopy(original)
        _set(tampered, path, _mutate(_get(original, path)))
        try:
            if warm:
                verifier.verify(tampered)
            else:
                verify_receipt(tampered, genesis)
        except ReceiptInvalid as exc:
            assert exc.reason, path
            assert exc.report is None or not exc.report.valid
            continue
        survivors.append(path)
    assert survivors == [], f"tampering these fields went unnoticed: {survivors}"


def test_receipt_for_another_genesis_fails(anchored: tuple[Node, Genesis], tmp_path: Path) -> None:
    node, _ = anchored
    other = load_genesis(init_home(tmp_path / "other").genesis_path.read_bytes())
    with pytest.raises(ReceiptInvalid) as caught:
        verify_receipt(build_receipt(node, "sha-256", SINGLE), other)
    assert caught.value.check == "chain"


def test_bulk_verifier_checks_shared_blocks_once_and_still_checks_each_digest(
    anchored: tuple[Node, Genesis],
) -> None:
    node, genesis = anchored
    verifier = ReceiptVerifier(genesis)
    first = verifier.verify(build_receipt(node, "sha-256", BATCH[0]), document_digest=BATCH[0])
    second = verifier.verify(build_receipt(node, "sha-256", BATCH[1]), document_digest=BATCH[1])
    assert first.valid and second.valid
    assert "earlier receipt" not in {c.name: c.detail for c in first.checks}["commit"]
    assert "earlier receipt" in {c.name: c.detail for c in second.checks}["commit"]
    with pytest.raises(ReceiptInvalid) as caught:
        verifier.verify(build_receipt(node, "sha-256", BATCH[2]), document_digest=BATCH[3])
    assert caught.value.check == "document"


# Spellings that parse to the same values but are not the receipt's one form: each is refused,
# so that a changed byte anywhere fails (docs/spec/receipt.md, "Strict form").
RESPELLINGS: list[tuple[str, Any]] = [
    ("upper-case genesis_hash", lambda r: _set(r, ("genesis_hash",), r["genesis_hash"].upper())),
    ("upper-case digest", lambda r: _set(r, ("evidence", "digest"), _get(r, ("evidence", "digest")).upper())),  # noqa: E501
    (
        "lower-case header hash",
        lambda r: _set(
            r, ("block", "header", "data_hash"), r["block"]["header"]["data_hash"].lower()
        ),
    ),
    (
        "time with +00:00",
        lambda r: _set(
            r,
            ("block", "header", "time"),
            r["block"]["header"]["time"].removesuffix("Z") + "+00:00",
        ),
    ),
    ("version true", lambda r: _set(r, ("version",), True)),
    ("version 1.0", lambda r: _set(r, ("version",), 1.0)),
    ("extra top-level field", lambda r: _set(r, ("note",), "x")),
    ("extra result field", lambda r: _set(r, ("result", "log"), "")),
    ("extra proof field", lambda r: _set(r, ("transaction", "proof", "extra"), 0)),
    ("extra header field", lambda r: _set(r, ("block", "header", "extra"), "")),
    ("missing result.data", lambda r: r["result"].pop("data")),
    ("missing gas_used", lambda r: r["result"].pop("gas_used")),
    ("missing evidence.batch", lambda r: r["evidence"].pop("batch")),
    ("empty validator_history", lambda r: _set(r, ("validator_history",), [])),
    ("validator proposer_priority", lambda r: r["validators"]["validators"][0].update(
        proposer_priority="0"
    )),
]  # fmt: skip


@pytest.mark.parametrize(("name", "respell"), RESPELLINGS, ids=[n for n, _ in RESPELLINGS])
def test_another_spelling_of_the_same_values_is_refused(
    anchored: tuple[Node, Genesis], name: str, respell: Any
) -> None:
    node, genesis = anchored
    receipt = json.loads(json.dumps(build_receipt(node, "sha-256", SINGLE)))
    verify_receipt(receipt, genesis)
    respell(receipt)
    with pytest.raises(ReceiptInvalid) as caught:
        verify_receipt(receipt, genesis)
    assert caught.value.check == "format", (name, caught.value.reason)


def test_the_result_data_of_a_batch_is_its_root(anchored: tuple[Node, Genesis]) -> None:
    """The chain records the batch root as the result's data; the verifier holds them equal."""
    node, _ = anchored
    receipt = build_receipt(node, "sha-256", BATCH[1])
    root = bytes.fromhex(receipt["result"]["data"])
    assert receipt["evidence"]["batch"]["root"] == root.hex()
    assert build_receipt(node, "sha-256", SINGLE)["result"]["data"] == ""
    batch = receipt["evidence"]["batch"]
    assert check_batch_path(batch, BATCH, root, BATCH[1], root).startswith("digest is leaf 1")
    with pytest.raises(ReceiptInvalid) as caught:
        check_batch_path(batch, BATCH, root, BATCH[1], bytes(32))
    assert (caught.value.check, caught.value.reason) == (
        "evidence",
        "result.data is not the batch root the chain recorded",
    )


def test_header_links_beyond_the_hash_are_checked(anchored: tuple[Node, Genesis]) -> None:
    """H's next_validators_hash is H+1's validators_hash, and H+1 is later than H.

    Both headers are re-signed here so that only the link is wrong: the check
    must name ``headers``, not the signature or the hash link.
    """
    from sen.ledger.light.commit import sign_commit
    from sen.ledger.light.header import header_hash
    from sen.ledger.light.types import BlockID, Commit, Header, PartSetHeader
    from sen.node.keys import load_validator_key

    node, genesis = anchored
    key = load_validator_key(node.config.validator_key_path)
    receipt = json.loads(json.dumps(build_receipt(node, "sha-256", SINGLE)))

    def relinked(header: Header, next_header: Header) -> dict[str, Any]:
        linked = dataclasses.replace(
            next_header,
            last_block_id=BlockID(header_hash(header), next_header.last_block_id.part_set_header),
        )
        block_id = BlockID(header_hash(linked), PartSetHeader(1, bytes(32)))
        signature = sign_commit(key, genesis.chain_id, linked.height, 0, block_id, linked.time)
        commit = Commit(linked.height, 0, block_id, (signature,))
        doc = copy.deepcopy(receipt)
        doc["block"]["header"] = header.to_json()
        doc["next_block"] = {"header": linked.to_json(), "commit": commit.to_json()}
        return doc

    header = Header.from_json(receipt["block"]["header"])
    next_header = Header.from_json(receipt["next_block"]["header"])
    verify_receipt(relinked(header, next_header), genesis)  # re-signing alone changes nothing

    other_next = dataclasses.replace(header, next_validators_hash=bytes(32))
    with pytest.raises(ReceiptInvalid) as caught:
        verify_receipt(relinked(other_next, next_header), genesis)
    assert (caught.value.check, caught.value.reason) == (
        "headers",
        "block.header.next_validators_hash is not next_block.header.validators_hash",
    )

    later = dataclasses.replace(header, time=next_header.time)
    with pytest.raises(ReceiptInvalid) as caught:
        verify_receipt(relinked(later, next_header), genesis)
    assert (caught.value.check, caught.value.reason) == (
        "headers",
        "next_block.header.time is not after block.header.time",
    )
