"""The credential service's settings: ``[vc]`` and ``[[vc.issuers]]`` in a node's ``sen.toml``.

::

    [vc]
    public_url = "https://vc.vnu.edu.vn"   # where verifiers reach this node (status lists, links)
    publish_credentials = true             # GET /v1/credentials/{id} for urn:uuid ids
    # keyring = "/srv/sen/keys"            # default: $SEN_KEYRING, else ~/.sen/keys

    [[vc.issuers]]
    did = "did:sen:vnu"
    verification_method = "did:sen:vnu#key-1"
    key = "vnu-issuer"                     # a keyring key name, or a pkcs11: URI
    cryptosuite = "eddsa-rdfc-2022"
    status_list = "2025"                   # the revocation list this node assigns entries in
    # suspension_list = "2025-s"           # optional: a suspension entry too
    # tx_key = "vnu-operations"            # the member key that signs status transactions
    #                                      # (default: key)
    # require_accreditation = true         # refuse types the trust registry does not
    #                                      # accredit the issuer for (default: true)

An issuer may instead be a ``did:key`` (``did = "did:key:z6Mk…"``,
``verification_method = "did:key:z6Mk…#z6Mk…"``): an issuer known by its key
alone, which the W3C test suites and foreign verifiers resolve without a
ledger. It is for interoperability and testing: a did:key cannot be
accredited in the trust registry, so ``require_accreditation`` defaults to
false for it (its credentials verify with an ``ISSUER_NOT_ACCREDITED`` error
that a verifier's policy may treat as a warning), and its status lists are kept
on chain under the did:key, changed only by that key.

Keyring keys are decrypted with ``$SEN_ISSUER_PASSPHRASE`` (never stored in
the file). Issuing and status changes need a bearer token for the issuer
(``sen vc token create DID``, kept salted-hashed in ``config/vc-tokens.json``:
:mod:`sen.services.credentials.tokens`); without one the node issues nothing.
Verification and the status list credentials are open to anyone either way.

``issue_token_sha256`` (the SHA-256 of one node-wide token, for every issuer)
is still read, so that a node configured with it says what to do instead, but
it opens nothing any more.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sen.did import InvalidDid, MethodNotSupported, parse_did, parse_did_url
from sen.ledger.modules.status import LIST_NAME_PATTERN
from sen.services.credentials.errors import IssuerConfigError
from sen.vc import CRYPTOSUITES

__all__ = [
    "PASSPHRASE_ENV",
    "IssuerSettings",
    "VcSettings",
    "load_vc_settings",
    "parse_vc_settings",
]

PASSPHRASE_ENV = "SEN_ISSUER_PASSPHRASE"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
ISSUER_KEYS = frozenset(
    {
        "did",
        "verification_method",
        "key",
        "cryptosuite",
        "status_list",
        "suspension_list",
        "tx_key",
        "require_accreditation",
    }
)
VC_KEYS = frozenset(
    {"public_url", "issue_token_sha256", "publish_credentials", "keyring", "issuers"}
)


@dataclass(frozen=True, slots=True)
class IssuerSettings:
    did: str
    verification_method: str
    key: str
    cryptosuite: str
    status_list: str
    suspension_list: str | None = None
    tx_key: str | None = None
    require_accreditation: bool = True

    @property
    def transaction_key(self) -> str:
        return self.tx_key or self.key


@dataclass(frozen=True, slots=True)
class VcSettings:
    public_url: str
    issue_token_sha256: str | None = None  # retired: read only to explain its retirement
    publish_credentials: bool = True
    keyring: Path | None = None
    issuers: tuple[IssuerSettings, ...] = ()

    def issuer(self, did: str) -> IssuerSettings | None:
        return next((i for i in self.issuers if i.did == did), None)


def load_vc_settings(settings_path: Path, default_public_url: str) -> VcSettings:
    """The ``[vc]`` settings of a ``sen.toml`` (none: no issuers, nothing to issue)."""
    try:
        doc = tomllib.loads(settings_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return VcSettings(public_url=default_public_url)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IssuerConfigError(str(settings_path), f"cannot read: {exc}") from None
    return parse_vc_settings(doc.get("vc", {}), default_public_url, where=str(settings_path))


def parse_vc_settings(table: object, default_public_url: str, *, where: str) -> VcSettings:
    if not isinstance(table, dict):
        raise IssuerConfigError(f"{where} [vc]", "expected a table")
    _no_unknown(table, VC_KEYS, f"{where} [vc]")
    public_url = _text(table, "public_url", f"{where} [vc]", default_public_url).rstrip("/")
    if not public_url.startswith(("http://", "https://")) or " " in public_url:
        raise IssuerConfigError(
            f"{where} [vc] public_url", f"expected an http(s):// URL, got {public_url!r}"
        )
    token_hash = table.get("issue_token_sha256")
    if token_hash is not None:
        if not isinstance(token_hash, str) or not SHA256_HEX.fullmatch(token_hash.lower()):
            raise IssuerConfigError(
                f"{where} [vc] issue_token_sha256",
                "expected 64 hex digits: the SHA-256 of the token (e.g. "
                'printf %s "$TOKEN" | sha256sum), never the token itself',
            )
        token_hash = token_hash.lower()
    publish = table.get("publish_credentials", True)
    if not isinstance(publish, bool):
        raise IssuerConfigError(f"{where} [vc] publish_credentials", "expected true or false")
    keyring = table.get("keyring")
    if keyring is not None and not isinstance(keyring, str):
        raise IssuerConfigError(f"{where} [vc] keyring", "expected a directory path")
    entries = table.get("issuers", [])
    if not isinstance(entries, list):
        raise IssuerConfigError(f"{where} [[vc.issuers]]", "expected an array of tables")
    issuers = tuple(
        _issuer(entry, f"{where} [[vc.issuers]] #{n + 1}") for n, entry in enumerate(entries)
    )
    seen: set[str] = set()
    for issuer in issuers:
        if issuer.did in seen:
            raise IssuerConfigError(f"{where} [[vc.issuers]]", f"{issuer.did} is listed twice")
        seen.add(issuer.did)
    return VcSettings(
        public_url=public_url,
        issue_token_sha256=token_hash,
        publish_credentials=publish,
        keyring=None if keyring is None else Path(keyring),
        issuers=issuers,
    )


def _issuer(entry: object, where: str) -> IssuerSettings:
    if not isinstance(entry, dict):
        raise IssuerConfigError(where, "expected a table")
    _no_unknown(entry, ISSUER_KEYS, where)
    did = _text(entry, "did", where)
    try:
        parsed = parse_did(did)
    except (InvalidDid, MethodNotSupported) as exc:
        raise IssuerConfigError(f"{where} did", exc.detail) from None
    if parsed.method not in ("sen", "key"):
        raise IssuerConfigError(f"{where} did", f"expected a did:sen or did:key DID, got {did!r}")
    method = _text(entry, "verification_method", where)
    try:
        method_did, _ = parse_did_url(method)
    except (InvalidDid, MethodNotSupported) as exc:
        raise IssuerConfigError(f"{where} verification_method", exc.detail) from None
    if method_did.did != did:
        raise IssuerConfigError(
            f"{where} verification_method", f"expected {did}#<key id>, got {method!r}"
        )
    cryptosuite = _text(entry, "cryptosuite", where, "eddsa-rdfc-2022")
    if cryptosuite not in CRYPTOSUITES:
        raise IssuerConfigError(
            f"{where} cryptosuite",
            f"expected one of {', '.join(sorted(CRYPTOSUITES))}, got {cryptosuite!r}",
        )
    lists = [_list_name(entry, "status_list", where)]
    suspension = None
    if "suspension_list" in entry:
        suspension = _list_name(entry, "suspension_list", where)
        if suspension == lists[0]:
            raise IssuerConfigError(
                f"{where} suspension_list", "must differ from status_list (one purpose a list)"
            )
    tx_key = _text(entry, "tx_key", where, "") or None
    require_accreditation = entry.get("require_accreditation", parsed.method == "sen")
    if not isinstance(require_accreditation, bool):
        raise IssuerConfigError(f"{where} require_accreditation", "expected true or false")
    return IssuerSettings(
        did=did,
        verification_method=method,
        key=_text(entry, "key", where),
        cryptosuite=cryptosuite,
        status_list=lists[0],
        suspension_list=suspension,
        tx_key=tx_key,
        require_accreditation=require_accreditation,
    )


def _list_name(entry: dict[str, Any], key: str, where: str) -> str:
    name = _text(entry, key, where)
    if not LIST_NAME_PATTERN.fullmatch(name):
        raise IssuerConfigError(
            f"{where} {key}", f"expected 1-64 of a-z, 0-9 and '-', got {name!r}"
        )
    return name


def _text(table: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise IssuerConfigError(f"{where} {key}", "missing")
    if not isinstance(value, str):
        raise IssuerConfigError(f"{where} {key}", f"expected text, got {value!r}")
    return value


def _no_unknown(table: dict[str, Any], known: frozenset[str], where: str) -> None:
    for key in sorted(table):
        if key not in known:
            raise IssuerConfigError(
                f"{where} {key}", f"unknown setting; known: {', '.join(sorted(known))}"
            )
