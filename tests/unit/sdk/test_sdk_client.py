"""The client against a fake transport: nonces, retries, error translation, receipts."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from sen.ledger.codes import ResultCode
from sen.ledger.tx import decode_tx
from sen.sdk import (
    ApiError,
    Client,
    InvalidInput,
    NotFound,
    NotYetProvable,
    Rejected,
    Timeout,
    TryLater,
    address,
    digest_of,
    generate_key,
)
from sen.sdk.transports import Params

Handler = Callable[[str, str, Any, Params | None], tuple[int, Any]]


class FakeNode:
    """Answers like the REST API: accounts, submissions (checking nonces), tx lookups."""

    def __init__(self, pending_nonce: int = 0) -> None:
        self.pending_nonce = pending_nonce
        self.requests: list[tuple[str, str]] = []
        self.submitted: list[int] = []  # nonces admitted
        self.refusals: list[tuple[int, Any]] = []  # answers to give before normal behaviour
        self.tx_answers: list[tuple[int, Any]] = []

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params | None = None,
        raw: bool = False,
    ) -> tuple[int, Any]:
        self.requests.append((method, path))
        if path.startswith("/v1/accounts/"):
            return 200, {
                "address": path.rsplit("/", 1)[1],
                "nonce": 0,
                "pending_nonce": self.pending_nonce,
            }
        if method == "POST" and self.refusals:
            return self.refusals.pop(0)
        if path == "/v1/txs":
            return self._admit([json["tx"]])[0]
        if path == "/v1/txs/batch":
            answers = self._admit(json["txs"])
            return 202, {"hashes": [a[1]["hash"] for a in answers]}
        if path.startswith("/v1/txs/"):
            if self.tx_answers:
                return self.tx_answers.pop(0)
            return 200, _committed(path.rsplit("/", 1)[1])
        return 404, {"title": "Not found", "status": 404}

    def _admit(self, encoded: list[str]) -> list[tuple[int, Any]]:
        answers = []
        for text in encoded:
            tx = decode_tx(base64.b64decode(text))
            assert tx.nonce == self.pending_nonce, (tx.nonce, self.pending_nonce)
            self.pending_nonce += 1
            self.submitted.append(tx.nonce)
            answers.append((202, {"hash": tx.hash.hex()}))
        return answers

    def close(self) -> None:
        pass

    def count(self, prefix: str) -> int:
        return sum(1 for _, path in self.requests if path.startswith(prefix))


def _committed(tx_hash: str, code: int = 0) -> dict[str, Any]:
    return {
        "hash": tx_hash,
        "status": "committed",
        "height": 7,
        "index": 0,
        "result": {
            "code": code,
            "code_name": ResultCode(code).name,
            "data": "",
            "log": "",
            "events": [],
        },
        "tx": {},
    }


def _refusal(code: ResultCode, status: int = 422) -> tuple[int, Any]:
    return status, {
        "title": "Transaction refused",
        "status": status,
        "detail": f"{code.name}: refused",
        "field": "nonce",
        "expected": "3",
        "got": "1",
        "code": int(code),
        "code_name": code.name,
    }


def _client(node: FakeNode) -> Client:
    return Client(node, chain_id="test-chain", poll_interval=0.0)


def test_nonce_is_fetched_once_per_key_then_counted_locally() -> None:
    node = FakeNode(pending_nonce=5)
    client = _client(node)
    key, other = generate_key(), generate_key()
    for _ in range(3):
        client.send(key, "evidence", "anchor", {"digest": b"\x00" * 32}, wait=False)
    assert node.submitted == [5, 6, 7]
    assert node.count("/v1/accounts/") == 1
    node.pending_nonce = 0  # a second account starts from its own pending nonce
    client.send(other, "evidence", "anchor", {"digest": b"\x01" * 32}, wait=False)
    assert node.count(f"/v1/accounts/{address(other)}") == 1


def test_nonce_too_low_refreshes_once_and_retries() -> None:
    node = FakeNode(pending_nonce=0)
    client = _client(node)
    key = generate_key()
    client.send(key, "m", "a", {}, wait=False)
    node.pending_nonce = 4  # another client used this key meanwhile
    node.refusals.append(_refusal(ResultCode.NONCE_TOO_LOW))
    info = client.send(key, "m", "a", {}, wait=False)
    assert info.status == "pending"
    assert node.submitted == [0, 4]
    assert node.count("/v1/accounts/") == 2


def test_nonce_too_low_twice_is_raised() -> None:
    node = FakeNode()
    client = _client(node)
    node.refusals += [_refusal(ResultCode.NONCE_TOO_LOW), _refusal(ResultCode.NONCE_TOO_LOW)]
    with pytest.raises(Rejected) as caught:
        client.send(generate_key(), "m", "a", {}, wait=False)
    assert caught.value.code == ResultCode.NONCE_TOO_LOW
    assert caught.value.field == "nonce"
    assert caught.value.expected == "3" and caught.value.got == "1"
    assert not caught.value.committed


def test_other_rejection_forgets_the_local_nonce() -> None:
    node = FakeNode(pending_nonce=2)
    client = _client(node)
    key = generate_key()
    node.refusals.append(_refusal(ResultCode.INVALID_ARGUMENT))
    with pytest.raises(Rejected, match="INVALID_ARGUMENT"):
        client.send(key, "m", "a", {}, wait=False)
    client.send(key, "m", "a", {}, wait=False)
    assert node.submitted == [2]  # the refused nonce is reused, fetched afresh
    assert node.count("/v1/accounts/") == 2


def test_mempool_full_is_retried_then_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    node = FakeNode()
    client = _client(node)
    node.refusals += [(503, {"title": "Mempool full", "status": 503, "retry_after": "1"})] * 3
    client.send(generate_key(), "m", "a", {}, wait=False)
    assert node.submitted == [0]


def test_mempool_full_too_long_raises_try_later(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    node = FakeNode()
    client = Client(node, chain_id="c", submit_attempts=2)
    node.refusals += [(503, {"title": "Mempool full", "status": 503})] * 2
    with pytest.raises(TryLater):
        client.submit(b"\x00")


def test_send_waits_and_raises_when_committed_with_an_error() -> None:
    node = FakeNode()
    client = _client(node)
    key = generate_key()
    info = client.send(key, "m", "a", {})
    assert info.committed and info.height == 7 and info.result is not None and info.result.ok
    node.tx_answers.append((200, _committed("ab" * 32, code=ResultCode.UNKNOWN_MODULE)))
    with pytest.raises(Rejected) as caught:
        client.send(key, "nope", "a", {})
    assert caught.value.committed and caught.value.code_name == "UNKNOWN_MODULE"
    assert node.submitted == [0, 1]  # a failed committed tx still consumed its nonce


def test_wait_times_out_with_the_last_status() -> None:
    node = FakeNode()
    client = Client(node, chain_id="c", poll_interval=0.01)
    node.tx_answers += [(200, {"hash": "ab", "status": "pending"})] * 1000
    with pytest.raises(Timeout, match=r"not committed after 0.05 s \(status pending\)"):
        client.wait("ab" * 32, timeout=0.05)


def test_anchor_batch_dedupes_and_splits_into_consecutive_nonces() -> None:
    node = FakeNode(pending_nonce=1)
    client = _client(node)
    digests = [bytes([i]) * 32 for i in range(5)] + [b"\x00" * 32]
    anchored = client.anchor_batch(generate_key(), digests, batch_size=2)
    assert [len(a.digests) for a in anchored] == [2, 2, 1]
    assert node.submitted == [1, 2, 3]
    assert all(a.tx.committed for a in anchored)


def test_receipt_retries_while_not_yet_provable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    answers = [(409, {"title": "Not provable yet", "status": 409})] * 2 + [(200, {"format": "r"})]

    class Receipts(FakeNode):
        def request(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
            self.requests.append((method, path))
            return answers.pop(0)

    node = Receipts()
    assert _client(node).receipt("00" * 32) == {"format": "r"}
    assert node.requests[-1] == ("GET", f"/v1/evidence/sha-256/{'00' * 32}/receipt")


def test_lookup_of_a_digest_never_anchored_is_empty() -> None:
    lookup = _client(FakeNode()).lookup(b"\x07" * 32)
    assert not lookup.anchored and lookup.digest == "07" * 32


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (404, {"title": "Not found"}, NotFound),
        (409, {"title": "Transaction already known"}, ApiError),
        (
            409,
            {"type": "urn:sen:problem:not-yet-provable", "title": "Not provable yet"},
            NotYetProvable,
        ),
        (500, "boom", ApiError),
    ],
)
def test_errors_are_translated(status: int, body: Any, kind: type[Exception]) -> None:
    class Answers(FakeNode):
        def request(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
            return status, body

    with pytest.raises(kind):
        _client(Answers()).tx("ab" * 32)


@pytest.mark.parametrize(
    ("value", "algorithm", "message"),
    [
        ("zz", "sha-256", "is not hex"),
        ("00" * 31, "sha-256", "a sha-256 digest is 32 bytes \\(64 hex digits\\), got 31"),
        (b"\x00" * 32, "sha-384", "a sha-384 digest is 48 bytes"),
        ("00" * 32, "md5", "unknown digest algorithm 'md5'"),
    ],
)
def test_bad_digests_are_invalid_input(value: str | bytes, algorithm: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        digest_of(value, algorithm)


def test_digest_of_hashes_files(tmp_path: Any) -> None:
    import hashlib

    path = tmp_path / "bang.pdf"
    path.write_bytes(b"diploma")
    assert digest_of(path) == hashlib.sha256(b"diploma").digest()
    assert digest_of(path, "sha3-256") == hashlib.sha3_256(b"diploma").digest()
    assert digest_of("hex:" + "11" * 32) == b"\x11" * 32
