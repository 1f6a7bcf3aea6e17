"""A diploma issued under a did:sen registered on a Sen chain, verified from the chain's state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from identity_chain import IdentityChain, block_time, document
from vc_support import NOW, diploma

from sen.vc import ErrorCode, sign_credential, verify_credential
from sen.vc.resolvers import ledger_resolvers

METHOD = "did:sen:hust#key-1"


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[IdentityChain]:
    made = IdentityChain(tmp_path / "db")
    try:
        yield made
    finally:
        made.close()


def _issue(chain: IdentityChain, key_index: int = 0) -> dict[str, object]:
    credential = diploma()
    credential["issuer"] = "did:sen:hust"
    signed_at = datetime.fromtimestamp(block_time(chain.height), UTC)
    return sign_credential(credential, chain.keys[key_index], METHOD, "eddsa-rdfc-2022", signed_at)


def test_a_credential_verifies_against_the_did_document_on_chain(chain: IdentityChain) -> None:
    chain.ok(chain.issuers[0], "create", document("hust", chain.keys[0]))
    resolve_key, is_authorized = ledger_resolvers(chain.store)

    result = verify_credential(_issue(chain), resolve_key, now=NOW, is_authorized=is_authorized)

    assert result.verified, result.errors


def test_after_a_rotation_old_credentials_verify_at_their_issuance_time(
    chain: IdentityChain,
) -> None:
    chain.ok(chain.issuers[0], "create", document("hust", chain.keys[0]))
    old = _issue(chain, 0)
    issued_at = block_time(chain.height)
    chain.block()
    chain.ok(chain.issuers[0], "update", document("hust", chain.keys[1]))

    resolve_latest, authorized_latest = ledger_resolvers(chain.store)
    latest = verify_credential(old, resolve_latest, now=NOW, is_authorized=authorized_latest)
    resolve_then, authorized_then = ledger_resolvers(chain.store, at=issued_at)
    then = verify_credential(old, resolve_then, now=NOW, is_authorized=authorized_then)

    assert [p.code for p in latest.errors] == [ErrorCode.INVALID_SIGNATURE]
    assert then.verified, then.errors


def test_a_key_listed_only_for_authentication_cannot_issue(chain: IdentityChain) -> None:
    args = document("hust", chain.keys[0])
    args["relationships"] = {"authentication": ["key-1"]}
    chain.ok(chain.issuers[0], "create", args)
    resolve_key, is_authorized = ledger_resolvers(chain.store)

    result = verify_credential(_issue(chain), resolve_key, now=NOW, is_authorized=is_authorized)

    assert [(p.code, p.path) for p in result.errors] == [
        (ErrorCode.UNAUTHORIZED_VERIFICATION_METHOD, "$.proof.verificationMethod")
    ]


def test_an_unregistered_did_is_an_unknown_verification_method(chain: IdentityChain) -> None:
    resolve_key, is_authorized = ledger_resolvers(chain.store)

    result = verify_credential(_issue(chain), resolve_key, now=NOW, is_authorized=is_authorized)

    assert [p.code for p in result.errors] == [ErrorCode.UNKNOWN_VERIFICATION_METHOD]


def test_a_credential_signed_after_its_issuer_was_deactivated_is_rejected(
    chain: IdentityChain,
) -> None:
    chain.ok(chain.issuers[0], "create", document("hust", chain.keys[0]))
    before = _issue(chain)
    issued_before = block_time(chain.height)
    chain.block()
    chain.ok(chain.issuers[0], "deactivate", {"name": "hust"})
    chain.block()
    after = _issue(chain)  # the key still exists off chain; the DID does not
    issued_after = block_time(chain.height)

    resolve_key, is_authorized = ledger_resolvers(chain.store, at=issued_after)
    rejected = verify_credential(after, resolve_key, now=NOW, is_authorized=is_authorized)
    assert not rejected.verified
    assert [p.path for p in rejected.errors] == ["$.proof.verificationMethod"]
    assert "deactivated" in rejected.errors[0].message.lower()

    # what was signed while the DID was active still verifies at its issuance time
    resolve_then, authorized_then = ledger_resolvers(chain.store, at=issued_before)
    kept = verify_credential(before, resolve_then, now=NOW, is_authorized=authorized_then)
    assert kept.verified, kept.errors
