"""Signed evidence transactions made ahead of time, so signing is not measured."""

from __future__ import annotations

import os
from collections.abc import Callable

from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.tx import sign_tx

TITLE = "Bằng tốt nghiệp đại học số {i}"
ORGANISATION = "Đại học Quốc gia Hà Nội"


def make_keys(count: int) -> list[SigningKey]:
    suite = get_suite("ed25519")
    return [suite.generate() for _ in range(count)]


def anchor_txs(
    chain_id: str,
    keys: list[SigningKey],
    count: int,
    *,
    first_nonce: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[bytes]:
    """``count`` anchor transactions spread round-robin over ``keys``, nonces in order."""
    txs = []
    for i in range(count):
        key = keys[i % len(keys)]
        tx = sign_tx(
            key,
            chain_id=chain_id,
            nonce=first_nonce + i // len(keys),
            module="evidence",
            action="anchor",
            args={
                "digest": os.urandom(32),
                "title": TITLE.format(i=i),
                "organisation": ORGANISATION,
            },
        )
        txs.append(tx.raw)
        if progress is not None and i % 1000 == 999:
            progress(1000)
    return txs
