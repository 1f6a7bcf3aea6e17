"""CometBFT v0.38 itself drives a SenApp through the socket server: blocks, a tx, a query.

A one-validator network on loopback: ``cometbft init``, its ``proxy_app``
pointed at our unix socket, then ``cometbft start``; a Sen transaction goes in
through CometBFT's RPC ``broadcast_tx_sync`` and comes out committed.
"""

from __future__ import annotations

import datetime
import json
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from abci_support import Served, anchor, member_key, serve_sen_app, short_socket_dir
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.rules import load_nonce
from sen.ledger.tx import Tx, sign_tx
from sen.ledger.types import ChainParams
from sen.light.genesis import load_genesis
from sen.sdk.devca import (
    OrgAuthority,
    der,
    issue_ca_certificate,
    issue_member_certificate,
    pem,
    public_key_for,
    utc_now,
)

ROOT = Path(__file__).resolve().parents[3]
COMETBFT = ROOT / ".bin" / "cometbft"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def set_option(config: str, section: str, key: str, value: str) -> str:
    """``config`` with ``key = value`` inside ``[section]`` ("" for the top level)."""
    start = 0 if not section else config.index(f"\n[{section}]\n")
    following = config.find("\n[", start + 1)
    end = len(config) if following == -1 else following
    part, count = re.subn(
        rf"^{re.escape(key)} = .*$", f"{key} = {value}", config[start:end], count=1, flags=re.M
    )
    assert count == 1, f"{key} not found in [{section}]"
    return config[:start] + part + config[end:]


@dataclass
class Network:
    served: Served
    rpc: str
    process: subprocess.Popen[bytes]
    log: Path

    def rpc_get(self, method: str, **params: str) -> dict[str, Any]:
        response = httpx.get(f"{self.rpc}/{method}", params=params, timeout=10)
        body: dict[str, Any] = response.json()
        return body

    def height(self) -> int:
        try:
            status = self.rpc_get("status")
        except httpx.HTTPError:
            return 0
        return int(status["result"]["sync_info"]["latest_block_height"])

    def wait_for(self, what: str, condition: Any, timeout: float = STARTUP_SECONDS) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"cometbft exited ({self.process.returncode}):\n{self.tail()}")
            found = condition()
            if found:
                return found
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


@pytest.fixture
def network(tmp_path: Path) -> Iterator[Network]:
    yield from _network(tmp_path, membership=None)


def _network(tmp_path: Path, membership: dict[str, Any] | None) -> Iterator[Network]:
    """A one-validator CometBFT network driving a SenApp (``membership``: a consortium)."""
    if not COMETBFT.is_file():
        pytest.fail(f"{COMETBFT} is missing: run `make cometbft` to install CometBFT v0.38")
    home = tmp_path / "cometbft"
    subprocess.run(
        [str(COMETBFT), "init", "--home", str(home)], check=True, capture_output=True, timeout=60
    )
    genesis_path = home / "config" / "genesis.json"
    document = json.loads(genesis_path.read_text())
    params = ChainParams(chain_id=document["chain_id"], permissioned=membership is not None)
    document["app_state"] = {"params": params.to_json()}
    if membership is not None:
        document["app_state"]["membership"] = membership
    genesis_path.write_text(json.dumps(document, indent=2))
    genesis = load_genesis(genesis_path.read_bytes())

    rpc_port, p2p_port = free_port(), free_port()
    with short_socket_dir() as sockets:
        listen = f"unix://{sockets}/abci.sock"
        config_path = home / "config" / "config.toml"
        config = config_path.read_text()
        for section, key, value in [
            ("", "proxy_app", f'"{listen}"'),
            ("rpc", "laddr", f'"tcp://127.0.0.1:{rpc_port}"'),
            ("p2p", "laddr", f'"tcp://127.0.0.1:{p2p_port}"'),
            ("consensus", "timeout_commit", '"200ms"'),
            ("consensus", "create_empty_blocks", "true"),
        ]:
            config = set_option(config, section, key, value)
        config_path.write_text(config)

        with serve_sen_app(tmp_path / "sen", genesis, listen) as served:
            log = tmp_path / "cometbft.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [str(COMETBFT), "start", "--home", str(home)],
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            try:
                yield Network(served, f"http://127.0.0.1:{rpc_port}", process, log)
            finally:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=15)


def test_cometbft_makes_blocks_and_commits_a_sen_transaction(network: Network) -> None:
    network.wait_for("height 3", lambda: network.height() >= 3)
    app = network.served.app
    # CometBFT saves a block (and reports its height) before the app commits it: wait for both.
    network.wait_for("the app to commit height 3", lambda: app.height >= 3, timeout=10)

    alice = member_key(1)
    tx = anchor(alice, 0, "diploma", chain_id=app.genesis.chain_id)
    submitted = network.rpc_get("broadcast_tx_sync", tx=f"0x{tx.raw.hex()}")["result"]
    assert submitted["code"] == 0, submitted
    assert submitted["hash"] == tx.hash.hex().upper()

    def committed() -> dict[str, Any] | None:
        found = network.rpc_get("tx", hash=f"0x{tx.hash.hex()}")
        result: dict[str, Any] | None = found.get("result")
        return result

    included = network.wait_for("the transaction", committed, timeout=30)
    assert included["tx_result"]["code"] == 0
    height = int(included["height"])
    network.wait_for("the app to commit it", lambda: app.height >= height, timeout=10)

    queried = network.rpc_get("abci_query", path='"/account/nonce"', data=f"0x{tx.sender.hex()}")[
        "result"
    ]["response"]
    assert queried["code"] == 0
    assert queried["value"] == "MQ=="  # base64 of b"1": the nonce moved on

    replay = anchor(alice, 0, "another document, same nonce", chain_id=app.genesis.chain_id)
    refused = network.rpc_get("broadcast_tx_sync", tx=f"0x{replay.raw.hex()}")["result"]
    assert refused["code"] == int(ResultCode.NONCE_TOO_LOW), refused  # CheckTx said no
    start = network.height()
    network.wait_for("two more blocks", lambda: network.height() >= start + 2, timeout=30)


def _member_certificate(
    authority: OrgAuthority, signer: SigningKey, serial: int
) -> x509.Certificate:
    now = utc_now()
    return issue_member_certificate(
        authority,
        public_key_for(signer.suite, signer.public_key),
        common_name=f"Thành viên {serial}",
        roles=["writer"],
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=1),
        serial=serial,
    )


def _authority() -> OrgAuthority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = utc_now()
    certificate = issue_ca_certificate(
        key,
        common_name="Đại học Quốc gia Hà Nội CA",
        organisation="Đại học Quốc gia Hà Nội",
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=1),
    )
    return OrgAuthority("uni-hanoi", "Đại học Quốc gia Hà Nội", certificate, key)


UNI = _authority()
MEMBER, STRANGER = member_key(8), member_key(9)


@pytest.fixture
def consortium_network(tmp_path: Path) -> Iterator[Network]:
    membership = {
        "permissioned": True,
        "organisations": [{"id": UNI.id, "name": UNI.name, "ca": pem(UNI.certificate)}],
        "members": [pem(_member_certificate(UNI, MEMBER, 1))],
    }
    yield from _network(tmp_path, membership=membership)


def test_cometbft_never_commits_a_non_members_transaction(consortium_network: Network) -> None:
    """CheckTx refuses a genesis certificate signed with another key (review issue 10)."""
    network = consortium_network
    network.wait_for("height 2", lambda: network.height() >= 2)
    app = network.served.app
    chain_id = app.genesis.chain_id

    def enroll(certificate: x509.Certificate) -> Tx:
        return sign_tx(
            STRANGER,
            chain_id=chain_id,
            nonce=0,
            module="membership",
            action="enroll",
            args={"certificate": der(certificate)},
        )

    def broadcast(tx: Tx) -> dict[str, Any]:
        result: dict[str, Any] = network.rpc_get("broadcast_tx_sync", tx=f"0x{tx.raw.hex()}")[
            "result"
        ]
        return result

    stolen = enroll(_member_certificate(UNI, MEMBER, 1))
    assert broadcast(stolen)["code"] == int(ResultCode.KEY_MISMATCH)
    stranger_anchor = anchor(STRANGER, 0, "not a member", chain_id=chain_id)
    assert broadcast(stranger_anchor)["code"] == int(ResultCode.UNKNOWN_SIGNER)

    own = enroll(_member_certificate(UNI, STRANGER, 2))
    assert broadcast(own)["code"] == 0

    def committed() -> dict[str, Any] | None:
        result: dict[str, Any] | None = network.rpc_get("tx", hash=f"0x{own.hash.hex()}").get(
            "result"
        )
        return result

    included = network.wait_for("the enrolment", committed, timeout=30)
    assert included["tx_result"]["code"] == 0
    network.wait_for("the app to commit it", lambda: app.height >= int(included["height"]))
    for refused in (stolen, stranger_anchor):  # never in a block
        assert "result" not in network.rpc_get("tx", hash=f"0x{refused.hash.hex()}")
    assert load_nonce(app.store, own.sender) == 1
