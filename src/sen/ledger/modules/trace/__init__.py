"""Module ``trace``: who speaks for which GS1 Company Prefix, and one Merkle root per
EPCIS capture job (ADR 0015, ``docs/spec/traceability.md``).

The events themselves live in the EPCIS repository beside the node
(``sen.services.traceability``); the chain holds what lets a third party check, offline,
that an event was captured when the repository says, by whom, and that its capturer was
entitled to speak for the GS1 keys it claims.
"""

from sen.ledger.modules.trace.actions import MAX_CAPTURE_EVENTS, MAX_CAPTURE_PREFIXES, MODULE
from sen.ledger.modules.trace.parsing import PREFIX_EXPECTED, is_prefix
from sen.ledger.modules.trace.records import (
    CAPTURE_ID_BYTES,
    CaptureRecord,
    PrefixGrant,
    capture_key,
    capture_leaf,
    holder_of,
    load_capture,
    load_grant,
    prefix_key,
    prefixes_of,
)

__all__ = [
    "CAPTURE_ID_BYTES",
    "MAX_CAPTURE_EVENTS",
    "MAX_CAPTURE_PREFIXES",
    "MODULE",
    "PREFIX_EXPECTED",
    "CaptureRecord",
    "PrefixGrant",
    "capture_key",
    "capture_leaf",
    "holder_of",
    "is_prefix",
    "load_capture",
    "load_grant",
    "prefix_key",
    "prefixes_of",
]
