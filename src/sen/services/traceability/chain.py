"""What the EPCIS repository asks of the chain, and its answer over a node's REST API.

:class:`ChainPort` is the repository's whole view of the chain: who holds the prefix a GS1
key is under, record a capture job, read a recorded job, and fetch what proves the job's
transaction committed. :class:`RemoteChain` answers over REST with the SDK's client:
registry and capture records are read with their state proofs (``sen.sdk.privacy.ChainState``),
so a node that lies about who holds a prefix is caught, not believed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.modules.trace import CaptureRecord, PrefixGrant, holder_of, load_capture
from sen.sdk.client import Client
from sen.sdk.errors import NotFound, NotYetProvable, Rejected, SenError
from sen.sdk.privacy import ChainState, ChainStateError
from sen.services.traceability.errors import ChainUnavailable, ReceiptNotReady


@dataclass(frozen=True, slots=True)
class Recorded:
    height: int
    tx_hash: str


class CaptureRefused(Exception):
    """The chain refused the capture job: its result code, and what it said."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


class ChainPort(Protocol):
    def holder_of(self, digits: str) -> PrefixGrant | None: ...

    def record(self, args: dict[str, Any]) -> Recorded: ...

    def capture_record(self, capture: bytes) -> CaptureRecord | None: ...

    def capture_proof(self, capture: bytes) -> dict[str, Any]: ...


class RemoteChain:
    """The chain as a node's REST API shows it; each capture job is sent with its capturer's
    key (``keys``: DID -> key; one key alone serves every capturer)."""

    def __init__(
        self, client: Callable[[], Client], keys: SigningKey | Mapping[str, SigningKey]
    ) -> None:
        self._client = client
        self._keys = keys

    def holder_of(self, digits: str) -> PrefixGrant | None:
        try:
            return holder_of(ChainState(self._client()), digits)
        except (ChainStateError, SenError) as exc:
            raise ChainUnavailable(f"the registry could not be read: {exc}") from None

    def record(self, args: dict[str, Any]) -> Recorded:
        keys = self._keys
        key = keys.get(str(args["capturer"])) if isinstance(keys, Mapping) else keys
        if key is None:
            raise CaptureRefused(0, f"no key to send capture jobs of {args['capturer']}")
        try:
            info = self._client().send(key, "trace", "record_capture", args)
        except Rejected as exc:
            raise CaptureRefused(exc.code, exc.describe()) from None
        except SenError as exc:
            raise ChainUnavailable(f"the capture job could not be sent: {exc}") from None
        if info.result is not None and info.result.code != ResultCode.OK:
            raise CaptureRefused(int(info.result.code), info.result.log)
        return Recorded(int(info.height or 0), info.hash)

    def capture_record(self, capture: bytes) -> CaptureRecord | None:
        try:
            return load_capture(ChainState(self._client()), capture)
        except (ChainStateError, SenError) as exc:
            raise ChainUnavailable(f"the capture record could not be read: {exc}") from None

    def capture_proof(self, capture: bytes) -> dict[str, Any]:
        try:
            return self._client().get(f"/v1/trace/captures/{capture.hex()}/proof")
        except (NotYetProvable, NotFound) as exc:
            raise ReceiptNotReady(f"capture job {capture.hex()}: {exc}") from None
        except SenError as exc:
            raise ChainUnavailable(f"the capture job's proof could not be read: {exc}") from None
