"""The evidence module's actions: ``anchor`` (one digest) and ``anchor_batch`` (many)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.errors import TxRejected
from sen.ledger.merkle import hash_from_byte_slices
from sen.ledger.modules.base import (
    Context,
    Module,
    Outcome,
    optional_text,
    reject_unknown_fields,
)
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
    algorithm = args.get("algorithm", DEFAULT_ALGORITHM)
    if not isinstance(algorithm, str) or algorithm not in DIGEST_ALGORITHMS:
        raise TxRejected(
            ResultCode.UNKNOWN_DIGEST_ALGORITHM,
            "unknown digest algorithm",
            field="args.algorithm",
            expected=f"one of {', '.join(DIGEST_ALGORITHMS)}",
            got=algorithm,
        )
    return algorithm


def _digest(value: object, algorithm: str, field: str) -> bytes:
    length = DIGEST_ALGORITHMS[algorithm][0]
    if not isinstance(value, bytes):
        raise TxRejected(
            ResultCode.INVALID_ARGUMENT,
            "wrong type",
            field=field,
            expected="bytes",
            got=type(value).__name__,
        )
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


class Anchor:
    name = "anchor"
    permission: str | None = "writer"
    fields = frozenset({"algorithm", "digest", "title", "organisation", "reference"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> AnchorArgs:
        reject_unknown_fields(args, self.fields)
        algorithm = _algorithm(args)
        if "digest" not in args:
            raise TxRejected(ResultCode.INVALID_ARGUMENT, "missing argument", field="args.digest")
        digest = _digest(args["digest"], algorithm, "args.digest")
        return AnchorArgs(algorithm, digest, _metadata(args))

    def index_keys(self, parsed: AnchorArgs) -> list[tuple[str, bytes, int]]:
        return [("by_digest", parsed.algorithm.encode() + b"/" + parsed.digest, 0)]

    def execute(self, ctx: Context, parsed: AnchorArgs) -> Outcome:
        # The digest itself is in the transaction and in the digest index; the event
        # carries what subscribers filter on, to keep stored results small.
        event = Event("evidence.anchor", _metadata_attributes(parsed.metadata))
        return Outcome(events=(event,))


class AnchorBatch:
    name = "anchor_batch"
    permission: str | None = "writer"
    fields = frozenset({"algorithm", "digests", "title", "organisation", "reference"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> BatchArgs:
        reject_unknown_fields(args, self.fields)
        algorithm = _algorithm(args)
        digests = args.get("digests")
        if not isinstance(digests, list):
            raise TxRejected(
                ResultCode.INVALID_ARGUMENT,
                "missing or wrong type",
                field="args.digests",
                expected="array of digests",
                got=type(digests).__name__,
            )
        if not digests:
            raise TxRejected(ResultCode.BATCH_EMPTY, "batch has no digests", field="args.digests")
        if len(digests) > params.max_batch_digests:
            raise TxRejected(
                ResultCode.BATCH_TOO_LARGE,
                "batch has too many digests",
                field="args.digests",
                expected=f"at most {params.max_batch_digests}",
                got=len(digests),
            )
        checked = tuple(_digest(d, algorithm, f"args.digests[{i}]") for i, d in enumerate(digests))
        if len(set(checked)) != len(checked):
            seen: set[bytes] = set()
            for i, d in enumerate(checked):
                if d in seen:
                    raise TxRejected(
                        ResultCode.DUPLICATE_IN_BATCH,
                        "batch repeats a digest",
                        field=f"args.digests[{i}]",
                        got=d.hex(),
                    )
                seen.add(d)
        return BatchArgs(algorithm, checked, _metadata(args))

    def index_keys(self, parsed: BatchArgs) -> list[tuple[str, bytes, int]]:
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


MODULE = Module("evidence", {"anchor": Anchor(), "anchor_batch": AnchorBatch()})
