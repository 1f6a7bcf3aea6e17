"""The ``sen`` command in-process: exit codes, one-line errors, keys, verify (en and vi)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.api.inprocess import in_process_client
from sen.cli.main import hoist_global_options, main
from sen.node.node import Node, init_home
from sen.sdk import generate_key


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài")
    monkeypatch.setenv("SEN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SEN_NODE", raising=False)
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["node", "init", "--home", "h"], ["--home", "h", "node", "init"]),
        (
            ["keys", "list", "--node=u", "--lang", "vi"],
            ["--node=u", "--lang", "vi", "keys", "list"],
        ),
        (["verify", "r.json", "--", "--home"], ["verify", "r.json", "--", "--home"]),
        (["--home", "h", "keys", "list"], ["--home", "h", "keys", "list"]),
    ],
)
def test_global_options_may_be_written_anywhere(argv: list[str], expected: list[str]) -> None:
    assert hoist_global_options(argv) == expected


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["frobnicate"], 2, "No such command 'frobnicate'"),
        (["block", "show", "zero"], 2, "HEIGHT: expected a positive integer or 'latest'"),
        (["tx", "show", "abc"], 2, "HASH: expected 64 hex digits"),
        (
            ["tx", "send", "--key", "k", "--module", "m", "--action", "a", "--args", "{"],
            2,
            "--args is not valid JSON",
        ),
        (
            ["evidence", "anchor", "missing.pdf", "--key", "k"],
            2,
            "missing.pdf: no such file or directory",
        ),
        (
            ["evidence", "lookup", "00" * 32, "--algorithm", "md5"],
            2,
            "--algorithm: expected one of",
        ),
        (
            ["--node", "http://127.0.0.1:9", "node", "status"],
            3,
            "cannot reach the node at http://127.0.0.1:9",
        ),
        (["--node", "http://127.0.0.1:9", "block", "show"], 3, "cannot reach the node"),
        (["keys", "show", "nobody"], 1, "no key named 'nobody'"),
    ],
)
def test_errors_are_one_line_with_an_exit_code(
    argv: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, _, err = run(argv, capsys)
    assert exit_code == code
    assert message in _one_error_line(err)


def test_node_init_twice_is_refused_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "n"
    code, out, _ = run(["node", "init", "--home", str(home), "--chain-id", "bo-gd-dt"], capsys)
    assert code == 0 and "bo-gd-dt" in out and str((home / "data").resolve()) in out
    code, _, err = run(["node", "init", "--home", str(home)], capsys)
    assert code == 1 and "already holds a node" in _one_error_line(err)
    code, _, _ = run(["node", "init", "--home", str(home), "--force"], capsys)
    assert code == 0


def test_keys_new_list_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["keys", "new", "truong-dhbk"], capsys)
    assert code == 0 and "Created key truong-dhbk" in out
    code, out, _ = run(["keys", "show", "truong-dhbk", "--json"], capsys)
    shown = json.loads(out)
    assert shown["suite"] == "ed25519" and len(shown["address"]) == 40
    code, out, _ = run(["keys", "list", "--json"], capsys)
    assert [k["address"] for k in json.loads(out)] == [shown["address"]]
    code, _, err = run(["keys", "new", "truong-dhbk"], capsys)
    assert code == 1 and "already exists" in _one_error_line(err)


def test_wrong_passphrase_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run(["keys", "new", "alice"], capsys)
    monkeypatch.setenv("SEN_PASSPHRASE", "sai")
    (tmp_path / "doc.txt").write_text("x")
    code, _, err = run(
        [
            "--node",
            "http://127.0.0.1:9",
            "evidence",
            "anchor",
            str(tmp_path / "doc.txt"),
            "--key",
            "alice",
        ],
        capsys,
    )
    assert code == 1
    assert "cannot decrypt: wrong passphrase" in _one_error_line(err)


@pytest.fixture(scope="module")
def anchored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """A node's genesis, a diploma anchored on it, and its receipt."""
    root = tmp_path_factory.mktemp("chain")
    config = init_home(root / "home", chain_id="bo-giao-duc", block_interval=0.05)
    node = Node.open(config)
    node.start()
    try:
        client = in_process_client(node)
        diploma = root / "bang-tot-nghiep.pdf"
        diploma.write_bytes("Bằng tốt nghiệp — Nguyễn Thị Hoa".encode())
        result = client.anchor(
            generate_key(), Path(diploma), title="Bằng tốt nghiệp", organisation="ĐH Bách khoa"
        )
        receipt = root / "receipt.json"
        receipt.write_text(json.dumps(client.receipt(result.digests[0])))
    finally:
        node.close()
    yield config.genesis_path, diploma, receipt


def test_verify_a_valid_receipt_offline(
    anchored: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    genesis, diploma, receipt = anchored
    argv = ["verify", str(receipt), "--genesis", str(genesis), "--file", str(diploma)]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert out.count("✓") == 9 and "✗" not in out
    assert "VALID: this receipt proves the document was anchored on chain bo-giao-duc" in out
    assert "title: Bằng tốt nghiệp; organisation: ĐH Bách khoa" in out
    code, out, _ = run(["--lang", "vi", *argv], capsys)
    assert code == 0
    assert (
        "HỢP LỆ: biên nhận này chứng minh tài liệu đã được ghi nhận trên chuỗi bo-giao-duc" in out
    )
    assert "trùng khớp chính xác" in out


def test_verify_a_tampered_document_fails(
    anchored: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    genesis, diploma, receipt = anchored
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(diploma.read_bytes() + " (sửa)".encode())
    argv = ["verify", str(receipt), "--genesis", str(genesis), "--file", str(forged)]
    code, out, _ = run(argv, capsys)
    assert code == 1
    assert "✗ document: the document's sha-256 digest" in out
    assert "INVALID: the receipt failed the document check" in out
    code, out, _ = run(["--lang", "vi", *argv], capsys)
    assert code == 1
    assert "KHÔNG HỢP LỆ: biên nhận không vượt qua bước kiểm tra tài liệu" in out


def test_verify_a_tampered_receipt_fails(
    anchored: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    genesis, _, receipt = anchored
    doc = json.loads(receipt.read_text())
    doc["transaction"]["index"] = doc["transaction"]["index"] + 1
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    code, out, _ = run(["verify", str(edited), "--genesis", str(genesis), "--json"], capsys)
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False and report["checks"][-1]["ok"] is False


def test_verify_needs_a_genesis_and_a_receipt(
    anchored: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    genesis, _, receipt = anchored
    code, _, err = run(["verify", str(receipt)], capsys)  # SEN_HOME has no node
    assert code == 2 and "no genesis file at" in _one_error_line(err)
    junk = tmp_path / "junk.json"
    junk.write_text("not json")
    code, _, err = run(["verify", str(junk), "--genesis", str(genesis)], capsys)
    assert code == 1 and "is not a receipt: not JSON" in _one_error_line(err)
