"""The evidence module's actions: ``anchor`` (one digest) and ``anchor_batch`` (many)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.merkle import hash_from_byte_slices
from sen.ledger.modules.arguments import (
    optional_text,
    reject_unknown_fields,
    require_at_most,
    require_bytes,
    require_distinct,
    require_list,
    require_one_of,
    required,
)
from sen.ledger.modules.base import Action, Context, IndexKey, Module, Outcome
from sen.ledger.modules.evidence.digests import DEFAULT_ALGORITHM, DIGEST_ALGORITHMS
from sen.ledger.types import ChainParams, Event, EventAttribute

MAX_TITLE_BYTES = 256
MAX_ORGANISATION_BYTES = 256
MAX_REFERENCE_BYTES = 512


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    organisation: str
    reference: str


@dataclass(frozen=True, slots=True)
class AnchorArgs:
    algorithm: str
    digest: bytes
    metadata: Metadata


@dataclass(frozen=True, slots=True)
class BatchArgs:
    algorithm: str
    digests: tuple[bytes, ...]
    metadata: Metadata

    @property
    def root(self) -> bytes:
        return hash_from_byte_slices(list(self.digests))


def _algorithm(args: Mapping[str, Any]) -> str:
    return require_one_of(
        args.get("algorithm", DEFAULT_ALGORITHM),
        "args.algorithm",
        DIGEST_ALGORITHMS,
        code=ResultCode.UNKNOWN_DIGEST_ALGORITHM,
        reason="unknown digest algorithm",
        expected=f"one of {', '.join(DIGEST_ALGORITHMS)}",
    )


def _digest(value: object, algorithm: str, field: str) -> bytes:
    length = DIGEST_ALGORITHMS[algorithm][0]
    value = require_bytes(value, field, expected="bytes")
    if len(value) != length:
        raise TxRejected(
            ResultCode.WRONG_DIGEST_LENGTH,
            "digest length does not match its algorithm",
            field=field,
            expected=f"{length} bytes for {algorithm}",
            got=f"{len(value)} bytes",
        )
    return value


def _metadata(args: Mapping[str, Any]) -> Metadata:
    return Metadata(
        title=optional_text(args, "title", MAX_TITLE_BYTES),
        organisation=optional_text(args, "organisation", MAX_ORGANISATION_BYTES),
        reference=optional_text(args, "reference", MAX_REFERENCE_BYTES),
    )


def _metadata_attributes(metadata: Metadata) -> tuple[EventAttribute, ...]:
    """Organisation and reference, when given, are indexed; the title stays in the tx."""
    attributes = []
    if metadata.organisation:
        attributes.append(EventAttribute("organisation", metadata.organisation))
    if metadata.reference:
        attributes.append(EventAttribute("reference", metadata.reference))
    return tuple(attributes)


class Anchor(Action[AnchorArgs]):
    name = "anchor"
    permission: str | None = "writer"
    fields = frozenset({"algorithm", "digest", "title", "organisation", "reference"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> AnchorArgs:
        reject_unknown_fields(args, self.fields)
        algorithm = _algorithm(args)
        digest = _digest(required(args, "digest"), algorithm, "args.digest")
        return AnchorArgs(algorithm, digest, _metadata(args))

    def index_keys(self, parsed: AnchorArgs) -> list[IndexKey]:
        return [("by_digest", parsed.algorithm.encode() + b"/" + parsed.digest, 0)]

    def execute(self, ctx: Context, parsed: AnchorArgs) -> Outcome:
        # The digest itself is in the transaction and in the digest index; the event
        # carries what subscribers filter on, to keep stored results small.
        event = Event("evidence.anchor", _metadata_attributes(parsed.metadata))
        return Outcome(events=(event,))


class AnchorBatch(Action[BatchArgs]):
    name = "anchor_batch"
    permission: str | None = "writer"
    fields = frozenset({"algorithm", "digests", "title", "organisation", "reference"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> BatchArgs:
        reject_unknown_fields(args, self.fields)
        algorithm = _algorithm(args)
        digests = require_list(
            args.get("digests"),
            "args.digests",
            reason="missing or wrong type",
            expected="array of digests",
        )
        if not digests:
            raise TxRejected(ResultCode.BATCH_EMPTY, "batch has no digests", field="args.digests")
        require_at_most(
            digests,
            "args.digests",
            params.max_batch_digests,
            code=ResultCode.BATCH_TOO_LARGE,
            reason="batch has too many digests",
            expected=f"at most {params.max_batch_digests}",
        )
        checked = tuple(_digest(d, algorithm, f"args.digests[{i}]") for i, d in enumerate(digests))
        require_distinct(
            checked,
            "args.digests",
            code=ResultCode.DUPLICATE_IN_BATCH,
            reason="batch repeats a digest",
            got=bytes.hex,
        )
        return BatchArgs(algorithm, checked, _metadata(args))

    def index_keys(self, parsed: BatchArgs) -> list[IndexKey]:
        prefix = parsed.algorithm.encode() + b"/"
        return [("by_digest", prefix + digest, leaf) for leaf, digest in enumerate(parsed.digests)]

    def execute(self, ctx: Context, parsed: BatchArgs) -> Outcome:
        root = parsed.root
        event = Event(
            "evidence.anchor_batch",
            (
                EventAttribute("algorithm", parsed.algorithm, index=False),
                EventAttribute("root", root.hex()),
                EventAttribute("count", str(len(parsed.digests)), index=False),
                *_metadata_attributes(parsed.metadata),
            ),
        )
        return Outcome(data=root, events=(event,))


ANCHOR = Anchor()
ANCHOR_BATCH = AnchorBatch()

MODULE = Module("evidence", {"anchor": ANCHOR, "anchor_batch": ANCHOR_BATCH}, depends_on=())
