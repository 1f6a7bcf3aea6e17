"""Write ``tests/conformance/encoding_vectors.json``: Sen's encoding, tx and state-tree vectors.

Usage::

    .venv/bin/python tools/make_encoding_vectors.py          # rewrite the file
    .venv/bin/python tools/make_encoding_vectors.py --check  # exit 1 if it is stale

The output is deterministic (fixed seeds, sorted keys). Values are written in a
typed JSON form so that other implementations can read them:
``{"int": "<decimal>"}``, ``{"bytes": "<hex>"}``, ``{"text": "..."}``,
``{"bool": true}``, ``{"null": null}``, ``{"array": [...]}`` and
``{"map": [["key", value], ...]}`` (pairs in canonical order).

State-tree roots are computed here by a deliberately separate, recursive
implementation of the definition in ``docs/spec/encoding.md`` (not by
``sen.store.smt``), so the conformance test compares two implementations.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from sen.ledger import encoding
from sen.ledger.crypto import Ed25519Suite, address_of
from sen.ledger.errors import EncodingError, NonCanonical
from sen.ledger.tx import SIGN_DOMAIN, sign_tx

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "conformance" / "encoding_vectors.json"

TX_SEED = bytes(range(32))  # 000102…1f

VALUES: list[tuple[str, Any]] = [
    ("zero", 0),
    ("int 1", 1),
    ("int 23 (largest in the head)", 23),
    ("int 24 (smallest with a 1-byte argument)", 24),
    ("int 255", 255),
    ("int 256", 256),
    ("int 65535", 65535),
    ("int 65536", 65536),
    ("int 2^32-1", 2**32 - 1),
    ("int 2^32", 2**32),
    ("int 2^64-1 (largest allowed)", 2**64 - 1),
    ("int -1", -1),
    ("int -24", -24),
    ("int -25", -25),
    ("int -256", -256),
    ("int -257", -257),
    ("int -2^63 (smallest allowed)", -(2**63)),
    ("false", False),
    ("true", True),
    ("null", None),
    ("empty bytes", b""),
    ("bytes 01020304", b"\x01\x02\x03\x04"),
    ("23 bytes", b"\xaa" * 23),
    ("24 bytes", b"\xbb" * 24),
    ("256 bytes", b"\xcc" * 256),
    ("empty text", ""),
    ("text a", "a"),
    ("text IETF", "IETF"),
    ("Vietnamese text", "Sổ cái quốc gia"),
    ("text with NUL", "a\x00b"),
    ("empty array", []),
    ("array [1, 2, 3]", [1, 2, 3]),
    ("nested arrays", [1, [2, 3], [4, 5]]),
    ("empty map", {}),
    ("map, keys given out of order", {"b": 2, "a": 1}),
    ("map, shorter key first", {"aa": 1, "b": 2, "c": 3}),
    ("map, key of 24 bytes after key of 23", {"k" * 24: 1, "z" * 23: 2}),
    ("map of mixed values", {"digest": b"\x01" * 4, "n": -5, "ok": True, "none": None, "s": "x"}),
    ("16 nested arrays (deepest allowed)", [[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]),
]

# (name, hex, the rule of docs/spec/encoding.md §2 that the input breaks)
REJECTED: list[tuple[str, str, str]] = [
    ("empty input", "", "not a data item"),
    ("half-precision float 1.0", "f93c00", "float"),
    ("double float 1.0", "fb3ff0000000000000", "float"),
    ("tag 1 (epoch time)", "c11a514b67b0", "tag"),
    ("tag 2 bignum for 1", "c24101", "tag"),
    ("undefined", "f7", "simple value other than false/true/null"),
    ("simple value 16", "f0", "simple value other than false/true/null"),
    ("indefinite-length array", "9f01ff", "indefinite length"),
    ("indefinite-length byte string", "5f4101ff", "indefinite length"),
    ("indefinite-length text string", "7f6161ff", "indefinite length"),
    ("indefinite-length map", "bf616101ff", "indefinite length"),
    ("int 1 in two bytes", "1801", "non-minimal integer"),
    ("int 23 in two bytes", "1817", "non-minimal integer"),
    ("int 255 in three bytes", "1900ff", "non-minimal integer"),
    ("int 1 in nine bytes", "1b0000000000000001", "non-minimal integer"),
    ("int -1 in two bytes", "3800", "non-minimal integer"),
    ("byte-string length not minimal", "580101", "non-minimal length"),
    ("array length not minimal", "980100", "non-minimal length"),
    ("map keys unsorted", "a2616201616101", "map keys not in order"),
    ("longer key before shorter key", "a262616101616202", "map keys not in order"),
    ("duplicate map key", "a2616101616102", "duplicate map key"),
    ("integer map key", "a10101", "map key not a text string"),
    ("byte-string map key", "a1410101", "map key not a text string"),
    ("trailing byte", "0100", "trailing bytes"),
    ("two top-level items", "8080", "trailing bytes"),
    ("truncated array", "8201", "not a data item"),
    ("reserved additional information 28", "1c", "not a data item"),
    ("lone break", "ff", "not a data item"),
    ("int -2^63-1 (below range)", "3b8000000000000000", "integer out of range"),
    ("invalid UTF-8", "62c328", "invalid UTF-8"),
    ("UTF-8 encoded surrogate", "63eda080", "invalid UTF-8"),
    ("17 nested arrays", "81" * 16 + "80", "nested deeper than 16"),
]

TREE_CASES: list[tuple[str, list[tuple[bytes, bytes]]]] = [
    ("empty", []),
    ("one key", [(b"chain/params", b"\xa0")]),
    ("two keys", [(b"a", b"1"), (b"b", b"2")]),
    ("three keys", [(b"a", b"1"), (b"b", b"2"), (b"c", b"3")]),
    ("ten keys", [(b"key-%d" % i, b"value-%d" % i) for i in range(10)]),
    ("an empty value is a present key", [(b"a", b"")]),
]


def typed(value: Any) -> Any:
    """The typed-JSON form of an encoding value."""
    if value is None:
        return {"null": None}
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, list):
        return {"array": [typed(v) for v in value]}
    if isinstance(value, dict):
        ordered = sorted(value.items(), key=lambda kv: encoding.encode(kv[0]))
        return {"map": [[k, typed(v)] for k, v in ordered]}
    raise TypeError(type(value).__name__)


def untyped(doc: Any) -> Any:
    """Inverse of :func:`typed`."""
    ((kind, payload),) = doc.items()
    if kind == "null":
        return None
    if kind == "bool":
        return bool(payload)
    if kind == "int":
        return int(payload)
    if kind == "bytes":
        return bytes.fromhex(payload)
    if kind == "text":
        return str(payload)
    if kind == "array":
        return [untyped(v) for v in payload]
    if kind == "map":
        return {k: untyped(v) for k, v in payload}
    raise ValueError(kind)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _bit(path: bytes, depth: int) -> int:
    return (path[depth // 8] >> (7 - depth % 8)) & 1


def reference_root(entries: list[tuple[bytes, bytes]]) -> bytes:
    """The state-tree root straight from its definition (recursive, no storage)."""
    leaves = sorted((_sha(k), _sha(v)) for k, v in entries)

    def node(items: list[tuple[bytes, bytes]], depth: int) -> bytes:
        if not items:
            return bytes(32)
        if len(items) == 1:
            path, value_hash = items[0]
            return _sha(b"\x00" + path + value_hash)
        left = [i for i in items if _bit(i[0], depth) == 0]
        right = [i for i in items if _bit(i[0], depth) == 1]
        return _sha(b"\x01" + node(left, depth + 1) + node(right, depth + 1))

    return node(leaves, 0)


def sen_error(hex_: str) -> str:
    """Which of Sen's errors the reference decoder raises for ``hex_``."""
    try:
        encoding.decode(bytes.fromhex(hex_))
    except NonCanonical:
        return "NonCanonical"
    except EncodingError:
        return "EncodingError"
    raise AssertionError(f"{hex_} was accepted")


def transaction_vector() -> dict[str, Any]:
    key = Ed25519Suite().load_private(TX_SEED)
    args = {
        "digest": hashlib.sha256(b"hello, Sen").digest(),
        "title": "Hợp đồng số 01/2025",
        "organisation": "Sở Tư pháp",
    }
    tx = sign_tx(key, chain_id="sen-test", nonce=0, module="evidence", action="anchor", args=args)
    body = [1, "sen-test", "ed25519", key.public_key, 0, "evidence", "anchor", args]
    assert tx.sign_bytes == SIGN_DOMAIN + encoding.encode(body)
    return {
        "seed": TX_SEED.hex(),
        "suite": "ed25519",
        "public_key": key.public_key.hex(),
        "chain_id": "sen-test",
        "nonce": 0,
        "module": "evidence",
        "action": "anchor",
        "args": typed(args),
        "body": encoding.encode(body).hex(),
        "sign_bytes": tx.sign_bytes.hex(),
        "signature": tx.signature.hex(),
        "wire": tx.raw.hex(),
        "hash": tx.hash.hex(),
        "address": address_of("ed25519", key.public_key).hex(),
        "account_key": (b"account/" + tx.sender).hex(),
    }


def build_vectors() -> dict[str, Any]:
    return {
        "description": (
            "Sen canonical encoding, transaction and state-tree vectors "
            "(docs/spec/encoding.md); generated by tools/make_encoding_vectors.py"
        ),
        "values": [
            {"name": name, "value": typed(value), "hex": encoding.encode(value).hex()}
            for name, value in VALUES
        ],
        "rejected": [
            {"name": name, "hex": hex_, "reason": reason, "sen_error": sen_error(hex_)}
            for name, hex_, reason in REJECTED
        ],
        "transaction": transaction_vector(),
        "state_tree": [
            {
                "name": name,
                "entries": [[k.hex(), v.hex()] for k, v in entries],
                "root": reference_root(entries).hex(),
            }
            for name, entries in TREE_CASES
        ],
    }


def render() -> str:
    return json.dumps(build_vectors(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    options = parser.parse_args()
    text = render()
    if options.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date; run {sys.argv[0]}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
