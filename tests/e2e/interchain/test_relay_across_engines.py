"""End to end: an embedded chain and a 4-validator CometBFT network linked by ``sen relay``.

Everything is a real process started from the command line, as an operator
would: ``sen node run`` (chain E, the Ministry of Labour's ``sen-lao-dong``),
``sen network`` (chain N, the education chain ``sen-giao-duc``, four CometBFT
validators), ``sen interchain link`` (a client of each on the other), and
``sen relay --config relay.toml``. E asks N, by packet, whether credentials
are revoked. The relayer is killed with SIGKILL mid-flow and started again:
every packet is answered exactly once. Then the whole network is stopped past
a packet's timeout; started again, the relayer times the packet out on E.
"""

from __future__ import annotations

import base64
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import get_suite
from sen.ledger.ibc import Payload, receipt_key
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.network.cometbft import find_cometbft
from sen.network.create import NetworkPlan, init_network
from sen.network.network import Network
from sen.network.ports import PORT_STRIDE, ports_in_use
from sen.sdk.client import Client
from sen.sdk.errors import Rejected, SenError
from sen.sdk.interchain import Interchain, packet_args

sys.path.insert(0, str(Path(__file__).parents[1]))
from node_process import running_node

SEN = Path(sys.executable).parent / "sen"
PASSPHRASE = "mật-khẩu-dài-và-bí-mật"
pytestmark = pytest.mark.slow


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _free_base(validators: int) -> int:
    for _ in range(200):
        base = random.randrange(20_000, 31_000, 10)
        wanted = [base + PORT_STRIDE * i + k for i in range(validators + 2) for k in range(4)]
        if not ports_in_use(wanted):
            return base
    raise RuntimeError("no free block of loopback ports found")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SEN_HOME": str(tmp_path / "lao-dong"),
        "SEN_KEYRING": str(tmp_path / "keys"),
        "SEN_PASSPHRASE": PASSPHRASE,
        "COLUMNS": "200",
    }


def sen(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(SEN), *args], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"sen {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done


@pytest.fixture
def embedded(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    sen(env, "node", "init", "--chain-id", "sen-lao-dong", "--api-port", str(port))
    settings = Path(env["SEN_HOME"]) / "config" / "sen.toml"
    text = settings.read_text()
    text = text.replace("create_empty_blocks = false", "create_empty_blocks = true")
    text = text.replace("empty_block_interval = 0.0", "empty_block_interval = 1.0")
    settings.write_text(text)
    with running_node(Path(env["SEN_HOME"]), port, tmp_path / "lao-dong.log") as url:
        yield url


@pytest.fixture
def network(tmp_path: Path) -> Iterator[Network]:
    binary = find_cometbft()
    directory = tmp_path / "giao-duc"
    init_network(
        NetworkPlan(
            directory=directory,
            validators=4,
            chain_id="sen-giao-duc",
            base_port=_free_base(4),
            block_interval=0.3,
            snapshot_interval=0,
            empty_blocks_interval=1.0,
        ),
        binary,
    )
    net = Network.load(directory)
    try:
        net.up()
        wait_until(lambda: min(h or 0 for h in net.heights().values()) >= 2, 60, "height 2")
        yield net
    finally:
        net.down(kill=True)


class RelayProcess:
    def __init__(self, env: dict[str, str], config: Path, log: Path, metrics: int) -> None:
        self.args = [
            str(SEN),
            "relay",
            "--config",
            str(config),
            "--metrics",
            f"127.0.0.1:{metrics}",
        ]
        self.env, self.log = env, log
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT, text=True
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no chance to finish what it was doing
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _revocation_list(chain: Client, revoked: list[int]) -> str:
    signer = get_suite("ed25519").generate()
    issuer = "did:key:" + encode_multikey(signer.suite, signer.public_key)
    created = {"list": "bang-2025", "issuer": issuer, "purpose": "revocation"}
    chain.send(signer, "status", "create_list", created)
    chain.send(signer, "status", "update", {"list": "bang-2025", "issuer": issuer, "set": revoked})
    return issuer


def _answer(chain: Client, client: str, sequence: int) -> dict | None:
    key = b"interchain/answers/" + client.encode() + b"/" + sequence.to_bytes(8, "big")
    body = chain.get(f"/v1/state/{key.hex()}")
    if body["value"] is None:
        return None

    decoded: dict = encoding.decode(base64.b64decode(body["value"]))
    return decoded


def test_an_embedded_chain_and_a_cometbft_network_exchange_packets_through_sen_relay(
    env: dict[str, str], embedded: str, network: Network, tmp_path: Path
) -> None:
    n_url = network.manifest.nodes[0].api_url
    sen(env, "keys", "new", "relayer")
    linked = sen(
        env,
        "--node",
        embedded,
        "interchain",
        "link",
        "--other",
        n_url,
        "--key",
        "relayer",
        "--other-key",
        "relayer",
        "--trusting-period",
        "600",
    ).stdout
    assert "sen-lao-dong: sen-client-0 is a client of sen-giao-duc" in linked
    config = tmp_path / "relay.toml"
    config.write_text("interval = 0.5\n\n" + linked.split("relay.toml:\n", 1)[1])

    e = Interchain(Client.http(embedded))
    n = Interchain(Client.http(n_url))
    issuer = _revocation_list(n.sdk, revoked=[2, 5])
    sender = get_suite("ed25519").generate()
    query = lambda i: Payload(  # noqa: E731
        "status-query",
        "status-query",
        "sen-status-1",
        "application/json",
        json.dumps({"issuer": issuer, "list": "bang-2025", "index": i}).encode(),
    )
    timeout = int(time.time()) + 600
    sequences = [
        e.send_packet(sender, "sen-client-0", "sen-client-0", timeout, [query(i)]) for i in range(6)
    ]

    metrics = _free_port()
    relay = RelayProcess(env, config, tmp_path / "relay.log", metrics)
    relay.start()
    try:
        receipt = b"interchain/ibc/" + receipt_key("sen-client-0", 1)
        wait_until(lambda: n.prove([receipt]).values[receipt] is not None, 90, "the first delivery")
        relay.kill()
        relay.start()
        wait_until(lambda: e.pending("sen-client-0") == [], 120, "every packet settled")
        # one packet the restarted relayer surely carries end to end (the killed one may
        # have settled all six before it died): its latency is in the metrics
        last = e.send_packet(sender, "sen-client-0", "sen-client-0", timeout, [query(1)])
        wait_until(lambda: e.pending("sen-client-0") == [], 120, f"packet {last} settled")
        scraped = httpx.get(f"http://127.0.0.1:{metrics}/metrics", timeout=5).text
        assert (
            'sen_relayer_client_age_seconds{chain="sen-lao-dong",client="sen-client-0"}' in scraped
        )
        assert "sen_relayer_relay_latency_seconds_count" in scraped

        answers = [_answer(e.sdk, "sen-client-0", s) for s in sequences]
        assert [a["outcome"] for a in answers if a] == ["answered"] * 6
        assert [a["status"] for a in answers if a] == [0, 0, 1, 0, 0, 1]
        for s in sequences:  # each delivered once: the receipt's one acknowledgement
            assert len(n.acknowledgements("sen-client-0", s)) == 1
        sent = e.sent_packet("sen-client-0", 1)
        proof = n.prove([receipt])
        with pytest.raises(Rejected) as refused:
            n.sdk.send(
                sender,
                "interchain",
                "recv_packet",
                {
                    "packet": packet_args(sent.packet),
                    "proof": proof.proofs[receipt],
                    "proof_height": n.client("sen-client-0").latest_height,
                },
            )
        assert refused.value.code == ResultCode.PACKET_ALREADY_RECEIVED

        # a receipt from the receiving network, checked offline with the two genesis files
        receipt = tmp_path / "cau-hoi.json"
        wait_until(
            lambda: subprocess.run(
                [str(SEN), "--node", n_url, "interchain", "receipt", "sen-client-0", "3",
                 "-o", str(receipt), "--source", embedded],
                env=env, capture_output=True, text=True, timeout=60,
            ).returncode == 0,
            30,
            "the packet receipt",
        )  # fmt: skip
        assert json.loads(receipt.read_text())["source"]["genesis_hash"]
        checked = sen(
            env, "verify", str(receipt),
            "--source-genesis", str(Path(env["SEN_HOME"]) / "config" / "genesis.json"),
            "--genesis", str(network.manifest.directory / "genesis.json"),
        ).stdout  # fmt: skip
        assert "VALID: packet 3 from chain sen-lao-dong" in checked and '"status":1' in checked

        # the network is down past a packet's timeout: the packet times out on E
        relay.stop()
        late = e.send_packet(
            sender, "sen-client-0", "sen-client-0", int(time.time()) + 4, [query(5)]
        )
        network.down()
        deadline = timeout_of(e, late)
        wait_until(lambda: time.time() > deadline + 1, 20, "the timeout passing")
        network.up()
        # CometBFT's first block after a restart takes its time from the last commit before
        # it (BFT time): in chain time the timeout has not passed yet, and a relayer would
        # rightly deliver. Start it once the network's own clock is past the timeout.
        wait_until(lambda: _chain_time(n) > deadline, 60, "the network's time past the timeout")
        relay.start()
        wait_until(lambda: e.pending("sen-client-0") == [], 120, "the timeout proved")
        answer = _answer(e.sdk, "sen-client-0", late)
        assert answer is not None and answer["outcome"] == "timed out"
        absent = b"interchain/ibc/" + receipt_key("sen-client-0", late)
        assert n.prove([absent]).values[absent] is None
        # a fresh client, as a recover_client proposal would name
        created = sen(
            env, "--node", embedded, "interchain", "create-client", "--from", n_url,
            "--key", "relayer", "--trusting-period", "600",
        ).stdout  # fmt: skip
        assert created.startswith("sen-client-1: a client of sen-giao-duc from its block")
    finally:
        relay.stop()
        print((tmp_path / "relay.log").read_text()[-3000:])


def _chain_time(chain: Interchain) -> float:
    try:
        stamp = chain.sdk.status()["latest_block_time"]
    except SenError:
        return 0.0
    return Timestamp.from_rfc3339(stamp).seconds if stamp else 0.0


def timeout_of(chain: Interchain, sequence: int) -> int:
    return chain.sent_packet("sen-client-0", sequence).packet.timeout_timestamp
