"""``sen directory``: read the hub's chain directory (with proofs checked) and propose entries.

The reads call ``GET /v1/directory/...`` and verify each answer's state proof
over its ``value`` before printing it (the node is not trusted for what it
proves). Entries change only by governance: ``propose-register`` and
``propose-update`` read an entry from a JSON file (digests as 64 hex digits)
and propose it, ``propose-remove`` proposes a removal; organisations' admins
then vote with ``sen gov vote``. The same proposals can be made with
``sen gov propose register_chain --payload ...`` (digests as ``"hex:..."``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer
from rich.table import Table
from rich.text import Text

from sen.cli._context import Settings, kv_table, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.ledger import encoding
from sen.ledger.errors import EncodingError
from sen.ledger.light.errors import StateProofError
from sen.ledger.light.state_proof import verify_state_proof
from sen.sdk.client import error_for

app = typer.Typer(
    help="Chain directory: member chains of the hub and their datasets, read with state proofs "
    "(Danh bạ chuỗi: các chuỗi thành viên và dữ liệu của chúng, kèm bằng chứng).",
    no_args_is_help=True,
)

AsJson = Annotated[bool, typer.Option("--json", help="Print the raw JSON (In JSON nguyên bản).")]
AdminKey = Annotated[
    str,
    typer.Option("--key", help="An admin's key name or pkcs11: URI (Khóa của quản trị viên)."),
]
EntryFile = Annotated[
    Path,
    typer.Option(
        "--file",
        help="The entry as JSON; genesis_hash, validators_hash and schema_digest as 64 hex "
        "digits (Tệp JSON của mục danh bạ).",
    ),
]

DIGEST_FIELDS = ("genesis_hash", "validators_hash")

MESSAGES: dict[str, tuple[str, str]] = {
    "proved": (
        "proof verified against app hash {app_hash} at height {height}",
        "bằng chứng hợp lệ với app hash {app_hash} tại độ cao {height}",
    ),
    "proposed": (
        "proposal {proposal} ({kind} {chain}) at block {height}; "
        "admins vote with: sen gov vote {proposal} yes --key ADMIN",
        "đề xuất {proposal} ({kind} {chain}) tại khối {height}; "
        "quản trị viên bỏ phiếu bằng: sen gov vote {proposal} yes --key ADMIN",
    ),
    "no_datasets": (
        "no dataset of type {record_type} in the directory (absence proved)",
        "không có tập dữ liệu loại {record_type} trong danh bạ (đã chứng minh)",
    ),
    "more": (
        "more: sen directory list --after {next}",
        "còn nữa: sen directory list --after {next}",
    ),
}


def _text(config: Settings, key: str, **values: object) -> str:
    english, vietnamese = MESSAGES[key]
    return (vietnamese if config.lang == "vi" else english).format(**values)


def _say(text: str) -> None:
    out.print(text, emoji=False, markup=False)


def _get(config: Settings, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
    with config.client() as client:
        status, body = client.transport.request("GET", path, params=params)
    if status != 200 or not isinstance(body, dict):
        raise error_for(status, body, path)
    return body


def verified(body: dict[str, Any]) -> Any:
    """Check an answer's state proof over its ``value``; the decoded value (None: absent)."""
    try:
        value = None if body["value"] is None else bytes.fromhex(body["value"])
        proof = body["proof"]
        verify_state_proof(
            bytes.fromhex(body["app_hash"]),
            bytes.fromhex(body["key"]),
            value,
            [bytes.fromhex(s) for s in proof["siblings"]],
            bytes.fromhex(proof["leaf_path"]) if proof["leaf_path"] else None,
            bytes.fromhex(proof["leaf_value_hash"]) if proof["leaf_value_hash"] else None,
        )
        return None if value is None else encoding.decode(value)
    except (KeyError, TypeError, ValueError, StateProofError, EncodingError) as exc:
        raise CliError(f"the node's answer does not prove itself: {exc}") from None


def _cells(*values: object) -> list[Text]:
    return [Text(str(v)) for v in values]


@app.command("list")
def list_chains(
    ctx: typer.Context,
    after: Annotated[
        int, typer.Option("--after", min=0, help="After this sequence number (Sau số thứ tự).")
    ] = 0,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=200, help="At most this many (Tối đa).")
    ] = 50,
    as_json: AsJson = False,
) -> None:
    """List member chains in registration order (Liệt kê các chuỗi thành viên)."""
    config = settings(ctx)
    body = _get(config, "/v1/directory/chains", {"after": str(after), "limit": str(limit)})
    for chain in body.get("chains", []):
        decoded = verified(chain)
        if decoded is None or decoded.get("chain_id") != chain.get("chain_id"):
            raise CliError(f"the node's answer for {chain.get('chain_id')} is not its proof's")
    if as_json:
        print_json(body)
        return
    table = Table("#", "chain", "sector", "operator", "endpoints", "links", "datasets")
    for chain in body.get("chains", []):
        table.add_row(
            *_cells(
                chain["sequence"],
                chain["chain_id"],
                chain["sector"],
                chain["operator"],
                len(chain["endpoints"]),
                len(chain["links"]),
                len(chain["datasets"]),
            )
        )
    out.print(table)
    if body.get("next") is not None:
        _say(_text(config, "more", next=body["next"]))


@app.command("show")
def show(
    ctx: typer.Context,
    chain_id: Annotated[str, typer.Argument(metavar="CHAIN_ID", help="e.g. vn-edu.")],
    as_json: AsJson = False,
) -> None:
    """Show one member chain, its proof checked (Xem một chuỗi thành viên)."""
    config = settings(ctx)
    body = _get(config, f"/v1/directory/chains/{chain_id}")
    decoded = verified(body)
    if decoded is None or decoded.get("chain_id") != chain_id:
        raise CliError(f"the node's answer for {chain_id} is not its proof's")
    if as_json:
        print_json(body)
        return
    table = kv_table(chain_id)
    for name in ("sector", "operator", "genesis_hash", "validators_hash", "sequence"):
        table.add_row(name, Text(str(body.get(name))))
    table.add_row(
        "heights", Text(f"registered {body['registered_height']}, updated {body['updated_height']}")
    )
    for endpoint in body.get("endpoints", []):
        table.add_row(f"endpoint ({endpoint['kind']})", Text(endpoint["url"]))
    for link in body.get("links", []):
        table.add_row(
            "link",
            Text(
                f"{link['client_id']} → {link['counterparty']} "
                f"(its client {link['counterparty_client_id']})"
            ),
        )
    for dataset in body.get("datasets", []):
        table.add_row("dataset", Text(dataset["uri"]))
    out.print(table)
    _say(_text(config, "proved", app_hash=body["app_hash"], height=body["height"]))


@app.command("datasets")
def datasets(
    ctx: typer.Context,
    record_type: Annotated[
        str | None, typer.Option("--type", help="Every dataset of this record type (Theo loại).")
    ] = None,
    uri: Annotated[
        str | None, typer.Option("--uri", help="One dataset, by its sen:// URI (Theo URI).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Find datasets by record type or URI, proofs checked (Tra cứu tập dữ liệu)."""
    if (record_type is None) == (uri is None):
        raise UsageProblem("give --type or --uri (one of them)")
    config = settings(ctx)
    if uri is not None:
        body = _get(config, f"/v1/directory/datasets/{quote(uri, safe='')}")
    else:
        body = _get(config, "/v1/directory/datasets", {"type": str(record_type)})
    decoded = verified(body)
    if as_json:
        print_json(body)
        return
    if uri is not None:
        dataset = body["dataset"]
        if decoded is None or decoded.get("uri") != uri:
            raise CliError(f"the node's answer for {uri} is not its proof's")
        table = kv_table(uri)
        for name in ("chain_id", "module", "record_type", "schema_digest", "jurisdiction"):
            table.add_row(name, Text(str(dataset.get(name) or "-")))
        out.print(table)
    elif decoded is None:
        _say(_text(config, "no_datasets", record_type=record_type))
    else:
        if decoded != body.get("uris"):
            raise CliError(f"the node's answer for {record_type} is not its proof's")
        for found in decoded:
            _say(str(found))
    _say(_text(config, "proved", app_hash=body["app_hash"], height=body["height"]))


def _read_entry(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageProblem(f"{path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"{path}: not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise UsageProblem(f"{path}: expected a JSON object, got {type(value).__name__}")
    return _with_digests(value, path)


def _digest(value: object, where: str) -> object:
    """64 hex digits become 32 bytes; anything else is left for the chain to refuse."""
    if isinstance(value, str) and len(value) == 64:
        try:
            return bytes.fromhex(value)
        except ValueError:
            raise UsageProblem(f"{where}: not hex: {value!r}") from None
    return value


def _with_digests(entry: dict[str, Any], path: Path) -> dict[str, Any]:
    converted = dict(entry)
    for name in DIGEST_FIELDS:
        if name in converted:
            converted[name] = _digest(converted[name], f"{path}: {name}")
    if isinstance(converted.get("datasets"), list):
        converted["datasets"] = [
            {**d, "schema_digest": _digest(d["schema_digest"], f"{path}: datasets[{i}]")}
            if isinstance(d, dict) and "schema_digest" in d
            else d
            for i, d in enumerate(converted["datasets"])
        ]
    return converted


def _propose(ctx: typer.Context, key: str, kind: str, payload: dict[str, Any], title: str) -> None:
    config = settings(ctx)
    args: dict[str, Any] = {"kind": kind, "payload": payload}
    if title:
        args["title"] = title
    signing_key = load_key(config, key)
    with config.client() as client:
        info = client.send(signing_key, "governance", "propose", args)
    proposal = int(info.result.data, 16) if info.result and info.result.data else "?"
    chain = payload.get("chain_id", "?")
    _say(_text(config, "proposed", proposal=proposal, kind=kind, chain=chain, height=info.height))


Title = Annotated[str, typer.Option("--title", help="A one-line description (Tiêu đề).")]


@app.command("propose-register")
def propose_register(ctx: typer.Context, file: EntryFile, key: AdminKey, title: Title = "") -> None:
    """Propose a new member chain from a JSON entry (Đề xuất thêm một chuỗi)."""
    _propose(ctx, key, "register_chain", _read_entry(file), title)


@app.command("propose-update")
def propose_update(ctx: typer.Context, file: EntryFile, key: AdminKey, title: Title = "") -> None:
    """Propose new values for the fields in the file, besides chain_id (Đề xuất sửa một mục)."""
    _propose(ctx, key, "update_chain", _read_entry(file), title)


@app.command("propose-remove")
def propose_remove(
    ctx: typer.Context,
    chain_id: Annotated[str, typer.Argument(metavar="CHAIN_ID", help="e.g. vn-edu.")],
    key: AdminKey,
    title: Title = "",
) -> None:
    """Propose removing a member chain (Đề xuất xóa một chuỗi)."""
    _propose(ctx, key, "remove_chain", {"chain_id": chain_id}, title)
