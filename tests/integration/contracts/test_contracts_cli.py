"""``sen contract`` and the contracts API against an in-process node that runs contracts."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sen.api.app import create_app
from sen.api.inprocess import in_process_client
from sen.cli._context import Settings
from sen.cli.main import main
from sen.ledger.modules.contracts.records import CODE_PREFIX
from sen.node.node import Node, init_home

REGISTRY = Path(__file__).parents[3] / "contracts" / "examples" / "registry"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out + captured.err


def ok(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, output = run(argv, capsys)
    assert code == 0, output
    return output


@pytest.fixture
def node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Node]:
    config = init_home(tmp_path / "home", block_interval=0.05, contracts=True)
    opened = Node.open(dataclasses.replace(config, sync=False))
    opened.start()
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài-2026")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(opened))
    yield opened
    opened.close()


def address_of(name: str, capsys: pytest.CaptureFixture[str]) -> str:
    return str(json.loads(ok(["keys", "show", name, "--json"], capsys))["address"])


def test_build_names_the_code_the_chain_will_hold(
    node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Reproducible by construction: the code hash is the SHA-256 of the source, so two builds,
    a copy of the file elsewhere, and the chain after a deploy all name the same code."""
    first = json.loads(ok(["contract", "build", str(REGISTRY), "--json"], capsys))
    copy = tmp_path / "elsewhere" / "contract.py"
    copy.parent.mkdir()
    copy.write_bytes((REGISTRY / "contract.py").read_bytes())
    second = json.loads(ok(["contract", "build", str(copy), "--json"], capsys))
    assert first["code"] == second["code"]
    ok(["keys", "new", "a"], capsys)
    deployed = json.loads(
        ok(
            ["contract", "deploy", str(copy), "--key", "a", "--args", '{"name": "X"}', "--json"],
            capsys,
        )
    )
    assert deployed["code"] == first["code"]
    broken = tmp_path / "broken.py"
    broken.write_text("def broken(:\n")
    code, output = run(["contract", "build", str(broken)], capsys)
    assert code != 0 and "syntax" in output and "line 1" in output


def test_deploy_execute_query_show(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    ok(["keys", "new", "bo-nong-nghiep"], capsys)
    ok(["keys", "new", "htx"], capsys)
    ministry, coop = address_of("bo-nong-nghiep", capsys), address_of("htx", capsys)
    deployed = json.loads(
        ok(
            ["contract", "deploy", str(REGISTRY), "--key", "bo-nong-nghiep", "--label", "ocop",
             "--args", '{"name": "OCOP"}', "--json"],
            capsys,
        )
    )  # fmt: skip
    contract = deployed["address"]
    assert deployed["uploaded"] is True and len(contract) == 40
    mint = {"asset": "VCU", "to": ministry, "amount": 100}
    ok(
        [
            "contract",
            "execute",
            contract,
            "mint",
            "--key",
            "bo-nong-nghiep",
            "--args",
            json.dumps(mint),
        ],
        capsys,
    )
    sent = json.loads(
        ok(
            ["contract", "execute", contract, "transfer", "--key", "bo-nong-nghiep", "--json",
             "--args", json.dumps({"asset": "VCU", "to": coop, "amount": 30})],
            capsys,
        )
    )  # fmt: skip
    assert sent["answer"] == 70 and sent["code"] == 0 and 0 < sent["gas_used"] < 10_000_000
    balance = ok(
        [
            "contract",
            "query",
            contract,
            "balance",
            "--args",
            json.dumps({"asset": "VCU", "holder": coop}),
        ],
        capsys,
    )
    assert json.loads(balance) == 30
    # a second deploy of the same source reuses the code
    again = json.loads(
        ok(
            [
                "contract",
                "deploy",
                str(REGISTRY),
                "--key",
                "htx",
                "--args",
                '{"name": "B"}',
                "--json",
            ],
            capsys,
        )
    )
    assert again["uploaded"] is False and again["code"] == deployed["code"]
    shown = ok(["contract", "show", contract], capsys)
    assert "ocop" in shown and deployed["code"] in shown
    source = ok(["contract", "show", deployed["code"], "--source"], capsys)
    assert "def transfer" in source


def test_failures_are_named_and_change_nothing(
    node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(["keys", "new", "a"], capsys)
    ok(["keys", "new", "b"], capsys)
    contract = json.loads(
        ok(
            [
                "contract",
                "deploy",
                str(REGISTRY),
                "--key",
                "a",
                "--args",
                '{"name": "X"}',
                "--json",
            ],
            capsys,
        )
    )["address"]
    code, refused = run(
        ["--lang", "vi", "contract", "execute", contract, "mint", "--key", "b",
         "--args", '{"asset": "VCU", "to": "x", "amount": 1}'],
        capsys,
    )  # fmt: skip
    assert code != 0 and "CONTRACT_REFUSED" in refused and "only a minter" in refused
    code, missing = run(["contract", "query", contract, "nope"], capsys)
    assert code != 0 and "NO_SUCH_ENTRY" in missing
    code, bad = run(
        ["contract", "execute", contract, "mint", "--key", "a", "--args", "[1]"], capsys
    )
    assert code != 0 and "--args: expected a JSON object" in bad
    code, unknown = run(["contract", "show", "ab" * 20], capsys)
    assert code != 0 and "no contract" in unknown
    code, proposed = run(["contract", "propose-upload", str(REGISTRY), "--key", "a"], capsys)
    assert code != 0 and "NOT_IN_AN_ORGANISATION" in proposed  # governance needs organisations
    supply = ok(["contract", "query", contract, "supply_of", "--args", '{"asset": "VCU"}'], capsys)
    assert json.loads(supply) == {"circulating": 0, "minted": 0, "retired": 0}

    # what the chain would refuse is said before any code is uploaded
    def codes() -> int:
        return len(node.app.store.keys_with_prefix(CODE_PREFIX, b"", 100))

    codes_before = codes()
    assert codes_before == 1  # the registry
    workflow = REGISTRY.parent / "workflow"
    code, bad_admin = run(
        ["contract", "deploy", str(workflow), "--key", "a", "--admin", "a"], capsys
    )
    assert code == 2 and "--admin: expected an address (40 hex" in bad_admin
    code, long_label = run(
        ["contract", "deploy", str(workflow), "--key", "a", "--label", "x" * 129], capsys
    )
    assert code == 2 and "--label: at most 128 bytes, got 129" in long_label
    code, immutable = run(["contract", "migrate", contract, str(workflow), "--key", "a"], capsys)
    assert code != 0 and "it is immutable, nobody can migrate it" in immutable
    assert codes() == codes_before  # nothing was uploaded


def test_api_reads(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    ok(["keys", "new", "a"], capsys)
    contract = json.loads(
        ok(
            [
                "contract",
                "deploy",
                str(REGISTRY),
                "--key",
                "a",
                "--args",
                '{"name": "X"}',
                "--json",
            ],
            capsys,
        )
    )["address"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette suggests another HTTP package
        from starlette.testclient import TestClient
    with TestClient(create_app(node)) as http:
        settings = http.get("/v1/contracts").json()
        assert settings["enabled"] is True and len(settings["runtime"]) == 64
        codes = http.get("/v1/contracts/codes").json()
        assert len(codes["codes"]) == 1 and codes["next"] is None
        listed = http.get("/v1/contracts/instances").json()
        assert [i["address"] for i in listed["instances"]] == [contract]
        for path, status in [
            ("/v1/contracts/instances/xyz", 400),
            ("/v1/contracts/instances/" + "00" * 20, 404),
            ("/v1/contracts/codes/" + "00" * 32, 404),
            ("/v1/contracts/codes?after=zz", 400),
        ]:
            assert http.get(path).status_code == status, path
        query = f"/v1/contracts/instances/{contract}/query"
        looped = http.post(query, json={"entry": "balance", "args": {"asset": 1, "holder": "x"}})
        assert looped.status_code == 422 and looped.json()["code_name"] == "CONTRACT_FAILED"
        assert http.post(query, json={"entry": "1bad"}).status_code == 400
        assert http.post(query, json={"entry": "balance", "gas": 0}).status_code in (400, 422)
        for gas in (True, 1.0, "1000000"):
            refused = http.post(query, json={"entry": "balance", "gas": gas})
            assert refused.status_code in (400, 422) and "gas" in refused.text, gas
        deep = '{"entry": "balance", "args": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"
        answered = http.post(query, content=deep, headers={"content-type": "application/json"})
        assert answered.status_code in (400, 413, 422), answered.status_code
        assert http.post(query, json={"entry": "balance", "surprise": 1}).status_code in (400, 422)


PROBLEMS = """import os
import sen_contract as sen


@sen.execute
def spin(n: int):
    total = 0
    for i in range(n):
        total += i
    return total


@sen.execute
def refuse():
    sen.fail("not today")


@sen.instantiate
def init(name: str):
    pass


@sen.migrate
def moved():
    return "moved"
"""


def test_what_a_newcomer_is_told(
    node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Build and deploy refuse imports contracts cannot use and contracts without entries;
    a failed call names its transaction and, out of gas, what to do; migrate moves code."""
    ok(["keys", "new", "dev"], capsys)
    folder = tmp_path / "problems"
    folder.mkdir()
    (folder / "contract.py").write_text(PROBLEMS)
    code, output = run(["contract", "build", str(folder)], capsys)
    assert code != 0 and "line 1: import os: not available to contracts" in output
    code, output = run(["contract", "deploy", str(folder), "--key", "dev"], capsys)
    assert code != 0 and "import os" in output
    (folder / "contract.py").write_text("import sen_contract as sen\n\nX = 1\n")
    code, output = run(["contract", "build", str(folder)], capsys)
    assert code != 0 and "no entry points" in output

    (folder / "contract.py").write_text(PROBLEMS.replace("import os\n", ""))
    bad_init = ["contract", "deploy", str(folder), "--key", "dev", "--args", '{"name": 7}']
    code, output = run(bad_init, capsys)
    assert code != 0 and "is on the chain, but instantiating it failed" in output, output
    assert "name: expected str, got int" in output
    deploy = ["contract", "deploy", str(folder), "--key", "dev", "--args", '{"name": "n"}']
    deployed = json.loads(ok([*deploy, "--admin", address_of("dev", capsys), "--json"], capsys))
    assert deployed["uploaded"] is False  # the first attempt uploaded it
    address = deployed["address"]

    code, output = run(["contract", "execute", address, "refuse", "--key", "dev"], capsys)
    assert code != 0 and "not today" in output and "transaction " in output
    assert "refused: refused" not in output
    spin = ["contract", "execute", address, "spin", "--key", "dev", "--args", '{"n": 10000000}']
    code, output = run([*spin, "--gas", "2000000"], capsys)
    assert code != 0 and "OUT_OF_GAS" in output and "--gas" in output and "2,000,000" in output
    floating = ["contract", "execute", address, "spin", "--key", "dev", "--args", '{"n": 1.5}']
    code, output = run(floating, capsys)
    assert code == 2 and "args.n: expected an integer or a string" in output
    code, output = run(["contract", "query", address, "x", "--gas", "200000000"], capsys)
    assert code == 2 and "100000000" in output

    (folder / "contract.py").write_text(PROBLEMS.replace("import os\n", "") + "\n# v2\n")
    migrated = json.loads(
        ok(["contract", "migrate", address, str(folder), "--key", "dev", "--json"], capsys)
    )
    assert migrated["uploaded"] is True
    shown = json.loads(ok(["contract", "show", address, "--json"], capsys))
    assert shown["code"] == migrated["code"]
    immutable = json.loads(ok([*deploy, "--json"], capsys))["address"]
    code, output = run(["contract", "migrate", immutable, str(folder), "--key", "dev"], capsys)
    assert code != 0 and "immutable" in output


def _json_out(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    """What a ``--json`` command printed on standard output (its progress goes to stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    assert exited.value.code in (0, None), captured.out + captured.err
    return json.loads(captured.out)


def test_a_rust_contract_from_new_to_show(
    node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``new --language rust`` scaffolds a crate that cargo builds into a component; deploy,
    execute, query and show take its folder like a Python contract's; the API serves its bytes."""
    monkeypatch.setenv("CARGO_TARGET_DIR", str(Path(__file__).parents[3] / ".bin" / "cargo-target"))
    monkeypatch.chdir(tmp_path)
    ok(["keys", "new", "a"], capsys)
    assert "edit src/lib.rs" in ok(["contract", "new", "counter", "--language", "rust"], capsys)
    built = _json_out(["contract", "build", "counter", "--json"], capsys)
    assert built["path"].endswith("counter.wasm")
    deployed = _json_out(
        ["contract", "deploy", "counter", "--key", "a", "--args", '{"start": 2}', "--json"], capsys
    )
    assert deployed["code"] == built["code"] and deployed["uploaded"]
    address = deployed["address"]
    added = json.loads(
        ok(["contract", "execute", address, "add", "--args", '{"amount": 5}', "--key", "a",
            "--json"], capsys)
    )  # fmt: skip
    assert added["answer"] == 7
    assert ok(["contract", "query", address, "total"], capsys).strip() == "7"
    code, output = run(["contract", "show", built["code"], "--source"], capsys)
    assert code != 0 and "is a WebAssembly component" in output
    shown = json.loads(ok(["contract", "show", built["code"], "--json"], capsys))
    assert shown["language"] == "wasm" and shown["source"] is None
    assert hashlib.sha256(base64.b64decode(shown["component"])).hexdigest() == built["code"]
    code, output = run(["contract", "new", "bad", "--language", "cobol"], capsys)
    assert code == 2 and "--language: expected python or rust, got 'cobol'" in output


def test_rust_files_and_build_prices(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lib = Path(__file__).parents[3] / "contracts" / "examples" / "registry-rust" / "src" / "lib.rs"
    code, output = run(["contract", "build", str(lib)], capsys)
    assert code == 2 and "a Rust file; give the crate's folder instead" in output
    built = ok(["contract", "build", str(REGISTRY)], capsys)
    assert "uploading its" in built and "gas" in built
