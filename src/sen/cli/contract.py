"""``sen contract``: write, test, build, deploy, call and inspect contracts (Python or Rust).

``new`` scaffolds a contract package (the contract, its tests with the local
harness, a README; ``--language rust`` a Rust crate); ``build`` checks a contract
compiles (a Rust one is built into a component with cargo) and prints its code
hash (the SHA-256 of the source or component, so the same input always gives the
same hash); ``test`` runs its tests; ``deploy`` uploads (unless the
chain already has the code) and instantiates; ``propose-upload`` proposes the
upload on a chain where code comes by governance; ``execute`` and ``query`` call
entries; ``show`` prints an instance or a code. The guide is
``docs/guides/contracts.md``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sen.cli._context import Settings, err, kv_table, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.sdk.contracts import Contracts
from sen.sdk.errors import NotFound, Rejected
from sen.vm.errors import VmError

app = typer.Typer(
    help="Contracts in Python or Rust: scaffold, test, build, deploy, call and inspect "
    "(Hợp đồng Python hoặc Rust: tạo, kiểm thử, biên dịch, triển khai, gọi và xem).",
    no_args_is_help=True,
)

PATH_HELP = (
    "contract.py, a contract's folder (Python, or a Rust crate: built with cargo), or a .wasm "
    "component."
)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (In JSON).")]
Key = Annotated[str, typer.Option("--key", help="Key name or pkcs11: URI (Khóa ký).")]
Gas = Annotated[
    int | None,
    typer.Option(
        "--gas", min=1, help="Gas limit of the call; default: the chain's (Giới hạn gas)."
    ),
]
QueryGas = Annotated[
    int,
    typer.Option("--gas", min=1, max=100_000_000, help="Gas the query may use (Giới hạn gas)."),
]
Args = Annotated[
    str,
    typer.Option(
        "--args", help='The entry\'s arguments as a JSON object, e.g. \'{"amount": 5}\' '
        "(Tham số dạng JSON).",
    ),
]  # fmt: skip

MESSAGES: dict[str, tuple[str, str]] = {
    "built": (
        "{path}: compiles in the runtime; code hash {code}",
        "{path}: biên dịch được trong môi trường chạy; mã băm {code}",
    ),
    "created": (
        "created {path}: edit contract.py, then: sen contract test {path}",
        "đã tạo {path}: sửa contract.py, rồi chạy: sen contract test {path}",
    ),
    "created_rust": (
        "created {path}: edit src/lib.rs, then: sen contract test {path} (builds it with cargo; "
        "needs rustup target add wasm32-unknown-unknown)",
        "đã tạo {path}: sửa src/lib.rs, rồi chạy: sen contract test {path} (biên dịch bằng "
        "cargo; cần rustup target add wasm32-unknown-unknown)",
    ),
    "exists": (
        "{path} already exists; choose another name",
        "{path} đã tồn tại; hãy chọn tên khác",
    ),
    "no_tests": (
        "{path}: no test_*.py here (sen contract new writes one)",
        "{path}: không có test_*.py ở đây (sen contract new tạo sẵn một tệp)",
    ),
    "no_source": (
        "{code} is a WebAssembly component ({size} bytes): it has no source to print; --json "
        "gives its bytes (component, base64)",
        "{code} là một thành phần WebAssembly ({size} byte): không có mã nguồn để in; --json "
        "cho các byte của nó (component, base64)",
    ),
    "immutable": ("none: immutable", "không ai: bất biến"),
    "upload_gas": (
        "uploading its {size:,} bytes costs {gas:,} gas (a chain's max_gas, 200,000,000 by "
        "default, is the most one transaction may use)",
        "tải {size:,} byte này lên tốn {gas:,} gas (max_gas của chuỗi, mặc định 200.000.000, là "
        "mức tối đa một giao dịch được dùng)",
    ),
    "no_contract": ("no contract at {address}", "không có hợp đồng ở {address}"),
    "immutable_contract": (
        "{address} has no admin: it is immutable, nobody can migrate it",
        "{address} không có quản trị viên: bất biến, không ai chuyển mã được",
    ),
    "not_admin": (
        "only its admin {admin} may migrate it; --key is {signer}",
        "chỉ quản trị viên {admin} được chuyển mã; --key là {signer}",
    ),
    "uploaded": ("uploaded code {code}", "đã tải mã {code} lên"),
    "proposed": (
        "proposal {proposal} uploads code {code}; admins vote with: sen gov vote {proposal} yes "
        "--key ADMIN",
        "đề xuất {proposal} tải mã {code} lên; quản trị viên bỏ phiếu bằng: "
        "sen gov vote {proposal} yes --key ADMIN",
    ),
    "present": ("code {code} is already on the chain", "mã {code} đã có trên chuỗi"),
    "instantiated": (
        "contract {address} (label {label!r}) from code {code}",
        "hợp đồng {address} (nhãn {label!r}) từ mã {code}",
    ),
    "not_instantiated": (
        "code {code} is on the chain, but instantiating it failed: {reason}. Fix the cause and "
        "run deploy again (the code is not uploaded twice)",
        "mã {code} đã có trên chuỗi nhưng khởi tạo thất bại: {reason}. Sửa nguyên nhân rồi chạy "
        "lại deploy (mã không bị tải lên lần nữa)",
    ),
    "failed_call": (
        "{reason} (transaction {tx}, committed; nothing it wrote is kept)",
        "{reason} (giao dịch {tx}, đã ghi vào khối; không giữ gì nó đã ghi)",
    ),
    "more_gas": (
        "send it again with more gas: --gas N (this chain allows at most {most:,} a call)",
        "gửi lại với nhiều gas hơn: --gas N (chuỗi này cho tối đa {most:,} mỗi lần gọi)",
    ),
    "migrated": (
        "contract {address} now runs code {code}",
        "hợp đồng {address} nay chạy mã {code}",
    ),
}


def _failed(config: Settings, client: Any, error: Rejected) -> CliError:
    """A contract call the chain refused or that failed in its block, said with what to do."""
    reason = error.describe(config.lang)
    if error.code_name == "OUT_OF_GAS":
        try:
            most = int(Contracts(client).settings().get("max_gas") or 0)
        except Exception:  # the hint is a courtesy; the failure is the message
            most = 0
        if most:
            reason = reason.removesuffix("; send it with more") + ". "
            reason += _text(config, "more_gas", most=most)
    if error.committed and error.tx_hash:
        reason = _text(config, "failed_call", reason=reason, tx=error.tx_hash)
    return CliError(reason)


def _text(config: Settings, key: str, **values: object) -> str:
    english, vietnamese = MESSAGES[key]
    return (vietnamese if config.lang == "vi" else english).format(**values)


def _arguments(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except json.JSONDecodeError as error:
        raise UsageProblem(f"--args: not JSON ({error.msg} at character {error.pos})") from None
    if not isinstance(value, dict):
        raise UsageProblem(f"--args: expected a JSON object, got {type(value).__name__}")
    return value


def _source(path: Path) -> tuple[Path, bytes]:
    """The contract's code: ``path`` itself (``contract.py``, or a built ``.wasm``
    component), ``contract.py`` in the folder ``path``, or, for a folder with a
    ``Cargo.toml``, the component cargo builds from it."""
    if not path.exists():
        raise UsageProblem(f"{path}: no such file or folder")
    if path.is_file() and (path.suffix == ".rs" or path.name == "Cargo.toml"):
        crate = next((p for p in path.resolve().parents if (p / "Cargo.toml").exists()), path)
        raise UsageProblem(f"{path}: a Rust file; give the crate's folder instead ({crate})")
    if path.is_dir() and (path / "Cargo.toml").exists():
        from sen.vm.build import build_component
        from sen.vm.errors import RuntimeBuildFailed

        err.print(f"building {path} with cargo (the first build takes a minute)…")
        try:
            file = build_component(path)
        except RuntimeBuildFailed as error:
            raise CliError(str(error)) from None
        return file, file.read_bytes()
    file = path / "contract.py" if path.is_dir() else path
    try:
        return file, file.read_bytes()
    except OSError as error:
        raise UsageProblem(f"{file}: {error.strerror or error}") from None


def _upload_unless_present(contracts: Contracts, signer: Any, code: str, source: bytes) -> bool:
    """Whether the chain had the code already; uploads it if not."""
    try:
        contracts.code(code)
        return True
    except NotFound:
        contracts.upload(signer, source)
        return False


def _check_instance_options(admin: str, label: str) -> None:
    if admin and (len(admin) != 40 or any(c not in "0123456789abcdefABCDEF" for c in admin)):
        raise UsageProblem(
            f"--admin: expected an address (40 hex; sen keys show NAME prints one), got {admin!r}"
        )
    if len(label.encode()) > 128:
        raise UsageProblem(f"--label: at most 128 bytes, got {len(label.encode())}")


def _check_admin(config: Settings, contracts: Contracts, contract: str, signer: Any) -> None:
    from sen.sdk.keys import address

    try:
        admin = contracts.instance(contract).get("admin")
    except NotFound:
        raise CliError(_text(config, "no_contract", address=contract)) from None
    if admin is None:
        raise CliError(_text(config, "immutable_contract", address=contract))
    if str(admin).lower() != address(signer).lower():
        raise CliError(_text(config, "not_admin", admin=admin, signer=address(signer)))


def _lint(file: Path, source: bytes) -> None:
    """Python source: imports contracts may not use, no entry points, said before anything
    is sent."""
    from sen.vm.lint import problems

    try:
        found = problems(source.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise CliError(f"{file}: not UTF-8 (byte {error.start})") from None
    except SyntaxError as error:
        raise CliError(f"{file}: line {error.lineno}: {error.msg}") from None
    if found:
        raise CliError(f"{file}: " + "; ".join(found))


def _check_before_sending(file: Path, source: bytes) -> None:
    """What can be told before an upload is signed (code the chain refuses would burn its
    gas): Python source linted (compiling it needs the runtime: seconds), a component
    checked as the chain would (a fraction of a second)."""
    from sen.vm.code import language

    if language(source) == "wasm":
        _check_compiles(file, source)
    else:
        _lint(file, source)


def _check_compiles(file: Path, source: bytes) -> None:
    from sen.vm.code import language
    from sen.vm.local import local_runtime  # loads the runtime: seconds the first time

    try:
        if language(source) == "python":
            source.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CliError(f"{file}: not UTF-8 (byte {error.start})") from None
    try:
        problem = local_runtime().session().check_source(source)
    except VmError as error:
        raise CliError(str(error)) from None
    if problem is not None:
        raise CliError(f"{file}: {problem}")
    if language(source) == "python":
        _lint(file, source)


@app.command("new")
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A folder name for the contract (Tên thư mục).")],
    lang: Annotated[
        str,
        typer.Option(
            "--language",
            help="python (contract.py) or rust (a crate built into a component) "
            "(Ngôn ngữ: python hoặc rust).",
        ),
    ] = "python",
) -> None:
    """Scaffold a contract package: contract.py (or a Rust crate), test_contract.py, README.md."""
    config = settings(ctx)
    if not name.isidentifier():
        raise UsageProblem(f"NAME: expected a Python identifier (letters, digits, _), got {name!r}")
    lang = lang.lower()
    if lang not in ("python", "rust"):
        raise UsageProblem(f"--language: expected python or rust, got {lang!r}")
    folder = Path(name)
    if folder.exists():
        raise CliError(_text(config, "exists", path=folder))
    folder.mkdir(parents=True)
    if lang == "rust":
        from sen.vm.build import RUST_SDK

        sdk = json.dumps(str(RUST_SDK.resolve()))  # a TOML basic string is a JSON string
        (folder / "src").mkdir()
        (folder / "Cargo.toml").write_text(
            _TEMPLATE_CARGO.format(name=name, sdk=sdk), encoding="utf-8"
        )
        (folder / "src" / "lib.rs").write_text(_TEMPLATE_RUST, encoding="utf-8")
        (folder / "test_contract.py").write_text(_TEMPLATE_RUST_TEST, encoding="utf-8")
        (folder / ".gitignore").write_text("target/\n", encoding="utf-8")
        readme = _TEMPLATE_README.replace("edit contract.py", "edit src/lib.rs")
    else:
        (folder / "contract.py").write_text(_TEMPLATE_CONTRACT, encoding="utf-8")
        (folder / "test_contract.py").write_text(_TEMPLATE_TEST, encoding="utf-8")
        readme = _TEMPLATE_README
    (folder / "README.md").write_text(readme.format(name=name), encoding="utf-8")
    out.print(_text(config, "created_rust" if lang == "rust" else "created", path=folder))


@app.command("build")
def build(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(help=PATH_HELP),
    ],
    as_json: AsJson = False,
) -> None:
    """Check the contract compiles (a Rust folder is built with cargo first) and print its code
    hash (SHA-256 of the source, or of the component)."""
    config = settings(ctx)
    file, source = _source(path)
    _check_compiles(file, source)
    code = hashlib.sha256(source).hexdigest()
    from sen.vm.code import upload_price

    price = upload_price(source)
    if as_json:
        print_json({"path": str(file), "code": code, "size": len(source), "upload_gas": price})
        return
    out.print(_text(config, "built", path=file, code=code))
    out.print(_text(config, "upload_gas", gas=price, size=len(source)))


@app.command("test")
def test(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The contract's folder (with test_*.py).")],
    pytest_args: Annotated[
        list[str] | None,
        typer.Argument(help="More pytest options after --, e.g. -- -x -k add (Tùy chọn pytest)."),
    ] = None,
) -> None:
    """Run the contract's own tests (pytest) against the local runtime, without a node (a Rust
    crate is built with cargo first)."""
    config = settings(ctx)
    if not path.exists():
        raise UsageProblem(f"{path}: no such file or folder")
    folder = path if path.is_dir() else path.parent
    if not any(folder.glob("test_*.py")):
        raise CliError(_text(config, "no_tests", path=folder))
    if (folder / "Cargo.toml").exists():
        _source(folder)  # built once, with its errors said once, before the tests run
    command = [sys.executable, "-m", "pytest", "-q", str(folder), *(pytest_args or [])]
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        raise typer.Exit(done.returncode)


@app.command("deploy")
def deploy(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(help=PATH_HELP),
    ],
    key: Key,
    args: Args = "",
    label: Annotated[str, typer.Option(help="A label for the instance (Nhãn).")] = "",
    admin: Annotated[
        str,
        typer.Option(help="Address (hex) that may migrate it; none: immutable (Quản trị viên)."),
    ] = "",
    gas: Gas = None,
    as_json: AsJson = False,
) -> None:
    """Upload the contract (unless the chain has its code already) and instantiate it."""
    config = settings(ctx)
    _check_instance_options(admin, label)  # before anything is built or sent
    file, source = _source(path)
    _check_before_sending(file, source)
    arguments = _arguments(args)
    code = hashlib.sha256(source).hexdigest()
    signer = load_key(config, key)
    with config.client() as client:
        contracts = Contracts(client)
        try:
            present = _upload_unless_present(contracts, signer, code, source)
        except Rejected as error:
            raise _failed(config, client, error) from None
        try:
            address = contracts.instantiate(
                signer, code, arguments, admin=admin or None, label=label, gas=gas
            )
        except Rejected as error:
            reason = str(_failed(config, client, error).message)
            raise CliError(_text(config, "not_instantiated", code=code, reason=reason)) from None
    if as_json:
        print_json({"code": code, "address": address, "uploaded": not present, "label": label})
        return
    out.print(_text(config, "present" if present else "uploaded", code=code))
    out.print(_text(config, "instantiated", address=address, label=label, code=code))


@app.command("propose-upload")
def propose_upload(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(help=PATH_HELP),
    ],
    key: Annotated[str, typer.Option("--key", help="An admin's key (Khóa của quản trị viên).")],
    as_json: AsJson = False,
) -> None:
    """On a chain where code comes by governance: propose uploading this contract."""
    config = settings(ctx)
    _, source = _source(path)
    code = hashlib.sha256(source).hexdigest()
    signer = load_key(config, key)
    args = {"kind": "upload_contract", "payload": {"source": source}}
    with config.client() as client:
        info = client.send(signer, "governance", "propose", args)
    proposal = int(info.result.data, 16) if info.result and info.result.data else None
    if as_json:
        print_json({"proposal": proposal, "code": code, "tx": info.hash})
        return
    out.print(_text(config, "proposed", proposal=proposal, code=code))


@app.command("execute")
def execute(
    ctx: typer.Context,
    contract: Annotated[str, typer.Argument(help="The contract's address (hex).")],
    entry: Annotated[str, typer.Argument(help="An execute entry (@sen.execute in Python).")],
    key: Key,
    args: Args = "",
    gas: Gas = None,
    as_json: AsJson = False,
) -> None:
    """Call an @sen.execute entry in a transaction; print its answer once committed."""
    config = settings(ctx)
    arguments = _arguments(args)
    signer = load_key(config, key)
    with config.client() as client:
        try:
            outcome = Contracts(client).execute(signer, contract, entry, arguments, gas=gas)
        except Rejected as error:
            raise _failed(config, client, error) from None
    result = outcome.tx.result
    document = {
        "answer": outcome.answer,
        "tx": outcome.tx.hash,
        "height": outcome.tx.height,
        "code": None if result is None else result.code,
        "gas_used": None if result is None else result.gas_used,
    }
    if as_json:
        print_json(document)
        return
    out.print(json.dumps(outcome.answer, ensure_ascii=False))
    spent = "" if result is None else f", gas used {result.gas_used:,} of {result.gas_wanted:,}"
    out.print(f"tx {outcome.tx.hash} at height {outcome.tx.height}{spent}")


@app.command("migrate")
def migrate(
    ctx: typer.Context,
    contract: Annotated[str, typer.Argument(help="The contract's address (hex).")],
    path: Annotated[
        Path,
        typer.Argument(help="The new code: " + PATH_HELP),
    ],
    key: Annotated[str, typer.Option("--key", help="The admin's key (Khóa của quản trị viên).")],
    args: Args = "",
    gas: Gas = None,
    as_json: AsJson = False,
) -> None:
    """Move an instance to new code (its admin only): uploads the code unless the chain has it,
    then runs its @sen.migrate entry; the address and state stay."""
    config = settings(ctx)
    signer = load_key(config, key)
    with config.client() as client:  # only the admin may migrate: said before any upload
        _check_admin(config, Contracts(client), contract, signer)
    file, source = _source(path)
    _check_before_sending(file, source)
    arguments = _arguments(args)
    code = hashlib.sha256(source).hexdigest()
    with config.client() as client:
        contracts = Contracts(client)
        try:
            present = _upload_unless_present(contracts, signer, code, source)
            info = contracts.migrate(signer, contract, code, arguments, gas=gas)
        except Rejected as error:
            raise _failed(config, client, error) from None
    if as_json:
        print_json({"contract": contract, "code": code, "uploaded": not present, "tx": info.hash})
        return
    if not present:
        out.print(_text(config, "uploaded", code=code))
    out.print(_text(config, "migrated", address=contract, code=code))


@app.command("query")
def query(
    ctx: typer.Context,
    contract: Annotated[str, typer.Argument(help="The contract's address (hex).")],
    entry: Annotated[str, typer.Argument(help="A query entry (@sen.query in Python).")],
    args: Args = "",
    gas: QueryGas = 20_000_000,
) -> None:
    """Run an @sen.query entry on the committed state (no transaction); print its answer."""
    config = settings(ctx)
    arguments = _arguments(args)
    with config.client() as client:
        answer = Contracts(client).query(contract, entry, arguments, gas=gas)
    print_json(answer)


@app.command("show")
def show(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(help="A contract address (40 hex) or a code hash (64).")],
    as_json: AsJson = False,
    source: Annotated[bool, typer.Option("--source", help="Print a code's source.")] = False,
) -> None:
    """Show a contract instance (code, admin, label) or an uploaded code (uploader, size)."""
    config = settings(ctx)
    with config.client() as client:
        contracts = Contracts(client)
        if len(what) == 40:
            found = contracts.instance(what)
            if source and not as_json:  # an instance's source is its code's
                its = contracts.code(str(found["code"]))
                found = {**found, "source": its["source"], "size": its["size"]}
        elif len(what) == 64:
            found = contracts.code(what)
        else:
            raise UsageProblem(
                f"expected a contract address (40 hex) or a code hash (64 hex), got {what[:80]!r}"
            )
    if as_json:
        print_json(found)
        return
    if source and "source" in found:
        if found["source"] is None:
            code = found.get("code", what)
            raise CliError(_text(config, "no_source", code=code, size=found.get("size")))
        out.print(found["source"], markup=False, highlight=False)
        return
    hidden = {"value", "proof", "source", "key", "component"}
    table = kv_table()
    for name, value in found.items():
        if name == "admin" and value is None:
            value = _text(config, "immutable")
        if name not in hidden:
            table.add_row(name, str(value))
    out.print(table)


_TEMPLATE_CONTRACT = '''"""A Sen contract: @sen.instantiate, @sen.execute, @sen.query, @sen.migrate.

Arguments and answers are JSON; state lives in sen.Map / sen.Item under this
contract's own prefix; sen.require(...) refuses a call, and a refused call
writes nothing. Guide: docs/guides/contracts.md
"""

import sen_contract as sen

counts = sen.Map("count")


@sen.instantiate
def init(start: int = 0):
    counts["total"] = start


@sen.execute
def add(amount: int):
    sen.require(isinstance(amount, int) and amount > 0, "amount: expected a positive integer")
    counts["total"] = counts.get("total", 0) + amount
    counts[sen.env().sender] = counts.get(sen.env().sender, 0) + amount
    sen.emit("added", amount=amount)
    return counts["total"]


@sen.query
def total():
    return counts.get("total", 0)
'''

_TEMPLATE_TEST = '''"""Tests of contract.py in the real runtime, no node: sen contract test ."""

from pathlib import Path

import pytest

from sen.vm.local import CallFailed, LocalContract

SOURCE = (Path(__file__).parent / "contract.py").read_bytes()


def test_add() -> None:
    contract = LocalContract(SOURCE)
    contract.instantiate(sender="alice", start=10)
    assert contract.execute("add", sender="alice", amount=5) == 15
    assert contract.query("total") == 15


def test_refusal_writes_nothing() -> None:
    contract = LocalContract(SOURCE)
    contract.instantiate(sender="alice")
    before = dict(contract.state)
    with pytest.raises(CallFailed, match="positive"):
        contract.execute("add", sender="alice", amount=-1)
    assert contract.state == before
'''

_TEMPLATE_CARGO = """[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
# Sen's Rust kit, from the Sen you installed; commit Cargo.lock so others rebuild the same code.
sen-contract = {{ path = {sdk} }}

# Small, reproducible code: the code hash is the SHA-256 of what this profile builds.
[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
strip = true
debug = false
"""

_TEMPLATE_RUST = """//! A Sen contract in Rust: a counter. Arguments and answers are JSON; state
//! lives in Map / Item under this contract's own prefix; an Err refuses the call, and a
//! refused call writes nothing. Guide: docs/guides/contracts.md
#![no_std]

extern crate alloc;

use sen_contract::{self as sen, Args, Call, Map, Value};

const COUNTS: Map = Map::new("count");

struct Counter;

impl sen::Contract for Counter {
    fn instantiate(call: &mut Call, args: &mut Args) -> sen::Result {
        let start = match args.optional("start") {
            None => 0,
            Some(v) => {
                let bad = || sen::Error::Arguments("start: expected int".into());
                v.as_u64().ok_or_else(bad)?
            }
        };
        COUNTS.set(call, "total", &Value::from(start));
        Ok(Value::Null)
    }

    fn execute(call: &mut Call, entry: &str, args: &mut Args) -> sen::Result {
        match entry {
            "add" => {
                let amount = args.u64("amount")?;
                sen::require(amount > 0, "amount: expected a positive integer")?;
                let total = COUNTS.get_u64(call, "total")?.unwrap_or(0) + amount;
                COUNTS.set(call, "total", &Value::from(total));
                let sender = call.env().sender.clone();
                let mine = COUNTS.get_u64(call, &sender)?.unwrap_or(0) + amount;
                COUNTS.set(call, &sender, &Value::from(mine));
                call.emit("added", &[("amount", alloc::format!("{amount}"))]);
                Ok(Value::from(total))
            }
            _ => Err(sen::Error::NoEntry),
        }
    }

    fn query(call: &mut Call, entry: &str, _args: &mut Args) -> sen::Result {
        match entry {
            "total" => Ok(Value::from(COUNTS.get_u64(call, "total")?.unwrap_or(0))),
            _ => Err(sen::Error::NoEntry),
        }
    }
}

sen_contract::export_contract!(Counter);
"""

_TEMPLATE_RUST_TEST = '''"""Tests of the Rust contract in the real engine: sen contract test .
(no node; cargo builds it first, and it needs: rustup target add wasm32-unknown-unknown)."""

from pathlib import Path

import pytest

from sen.vm.build import build_component
from sen.vm.local import CallFailed, LocalContract


@pytest.fixture(scope="module")
def code() -> bytes:
    return build_component(Path(__file__).parent).read_bytes()


def test_add(code: bytes) -> None:
    contract = LocalContract(code)
    contract.instantiate(sender="alice", start=10)
    assert contract.execute("add", sender="alice", amount=5) == 15
    assert contract.query("total") == 15


def test_refusal_writes_nothing(code: bytes) -> None:
    contract = LocalContract(code)
    contract.instantiate(sender="alice")
    before = dict(contract.state)
    with pytest.raises(CallFailed, match="positive"):
        contract.execute("add", sender="alice", amount=0)
    assert contract.state == before
'''

_TEMPLATE_README = """# {name}

A Sen contract (Hợp đồng Sen).

    sen contract test {name}                      # its tests, locally (kiểm thử)
    sen contract build {name}                     # compiles? code hash (mã băm)
    sen contract deploy {name} --key KEY --label {name}
    sen contract execute ADDRESS add --args '{{"amount": 5}}' --key KEY
    sen contract query ADDRESS total

Guide (Hướng dẫn): docs/guides/contracts.md
"""
