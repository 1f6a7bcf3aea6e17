"""A node accepts evidence anchored with keys held on a SoftHSM2 token; the receipts verify."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.api.inprocess import in_process_client
from sen.ledger.crypto import address_of
from sen.ledger.types import ChainParams
from sen.node.node import Node, init_home
from sen.sdk.pkcs11 import Pkcs11Key

SUITES = ("ed25519", "ecdsa-p256")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    home = tmp_path_factory.mktemp("hsm-node")
    config = init_home(home, chain_id="sen-hsm", block_interval=0.05)
    document = json.loads(config.genesis_path.read_text())
    params = ChainParams(chain_id="sen-hsm", allowed_suites=SUITES)
    document["app_state"] = {"params": params.to_json()}
    config.genesis_path.write_text(json.dumps(document, indent=2))
    running = Node.open(dataclasses.replace(config, sync=False))
    running.start()
    yield running
    running.close()


@pytest.mark.parametrize("suite", SUITES)
def test_anchor_signed_on_the_token_is_accepted_and_its_receipt_verifies(
    node: Node, p256_key: Pkcs11Key, ed25519_key: Pkcs11Key, suite: str, tmp_path: Path
) -> None:
    key = p256_key if suite == "ecdsa-p256" else ed25519_key
    diploma = tmp_path / "bang.pdf"
    diploma.write_bytes(f"Bằng tốt nghiệp — ký bằng HSM ({suite})".encode())
    with in_process_client(node) as client:
        anchored = client.anchor(key, diploma, title="Bằng tốt nghiệp", organisation="ĐHBK")
        assert anchored.tx.committed
        signed = anchored.tx.tx
        assert (signed["suite"], signed["public_key"]) == (suite, key.public_key.hex())
        assert signed["sender"] == key.address
        assert client.account(address_of(key.suite, key.public_key)).nonce == 1
        receipt = client.receipt(diploma)
        report = client.verify(receipt, file=diploma)
    assert report.valid, [check for check in report.checks if not check.ok]
    assert report.digest == hashlib.sha256(diploma.read_bytes()).hexdigest()
    assert report.title == "Bằng tốt nghiệp"
