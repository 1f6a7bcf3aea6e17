"""``sen keys hsm-new`` / ``hsm-show``, and ``--key pkcs11:...`` on every signing command.

A key in a hardware security module is named by its RFC 7512 URI (see
docs/guides/hsm.md). The PIN comes from the URI (``pin-source=FILE``),
``$SEN_PKCS11_PIN``, or a hidden prompt when a terminal is attached.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from sen.cli._context import kv_table, out, print_json
from sen.cli.errors import UsageProblem
from sen.sdk.pkcs11 import (
    SUITES,
    Pkcs11Key,
    Pkcs11Uri,
    generate_pkcs11_key,
    load_pkcs11_key,
    parse_uri,
    resolve_pin,
)

Uri = Annotated[
    str,
    typer.Option(
        "--uri",
        help="pkcs11: URI of the key, e.g. 'pkcs11:token=sen;object=alice?module-path=...'",
    ),
]


def open_hsm_key(text: str) -> Pkcs11Key:
    """The key a ``--key pkcs11:...`` option names, asking for the PIN if need be."""
    uri = parse_uri(text)
    return load_pkcs11_key(uri, pin=_prompted_pin(uri))


def hsm_new(
    uri: Uri,
    suite: Annotated[str, typer.Option(help=f"Signature suite: {', '.join(SUITES)}.")] = (
        "ecdsa-p256"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Generate a key pair on a PKCS#11 token (the private key never leaves it)."""
    if suite not in SUITES:
        raise UsageProblem(f"--suite: expected one of {', '.join(SUITES)}, got {suite!r}")
    parsed = parse_uri(uri)
    key = generate_pkcs11_key(parsed, suite, pin=_prompted_pin(parsed))
    if as_json:
        print_json(_as_json(key))
        return
    out.print(f"[green]Created[/] key [bold]{key.label}[/] on token [bold]{key.token}[/]")
    _print_key(key)


def hsm_show(
    uri: Uri,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the suite, public key and address of a key on a PKCS#11 token."""
    key = open_hsm_key(uri)
    if as_json:
        print_json(_as_json(key))
        return
    _print_key(key)


def _prompted_pin(uri: Pkcs11Uri) -> str | None:
    """None when the URI or the environment gives the PIN, or no one is there to ask."""
    if resolve_pin(uri) is not None or not sys.stdin.isatty():
        return None
    pin = str(typer.prompt(f"PIN for {uri.describe_token()}", hide_input=True))
    return pin or None


def _print_key(key: Pkcs11Key) -> None:
    table = kv_table()
    table.add_row("token", key.token)
    table.add_row("label", key.label)
    table.add_row("suite", key.suite)
    table.add_row("address", key.address)
    table.add_row("public key", key.public_key.hex())
    out.print(table)


def _as_json(key: Pkcs11Key) -> dict[str, object]:
    return {
        "token": key.token,
        "label": key.label,
        "suite": key.suite,
        "address": key.address,
        "public_key": key.public_key.hex(),
    }
