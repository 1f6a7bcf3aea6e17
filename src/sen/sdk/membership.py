"""Membership through a :class:`~sen.sdk.client.Client`: enroll, revoke, look up.

::

    from sen.sdk.membership import enroll, member

    enroll(client, key, Path("member.pem").read_bytes())
    print(member(client, key_address)["roles"])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sen.ledger.crypto import SigningKey
from sen.sdk.client import Client, error_for
from sen.sdk.errors import InvalidInput, SenError
from sen.sdk.models import TxInfo


def certificate_der(data: bytes) -> tuple[bytes, tuple[bytes, ...]]:
    """A member certificate (PEM or DER) and any intermediates after it in the PEM, as DER."""
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            found = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise InvalidInput(f"not a PEM certificate: {exc}") from None
        ders = [c.public_bytes(serialization.Encoding.DER) for c in found]
        return ders[0], tuple(ders[1:])
    try:
        x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise InvalidInput(f"not a certificate (PEM or DER): {exc}") from None
    return data, ()


def enroll(
    client: Client,
    key: SigningKey,
    certificate: bytes,
    chain: Sequence[bytes] = (),
    *,
    wait: bool = True,
    timeout: float = 30.0,
) -> TxInfo:
    """Send ``membership.enroll`` signed by ``key`` (the key in ``certificate``, PEM or DER)."""
    member, intermediates = certificate_der(certificate)
    args: dict[str, Any] = {"certificate": member}
    extra = [*intermediates, *chain]
    if extra:
        args["chain"] = extra
    return client.send(key, "membership", "enroll", args, wait=wait, timeout=timeout)


def revoke(
    client: Client,
    key: SigningKey,
    organisation: str,
    serial: int,
    *,
    wait: bool = True,
    timeout: float = 30.0,
) -> TxInfo:
    """Send ``membership.revoke`` (``key`` must be an admin of ``organisation``)."""
    value: int | str = serial if serial < 2**63 else str(serial)
    args = {"organisation": organisation, "serial": value}
    return client.send(key, "membership", "revoke", args, wait=wait, timeout=timeout)


def member(client: Client, address_hex: str) -> dict[str, Any]:
    """The member record of an account (raises NotFound if it never enrolled)."""
    return _get(client, f"/v1/membership/members/{address_hex}")


def organisations(client: Client) -> list[dict[str, Any]]:
    found = _get(client, "/v1/membership/organisations").get("organisations", [])
    return [o for o in found if isinstance(o, dict)] if isinstance(found, list) else []


def organisation(client: Client, org_id: str) -> dict[str, Any]:
    return _get(client, f"/v1/membership/organisations/{org_id}")


def _get(client: Client, path: str) -> dict[str, Any]:
    status, body = client.transport.request("GET", path)
    if not 200 <= status < 300:
        raise error_for(status, body, path)
    if not isinstance(body, dict):
        raise SenError(f"unexpected answer from the node for {path}")
    return body
