"""What counts as a DID here: did:sen names, did:key Multikeys, and verification method URLs."""

from __future__ import annotations

import pytest

from sen.did import (
    InvalidDid,
    MethodNotSupported,
    parse_did,
    parse_did_url,
)

ED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


@pytest.mark.parametrize("name", ["moet", "vnu.uet", "a", "bo-y-te", "0", "a" * 64, "a.b-c.d"])
def test_valid_did_sen(name: str) -> None:
    parsed = parse_did(f"did:sen:{name}")
    assert (parsed.method, parsed.identifier) == ("sen", name)


@pytest.mark.parametrize(
    "did",
    [
        "did:sen:MOET",
        "did:sen:-moet",
        "did:sen:moet-",
        "did:sen:.moet",
        "did:sen:" + "a" * 65,
        "did:sen:",
        "did:sen:mo_et",
        "did:sen:moet:x",
        "did:sen:moet/path",
        "did:sen:moet#key-1",
        "did:sen:bộ",
        "did:sen:moet\n",
        "DID:sen:moet",
        "sen:moet",
        "did:SEN:moet",
        "",
    ],
)
def test_invalid_dids(did: str) -> None:
    with pytest.raises(InvalidDid):
        parse_did(did)


def test_did_key_carries_its_key() -> None:
    parsed = parse_did(ED_DID)
    assert (parsed.method, parsed.suite, len(parsed.public_key)) == ("key", "ed25519", 32)


@pytest.mark.parametrize(
    "did",
    ["did:key:z6Mk", "did:key:mAbc", "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"],
)
def test_a_did_key_of_an_unsupported_or_broken_key_is_invalid(did: str) -> None:
    with pytest.raises(InvalidDid, match="not a did:key Sen supports"):
        parse_did(did)


@pytest.mark.parametrize("did", ["did:web:moet.gov.vn", "did:ion:abc", "did:example:123"])
def test_other_methods_are_not_supported(did: str) -> None:
    with pytest.raises(MethodNotSupported, match="did:sen, did:key"):
        parse_did(did)


def test_verification_method_urls() -> None:
    parsed, fragment = parse_did_url("did:sen:moet#key-1")
    assert (parsed.did, fragment) == ("did:sen:moet", "key-1")
    for bad in ("did:sen:moet", "did:sen:moet#", "did:sen:moet#a b", "did:sen:MOET#key-1"):
        with pytest.raises(InvalidDid) as refused:
            parse_did_url(bad)
        assert refused.value.field == "verification_method"
