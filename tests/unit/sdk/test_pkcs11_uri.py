"""RFC 7512 ``pkcs11:`` URIs: what parses, what is refused (by name), and where PINs come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.sdk.errors import InvalidInput, KeyFileError
from sen.sdk.pkcs11 import (
    MODULE_ENV,
    PIN_ENV,
    HsmError,
    ModuleNotFound,
    Pkcs11Uri,
    is_pkcs11_uri,
    load_pkcs11_key,
    parse_uri,
    redact_uri,
    resolve_module,
    resolve_pin,
)

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODULE_ENV, raising=False)
    monkeypatch.delenv(PIN_ENV, raising=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"pkcs11:token=sen-test;object=alice;type=private?module-path={SOFTHSM}&pin-value=1234",
            Pkcs11Uri(
                token="sen-test",
                object="alice",
                type="private",
                module_path=SOFTHSM,
                pin_value="1234",
            ),
        ),
        ("pkcs11:object=alice", Pkcs11Uri(object="alice")),
        ("PKCS11:object=alice", Pkcs11Uri(object="alice")),
        ("pkcs11:id=%01%a2%FF", Pkcs11Uri(id=b"\x01\xa2\xff")),
        ("pkcs11:token=S%C3%A9n%20HSM;object=kh%C3%B3a", Pkcs11Uri(token="Sén HSM", object="khóa")),
        (
            "pkcs11:manufacturer=SoftHSM%20project;model=SoftHSM%20v2;serial=4812d37d;slot-id=7",
            Pkcs11Uri(
                manufacturer="SoftHSM project", model="SoftHSM v2", serial="4812d37d", slot_id=7
            ),
        ),
        (
            "pkcs11:object=a?pin-source=file:/run/pin",
            Pkcs11Uri(object="a", pin_source="file:/run/pin"),
        ),
        ("pkcs11:object=a%3Bb%26c%3Dd", Pkcs11Uri(object="a;b&c=d")),
        ("pkcs11:token=", Pkcs11Uri(token="")),
        ("pkcs11:", Pkcs11Uri()),
    ],
)
def test_uris_parse(text: str, expected: Pkcs11Uri) -> None:
    assert parse_uri(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("token=x;object=y", "not a PKCS#11 URI (expected it to start with 'pkcs11:')"),
        ("alice", "not a PKCS#11 URI (expected it to start with 'pkcs11:')"),
        ("pkcs11:object=a#frag", "PKCS#11 URI: a fragment ('#...') is not allowed"),
        ("pkcs11:object=my key", "PKCS#11 URI: white space must be percent-encoded (%20)"),
        ("pkcs11:object=a;object=b", "PKCS#11 URI: object appears more than once"),
        (
            "pkcs11:object=a?pin-value=1&pin-value=2",
            "PKCS#11 URI: pin-value appears more than once",
        ),
        ("pkcs11:object", "PKCS#11 URI: 'object' has no value (expected object=...)"),
        ("pkcs11:object=a;;token=b", "PKCS#11 URI: an empty attribute in the path (';;')"),
        ("pkcs11:object=%zz", "PKCS#11 URI: object has a broken percent escape"),
        ("pkcs11:object=%4", "PKCS#11 URI: object has a broken percent escape"),
        ("pkcs11:object=%ff", "PKCS#11 URI: object is not UTF-8 text"),
        (
            "pkcs11:colour=red",
            "PKCS#11 URI: unknown path attribute 'colour' (known: token, manufacturer, model, "
            "serial, slot-id, object, id, type)",
        ),
        (
            "pkcs11:object=a?pin=1234",
            "PKCS#11 URI: unknown query attribute 'pin' "
            "(known: module-path, pin-value, pin-source)",
        ),
        ("pkcs11:pin-value=1234", "PKCS#11 URI: pin-value belongs in the query, not the path"),
        ("pkcs11:?object=a", "PKCS#11 URI: object belongs in the path, not the query"),
        (
            "pkcs11:object=a?module-name=softhsm2",
            "PKCS#11 URI: module-name is not supported by Sen; "
            "give the module's file with module-path=/path/to/module.so",
        ),
        (
            "pkcs11:object=a;type=public",
            "PKCS#11 URI: type='public' cannot sign; a signing key is type=private",
        ),
        (
            "pkcs11:object=a;type=cert",
            "PKCS#11 URI: type='cert' cannot sign; a signing key is type=private",
        ),
        ("pkcs11:slot-id=0x1", "PKCS#11 URI: slot-id must be a decimal number, got '0x1'"),
        (
            "pkcs11:object=a?pin-value=1&pin-source=/p",
            "PKCS#11 URI: give pin-value or pin-source, not both",
        ),
    ],
)
def test_bad_uris_are_refused_naming_the_part_at_fault(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_uri(text)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "pkcs11:token=t;object=a?module-path=/m.so&pin-value=s3cr3t-pin",
            "pkcs11:token=t;object=a?module-path=/m.so&pin-value=***",
        ),
        ("PKCS11:object=a?pin-value=s3cr3t-pin", "PKCS11:object=a?pin-value=***"),
        (
            "pkcs11:object=a?pin-source=file:/run/pin&module-path=/m.so",
            "pkcs11:object=a?pin-source=file:/run/pin&module-path=/m.so",
        ),
        ("pkcs11:object=a?pin%2Dvalue=s3cr3t-pin", "pkcs11:object=a?pin%2Dvalue=***"),
        ("pkcs11:object=a?pin-value:s3cr3t-pin", "pkcs11:object=a?***"),
        (
            "pkcs11:object=a?pin-value=s3cr3t&pin-value=s3cr3t",
            "pkcs11:object=a?pin-value=***&pin-value=***",
        ),
        ("pkcs11:token=t;object=a", "pkcs11:token=t;object=a"),
        ("vnu-issuer", "vnu-issuer"),
    ],
)
def test_redact_uri_hides_every_query_value_but_the_module_and_pin_file(
    text: str, shown: str
) -> None:
    assert redact_uri(text) == shown


def test_a_query_part_without_a_value_is_not_echoed() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_uri("pkcs11:object=a?pin-value:s3cr3t-pin")
    assert str(refused.value) == "PKCS#11 URI: a query attribute has no value (expected name=value)"


def test_the_pin_never_shows_in_repr_str_or_errors() -> None:
    uri = parse_uri("pkcs11:token=t;object=a?module-path=/nowhere.so&pin-value=s3cr3t-pin")
    assert "s3cr3t" not in repr(uri)
    assert str(uri) == "pkcs11:token=t;object=a?module-path=/nowhere.so"
    with pytest.raises(ModuleNotFound) as failed:
        load_pkcs11_key(uri)
    assert "s3cr3t" not in str(failed.value)


@pytest.mark.parametrize(
    "text",
    [
        "pkcs11:token=sen-test;object=alice;type=private?module-path=/usr/lib/x.so",
        "pkcs11:object=a%3Bb;id=%00%ff?pin-source=file:/run/pin",
        "pkcs11:token=S%C3%A9n%20HSM;slot-id=3",
    ],
)
def test_str_round_trips(text: str) -> None:
    uri = parse_uri(text)
    assert parse_uri(str(uri)) == uri


@pytest.mark.parametrize(
    ("text", "expected"),
    [("pkcs11:object=a", True), ("PKCS11:", True), ("alice", False), ("pkcs11", False)],
)
def test_is_pkcs11_uri(text: str, expected: bool) -> None:
    assert is_pkcs11_uri(text) is expected


def test_describe_key_names_object_id_and_token() -> None:
    assert parse_uri("pkcs11:token=t;object=a").describe_key() == "key 'a' on token 't'"
    assert parse_uri("pkcs11:id=%01").describe_key() == "key with id 01 on the token"
    assert (
        parse_uri("pkcs11:serial=42;object=a;id=%0a").describe_key()
        == "key 'a' with id 0a on the token with serial '42'"
    )


def test_module_comes_from_the_uri_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_uri, from_env = tmp_path / "uri.so", tmp_path / "env.so"
    from_uri.write_bytes(b"")
    from_env.write_bytes(b"")
    monkeypatch.setenv(MODULE_ENV, str(from_env))
    assert resolve_module(parse_uri(f"pkcs11:?module-path={from_uri}")) == str(from_uri)
    assert resolve_module(parse_uri("pkcs11:")) == str(from_env)


def test_a_missing_module_is_named_with_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModuleNotFound) as failed:
        resolve_module(parse_uri("pkcs11:object=a"))
    assert str(failed.value) == (
        "no PKCS#11 module given: add module-path=/path/to/module.so to the URI "
        "or set SEN_PKCS11_MODULE"
    )
    monkeypatch.setenv(MODULE_ENV, "/no/such/module.so")
    with pytest.raises(ModuleNotFound) as failed:
        resolve_module(parse_uri("pkcs11:object=a"))
    assert str(failed.value) == (
        "PKCS#11 module /no/such/module.so (from SEN_PKCS11_MODULE) does not exist"
    )


def test_a_file_that_is_not_a_module_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.so"
    fake.write_text("not a shared object")
    with pytest.raises(ModuleNotFound) as failed:
        load_pkcs11_key(f"pkcs11:object=a?module-path={fake}&pin-value=1")
    assert str(failed.value) == f"{fake} is not a usable PKCS#11 module: file too short"
    assert isinstance(failed.value, KeyFileError)


def test_pin_comes_from_value_then_file_then_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_file = tmp_path / "pin"
    pin_file.write_text("from-file\n")
    monkeypatch.setenv(PIN_ENV, "from-env")
    assert resolve_pin(parse_uri("pkcs11:?pin-value=from-uri")) == "from-uri"
    assert resolve_pin(parse_uri(f"pkcs11:?pin-source=file:{pin_file}")) == "from-file"
    assert resolve_pin(parse_uri(f"pkcs11:?pin-source=file://{pin_file}")) == "from-file"
    assert resolve_pin(parse_uri(f"pkcs11:?pin-source={pin_file}")) == "from-file"
    assert resolve_pin(parse_uri("pkcs11:")) == "from-env"
    monkeypatch.delenv(PIN_ENV)
    assert resolve_pin(parse_uri("pkcs11:")) is None


def test_an_unreadable_pin_file_is_named_without_its_content(tmp_path: Path) -> None:
    missing = tmp_path / "no-pin"
    with pytest.raises(HsmError) as failed:
        resolve_pin(parse_uri(f"pkcs11:?pin-source=file:{missing}"))
    assert str(failed.value) == (
        f"cannot read the PIN file {missing} (pin-source): No such file or directory"
    )


def test_a_pin_command_is_never_run() -> None:
    with pytest.raises(InvalidInput) as refused:
        resolve_pin(parse_uri("pkcs11:?pin-source=%7Ccat%20/etc/shadow"))
    assert str(refused.value) == (
        "PKCS#11 URI: pin-source must be a file; commands ('|...') are not run"
    )
