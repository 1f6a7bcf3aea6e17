"""``sen interchain`` against two linked in-process chains (``--node a`` / ``--node b``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from two_chains import TwoChains, wait_until
from two_chains import ok_cli as ok
from two_chains import run_cli as run

from sen.api.inprocess import in_process_client
from sen.cli._context import Settings


@pytest.fixture
def linked(
    chains: TwoChains, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TwoChains]:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài-2026")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setattr(
        Settings,
        "client",
        lambda self: in_process_client(chains.a if self.node == "a" else chains.b),
    )
    yield chains


def test_ask_relay_answer_and_a_receipt_from_the_command_line(
    linked: TwoChains, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = ok(["--node", "a", "interchain", "client", "sen-client-0"], capsys)
    assert "sen-giao-duc" in shown and "counterparty client" in shown
    issuer = linked.revocation_list(revoked=[3])
    ok(["keys", "new", "hoi"], capsys)
    sent = ok(
        [
            "--node", "a", "interchain", "ask-status", "--client", "sen-client-0",
            "--issuer", issuer, "--list", "bang-2025", "--index", "3", "--key", "hoi",
        ],
        capsys,
    )  # fmt: skip
    assert "sent: packet 1 of sen-client-0" in sent
    assert "1 pending: 1" in ok(["--node", "a", "interchain", "pending", "sen-client-0"], capsys)
    code, missing = run(["--node", "a", "interchain", "answer", "sen-client-0", "1"], capsys)
    assert code == 1 and "no answer to packet 1 of sen-client-0 yet" in missing

    relayer = linked.relayer()
    wait_until(
        lambda: relayer.run_pass() is not None and not linked.ic("a").pending(linked.a_client),
        60,
        "settled",
    )
    answer = json.loads(
        ok(["--node", "a", "interchain", "answer", "sen-client-0", "1", "--json"], capsys)
    )
    assert (answer["outcome"], answer["status"], answer["index"]) == ("answered", 1, 3)
    packet = ok(["--node", "a", "interchain", "packet", "sen-client-0", "1"], capsys)
    assert "no (settled)" in packet and "status-query -> status-query" in packet

    path = tmp_path / "cau-hoi.json"
    wait_until(
        lambda: run(["--node", "b", "interchain", "receipt", "sen-client-0", "1", "-o", str(path)],
                    capsys)[0] == 0,
        10,
        "the receipt",
    )  # fmt: skip
    (tmp_path / "a.json").write_bytes(linked.a.app.genesis.raw)
    (tmp_path / "b.json").write_bytes(linked.b.app.genesis.raw)
    checked = ok(
        ["verify", str(path), "--source-genesis", str(tmp_path / "a.json"),
         "--genesis", str(tmp_path / "b.json")],
        capsys,
    )  # fmt: skip
    assert "VALID: packet 1 from chain sen-lao-dong" in checked
    assert '"status":1' in checked
    code, refused = run(["verify", str(path), "--genesis", str(tmp_path / "b.json")], capsys)
    assert code == 2 and "--source-genesis" in refused


def test_bad_input_is_named(linked: TwoChains, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run(["--node", "a", "interchain", "client", "client-0"], capsys)
    assert code != 0 and "client_id" in output
    code, output = run(["--node", "a", "interchain", "packet", "sen-client-0", "5"], capsys)
    assert code != 0 and "no packet 5 was sent through sen-client-0" in output
    code, output = run(["relay", "--config", "/nonexistent/relay.toml"], capsys)
    assert code == 2 and "cannot read" in output
