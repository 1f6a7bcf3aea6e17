"""Transactions: the signed envelope every change to the ledger arrives in.

Wire form (canonical encoding, see ``docs/spec/encoding.md``)::

    tx   = [body, signature]
    body = [1, chain_id, suite, public_key, nonce, module, action, args]

The signature covers ``SIGN_DOMAIN ‖ encode(body)``. The transaction hash is
SHA-256 of the whole wire form (as CometBFT hashes transactions).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey, address_of
from sen.ledger.errors import EncodingError, NonCanonical, TxRejected

TX_VERSION = 1
SIGN_DOMAIN = b"sen/tx/v1\x00"


@dataclass(frozen=True, slots=True)
class Tx:
    chain_id: str
    suite: str
    public_key: bytes
    nonce: int
    module: str
    action: str
    args: Mapping[str, Any]
    signature: bytes
    raw: bytes
    sign_bytes: bytes
    hash: bytes  # SHA-256 of raw
    sender: bytes  # address_of(suite, public_key)


def _body(
    chain_id: str,
    suite: str,
    public_key: bytes,
    nonce: int,
    module: str,
    action: str,
    args: Mapping[str, Any],
) -> list[Any]:
    return [TX_VERSION, chain_id, suite, public_key, nonce, module, action, dict(args)]


def sign_tx(
    key: SigningKey,
    *,
    chain_id: str,
    nonce: int,
    module: str,
    action: str,
    args: Mapping[str, Any],
) -> Tx:
    """Build and sign a transaction; the result's ``raw`` is ready to submit."""
    body = _body(chain_id, key.suite, key.public_key, nonce, module, action, args)
    body_bytes = encoding.encode(body)
    sign_bytes = SIGN_DOMAIN + body_bytes
    signature = key.sign(sign_bytes)
    raw = encoding.encode([body, signature])
    return Tx(
        chain_id=chain_id,
        suite=key.suite,
        public_key=key.public_key,
        nonce=nonce,
        module=module,
        action=action,
        args=MappingProxyType(dict(args)),
        signature=signature,
        raw=raw,
        sign_bytes=sign_bytes,
        hash=hashlib.sha256(raw).digest(),
        sender=address_of(key.suite, key.public_key),
    )


def decode_tx(raw: bytes, *, max_bytes: int | None = None) -> Tx:
    """Decode and shape-check a wire transaction (no signature or state checks)."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise TxRejected(
            ResultCode.TX_TOO_LARGE,
            "transaction too large",
            field="tx",
            expected=f"at most {max_bytes} bytes",
            got=f"{len(raw)} bytes",
        )
    try:
        value = encoding.decode(raw)
    except EncodingError as exc:
        code = ResultCode.NON_CANONICAL if isinstance(exc, NonCanonical) else ResultCode.MALFORMED
        raise TxRejected(code, str(exc), field="tx") from None
    if not isinstance(value, list) or len(value) != 2:
        raise _shape("tx", "array [body, signature]", value)
    body, signature = value
    if not isinstance(body, list) or len(body) != 8:
        raise _shape("tx.body", "array of 8 items", body)
    version, chain_id, suite, public_key, nonce, module, action, args = body
    if version != TX_VERSION or isinstance(version, bool):
        raise _shape("tx.body.version", str(TX_VERSION), version)
    _expect(chain_id, str, "chain_id")
    _expect(suite, str, "suite")
    _expect(public_key, bytes, "public_key")
    if not isinstance(nonce, int) or isinstance(nonce, bool) or nonce < 0:
        raise _shape("nonce", "non-negative integer", nonce)
    _expect(module, str, "module")
    _expect(action, str, "action")
    _expect(args, dict, "args")
    _expect(signature, bytes, "signature")
    sig_encoded_len = encoding.bytes_header_length(len(signature)) + len(signature)
    body_bytes = raw[1 : len(raw) - sig_encoded_len]
    return Tx(
        chain_id=chain_id,
        suite=suite,
        public_key=public_key,
        nonce=nonce,
        module=module,
        action=action,
        args=MappingProxyType(args),
        signature=signature,
        raw=bytes(raw),
        sign_bytes=SIGN_DOMAIN + body_bytes,
        hash=hashlib.sha256(raw).digest(),
        sender=address_of(suite, public_key),
    )


def _expect(value: object, kind: type, field: str) -> None:
    if type(value) is not kind:
        raise _shape(field, kind.__name__, value)


def _shape(field: str, expected: str, got: object) -> TxRejected:
    shown = type(got).__name__ if not isinstance(got, int | str) else repr(got)
    return TxRejected(
        ResultCode.MALFORMED, "malformed transaction", field=field, expected=expected, got=shown
    )
