"""Transaction wire format: sign, decode, and every malformed shape named by its field."""

from __future__ import annotations

import hashlib
from typing import Any

import cbor2
import pytest

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import Ed25519Suite, address_of
from sen.ledger.errors import TxRejected
from sen.ledger.tx import SIGN_DOMAIN, TX_VERSION, decode_tx, sign_tx

KEY = Ed25519Suite().load_private(bytes(range(32)))
PUBLIC = KEY.public_key


def good_body() -> list[Any]:
    return [TX_VERSION, "c", "ed25519", PUBLIC, 0, "evidence", "anchor", {"digest": b"\x01" * 32}]


def wire(body: object, signature: object = b"\x00" * 64) -> bytes:
    return encoding.encode([body, signature])


def test_signed_tx_decodes_to_the_same_fields_and_bytes() -> None:
    tx = sign_tx(
        KEY, chain_id="c", nonce=7, module="evidence", action="anchor", args={"digest": b"d"}
    )
    decoded = decode_tx(tx.raw)
    assert decoded == tx
    assert decoded.sign_bytes == SIGN_DOMAIN + encoding.encode(
        [1, "c", "ed25519", PUBLIC, 7, "evidence", "anchor", {"digest": b"d"}]
    )
    assert decoded.hash == hashlib.sha256(tx.raw).digest()
    assert decoded.sender == hashlib.sha256(b"ed25519\x00" + PUBLIC).digest()[:20]
    assert Ed25519Suite().verify(PUBLIC, decoded.sign_bytes, decoded.signature)


def test_sign_bytes_are_the_domain_then_the_body_as_it_appears_on_the_wire() -> None:
    tx = sign_tx(KEY, chain_id="c", nonce=0, module="m", action="a", args={})
    body_bytes = tx.sign_bytes[len(SIGN_DOMAIN) :]
    assert tx.raw == b"\x82" + body_bytes + encoding.encode(tx.signature)


def test_sender_address_is_first_20_bytes_of_sha256_of_suite_zero_key() -> None:
    assert address_of("ed25519", PUBLIC) == hashlib.sha256(b"ed25519\x00" + PUBLIC).digest()[:20]
    assert address_of("other", PUBLIC) != address_of("ed25519", PUBLIC)


def replaced(position: int, value: object) -> list[Any]:
    body = good_body()
    body[position] = value
    return body


def non_minimal_nonce() -> bytes:
    canonical = wire(good_body())
    # the nonce 0 is encoded as the single byte 0x00 right after the 32-byte key
    marker = encoding.encode(PUBLIC) + b"\x00"
    assert canonical.count(marker) == 1
    return canonical.replace(marker, encoding.encode(PUBLIC) + b"\x18\x00")


# (label, wire bytes, field named, code)
MALFORMED = [
    ("not an array", encoding.encode({"a": 1}), "tx", ResultCode.MALFORMED),
    ("array of one", encoding.encode([good_body()]), "tx", ResultCode.MALFORMED),
    ("array of three", encoding.encode([good_body(), b"", b""]), "tx", ResultCode.MALFORMED),
    ("body not an array", wire({"v": 1}), "tx.body", ResultCode.MALFORMED),
    ("body of 7 items", wire(good_body()[:7]), "tx.body", ResultCode.MALFORMED),
    ("body of 9 items", wire([*good_body(), 0]), "tx.body", ResultCode.MALFORMED),
    ("version 2", wire(replaced(0, 2)), "tx.body.version", ResultCode.MALFORMED),
    ("version true", wire(replaced(0, True)), "tx.body.version", ResultCode.MALFORMED),
    ("version text", wire(replaced(0, "1")), "tx.body.version", ResultCode.MALFORMED),
    ("chain id bytes", wire(replaced(1, b"c")), "chain_id", ResultCode.MALFORMED),
    ("suite int", wire(replaced(2, 1)), "suite", ResultCode.MALFORMED),
    ("public key text", wire(replaced(3, "k")), "public_key", ResultCode.MALFORMED),
    ("negative nonce", wire(replaced(4, -1)), "nonce", ResultCode.MALFORMED),
    ("nonce true", wire(replaced(4, True)), "nonce", ResultCode.MALFORMED),
    ("nonce text", wire(replaced(4, "0")), "nonce", ResultCode.MALFORMED),
    ("module null", wire(replaced(5, None)), "module", ResultCode.MALFORMED),
    ("action bytes", wire(replaced(6, b"anchor")), "action", ResultCode.MALFORMED),
    ("args array", wire(replaced(7, [])), "args", ResultCode.MALFORMED),
    ("signature text", wire(good_body(), "sig"), "signature", ResultCode.MALFORMED),
    ("not CBOR", b"\xff", "tx", ResultCode.MALFORMED),
    ("float inside", cbor2.dumps([replaced(7, {"x": 1.5}), b""]), "tx", ResultCode.MALFORMED),
    ("non-minimal nonce", non_minimal_nonce(), "tx", ResultCode.NON_CANONICAL),
    ("trailing byte", wire(good_body()) + b"\x00", "tx", ResultCode.NON_CANONICAL),
]


@pytest.mark.parametrize(
    ("label", "raw", "field", "code"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_transaction_is_rejected_naming_its_field(
    label: str, raw: bytes, field: str, code: ResultCode
) -> None:
    with pytest.raises(TxRejected) as caught:
        decode_tx(raw)
    assert caught.value.code == code
    assert caught.value.field == field


def test_oversized_transaction_is_rejected_before_decoding() -> None:
    raw = wire(good_body())
    with pytest.raises(TxRejected) as caught:
        decode_tx(raw, max_bytes=len(raw) - 1)
    assert caught.value.code == ResultCode.TX_TOO_LARGE
    assert caught.value.field == "tx"
    assert decode_tx(raw, max_bytes=len(raw)).raw == raw


def test_rejection_says_what_was_expected_and_what_came() -> None:
    with pytest.raises(TxRejected) as caught:
        decode_tx(wire(replaced(4, -3)))
    assert caught.value.expected == "non-negative integer"
    assert caught.value.got == "-3"


def test_long_signature_still_yields_the_exact_body_as_sign_bytes() -> None:
    body = good_body()
    for signature in (b"", b"\x01" * 23, b"\x02" * 24, b"\x03" * 300):
        tx = decode_tx(wire(body, signature))
        assert tx.sign_bytes == SIGN_DOMAIN + encoding.encode(body)
