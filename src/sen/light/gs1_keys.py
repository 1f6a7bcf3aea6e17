"""GS1 keys in EPCIS identifiers, and which of them an event speaks for.

Sen's prefix registry (the ``trace`` module) grants a GS1 Company Prefix to a DID. To
check an event against it we need, for each GS1 identifier in the event, the digits of
its key in the order that puts the company prefix first (:func:`key_digits`): for a
GTIN, its digits without the indicator digit and the check digit; for an SSCC, without
the extension digit and the check digit; for a GLN, without the check digit. GS1 never
allocates a company prefix that starts another one, so "the key's digits start with
the prefix" says whose key it is, whatever the prefix's length.

Both EPC URIs (``urn:epc:id:sgtin:8935678.01234.7001``: the prefix is explicit) and GS1
Digital Link URIs (``https://id.gs1.org/01/18935678012347/21/7001``) are read.
Identifiers of other schemes (a private URI, ``urn:epc:id:gid:``) have no GS1 key.

:func:`claimed_keys` says which keys an event *speaks for* (``docs/spec/traceability.md``):
the places it happened at (``readPoint``, ``bizLocation``) and the identities it
creates (the EPCs and classes an ObjectEvent ``ADD`` commissions, the parent an
AggregationEvent or AssociationEvent ``ADD`` packs into, a TransformationEvent's
outputs). A capturer may say it saw, shipped or received anyone's goods, but only at
its own places, and it may make identities only under its own prefixes. Each of those
identifiers is read every way a reader may take it (:func:`key_readings`: a scheme in
upper case, a compact IRI, a Digital Link short name), so that no spelling of another's key
slips past the claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from sen.light.epcis_hash import (
    STANDARD_PREFIXES,
    Context,
    extension_iri,
    read_identifier,
    reading_prefixes,
)

_URN = re.compile(r"^urn:epc:(?:id|class|idpat):([a-z0-9]+):(\d{4,12})\.([^.]*)(?:\..*)?$")
_DIGITS = re.compile(r"\d+")

# Schemes whose second part starts with a digit that is not the key's: the GTIN's
# indicator digit (sgtin, lgtin) and the SSCC's extension digit.
_LEADING_DIGIT = frozenset({"sgtin", "lgtin", "sscc"})
_URN_SCHEMES = frozenset(
    {"sgtin", "lgtin", "sscc", "sgln", "pgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "sgcn",
     "cpi", "ginc", "gsin", "itip", "upui"}
)  # fmt: skip

# Digital Link primary keys: AI -> (digits of the value that form the key, as a slice).
_DL_KEYS: dict[str, tuple[int, int | None]] = {
    "01": (1, 13),  # GTIN-14: drop the indicator digit and the check digit
    "00": (1, 17),  # SSCC: drop the extension digit and the check digit
    "414": (0, 12),  # GLN of a location
    "417": (0, 12),  # party GLN
    "8003": (1, 13),  # GRAI: a leading 0, then a GTIN-13-like key
    "8004": (0, None),  # GIAI: company prefix then an asset reference
    "8018": (0, 17),  # GSRN
    "8017": (0, 17),  # GSRNP
    "253": (0, 12),  # GDTI
    "255": (0, 12),  # GCN
    "401": (0, None),  # GINC
    "402": (0, 16),  # GSIN
    "8006": (1, 13),  # ITIP
    "8010": (0, None),  # CPID
}
_DL_LENGTHS = {"01": 14, "00": 18, "414": 13, "417": 13, "8018": 18, "8017": 18, "402": 17}


def key_digits(identifier: str) -> str | None:
    """The digits of ``identifier``'s GS1 key, company prefix first; None if it has none."""
    if identifier.startswith("urn:epc:"):
        return _urn_digits(identifier)
    if identifier.startswith(("https://", "http://")):
        return _digital_link_digits(identifier)
    return None


def _urn_digits(identifier: str) -> str | None:
    match = _URN.match(identifier)
    if match is None or match.group(1) not in _URN_SCHEMES:
        return None
    scheme, prefix, reference = match.groups()
    if scheme in _LEADING_DIGIT:
        reference = reference[1:]
    digits = _DIGITS.match(reference)
    return prefix + (digits.group(0) if digits else "")


def _link_key(identifier: str) -> tuple[str, str, list[str]] | None:
    """A Digital Link's primary key (its AI and value: a GTIN padded to 14 digits) and the
    path segments after it; None when it has none or its value is malformed."""
    try:
        path = urlsplit(identifier).path
    except ValueError:
        return None
    segments = [unquote(s) for s in path.split("/")]
    for i, segment in enumerate(segments[:-1]):
        if segment not in _DL_KEYS:
            continue
        value = segments[i + 1]
        if segment == "01" and value.isdigit() and len(value) in (8, 12, 13):
            value = value.rjust(14, "0")
        expected = _DL_LENGTHS.get(segment)
        if expected is not None and not (len(value) == expected and value.isdigit()):
            return None
        return segment, value, segments[i + 2 :]
    return None


def _digital_link_digits(identifier: str) -> str | None:
    found = _link_key(identifier)
    if found is None:
        return None
    segment, value, _ = found
    start, end = _DL_KEYS[segment]
    digits = _DIGITS.match(value[start:end] if end is not None else value[start:])
    return digits.group(0) if digits else None


@dataclass(frozen=True, slots=True)
class Claim:
    """A GS1 key an event speaks for, and where in the event it is."""

    pointer: str  # JSON pointer within the event, e.g. "/readPoint/id"
    identifier: str
    digits: str


def claimed_keys(event: Mapping[str, object], context: Context = None) -> list[Claim]:
    """The GS1 keys ``event`` speaks for, in the order they appear (see the module doc).

    ``context`` is the @context of the document the event came in (the event's own is read
    too): an identifier is read every way a reader may take it (:func:`key_readings`), and
    each GS1 key it is read as is claimed."""
    prefixes = reading_prefixes(event, context)
    return [
        Claim(pointer, identifier, digits)
        for pointer, identifier in _claimed_identifiers(event, _members(event, prefixes))
        for digits in key_readings(identifier, prefixes)
    ]


EPCIS_TERMS = "https://ref.gs1.org/epcis/"
"""The namespace of EPCIS 2.0's terms: ``epcList`` is ``https://ref.gs1.org/epcis/epcList``."""
_READ = ("readPoint", "bizLocation", "action", "epcList", "quantityList", "parentID",
         "outputEPCList", "outputQuantityList")  # fmt: skip


def _members(event: Mapping[str, object], prefixes: Mapping[str, str]) -> dict[str, list[str]]:
    """Each field the claims read, with the members of ``event`` that stand for it: the field
    itself, and any other member whose name expands to the field's EPCIS 2.0 IRI (``e:epcList``
    with ``e`` declared as ``https://ref.gs1.org/epcis/``), which a JSON-LD reader takes for
    that field though the event hash reads it as a user extension."""
    found = {name: [name] if name in event else [] for name in _READ}
    for key in event:
        if key in found:
            continue
        iri = extension_iri(key, prefixes)
        if iri is not None and iri.startswith(EPCIS_TERMS) and iri[len(EPCIS_TERMS) :] in found:
            found[iri[len(EPCIS_TERMS) :]].append(key)
    return found


_URN_HEAD = re.compile(r"urn:epc:[a-z]+:[a-z0-9]+:", re.IGNORECASE | re.ASCII)


def key_readings(identifier: str, prefixes: Mapping[str, str] | None = None) -> list[str]:
    """The digits of every GS1 key ``identifier`` may be read as, each once: as written;
    with its URI scheme (and an EPC URI's ``urn:epc:<kind>:<scheme>:``) in lower case, as
    RFC 3986 and RFC 8141 compare them; and as the CBV 2.0 event hash reads it (a compact
    IRI expanded with ``prefixes``, Digital Link short names such as ``/gtin/``: see
    :func:`sen.light.epcis_hash.read_identifier`). A reader that takes any of these for a
    GS1 key finds that key claimed."""
    lowered = identifier.strip()
    scheme, separator, rest = lowered.partition("://")
    if separator and scheme.lower() in ("http", "https"):
        lowered = scheme.lower() + separator + rest
    elif (head := _URN_HEAD.match(lowered)) is not None:
        lowered = head.group(0).lower() + lowered[head.end() :]
    readings = (identifier, lowered, read_identifier(lowered, prefixes or STANDARD_PREFIXES))
    found = (key_digits(reading) for reading in readings)
    return list(dict.fromkeys(digits for digits in found if digits is not None))


def _claimed_identifiers(
    event: Mapping[str, object], members: Mapping[str, list[str]]
) -> Iterator[tuple[str, str]]:
    for place in ("readPoint", "bizLocation"):
        for key in members[place]:
            value = event.get(key)
            if isinstance(value, Mapping) and isinstance(value.get("id"), str):
                yield f"/{_escaped(key)}/id", str(value["id"])
    kind = event.get("type")
    added = any(value == "ADD" for key in members["action"] for _, value in _items(event, key))
    created: tuple[str, ...] = ()
    if kind == "ObjectEvent" and added:
        created = ("epcList", "quantityList")
    elif kind in ("AggregationEvent", "AssociationEvent") and added:
        created = ("parentID",)
    elif kind == "TransformationEvent":
        created = ("outputEPCList", "outputQuantityList")
    for name in created:
        for key in members[name]:
            for at, value in _items(event, key):
                if isinstance(value, Mapping) and name in ("quantityList", "outputQuantityList"):
                    value, at = value.get("epcClass"), f"{at}/epcClass"
                if isinstance(value, str):
                    yield at, value


def _items(event: Mapping[str, object], key: str) -> Iterator[tuple[str, object]]:
    """The values of ``event[key]`` with their pointers: each item of a list, or the value."""
    value = event.get(key)
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield f"/{_escaped(key)}/{i}", item
    elif value is not None:
        yield f"/{_escaped(key)}", value


def _escaped(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def holder_prefix(digits: str, prefixes: tuple[str, ...] | list[str]) -> str | None:
    """The one of ``prefixes`` that ``digits`` start with, if any."""
    for prefix in prefixes:
        if digits.startswith(prefix):
            return prefix
    return None


# -- one spelling per GS1 key: the Digital Link path -----------------------------------------

_URN_CANONICAL = re.compile(
    r"^urn:epc:(id|class|idpat):(sgtin|lgtin|sscc|sgln|grai|giai|pgln|gsrn|gsrnp):"
    r"(\d{4,12})\.([^.]*)(?:\.(.*))?$"
)


def check_digit(digits: str) -> str:
    """GS1's mod-10 check digit of ``digits`` (weights 3 and 1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def canonical_key(identifier: str) -> str | None:
    """``identifier`` as its GS1 Digital Link path (``01/18935678012347/21/7001``), the one
    spelling shared by its EPC URI and every Digital Link URI of it (any host); None if it
    is not a GS1 key. An EPC pattern (``urn:epc:idpat:sgtin:8935678.101234.*``, a class of
    every serial and lot of a GTIN) gives the GTIN's path (``01/18935678012347``), which
    every serial's and lot's path starts with."""
    if identifier.startswith("urn:epc:"):
        return _canonical_urn(identifier)
    if identifier.startswith(("https://", "http://")):
        return _canonical_link(identifier)
    return None


def _canonical_urn(identifier: str) -> str | None:
    match = _URN_CANONICAL.match(identifier)
    if match is None:
        return None
    kind, scheme, prefix, first, rest = match.groups()
    if kind == "idpat":
        if scheme != "sgtin" or rest != "*" or not first.isdigit():
            return None
        return f"01/{_gtin(prefix, first)}"
    if scheme in ("sgtin", "lgtin"):
        if not first.isdigit() or rest is None:
            return None
        qualifier = "21" if scheme == "sgtin" else "10"
        return f"01/{_gtin(prefix, first)}/{qualifier}/{_epc_decode(rest)}"
    if scheme == "sscc":
        body = first[:1] + prefix + first[1:]
        return f"00/{body}{check_digit(body)}" if body.isdigit() and len(body) == 17 else None
    if scheme in ("sgln", "pgln"):
        body = prefix + first
        if not body.isdigit() or len(body) != 12:
            return None
        gln = body + check_digit(body)
        if scheme == "pgln":
            return f"417/{gln}"
        return f"414/{gln}" if rest in (None, "0") else f"414/{gln}/254/{_epc_decode(rest)}"
    if scheme == "grai":
        body = "0" + prefix + first
        if not body.isdigit() or len(body) != 13 or rest is None:
            return None
        return f"8003/{body}{check_digit(body)}{_epc_decode(rest)}"
    if scheme == "giai":
        return f"8004/{prefix}{_epc_decode(first)}"
    if scheme in ("gsrn", "gsrnp"):
        body = prefix + first
        if not body.isdigit() or len(body) != 17:
            return None
        return f"{'8018' if scheme == 'gsrn' else '8017'}/{body}{check_digit(body)}"
    return None


def _gtin(prefix: str, item_reference: str) -> str:
    body = item_reference[:1] + prefix + item_reference[1:]
    return body + check_digit(body)


def _epc_decode(text: str) -> str:
    return unquote(text)


def _canonical_link(identifier: str) -> str | None:
    found = _link_key(identifier)
    if found is None:
        return None
    segment, value, tail = found
    qualifiers = [f"{tail[j]}/{tail[j + 1]}" for j in range(0, len(tail) - 1, 2)]
    return "/".join([segment, value, *qualifiers])
