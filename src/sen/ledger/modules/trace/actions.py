"""The trace module's action ``record_capture``: one EPCIS capture job's Merkle root.

The EPCIS repository (``sen.services.traceability``) stores the events; the chain
records, for each capture job, the root over its leaves
(:func:`~sen.ledger.modules.trace.records.capture_leaf`), their number, and the GS1
Company Prefixes its events claim (``docs/spec/traceability.md`` says which claims an
event makes: the locations it happened at, the identities it creates). The sender must
be a controller of the capturing DID, and that DID must hold every prefix named, at
this block: so a stranger cannot record events for a brand's products or places.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    reject_unknown_fields,
    require_at_most,
    require_bytes,
    require_distinct,
    require_int,
    require_list,
    required,
)
from sen.ledger.modules.base import Action, Context, Module, Outcome
from sen.ledger.modules.trace.governed import trace_genesis
from sen.ledger.modules.trace.parsing import require_prefix, require_sen_did
from sen.ledger.modules.trace.records import (
    CAPTURE_ID_BYTES,
    CaptureRecord,
    load_capture,
    load_grant,
    save_capture,
)
from sen.ledger.modules.trust.parsing import require_controller
from sen.ledger.types import ChainParams, Event, EventAttribute

MAX_CAPTURE_EVENTS = 1_000_000
"""Leaves of one capture job: the repository refuses bigger documents long before."""
MAX_CAPTURE_PREFIXES = 64


@dataclass(frozen=True, slots=True)
class CaptureArgs:
    capture: bytes
    capturer: str
    root: bytes
    count: int
    prefixes: tuple[str, ...]


class RecordCapture(Action[CaptureArgs]):
    name = "record_capture"
    permission: str | None = None  # a member that controls the capturing DID
    fields = frozenset({"capture", "capturer", "root", "count", "prefixes"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> CaptureArgs:
        reject_unknown_fields(args, self.fields)
        capture = require_bytes(
            required(args, "capture"),
            "args.capture",
            expected=f"the capture job's id: {CAPTURE_ID_BYTES} random bytes",
            size=CAPTURE_ID_BYTES,
        )
        capturer = require_sen_did(args, "capturer", "args.capturer")
        root = require_bytes(
            required(args, "root"), "args.root", expected="a 32-byte Merkle root", size=32
        )
        count = require_int(
            required(args, "count"),
            "args.count",
            expected=f"the number of leaves, 1 to {MAX_CAPTURE_EVENTS}",
            reason="missing or out of range",
            minimum=1,
            maximum=MAX_CAPTURE_EVENTS,
        )
        listed = require_list(
            args.get("prefixes", []),
            "args.prefixes",
            reason="wrong type",
            expected="an array of GS1 Company Prefixes",
        )
        require_at_most(
            listed,
            "args.prefixes",
            MAX_CAPTURE_PREFIXES,
            code=ResultCode.INVALID_ARGUMENT,
            reason="too many prefixes",
            expected=f"at most {MAX_CAPTURE_PREFIXES}",
        )
        prefixes = tuple(require_prefix(p, f"args.prefixes[{i}]") for i, p in enumerate(listed))
        if list(prefixes) != sorted(prefixes):
            raise TxRejected(
                ResultCode.INVALID_ARGUMENT,
                "prefixes are not in order",
                field="args.prefixes",
                expected="sorted, as text",
                got=", ".join(prefixes),
            )
        require_distinct(
            prefixes,
            "args.prefixes",
            code=ResultCode.INVALID_ARGUMENT,
            reason="a prefix is repeated",
            expected="each prefix once",
            got=str,
        )
        return CaptureArgs(capture, capturer, root, count, prefixes)

    def execute(self, ctx: Context, parsed: CaptureArgs) -> Outcome:
        existing = load_capture(ctx.state, parsed.capture)
        if existing is not None:
            raise TxRejected(
                ResultCode.CAPTURE_EXISTS,
                "a capture job with this id is already recorded",
                field="args.capture",
                expected="a new random id",
                got=f"{parsed.capture.hex()}, recorded at height {existing.height}",
            )
        require_controller(ctx.state, parsed.capturer, ctx.sender, "args.capturer")
        for i, prefix in enumerate(parsed.prefixes):
            grant = load_grant(ctx.state, prefix)
            if grant is None or grant.holder != parsed.capturer:
                raise TxRejected(
                    ResultCode.PREFIX_NOT_HELD,
                    f"{parsed.capturer} does not speak for GS1 Company Prefix {prefix}",
                    field=f"args.prefixes[{i}]",
                    expected=f"a prefix granted to {parsed.capturer}",
                    got=prefix if grant is None else f"{prefix}, granted to {grant.holder}",
                )
        save_capture(
            ctx.state,
            CaptureRecord(
                capture=parsed.capture,
                capturer=parsed.capturer,
                root=parsed.root,
                count=parsed.count,
                prefixes=parsed.prefixes,
                height=ctx.block.height,
                index=ctx.tx_index,
            ),
        )
        event = Event(
            "trace.capture",
            (
                EventAttribute("capturer", parsed.capturer),
                EventAttribute("capture", parsed.capture.hex()),
                EventAttribute("root", parsed.root.hex(), index=False),
                EventAttribute("count", str(parsed.count), index=False),
            ),
        )
        return Outcome(data=parsed.root, events=(event,))


RECORD_CAPTURE = RecordCapture()

MODULE = Module(
    "trace",
    {"record_capture": RECORD_CAPTURE},
    depends_on=("identity", "trust"),
    genesis=trace_genesis,
)
