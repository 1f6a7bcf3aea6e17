"""``sen network`` in-process: init, status and down on a network that is not running, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sen.cli.main import main
from sen.network import Network, NetworkManifest, NetworkPlan, init_network
from sen.network.errors import StartFailed
from sen.network.ports import find_free_base


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SEN_NETWORK_DIR", raising=False)


@pytest.fixture
def manifest(tmp_path: Path, cometbft_binary: Path) -> NetworkManifest:
    plan = NetworkPlan(tmp_path / "net", validators=3, base_port=find_free_base(3, start=27000))
    return init_network(plan, cometbft_binary)


def test_init_prints_each_node_and_how_to_start(
    tmp_path: Path, cometbft_binary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = find_free_base(2, start=27500)
    argv = ["network", "init", "--validators", "2", "--dir", str(tmp_path / "n")]
    code, out, _ = run(
        [*argv, "--base-port", str(base), "--cometbft", str(cometbft_binary)], capsys
    )
    assert code == 0
    assert "node0: keys and CometBFT config (cometbft init)" in out
    assert f"http://127.0.0.1:{base + 1}" in out and f"http://127.0.0.1:{base + 12}" in out
    assert f"Start it with: sen network up --dir {tmp_path / 'n'}" in out
    assert (tmp_path / "n" / "network.toml").exists()


def test_init_with_a_bad_option_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["network", "init", "--validators", "0", "--dir", str(tmp_path / "n")], capsys
    )
    assert code == 2
    assert "error: --validators: expected 1 to 64, got 0" in err
    assert not (tmp_path / "n").exists()


def test_status_when_nothing_runs(
    manifest: NetworkManifest, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["network", "status", "--dir", str(manifest.directory)], capsys)
    assert code == 0
    assert out.count("not running") == 3
    assert f"Nothing is running; start it with: sen network up --dir {manifest.directory}" in out


def test_status_as_json(manifest: NetworkManifest, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["network", "status", "--dir", str(manifest.directory), "--json"], capsys)
    assert code == 0
    document = json.loads(out)
    assert document["chain_id"] == "sen-local"
    assert [n["name"] for n in document["nodes"]] == ["node0", "node1", "node2"]
    assert {n["state"] for n in document["nodes"]} == {"not running"}
    assert document["nodes"][1]["rpc_url"] == manifest.nodes[1].rpc_url
    assert document["nodes"][0]["height"] is None


def test_down_when_already_down_clears_stale_pid_files(
    manifest: NetworkManifest, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = manifest.nodes[1].home / "run" / "cometbft.pid"
    stale.write_text("999999999\n")
    code, out, _ = run(["network", "down", "--dir", str(manifest.directory)], capsys)
    assert code == 0
    assert "Nothing was running." in out
    assert not stale.exists()
    code, out, _ = run(["network", "down", "--dir", str(manifest.directory), "--kill"], capsys)
    assert code == 0 and "Nothing was running." in out


def test_unknown_node_name_is_named(
    manifest: NetworkManifest, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["network", "down", "--dir", str(manifest.directory), "node7"], capsys)
    assert code == 1
    assert "error: no node named 'node7' in this network (nodes: node0, node1, node2)" in err


def test_commands_on_a_directory_without_a_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["network", "status", "--dir", str(tmp_path)], capsys)
    assert code == 1
    assert f"error: no network in {tmp_path} (missing network.toml)" in err


def test_up_reports_a_node_that_fails_to_start_with_its_log(
    manifest: NetworkManifest, capsys: pytest.CaptureFixture[str]
) -> None:
    (manifest.nodes[0].home / "config" / "genesis.json").write_text("{not json")
    network = Network(manifest)
    try:
        code, _, err = run(
            ["network", "up", "--dir", str(manifest.directory), "node0", "--timeout", "60"], capsys
        )
    finally:
        network.down(kill=True)
    assert code == 1
    assert "error: node0: the Sen application exited before serving ABCI" in err
    assert f"last lines of {manifest.nodes[0].home / 'logs' / 'sen.log'}" in err
    assert "genesis" in err.split("last lines of", 1)[1]
    assert network.status()[0].state == "not running"


def test_start_failed_carries_the_log_tail(manifest: NetworkManifest) -> None:
    (manifest.nodes[2].home / "config" / "genesis.json").write_text("{not json")
    network = Network(manifest)
    try:
        with pytest.raises(StartFailed) as raised:
            network.start_node("node2", timeout=60)
    finally:
        network.down(kill=True)
    assert raised.value.log_path == manifest.nodes[2].home / "logs" / "sen.log"
    assert "sen network: starting" in raised.value.log_tail
