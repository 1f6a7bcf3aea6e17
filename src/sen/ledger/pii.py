"""The personal-data guard at the ledger's edge (issue 14, item 7).

A chain whose parameters say ``pii_free`` refuses a transaction whose arguments look like
personal data: a Vietnamese citizen ID (CCCD, 12 digits beginning with a province code),
a Vietnamese phone number, an e-mail address, a date next to a word for birth, or free text
longer than :data:`MAX_FREE_TEXT` characters. Personal data belongs in the vault
(ADR 0014); the chain holds commitments and references.

The detector is part of consensus on such a chain, so it is deterministic: fixed
patterns, maps walked in key order, no locale. It reads only text; bytes (digests, keys,
signatures) and numbers pass. It errs towards the patterns' shapes: a digest in hex, a
DID, a base58 key or an ISO timestamp is not matched (each has letters or separators
around its digits), and the tests keep a list of such look-alikes. A finding names the
field and the kind of data, never the value (logs are not the place for it either).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.errors import LedgerError
from sen.ledger.tx import decode_tx
from sen.ledger.types import TxResult

MAX_FREE_TEXT = 200
"""Characters of text with spaces in it that a PII-free chain takes in one field."""

# 12 digits, not inside a longer run of letters or digits, starting with a province code
# 001-096 (Circular 59/2021/TT-BCA, Appendix I), then the century-and-sex digit.
_CCCD = re.compile(r"(?<![0-9A-Za-z])(0[0-9][0-9])[0-9]{9}(?![0-9A-Za-z])")
# Vietnamese mobile numbers: 0 or +84/84, then 3/5/7/8/9 and 8 more digits, in groups.
_PHONE = re.compile(
    r"(?<![0-9A-Za-z+])(?:\+84|84|0)[\s.-]?[35789](?:[\s.-]?[0-9]){8}(?![0-9A-Za-z])"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_DATE = re.compile(
    r"(?<![0-9])(?:[0-3]?[0-9][/.-][01]?[0-9][/.-](?:19|20)[0-9]{2}"
    r"|(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9])(?![0-9])"
)
_BIRTH = re.compile(r"\b(?:sinh|ngày sinh|năm sinh|dob|date of birth|born|birth)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Finding:
    field: str  # e.g. "args.title"
    kind: str  # what it looks like: "a citizen ID number (CCCD)", ...


def _valid_province(code: str) -> bool:
    return 1 <= int(code) <= 96


def _in_text(text: str, free_text: bool = True) -> str | None:
    for match in _CCCD.finditer(text):
        if _valid_province(match.group(1)):
            return "a citizen ID number (CCCD)"
    if _PHONE.search(text):
        return "a phone number"
    if _EMAIL.search(text):
        return "an e-mail address"
    if _DATE.search(text) and _BIRTH.search(text):
        return "a date of birth"
    if free_text and len(text) > MAX_FREE_TEXT and " " in text:
        return f"free text of more than {MAX_FREE_TEXT} characters"
    return None


def find_personal_data(
    value: Any, field: str = "args", *, free_text: bool = True
) -> Finding | None:
    """The first field of ``value`` (decoded transaction arguments) that looks like personal
    data, in a fixed order (maps by key, lists by position), or None. ``free_text`` False:
    long text is not refused for its length (a contract's stored JSON, read as text)."""
    if isinstance(value, str):
        kind = _in_text(value, free_text)
        return None if kind is None else Finding(field, kind)
    if isinstance(value, Mapping):
        for key in sorted(value, key=str):
            if isinstance(key, str):
                named = _in_text(key)
                if named is not None:
                    return Finding(f"{field} (a key)", named)
            found = find_personal_data(value[key], f"{field}.{key}", free_text=free_text)
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_personal_data(item, f"{field}[{index}]", free_text=free_text)
            if found is not None:
                return found
    return None


@dataclass(frozen=True, slots=True)
class ChainFinding:
    """Personal data found on a chain: at which height (0: in the state) and where."""

    height: int
    where: str  # "tx 3 args", "tx 3 event privacy.consent", "state <key>"
    finding: Finding


def scan_chain(
    blocks: Iterable[tuple[int, Sequence[bytes]]],
    results: Iterable[tuple[int, Sequence[TxResult]]],
    state: Iterable[tuple[bytes, bytes]],
) -> list[ChainFinding]:
    """Every place on a chain that looks like personal data, with the guard's patterns: the
    arguments of every transaction of ``blocks`` ((height, raw transactions)), the event
    attributes of every result of ``results`` ((height, results)), and every text inside the
    state's values ((key, value), canonical encodings; raw values are bytes and pass). An
    auditor's sweep, not consensus: long free text in the state is not counted (a contract
    keeps JSON there), and a transaction that does not decode is skipped (it was refused)."""
    found: list[ChainFinding] = []
    for height, txs in blocks:
        for index, raw in enumerate(txs):
            try:
                tx = decode_tx(raw)
            except LedgerError:
                continue
            hit = find_personal_data(dict(tx.args))
            if hit is not None:
                found.append(ChainFinding(height, f"tx {index} args", hit))
    for height, block_results in results:
        for index, result in enumerate(block_results):
            for event in result.events:
                values = {a.key: a.value for a in event.attributes}
                hit = find_personal_data(values, "attributes")
                if hit is not None:
                    found.append(ChainFinding(height, f"tx {index} event {event.type}", hit))
    for key, value in state:
        try:
            decoded = encoding.decode(value)
        except LedgerError:
            continue
        hit = find_personal_data(decoded, "value", free_text=False)
        named = _in_text(key.decode("utf-8", errors="replace"), free_text=False)
        if named is not None:
            hit = Finding("key", named)
        if hit is not None:
            found.append(ChainFinding(0, f"state {key!r}", hit))
    return found
