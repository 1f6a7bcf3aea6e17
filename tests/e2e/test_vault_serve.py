"""``sen vault serve`` as a real process beside ``sen node run``: it makes its secrets on
first start, staff store a record with the token file, hospital B reads under the patient's
consent with a presentation, the vault anchors its access log by itself (``--anchor-key``),
the patient's "who read my data" comes back with the anchored batch, an erasure gives the
tombstone's arguments, and a bad start is a clear error."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from node_process import SEN, running_node, stop

from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.sdk.client import Client
from sen.sdk.keys import Keyring
from sen.sdk.privacy import consent_terms, did_key, latest_block_time, sign_consent
from sen.vc import sign_presentation

pytestmark = pytest.mark.slow

A, B = "did:sen:benh-vien-a", "did:sen:benh-vien-b"
PASSPHRASE = "mật-khẩu-đủ-dài-cho-kho"
RECORD = "Tóm tắt bệnh án: Nguyễn Thị Hồng Nhung, viêm phổi."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _create_did(client: Client, key: SigningKey, did: str) -> None:
    method = encode_multikey(key.suite, key.public_key)
    client.send(key, "identity", "create", {
        "name": did.removeprefix("did:sen:"),
        "verification_methods": [{"id": "key-1", "public_key_multibase": method}],
        "relationships": {"authentication": ["key-1"], "assertionMethod": ["key-1"]},
    })  # fmt: skip


@pytest.fixture
def node(tmp_path: Path) -> Iterator[str]:
    home, port = tmp_path / "home", _free_port()
    env = {**os.environ, "SEN_HOME": str(home)}
    subprocess.run(
        [str(SEN), "node", "init", "--chain-id", "vn-health", "--api-port", str(port),
         "--block-interval", "0.1"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with running_node(home, port, tmp_path / "node.log") as url:
        yield url


def _serve(url: str, tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], str, Path]:
    port = _free_port()
    env = {**os.environ, "SEN_KEYRING": str(tmp_path / "keys"), "SEN_PASSPHRASE": PASSPHRASE}
    log = tmp_path / "vault.log"
    process = subprocess.Popen(
        [str(SEN), "--node", url, "vault", "serve", "--controller", A, "--secrets",
         str(tmp_path / "vault"), "--port", str(port), "--jurisdiction", "VN-HN", *extra],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    vault_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until it answers
        if process.poll() is not None:
            pytest.fail(f"sen vault serve exited ({process.returncode}): {log.read_text()}")
        try:
            if httpx.post(f"{vault_url}/vault/v1/challenges", timeout=1).status_code == 201:
                return process, vault_url, log
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"sen vault serve did not answer: {log.read_text()}")


def _presentation(vault: str, key: SigningKey, holder: str, method: str) -> dict[str, Any]:
    challenge = httpx.post(f"{vault}/vault/v1/challenges").json()
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
    }
    return sign_presentation(
        unsigned, key, method, "eddsa-rdfc-2022", challenge=challenge["challenge"],
        domain=challenge["domain"],
    )  # fmt: skip


def test_the_vault_serves_beside_a_node_and_anchors_its_log(node: str, tmp_path: Path) -> None:
    ed25519 = get_suite("ed25519")
    hospital_a, hospital_b, patient = ed25519.generate(), ed25519.generate(), ed25519.generate()
    keyring = Keyring(tmp_path / "keys")
    for name, made in (("benh-vien-a", hospital_a), ("benh-vien-b", hospital_b),
                       ("benh-nhan", patient)):  # fmt: skip
        keyring.save(name, made, PASSPHRASE)
    client = Client.http(node)
    try:
        _create_did(client, hospital_a, A)
        _create_did(client, hospital_b, B)
        process, vault, log = _serve(node, tmp_path, "--anchor-key", "benh-vien-a")
        try:
            secrets_dir = tmp_path / "vault"
            assert {p.name for p in secrets_dir.iterdir()} >= {"kek", "pepper", "token"}
            assert all(p.stat().st_mode & 0o077 == 0 for p in secrets_dir.iterdir() if p.is_file()
                       and p.name in ("kek", "pepper", "token"))  # fmt: skip
            staff = {"Authorization": f"Bearer {(secrets_dir / 'token').read_text().strip()}"}
            subject = did_key(patient)
            stored = httpx.post(f"{vault}/vault/v1/records", headers=staff, json={
                "subject": subject, "category": "pd:HealthRecord",
                "payload": base64.b64encode(RECORD.encode()).decode(),
            })  # fmt: skip
            assert stored.status_code == 201, stored.text
            reference = stored.json()["reference"]
            terms = consent_terms(
                patient, controller=A, recipients=[B], purposes=["dpv:ServiceProvision"],
                categories=["pd:HealthRecord"], expires=latest_block_time(client) + 86_400,
            )  # fmt: skip
            client.send(hospital_a, "privacy", "record_consent",
                        sign_consent(patient, client.chain_id, terms))  # fmt: skip
            body = {
                "consent": bytes(terms["id"]).hex(), "purpose": "dpv:ServiceProvision",
                "presentation": _presentation(vault, hospital_b, B, f"{B}#key-1"),
            }  # fmt: skip
            read = httpx.post(f"{vault}/vault/v1/records/{reference}/read", json=body)
            assert read.status_code == 200, read.text
            assert base64.b64decode(read.json()["payload"]).decode() == RECORD

            own = f"{subject}#{subject.removeprefix('did:key:')}"
            deadline, reads = time.monotonic() + 60, []
            while time.monotonic() < deadline:  # the vault anchors by itself, block by block
                mine = {"presentation": _presentation(vault, patient, subject, own)}
                reads = httpx.post(f"{vault}/vault/v1/access", json=mine).json()["reads"]
                if reads and reads[0].get("batch", {}).get("anchored_height"):
                    break
                time.sleep(0.1)
            [logged] = reads
            assert logged["reader"] == B and logged["batch"]["anchored_height"] > 0, reads
            anchored = client.lookup(bytes.fromhex(logged["batch"]["root"])).anchorings
            assert [a.reference for a in anchored] == ["vault-access-log/1"]

            # the same, as the guide does it: hospital B reads, the patient asks who read
            consent = bytes(terms["id"]).hex()
            read_b = _sen(tmp_path, node, "vault", "read", reference, "--vault", vault,
                          "--consent", consent, "--purpose", "dpv:ServiceProvision",
                          "--did", B, "--key", "benh-vien-b")  # fmt: skip
            assert read_b.stdout.strip() == RECORD
            refused = _sen(tmp_path, node, "vault", "read", reference, "--vault", vault,
                           "--consent", consent, "--purpose", "dpv:Marketing", "--did", B,
                           "--key", "benh-vien-b", check=False)  # fmt: skip
            assert refused.returncode != 0 and "purpose" in refused.stderr
            who = _sen(tmp_path, node, "vault", "who-read", "--vault", vault, "--key",
                       "benh-nhan", "--json")  # fmt: skip
            assert [r["reader"] for r in json.loads(who.stdout)["reads"]] == [B, B]

            # the patient asks for deletion; staff erase, which closes the request
            filed = _sen(tmp_path, node, "privacy", "request", A, "--kind", "deletion",
                         "--key", "benh-nhan")  # fmt: skip
            request = filed.stdout.split()[1]
            erased = _sen(tmp_path, node, "vault", "erase", subject, "--vault", vault,
                          "--request", request, "--key", "benh-vien-a", "--token-file",
                          str(secrets_dir / "token"))  # fmt: skip
            assert "erased 1 record(s)" in erased.stdout and "--save erasure.json" in erased.stdout
            closed = client.get(f"/v1/privacy/requests/{request}")
            assert (closed["open"], closed["outcome"]) == (False, "fulfilled")
            gone = httpx.post(f"{vault}/vault/v1/records/{reference}/read", json={
                **body, "presentation": _presentation(vault, hospital_b, B, f"{B}#key-1"),
            })  # fmt: skip
            assert gone.status_code == 410, gone.text
        finally:
            stop(process)
        assert "keys software" in log.read_text() and "VN-HN" in log.read_text()
    finally:
        client.close()


def _sen(tmp_path: Path, node: str, *argv: str, check: bool = True) -> Any:
    env = {**os.environ, "SEN_KEYRING": str(tmp_path / "keys"), "SEN_PASSPHRASE": PASSPHRASE,
           "COLUMNS": "200"}  # fmt: skip
    done = subprocess.run(
        [str(SEN), "--node", node, *argv], env=env, capture_output=True, text=True, timeout=120
    )
    if check:
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


def _args(value: Any) -> Any:
    """The service's JSON arguments (``hex:`` strings for bytes) as the SDK sends them."""
    if isinstance(value, str) and value.startswith("hex:"):
        return bytes.fromhex(value[4:])
    if isinstance(value, list):
        return [_args(v) for v in value]
    if isinstance(value, dict):
        return {k: _args(v) for k, v in value.items()}
    return value


def test_a_bad_start_is_a_clear_error(node: str, tmp_path: Path) -> None:
    env = {**os.environ, "SEN_KEYRING": str(tmp_path / "keys"), "SEN_PASSPHRASE": PASSPHRASE}
    for extra, said in (
        (["--controller", "benh-vien-a"], "--controller: expected a did:sen DID"),
        (["--controller", A, "--hsm", "pkcs11:token=nowhere?module-path=/nonexistent.so"],
         "--hsm"),
        (["--controller", A, "--anchor-key", "nobody"], "nobody"),
    ):  # fmt: skip
        done = subprocess.run(
            [str(SEN), "--node", node, "vault", "serve", "--secrets", str(tmp_path / "v"), *extra],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode != 0 and said in done.stderr, (extra, done.stderr)
        assert "Traceback" not in done.stderr
