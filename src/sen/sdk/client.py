"""The Sen client: read the chain, sign and submit transactions, anchor and prove evidence.

::

    client = Client.http("http://127.0.0.1:26680")
    key = Keyring().load("truong-dh", passphrase)
    anchored = client.anchor(key, Path("bang-tot-nghiep.pdf"), title="Bằng tốt nghiệp")
    receipt = client.receipt(anchored.digests[0])
    report = client.verify(receipt, genesis=Path("genesis.json"), file=Path("bang-tot-nghiep.pdf"))

Nonces: the first transaction of a key fetches the account's ``pending_nonce``;
later ones count locally. A ``NONCE_TOO_LOW``/``NONCE_TOO_HIGH`` rejection
refreshes the nonce from the node once and signs again; any other failure
forgets the local count so that the next call starts from the node's.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.modules.evidence.digests import DEFAULT_ALGORITHM, DIGEST_ALGORITHMS, digest_file
from sen.ledger.tx import Tx, sign_tx
from sen.light.genesis import Genesis
from sen.light.receipt import ReceiptReport
from sen.sdk.errors import (
    ApiError,
    InvalidInput,
    NotFound,
    NotYetProvable,
    Rejected,
    SenError,
    Timeout,
    TryLater,
)
from sen.sdk.keys import address
from sen.sdk.models import Account, Anchored, Lookup, TxInfo
from sen.sdk.receipts import check_receipt, read_genesis
from sen.sdk.transports import HttpTransport, Params, Transport

DigestInput = bytes | str | os.PathLike[str]
MAX_REQUEST_BYTES = 4 << 20  # group batch submissions into requests of at most this size
_REJECTION_STATUSES = frozenset({400, 403, 409, 413, 422})
_NONCE_CODES = frozenset({ResultCode.NONCE_TOO_LOW, ResultCode.NONCE_TOO_HIGH})


class Client:
    """A connection to one node (over any :class:`~sen.sdk.transports.Transport`)."""

    def __init__(
        self,
        transport: Transport,
        chain_id: str | None = None,
        *,
        submit_attempts: int = 8,
        poll_interval: float = 0.2,
    ) -> None:
        self.transport = transport
        self._chain_id = chain_id
        self.submit_attempts = submit_attempts
        self.poll_interval = poll_interval
        self._nonces: dict[str, int] = {}
        self._lock = threading.Lock()

    @classmethod
    def http(cls, url: str, *, timeout: float = 30.0, chain_id: str | None = None) -> Client:
        return cls(HttpTransport(url, timeout), chain_id)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------
    def status(self) -> dict[str, Any]:
        return _as_dict(self._call("GET", "/v1/status"))

    def genesis(self) -> bytes:
        """The chain's genesis file, byte for byte (its SHA-256 is the genesis hash)."""
        body = self._call("GET", "/v1/genesis", raw=True)
        return body if isinstance(body, bytes) else str(body).encode()

    @property
    def url(self) -> str:
        """Where the node is: its base URL over HTTP (else the transport's name)."""
        return str(getattr(self.transport, "base_url", type(self.transport).__name__))

    @property
    def chain_id(self) -> str:
        if self._chain_id is None:
            self._chain_id = read_genesis(self.genesis()).chain_id
        return self._chain_id

    def account(self, address_hex: str | bytes) -> Account:
        text = address_hex.hex() if isinstance(address_hex, bytes) else address_hex
        return Account.from_json(self._call("GET", f"/v1/accounts/{text}"))

    def tx(self, tx_hash: str) -> TxInfo:
        return TxInfo.from_json(self._call("GET", f"/v1/txs/{tx_hash}"))

    def block(self, height: int | str = "latest") -> dict[str, Any]:
        if height != "latest" and not (isinstance(height, int) and height > 0):
            raise InvalidInput(f"block height must be a positive integer or 'latest', got {height}")
        return _as_dict(self._call("GET", f"/v1/blocks/{height}"))

    def get(self, path: str, params: Params | None = None) -> dict[str, Any]:
        """Any REST read that answers a JSON object (``/v1/...``), raising the SDK's errors."""
        return _as_dict(self._call("GET", path, params=params))

    def get_list(self, path: str, params: Params | None = None) -> list[dict[str, Any]]:
        """Any REST read that answers a JSON list of objects, raising the SDK's errors."""
        found = self._call("GET", path, params=params)
        if not isinstance(found, list) or not all(isinstance(i, dict) for i in found):
            raise InvalidInput(
                f"{path}: expected a JSON list of objects, got {type(found).__name__}"
            )
        return found

    def post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Any REST call that takes and answers a JSON object, raising the SDK's errors."""
        return _as_dict(self._call("POST", path, json=body))

    def proposals(self, status: str | None = None) -> list[dict[str, Any]]:
        """Governance proposals, newest first (optionally only those with ``status``)."""
        params = {"status": status} if status else None
        body = _as_dict(self._call("GET", "/v1/governance/proposals", params=params))
        found = body.get("proposals", [])
        return [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []

    def proposal(self, proposal_id: int) -> dict[str, Any]:
        return _as_dict(self._call("GET", f"/v1/governance/proposals/{proposal_id}"))

    def wait(self, tx_hash: str, timeout: float = 30.0, *, check: bool = False) -> TxInfo:
        """Block until the transaction is committed (long-polling the node).

        Raises :class:`Timeout` after ``timeout`` seconds; with ``check``, raises
        :class:`Rejected` if it was committed with a non-zero result code.
        """
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            started = time.monotonic()
            try:
                body = self._call(
                    "GET",
                    f"/v1/txs/{tx_hash}",
                    params={"wait": round(max(0.0, min(left, 10.0)), 3)},
                )
                info = TxInfo.from_json(body)
            except NotFound:
                info = TxInfo(hash=tx_hash, status="unknown")
            if info.committed:
                if check:
                    _raise_if_failed(info)
                return info
            if time.monotonic() >= deadline:
                raise Timeout(
                    f"transaction {tx_hash} not committed after {timeout:g} s "
                    f"(status {info.status})"
                )
            if time.monotonic() - started < self.poll_interval:
                time.sleep(min(self.poll_interval, max(0.0, deadline - time.monotonic())))

    # -- submitting --------------------------------------------------------
    def submit(self, tx: Tx | bytes) -> str:
        """Submit one signed transaction and return its hash (hex).

        While the mempool is full (503) it retries with backoff, then raises :class:`TryLater`.
        """
        raw = tx.raw if isinstance(tx, Tx) else tx
        body = self._submitting("/v1/txs", {"tx": base64.b64encode(raw).decode()})
        return str(_as_dict(body).get("hash", ""))

    def submit_batch(self, txs: Sequence[Tx | bytes]) -> list[str]:
        """Submit several transactions, all or nothing; return their hashes in order."""
        encoded = [base64.b64encode(t.raw if isinstance(t, Tx) else t).decode() for t in txs]
        body = self._submitting("/v1/txs/batch", {"txs": encoded})
        hashes = _as_dict(body).get("hashes", [])
        return [str(h) for h in hashes] if isinstance(hashes, list) else []

    def send(
        self,
        key: SigningKey,
        module: str,
        action: str,
        args: Mapping[str, Any],
        *,
        wait: bool = True,
        timeout: float = 30.0,
    ) -> TxInfo:
        """Sign with the next nonce, submit, and (by default) wait for the committed result.

        Raises :class:`Rejected` if CheckTx refuses it, or if it commits with a non-zero code.
        """
        (tx_hash,) = self._sign_and_submit(key, [(module, action, args)])
        if not wait:
            return TxInfo(hash=tx_hash, status="pending")
        return self._committed(tx_hash, time.monotonic() + timeout)

    def send_many(
        self, key: SigningKey, calls: Sequence[tuple[str, str, Mapping[str, Any]]]
    ) -> list[str]:
        """Sign ``(module, action, args)`` calls with consecutive nonces and submit them in one
        request, all or nothing (:class:`Rejected` names the first refused); their hashes.
        Does not wait: :meth:`wait` for each."""
        if not calls:
            return []
        return self._sign_and_submit(key, calls)

    # -- evidence ----------------------------------------------------------
    def anchor(
        self,
        key: SigningKey,
        document: DigestInput,
        algorithm: str = DEFAULT_ALGORITHM,
        *,
        title: str = "",
        organisation: str = "",
        reference: str = "",
        wait: bool = True,
        timeout: float = 30.0,
    ) -> Anchored:
        """Anchor one digest (bytes, hex text, or a file path to hash)."""
        digest = digest_of(document, algorithm)
        args = {"algorithm": algorithm, "digest": digest}
        args.update(_metadata(title, organisation, reference))
        info = self.send(key, "evidence", "anchor", args, wait=wait, timeout=timeout)
        return Anchored(algorithm, (digest,), info)

    def anchor_batch(
        self,
        key: SigningKey,
        documents: Sequence[DigestInput],
        algorithm: str = DEFAULT_ALGORITHM,
        *,
        title: str = "",
        organisation: str = "",
        reference: str = "",
        wait: bool = True,
        timeout: float = 60.0,
        batch_size: int = 10_000,
    ) -> list[Anchored]:
        """Anchor many digests in ``anchor_batch`` transactions of up to ``batch_size`` each.

        Repeated digests are anchored once. Transactions are submitted in groups
        (each group all or nothing) and, by default, waited for.
        """
        digests = list(dict.fromkeys(digest_of(d, algorithm) for d in documents))
        if not digests:
            raise InvalidInput("nothing to anchor: no digests given")
        if batch_size < 1:
            raise InvalidInput(f"batch_size must be at least 1, got {batch_size}")
        chunks = [tuple(digests[i : i + batch_size]) for i in range(0, len(digests), batch_size)]
        meta = _metadata(title, organisation, reference)
        calls = [
            ("evidence", "anchor_batch", {"algorithm": algorithm, "digests": list(c), **meta})
            for c in chunks
        ]
        per_request = max(1, MAX_REQUEST_BYTES // (len(chunks[0]) * len(digests[0]) + 512))
        hashes: list[str] = []
        for start in range(0, len(calls), per_request):
            hashes += self._sign_and_submit(key, calls[start : start + per_request])
        deadline = time.monotonic() + timeout
        results = []
        for chunk, tx_hash in zip(chunks, hashes, strict=True):
            info = self._committed(tx_hash, deadline) if wait else TxInfo(tx_hash, "pending")
            results.append(Anchored(algorithm, chunk, info))
        return results

    def lookup(self, document: DigestInput, algorithm: str = DEFAULT_ALGORITHM) -> Lookup:
        """Every anchoring of a digest, oldest first (none if it was never anchored)."""
        digest = digest_of(document, algorithm)
        try:
            body = self._call("GET", f"/v1/evidence/{algorithm}/{digest.hex()}")
        except NotFound:
            return Lookup(algorithm, digest.hex(), ())
        return Lookup.from_json(body)

    def receipt(
        self,
        document: DigestInput,
        algorithm: str = DEFAULT_ALGORITHM,
        anchoring: int = 0,
        *,
        wait: bool = True,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        """The receipt of one anchoring; with ``wait``, retry until it is provable."""
        digest = digest_of(document, algorithm)
        path = f"/v1/evidence/{algorithm}/{digest.hex()}/receipt"
        return self.get_receipt(path, {"anchoring": anchoring}, wait=wait, timeout=timeout)

    def get_receipt(
        self, path: str, params: Params | None = None, *, wait: bool = True, timeout: float = 30.0
    ) -> dict[str, Any]:
        """A receipt the node proves only once the next block signs its state (409 until
        then): with ``wait``, retry until it is provable or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return _as_dict(self._call("GET", path, params=params))
            except NotYetProvable as exc:
                if not wait or time.monotonic() >= deadline:
                    if not wait:
                        raise
                    raise Timeout(f"receipt not provable after {timeout:g} s: {exc}") from None
                time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))

    def verify(
        self,
        receipt: Mapping[str, Any],
        genesis: Genesis | bytes | Path | None = None,
        file: Path | None = None,
    ) -> ReceiptReport:
        """Check a receipt offline against ``genesis`` (fetched from this node if None).

        Raises :class:`VerificationFailed` naming the failed check. Pass the
        genesis you trust: one fetched from the node proves only what the node says.
        """
        if genesis is None:
            genesis = self.genesis()
        return check_receipt(receipt, read_genesis(genesis), file)

    # -- internals ---------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params | None = None,
        raw: bool = False,
    ) -> Any:
        status, body = self.transport.request(method, path, json=json, params=params, raw=raw)
        if 200 <= status < 300:
            return body
        raise error_for(status, body, path)

    def _submitting(self, path: str, payload: Mapping[str, Any]) -> Any:
        delay = 0.2
        for attempt in range(self.submit_attempts):
            try:
                return self._call("POST", path, json=payload)
            except TryLater as exc:
                if attempt == self.submit_attempts - 1:
                    raise
                time.sleep(exc.retry_after if exc.retry_after is not None else delay)
                delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    def _reserve(self, key: SigningKey, count: int) -> int:
        account = address(key)
        with self._lock:
            start = self._nonces.get(account)
            if start is None:
                start = self.account(account).pending_nonce
            self._nonces[account] = start + count
            return start

    def _forget(self, key: SigningKey) -> None:
        with self._lock:
            self._nonces.pop(address(key), None)

    def _sign_and_submit(
        self, key: SigningKey, calls: Sequence[tuple[str, str, Mapping[str, Any]]]
    ) -> list[str]:
        chain_id = self.chain_id
        for attempt in range(2):
            start = self._reserve(key, len(calls))
            txs = [
                sign_tx(key, chain_id=chain_id, nonce=start + i, module=m, action=a, args=args)
                for i, (m, a, args) in enumerate(calls)
            ]
            try:
                return [self.submit(txs[0])] if len(txs) == 1 else self.submit_batch(txs)
            except Rejected as exc:
                self._forget(key)
                if exc.code in _NONCE_CODES and attempt == 0:
                    continue
                raise
            except SenError:
                self._forget(key)
                raise
        raise AssertionError("unreachable")

    def _committed(self, tx_hash: str, deadline: float) -> TxInfo:
        return self.wait(tx_hash, timeout=max(0.0, deadline - time.monotonic()), check=True)


def _raise_if_failed(info: TxInfo) -> None:
    if info.result is not None and not info.result.ok:
        raise Rejected(
            info.result.code,
            detail=info.result.log,
            committed=True,
            tx_hash=info.hash,
            code_name=info.result.code_name,
        )


def digest_of(document: DigestInput, algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    """A digest given as bytes, as hex text, or as a file to hash with ``algorithm``."""
    if algorithm not in DIGEST_ALGORITHMS:
        raise InvalidInput(
            f"unknown digest algorithm {algorithm!r}; known: {', '.join(DIGEST_ALGORITHMS)}"
        )
    size = DIGEST_ALGORITHMS[algorithm][0]
    if isinstance(document, os.PathLike):
        try:
            return digest_file(Path(document), algorithm)
        except OSError as exc:
            raise InvalidInput(f"cannot read {document}: {exc.strerror or exc}") from None
    if isinstance(document, str):
        text = document.removeprefix("hex:").strip()
        try:
            document = bytes.fromhex(text)
        except ValueError:
            raise InvalidInput(f"digest {text[:80]!r} is not hex") from None
    if len(document) != size:
        raise InvalidInput(
            f"a {algorithm} digest is {size} bytes ({2 * size} hex digits), got {len(document)}"
        )
    return document


def error_for(status: int, body: Any, path: str = "") -> SenError:
    """The SDK error for an error answer (RFC 9457 problem+json) to a request for ``path``."""
    problem: dict[str, Any] = body if isinstance(body, dict) else {"title": str(body)[:200]}
    if status == 503:
        return TryLater(status, problem, _seconds(problem.get("retry_after")))
    code = _result_code(problem.get("code"))
    if status in _REJECTION_STATUSES and code:
        return Rejected(
            code,
            field=str(problem.get("field") or ""),
            expected=problem.get("expected"),
            got=problem.get("got"),
            detail=str(problem.get("detail") or problem.get("title") or ""),
            code_name=str(problem.get("code_name") or ""),
        )
    if status == 404:
        return NotFound(status, problem)
    if status == 409 and (
        path.endswith("/receipt") or str(problem.get("type", "")).endswith(":not-yet-provable")
    ):
        return NotYetProvable(status, problem)
    return ApiError(status, problem)


def _result_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        member = ResultCode.__members__.get(value.upper())
        return int(member) if member is not None else None
    return None


def _seconds(value: object) -> float | None:
    try:
        return max(0.0, min(float(str(value)), 30.0)) if value is not None else None
    except ValueError:
        return None


def _metadata(title: str, organisation: str, reference: str) -> dict[str, str]:
    given = {"title": title, "organisation": organisation, "reference": reference}
    return {name: value for name, value in given.items() if value}


def _as_dict(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise SenError(f"unexpected answer from the node: expected a JSON object, got {body!r:.80}")
    return body
