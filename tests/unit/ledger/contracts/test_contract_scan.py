"""State range scans: ``sen.Map.items`` in a contract, over committed state, the block's and
the transaction's pending writes and the call's own, and the overlays' ``scan`` beneath it."""

from __future__ import annotations

import json
import random

from contract_chain import ContractChain, key

from sen.ledger.state import EmptyState, Overlay

LEDGER = b"""
import sen_contract as sen

entries = sen.Map("entries")
others = sen.Map("others")


@sen.execute
def put(names: list, value: int):
    for name in names:
        entries[name] = value
    others["x"] = 1


@sen.execute
def drop(names: list):
    for name in names:
        del entries[name]


@sen.execute
def put_then_list(put: list, drop: list, start=None, limit: int = 100):
    for name in put:
        entries[name] = -1
    for name in drop:
        del entries[name]
    return entries.items(start=start, limit=limit)


@sen.query
def listed(start=None, stop=None, limit: int = 100):
    return entries.items(start=start, stop=stop, limit=limit)
"""


def _names(n: int) -> list[str]:
    return [f"k{i:04d}" for i in range(n)]


def test_a_contract_lists_its_map_in_key_order(chain: ContractChain) -> None:
    signer = key(1)
    contract = chain.deploy(signer, LEDGER)
    call = {"contract": contract, "gas": 100_000_000}
    names = _names(450)  # more than one host page (200)
    random.Random(7).shuffle(names)
    for chunk in (names[:150], names[150:300], names[300:]):
        done = chain.one(signer, "execute", **call, entry="put", args={"names": chunk, "value": 1})
        assert done.code == 0, done.log
    dropped = chain.one(signer, "execute", **call, entry="drop", args={"names": ["k0001"]})
    assert dropped.code == 0, dropped.log

    listed = chain.one(
        signer, "execute", **call, entry="put_then_list",
        args={"put": ["k0000x", "zzz"], "drop": ["k0002"], "limit": 1000},
    )  # fmt: skip
    assert listed.code == 0, listed.log
    got = [name for name, _ in json.loads(listed.data)]
    expected = sorted({*_names(450), "k0000x", "zzz"} - {"k0001", "k0002"})
    assert got == expected  # committed, pending and the call's own writes, in key order
    assert "x" not in got  # another map's keys stay out

    window = chain.one(
        signer, "execute", **call, entry="put_then_list",
        args={"put": [], "drop": [], "start": "k0100", "limit": 3},
    )  # fmt: skip
    assert [name for name, _ in json.loads(window.data)] == ["k0100", "k0101", "k0102"]


def test_scans_are_charged_by_what_they_return(chain: ContractChain) -> None:
    signer = key(1)
    contract = chain.deploy(signer, LEDGER)
    call = {"contract": contract, "gas": 100_000_000}
    chain.one(signer, "execute", **call, entry="put", args={"names": _names(300), "value": 1})
    few = chain.one(signer, "execute", **call, entry="put_then_list",
                    args={"put": [], "drop": [], "limit": 1})  # fmt: skip
    many = chain.one(signer, "execute", **call, entry="put_then_list",
                     args={"put": [], "drop": [], "limit": 300})  # fmt: skip
    assert few.code == many.code == 0
    assert many.gas_used - few.gas_used > 300 * 2_000


def _brute(state: dict[bytes, bytes], start: bytes, end: bytes, limit: int) -> list:
    return sorted((k, v) for k, v in state.items() if start <= k < end)[:limit]


class _Dict:
    def __init__(self, state: dict[bytes, bytes]) -> None:
        self.state = state

    def get(self, key: bytes) -> bytes | None:
        return self.state.get(key)

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        return _brute(self.state, start, end, limit)


def test_overlay_scans_agree_with_a_sorted_dict() -> None:
    """Three overlays deep (block, transaction, call) with random sets and deletes: every
    scan equals a brute-force scan of the merged state."""
    rng = random.Random(2026)
    for _ in range(200):
        base = {bytes([rng.randrange(8), rng.randrange(8)]): b"b" for _ in range(rng.randrange(20))}
        truth = dict(base)
        top: Overlay | _Dict | EmptyState = _Dict(base) if base else EmptyState()
        for _layer in range(3):
            top = Overlay(top)
            for _op in range(rng.randrange(12)):
                k = bytes([rng.randrange(8), rng.randrange(8)])
                if rng.random() < 0.4:
                    top.delete(k)
                    truth.pop(k, None)
                else:
                    top.set(k, b"v")
                    truth[k] = b"v"
        start, end = sorted([bytes([rng.randrange(9)]), bytes([rng.randrange(9)])])
        limit = rng.randrange(1, 10)
        assert top.scan(start, end, limit) == _brute(truth, start, end, limit)
