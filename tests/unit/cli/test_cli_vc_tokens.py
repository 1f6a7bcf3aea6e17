"""``sen vc token create|list|revoke``: a token per issuer, printed once, never stored."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from sen.cli.main import main
from sen.node.node import init_home
from sen.services.credentials.tokens import TokenStore, tokens_path

ISSUER = """
[vc]
[[vc.issuers]]
did = "did:sen:vnu"
verification_method = "did:sen:vnu#key-1"
key = "vnu-issuer"
status_list = "bang-2025"
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SEN_LANG", raising=False)
    config = init_home(tmp_path / "home", port=26999)
    config.settings_path.write_text(config.settings_path.read_text() + ISSUER)
    return tmp_path / "home"


def test_create_prints_the_token_once_and_keeps_only_its_hash(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["--home", str(home), "vc", "token", "create", "did:sen:vnu"], capsys)
    assert code == 0, err
    token = out.splitlines()[1]
    store = TokenStore(tokens_path(home / "config" / "sen.toml"))
    assert store.issuer_of(token) == "did:sen:vnu"
    assert token not in store.path.read_text()
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert "Shown once" in out

    code, out, _ = run(["--home", str(home), "vc", "token", "list", "--json"], capsys)
    assert code == 0 and token not in out
    [listed] = json.loads(out)
    assert listed["issuer"] == "did:sen:vnu" and token.startswith(f"senvc_{listed['id']}_")

    code, out, _ = run(["--home", str(home), "vc", "token", "revoke", "did:sen:vnu"], capsys)
    assert code == 0 and store.issuer_of(token) is None


def test_create_refuses_an_issuer_this_node_does_not_have(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["--home", str(home), "vc", "token", "create", "did:sen:other"], capsys)
    assert code == 1
    assert (
        "did:sen:other is not an issuer of this node: add it to [[vc.issuers]] in sen.toml "
        "first (configured: did:sen:vnu)" in " ".join(err.split())
    )
    assert not tokens_path(home / "config" / "sen.toml").exists()


def test_revoking_a_missing_token_says_so(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--home", str(home), "vc", "token", "revoke", "did:sen:vnu"], capsys)
    assert code == 1 and "did:sen:vnu has no token on this node" in err


def test_a_did_key_is_printed_as_written_not_as_an_emoji(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rich reads ":key:" as an emoji code: a copied DID must be the DID."""
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    settings = home / "config" / "sen.toml"
    settings.write_text(
        settings.read_text()
        + f'\n[[vc.issuers]]\ndid = "{did}"\nverification_method = "{did}#{did[8:]}"\n'
        'key = "interop"\nstatus_list = "interop"\n'
    )
    code, out, err = run(["--home", str(home), "vc", "token", "create", did], capsys)
    assert code == 0, err
    code, out, _ = run(["--home", str(home), "vc", "token", "list"], capsys)
    assert code == 0 and did in out and "🔑" not in out
