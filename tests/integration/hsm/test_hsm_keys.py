"""Keys on a SoftHSM2 token: made there, never exported, signing what the ledger verifies."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import nacl.signing
import pkcs11
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hsm_support import PIN_TOKEN, RESTART_TOKEN, TOKEN, USER_PIN, SoftHsm
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11.util.ec import encode_named_curve_parameters

import sen.sdk.pkcs11 as sen_pkcs11
from sen.ledger.crypto import address_of, get_suite
from sen.ledger.tx import SIGN_DOMAIN, sign_tx
from sen.sdk.errors import InvalidInput, KeyFileError
from sen.sdk.pkcs11 import (
    HsmError,
    ObjectNotFound,
    Pkcs11Key,
    TokenNotFound,
    UnsupportedMechanism,
    WrongPin,
    generate_pkcs11_key,
    load_pkcs11_key,
)

P256_HALF_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551 // 2


def _verify_p256(public_key: bytes, message: bytes, signature: bytes) -> None:
    """The suite contract, checked with `cryptography` alone: 64-byte r‖s, ECDSA-SHA256."""
    assert len(signature) == 64
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key)
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    point.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))


def _token_object(hsm: SoftHsm, label: str, object_class: ObjectClass) -> dict[Attribute, object]:
    """Attributes of one object, read with python-pkcs11 directly (the process is logged in)."""
    token = pkcs11.lib(hsm.module).get_token(token_label=TOKEN)
    with token.open() as session:
        found = session.get_key(object_class=object_class, label=label)
        attributes = (
            Attribute.SENSITIVE,
            Attribute.EXTRACTABLE,
            Attribute.ALWAYS_SENSITIVE,
            Attribute.NEVER_EXTRACTABLE,
            Attribute.LOCAL,
            Attribute.TOKEN,
            Attribute.PRIVATE,
            Attribute.SIGN,
            Attribute.DERIVE,
        )
        values = {name: found[name] for name in attributes}
        try:
            values[Attribute.VALUE] = found[Attribute.VALUE]
        except pkcs11.AttributeSensitive:
            values[Attribute.VALUE] = "sensitive"
        return values


def test_p256_key_made_on_the_token_has_a_compressed_public_key(p256_key: Pkcs11Key) -> None:
    assert p256_key.suite == "ecdsa-p256"
    assert len(p256_key.public_key) == 33 and p256_key.public_key[0] in (2, 3)
    assert p256_key.address == address_of("ecdsa-p256", p256_key.public_key).hex()
    assert (p256_key.token, p256_key.label) == (TOKEN, "alice-p256")


@pytest.mark.parametrize("label", ["alice-p256", "bob-ed25519"])
def test_private_keys_are_sensitive_and_never_extractable(
    softhsm: SoftHsm, p256_key: Pkcs11Key, ed25519_key: Pkcs11Key, label: str
) -> None:
    values = _token_object(softhsm, label, ObjectClass.PRIVATE_KEY)
    assert values[Attribute.SENSITIVE] is True and values[Attribute.ALWAYS_SENSITIVE] is True
    assert values[Attribute.EXTRACTABLE] is False and values[Attribute.NEVER_EXTRACTABLE] is True
    assert values[Attribute.LOCAL] is True  # generated on the token, not imported
    assert values[Attribute.TOKEN] is True and values[Attribute.PRIVATE] is True
    assert values[Attribute.VALUE] == "sensitive"
    assert values[Attribute.SIGN] is True and values[Attribute.DERIVE] is False


def test_private_bytes_is_refused(p256_key: Pkcs11Key) -> None:
    with pytest.raises(HsmError) as refused:
        p256_key.private_bytes()
    assert str(refused.value) == (
        "key 'alice-p256' is held by token 'sen-test': its private key never leaves the "
        "token, so it cannot be exported or stored in a keyring"
    )
    assert isinstance(refused.value, KeyFileError)


def test_p256_transaction_signed_on_the_token_verifies(p256_key: Pkcs11Key) -> None:
    tx = sign_tx(
        p256_key,
        chain_id="sen-test",
        nonce=0,
        module="evidence",
        action="anchor",
        args={"digest": bytes(32), "title": "Bằng tốt nghiệp"},
    )
    assert tx.sign_bytes.startswith(SIGN_DOMAIN)
    assert tx.sender == address_of("ecdsa-p256", p256_key.public_key)
    _verify_p256(tx.public_key, tx.sign_bytes, tx.signature)
    assert int.from_bytes(tx.signature[32:], "big") <= P256_HALF_ORDER
    # the ledger's own check (sen.ledger.crypto's ecdsa-p256 suite)
    assert get_suite("ecdsa-p256").verify(tx.public_key, tx.sign_bytes, tx.signature)
    assert not get_suite("ecdsa-p256").verify(tx.public_key, tx.sign_bytes + b"!", tx.signature)


def test_p256_signatures_are_always_low_s(p256_key: Pkcs11Key) -> None:
    # half of raw ECDSA signatures have a high s: 64 without one would be a 2^-64 fluke
    for i in range(64):
        message = f"message {i}".encode()
        signature = p256_key.sign(message)
        assert int.from_bytes(signature[32:], "big") <= P256_HALF_ORDER
        _verify_p256(p256_key.public_key, message, signature)


def test_ed25519_key_made_on_the_token_signs_what_the_ledger_verifies(
    ed25519_key: Pkcs11Key,
) -> None:
    assert ed25519_key.suite == "ed25519" and len(ed25519_key.public_key) == 32
    tx = sign_tx(
        ed25519_key,
        chain_id="sen-test",
        nonce=3,
        module="evidence",
        action="anchor",
        args={"digest": bytes(range(32))},
    )
    assert len(tx.signature) == 64
    nacl.signing.VerifyKey(ed25519_key.public_key).verify(tx.sign_bytes, tx.signature)
    assert get_suite("ed25519").verify(tx.public_key, tx.sign_bytes, tx.signature)
    assert tx.sender == address_of("ed25519", ed25519_key.public_key)


def test_secp256k1_key_made_on_the_token_signs_what_the_ledger_verifies(
    softhsm: SoftHsm,
) -> None:
    key = generate_pkcs11_key(softhsm.uri("frank-k1"), "ecdsa-secp256k1")
    assert key.suite == "ecdsa-secp256k1" and len(key.public_key) == 33
    tx = sign_tx(key, chain_id="sen-test", nonce=0, module="evidence", action="anchor", args={})
    assert get_suite("ecdsa-secp256k1").verify(tx.public_key, tx.sign_bytes, tx.signature)


def test_a_key_opens_again_by_label_or_by_id(softhsm: SoftHsm, p256_key: Pkcs11Key) -> None:
    by_label = load_pkcs11_key(softhsm.uri("alice-p256"))
    assert (by_label.suite, by_label.public_key) == ("ecdsa-p256", p256_key.public_key)
    made = generate_pkcs11_key(softhsm.uri("carol", key_id=b"\xca\x01"), "ecdsa-p256")
    by_id = load_pkcs11_key(softhsm.uri(None, key_id=b"\xca\x01"))
    assert by_id.public_key == made.public_key and by_id.label == "carol"


def test_signing_from_many_threads(p256_key: Pkcs11Key, ed25519_key: Pkcs11Key) -> None:
    def sign(i: int) -> None:
        message = f"thread message {i}".encode()
        _verify_p256(p256_key.public_key, message, p256_key.sign(message))
        nacl.signing.VerifyKey(ed25519_key.public_key).verify(message, ed25519_key.sign(message))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(sign, range(200)))


def test_wrong_pin_is_named(softhsm: SoftHsm) -> None:
    with pytest.raises(WrongPin) as refused:
        load_pkcs11_key(softhsm.uri("any", token=PIN_TOKEN, pin="0000"))
    assert str(refused.value) == f"wrong PIN for token {PIN_TOKEN!r}"
    assert "0000" not in repr(refused.value)


def test_another_pin_while_logged_in_is_refused(softhsm: SoftHsm, p256_key: Pkcs11Key) -> None:
    with pytest.raises(WrongPin) as refused:
        load_pkcs11_key(softhsm.uri("alice-p256", pin="9999"))
    assert str(refused.value) == (
        "wrong PIN for token 'sen-test': this process is logged in to it with another PIN"
    )


def test_a_missing_pin_says_where_to_give_it(softhsm: SoftHsm) -> None:
    with pytest.raises(WrongPin) as refused:
        load_pkcs11_key(softhsm.uri("alice-p256", pin=None))
    assert str(refused.value) == (
        "token 'sen-test' needs a PIN: add pin-source=FILE (or pin-value=...) to the URI, "
        "or set SEN_PKCS11_PIN"
    )


def test_a_pin_from_the_environment_is_used(
    softhsm: SoftHsm, p256_key: Pkcs11Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEN_PKCS11_PIN", USER_PIN)
    assert load_pkcs11_key(softhsm.uri("alice-p256", pin=None)).public_key == p256_key.public_key


def test_a_missing_object_is_named(softhsm: SoftHsm, p256_key: Pkcs11Key) -> None:
    with pytest.raises(ObjectNotFound) as refused:
        load_pkcs11_key(softhsm.uri("nobody"))
    assert str(refused.value) == "no private key 'nobody' on token 'sen-test'"


def test_a_missing_token_is_named(softhsm: SoftHsm) -> None:
    with pytest.raises(TokenNotFound) as refused:
        load_pkcs11_key(softhsm.uri("alice-p256", token="no-such-token"))
    assert str(refused.value) == f"no token 'no-such-token' in PKCS#11 module {softhsm.module}"


def test_a_uri_matching_several_tokens_is_refused(softhsm: SoftHsm) -> None:
    uri = f"pkcs11:object=alice-p256?module-path={softhsm.module}&pin-value={USER_PIN}"
    with pytest.raises(TokenNotFound) as refused:
        load_pkcs11_key(uri)
    assert str(refused.value) == (
        f"3 tokens match in {softhsm.module} ('sen-pin-check', 'sen-restart', 'sen-test'); "
        "name one with token=LABEL or serial=..."
    )


def test_a_uri_without_a_key_name_is_refused(softhsm: SoftHsm) -> None:
    with pytest.raises(InvalidInput) as refused:
        load_pkcs11_key(softhsm.uri(None))
    assert str(refused.value) == "PKCS#11 URI: name the key with object=LABEL (or id=...)"


def test_a_bad_uri_is_refused_before_the_token_is_touched() -> None:
    with pytest.raises(InvalidInput) as refused:
        load_pkcs11_key("pkcs11:token=sen-test;object=alice;objekt=x")
    assert str(refused.value).startswith("PKCS#11 URI: unknown path attribute 'objekt'")


def test_a_label_in_use_is_not_generated_twice(softhsm: SoftHsm, p256_key: Pkcs11Key) -> None:
    with pytest.raises(HsmError) as refused:
        generate_pkcs11_key(softhsm.uri("alice-p256"), "ed25519")
    assert str(refused.value) == (
        "key 'alice-p256' on token 'sen-test' already exists; pick another object= label"
    )
    assert load_pkcs11_key(softhsm.uri("alice-p256")).public_key == p256_key.public_key


def test_only_hsm_suites_are_generated(softhsm: SoftHsm) -> None:
    with pytest.raises(InvalidInput) as refused:
        generate_pkcs11_key(softhsm.uri("erin"), "ml-dsa-65")
    assert str(refused.value) == (
        "suite 'ml-dsa-65' cannot be held in an HSM; "
        "use one of ecdsa-p256, ecdsa-secp256k1, ed25519"
    )


def test_a_key_on_another_curve_is_refused_by_name(softhsm: SoftHsm, p256_key: Pkcs11Key) -> None:
    token = pkcs11.lib(softhsm.module).get_token(token_label=TOKEN)
    with token.open(rw=True) as session:
        params = session.create_domain_parameters(
            KeyType.EC,
            {Attribute.EC_PARAMS: encode_named_curve_parameters("secp384r1")},
            local=True,
        )
        params.generate_keypair(store=True, label="p384")
    with pytest.raises(UnsupportedMechanism) as refused:
        load_pkcs11_key(softhsm.uri("p384"))
    assert str(refused.value) == (
        "key 'p384' on token 'sen-test' has key type EC with parameters 06052b81040022; "
        "Sen signs with P-256 (ecdsa-p256), secp256k1 (ecdsa-secp256k1) or Ed25519 (ed25519) "
        "keys only"
    )


def test_a_lost_session_is_opened_again_on_the_next_signature(softhsm: SoftHsm) -> None:
    key = generate_pkcs11_key(softhsm.uri("grace", token=RESTART_TOKEN), "ecdsa-p256")
    other = load_pkcs11_key(softhsm.uri("grace", token=RESTART_TOKEN))
    logins = sen_pkcs11._modules[softhsm.module].logins
    [(slot, (session, _))] = [
        (slot, entry) for slot, entry in logins.items() if entry[0].token.label == RESTART_TOKEN
    ]
    session.close()  # as when an HSM restarts: the session handle is gone, the login too
    for signer in (key, other):
        message = f"after the restart: {signer!r}".encode()
        _verify_p256(signer.public_key, message, signer.sign(message))
    assert logins[slot][0] is not session  # logged in again, once, for both keys
