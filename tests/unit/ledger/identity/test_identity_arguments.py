"""Every malformed identity argument is refused before it runs, naming the field at fault."""

from __future__ import annotations

from typing import Any

import pytest

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import P256, EcdsaSuite, Ed25519Suite
from sen.ledger.errors import TxRejected
from sen.ledger.modules import find_action
from sen.ledger.modules.identity.multikey import base58btc_encode, encode_multikey
from sen.ledger.types import ChainParams

PARAMS = ChainParams(chain_id="sen-test")
ED = Ed25519Suite().load_private(bytes([1]) * 32).public_key
P = EcdsaSuite(P256).load_private(bytes([2]) * 32).public_key
ED_TEXT = encode_multikey("ed25519", ED)
P_TEXT = encode_multikey("ecdsa-p256", P)
ADDRESS = bytes(range(20))


def good(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "name": "moet",
        "verification_methods": [
            {"id": "key-1", "public_key_multibase": ED_TEXT},
            {"id": "key-2", "public_key_multibase": P_TEXT},
        ],
        "relationships": {"assertionMethod": ["key-1", "key-2"], "authentication": ["key-1"]},
        "services": [{"id": "web", "type": "LinkedDomains", "service_endpoint": "https://a.vn/"}],
        "also_known_as": ["https://moet.gov.vn"],
        "controller_dids": ["did:sen:gov"],
        "controllers": [ADDRESS],
    }
    args.update(changes)
    return {k: v for k, v in args.items() if v is not None}


def method(text: str, fragment: str = "key-1") -> list[dict[str, str]]:
    return [{"id": fragment, "public_key_multibase": text}]


SECP256K1 = "z" + base58btc_encode(bytes([0xE7, 0x01]) + bytes([2]) + bytes(32))
OFF_CURVE = "z" + base58btc_encode(bytes([0x80, 0x24, 0x02]) + bytes(31) + bytes([7]))  # x = 7
R = ResultCode

REJECTIONS: list[tuple[str, dict[str, Any], ResultCode, str]] = [
    ("name missing", good(name=None), R.INVALID_DID_NAME, "args.name"),
    ("name upper case", good(name="MOET"), R.INVALID_DID_NAME, "args.name"),
    ("name starts with '-'", good(name="-moet"), R.INVALID_DID_NAME, "args.name"),
    ("name ends with '.'", good(name="moet."), R.INVALID_DID_NAME, "args.name"),
    ("name of 65", good(name="a" * 65), R.INVALID_DID_NAME, "args.name"),
    ("name with ':'", good(name="sen:moet"), R.INVALID_DID_NAME, "args.name"),
    ("name as bytes", good(name=b"moet"), R.INVALID_DID_NAME, "args.name"),
    ("name with a newline", good(name="moet\n"), R.INVALID_DID_NAME, "args.name"),
    (
        "method id with a newline",
        good(verification_methods=method(ED_TEXT, "key-1\n")),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0].id",
    ),
    (
        "endpoint with a newline",
        good(services=[{"id": "web", "type": "X", "service_endpoint": "https://a.vn\n"}]),
        R.INVALID_SERVICE,
        "args.services[0].service_endpoint",
    ),
    ("unknown argument", good(owner="x"), R.INVALID_ARGUMENT, "args.owner"),
    (
        "no methods",
        good(verification_methods=None),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods",
    ),
    (
        "empty methods",
        good(verification_methods=[], relationships={}),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods",
    ),
    (
        "methods not a list",
        good(verification_methods={"id": "key-1"}),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods",
    ),
    (
        "17 methods",
        good(
            verification_methods=[
                {"id": f"k{i}", "public_key_multibase": ED_TEXT} for i in range(17)
            ]
        ),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods",
    ),
    (
        "method not an object",
        good(verification_methods=[ED_TEXT]),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0]",
    ),
    (
        "method with a type",
        good(verification_methods=[{"id": "key-1", "public_key_multibase": ED_TEXT, "type": "X"}]),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0].type",
    ),
    (
        "method id with '#'",
        good(verification_methods=method(ED_TEXT, "#key-1")),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0].id",
    ),
    (
        "method without a key",
        good(verification_methods=[{"id": "key-1"}]),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0].public_key_multibase",
    ),
    (
        "key as bytes",
        good(verification_methods=[{"id": "key-1", "public_key_multibase": ED}]),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0].public_key_multibase",
    ),
    (
        "base64 multibase",
        good(verification_methods=method("m" + ED_TEXT[1:])),
        R.UNSUPPORTED_KEY_TYPE,
        "args.verification_methods[0].public_key_multibase",
    ),
    (
        "secp256k1 multikey",
        good(verification_methods=method(SECP256K1)),
        R.UNSUPPORTED_KEY_TYPE,
        "args.verification_methods[0].public_key_multibase",
    ),
    (
        "Ed25519 key of 31 bytes",
        good(verification_methods=method("z" + base58btc_encode(bytes([0xED, 1]) + ED[:31]))),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0].public_key_multibase",
    ),
    (
        "not base58",
        good(verification_methods=method("z0OIl")),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0].public_key_multibase",
    ),
    (
        "P-256 point off the curve",
        good(verification_methods=method(OFF_CURVE)),
        R.INVALID_VERIFICATION_METHOD,
        "args.verification_methods[0].public_key_multibase",
    ),
    (
        "two methods with one id",
        good(
            verification_methods=[
                {"id": "key-1", "public_key_multibase": ED_TEXT},
                {"id": "key-1", "public_key_multibase": P_TEXT},
            ],
            relationships={"assertionMethod": ["key-1"]},
        ),
        R.DUPLICATE_FRAGMENT,
        "args.verification_methods[1].id",
    ),
    ("no relationships", good(relationships=None), R.INVALID_RELATIONSHIP, "args.relationships"),
    (
        "relationships as a list",
        good(relationships=["key-1"]),
        R.INVALID_RELATIONSHIP,
        "args.relationships",
    ),
    (
        "keyAgreement",
        good(relationships={"keyAgreement": ["key-1"]}),
        R.INVALID_RELATIONSHIP,
        "args.relationships.keyAgreement",
    ),
    (
        "a relationship to no method",
        good(relationships={"assertionMethod": ["key-1", "key-9"]}),
        R.INVALID_RELATIONSHIP,
        "args.relationships.assertionMethod[1]",
    ),
    (
        "an empty relationship",
        good(relationships={"assertionMethod": []}),
        R.INVALID_RELATIONSHIP,
        "args.relationships.assertionMethod",
    ),
    (
        "a method listed twice",
        good(relationships={"authentication": ["key-1", "key-1"]}),
        R.INVALID_RELATIONSHIP,
        "args.relationships.authentication",
    ),
    ("services as a map", good(services={"id": "web"}), R.INVALID_SERVICE, "args.services"),
    (
        "service id with a space",
        good(
            services=[{"id": "my web", "type": "LinkedDomains", "service_endpoint": "https://a.vn"}]
        ),
        R.INVALID_SERVICE,
        "args.services[0].id",
    ),
    (
        "service without a type",
        good(services=[{"id": "web", "service_endpoint": "https://a.vn"}]),
        R.INVALID_SERVICE,
        "args.services[0].type",
    ),
    (
        "ftp endpoint",
        good(services=[{"id": "web", "type": "LinkedDomains", "service_endpoint": "ftp://a.vn"}]),
        R.INVALID_SERVICE,
        "args.services[0].service_endpoint",
    ),
    (
        "endpoint with a space",
        good(services=[{"id": "web", "type": "X", "service_endpoint": "https://a.vn/a b"}]),
        R.INVALID_SERVICE,
        "args.services[0].service_endpoint",
    ),
    (
        "service with a description",
        good(services=[{"id": "web", "type": "X", "service_endpoint": "https://a", "note": ""}]),
        R.INVALID_SERVICE,
        "args.services[0].note",
    ),
    (
        "a service with a method's id",
        good(services=[{"id": "key-2", "type": "X", "service_endpoint": "https://a.vn"}]),
        R.DUPLICATE_FRAGMENT,
        "args.services[0].id",
    ),
    ("no controllers", good(controllers=[]), R.INVALID_CONTROLLER, "args.controllers"),
    (
        "a 19-byte controller",
        good(controllers=[ADDRESS[:19]]),
        R.INVALID_CONTROLLER,
        "args.controllers[0]",
    ),
    (
        "a controller as hex",
        good(controllers=[ADDRESS.hex()]),
        R.INVALID_CONTROLLER,
        "args.controllers[0]",
    ),
    (
        "a controller twice",
        good(controllers=[ADDRESS, ADDRESS]),
        R.INVALID_CONTROLLER,
        "args.controllers",
    ),
    (
        "a controller DID without method",
        good(controller_dids=["moet"]),
        R.INVALID_CONTROLLER,
        "args.controller_dids[0]",
    ),
    (
        "alsoKnownAs not a URI",
        good(also_known_as=["Bộ Giáo dục"]),
        R.INVALID_ALSO_KNOWN_AS,
        "args.also_known_as[0]",
    ),
    (
        "alsoKnownAs repeated",
        good(also_known_as=["https://a.vn", "https://a.vn"]),
        R.INVALID_ALSO_KNOWN_AS,
        "args.also_known_as",
    ),
]


@pytest.mark.parametrize(("action_name"), ["create", "update"])
@pytest.mark.parametrize(
    ("label", "args", "code", "field"), REJECTIONS, ids=[r[0] for r in REJECTIONS]
)
def test_a_bad_document_is_refused_naming_the_field(
    action_name: str, label: str, args: dict[str, Any], code: ResultCode, field: str
) -> None:
    action = find_action("identity", action_name)
    assert action is not None
    with pytest.raises(TxRejected) as refused:
        action.parse(args, PARAMS)
    assert (refused.value.code, refused.value.field) == (code, field), label
    assert refused.value.expected is not None and refused.value.got is not None


@pytest.mark.parametrize("action_name", ["create", "update"])
def test_a_good_document_parses(action_name: str) -> None:
    action = find_action("identity", action_name)
    assert action is not None
    parsed = action.parse(good(), PARAMS)
    content = parsed.content  # type: ignore[attr-defined]
    assert [(m.id, m.suite, m.public_key) for m in content.methods] == [
        ("key-1", "ed25519", ED),
        ("key-2", "ecdsa-p256", P),
    ]
    assert content.relationships == (
        ("authentication", ("key-1",)),
        ("assertionMethod", ("key-1", "key-2")),
    )


def test_deactivate_takes_only_a_name() -> None:
    action = find_action("identity", "deactivate")
    assert action is not None
    for args, code, field in (
        ({}, ResultCode.INVALID_DID_NAME, "args.name"),
        ({"name": "moet", "reason": "x"}, ResultCode.INVALID_ARGUMENT, "args.reason"),
    ):
        with pytest.raises(TxRejected) as refused:
            action.parse(args, PARAMS)
        assert (refused.value.code, refused.value.field) == (code, field)


def test_permissions() -> None:
    expected = {"create": "issuer", "update": None, "deactivate": None}
    for name, role in expected.items():
        action = find_action("identity", name)
        assert action is not None and action.permission == role
