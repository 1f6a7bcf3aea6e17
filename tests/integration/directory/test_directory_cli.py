"""``sen directory`` against a running hub: propose entries, vote them through, read them back.

The hub is made with the CLI as an operator would (``sen ca``, ``sen genesis
new``): one organisation, ``mic``, whose admin ``alice`` passes proposals
alone. Reads check each answer's state proof before printing it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub import make_hub, propose_and_pass

from sen.api.inprocess import in_process_client
from sen.cli._context import Settings
from sen.cli.directory import verified
from sen.cli.errors import CliError
from sen.cli.main import main
from sen.node.node import Node

GENESIS = "11" * 32
VALIDATORS = "22" * 32
SCHEMA = "33" * 32


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


def _entry(chain_id: str = "vn-edu", **changes: Any) -> dict[str, Any]:
    return {
        "chain_id": chain_id,
        "genesis_hash": GENESIS,
        "operator": "mic",
        "sector": "education",
        "endpoints": [{"kind": "rest", "url": f"https://api.{chain_id}.sen.gov.vn"}],
        "validators_hash": VALIDATORS,
        "links": [
            {
                "counterparty": "vn-labour",
                "client_id": "sen-client-0",
                "counterparty_client_id": "sen-client-2",
            }
        ],
        "datasets": [
            {
                "uri": f"sen://{chain_id}/evidence/diploma",
                "record_type": "diploma",
                "module": "evidence",
                "schema_digest": SCHEMA,
            }
        ],
    } | changes


@pytest.fixture
def hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Node]:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài")
    monkeypatch.delenv("SEN_NODE", raising=False)
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    running = make_hub(tmp_path, lambda argv: ok(argv, capsys))
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(running))
    yield running
    running.close()


def _propose_and_pass(argv: list[str], capsys: pytest.CaptureFixture[str]) -> int:
    return propose_and_pass(argv, lambda args: ok(args, capsys))


def test_register_read_update_and_remove_through_the_cli(
    hub: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "vn-edu.json"
    file.write_text(json.dumps(_entry()), encoding="utf-8")
    _propose_and_pass(
        ["directory", "propose-register", "--file", str(file), "--key", "alice"], capsys
    )

    listed = ok(["directory", "list"], capsys)
    assert "vn-edu" in listed and "education" in listed and "mic" in listed
    shown = ok(["directory", "show", "vn-edu"], capsys)
    assert GENESIS in shown and "sen://vn-edu/evidence/diploma" in shown
    assert "sen-client-0 → vn-labour" in shown
    assert "proof verified against app hash" in shown
    assert "bằng chứng hợp lệ" in ok(["--lang", "vi", "directory", "show", "vn-edu"], capsys)
    body = json.loads(ok(["directory", "show", "vn-edu", "--json"], capsys))
    assert verified(body)["genesis_hash"] == bytes.fromhex(GENESIS)

    typed = ok(["directory", "datasets", "--type", "diploma"], capsys)
    assert typed.splitlines()[0] == "sen://vn-edu/evidence/diploma"
    one = ok(["directory", "datasets", "--uri", "sen://vn-edu/evidence/diploma"], capsys)
    assert SCHEMA in one
    none = ok(["directory", "datasets", "--type", "carbon-credit"], capsys)
    assert "no dataset of type carbon-credit in the directory (absence proved)" in none

    update = tmp_path / "update.json"
    update.write_text(json.dumps({"chain_id": "vn-edu", "sector": "vocational"}), "utf-8")
    _propose_and_pass(
        ["directory", "propose-update", "--file", str(update), "--key", "alice"], capsys
    )
    assert json.loads(ok(["directory", "show", "vn-edu", "--json"], capsys))["sector"] == (
        "vocational"
    )
    _propose_and_pass(["directory", "propose-remove", "vn-edu", "--key", "alice"], capsys)
    code, _, err = run(["directory", "show", "vn-edu"], capsys)
    assert code == 1 and "not in the directory" in err


def test_gov_propose_takes_the_same_kinds(hub: Node, capsys: pytest.CaptureFixture[str]) -> None:
    payload = _entry("vn-moit", sector="trade", links=[], datasets=[])
    payload |= {"genesis_hash": f"hex:{GENESIS}", "validators_hash": f"hex:{VALIDATORS}"}
    out = ok(
        ["gov", "propose", "register_chain", "--payload", json.dumps(payload), "--key", "alice"],
        capsys,
    )
    proposal = re.match(r"proposal (\d+)", out)
    assert proposal is not None
    ok(["gov", "vote", proposal[1], "yes", "--key", "alice"], capsys)
    assert "trade" in ok(["directory", "list"], capsys)


@pytest.mark.parametrize(
    ("entry", "code", "message"),
    [
        (_entry(sector="Giáo dục"), 1, "INVALID_PROPOSAL"),
        (_entry(sector="Giáo dục"), 1, "args.payload.sector"),
        (_entry(name="Bộ Giáo dục"), 1, "args.payload.name"),
        (_entry(genesis_hash="zz" * 32), 2, "genesis_hash: not hex"),
        ([_entry()], 2, "expected a JSON object"),
    ],
)
def test_a_bad_entry_file_is_one_line_and_proposes_nothing(
    hub: Node,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    entry: object,
    code: int,
    message: str,
) -> None:
    file = tmp_path / "entry.json"
    file.write_text(json.dumps(entry), encoding="utf-8")
    before = hub.app.store.get(b"governance/next")
    found, _, err = run(
        ["directory", "propose-register", "--file", str(file), "--key", "alice"], capsys
    )
    assert found == code and message in err, err
    assert len([line for line in err.splitlines() if line.strip()]) == 1
    assert hub.app.store.get(b"governance/next") == before


def test_usage_errors(hub: Node, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["directory", "datasets"], capsys)
    assert code == 2 and "give --type or --uri" in err
    code, _, err = run(["directory", "show", "vn edu"], capsys)
    assert code == 1 and "chain_id" in err
    code, _, err = run(
        ["directory", "propose-register", "--file", "nope.json", "--key", "alice"], capsys
    )
    assert code == 2 and "nope.json" in err


def test_an_answer_that_does_not_prove_itself_is_refused() -> None:
    forged = {"key": "00", "value": "a0", "app_hash": "00" * 32, "height": 1}
    forged["proof"] = {"siblings": [], "leaf_path": None, "leaf_value_hash": None}
    with pytest.raises(CliError, match="does not prove itself"):
        verified(forged)
