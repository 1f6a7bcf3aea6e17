"""Verification sources away from the chain: a node's API, or material saved for offline use.

An employer's verifier does not run a node. :class:`RemoteSources` asks one
for what only the chain knows — DID documents (``/1.0/identifiers``, at the
issuance time) and status list credentials
(``/v1/status-lists/<issuer>/<list>/credential``) — and checks every
signature itself: the credential's, the presentation's and the status list
credential's (issued and signed by the credential's issuer). It can save all
it fetched into one JSON file, :class:`Material`, with which
:class:`SavedSources` verifies again with no network at all.

What needs the chain, honestly:

* the DID documents are the node's answer (a resolution result, not a
  proof); a verifier that does not trust the node checks the DID's state
  keys with state proofs against a header it verified, or asks several nodes;
* a saved status list is as fresh as its ``validFrom``: a revocation after
  it is not seen offline (the node's raw list has a state proof to check
  that a list is the current one);
* accreditation is read from the trust registry on chain: online the node
  answers (``/v1/trust/check``, the node's word); offline it is not checked
  (an ``ACCREDITATION_NOT_CHECKED`` warning).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sen.did import xml_datetime
from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.modules.identity.multikey import MultikeyError, decode_multikey
from sen.ledger.modules.status.bitstring import StatusListError, decode_list
from sen.ledger.modules.status.records import bits_key
from sen.sdk.client import Client
from sen.services.credentials.errors import SourceError, StatusListUnavailable
from sen.services.credentials.verification import (
    AccreditationAnswer,
    StatusListState,
    issuance_time,
)
from sen.vc import Authorizer, KeyResolver, is_did_key, resolve_did_key, verify_credential
from sen.vc.dates import parse_datetime_stamp

__all__ = [
    "Fetch",
    "Material",
    "NodeAnswer",
    "Outcome",
    "RemoteSources",
    "SavedSources",
    "status_from_credential",
]


class Outcome(Enum):
    """What a node's answer means to a verifier (the transport decides, e.g. from HTTP)."""

    FOUND = "found"  # the node answered with what was asked
    MISSING = "missing"  # the node has no such thing
    FAILED = "failed"  # any other answer


@dataclass(frozen=True, slots=True)
class NodeAnswer:
    """One answer of a node's API: what it means, its decoded body, and how it was said."""

    outcome: Outcome
    body: Any
    said: str  # for messages: how the node answered (an HTTP client gives the status)


Fetch = Callable[[str, Mapping[str, str] | None], NodeAnswer]
"""``fetch(path, params) -> NodeAnswer`` against one node's API."""


def node_fetch(client: Client) -> Fetch:
    """``fetch`` through an SDK client of the node (HTTP, or in process)."""

    def fetch(path: str, params: Mapping[str, str] | None) -> NodeAnswer:
        status, body = client.transport.request("GET", path, params=dict(params or {}))
        if 200 <= status < 300:
            return NodeAnswer(Outcome.FOUND, body, str(status))
        return NodeAnswer(Outcome.MISSING if status == 404 else Outcome.FAILED, body, str(status))

    return fetch


MATERIAL_FORMAT = "sen-vc-verification-material/1"


@dataclass(slots=True)
class Material:
    """Everything a verification read from a node, to verify again offline."""

    resolutions: dict[str, Any] = field(default_factory=dict)  # "<did> <at|latest>" -> result
    status_lists: dict[str, Any] = field(default_factory=dict)  # "<issuer> <name>" -> credential
    anchors: dict[str, Any] = field(default_factory=dict)  # "<issuer> <name>" -> list + proof

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MATERIAL_FORMAT,
            "resolutions": self.resolutions,
            "statusLists": self.status_lists,
            "statusListAnchors": self.anchors,
        }

    @classmethod
    def load(cls, path: Path) -> Material:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SourceError(f"{path}: cannot read the verification material: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != MATERIAL_FORMAT:
            raise SourceError(f"{path}: not {MATERIAL_FORMAT} material (see sen vc verify --save)")
        return cls(
            dict(data.get("resolutions", {})),
            dict(data.get("statusLists", {})),
            dict(data.get("statusListAnchors", {})),
        )

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def _key(did: str, at: int | None) -> str:
    return f"{did} {'latest' if at is None else at}"


class _DocumentSources:
    """Key resolution and status lists from resolution results and list credentials."""

    def __init__(self) -> None:
        self.notes: list[str] = []  # how fresh the status lists were, for the report

    def resolution(self, did: str, at: int | None) -> Any:
        raise NotImplementedError

    def list_credential(self, issuer: str, name: str) -> Any:
        raise NotImplementedError

    def list_anchor(self, issuer: str, name: str) -> Any:
        raise NotImplementedError

    def resolvers(self, at: int | None) -> tuple[KeyResolver, Authorizer]:
        def document(method: str) -> dict[str, Any]:
            did = method.partition("#")[0]
            result = self.resolution(did, at)
            found = result.get("didDocument") if isinstance(result, dict) else None
            if not isinstance(found, dict):
                error = (result or {}).get("didResolutionMetadata", {}).get("error", "notFound")
                raise LookupError(f"{did} did not resolve: {error}")
            return found

        def resolve_key(method: str) -> tuple[str, bytes, str]:
            if is_did_key(method):
                return resolve_did_key(method)
            for item in document(method).get("verificationMethod", []):
                if isinstance(item, dict) and item.get("id") == method:
                    try:
                        suite, public_key = decode_multikey(str(item.get("publicKeyMultibase")))
                    except MultikeyError as exc:
                        raise LookupError(f"{method}: {exc.reason}") from None
                    return suite, public_key, method.partition("#")[0]
            raise LookupError(f"{method} is not in its DID document")

        def is_authorized(method: str, purpose: str) -> bool:
            if is_did_key(method):
                return True
            listed = document(method).get(purpose, [])
            return isinstance(listed, list) and method in listed

        return resolve_key, is_authorized

    def accreditation(
        self, issuer: str, credential_type: str, at: int
    ) -> AccreditationAnswer | None:
        return None  # the trust registry is on chain: only a node can answer

    def status_list(self, issuer: str, name: str) -> StatusListState | None:
        document = self.list_credential(issuer, name)
        if document is None:
            return None
        state, note = status_from_credential(document, issuer, name, self)
        if state is None:
            raise StatusListUnavailable(note)
        self.notes.append(note)
        anchored = anchor_note(self.list_anchor(issuer, name), issuer, name, state)
        if anchored.startswith("MISMATCH"):
            raise StatusListUnavailable(anchored)
        self.notes.append(anchored)
        return state


class RemoteSources(_DocumentSources):
    """Sources fetched from a node's API; what was fetched is kept in :attr:`material`."""

    def __init__(self, fetch: Fetch) -> None:
        super().__init__()
        self.fetch = fetch
        self.material = Material()

    def resolution(self, did: str, at: int | None) -> Any:
        key = _key(did, at)
        if key not in self.material.resolutions:
            params = None if at is None else {"versionTime": xml_datetime(at)}
            answer = self.fetch(f"/1.0/identifiers/{did}", params)
            self.material.resolutions[key] = answer.body  # a failed resolution says why
        return self.material.resolutions[key]

    def list_credential(self, issuer: str, name: str) -> Any:
        key = f"{issuer} {name}"
        if key not in self.material.status_lists:
            path = f"/v1/status-lists/{quote(issuer, safe=':')}/{quote(name, safe='')}/credential"
            answer = self.fetch(path, None)
            if answer.outcome is Outcome.MISSING:
                return None
            if answer.outcome is not Outcome.FOUND or not isinstance(answer.body, dict):
                raise SourceError(f"{path}: the node answered {answer.said}")
            self.material.status_lists[key] = answer.body
        return self.material.status_lists[key]

    def accreditation(
        self, issuer: str, credential_type: str, at: int
    ) -> AccreditationAnswer | None:
        params = {"issuer": issuer, "type": credential_type, "at": str(at)}
        answer = self.fetch("/v1/trust/check", params)
        body = answer.body
        if answer.outcome is not Outcome.FOUND or not isinstance(body, dict):
            raise SourceError(f"/v1/trust/check: the node answered {answer.said}")
        path = body.get("path") or []
        return AccreditationAnswer(
            ok=body.get("ok") is True,
            error=str(body.get("error") or ""),
            reason=str(body.get("reason") or ""),
            root=body.get("root"),
            path=tuple(str(a.get("accreditor")) for a in path if isinstance(a, dict)),
        )

    def list_anchor(self, issuer: str, name: str) -> Any:
        key = f"{issuer} {name}"
        if key not in self.material.anchors:
            path = f"/v1/status-lists/{quote(issuer, safe=':')}/{quote(name, safe='')}"
            answer = self.fetch(path, None)
            self.material.anchors[key] = answer.body if answer.outcome is Outcome.FOUND else None
        return self.material.anchors[key]


class SavedSources(_DocumentSources):
    """Sources from saved :class:`Material`: no network."""

    def __init__(self, material: Material) -> None:
        super().__init__()
        self.material = material

    def resolution(self, did: str, at: int | None) -> Any:
        found = self.material.resolutions.get(_key(did, at))
        if found is None:
            raise LookupError(f"{did} at {at} is not in the saved material")
        return found

    def list_credential(self, issuer: str, name: str) -> Any:
        return self.material.status_lists.get(f"{issuer} {name}")

    def list_anchor(self, issuer: str, name: str) -> Any:
        return self.material.anchors.get(f"{issuer} {name}")


def anchor_note(anchor: Any, issuer: str, name: str, state: StatusListState) -> str:
    """Does the list credential's bitstring match the chain's, under the state proof?

    The proof is checked against the app hash the node reported; a verifier
    that does not trust the node checks that app hash against a header it
    verified (the next block's). ``MISMATCH…`` when the two lists differ.
    """
    if not isinstance(anchor, dict):
        return f"status list {name!r}: no on-chain copy with a proof was available"
    try:
        proof = anchor["proof"]
        app_hash = bytes.fromhex(anchor["app_hash"])
        key = bytes.fromhex(anchor["key"])
        bits = decode_list(anchor["encodedList"])
        verify_state_proof(
            app_hash,
            key,
            bits,
            [bytes.fromhex(s) for s in proof["siblings"]],
            None if proof["leaf_path"] is None else bytes.fromhex(proof["leaf_path"]),
            None if proof["leaf_value_hash"] is None else bytes.fromhex(proof["leaf_value_hash"]),
        )
    except (KeyError, TypeError, ValueError, StatusListError, StateProofError) as exc:
        return f"MISMATCH: the on-chain copy of status list {name!r} does not check: {exc}"
    if key != bits_key(issuer, name):
        return f"MISMATCH: the proof is of another key than {issuer}'s list {name!r}"
    if bits != state.bits:
        return (
            f"MISMATCH: the status list credential {name!r} differs from the chain's list at "
            f"height {anchor.get('height')}: it is not the current one"
        )
    return (
        f"status list {name!r} matches the chain's at height {anchor.get('height')} (state "
        f"proof checked against app hash {anchor['app_hash'][:16]}…; check that app hash "
        "against a trusted header to rely on it without trusting the node)"
    )


def status_from_credential(
    document: Mapping[str, Any], issuer: str, name: str, sources: _DocumentSources
) -> tuple[StatusListState | None, str]:
    """The list a BitstringStatusListCredential states, once its issuer's proof verifies."""
    if document.get("issuer") != issuer:
        return None, f"the status list {name!r} is not issued by {issuer}"
    if "proof" not in document:
        return None, f"the status list {name!r} is not signed by its issuer"
    resolve_key, is_authorized = sources.resolvers(issuance_time(document))
    result = verify_credential(document, resolve_key, is_authorized=is_authorized)
    if not result.verified:
        codes = ", ".join(p.code for p in result.errors)
        return None, f"the status list {name!r} does not verify ({codes})"
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        return None, f"the status list {name!r} has no credentialSubject"
    try:
        bits = decode_list(subject.get("encodedList"))  # type: ignore[arg-type]
        updated = int(parse_datetime_stamp(document.get("validFrom")).timestamp())
    except (StatusListError, ValueError) as exc:
        return None, f"the status list {name!r} is malformed: {exc}"
    state = StatusListState(
        issuer=issuer,
        name=name,
        purpose=str(subject.get("statusPurpose", "")),
        size=len(bits) * 8,
        bits=bits,
        updated=updated,
    )
    return state, f"status list {name!r} of {issuer} as of {document.get('validFrom')}"
