"""Properties of the canonical encoding and of signed transactions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sen.ledger import encoding
from sen.ledger.crypto import Ed25519Suite
from sen.ledger.errors import EncodingError
from sen.ledger.tx import decode_tx, sign_tx

scalars = (
    st.integers(min_value=encoding.MIN_INT, max_value=encoding.MAX_INT)
    | st.binary(max_size=40)
    | st.text(max_size=20)
    | st.booleans()
    | st.none()
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


def strictly_equal(a: Any, b: Any) -> bool:
    """Equality that tells True from 1 (Python's == does not)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strictly_equal(a[k], b[k]) for k in a)
    return bool(a == b)


@given(values)
def test_decode_of_encode_is_the_same_value(value: Any) -> None:
    raw = encoding.encode(value)
    assert strictly_equal(encoding.decode(raw), value)
    assert encoding.encode(encoding.decode(raw)) == raw


@given(st.dictionaries(st.text(max_size=6), scalars, max_size=8))
def test_map_encoding_does_not_depend_on_insertion_order(mapping: dict[str, Any]) -> None:
    reversed_order = dict(reversed(list(mapping.items())))
    assert encoding.encode(mapping) == encoding.encode(reversed_order)


@settings(max_examples=200)
@given(values, st.data())
def test_any_single_byte_change_is_refused_or_decodes_to_another_value(
    value: Any, data: st.DataObject
) -> None:
    raw = encoding.encode(value)
    position = data.draw(st.integers(0, len(raw) - 1), label="position")
    replacement = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]), label="byte")
    mutated = raw[:position] + bytes([replacement]) + raw[position + 1 :]
    try:
        decoded = encoding.decode(mutated)
    except EncodingError:
        return
    assert not strictly_equal(decoded, value)


@given(values, st.data())
def test_a_float_anywhere_cannot_be_encoded(value: Any, data: st.DataObject) -> None:
    number = data.draw(st.floats(allow_nan=False), label="float")
    with pytest.raises(EncodingError):
        encoding.encode([value, {"x": [number]}])


KEYS = [Ed25519Suite().load_private(bytes([i]) * 32) for i in range(1, 4)]
arg_maps = st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=4)


@given(
    st.sampled_from(KEYS),
    st.text(max_size=20),
    st.integers(0, 2**64 - 1),
    st.text(max_size=10),
    st.text(max_size=10),
    arg_maps,
)
def test_signed_tx_decodes_to_what_was_signed(
    key: Any, chain_id: str, nonce: int, module: str, action: str, args: dict[str, Any]
) -> None:
    tx = sign_tx(key, chain_id=chain_id, nonce=nonce, module=module, action=action, args=args)
    decoded = decode_tx(tx.raw)
    assert decoded == tx
    assert strictly_equal(dict(decoded.args), args)
    assert Ed25519Suite().verify(decoded.public_key, decoded.sign_bytes, decoded.signature)


@given(st.sampled_from(KEYS), arg_maps, st.data())
def test_changing_any_signed_byte_breaks_the_signature(
    key: Any, args: dict[str, Any], data: st.DataObject
) -> None:
    tx = sign_tx(key, chain_id="c", nonce=1, module="m", action="a", args=args)
    position = data.draw(st.integers(0, len(tx.sign_bytes) - 1), label="position")
    flipped = bytearray(tx.sign_bytes)
    flipped[position] ^= data.draw(st.integers(1, 255), label="xor")
    assert not Ed25519Suite().verify(tx.public_key, bytes(flipped), tx.signature)
