"""``sen trust`` and ``sen status`` against a running node with did:sen:moet as a trust root."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.api.inprocess import in_process_client
from sen.cli._context import Settings
from sen.cli.main import main
from sen.node.config import load_config
from sen.node.node import Node, init_home

DEGREE = "UniversityDegreeCredential"


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
    genesis = json.loads(config.genesis_path.read_text(encoding="utf-8"))
    genesis["app_state"]["trust"] = {"roots": ["did:sen:moet"]}
    config.genesis_path.write_text(json.dumps(genesis, indent=2), encoding="utf-8")
    running = Node.open(load_config(config.home))
    running.start()
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(running))
    yield running
    running.close()


def test_accredit_check_revoke(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    ok(["keys", "new", "moet"], capsys)
    ok(["keys", "new", "hust"], capsys)
    ok(["did", "create", "moet", "--key", "moet", "--method-key", "moet"], capsys)
    ok(["did", "create", "hust", "--key", "hust", "--method-key", "hust"], capsys)
    assert "did:sen:moet" in ok(["trust", "roots"], capsys)

    out = ok(
        [
            "trust",
            "accredit",
            "did:sen:hust",
            "--accreditor",
            "did:sen:moet",
            "--type",
            DEGREE,
            "--valid-until",
            "2099-01-01T00:00:00Z",
            "--key",
            "moet",
        ],
        capsys,
    )
    assert out.startswith("accredited did:sen:hust (accreditation 1) by did:sen:moet")
    out = ok(["trust", "check", "did:sen:hust", DEGREE], capsys)
    assert "did:sen:hust → did:sen:moet" in out
    code, _, err = run(["trust", "check", "did:sen:hust", "TranscriptCredential"], capsys)
    assert code == 1 and "type_not_covered" in err
    code, _, err = run(
        [
            "trust",
            "accredit",
            "did:sen:moet",
            "--accreditor",
            "did:sen:hust",
            "--type",
            DEGREE,
            "--key",
            "hust",
        ],
        capsys,
    )
    assert code == 1 and "NOT_ACCREDITED" in err
    history = json.loads(ok(["trust", "issuer", "did:sen:hust", "--json"], capsys))
    assert [a["id"] for a in history["accreditations"]] == [1]

    assert "revoked accreditation 1" in ok(
        ["trust", "revoke", "did:sen:hust", "1", "--key", "moet"], capsys
    )
    code, _, err = run(["trust", "check", "did:sen:hust", DEGREE], capsys)
    assert code == 1 and "revoked" in err
    code, _, err = run(["trust", "check", "did:sen:hust", DEGREE, "--at", "soon"], capsys)
    assert code == 2 and "--at" in err


def test_schemas(node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok(["keys", "new", "moet"], capsys)
    ok(["did", "create", "moet", "--key", "moet", "--method-key", "moet"], capsys)
    schema = tmp_path / "degree.json"
    schema.write_bytes(b'{"type": "object"}')
    schema_id = "https://schemas.moet.gov.vn/degree/1.json"
    out = ok(
        [
            "trust",
            "schema-register",
            schema_id,
            "--issuer",
            "did:sen:moet",
            "--name",
            "Bằng",
            "--version",
            "1.0",
            "--type",
            DEGREE,
            "--file",
            str(schema),
            "--key",
            "moet",
        ],
        capsys,
    )
    assert hashlib.sha256(schema.read_bytes()).hexdigest() in out
    shown = json.loads(ok(["trust", "schema-show", schema_id, "--json"], capsys))
    assert (shown["name"], shown["deprecated"]) == ("Bằng", False)
    ok(["trust", "schema-deprecate", schema_id, "--key", "moet"], capsys)
    assert "deprecated" in ok(["trust", "schema-show", schema_id], capsys)
    code, _, err = run(
        [
            "trust",
            "schema-register",
            schema_id,
            "--issuer",
            "did:sen:moet",
            "--name",
            "x",
            "--version",
            "1",
            "--type",
            DEGREE,
            "--key",
            "moet",
        ],
        capsys,
    )
    assert code == 2 and "--file or --digest" in err


def test_a_status_list(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    ok(["keys", "new", "hust"], capsys)
    ok(["did", "create", "hust", "--key", "hust", "--method-key", "hust"], capsys)
    issuer = ["--issuer", "did:sen:hust", "--key", "hust"]
    ok(["status", "create", "paused", "--purpose", "suspension", *issuer], capsys)
    assert "version 2" in ok(["status", "set", "paused", "3", "1000", *issuer], capsys)
    assert "version 3" in ok(["status", "clear", "paused", "3", *issuer], capsys)
    out = ok(["status", "show", "did:sen:hust", "paused", "--index", "1000"], capsys)
    assert "entry 1000" in out and "verified against app hash" in out
    body = json.loads(ok(["status", "show", "did:sen:hust", "paused", "--json"], capsys))
    assert (body["version"], body["purpose"]) == (3, "suspension")
    code, _, err = run(
        ["status", "show", "did:sen:hust", "paused", "--app-hash", "00" * 32], capsys
    )
    assert code == 1 and "does not verify" in err
    code, _, err = run(["status", "set", "paused", "131072", *issuer], capsys)
    assert code == 1 and "STATUS_INDEX_OUT_OF_RANGE" in err
