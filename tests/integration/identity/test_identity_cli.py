"""``sen did`` against a running node: create, resolve, rotate, list, deactivate, did:key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.api.inprocess import in_process_client
from sen.cli._context import Settings
from sen.cli.main import main
from sen.node.config import load_config
from sen.node.node import Node, init_home


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def ok(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(argv, capsys)
    assert code == 0, out + err
    return out


@pytest.fixture
def node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Node]:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài")
    monkeypatch.delenv("SEN_NODE", raising=False)
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    config = init_home(tmp_path / "home", chain_id="vn-edu", block_interval=0.05)
    running = Node.open(load_config(config.home))
    running.start()
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(running))
    yield running
    running.close()


def test_a_did_through_its_life(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    ok(["keys", "new", "issuer"], capsys)
    ok(["keys", "new", "signing"], capsys)
    ok(["keys", "new", "rotated", "--suite", "ecdsa-p256"], capsys)
    signing_did = ok(["did", "key", "--key", "signing"], capsys).strip()
    assert signing_did.startswith("did:key:z6Mk")
    assert ok(["did", "key", "--key", "rotated"], capsys).strip().startswith("did:key:zDn")

    out = ok(
        [
            "did",
            "create",
            "moet",
            "--key",
            "issuer",
            "--method-key",
            "signing",
            "--service",
            "web,LinkedDomains,https://moet.gov.vn",
        ],
        capsys,
    )
    assert out.startswith("created did:sen:moet")
    result = json.loads(ok(["did", "resolve", "did:sen:moet"], capsys))
    document = result["didDocument"]
    assert document["verificationMethod"][0]["publicKeyMultibase"] == signing_did[8:]
    assert document["assertionMethod"] == document["authentication"] == ["did:sen:moet#key-1"]
    assert document["service"][0]["serviceEndpoint"] == "https://moet.gov.vn"
    assert result["didDocumentMetadata"]["versionId"] == "1"
    assert result["didDocumentMetadata"]["chainId"] == "vn-edu"

    out = ok(["did", "update", "moet", "--key", "issuer", "--method-key", "rotated:p256"], capsys)
    assert "version 2" in out
    latest = json.loads(ok(["did", "resolve", "did:sen:moet", "--document"], capsys))
    assert latest["verificationMethod"][0]["id"] == "did:sen:moet#p256"
    first = json.loads(
        ok(["did", "resolve", "did:sen:moet", "--version-id", "1", "--document"], capsys)
    )
    assert first["verificationMethod"][0]["publicKeyMultibase"] == signing_did[8:]

    listing = json.loads(ok(["did", "list", "--json"], capsys))
    assert [(d["did"], d["version"]) for d in listing["dids"]] == [("did:sen:moet", 2)]
    assert "did:sen:moet" in ok(["did", "list"], capsys)

    code, _, err = run(
        ["did", "update", "moet", "--key", "signing", "--method-key", "signing"], capsys
    )
    assert code == 1 and "NOT_DID_CONTROLLER" in err
    assert "deactivated" in ok(["did", "deactivate", "did:sen:moet", "--key", "issuer"], capsys)
    gone = json.loads(ok(["did", "resolve", "did:sen:moet"], capsys))
    assert gone["didDocumentMetadata"]["deactivated"] is True
    code, _, err = run(["did", "deactivate", "moet", "--key", "issuer"], capsys)
    assert code == 1 and "DID_DEACTIVATED" in err


def test_resolve_errors_and_did_key_offline(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["did", "resolve", "did:sen:nobody"], capsys)
    assert code == 1 and "notFound" in err and "did:sen:nobody" in err
    code, _, err = run(["did", "resolve", "did:sen:moet", "--version-time", "soon"], capsys)
    assert code == 1 and "invalidOptions" in err
    did = "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"
    result = json.loads(ok(["did", "resolve", did], capsys))
    assert result["didDocument"]["id"] == did
    code, _, err = run(["did", "create", "moet", "--key", "nobody"], capsys)
    assert code == 2 and "--method-key" in err
