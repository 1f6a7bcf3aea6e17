"""The browser's reader of canonical CBOR (``cbor.js``) and its Merkle inclusion proofs
(``merkle.js``), in Chromium, against the ledger's own: the same fields out of the access
log's entries, the same roots for every item of trees of 1 to 33 items, and a refusal for
every byte string the ledger's decoder refuses."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from sen.ledger import encoding
from sen.ledger.errors import EncodingError
from sen.ledger.light.merkle import proofs_from_byte_slices
from sen.services.vault.vault import Access

pytestmark = pytest.mark.slow

CHECK = """async ({entries, cases, refused}) => {
  const { decodeCanonical, hexBytes } = await import('/console/js/cbor.js');
  const { rootFromProof } = await import('/console/js/merkle.js');
  const { toHex } = await import('/console/js/sha256.js');
  const fields = entries.map((hex) => {
    const value = decodeCanonical(hexBytes(hex));
    const shown = ([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : v];
    return Object.fromEntries([...value].map(shown));
  });
  const roots = cases.map((c) => toHex(rootFromProof(hexBytes(c.item),
    { total: c.total, index: c.index, aunts: c.aunts.map(hexBytes) })));
  const refusals = refused.map((hex) => {
    try { decodeCanonical(hexBytes(hex)); return null; } catch (err) { return err.code; }
  });
  return { fields, roots, refusals };
}"""

# Refused by the ledger's decoder: not canonical, or not CBOR it takes.
NOT_CANONICAL = [
    "1817",  # 23 in two bytes: not the shortest form
    "190017",  # 23 in three bytes
    "a2616201616101",  # keys out of order
    "a2616101616102",  # a key twice
    "a1616101ff",  # bytes left over
    "5f4101ff",  # an indefinite byte string
    "a10101",  # a key that is not text
    "62c328",  # text that is not UTF-8
    "4201",  # a byte string cut short
    "f93c00",  # a float
    "c11a514b67b0",  # a tag
]
# Canonical, but no access-log entry holds them: the browser takes nothing else.
OUTSIDE_ENTRIES = [
    "8101",  # an array
    "20",  # -1
    "f5",  # true
    "f6",  # null
    "1b0020000000000000",  # 2**53: more than a JavaScript number holds exactly
]


def test_the_browser_reads_entries_and_proofs_as_the_ledger_does(page: Any) -> None:
    entries = [
        Access(
            seq, 1_796_000_000 + seq % 86_400, f"did:sen:benh-vien-{seq}", secrets.token_bytes(16),
            "dpv:ServiceProvision", secrets.token_bytes(16), secrets.token_bytes(16),
        ).entry()
        for seq in (0, 1, 23, 24, 255, 256, 65_535, 65_536, 2**32, 2**53 - 1)
    ]  # fmt: skip
    cases = []
    for total in range(1, 34):
        items = [secrets.token_bytes(1 + i % 40) for i in range(total)]
        root, proofs = proofs_from_byte_slices(items)
        cases += [
            {
                "item": item.hex(),
                "total": proof.total,
                "index": proof.index,
                "aunts": [a.hex() for a in proof.aunts],
                "root": root.hex(),
            }
            for item, proof in zip(items, proofs, strict=True)
        ]
    for hex_text in NOT_CANONICAL:
        with pytest.raises(EncodingError):
            encoding.decode(bytes.fromhex(hex_text))
    for hex_text in OUTSIDE_ENTRIES:
        encoding.decode(bytes.fromhex(hex_text))
    refused = NOT_CANONICAL + OUTSIDE_ENTRIES
    page.goto("/#/")
    page.locator("#page-title").wait_for()
    found = page.evaluate(
        CHECK, {"entries": [e.hex() for e in entries], "cases": cases, "refused": refused}
    )
    expected = [
        {k: v.hex() if isinstance(v, bytes) else v for k, v in encoding.decode(e).items()}
        for e in entries
    ]
    assert found["fields"] == expected
    assert found["roots"] == [c["root"] for c in cases]
    assert None not in found["refusals"], dict(zip(refused, found["refusals"], strict=True))
