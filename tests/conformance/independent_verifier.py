"""An evidence-receipt verifier written from docs/spec/receipt.md and encoding.md alone.

It does not import ``sen``: only the standard library's hashlib, json and base64,
and ``cryptography`` for Ed25519. It exists to prove that the specification is
enough to check a receipt; ``test_receipt_vectors.py`` runs it over the receipts
and the tampered variants of ``docs/spec/vectors/receipt-vectors.json`` and
expects Sen's verdicts, check name for check name.

``verify(receipt, genesis_bytes, document_digest)`` returns the names of the
checks passed, or raises ``Failed(check, reason)`` at the first that fails.
Section numbers (§) are those of docs/spec/receipt.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALGORITHMS = {"sha-256": 32, "sha-384": 48, "sha-512": 64, "sha3-256": 32, "sha3-512": 64}
INT64_MAX = 2**63 - 1
UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1
MAX_TOTAL_POWER = INT64_MAX // 8
ED25519_TYPE = "tendermint/PubKeyEd25519"


class Failed(Exception):
    def __init__(self, check: str, reason: str) -> None:
        super().__init__(f"{check}: {reason}")
        self.check = check
        self.reason = reason


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# -- §Merkle tree (RFC 6962 style, CometBFT's split) --------------------------------------


def split_point(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def leaf(item: bytes) -> bytes:
    return sha256(b"\x00" + item)


def inner(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def merkle_root(items: list[bytes]) -> bytes:
    if not items:
        return sha256(b"")
    if len(items) == 1:
        return leaf(items[0])
    k = split_point(len(items))
    return inner(merkle_root(items[:k]), merkle_root(items[k:]))


def root_from_aunts(index: int, total: int, node: bytes, aunts: list[bytes]) -> bytes | None:
    """The root a proof leads to (aunts bottom-up), or None when its shape is wrong."""
    if total <= 0 or not 0 <= index < total:
        return None
    if total == 1:
        return node if not aunts else None
    if not aunts:
        return None
    k = split_point(total)
    if index < k:
        left = root_from_aunts(index, k, node, aunts[:-1])
        return None if left is None else inner(left, aunts[-1])
    right = root_from_aunts(index - k, total - k, node, aunts[:-1])
    return None if right is None else inner(aunts[-1], right)


def proof_leads(proof: dict[str, Any], item: bytes, root: bytes) -> bool:
    if proof["leaf_hash"] != leaf(item):
        return False
    return (
        root_from_aunts(proof["index"], proof["total"], proof["leaf_hash"], proof["aunts"]) == root
    )


# -- §Protobuf (the few wire rules CometBFT's hashed messages use) --------------------------


def varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def pb_uint(field: int, n: int) -> bytes:
    """uint32/uint64/int32/int64/enum: omitted when zero; negatives as 64-bit two's complement."""
    return b"" if n == 0 else varint(field << 3) + varint(n & UINT64_MAX)


def pb_bytes(field: int, data: bytes) -> bytes:
    return b"" if not data else varint(field << 3 | 2) + varint(len(data)) + data


def pb_message(field: int, data: bytes) -> bytes:
    return varint(field << 3 | 2) + varint(len(data)) + data


def pb_sfixed64(field: int, n: int) -> bytes:
    return b"" if n == 0 else varint(field << 3 | 1) + (n & UINT64_MAX).to_bytes(8, "little")


def timestamp_bytes(seconds: int, nanos: int) -> bytes:
    return pb_uint(1, seconds) + pb_uint(2, nanos)


def block_id_bytes(block_id: dict[str, Any]) -> bytes:
    parts = pb_uint(1, block_id["parts_total"]) + pb_bytes(2, block_id["parts_hash"])
    return pb_bytes(1, block_id["hash"]) + pb_message(2, parts)


def header_leaves(h: dict[str, Any]) -> list[bytes]:
    return [
        pb_uint(1, h["version_block"]) + pb_uint(2, h["version_app"]),
        pb_bytes(1, h["chain_id"].encode()),
        pb_uint(1, h["height"]),
        timestamp_bytes(*h["time"]),
        block_id_bytes(h["last_block_id"]),
        *(pb_bytes(1, h[name]) for name in HEADER_HASHES),
    ]


def header_hash(h: dict[str, Any]) -> bytes:
    return merkle_root(header_leaves(h)) if h["validators_hash"] else b""


def simple_validator(pub_key: bytes, power: int) -> bytes:
    return pb_message(1, pb_bytes(1, pub_key)) + pb_uint(2, power)


def validator_set_hash(validators: list[tuple[bytes, int]]) -> bytes:
    return merkle_root([simple_validator(k, p) for k, p in validators])


def vote_sign_bytes(chain_id: str, commit: dict[str, Any], slot: dict[str, Any]) -> bytes:
    block_id = commit["block_id"] if slot["flag"] == 2 else None  # a nil vote: no block id
    message = (
        pb_uint(1, 2)  # SignedMsgType PRECOMMIT
        + pb_sfixed64(2, commit["height"])
        + pb_sfixed64(3, commit["round"])
        + (pb_message(4, block_id_bytes(block_id)) if block_id is not None else b"")
        + pb_message(5, timestamp_bytes(*slot["timestamp"]))
        + pb_bytes(6, chain_id.encode())
    )
    return varint(len(message)) + message


def exec_tx_result(code: int, data: bytes, gas_wanted: int, gas_used: int) -> bytes:
    return pb_uint(1, code) + pb_bytes(2, data) + pb_uint(5, gas_wanted) + pb_uint(6, gas_used)


# -- §Canonical encoding (encoding.md §2): a strict decoder --------------------------------


class NotCanonical(Exception):
    pass


def cbor_decode(data: bytes) -> Any:
    value, end = _cbor_item(data, 0, 0)
    if end != len(data):
        raise NotCanonical("trailing bytes")
    return value


def _cbor_head(data: bytes, at: int) -> tuple[int, int, int]:
    if at >= len(data):
        raise NotCanonical("truncated")
    major, info = data[at] >> 5, data[at] & 31
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise NotCanonical("indefinite length or reserved")
    size = 1 << (info - 24)
    if at + 1 + size > len(data):
        raise NotCanonical("truncated")
    n = int.from_bytes(data[at + 1 : at + 1 + size], "big")
    if n < (24 if size == 1 else 1 << (4 * size)):
        raise NotCanonical("not the shortest head")
    return major, n, at + 1 + size


def _cbor_item(data: bytes, at: int, depth: int) -> tuple[Any, int]:
    if at < len(data) and data[at] >> 5 == 7:
        simple = {0xF4: False, 0xF5: True, 0xF6: None}
        if data[at] not in simple:
            raise NotCanonical("float or other simple value")
        return simple[data[at]], at + 1
    major, n, at = _cbor_head(data, at)
    if major == 0:
        return n, at
    if major == 1:
        if n > INT64_MAX:
            raise NotCanonical("below -2^63")
        return -1 - n, at
    if major in (2, 3):
        if at + n > len(data):
            raise NotCanonical("truncated")
        raw = data[at : at + n]
        return (raw if major == 2 else raw.decode("utf-8")), at + n
    if major == 6:
        raise NotCanonical("tag")
    if depth >= 16:
        raise NotCanonical("too deep")
    if major == 4:
        items = []
        for _ in range(n):
            item, at = _cbor_item(data, at, depth + 1)
            items.append(item)
        return items, at
    out: dict[str, Any] = {}
    previous = b""
    for i in range(n):
        start = at
        key, at = _cbor_item(data, at, depth + 1)
        if not isinstance(key, str):
            raise NotCanonical("map key not text")
        encoded_key = data[start:at]
        if i and (len(encoded_key), encoded_key) <= (len(previous), previous):
            raise NotCanonical("map keys unsorted or repeated")
        previous = encoded_key
        out[key], at = _cbor_item(data, at, depth + 1)
    return out, at


# -- §Strict form: reading the receipt's JSON ----------------------------------------------


def _fields(value: Any, where: str, required: set[str], optional: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    if not isinstance(value, dict):
        raise Failed("format", f"{where}: expected an object")
    extra = set(value) - required - optional
    missing = required - set(value)
    if extra or missing:
        raise Failed("format", f"{where}: fields {sorted(extra)} extra, {sorted(missing)} missing")
    return value


def _int(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:
        raise Failed("format", f"{where}: expected a non-negative integer")
    return value


def _lower_hex(value: Any, where: str, size: int | None = None) -> bytes:
    if not isinstance(value, str) or value != value.lower() or len(value) % 2:
        raise Failed("format", f"{where}: expected lower-case hex")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise Failed("format", f"{where}: expected lower-case hex") from None
    if raw.hex() != value or (size is not None and len(raw) != size):
        raise Failed("format", f"{where}: expected {size} bytes of lower-case hex")
    return raw


def _upper_hex(value: Any, where: str, sizes: tuple[int, ...] | None = None) -> bytes:
    if not isinstance(value, str) or len(value) % 2:
        raise Failed("format", f"{where}: expected upper-case hex")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise Failed("format", f"{where}: expected upper-case hex") from None
    if raw.hex().upper() != value or (sizes is not None and len(raw) not in sizes):
        raise Failed("format", f"{where}: expected upper-case hex of {sizes} bytes")
    return raw


def _base64(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise Failed("format", f"{where}: expected base64")
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raise Failed("format", f"{where}: expected base64") from None
    if base64.b64encode(raw).decode() != value:
        raise Failed("format", f"{where}: not canonical base64")
    return raw


def _decimal(value: Any, where: str, low: int, high: int) -> int:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise Failed("format", f"{where}: expected a decimal string")
    if str(int(value)) != value or not low <= int(value) <= high:
        raise Failed("format", f"{where}: expected a decimal in [{low}, {high}], no leading zeros")
    return int(value)


def _number(value: Any, where: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise Failed("format", f"{where}: expected a JSON integer in [{low}, {high}]")
    return value


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _time(value: Any, where: str) -> tuple[int, int]:
    """RFC 3339 in UTC, 'Z', fraction without trailing zeros: (unix seconds, nanos)."""
    bad = Failed("format", f"{where}: expected YYYY-MM-DDTHH:MM:SS[.fraction]Z")
    if not isinstance(value, str) or len(value) < 20 or not value.endswith("Z"):
        raise bad
    date, clock = value[:10], value[11:-1]
    digits = date[:4] + date[5:7] + date[8:] + clock[:2] + clock[3:5] + clock[6:8]
    if (date[4], date[7], value[10], clock[2], clock[5]) != ("-", "-", "T", ":", ":"):
        raise bad
    if not (digits.isascii() and digits.isdigit()):
        raise bad
    fraction = clock[8:]
    nanos = 0
    if fraction:
        frac = fraction[1:]
        if fraction[0] != "." or not 1 <= len(frac) <= 9 or not frac.isdigit() or frac[-1] == "0":
            raise bad
        nanos = int(frac.ljust(9, "0"))
    y, m, d = int(date[:4]), int(date[5:7]), int(date[8:])
    hh, mm, ss = int(clock[:2]), int(clock[3:5]), int(clock[6:8])
    month_days = [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28, 31, 30, 31,
                  30, 31, 31, 30, 31, 30, 31]  # fmt: skip
    if not (
        y >= 1 and 1 <= m <= 12 and 1 <= d <= month_days[m - 1] and hh < 24 and mm < 60 and ss < 60
    ):
        raise bad
    return _days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss, nanos


HEADER_HASHES = (
    "last_commit_hash", "data_hash", "validators_hash", "next_validators_hash", "consensus_hash",
    "app_hash", "last_results_hash", "evidence_hash", "proposer_address",
)  # fmt: skip


def _block_id(value: Any, where: str) -> dict[str, Any]:
    obj = _fields(value, where, {"hash", "parts"})
    parts = _fields(obj["parts"], f"{where}.parts", {"total", "hash"})
    return {
        "hash": _upper_hex(obj["hash"], f"{where}.hash", (0, 32)),
        "parts_total": _number(parts["total"], f"{where}.parts.total", 0, UINT32_MAX),
        "parts_hash": _upper_hex(parts["hash"], f"{where}.parts.hash", (0, 32)),
    }


def read_header(value: Any, where: str) -> dict[str, Any]:
    obj = _fields(value, where, {"version", "chain_id", "height", "time", "last_block_id",
                                 *HEADER_HASHES})  # fmt: skip
    version = obj["version"]
    if not isinstance(version, dict) or set(version) - {"block", "app"}:
        raise Failed("format", f"{where}.version: expected an object with block and app")
    numbers = {k: _decimal(version[k], f"{where}.version.{k}", 1, UINT64_MAX) for k in version}
    if not isinstance(obj["chain_id"], str):
        raise Failed("format", f"{where}.chain_id: expected a string")
    header = {
        "version_block": numbers.get("block", 0),
        "version_app": numbers.get("app", 0),
        "chain_id": obj["chain_id"],
        "height": _decimal(obj["height"], f"{where}.height", 0, INT64_MAX),
        "time": _time(obj["time"], f"{where}.time"),
        "last_block_id": _block_id(obj["last_block_id"], f"{where}.last_block_id"),
    }
    for name in HEADER_HASHES:
        header[name] = _upper_hex(obj[name], f"{where}.{name}")
    return header


def read_commit(value: Any, where: str) -> dict[str, Any]:
    obj = _fields(value, where, {"height", "round", "block_id", "signatures"})
    signatures = obj["signatures"]
    if signatures is not None and (not isinstance(signatures, list) or not signatures):
        raise Failed("format", f"{where}.signatures: expected a non-empty list, or null")
    slots = []
    for i, item in enumerate(signatures or []):
        at = f"{where}.signatures[{i}]"
        sig = _fields(item, at, {"block_id_flag", "validator_address", "timestamp", "signature"})
        signature = (
            b"" if sig["signature"] is None else _base64(sig["signature"], f"{at}.signature")
        )
        if sig["signature"] is not None and not signature:
            raise Failed("format", f"{at}.signature: an empty signature is written null")
        slots.append(
            {
                "flag": _number(sig["block_id_flag"], f"{at}.block_id_flag", 1, 3),
                "address": _upper_hex(sig["validator_address"], f"{at}.validator_address", (0, 20)),
                "timestamp": _time(sig["timestamp"], f"{at}.timestamp"),
                "signature": signature,
            }
        )
    return {
        "height": _decimal(obj["height"], f"{where}.height", 0, INT64_MAX),
        "round": _number(obj["round"], f"{where}.round", -(2**31), 2**31 - 1),
        "block_id": _block_id(obj["block_id"], f"{where}.block_id"),
        "signatures": slots,
    }


def read_validator_set(value: Any, where: str) -> list[tuple[bytes, int]]:
    obj = _fields(value, where, {"validators"})
    if not isinstance(obj["validators"], list):
        raise Failed("format", f"{where}.validators: expected a list")
    out: list[tuple[bytes, int]] = []
    for i, item in enumerate(obj["validators"]):
        at = f"{where}.validators[{i}]"
        v = _fields(item, at, {"address", "pub_key", "voting_power"})
        key = _fields(v["pub_key"], f"{at}.pub_key", {"type", "value"})
        if key["type"] != ED25519_TYPE:
            raise Failed("format", f"{at}.pub_key.type: expected {ED25519_TYPE}")
        pub_key = _base64(key["value"], f"{at}.pub_key.value")
        if len(pub_key) != 32:
            raise Failed("format", f"{at}.pub_key.value: expected 32 bytes")
        if _upper_hex(v["address"], f"{at}.address", (20,)) != sha256(pub_key)[:20]:
            raise Failed("format", f"{at}.address: not the first 20 bytes of SHA-256(pub_key)")
        out.append((pub_key, _decimal(v["voting_power"], f"{at}.voting_power", 1, MAX_TOTAL_POWER)))
    if len({k for k, _ in out}) != len(out) or sum(p for _, p in out) > MAX_TOTAL_POWER:
        raise Failed("format", f"{where}: a validator twice, or too much voting power")
    return out


def _proof(value: Any, where: str) -> dict[str, Any]:
    obj = _fields(value, where, {"total", "index", "leaf_hash", "aunts"})
    if not isinstance(obj["aunts"], list):
        raise Failed("format", f"{where}.aunts: expected a list")
    return {
        "total": _int(obj["total"], f"{where}.total"),
        "index": _int(obj["index"], f"{where}.index"),
        "leaf_hash": _lower_hex(obj["leaf_hash"], f"{where}.leaf_hash", 32),
        "aunts": [_lower_hex(a, f"{where}.aunts[{i}]", 32) for i, a in enumerate(obj["aunts"])],
    }


def read_receipt(doc: Any) -> dict[str, Any]:
    """Check 1, format: the strict form (§Strict form), into plain values."""
    top = {"format", "version", "genesis_hash", "evidence", "transaction", "result", "block",
           "next_block", "validators"}  # fmt: skip
    doc = _fields(doc, "receipt", top, {"chain_id", "validator_history"})
    if (
        doc["format"] != "sen-evidence-receipt"
        or type(doc["version"]) is not int
        or doc["version"] != 1
    ):
        raise Failed("format", "unknown format or version")
    evidence = _fields(doc["evidence"], "evidence", {"algorithm", "digest", "batch"})
    algorithm = evidence["algorithm"]
    if algorithm not in ALGORITHMS:
        raise Failed("format", "evidence.algorithm: unknown")
    batch = None
    if evidence["batch"] is not None:
        b = _fields(evidence["batch"], "evidence.batch", {"root", "proof"})
        batch = {"root": _lower_hex(b["root"], "evidence.batch.root", 32),
                 "proof": _proof(b["proof"], "evidence.batch.proof")}  # fmt: skip
    tx = _fields(doc["transaction"], "transaction", {"tx", "hash", "height", "index", "proof"})
    result = _fields(doc["result"], "result", {"code", "data", "gas_wanted", "gas_used", "proof"})
    block = _fields(doc["block"], "block", {"header"})
    next_block = _fields(doc["next_block"], "next_block", {"header", "commit"})
    history = doc.get("validator_history")
    if "validator_history" in doc and (not isinstance(history, list) or not history):
        raise Failed("format", "validator_history: absent, or a non-empty list")
    hops = []
    for i, hop in enumerate(history or []):
        at = f"validator_history[{i}]"
        hop = _fields(hop, at, {"header", "commit", "next_validators"})
        header = read_header(hop["header"], f"{at}.header")
        commit = read_commit(hop["commit"], f"{at}.commit")
        hops.append((header, commit, read_validator_set(hop["next_validators"], f"{at}.next")))
    return {
        "chain_id": doc.get("chain_id"),  # any value, or none: compared by the chain check
        "genesis_hash": _lower_hex(doc["genesis_hash"], "genesis_hash", 32),
        "algorithm": algorithm,
        "digest": _lower_hex(evidence["digest"], "evidence.digest", ALGORITHMS[algorithm]),
        "batch": batch,
        "tx": _base64(tx["tx"], "transaction.tx"),
        "tx_hash": _lower_hex(tx["hash"], "transaction.hash", 32),
        "height": _int(tx["height"], "transaction.height"),
        "index": _int(tx["index"], "transaction.index"),
        "tx_proof": _proof(tx["proof"], "transaction.proof"),
        "code": _int(result["code"], "result.code"),
        "data": _lower_hex(result["data"], "result.data"),
        "gas_wanted": _int(result["gas_wanted"], "result.gas_wanted"),
        "gas_used": _int(result["gas_used"], "result.gas_used"),
        "result_proof": _proof(result["proof"], "result.proof"),
        "header": read_header(block["header"], "block.header"),
        "next_header": read_header(next_block["header"], "next_block.header"),
        "commit": read_commit(next_block["commit"], "next_block.commit"),
        "validators": read_validator_set(doc["validators"], "validators"),
        "history": hops,
    }


# -- the genesis file (§Genesis) -----------------------------------------------------------


def read_genesis(raw: bytes) -> dict[str, Any]:
    doc = json.loads(raw)
    chain_id = doc["chain_id"]
    assert isinstance(chain_id, str) and 1 <= len(chain_id) <= 50
    params = doc.get("app_state", {}).get("params", {})
    assert params.get("chain_id", chain_id) == chain_id
    validators = []
    for v in doc["validators"]:
        assert v["pub_key"]["type"] == ED25519_TYPE
        key = base64.b64decode(v["pub_key"]["value"], validate=True)
        power = int(v["power"])
        assert len(key) == 32 and v["power"].isdigit() and power > 0
        if "address" in v:
            assert v["address"].upper() == sha256(key)[:20].hex().upper()
        validators.append((key, power))
    assert validators
    validators.sort(key=lambda kp: (-kp[1], sha256(kp[0])[:20]))
    return {"chain_id": chain_id, "hash": sha256(raw), "validators": validators}


# -- the checks (§Verification) ------------------------------------------------------------


def verify_commit(chain_id: str, validators: list[tuple[bytes, int]], commit: dict[str, Any],
                  header: dict[str, Any], check: str) -> None:  # fmt: skip
    if commit["block_id"]["hash"] != header_hash(header):
        raise Failed(check, "the commit is not for this header")
    if commit["height"] != header["height"] or len(commit["signatures"]) != len(validators):
        raise Failed(check, "commit height or slot count")
    signed = 0
    for (pub_key, power), slot in zip(validators, commit["signatures"], strict=True):
        if slot["flag"] == 1:
            if slot["address"] or slot["signature"] or slot["timestamp"] != (-62135596800, 0):
                raise Failed(check, "an absent slot carries a vote")
            continue
        if slot["address"] != sha256(pub_key)[:20] or len(slot["signature"]) != 64:
            raise Failed(check, "slot address or signature length")
        try:
            Ed25519PublicKey.from_public_bytes(pub_key).verify(
                slot["signature"], vote_sign_bytes(chain_id, commit, slot)
            )
        except InvalidSignature:
            raise Failed(check, "a vote signature does not verify") from None
        if slot["flag"] == 2:
            signed += power
    if signed <= sum(p for _, p in validators) * 2 // 3:
        raise Failed(check, "not more than 2/3 of the voting power")


def check_validators(r: dict[str, Any], genesis: dict[str, Any]) -> None:
    trusted = genesis["validators"]
    last = 0
    for i, (header, commit, next_set) in enumerate(r["history"]):
        if not last < header["height"] < r["next_header"]["height"]:
            raise Failed("validators", f"validator_history[{i}]: height out of order")
        if header["chain_id"] != genesis["chain_id"]:
            raise Failed("validators", f"validator_history[{i}]: chain")
        if header["validators_hash"] != validator_set_hash(trusted):
            raise Failed("validators", f"validator_history[{i}]: not made by the trusted set")
        verify_commit(genesis["chain_id"], trusted, commit, header, "validators")
        if validator_set_hash(next_set) != header["next_validators_hash"]:
            raise Failed("validators", f"validator_history[{i}]: next set")
        trusted, last = next_set, header["height"]
    own = validator_set_hash(r["validators"])
    if own != validator_set_hash(trusted):
        raise Failed("validators", "not the trusted validator set")
    made = [r["next_header"]] if r["history"] else [r["header"], r["next_header"]]
    if any(h["validators_hash"] != own for h in made):
        raise Failed("validators", "a header's validators_hash")


def check_commit(r: dict[str, Any], genesis: dict[str, Any]) -> None:
    header, next_header = r["header"], r["next_header"]
    if next_header["height"] != header["height"] + 1 or header["height"] != r["height"]:
        raise Failed("headers", "heights")
    verify_commit(genesis["chain_id"], r["validators"], r["commit"], next_header, "commit")
    if next_header["last_block_id"]["hash"] != header_hash(header):
        raise Failed("headers", "H+1 does not name H")
    if header["next_validators_hash"] != next_header["validators_hash"]:
        raise Failed("headers", "next validators")
    if next_header["time"] <= header["time"]:
        raise Failed("headers", "time")


def check_inclusion(r: dict[str, Any]) -> None:
    proof = r["tx_proof"]
    if proof["index"] != r["index"] or proof["total"] != r["result_proof"]["total"]:
        raise Failed("inclusion", "proof index or total")
    if r["tx_hash"] != sha256(r["tx"]):
        raise Failed("inclusion", "transaction.hash")
    if not proof_leads(proof, r["tx_hash"], r["header"]["data_hash"]):
        raise Failed("inclusion", "the proof does not lead to data_hash")


def check_result(r: dict[str, Any]) -> None:
    if r["code"] != 0 or r["result_proof"]["index"] != r["index"]:
        raise Failed("result", "failed, or the proof is for another transaction")
    item = exec_tx_result(r["code"], r["data"], r["gas_wanted"], r["gas_used"])
    if not proof_leads(r["result_proof"], item, r["next_header"]["last_results_hash"]):
        raise Failed("result", "the proof does not lead to last_results_hash")


def check_transaction(r: dict[str, Any], genesis: dict[str, Any]) -> dict[str, Any]:
    try:
        tx = cbor_decode(r["tx"])
    except (NotCanonical, UnicodeDecodeError) as exc:
        raise Failed("transaction", f"not canonical: {exc}") from None
    if not (isinstance(tx, list) and len(tx) == 2 and isinstance(tx[0], list) and len(tx[0]) == 8):
        raise Failed("transaction", "not [body, signature]")
    body, signature = tx
    version, chain_id, suite, public_key, nonce, module, action, args = body
    kinds = [(chain_id, str), (suite, str), (public_key, bytes), (nonce, int), (module, str),
             (action, str), (args, dict), (signature, bytes)]  # fmt: skip
    if (
        type(version) is not int
        or version != 1
        or any(type(v) is not t for v, t in kinds)
        or nonce < 0
    ):
        raise Failed("transaction", "malformed")
    if chain_id != genesis["chain_id"]:
        raise Failed("transaction", "another chain")
    n = len(signature)  # the signature's own CBOR head: 1, 2, 3 or 5 bytes (64 bytes: 58 40)
    head = 1 if n < 24 else 2 if n < 256 else 3 if n < 65536 else 5
    sign_bytes = b"sen/tx/v1\x00" + r["tx"][1 : len(r["tx"]) - head - len(signature)]
    if suite != "ed25519" or len(public_key) != 32:
        raise Failed("transaction", f"suite {suite} is not supported here")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, sign_bytes)
    except InvalidSignature:
        raise Failed("transaction", "signature") from None
    if module != "evidence" or action not in ("anchor", "anchor_batch"):
        raise Failed("transaction", "not an evidence anchoring")
    return {"action": action, "args": args}


def check_evidence(r: dict[str, Any], tx: dict[str, Any]) -> None:
    args, batch = tx["args"], r["batch"]
    if args.get("algorithm", "sha-256") != r["algorithm"]:
        raise Failed("evidence", "algorithm")
    if tx["action"] == "anchor":
        if batch is not None or args.get("digest") != r["digest"] or r["data"]:
            raise Failed("evidence", "single anchoring")
        return
    digests = args.get("digests")
    if batch is None or not isinstance(digests, list) or not all(type(d) is bytes for d in digests):
        raise Failed("evidence", "batch")
    root = merkle_root(digests)
    if batch["root"] != root or r["data"] != root:
        raise Failed("evidence", "batch root, or result.data is not it")
    path = batch["proof"]
    if not proof_leads(path, r["digest"], root) or path["total"] != len(digests):
        raise Failed("evidence", "the batch path")
    if digests[path["index"]] != r["digest"]:
        raise Failed("evidence", "the batch path")


def verify(receipt: Any, genesis_bytes: bytes, document_digest: bytes | None = None) -> list[str]:
    genesis = read_genesis(genesis_bytes)
    r = read_receipt(receipt)
    if r["chain_id"] != genesis["chain_id"] or r["genesis_hash"] != genesis["hash"]:
        raise Failed("chain", "another chain or genesis")
    if any(h["chain_id"] != genesis["chain_id"] for h in (r["header"], r["next_header"])):
        raise Failed("chain", "a header of another chain")
    check_validators(r, genesis)
    check_commit(r, genesis)
    check_inclusion(r)
    check_result(r)
    tx = check_transaction(r, genesis)
    check_evidence(r, tx)
    if document_digest is not None and document_digest != r["digest"]:
        raise Failed("document", "another document")
    return ["format", "chain", "validators", "commit", "inclusion", "result", "transaction",
            "evidence", "document"]  # fmt: skip
