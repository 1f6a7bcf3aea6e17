"""The issuing side of a node: issue credentials, change their status, serve status lists.

An organisation's node holds its issuer keys (keyring or HSM, named in
``sen.toml``, see :mod:`sen.services.credentials.config`). Issuing:

1. the credential's issuer is configured here, and the trust registry
   accredits it for each of the credential's types at the chain's time
   (the last block's);
2. the node's status list exists on chain (created with the issuer's
   transaction key the first time), and the credential gets the next free
   index of it — a ``BitstringStatusListEntry`` whose
   ``statusListCredential`` is ``<public url>/v1/status-lists/<issuer>/<list>/credential``;
3. it is signed with the issuer's key, stored here by its id (off chain:
   it holds personal data) and returned.

Changing a status (revoke, suspend, reinstate) is a ``status.update``
transaction signed by the issuer's transaction key; the call returns once it
is committed. Revocation is final.
"""

from __future__ import annotations

import copy
import hashlib
import os
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sen.did import ResolutionError, resolve_verification_method
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey, address_of
from sen.ledger.modules.status.bitstring import encode_list
from sen.ledger.tx import sign_tx
from sen.sdk.errors import SenError
from sen.sdk.keys import Keyring
from sen.sdk.pkcs11 import is_pkcs11_uri, load_pkcs11_key, redact_uri
from sen.services.credentials.chain import ChainSources, chain_time, load_status_list
from sen.services.credentials.config import PASSPHRASE_ENV, IssuerSettings, VcSettings
from sen.services.credentials.errors import (
    ChainRefused,
    CommitTimeout,
    CredentialExists,
    InvalidCredential,
    IssuerNotPermitted,
    IssuerUnavailable,
    NotAccredited,
    StatusRefused,
    UnknownCredential,
    UnknownIssuer,
)
from sen.services.credentials.store import IssuedCredential, StatusAssignment, VcStore
from sen.services.credentials.tokens import TokenStore
from sen.services.credentials.verification import (
    ENTRY_TYPE,
    UNACCREDITED_TYPES,
    StatusListState,
    parse_status_list_url,
    status_list_url,
)
from sen.vc import CREDENTIALS_V2, InvalidDocument, VcError, default_loader, sign_credential
from sen.vc.canonical import expand, respelled_terms
from sen.vc.datamodel import check_credential, data_model_version
from sen.vc.dates import format_datetime_stamp

if TYPE_CHECKING:
    from sen.node.node import Node

__all__ = ["STATUSES", "CredentialService", "StatusChange"]

REVOCATION = "revocation"
SUSPENSION = "suspension"
STATUSES = ("revoked", "suspended", "active")
COMMIT_TIMEOUT = 30.0
_NONCE_CODES = frozenset({int(ResultCode.NONCE_TOO_LOW), int(ResultCode.NONCE_TOO_HIGH)})


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One status entry of a credential after a change."""

    entry: dict[str, Any]  # the credential's BitstringStatusListEntry
    status: str  # the entry's bit now: "revoked"/"suspended" (1) or "active" (0)
    changed: bool
    tx_hash: str | None = None
    height: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **self.entry,
            "status": self.status,
            "changed": self.changed,
            "txHash": self.tx_hash,
            "height": self.height,
        }


class CredentialService:
    def __init__(
        self, node: Node, settings: VcSettings, store: VcStore, tokens: TokenStore
    ) -> None:
        self.node = node
        self.settings = settings
        self.store = store
        self.tokens = tokens
        self._keys: dict[str, SigningKey] = {}
        self._keys_lock = threading.Lock()
        self._chain_lock = threading.Lock()  # one issuing transaction at a time: nonces
        self._lists_lock = threading.Lock()  # one creation of a list, not two racing
        self._list_credentials: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}

    @property
    def reader(self) -> Any:
        return self.node.app.store

    # -- issuing -----------------------------------------------------------------

    def issue(
        self,
        credential: Mapping[str, Any],
        *,
        acting_for: str,
        status: Sequence[Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Sign ``credential`` for its issuer (configured here, accredited now) with a status.

        ``acting_for`` is the issuer the caller may act for (its token's): any other is
        refused. ``status`` is the VC-API ``options.credentialStatus``: the entries to
        allocate on this node's lists (``{"type": "BitstringStatusListEntry",
        "statusPurpose": ...}`` each); None: the node's default (see :meth:`_requested`).
        """
        issuer = self._issuer_of(credential, acting_for)
        if "proof" in credential:
            raise InvalidCredential(
                "the credential already has a proof: send it unsigned", field="credential.proof"
            )
        draft = copy.deepcopy(dict(credential))
        draft.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
        if not isinstance(draft["id"], str):
            raise InvalidCredential("id must be a URL", field="credential.id")
        if draft["id"].lower().startswith("urn:uuid:") and draft["id"] != draft["id"].lower():
            raise InvalidCredential(
                f"a urn:uuid id is written in lower case (RFC 4122 §3: the same id in any "
                f"case), got {draft['id'][:80]!r}",
                field="credential.id",
            )
        if self.store.exists(draft["id"]):
            raise CredentialExists(
                f"a credential with id {draft['id']!r} was issued here already",
                field="credential.id",
            )
        now = chain_time(self.node)
        if issuer.require_accreditation:
            self._require_accredited(issuer.did, draft, now)
        start = "issuanceDate" if data_model_version(draft) == 1 else "validFrom"
        draft.setdefault(start, format_datetime_stamp(datetime.now(UTC)))
        given = self._given_status(issuer, draft)
        assignments = self._requested(issuer, draft, given, status)
        placeholders = [self._entry(issuer.did, p, name, 0) for p, name in assignments]
        _set_status(draft, given, placeholders)
        _require_valid(draft)
        key = self._key(issuer.key)
        self._require_method_key(issuer, key)
        entries = []
        for purpose, name in assignments:
            state = self._ensure_list(issuer, name, purpose)
            entries.append(
                StatusAssignment(purpose, name, self.store.allocate(issuer.did, name, state.size))
            )
        allocated = [self._entry(issuer.did, e.purpose, e.list_name, e.index) for e in entries]
        _set_status(draft, given, allocated)
        try:
            signed = sign_credential(draft, key, issuer.verification_method, issuer.cryptosuite)
        except InvalidDocument as exc:
            raise _invalid(exc) from None
        except VcError as exc:
            raise IssuerUnavailable(f"{_shown(issuer.key)}: {exc.message}", field="key") from None
        self.store.save(IssuedCredential(signed, issuer.did, tuple(entries), now))
        return signed

    def _given_status(self, issuer: IssuerSettings, draft: Mapping[str, Any]) -> list[Any]:
        """The caller's own status entries, kept as given; none may be on this node's lists.

        An entry on a list this node serves (any URL of this node's origin, or any
        list of an issuer configured here) would share an index with another
        credential — revoking one would revoke both: ask for one with
        ``options.credentialStatus`` instead.
        """
        value = draft.get("credentialStatus")
        given = [] if value is None else value if isinstance(value, list) else [value]
        here = _origin(self.settings.public_url)
        configured = {i.did for i in self.settings.issuers}
        for n, entry in enumerate(given):
            url = entry.get("statusListCredential") if isinstance(entry, dict) else None
            if not isinstance(url, str):
                continue  # the data model check reports it
            located = parse_status_list_url(url)
            if _origin(url) == here or (located is not None and located[0] in configured):
                where = "credential.credentialStatus" + (
                    f"[{n}]" if isinstance(value, list) else ""
                )
                raise InvalidCredential(
                    f"{url[:120]!r} is a status list of this node, whose indexes the node "
                    "allocates: ask for an entry with options.credentialStatus "
                    '({"type": "BitstringStatusListEntry", "statusPurpose": "revocation"})',
                    field=f"{where}.statusListCredential",
                )
        return given

    def _requested(
        self,
        issuer: IssuerSettings,
        draft: Mapping[str, Any],
        given: list[Any],
        status: Sequence[Mapping[str, Any]] | None,
    ) -> list[tuple[str, str]]:
        """``(purpose, list name)`` of each entry to allocate here.

        Asked for (``options.credentialStatus``): those. Otherwise a VCDM 2.0 credential
        without status entries of its own gets a revocation entry (and a suspension
        entry if the issuer has a suspension list); one with entries of its own, or a
        VCDM 1.1 credential (whose context does not define BitstringStatusListEntry),
        gets none (``credentialStatus: []`` counts as entries of its own: none).
        """
        lists = {REVOCATION: issuer.status_list, SUSPENSION: issuer.suspension_list}
        if status is None:
            if "credentialStatus" in draft or data_model_version(draft) == 1:
                return []
            return [(p, name) for p, name in lists.items() if name is not None]
        if status and data_model_version(draft) == 1:
            raise InvalidCredential(
                "a VCDM 1.1 credential cannot carry a BitstringStatusListEntry (its context "
                "does not define one): issue it as VCDM 2.0, or without options.credentialStatus",
                field="options.credentialStatus",
            )
        wanted: list[tuple[str, str]] = []
        for n, item in enumerate(status):
            where = f"options.credentialStatus[{n}]"
            if item.get("type", ENTRY_TYPE) != ENTRY_TYPE:
                raise InvalidCredential(
                    f"this node allocates {ENTRY_TYPE} entries, got {item.get('type')!r}",
                    field=f"{where}.type",
                )
            purpose = item.get("statusPurpose", REVOCATION)
            name = lists.get(purpose) if isinstance(purpose, str) else None
            if name is None:
                offered = ", ".join(p for p, n in lists.items() if n is not None)
                raise InvalidCredential(
                    f"{issuer.did} has no {purpose!r} list on this node (it has: {offered})",
                    field=f"{where}.statusPurpose",
                )
            if (purpose, name) in wanted:
                raise InvalidCredential(
                    f"{purpose!r} is asked for twice", field=f"{where}.statusPurpose"
                )
            wanted.append((purpose, name))
        return wanted

    def _issuer_of(self, credential: Mapping[str, Any], acting_for: str) -> IssuerSettings:
        party = credential.get("issuer")
        did = party.get("id") if isinstance(party, dict) else party
        if not isinstance(did, str):
            raise InvalidCredential(
                "issuer must be a DID, or an object with the DID as id", field="credential.issuer"
            )
        if did != acting_for:
            raise IssuerNotPermitted(acting_for, did, field="credential.issuer")
        found = self.settings.issuer(did)
        if found is None:
            configured = ", ".join(i.did for i in self.settings.issuers) or "none"
            raise UnknownIssuer(
                f"{did} does not issue on this node (configured here: {configured})",
                field="credential.issuer",
            )
        return found

    def _require_accredited(self, issuer: str, credential: Mapping[str, Any], at: int) -> None:
        types = credential.get("type")
        listed = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        sources = ChainSources(self.reader)
        for credential_type in listed:
            if not isinstance(credential_type, str) or credential_type in UNACCREDITED_TYPES:
                continue
            answer = sources.accreditation(issuer, credential_type, at)
            if not answer.ok:
                raise NotAccredited(issuer, credential_type, f"{answer.error}: {answer.reason}")

    def _require_method_key(self, issuer: IssuerSettings, key: SigningKey) -> None:
        """The configured key must be the DID's assertion key on chain now (not rotated away)."""
        try:
            suite, public_key, _ = resolve_verification_method(
                issuer.verification_method, self.reader, None, purpose="assertionMethod"
            )
        except ResolutionError as exc:
            raise IssuerUnavailable(
                f"{issuer.verification_method} cannot sign credentials now: {exc}",
                field="verification_method",
            ) from None
        if (suite, public_key) != (key.suite, key.public_key):
            why = (
                "a did:key issuer signs with the key its DID is made of: set key to that key"
                if issuer.did.startswith("did:key:")
                else "was the DID's key rotated?"
            )
            raise IssuerUnavailable(
                f"the key {_shown(issuer.key)!r} is not {issuer.verification_method} ({why})",
                field="key",
            )

    def _entry(self, issuer: str, purpose: str, name: str, index: int) -> dict[str, Any]:
        url = status_list_url(self.settings.public_url, issuer, name)
        return {
            "id": f"{url}#{index}",
            "type": ENTRY_TYPE,
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": url,
        }

    def _ensure_list(self, issuer: IssuerSettings, name: str, purpose: str) -> StatusListState:
        with self._lists_lock:
            return self._ensure_list_locked(issuer, name, purpose)

    def _ensure_list_locked(
        self, issuer: IssuerSettings, name: str, purpose: str
    ) -> StatusListState:
        state = load_status_list(self.reader, issuer.did, name)
        if state is None:
            args = {"list": name, "issuer": issuer.did, "purpose": purpose}
            self._transact(issuer, "create_list", args, field="status_list")
            state = load_status_list(self.reader, issuer.did, name)
            if state is None:
                raise ChainRefused(f"status list {name!r} was not created", field="status_list")
        if state.purpose != purpose:
            raise IssuerUnavailable(
                f"status list {name!r} of {issuer.did} is for {state.purpose!r}, not {purpose!r}",
                field="status_list",
            )
        return state

    # -- status --------------------------------------------------------------------

    def issued(self, credential_id: str) -> IssuedCredential:
        found = self.store.load(credential_id)
        if found is None:
            raise UnknownCredential(
                f"no credential with id {credential_id!r} was issued by this node",
                field="credentialId",
            )
        return found

    def update_status(
        self, credential_id: str, status: str, *, acting_for: str
    ) -> list[StatusChange]:
        """Make the credential ``status`` (revoked, suspended, active); one tx per list.

        Only for a credential of ``acting_for``, the issuer the caller may act for.
        """
        record = self.issued(credential_id)
        if record.issuer != acting_for:
            raise IssuerNotPermitted(acting_for, record.issuer, field="credentialId")
        issuer = self.settings.issuer(record.issuer)
        if issuer is None:
            raise UnknownIssuer(f"{record.issuer} no longer issues on this node", field="issuer")
        current = {e: self._bit(record.issuer, e) for e in record.entries}
        revoked = any(bit for e, bit in current.items() if e.purpose == REVOCATION)
        wanted: dict[StatusAssignment, bool] = {}
        if status == "revoked":
            wanted = {e: True for e in record.entries if e.purpose == REVOCATION}
            if not wanted:
                raise StatusRefused(
                    f"{credential_id} was issued without a revocation entry on this node's "
                    "lists (a VCDM 1.1 credential, or one with status entries of its own): "
                    "this node cannot revoke it",
                    field="status",
                )
        elif status == "suspended":
            if revoked:
                raise StatusRefused("the credential is revoked; revocation is final", "status")
            wanted = {e: True for e in record.entries if e.purpose == SUSPENSION}
            if not wanted:
                raise StatusRefused(
                    f"{credential_id} was issued without a suspension entry on this node's lists "
                    "(configure suspension_list before issuing): it cannot be suspended",
                    field="status",
                )
        elif status == "active":
            if revoked:
                raise StatusRefused("the credential is revoked; revocation is final", "status")
            wanted = {e: False for e in record.entries if e.purpose == SUSPENSION}
            if not wanted:
                raise StatusRefused(
                    f"{credential_id} has no suspension entry on this node's lists: it was "
                    "never suspended here, so there is nothing to reinstate",
                    field="status",
                )
        else:
            raise StatusRefused(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
        changes: list[StatusChange] = []
        for entry in record.entries:
            bit = current[entry]
            target = wanted.get(entry, bit)
            tx_hash: str | None = None
            height: int | None = None
            if target != bit:
                args: dict[str, Any] = {
                    "list": entry.list_name,
                    "issuer": record.issuer,
                    "set": [entry.index] if target else [],
                    "clear": [] if target else [entry.index],
                }
                tx_hash, height = self._transact(issuer, "update", args, field="status")
            changes.append(
                StatusChange(
                    entry=self._entry(record.issuer, entry.purpose, entry.list_name, entry.index),
                    status=_status_word(entry.purpose, target),
                    changed=target != bit,
                    tx_hash=tx_hash,
                    height=height,
                )
            )
        return changes

    def status_of(self, record: IssuedCredential) -> list[StatusChange]:
        return [
            StatusChange(
                entry=self._entry(record.issuer, e.purpose, e.list_name, e.index),
                status=_status_word(e.purpose, self._bit(record.issuer, e)),
                changed=False,
            )
            for e in record.entries
        ]

    def _bit(self, issuer: str, entry: StatusAssignment) -> bool:
        state = load_status_list(self.reader, issuer, entry.list_name)
        return state is not None and entry.index < state.size and state.bit(entry.index)

    # -- status list credentials ----------------------------------------------------

    def status_list_credential(self, issuer: str, name: str) -> dict[str, Any] | None:
        """The list as a BitstringStatusListCredential, signed if its issuer is configured here."""
        state = load_status_list(self.reader, issuer, name)
        if state is None:
            return None
        cached = self._list_credentials.get((issuer, name))
        if cached is not None and cached[0] == state.height:
            return cached[1]
        url = status_list_url(self.settings.public_url, issuer, name)
        document: dict[str, Any] = {
            "@context": [CREDENTIALS_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer,
            "validFrom": format_datetime_stamp(datetime.fromtimestamp(state.updated, UTC)),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": state.purpose,
                "encodedList": encode_list(state.bits),
            },
        }
        settings = self.settings.issuer(issuer)
        if settings is not None:
            try:
                key = self._key(settings.key)
                document = sign_credential(
                    document, key, settings.verification_method, settings.cryptosuite
                )
            except (IssuerUnavailable, VcError):
                pass  # served unsigned: the chain's copy is the authority either way
        self._list_credentials[(issuer, name)] = (state.height, document)
        return document

    # -- keys and transactions ---------------------------------------------------------

    def _key(self, name: str) -> SigningKey:
        with self._keys_lock:
            if name not in self._keys:
                self._keys[name] = self._open_key(name)
            return self._keys[name]

    def _open_key(self, name: str) -> SigningKey:
        try:
            if is_pkcs11_uri(name):
                return load_pkcs11_key(name)
            passphrase = os.environ.get(PASSPHRASE_ENV)
            if not passphrase:
                raise IssuerUnavailable(
                    f"the issuer key {name!r} is encrypted: set {PASSPHRASE_ENV} for the node",
                    field="key",
                )
            return Keyring(self.settings.keyring).load(name, passphrase)
        except SenError as exc:
            raise IssuerUnavailable(
                f"cannot open the issuer key {_shown(name)!r}: {exc}", "key"
            ) from None

    def _transact(
        self, issuer: IssuerSettings, action: str, args: dict[str, Any], *, field: str
    ) -> tuple[str, int]:
        """Sign ``status.<action>`` with the issuer's transaction key; wait for its commit."""
        key = self._key(issuer.transaction_key)
        sender = address_of(key.suite, key.public_key)
        chain_id = self.node.app.genesis.chain_id
        with self._chain_lock:
            for attempt in range(2):
                nonce = self.node.app.pending_nonce(sender)
                tx = sign_tx(
                    key, chain_id=chain_id, nonce=nonce, module="status", action=action, args=args
                )
                [response] = self.node.engine.submit([tx.raw])
                if response.code in _NONCE_CODES and attempt == 0:
                    continue
                if response.code != 0:
                    raise ChainRefused(
                        f"status.{action} refused: {_code_name(response.code)}: {response.log}",
                        code_name=_code_name(response.code),
                        field=field,
                    )
                break
            tx_hash = hashlib.sha256(tx.raw).digest()
            height = self._committed(tx_hash, action, field)
        return tx_hash.hex(), height

    def _committed(self, tx_hash: bytes, action: str, field: str) -> int:
        deadline = time.monotonic() + COMMIT_TIMEOUT
        pause = min(max(self.node.engine.config.block_interval / 4, 0.01), 0.1)
        while True:
            location = self.node.index.locate_tx(tx_hash)
            if location is not None:
                height, index = location
                result = self.node.app.store.load_result(height, index)
                if result is not None:
                    if result.code != 0:
                        name = _code_name(int(result.code))
                        raise ChainRefused(
                            f"status.{action} failed in block {height}: {name}: {result.log}",
                            code_name=name,
                            field=field,
                        )
                    return height
            if time.monotonic() > deadline:
                raise CommitTimeout(
                    f"status.{action} ({tx_hash.hex()}) was not committed within "
                    f"{COMMIT_TIMEOUT:g} s",
                    field=field,
                )
            time.sleep(pause)


def _shown(key: str) -> str:
    """An issuer's ``key`` setting as errors show it: a ``pkcs11:`` URI without its PIN."""
    return redact_uri(key)


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """``(scheme, host, port)`` of a URL, the default port made explicit; None if unreadable."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def _set_status(draft: dict[str, Any], given: list[Any], added: list[dict[str, Any]]) -> None:
    """``credentialStatus``: the caller's entries then the node's; one entry stays an object.

    With nothing added, the caller's ``credentialStatus`` (or its absence) is left exactly
    as given."""
    if not added:
        return
    entries = [*given, *added]
    if len(entries) == 1 and not isinstance(draft.get("credentialStatus"), list):
        draft["credentialStatus"] = entries[0]
    else:
        draft["credentialStatus"] = entries


def _require_valid(credential: Mapping[str, Any]) -> None:
    """The checks signing makes, before an index is spent on the credential."""
    problems = list(check_credential(credential))
    if not problems:
        try:
            problems = respelled_terms(credential, expand(credential, default_loader()))
        except InvalidDocument as exc:
            problems = list(exc.problems)
    if problems:
        raise _invalid(InvalidDocument(problems))


def _invalid(exc: InvalidDocument) -> InvalidCredential:
    problems = [p.as_dict() for p in exc.problems]
    first = exc.problems[0]
    field = "credential" + first.path[1:] if first.path.startswith("$") else "credential"
    return InvalidCredential(f"{first.code}: {first.message}", field=field, problems=problems)


def _status_word(purpose: str, bit: bool) -> str:
    if not bit:
        return "active"
    return "revoked" if purpose == REVOCATION else "suspended"


def _code_name(code: int) -> str:
    try:
        return ResultCode(code).name
    except ValueError:
        return f"code {code}"
