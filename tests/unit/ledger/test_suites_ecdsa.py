"""ECDSA suites (P-256 and secp256k1): encodings, low-S, malformed keys, edge cases."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from sen.ledger.crypto import (
    P256,
    SECP256K1,
    Curve,
    EcdsaSuite,
    SigningKey,
    curve_of,
    get_suite,
    normalize_low_s,
)

CURVES = [pytest.param(P256, id="p256"), pytest.param(SECP256K1, id="secp256k1")]

# Known answers: RFC 6979 deterministic ECDSA with SHA-256.
#   P-256: RFC 6979 appendix A.2.5, key x = C9AF…6721, messages "sample" and "test".
#   secp256k1: the widely used vector of private key 1, message "Satoshi Nakamoto"
#   (bitcointalk topic 285142; trezor-crypto and bitcoinjs fixtures).
# The published s is given; Sen's signature carries min(s, n - s).
KNOWN_ANSWERS = [
    pytest.param(
        P256,
        "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
        b"sample",
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
        "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
        id="p256-sample",
    ),
    pytest.param(
        P256,
        "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
        b"test",
        "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
        "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083",
        id="p256-test",
    ),
    pytest.param(
        SECP256K1,
        "0000000000000000000000000000000000000000000000000000000000000001",
        b"Satoshi Nakamoto",
        "934B1EA10A4B3C1757E2B0C017D0B6143CE3C9A7E6A4A49860D7A6AB210EE3D8",
        "DBBD3162D46E9F9BEF7FEB87C16DC13B4F6568A87F4E83F728E2443BA586675C",
        id="secp256k1-satoshi",
    ),
]


def suite_for(curve: Curve) -> EcdsaSuite:
    found = get_suite(curve.suite)
    assert isinstance(found, EcdsaSuite)
    return found


def key_for(curve: Curve, scalar: int = 7) -> SigningKey:
    return suite_for(curve).load_private(scalar.to_bytes(32, "big"))


def split(signature: bytes) -> tuple[int, int]:
    return int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")


def join(r: int, s: int) -> bytes:
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


@pytest.mark.parametrize(("curve", "private", "message", "r", "s"), KNOWN_ANSWERS)
def test_known_answers_with_low_s(
    curve: Curve, private: str, message: bytes, r: str, s: str
) -> None:
    suite = suite_for(curve)
    key = suite.load_private(bytes.fromhex(private))
    low_s = min(int(s, 16), curve.order - int(s, 16))
    expected = join(int(r, 16), low_s)
    assert key.sign(message) == expected  # RFC 6979: deterministic
    assert suite.verify(key.public_key, message, expected)
    assert not suite.verify(key.public_key, message, join(int(r, 16), curve.order - low_s))


@pytest.mark.parametrize("curve", CURVES)
def test_sizes_and_key_round_trip(curve: Curve) -> None:
    suite = suite_for(curve)
    key = suite.generate()
    assert (suite.name, suite.public_key_size, suite.signature_size) == (curve.suite, 33, 64)
    assert key.suite == curve.suite
    assert len(key.public_key) == 33 and key.public_key[0] in (2, 3)
    assert len(key.private_bytes()) == 32
    again = suite.load_private(key.private_bytes())
    assert again.public_key == key.public_key
    assert suite.check_public_key(key.public_key) is None


@pytest.mark.parametrize("curve", CURVES)
def test_signature_is_r_s_of_ecdsa_sha256_and_always_low_s(curve: Curve) -> None:
    suite = suite_for(curve)
    key = suite.generate()
    public = ec.EllipticCurvePublicKey.from_encoded_point(curve.curve, key.public_key)
    for i in range(40):
        message = f"message {i}".encode()
        signature = key.sign(message)
        r, s = split(signature)
        assert len(signature) == 64 and s <= curve.order // 2
        # plain ECDSA-SHA256 of the message bytes: any library checks it
        public.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))


@pytest.mark.parametrize("curve", CURVES)
def test_high_s_twin_fails(curve: Curve) -> None:
    suite = suite_for(curve)
    key = key_for(curve)
    signature = key.sign(b"pay 1 dong")
    r, s = split(signature)
    assert suite.verify(key.public_key, b"pay 1 dong", signature)
    assert not suite.verify(key.public_key, b"pay 1 dong", join(r, curve.order - s))


@pytest.mark.parametrize("curve", CURVES)
def test_tampered_message_or_signature_fails(curve: Curve) -> None:
    suite = suite_for(curve)
    key = key_for(curve)
    signature = key.sign(b"message")
    other = key_for(curve, 8)
    assert not suite.verify(key.public_key, b"messagE", signature)
    assert not suite.verify(other.public_key, b"message", signature)
    for index in (0, 31, 32, 63):
        flipped = bytearray(signature)
        flipped[index] ^= 1
        assert not suite.verify(key.public_key, b"message", bytes(flipped))


@pytest.mark.parametrize("curve", CURVES)
def test_edge_values_of_r_and_s_fail(curve: Curve) -> None:
    suite = suite_for(curve)
    key = key_for(curve)
    signature = key.sign(b"m")
    r, s = split(signature)
    n = curve.order
    for bad_r, bad_s in [
        (0, s),
        (r, 0),
        (0, 0),
        (n, s),
        (r + n, s) if r + n < 2**256 else (2**256 - 1, s),
        (r, s + n) if s + n < 2**256 else (r, 2**256 - 1),
        (2**256 - 1, 2**256 - 1),
        (r, n // 2 + 1),
        (r, n - 1),
        (r, n),
        (1, 1),
    ]:
        assert not suite.verify(key.public_key, b"m", join(bad_r, bad_s)), (bad_r, bad_s)


@pytest.mark.parametrize("curve", CURVES)
def test_s_exactly_half_the_order_is_low(curve: Curve) -> None:
    n = curve.order
    assert normalize_low_s(join(5, n // 2), curve.suite) == join(5, n // 2)
    assert normalize_low_s(join(5, n // 2 + 1), curve.suite) == join(5, n - (n // 2 + 1))


@pytest.mark.parametrize("curve", CURVES)
@pytest.mark.parametrize(("signature_size", "key_size"), [(63, 33), (65, 33), (0, 33), (64, 32)])
def test_wrong_sizes_say_no_rather_than_raising(
    curve: Curve, signature_size: int, key_size: int
) -> None:
    suite = suite_for(curve)
    assert not suite.verify(b"\x02" * key_size, b"m", b"\x01" * signature_size)


@pytest.mark.parametrize("curve", CURVES)
def test_uncompressed_key_is_refused_even_with_a_good_signature(curve: Curve) -> None:
    suite = suite_for(curve)
    key = key_for(curve)
    public = ec.EllipticCurvePublicKey.from_encoded_point(curve.curve, key.public_key)
    uncompressed = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert not suite.verify(uncompressed, b"m", key.sign(b"m"))
    reason = suite.check_public_key(uncompressed)
    assert reason == (
        f"{curve.suite} public key must be 33 bytes (a compressed SEC1 point), got 65"
    )


def _not_on_curve(curve: Curve) -> bytes:
    """A compressed encoding whose x gives no point (x³ + ax + b is not a square)."""
    for x in range(1, 1000):
        candidate = b"\x02" + x.to_bytes(32, "big")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(curve.curve, candidate)
        except ValueError:
            return candidate
    raise AssertionError("every small x was on the curve")


@pytest.mark.parametrize("curve", CURVES)
def test_malformed_public_keys_are_explained(curve: Curve) -> None:
    suite = suite_for(curve)
    good = key_for(curve).public_key
    name = curve.suite
    cases = {
        b"": f"{name} public key must be 33 bytes (a compressed SEC1 point), got 0",
        b"\x00": f"{name} public key is the point at infinity",
        bytes(33): f"{name} public key must start with 0x02 or 0x03 (compressed SEC1), got 0x00",
        b"\x04" + good[1:]: (
            f"{name} public key must start with 0x02 or 0x03 (compressed SEC1), got 0x04"
        ),
        b"\x02" + curve.field_prime.to_bytes(32, "big"): (
            f"{name} public key x-coordinate is not below the field prime"
        ),
        b"\x03" + b"\xff" * 32: f"{name} public key x-coordinate is not below the field prime",
        _not_on_curve(curve): f"{name} public key is not a point on {curve.label}",
        good + b"\x00": f"{name} public key must be 33 bytes (a compressed SEC1 point), got 34",
    }
    for public_key, reason in cases.items():
        assert suite.check_public_key(public_key) == reason
        assert not suite.verify(public_key, b"m", key_for(curve).sign(b"m"))


def test_a_p256_signature_does_not_verify_under_a_secp256k1_key() -> None:
    p256, k1 = suite_for(P256), suite_for(SECP256K1)
    scalar = (12345).to_bytes(32, "big")
    p_key, k_key = p256.load_private(scalar), k1.load_private(scalar)
    p_signature, k_signature = p_key.sign(b"m"), k_key.sign(b"m")
    assert not k1.verify(k_key.public_key, b"m", p_signature)
    assert not p256.verify(p_key.public_key, b"m", k_signature)
    assert not k1.verify(p_key.public_key, b"m", p_signature)  # the P-256 key read as k1
    assert not p256.verify(k_key.public_key, b"m", k_signature)


@pytest.mark.parametrize("curve", CURVES)
@pytest.mark.parametrize("scalar", [0, None])
def test_private_scalar_out_of_range_is_refused(curve: Curve, scalar: int | None) -> None:
    value = curve.order if scalar is None else scalar
    with pytest.raises(ValueError, match=r"in \[1, n-1\]"):
        suite_for(curve).load_private(value.to_bytes(32, "big"))


@pytest.mark.parametrize("curve", CURVES)
@pytest.mark.parametrize("size", [0, 31, 33])
def test_private_key_of_wrong_size_is_refused(curve: Curve, size: int) -> None:
    with pytest.raises(ValueError, match="must be 32 bytes"):
        suite_for(curve).load_private(b"\x01" * size)


@pytest.mark.parametrize("curve", CURVES)
def test_normalize_low_s_for_external_signers(curve: Curve) -> None:
    """What the HSM signer does with the raw r ‖ s a PKCS#11 token returns."""
    suite = suite_for(curve)
    private = ec.derive_private_key(99, curve.curve)
    key = suite.load_private((99).to_bytes(32, "big"))
    for i in range(30):
        message = f"token {i}".encode()
        r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
        raw = join(r, s)
        fixed = normalize_low_s(raw, curve.suite)
        assert normalize_low_s(raw, curve.curve) == fixed == normalize_low_s(fixed, curve.suite)
        assert split(fixed)[1] <= curve.order // 2
        assert suite.verify(key.public_key, message, fixed)


@pytest.mark.parametrize(
    ("r_s", "curve", "message"),
    [
        (b"\x01" * 63, "ecdsa-p256", "64 bytes"),
        (bytes(64), "ecdsa-p256", r"\[1, n-1\]"),
        (join(1, P256.order), "secp256r1", r"\[1, n-1\]"),
        (join(1, 1), "ed25519", "unsupported ECDSA curve"),
    ],
)
def test_normalize_low_s_refuses_what_is_not_a_signature(
    r_s: bytes, curve: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_low_s(r_s, curve)


def test_curves_are_found_by_every_name() -> None:
    assert curve_of("ecdsa-p256") is curve_of("secp256r1") is curve_of(ec.SECP256R1()) is P256
    assert curve_of("ecdsa-secp256k1") is curve_of(ec.SECP256K1()) is SECP256K1


@pytest.mark.parametrize("curve", CURVES)
def test_curve_constants_match_the_library(curve: Curve) -> None:
    """The order n is the one OpenSSL uses: n·G wraps (d = n is refused, d = n-1 works)."""
    with pytest.raises(ValueError):
        ec.derive_private_key(curve.order, curve.curve)
    ec.derive_private_key(curve.order - 1, curve.curve)
    generator = ec.derive_private_key(1, curve.curve).public_key().public_numbers()
    assert generator.x < curve.field_prime and generator.y < curve.field_prime
    assert (generator.y**2 - generator.x**3) % curve.field_prime in {
        7,  # secp256k1: y² = x³ + 7
        (-3 * generator.x + 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B)
        % curve.field_prime,  # P-256: y² = x³ - 3x + b
    }


@settings(max_examples=40, deadline=None)
@given(message=st.binary(max_size=2048), which=st.sampled_from([P256, SECP256K1]))
def test_property_sign_then_verify(message: bytes, which: Curve) -> None:
    suite = suite_for(which)
    key = key_for(which, 1 + int.from_bytes(hashlib.sha256(message).digest()[:8], "big"))
    signature = key.sign(message)
    assert suite.verify(key.public_key, message, signature)
    assert not suite.verify(key.public_key, message + b"\x00", signature)
