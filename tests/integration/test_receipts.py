"""Receipts: built by a real node, verified offline, and every tampering caught."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sen.ledger.crypto import get_suite
from sen.ledger.tx import sign_tx
from sen.light.genesis import Genesis, load_genesis
from sen.light.receipt import ReceiptInvalid, ReceiptVerifier, verify_receipt
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
