"""``sen trace certify`` against ``sen trace serve`` beside ``sen node run``: a province's
department, accredited by the Ministry (a trust root in genesis), certifies a mango GTIN
with an OCOP rating; the cooperative attaches it; the repository shows it verified through
the node, and revoked as soon as its status bit is set on chain."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from node_process import SEN, free_port, run_sen, running_node, serving

from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.sdk.client import Client
from sen.sdk.keys import Keyring
from sen.services.credentials.verification import status_list_url
from sen.vc import sign_credential

pytestmark = pytest.mark.slow

COOP = "did:sen:htx-xoai-son-la"
MINISTRY = "did:sen:bo-nn-mt"
CERTIFIER = "did:sen:so-nn-son-la"
LIST = "chung-nhan-2026"
PASSPHRASE = "mật-khẩu-đủ-dài-cho-kho"
GTIN_PATH = "01/18935678012347"


@pytest.fixture
def node(tmp_path: Path) -> Iterator[str]:
    home, port = tmp_path / "home", free_port()
    env = {**os.environ, "SEN_HOME": str(home)}
    subprocess.run(
        [str(SEN), "node", "init", "--chain-id", "vn-agri", "--api-port", str(port),
         "--block-interval", "0.1", "--grant-prefix", f"8935678={COOP}"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    genesis_path = home / "config" / "genesis.json"
    genesis = json.loads(genesis_path.read_text(encoding="utf-8"))
    genesis["app_state"]["trust"] = {"roots": [MINISTRY]}
    genesis_path.write_text(json.dumps(genesis, indent=2), encoding="utf-8")
    with running_node(home, port, tmp_path / "node.log") as url:
        yield url


def _sen(tmp_path: Path, node: str, *argv: str, check: bool = True) -> Any:
    env = {**os.environ, "SEN_KEYRING": str(tmp_path / "keys"), "SEN_PASSPHRASE": PASSPHRASE,
           "COLUMNS": "200"}  # fmt: skip
    return run_sen(env, "--node", node, *argv, check=check)


def _send(client: Client, key: SigningKey, module: str, action: str, args: Any) -> None:
    info = client.send(key, module, action, args)
    assert info.result is not None and info.result.ok, info.result


def _authorities(node: str, key: SigningKey) -> None:
    """The three DIDs (one key controls them all on this development chain), the Ministry's
    accreditation of the department, and the department's revocation list."""
    with Client.http(node) as client:
        for did in (COOP, MINISTRY, CERTIFIER):
            _send(client, key, "identity", "create", {
                "name": did.removeprefix("did:sen:"),
                "verification_methods": [{"id": "key-1", "public_key_multibase":
                                          encode_multikey(key.suite, key.public_key)}],
                "relationships": {"assertionMethod": ["key-1"]},
            })  # fmt: skip
        _send(client, key, "trust", "accredit",
              {"accreditor": MINISTRY, "issuer": CERTIFIER,
               "credential_types": ["OCOPCertificate"]})  # fmt: skip
        _send(client, key, "status", "create_list",
              {"list": LIST, "issuer": CERTIFIER, "purpose": "revocation"})  # fmt: skip


def _rating(key: SigningKey) -> dict[str, Any]:
    url = status_list_url("https://so-nn.sonla.gov.vn", CERTIFIER, LIST)
    return sign_credential({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://sen.gov.vn/contexts/certification/v1"],
        "type": ["VerifiableCredential", "OCOPCertificate"],
        "issuer": CERTIFIER,
        "validFrom": "2026-06-01T00:00:00+07:00",
        "credentialSubject": {"id": "https://id.gs1.org/01/18935678012347", "ocopRating": 4},
        "credentialStatus": {"id": f"{url}#4242", "type": "BitstringStatusListEntry",
                             "statusPurpose": "revocation", "statusListIndex": "4242",
                             "statusListCredential": url},
    }, key, f"{CERTIFIER}#key-1", "eddsa-rdfc-2022")  # fmt: skip


@pytest.fixture
def repository(node: str, tmp_path: Path) -> Iterator[str]:
    """``sen trace serve`` of the cooperative, once it answers."""
    key = get_suite("ed25519").generate()
    Keyring(tmp_path / "keys").save("htx", key, PASSPHRASE)
    _authorities(node, key)
    port = free_port()
    env = {**os.environ, "SEN_KEYRING": str(tmp_path / "keys"), "SEN_PASSPHRASE": PASSPHRASE}
    argv = ["--node", node, "trace", "serve", "--capturer", COOP, "--key", "htx",
            "--secrets", str(tmp_path / "epcis"), "--port", str(port),
            "--genesis", str(tmp_path / "home" / "config" / "genesis.json")]  # fmt: skip
    repo = f"http://127.0.0.1:{port}"
    probe = f"{repo}/trace/v1/certificates?key={COOP}"
    with serving(argv, env, probe, (200,), tmp_path / "epcis.log"):
        yield repo


def test_a_certificate_attached_with_the_cli_is_verified_then_revoked_on_the_page(
    node: str, repository: str, tmp_path: Path
) -> None:
    key = Keyring(tmp_path / "keys").load("htx", PASSPHRASE)
    rating = tmp_path / "ocop.json"
    rating.write_text(json.dumps(_rating(key), ensure_ascii=False))
    token = str(tmp_path / "epcis" / "token")
    attached = _sen(tmp_path, node, "trace", "certify", str(rating), "--repo", repository,
                    "--token-file", token)  # fmt: skip
    assert "attached: OCOPCertificate of 01/18935678012347" in attached.stdout
    assert "verified" in attached.stdout and "sen trace uncertify" in attached.stdout

    page = f"{repository}/trace/v1/certificates?key={GTIN_PATH}"
    (shown,) = httpx.get(page).json()
    assert (shown["status"], shown["claims"]) == ("verified", {"ocopRating": 4})
    with Client.http(node) as client:
        _send(client, key, "status", "update", {"list": LIST, "issuer": CERTIFIER, "set": [4242]})
    (shown,) = httpx.get(page).json()
    assert shown["status"] == "revoked"

    again = _sen(tmp_path, node, "trace", "certify", str(rating), "--repo", repository,
                 "--token-file", token, check=False)  # fmt: skip
    assert again.returncode != 0 and "403" in again.stderr, again.stderr
    assert "/credentialStatus" in again.stderr and "STATUS_REVOKED" in again.stderr

    removed = _sen(tmp_path, node, "trace", "uncertify", shown["id"], "--repo", repository,
                   "--token-file", token)  # fmt: skip
    assert f"removed: certificate {shown['id']}" in removed.stdout
    assert httpx.get(page).json() == []
    gone = _sen(tmp_path, node, "trace", "uncertify", shown["id"], "--repo", repository,
                "--token-file", token, check=False)  # fmt: skip
    assert gone.returncode != 0 and "404" in gone.stderr, gone.stderr
