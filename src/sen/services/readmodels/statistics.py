"""Statistics for state management: a period's activity per day, by action and by organisation.

The report is what an agency files on its blockchain application activity:
transactions per day by module and action, anchored documents, and the
organisations that anchored them (the ``organisation`` argument of the
evidence module). A period is a run of calendar days at a fixed UTC offset
(Vietnam's is +07:00), so a day's figures match the agency's own calendar.

Everything is read from committed data: block times from the block store,
``module/action`` positions from the ``by_action`` index, organisations from
the indexed ``evidence.*.organisation`` events (successful anchorings only),
and result codes from the stored results. The cost grows with the
transactions in the period, not with the chain's length (heights are found
by binary search on block time, which never decreases): about 20 µs per
transaction on the 2-core CI machine, so a year of a million transactions
takes some 20 s. Finished days never change; caching their figures is the
next step if reports get slow.
"""

from __future__ import annotations

import struct
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from sen.ledger.light.types import Timestamp
from sen.ledger.modules.status.records import load_list
from sen.ledger.tx import decode_tx
from sen.ledger.types import TxResult
from sen.node.node import Node

_POSITION = struct.Struct(">QI")
MAX_DAYS = 366
ANCHOR_EVENTS = ("evidence.anchor", "evidence.anchor_batch")
EVIDENCE_MODULE = "evidence"


@dataclass(frozen=True, slots=True)
class Period:
    """Calendar days ``first`` to ``last`` (inclusive) at ``utc_offset``."""

    first: date
    last: date
    utc_offset: timedelta

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), timezone(self.utc_offset))

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return self.start + timedelta(days=(self.last - self.first).days + 1)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True, slots=True)
class DayActivity:
    day: date
    transactions: int
    succeeded: int
    anchors: int
    blocks: int


@dataclass(frozen=True, slots=True)
class ActionActivity:
    day: date
    module: str
    action: str
    transactions: int
    succeeded: int


@dataclass(frozen=True, slots=True)
class OrganisationActivity:
    day: date
    organisation: str
    transactions: int
    anchors: int


@dataclass(frozen=True, slots=True)
class ActivityReport:
    chain_id: str
    period: Period
    first_height: int | None
    last_height: int | None
    days: tuple[DayActivity, ...]
    by_action: tuple[ActionActivity, ...]
    by_organisation: tuple[OrganisationActivity, ...]
    organisations: tuple[str, ...]
    validators: int
    credentials_revoked: int = 0  # entries set on revocation lists by successful status.update
    credentials_suspended: int = 0  # the same on suspension lists (a later clear lifts it)

    @property
    def transactions(self) -> int:
        return sum(d.transactions for d in self.days)

    @property
    def succeeded(self) -> int:
        return sum(d.succeeded for d in self.days)

    @property
    def anchors(self) -> int:
        return sum(d.anchors for d in self.days)

    @property
    def blocks(self) -> int:
        return sum(d.blocks for d in self.days)


class _Chain:
    """Block times and results, each read once per height while a report is built."""

    def __init__(self, node: Node, offset: timedelta) -> None:
        self.node = node
        self.zone = timezone(offset)
        self.times: dict[int, datetime] = {}
        self._results: tuple[int, list[TxResult]] = (0, [])

    def time(self, height: int) -> datetime:
        found = self.times.get(height)
        if found is None:
            block = self.node.engine.blocks.load_block(height)
            if block is None:
                raise LookupError(f"block {height} is missing from the block store")
            stamp = Timestamp.from_rfc3339(str(block.header["time"]))
            found = datetime.fromtimestamp(stamp.seconds, UTC)
            self.times[height] = found
        return found

    def day(self, height: int) -> date:
        return self.time(height).astimezone(self.zone).date()

    def result(self, height: int, index: int) -> TxResult | None:
        cached_height, results = self._results
        if cached_height != height:
            results = self.node.app.store.load_results(height) or []
            self._results = (height, results)
        return results[index] if index < len(results) else None

    def one_result(self, height: int, index: int) -> TxResult | None:
        """One result, without reading the rest of its block."""
        cached_height, results = self._results
        if cached_height == height and index < len(results):
            return results[index]
        return self.node.app.store.load_result(height, index)

    def first_at_or_after(self, moment: datetime) -> int:
        """The lowest height whose block time is at or after ``moment`` (top + 1 if none)."""
        low, high = 1, self.node.app.height + 1
        while low < high:
            middle = (low + high) // 2
            if self.time(middle) >= moment:
                high = middle
            else:
                low = middle + 1
        return low


def activity_report(node: Node, period: Period) -> ActivityReport:
    """The period's activity, day by day; days without activity are listed with zeros."""
    chain = _Chain(node, period.utc_offset)
    first = chain.first_at_or_after(period.start)
    last = chain.first_at_or_after(period.end) - 1
    found = first <= last
    counts = _count(node, chain, first, last) if found else _Counts()
    return ActivityReport(
        chain_id=node.app.genesis.chain_id,
        period=period,
        first_height=first if found else None,
        last_height=last if found else None,
        days=tuple(
            DayActivity(
                day, counts.txs[day], counts.ok[day], counts.anchored[day], counts.blocks[day]
            )
            for day in period.days()
        ),
        by_action=_action_rows(counts.actions),
        by_organisation=tuple(
            OrganisationActivity(day, name, count, counts.organisation_anchored[(day, name)])
            for (day, name), count in sorted(counts.organisations.items())
        ),
        organisations=tuple(sorted({name for _, name in counts.organisations})),
        validators=len(node.app.genesis.validators),
        credentials_revoked=counts.revoked,
        credentials_suspended=counts.suspended,
    )


@dataclass(slots=True)
class _Counts:
    """What the blocks of a period hold, counted by day (all zero when it has no block)."""

    blocks: Counter[date] = field(default_factory=Counter)
    txs: Counter[date] = field(default_factory=Counter)
    ok: Counter[date] = field(default_factory=Counter)
    anchored: Counter[date] = field(default_factory=Counter)  # digests, not transactions
    actions: Counter[tuple[date, str, str, bool]] = field(default_factory=Counter)
    organisations: Counter[tuple[date, str]] = field(default_factory=Counter)
    organisation_anchored: Counter[tuple[date, str]] = field(default_factory=Counter)
    revoked: int = 0
    suspended: int = 0


def _count(node: Node, chain: _Chain, first: int, last: int) -> _Counts:
    """Blocks, transactions by action, anchorings by organisation, and status changes."""
    counts = _Counts()
    for height in range(first, last + 1):
        counts.blocks[chain.day(height)] += 1
    positions = _positions_by_action(node, first, last)
    for module, action, height, index in positions:
        day = chain.day(height)
        result = chain.result(height, index)
        ok = result is not None and result.ok
        counts.actions[(day, module, action, ok)] += 1
        counts.txs[day] += 1
        if ok:
            counts.ok[day] += 1
            if module == EVIDENCE_MODULE:
                counts.anchored[day] += _anchored(result)
    status_updates = [(h, i) for m, a, h, i in positions if (m, a) == ("status", "update")]
    counts.revoked, counts.suspended = _status_changes(node, status_updates, chain)
    for event, organisation, height, index in _anchoring_organisations(node, first, last):
        day = chain.day(height)
        counts.organisations[(day, organisation)] += 1
        counts.organisation_anchored[(day, organisation)] += (
            1 if event == "evidence.anchor" else _anchored(chain.one_result(height, index))
        )
    return counts


def _status_changes(node: Node, positions: list[tuple[int, int]], chain: _Chain) -> tuple[int, int]:
    """Entries set on revocation and on suspension lists by successful ``status.update``s.

    Issuance is not counted: credentials stay off chain, and so does the fact of
    issuing one (only revocations and suspensions are public, by design).
    """
    revoked = suspended = 0
    for height, index in positions:
        result = chain.result(height, index)
        raw = node.engine.blocks.load_tx(height, index)
        if result is None or not result.ok or raw is None:
            continue
        args = decode_tx(raw).args
        issuer, name, changed = args.get("issuer"), args.get("list"), args.get("set") or []
        if (
            not isinstance(issuer, str)
            or not isinstance(name, str)
            or not isinstance(changed, list)
        ):
            continue
        record = load_list(node.app.store, issuer, name)
        if record is None:
            continue
        if record.purpose == "revocation":
            revoked += len(changed)
        else:
            suspended += len(changed)
    return revoked, suspended


def _action_rows(actions: Counter[tuple[date, str, str, bool]]) -> tuple[ActionActivity, ...]:
    merged: dict[tuple[date, str, str], list[int]] = {}
    for (day, module, action, ok), count in actions.items():
        totals = merged.setdefault((day, module, action), [0, 0])
        totals[0] += count
        totals[1] += count if ok else 0
    return tuple(
        ActionActivity(day, module, action, total, succeeded)
        for (day, module, action), (total, succeeded) in sorted(merged.items())
    )


def _anchored(result: TxResult | None) -> int:
    """How many digests a successful anchoring transaction anchored (0 for anything else)."""
    if result is None or not result.ok:
        return 0
    for event in result.events:
        if event.type == "evidence.anchor":
            return 1
        if event.type == "evidence.anchor_batch":
            for attribute in event.attributes:
                if attribute.key == "count" and attribute.value.isdigit():
                    return int(attribute.value)
    return 0


def _positions_by_action(node: Node, first: int, last: int) -> list[tuple[str, str, int, int]]:
    """``(module, action, height, index)`` of every committed transaction in the heights.

    The ``by_action`` keys are ``module/action ‖ 0x00 ‖ height ‖ index``: for each
    module/action, seek to the first height and read until the last, then skip to
    the next module/action.
    """
    db = node.index.db
    found: list[tuple[str, str, int, int]] = []
    with db.read() as txn, txn.cursor(db=db.table("by_action")) as cursor:
        positioned = cursor.first()
        while positioned:
            key = bytes(cursor.key())
            cut = key.find(b"\x00")
            if cut < 0:
                positioned = cursor.next()
                continue
            name = key[:cut]
            module, _, action = name.decode(errors="replace").partition("/")
            prefix = name + b"\x00"
            positioned = cursor.set_range(prefix + _POSITION.pack(first, 0))
            while positioned:
                key = bytes(cursor.key())
                if not key.startswith(prefix):
                    break
                height, index = _POSITION.unpack(key[len(prefix) : len(prefix) + _POSITION.size])
                if height > last:
                    positioned = cursor.set_range(name + b"\x01")
                    break
                found.append((module, action, int(height), int(index)))
                positioned = cursor.next()
    return found


def _anchoring_organisations(node: Node, first: int, last: int) -> list[tuple[str, str, int, int]]:
    """``(event type, organisation, height, index)`` of successful anchorings that named one.

    The ``by_event`` keys are ``type.organisation=NAME ‖ 0x00 ‖ height ‖ index``;
    the position is the fixed-size tail, so a name is read whole whatever it holds.
    """
    db = node.index.db
    found: list[tuple[str, str, int, int]] = []
    tail = 1 + _POSITION.size
    with db.read() as txn, txn.cursor(db=db.table("by_event")) as cursor:
        for event in ANCHOR_EVENTS:
            prefix = f"{event}.organisation=".encode()
            positioned = cursor.set_range(prefix)
            while positioned:
                key = bytes(cursor.key())
                if not key.startswith(prefix) or len(key) < len(prefix) + tail:
                    break
                height, index = _POSITION.unpack(key[-_POSITION.size :])
                if first <= height <= last:
                    name = key[len(prefix) : -tail].decode(errors="replace")
                    found.append((event, name, int(height), int(index)))
                positioned = cursor.next()
    return found
