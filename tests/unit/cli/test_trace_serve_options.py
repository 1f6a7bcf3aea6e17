"""sen trace serve refuses contradictory options before it opens anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.cli.main import main


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--capturer", "did:sen:a", "--key", "a", "--store", "x.db", "--postgres", "host=x"],
         "--store and --postgres: one event store, not both"),
        (["--capturer", "did:sen:a", "--capturer", "did:sen:b", "--key", "a"],
         "one key per capturer, in order (got 2 capturers and 1 keys)"),
        (["--capturer", "did:sen:a", "--capturer", "did:sen:a", "--key", "a", "--key", "a"],
         "--capturer: each DID once"),
    ],
)  # fmt: skip
def test_contradictory_options_are_named(
    argv: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("SEN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exited:
        main(["trace", "serve", *argv, "--secrets", str(tmp_path / "s")])
    assert exited.value.code == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "s").exists()  # nothing made
