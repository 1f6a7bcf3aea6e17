"""Canonical forms: JSON-LD expansion in "safe mode", RDF canonicalization (RDFC-1.0), and JCS.

**Safe mode.** JSON-LD expansion silently drops what no context defines: a
property without a term, a ``type`` that names nothing, an ``id`` that is not
an absolute IRI. A signature over the canonical RDF then does not cover that
data, so a holder could change it without breaking the proof. Data Integrity
requires an error instead (``DATA_LOSS_DETECTION_ERROR``); Sen raises
``TERM_DROPPED`` naming the term and where it is. :func:`expand` is the one
place documents are expanded, and it:

- passes pyld an ``on_property_dropped`` handler (undefined properties, and
  properties a context maps to ``null``);
- expands with no base IRI, so relative IRIs stay relative (pyld would
  otherwise resolve them against ``http://example.org/base/``), and then
  rejects every relative ``@id`` and ``@type`` left in the expanded form;
- answers a context URL that is not bundled with ``UNKNOWN_CONTEXT`` and any
  other JSON-LD error with ``MALFORMED_JSON_LD``.

**RDFC-1.0** (the W3C RDF Dataset Canonicalization, identical in output to
URDNA2015) runs on the expanded form, as N-Quads. **JCS** is RFC 8785, through
the ``rfc8785`` package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import rfc8785
from pyld import jsonld
from pyld.canon import URDNA2015

from sen.vc.errors import ErrorCode, InvalidDocument, Problem
from sen.vc.loader import ContextLoader, UnknownContext, refuse_all

__all__ = [
    "UNDEFINED_TERM_VOCABULARIES",
    "canonicalize_jcs",
    "canonicalize_rdfc",
    "expand",
    "respelled_terms",
    "undefined_terms",
]

DocumentLoader = Callable[[str, Mapping[str, Any]], dict[str, Any]]

# Vocabularies that catch terms nobody defined (VCDM 2.0 §5.2): signing works, meaning does not.
UNDEFINED_TERM_VOCABULARIES = (
    "https://www.w3.org/ns/credentials/undefined-term#",
    "https://www.w3.org/ns/credentials/issuer-dependent#",
)

# Calls of Hash N-Degree Quads allowed per canonicalization. Credentials need none or a handful
# (only blank nodes that first-degree hashing cannot tell apart take any); 7 blank nodes that
# all know each other already need thousands.
MAX_DEEP_ITERATIONS = 256

# pyld reports its limits and bugs as assorted exceptions; each means "not JSON-LD we take".
_PYLD_FAILURES = (
    jsonld.JsonLdError,
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    RecursionError,
)

jsonld.set_document_loader(refuse_all)  # pyld's default would fetch over the network


def expand(document: Mapping[str, Any], loader: ContextLoader | DocumentLoader) -> list[Any]:
    """The expanded form of ``document``; :class:`InvalidDocument` if anything would be lost."""
    dropped: list[str | None] = []
    try:
        expanded = jsonld.expand(
            dict(document),
            {"documentLoader": loader, "base": None},
            on_property_dropped=dropped.append,
        )
    except _PYLD_FAILURES as exc:
        raise InvalidDocument([_processing_problem(exc)]) from None
    problems = _dropped_properties(document, dropped)
    problems += _relative_references(document, expanded)
    if problems:
        raise InvalidDocument(problems)
    return list(expanded)


def canonicalize_rdfc(document: Mapping[str, Any], loader: ContextLoader | DocumentLoader) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` (UTF-8 text, one quad a line)."""
    expanded = expand(document, loader)
    try:
        dataset = jsonld.to_rdf(
            expanded,
            {"base": None, "produceGeneralizedRdf": False, "documentLoader": refuse_all},
        )
        nquads = _BoundedRdfc(MAX_DEEP_ITERATIONS).main(dataset, {"format": "application/n-quads"})
    except _TooComplex:
        raise InvalidDocument(
            [
                Problem(
                    ErrorCode.MALFORMED_JSON_LD,
                    "the document's blank nodes are too symmetric to canonicalize within "
                    f"{MAX_DEEP_ITERATIONS} deep iterations (RDFC-1.0 §4.4: a poisoned dataset?)",
                )
            ]
        ) from None
    except _PYLD_FAILURES as exc:
        raise InvalidDocument([_processing_problem(exc)]) from None
    return str(nquads)


def canonicalize_jcs(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of ``document``."""
    try:
        return rfc8785.dumps(dict(document))
    except rfc8785.CanonicalizationError as exc:
        raise InvalidDocument(
            [Problem(ErrorCode.MALFORMED_JSON_LD, f"not canonicalizable JSON (RFC 8785): {exc}")]
        ) from None


class _TooComplex(Exception):
    pass


class _BoundedRdfc(URDNA2015):  # type: ignore[misc]  # pyld is untyped
    """RDFC-1.0 with a cap on Hash N-Degree Quads calls: without one, a few kilobytes of
    symmetric blank nodes take hours (the spec's "dataset poisoning", §4.4 and §7)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._left = limit

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._left -= 1
        if self._left < 0:
            raise _TooComplex
        return super().hash_n_degree_quads(id_, issuer)


def undefined_terms(expanded: list[Any]) -> list[str]:
    """IRIs in ``expanded`` that only an undefined-term vocabulary gave meaning to."""
    found: list[str] = []
    for key, value in _walk_expanded(expanded):
        for iri in [key] + (value if key == "@type" and isinstance(value, list) else []):
            undefined = isinstance(iri, str) and iri.startswith(UNDEFINED_TERM_VOCABULARIES)
            if undefined and iri not in found:
                found.append(iri)
    return found


def _processing_problem(exc: BaseException) -> Problem:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, UnknownContext):
            return cause.problem
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, jsonld.JsonLdError):
        first_line = str(exc.args[0]).splitlines()[0] if exc.args else "JSON-LD error"
        what = exc.code or exc.type
        return Problem(ErrorCode.MALFORMED_JSON_LD, f"{what}: {first_line}")
    return Problem(ErrorCode.MALFORMED_JSON_LD, f"JSON-LD processing failed ({exc!r})")


def _dropped_properties(document: Mapping[str, Any], dropped: list[str | None]) -> list[Problem]:
    problems: list[Problem] = []
    names: list[str] = []
    for term in dropped:
        if term is None:  # a context mapped the term to null; pyld does not say which
            names += [name for name in _null_mapped_terms(document) if name not in names]
        elif term not in names:
            names.append(term)
    keys = list(_keys(document))
    order = {key: index for index, (_, key) in reversed(list(enumerate(keys)))}
    for name in sorted(names, key=lambda name: order.get(name, len(keys))):
        paths = [path for path, key in keys if key == name]
        problems.append(
            Problem(
                ErrorCode.TERM_DROPPED,
                f"property {name!r} is not defined by any context, so JSON-LD processing "
                "drops it and a proof would not cover it",
                paths[0] if paths else "$",
            )
        )
    return problems


CREDENTIALS_NAMESPACE = "https://www.w3.org/2018/credentials#"
"""Where VCDM 1.1 and 2.0 put their core terms (issuer, credentialStatus, validUntil, ...)."""


def respelled_terms(document: Mapping[str, Any], expanded: list[Any]) -> list[Problem]:
    """Core VCDM properties spelled other than by their term, at the top of a credential or
    presentation (``expanded`` is its :func:`expand`).

    A proof over RDF (RDFC-1.0) covers meaning, not spelling: ``credentialStatus``
    written as its full IRI, or as an alias an added context defines, signs and
    verifies the same, yet a reader of the JSON (Sen's status, validity and
    accreditation checks, and any application) would not find it. So every
    top-level property in the credentials namespace must be written by its term,
    with all its values under that term, ``type`` must hold every type, and the
    keywords ``@type`` and ``@id`` may not stand in for ``type`` and ``id``.
    """
    problems = [
        Problem(
            ErrorCode.RESPELLED_TERM,
            f"{key!r} spells a property with a JSON-LD keyword; write it as "
            f"{key[1:]!r} (what the credential's terms define)",
            f"$.{key}",
        )
        for key in document
        if key in ("@type", "@id")
    ]
    if len(expanded) != 1 or not isinstance(expanded[0], dict):
        return problems
    node: dict[str, Any] = expanded[0]
    for iri, values in node.items():
        if not iri.startswith(CREDENTIALS_NAMESPACE):
            continue
        term = iri[len(CREDENTIALS_NAMESPACE) :]
        if _count(document.get(term)) != len(values):
            problems.append(
                Problem(
                    ErrorCode.RESPELLED_TERM,
                    f"{iri} is written under another name than {term!r} (an alias or the "
                    f"full IRI): readers of {term!r} would not see it",
                    f"$.{term}",
                )
            )
    if "@type" in node and len(node["@type"]) != _count(document.get("type")):
        problems.append(
            Problem(
                ErrorCode.RESPELLED_TERM,
                "a type is written under another name than 'type': readers of 'type' would "
                "not see it",
                "$.type",
            )
        )
    return problems


def _count(value: object) -> int:
    if value is None:
        return 0
    return len(value) if isinstance(value, list) else 1


def _relative_references(document: Mapping[str, Any], expanded: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for key, value in _walk_expanded(expanded):
        if key == "@type":
            values = value if isinstance(value, list) else [value]
            what = "type"
        elif key == "@id":
            values = [value]
            what = "identifier"
        else:
            continue
        for item in values:
            if not isinstance(item, str) or item.startswith("@") or _is_absolute(item):
                continue
            if (what, item) in seen:
                continue
            seen.add((what, item))
            path = next((p for p, v in _string_values(document) if v == item), "$")
            message = (
                f"type {item!r} is not defined by any context"
                if what == "type"
                else f"identifier {item!r} is not an absolute IRI"
            )
            problems.append(
                Problem(
                    ErrorCode.TERM_DROPPED,
                    f"{message}, so JSON-LD processing drops it and a proof would not cover it",
                    path,
                )
            )
    return problems


def _is_absolute(iri: str) -> bool:
    if iri.startswith("_:"):
        return True
    scheme, colon, _ = iri.partition(":")
    return bool(colon) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def _walk_expanded(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_expanded(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            if key != "@value":
                yield from _walk_expanded(value)


def _null_mapped_terms(document: Any) -> list[str]:
    names: list[str] = []
    for context in _inline_contexts(document):
        for term, definition in context.items():
            null = definition is None or (
                isinstance(definition, dict) and definition.get("@id", 0) is None
            )
            if null and not term.startswith("@"):
                names.append(term)
    return names


def _inline_contexts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _inline_contexts(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for context in value if isinstance(value, list) else [value]:
                    if isinstance(context, dict):
                        yield context
            else:
                yield from _inline_contexts(value)


def _keys(node: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _keys(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                continue
            yield f"{path}.{key}", key
            yield from _keys(value, f"{path}.{key}")


def _string_values(node: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _string_values(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                yield from _string_values(value, f"{path}.{key}")
    elif isinstance(node, str):
        yield path, node
