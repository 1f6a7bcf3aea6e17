"""Every suite through the transaction envelope: allowed list, key checks, sizes, signatures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey, address_of, get_suite, known_suites
from sen.ledger.errors import TxRejected
from sen.ledger.rules import check_envelope, execute_block, precheck, verify_signature
from sen.ledger.state import EmptyState
from sen.ledger.tx import SIGN_DOMAIN, TX_VERSION, decode_tx, sign_tx
from sen.ledger.types import DEFAULT_MAX_TX_BYTES, BlockInfo, ChainParams

CHAIN = "sen-suites"
SUITES = ("ed25519", "ecdsa-p256", "ecdsa-secp256k1", "ml-dsa-65")
ALL_ALLOWED = ChainParams(chain_id=CHAIN, allowed_suites=SUITES)
BLOCK = BlockInfo(height=3, time_seconds=1_700_000_000, time_nanos=0, proposer=bytes(20))
DIGEST = b"\x5a" * 32
KEYS: dict[str, SigningKey] = {name: get_suite(name).load_private(b"\x11" * 32) for name in SUITES}
# A malformed public key per suite and the reason check_envelope gives for it.
BAD_KEYS = {
    "ed25519": (b"\x01" * 33, "ed25519 public key must be 32 bytes, got 33"),
    "ecdsa-p256": (
        b"\x04" + b"\x01" * 32,
        "ecdsa-p256 public key must start with 0x02 or 0x03 (compressed SEC1), got 0x04",
    ),
    "ecdsa-secp256k1": (
        b"\x00",
        "ecdsa-secp256k1 public key is the point at infinity",
    ),
    "ml-dsa-65": (b"\x01" * 1312, "ml-dsa-65 public key must be 1952 bytes, got 1312"),
}


def anchor(key: SigningKey, nonce: int = 0, chain_id: str = CHAIN) -> bytes:
    return sign_tx(
        key,
        chain_id=chain_id,
        nonce=nonce,
        module="evidence",
        action="anchor",
        args={"digest": DIGEST, "title": "Giấy khai sinh", "organisation": "UBND phường"},
    ).raw


def hand_made(suite: str, public_key: bytes, key: SigningKey) -> bytes:
    body = [TX_VERSION, CHAIN, suite, public_key, 0, "evidence", "anchor", {"digest": DIGEST}]
    return encoding.encode([body, key.sign(SIGN_DOMAIN + encoding.encode(body))])


def test_the_contract_names() -> None:
    assert set(SUITES) <= set(known_suites())


@pytest.mark.parametrize("suite", SUITES)
def test_a_signed_tx_of_each_suite_is_accepted_and_applied(suite: str) -> None:
    key = KEYS[suite]
    raw = anchor(key)
    checked = check_envelope(raw, ALL_ALLOWED)
    assert checked.tx.suite == suite
    assert checked.tx.public_key == key.public_key
    assert checked.tx.sender == address_of(suite, key.public_key)
    assert verify_signature(checked.tx)
    _, results = execute_block(EmptyState(), [checked], [True], BLOCK, ALL_ALLOWED)
    assert results[0].code == ResultCode.OK


@pytest.mark.parametrize("suite", SUITES)
def test_a_known_suite_not_in_allowed_suites_is_refused(suite: str) -> None:
    allowed = tuple(s for s in SUITES if s != suite)
    params = ChainParams(chain_id=CHAIN, allowed_suites=allowed)
    with pytest.raises(TxRejected) as caught:
        check_envelope(anchor(KEYS[suite]), params)
    assert caught.value.code == ResultCode.SUITE_NOT_ALLOWED
    assert caught.value.field == "suite"
    assert caught.value.expected == f"one of {', '.join(allowed)}"
    assert caught.value.got == suite


@pytest.mark.parametrize("suite", [s for s in SUITES if s != "ed25519"])
def test_the_default_chain_allows_only_ed25519(suite: str) -> None:
    rejected = precheck(anchor(KEYS[suite]), ChainParams(chain_id=CHAIN))
    assert isinstance(rejected, TxRejected)
    assert rejected.code == ResultCode.SUITE_NOT_ALLOWED
    assert (rejected.expected, rejected.got) == ("one of ed25519", suite)


@pytest.mark.parametrize("suite", SUITES)
def test_a_malformed_key_is_refused_with_the_suites_reason(suite: str) -> None:
    public_key, reason = BAD_KEYS[suite]
    with pytest.raises(TxRejected) as caught:
        check_envelope(hand_made(suite, public_key, KEYS[suite]), ALL_ALLOWED)
    assert caught.value.code == ResultCode.BAD_PUBLIC_KEY
    assert caught.value.field == "public_key"
    assert caught.value.reason == reason


@pytest.mark.parametrize("suite", SUITES)
def test_a_tampered_signature_gives_bad_signature(suite: str) -> None:
    raw = bytearray(anchor(KEYS[suite]))
    raw[-5] ^= 0x01  # inside the signature, the last item of the wire form
    checked = check_envelope(bytes(raw), ALL_ALLOWED)
    assert not verify_signature(checked.tx)
    _, results = execute_block(EmptyState(), [checked], [False], BLOCK, ALL_ALLOWED)
    assert results[0].code == ResultCode.BAD_SIGNATURE


@pytest.mark.parametrize("suite", SUITES)
def test_a_signature_for_another_chain_does_not_carry_over(suite: str) -> None:
    other = decode_tx(anchor(KEYS[suite], chain_id="sen-other"))
    raw = anchor(KEYS[suite])
    body = encoding.decode(raw)[0]
    forged = encoding.encode([body, other.signature])
    assert not verify_signature(check_envelope(forged, ALL_ALLOWED).tx)


@pytest.mark.parametrize(
    ("claimed", "signer"),
    [
        ("ecdsa-secp256k1", "ecdsa-p256"),
        ("ecdsa-p256", "ecdsa-secp256k1"),
        ("ed25519", "ecdsa-p256"),
        ("ecdsa-p256", "ml-dsa-65"),
    ],
)
def test_a_tx_claiming_one_suite_with_another_suites_key_is_never_ok(
    claimed: str, signer: str
) -> None:
    key = KEYS[signer]
    outcome = precheck(hand_made(claimed, key.public_key, key), ALL_ALLOWED)
    if isinstance(outcome, TxRejected):
        assert outcome.code in (ResultCode.BAD_PUBLIC_KEY, ResultCode.TX_TOO_LARGE)
    else:
        assert not verify_signature(outcome.tx)


def test_a_p256_key_read_as_secp256k1_on_the_curve_still_fails() -> None:
    """Find a P-256 key whose x is also a secp256k1 point; its signature must still fail."""
    p256, k1 = get_suite("ecdsa-p256"), get_suite("ecdsa-secp256k1")
    for scalar in range(1, 200):
        key = p256.load_private(scalar.to_bytes(32, "big"))
        if k1.check_public_key(key.public_key) is None:
            break
    else:
        raise AssertionError("no P-256 key with an x on secp256k1 among 200")
    checked = check_envelope(hand_made("ecdsa-secp256k1", key.public_key, key), ALL_ALLOWED)
    assert not verify_signature(checked.tx)


def test_one_key_gives_a_different_address_per_suite() -> None:
    addresses = {address_of(suite, b"\x02" * 33) for suite in SUITES}
    assert len(addresses) == len(SUITES)


@pytest.mark.parametrize(
    ("suite", "low", "high"),
    [
        ("ed25519", 150, 400),
        ("ecdsa-p256", 150, 400),
        ("ecdsa-secp256k1", 150, 400),
        ("ml-dsa-65", 5_300, 5_700),
    ],
)
def test_tx_sizes_fit_the_default_limit(suite: str, low: int, high: int) -> None:
    raw = anchor(KEYS[suite])
    assert low <= len(raw) <= high
    assert len(raw) < DEFAULT_MAX_TX_BYTES
    tx = decode_tx(raw, max_bytes=DEFAULT_MAX_TX_BYTES)
    suite_info = get_suite(suite)
    assert len(tx.public_key) == suite_info.public_key_size
    assert len(tx.signature) == suite_info.signature_size


def test_ml_dsa_tx_over_a_small_limit_is_too_large() -> None:
    params = ChainParams(chain_id=CHAIN, allowed_suites=SUITES, max_tx_bytes=4096)
    with pytest.raises(TxRejected) as caught:
        check_envelope(anchor(KEYS["ml-dsa-65"]), params)
    assert caught.value.code == ResultCode.TX_TOO_LARGE


@settings(max_examples=25, deadline=None)
@given(
    suite=st.sampled_from(SUITES),
    title=st.text(max_size=200),
    nonce=st.integers(min_value=0, max_value=2**63),
)
def test_property_sign_decode_verify(suite: str, title: str, nonce: int) -> None:
    tx = sign_tx(
        KEYS[suite],
        chain_id=CHAIN,
        nonce=nonce,
        module="evidence",
        action="anchor",
        args={"digest": DIGEST, "title": title},
    )
    decoded = decode_tx(tx.raw)
    assert decoded.sign_bytes == tx.sign_bytes
    assert decoded.hash == tx.hash
    assert verify_signature(decoded)
