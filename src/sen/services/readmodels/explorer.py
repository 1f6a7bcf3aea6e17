"""Read helpers for the explorer: recent blocks and transactions, an account's history, search.

Like :mod:`sen.services.readmodels.queries` they only read committed blocks, results, the
index and the mempool, and return frozen records. Walking backwards through
an index table uses the key layout written down in :mod:`sen.store.index`
(``address ‖ height ‖ index``, heights big-endian), so the newest entries of
an account come first without reading the older ones.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from typing import Literal

from sen.did.resolver import resolve
from sen.ledger import encoding
from sen.ledger.errors import TxRejected
from sen.ledger.light.header import header_hash
from sen.ledger.light.types import Header
from sen.ledger.modules import MODULES
from sen.ledger.modules.evidence.digests import DIGEST_ALGORITHMS
from sen.ledger.modules.membership.records import MEMBER_PREFIX, Member
from sen.ledger.tx import decode_tx
from sen.node.node import Node
from sen.services.readmodels.errors import UnreadableQuery
from sen.services.readmodels.queries import find_anchorings, find_tx
from sen.store.blocks import StoredBlock

MAX_LIST = 100
MAX_BLOCKS_WALKED = 2000  # how far back "latest transactions" looks past empty blocks
_POSITION = struct.Struct(">QI")
_HEX = re.compile(r"[0-9a-f]+")
ADDRESS_BYTES = 20

MatchKind = Literal["block", "transaction", "evidence", "account", "validator", "did"]


@dataclass(frozen=True, slots=True)
class BlockSummary:
    height: int
    time: str
    block_id: bytes
    txs: int
    failed: int
    proposer: str


@dataclass(frozen=True, slots=True)
class TxSummary:
    hash: bytes
    height: int
    index: int
    time: str
    module: str
    action: str
    sender: bytes
    code: int


@dataclass(frozen=True, slots=True)
class SearchMatch:
    kind: MatchKind
    id: str
    algorithm: str | None = None


def recent_blocks(node: Node, limit: int, before: int | None = None) -> list[BlockSummary]:
    """Up to ``limit`` committed blocks, newest first, below ``before`` if given."""
    top = node.app.height if before is None else min(before - 1, node.app.height)
    found: list[BlockSummary] = []
    for height in range(top, max(0, top - limit), -1):
        block = node.engine.blocks.load_block(height)
        if block is None:
            continue
        results = node.app.store.load_results(height) or []
        found.append(
            BlockSummary(
                height=height,
                time=str(block.header["time"]),
                block_id=header_hash(Header.from_json(block.header)),
                txs=len(block.txs),
                failed=sum(1 for r in results if not r.ok),
                proposer=str(block.header.get("proposer_address", "")).lower(),
            )
        )
    return found


def recent_txs(node: Node, limit: int) -> list[TxSummary]:
    """Up to ``limit`` committed transactions, newest first (looking back a bounded way)."""
    found: list[TxSummary] = []
    lowest = max(1, node.app.height - MAX_BLOCKS_WALKED + 1)
    for height in range(node.app.height, lowest - 1, -1):
        block = node.engine.blocks.load_block(height)
        if block is None or not block.txs:
            continue
        for index in range(len(block.txs) - 1, -1, -1):
            found.append(_summary(node, block, index))
            if len(found) >= limit:
                return found
    return found


def account_txs(node: Node, address: bytes, limit: int) -> list[TxSummary]:
    """The account's committed transactions, newest first."""
    found: list[TxSummary] = []
    blocks: dict[int, StoredBlock | None] = {}
    for height, index in _sent_by(node, address, limit):
        if height not in blocks:
            blocks[height] = node.engine.blocks.load_block(height)
        block = blocks[height]
        if block is not None and index < len(block.txs):
            found.append(_summary(node, block, index))
    return found


def _sent_by(node: Node, address: bytes, limit: int) -> list[tuple[int, int]]:
    """Positions from the ``by_sender`` index, newest first."""
    db = node.index.db
    end = address + b"\xff" * _POSITION.size
    found: list[tuple[int, int]] = []
    with db.read() as txn, txn.cursor(db=db.table("by_sender")) as cursor:
        positioned = cursor.prev() if cursor.set_range(end) else cursor.last()
        while positioned and len(found) < limit:
            key = bytes(cursor.key())
            if not key.startswith(address) or len(key) != len(address) + _POSITION.size:
                break
            height, index = _POSITION.unpack(key[len(address) :])
            found.append((int(height), int(index)))
            positioned = cursor.prev()
    return found


def _summary(node: Node, block: StoredBlock, index: int) -> TxSummary:
    raw = block.txs[index]
    result = node.app.store.load_result(block.height, index)
    try:
        tx = decode_tx(raw)
        module, action, sender = tx.module, tx.action, tx.sender
    except TxRejected:
        module, action, sender = "", "", b""
    return TxSummary(
        hash=hashlib.sha256(raw).digest(),
        height=block.height,
        index=index,
        time=str(block.header["time"]),
        module=module,
        action=action,
        sender=sender,
        code=-1 if result is None else int(result.code),
    )


def enabled_modules() -> dict[str, tuple[str, ...]]:
    """The ledger modules this node runs, with their actions."""
    return {name: tuple(sorted(module.actions)) for name, module in sorted(MODULES.items())}


def search(node: Node, query: str) -> list[SearchMatch]:
    """What ``query`` names on this chain: a block, a transaction, a digest, an account, a DID.

    A ``did:sen`` is found when the chain's state resolves it (deactivated ones too), a
    ``did:key`` whenever it is well formed (it resolves from itself).
    Raises :class:`UnreadableQuery` for text that can name none of them.
    """
    text = query.strip()
    if text.lower().startswith("did:"):
        return _search_did(node, text)
    if text.isascii() and text.isdigit():
        height = int(text)
        return [SearchMatch("block", str(height))] if 1 <= height <= node.app.height else []
    hex_text = text.lower().removeprefix("0x")
    if not hex_text or len(hex_text) % 2 or not _HEX.fullmatch(hex_text):
        raise UnreadableQuery(text)
    raw = bytes.fromhex(hex_text)
    if len(raw) == ADDRESS_BYTES:
        return _search_address(node, raw)
    matches: list[SearchMatch] = []
    if len(raw) == 32 and find_tx(node, raw) is not None:
        matches.append(SearchMatch("transaction", hex_text))
    for algorithm, (length, _) in DIGEST_ALGORITHMS.items():
        if length == len(raw) and find_anchorings(node, algorithm, raw):
            matches.append(SearchMatch("evidence", hex_text, algorithm))
    if not matches and len(raw) not in {32, *(n for n, _ in DIGEST_ALGORITHMS.values())}:
        raise UnreadableQuery(text)
    return matches


def _search_did(node: Node, did: str) -> list[SearchMatch]:
    result = resolve(did, node.app.store)
    if result.did_document is None and not result.deactivated:
        return []
    return [SearchMatch("did", did)]


def _search_address(node: Node, address: bytes) -> list[SearchMatch]:
    matches: list[SearchMatch] = []
    validators = {v.address for v in node.app.genesis.validator_set().validators}
    if address in validators:
        matches.append(SearchMatch("validator", address.hex()))
    seen = node.app.pending_nonce(address) > 0 or node.index.by_sender(address, limit=1)
    if seen:
        matches.append(SearchMatch("account", address.hex()))
    return matches


def enrolled_members(node: Node, organisation: str | None = None) -> list[tuple[bytes, Member]]:
    """Every enrolled member in committed state (of ``organisation`` if given), by address.

    A scan of the ``membership/member/`` keys: state keeps no per-organisation index, and a
    consortium's members are few enough (thousands) to read in one pass.
    """
    db = node.app.store.db
    found: list[tuple[bytes, Member]] = []
    with db.read() as txn, txn.cursor(db=db.table("state")) as cursor:
        if not cursor.set_range(MEMBER_PREFIX):
            return found
        for raw_key, raw_value in cursor:
            key = bytes(raw_key)
            if not key.startswith(MEMBER_PREFIX):
                break
            member = Member.from_value(encoding.decode(bytes(raw_value)))
            if organisation is None or member.org == organisation:
                found.append((key[len(MEMBER_PREFIX) :], member))
    return found
