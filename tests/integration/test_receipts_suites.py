"""Receipts for anchors signed with every suite: built by a real node, verified offline.

One in-process node whose genesis allows all four suites; a document anchored
with a key of each suite (stored in, and loaded from, the encrypted keyring);
each receipt checked by ``verify_receipt`` and by ``sen verify``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.api.inprocess import in_process_client
from sen.cli.main import main
from sen.ledger.crypto import address_of
from sen.ledger.light.types import Timestamp
from sen.ledger.types import ChainParams
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
from sen.light.receipt import ReceiptInvalid, verify_receipt
from sen.node.config import NodeConfig
from sen.node.keys import load_validator_key, public_bytes
from sen.node.node import Node, init_home
from sen.sdk import Keyring

CHAIN_ID = "sen-suites"
SUITES = ("ed25519", "ecdsa-p256", "ecdsa-secp256k1", "ml-dsa-65")


def allow_all_suites(home: Path) -> NodeConfig:
    """A node home whose genesis allows every suite."""
    config = init_home(home, chain_id=CHAIN_ID, block_interval=0.05)
    validator = load_validator_key(config.validator_key_path)
    config.genesis_path.write_bytes(
        make_genesis(
            chain_id=CHAIN_ID,
            genesis_time=Timestamp(int(time.time()), 0),
            validators=[GenesisValidator(public_bytes(validator), 10, "validator-0")],
            params=ChainParams(chain_id=CHAIN_ID, allowed_suites=SUITES),
        )
    )
    return config


@pytest.fixture(scope="module")
def anchored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The genesis, and a directory of ``<suite>.pdf`` / ``<suite>.receipt.json`` files."""
    root = tmp_path_factory.mktemp("suites")
    config = allow_all_suites(root / "home")
    keyring = Keyring(root / "keys")
    for suite in SUITES:
        keyring.new(f"so-tu-phap-{suite}", "mật khẩu đủ dài", suite)
    node = Node.open(config)
    node.start()
    try:
        client = in_process_client(node)
        for suite in SUITES:
            key = keyring.load(f"so-tu-phap-{suite}", "mật khẩu đủ dài")
            document = root / f"{suite}.pdf"
            document.write_bytes(f"Giấy khai sinh — ký bằng {suite}".encode())
            result = client.anchor(key, document, title=f"Khai sinh ({suite})")
            receipt = client.receipt(result.digests[0])
            (root / f"{suite}.receipt.json").write_text(json.dumps(receipt))
    finally:
        node.close()
    yield config.genesis_path, root


@pytest.mark.parametrize("suite", SUITES)
def test_receipt_of_each_suite_verifies(anchored: tuple[Path, Path], suite: str) -> None:
    genesis_path, root = anchored
    genesis = load_genesis(genesis_path.read_bytes())
    receipt = json.loads((root / f"{suite}.receipt.json").read_text())
    report = verify_receipt(receipt, genesis)
    assert report.valid
    assert report.title == f"Khai sinh ({suite})"
    transaction = next(c for c in report.checks if c.name == "transaction")
    assert f"({suite})" in transaction.detail
    key = Keyring(root / "keys").info(f"so-tu-phap-{suite}")
    assert address_of(suite, key.public_key).hex() in transaction.detail


@pytest.mark.parametrize("suite", SUITES)
def test_receipt_with_a_forged_signature_fails_for_each_suite(
    anchored: tuple[Path, Path], suite: str
) -> None:
    """Flip a signature bit: inclusion breaks first (the tx hash), as it must."""
    genesis_path, root = anchored
    receipt = json.loads((root / f"{suite}.receipt.json").read_text())
    raw = bytearray(base64.b64decode(receipt["transaction"]["tx"]))
    raw[-3] ^= 0x01
    receipt["transaction"]["tx"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(ReceiptInvalid) as caught:
        verify_receipt(receipt, load_genesis(genesis_path.read_bytes()))
    assert caught.value.check == "inclusion"


@pytest.mark.parametrize("suite", SUITES)
def test_sen_verify_accepts_each_suite(
    anchored: tuple[Path, Path],
    suite: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    genesis_path, root = anchored
    monkeypatch.setenv("SEN_HOME", str(root / "no-home"))
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    argv = [
        "verify",
        str(root / f"{suite}.receipt.json"),
        "--genesis",
        str(genesis_path),
        "--file",
        str(root / f"{suite}.pdf"),
    ]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out = capsys.readouterr().out
    assert exited.value.code == 0, out
    assert "VALID" in out and f"({suite})" in out
