"""An outside reviewer's attack (issue 14) on ``sen privacy vaults`` and ``sen consent show``:
what the CLI prints after "checking each record's proof".

A node (or anything between the CLI and it) answers with the real record and its valid
proof, but with other words in the JSON fields beside them. Does the CLI print the proven
record, or the unproven words?

Each ``xfail(strict=True)`` test demonstrates a weakness (its reason starts ``FINDING:``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sen.api.inprocess import in_process_client
from sen.cli._context import Settings
from sen.cli.main import main
from sen.node.config import load_config
from sen.node.node import Node, init_home

A = "did:sen:benh-vien-a"


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


class Rewriting:
    """A client whose answers keep each record's ``record`` (value and proof) and rewrite
    the words beside it, as a lying node or proxy would."""

    def __init__(self, inner: Any, rewrite: dict[str, Any]) -> None:
        self._inner, self._rewrite = inner, rewrite

    def __enter__(self) -> Rewriting:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _apply(self, body: Any) -> Any:
        if isinstance(body, list):
            return [self._apply(b) for b in body]
        if isinstance(body, dict) and "record" in body:
            return {**body, **self._rewrite}
        return body

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        return self._apply(self._inner.get_list(*args, **kwargs))

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._apply(self._inner.get(*args, **kwargs))


@pytest.fixture
def node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Node]:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài")
    monkeypatch.delenv("SEN_NODE", raising=False)
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    config = init_home(tmp_path / "home", chain_id="vn-health", block_interval=0.05)
    running = Node.open(load_config(config.home))
    running.start()
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(running))
    yield running
    running.close()


def test_sen_privacy_vaults_prints_what_the_proof_proves(
    node: Node, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(["keys", "new", "hospital"], capsys)
    ok(["did", "create", "benh-vien-a", "--key", "hospital", "--method-key", "hospital"], capsys)
    ok(["privacy", "declare-vault", A, "--name", "main", "--jurisdiction", "VN-HN",
        "--key", "hospital"], capsys)  # fmt: skip
    assert "main: VN-HN" in ok(["privacy", "vaults", A], capsys)
    lying = {"jurisdiction": "SG", "endpoint": "https://kho.example.sg"}
    monkeypatch.setattr(Settings, "client", lambda self: Rewriting(in_process_client(node), lying))
    code, out, err = run(["privacy", "vaults", A], capsys)
    assert code != 0 or ("VN-HN" in out and "SG" not in out), out + err
    code, out, err = run(["privacy", "vaults", A, "--json"], capsys)
    if code == 0:
        [shown] = json.loads(out)
        assert shown["jurisdiction"] == "VN-HN", shown
