"""``sen interchain``: link two chains, read clients and packets, send a packet; ``sen relay``.

Linking is two light clients, one on each chain, each created from the other
chain's latest signed header, and paired (``docs/spec/interchain.md``)::

    sen --node http://127.0.0.1:26680 interchain link --other http://127.0.0.1:26690 \\
        --key admin-a --other-key admin-b --trusting-period 1209600

prints the ``[[links]]`` table for ``sen relay --config relay.toml``, which then
keeps the link alive and carries packets (``sen.services.relayer``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from sen.cli._context import Settings, kv_table, out, print_json, settings
from sen.cli.directory import verified
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.ledger import encoding
from sen.ledger.ibc import Payload
from sen.light.errors import ReceiptInvalid
from sen.light.genesis import Genesis
from sen.light.packet_receipt import check_signed_header, side_from_json
from sen.sdk.client import Client
from sen.sdk.errors import SenError
from sen.sdk.interchain import Interchain
from sen.sdk.receipts import read_genesis
from sen.services.relayer import (
    End,
    Link,
    RelayConfig,
    Relayer,
    RelayerError,
    RelayerMetrics,
    load_relay_config,
)
from sen.services.relayer.config import parse_listen
from sen.services.relayer.directory import relay_config_from_directory, rest_endpoint

app = typer.Typer(
    help="Light clients of other chains, packets between chains (IBC v2 shaped).",
    no_args_is_help=True,
)

ClientArg = Annotated[str, typer.Argument(metavar="CLIENT", help="A client id, sen-client-<n>.")]
KeyOption = Annotated[str, typer.Option("--key", help="Key name (or pkcs11: URI) that signs.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
TWO_WEEKS = 14 * 24 * 3600
MAX_DIRECTORY_PAGES = 1_000  # 200 chains each
HUB_HEADER_WAIT = 15.0  # seconds for the hub's next header
DIRECTORY_CHAIN = b"directory/chain/"


def _say(text: str) -> None:
    out.print(text, emoji=False, markup=False)


def _shown(ctx: typer.Context, path: str, as_json: bool) -> dict[str, Any] | None:
    """Read ``path``; with ``--json`` print it and return None, else return it to show."""
    with settings(ctx).client() as sdk:
        body = sdk.get(path)
    if as_json:
        print_json(body)
        return None
    return body


def _latest(chain: Interchain) -> Any:
    height = int(chain.sdk.status()["height"])
    for candidate in (height, height - 1):
        block = chain.light_block(candidate) if candidate >= 1 else None
        if block is not None:
            return block
    raise CliError(f"{chain.sdk.transport} has no signed header yet; let it make a block first")


@app.command("link")
def link(
    ctx: typer.Context,
    other: Annotated[str, typer.Option("--other", help="The other chain's node URL.")],
    key: KeyOption,
    other_key: Annotated[
        str, typer.Option("--other-key", help="Key that signs on the other chain (an admin).")
    ],
    trusting_period: Annotated[
        int,
        typer.Option(
            "--trusting-period",
            help="Seconds a verified header is trusted: shorter than either chain's validator "
            "rotation policy; the relayer refreshes at a third of it.",
        ),
    ] = TWO_WEEKS,
    max_clock_drift: Annotated[
        int, typer.Option("--max-clock-drift", help="Seconds a header may run ahead.")
    ] = 10,
    relay_file: Annotated[
        Path | None,
        typer.Option("--relay-file", help="Write the settings for `sen relay` to this file."),
    ] = None,
) -> None:
    """Create a client of each chain on the other, pair them, and print the relay settings.

    *Liên kết hai chuỗi: tạo light client ở mỗi bên và ghép cặp.*
    """
    config = settings(ctx)
    here_key, there_key = load_key(config, key), load_key(config, other_key)
    with config.client() as here_sdk, Client.http(other) as there_sdk:
        here, there = Interchain(here_sdk), Interchain(there_sdk)
        if here_sdk.chain_id == there_sdk.chain_id:
            raise UsageProblem(
                f"--other: {other} serves chain {there_sdk.chain_id}, this same chain; "
                "link two different chains"
            )
        _note_existing_links(here, there_sdk.chain_id, here_sdk.chain_id)
        here_client = here.create_client(
            here_key, _latest(there), trusting_period, max_clock_drift=max_clock_drift
        )
        there_client = there.create_client(
            there_key, _latest(here), trusting_period, max_clock_drift=max_clock_drift
        )
        here.register_counterparty(here_key, here_client, there_client)
        there.register_counterparty(there_key, there_client, here_client)
        names = here_sdk.chain_id, there_sdk.chain_id
    _say(f"{names[0]}: {here_client} is a client of {names[1]}")
    _say(f"{names[1]}: {there_client} is a client of {names[0]}")
    settings_text = (
        f'[[chains]]\nname = "{names[0]}"\nurl = "{config.node_url()}"\nkey = "{key}"\n\n'
        f'[[chains]]\nname = "{names[1]}"\nurl = "{other}"\nkey = "{other_key}"\n\n'
        f'[[links]]\na = "{names[0]}"\na_client = "{here_client}"\n'
        f'b = "{names[1]}"\nb_client = "{there_client}"\n'
    )
    if relay_file is not None:
        relay_file.write_text(settings_text, encoding="utf-8")
        _say(f"Relay settings written to {relay_file}: sen relay --config {relay_file}")
        return
    _say("\nFor sen relay --config relay.toml:\n")
    _say(settings_text)


def _note_existing_links(here: Interchain, other_chain: str, this_chain: str) -> None:
    """Linking again makes a second pair; say which pairs exist already."""
    body = here.sdk.get("/v1/interchain/clients", params={"limit": "200"})
    for existing in body["clients"]:
        if existing["chain_id"] == other_chain and not existing["frozen_height"]:
            _say(
                f"note: {this_chain} already has {existing['client_id']}, a client of "
                f"{other_chain} (paired with {existing['counterparty_client_id'] or 'nothing'}); "
                "this makes a second link"
            )


@app.command("create-client")
def create_client(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--from", help="A node URL of the chain to follow.")],
    key: KeyOption,
    trusting_period: Annotated[
        int, typer.Option("--trusting-period", help="Seconds a verified header is trusted.")
    ] = TWO_WEEKS,
    max_clock_drift: Annotated[
        int, typer.Option("--max-clock-drift", help="Seconds a header may run ahead.")
    ] = 10,
) -> None:
    """Create a client here of the chain at --from, trusting its latest header (e.g. the
    substitute a recover_client proposal names). Which header to trust is your decision:
    check it against the chain's operator (its hash is printed).

    *Tạo light client của một chuỗi khác, tin tiêu đề khối mới nhất của nó.*
    """
    config = settings(ctx)
    signing_key = load_key(config, key)
    with config.client() as here_sdk, Client.http(source) as there_sdk:
        block = _latest(Interchain(there_sdk))
        client_id = Interchain(here_sdk).create_client(
            signing_key, block, trusting_period, max_clock_drift=max_clock_drift
        )
    header = block.header
    _say(
        f"{client_id}: a client of {header['chain_id']} from its block {block.height} "
        f"(app hash {header['app_hash']}, validators {header['validators_hash']})"
    )


@app.command("client")
def show_client(ctx: typer.Context, client_id: ClientArg, as_json: Json = False) -> None:
    """Show a client: its chain, heights, and when it expires unless refreshed.

    *Xem một light client: chuỗi, chiều cao, thời điểm hết hạn nếu không được làm mới.*
    """
    body = _shown(ctx, f"/v1/interchain/clients/{client_id}", as_json)
    if body is None:
        return
    table = kv_table(f"Client {client_id}")
    for label, value in (
        ("chain", body["chain_id"]),
        ("counterparty client", body.get("counterparty_client_id") or "(not registered)"),
        ("latest height", body["latest_height"]),
        ("latest header time", body["latest"]["time"]),
        ("expires", body["expires"]),
        ("frozen at", body["frozen_height"] or "no"),
        ("trust level", body["trust_level"]),
        ("trusting period", f"{body['trusting_period']} s"),
    ):
        table.add_row(label, str(value))
    out.print(table)


@app.command("pending")
def pending(ctx: typer.Context, client_id: ClientArg, as_json: Json = False) -> None:
    """Packets sent through a client and not yet acknowledged or timed out.

    *Các gói tin đã gửi nhưng chưa được xác nhận hoặc hết hạn.*
    """
    with settings(ctx).client() as sdk:
        sequences = Interchain(sdk).pending(client_id)
    if as_json:
        print_json({"client_id": client_id, "sequences": sequences})
        return
    _say(f"{len(sequences)} pending: {', '.join(map(str, sequences)) or '-'}")


@app.command("packet")
def show_packet(
    ctx: typer.Context,
    client_id: ClientArg,
    sequence: Annotated[int, typer.Argument(metavar="SEQUENCE", help="From 1.")],
    as_json: Json = False,
) -> None:
    """A packet as sent through a client (on the sending chain).

    *Gói tin như khi được gửi (trên chuỗi gửi).*
    """
    body = _shown(ctx, f"/v1/interchain/packets/{client_id}/{sequence}", as_json)
    if body is None:
        return
    packet = body["packet"]
    table = kv_table(f"Packet {sequence} of {client_id}")
    table.add_row("to client", packet["destination_client"])
    table.add_row(
        "timeout", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(packet["timeout_timestamp"]))
    )
    table.add_row("sent at height", str(body["height"]))
    table.add_row("pending", "yes" if body["pending"] else "no (settled)")
    for n, payload in enumerate(packet["payloads"]):
        table.add_row(f"payload {n}", f"{payload['source_port']} -> {payload['destination_port']}")
    out.print(table)


@app.command("receipt")
def receipt(
    ctx: typer.Context,
    client_id: ClientArg,
    sequence: Annotated[int, typer.Argument(metavar="SEQUENCE", help="From 1.")],
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the receipt here (default: print).")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="A node of the sending chain: adds its genesis hash and, if its validators "
            "changed since genesis, the signed changes a verifier needs to follow them.",
        ),
    ] = None,
) -> None:
    """Get a packet receipt from the receiving chain (--node): the packet SEQUENCE that
    arrived through CLIENT, proved sent by the other chain and received and acknowledged here.

    Anyone checks it offline with both chains' genesis files:
    sen verify FILE --source-genesis SENDER.json --genesis RECEIVER.json

    *Biên nhận gói tin liên chuỗi, kiểm tra ngoại tuyến.*
    """
    with settings(ctx).client() as sdk:
        document = sdk.get(f"/v1/interchain/receipts/{client_id}/{sequence}")
    if source is not None:
        _complete_source(document, source)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        out.print(text, emoji=False, markup=False, highlight=False)
        return
    output.write_text(text, encoding="utf-8")
    _say(
        f"Receipt saved to {output}. Check it offline with: sen verify {output} "
        "--source-genesis SENDER-genesis.json --genesis RECEIVER-genesis.json"
    )


@app.command("answer")
def answer(
    ctx: typer.Context,
    client_id: ClientArg,
    sequence: Annotated[int, typer.Argument(metavar="SEQUENCE", help="The question's packet.")],
    as_json: Json = False,
) -> None:
    """The answer recorded here to a status question (ask-status), checked against its proof.

    *Câu trả lời đã ghi nhận cho một câu hỏi trạng thái.*
    """
    key = b"interchain/answers/" + client_id.encode() + b"/" + sequence.to_bytes(8, "big")
    with settings(ctx).client() as sdk:
        proved = Interchain(sdk).prove([key])  # the proof is checked against the app hash
    raw = proved.values[key]
    if raw is None:
        raise CliError(
            f"no answer to packet {sequence} of {client_id} yet: is it sent, and is a relayer "
            f"running? (sen interchain pending {client_id})"
        )
    recorded = encoding.decode(raw)
    if as_json:
        print_json(
            {"client_id": client_id, "sequence": sequence, "height": proved.height, **recorded}
        )
        return
    table = kv_table(f"Answer to packet {sequence} of {client_id}")
    for name in sorted(recorded):
        value = recorded[name]
        table.add_row(name, value.hex() if isinstance(value, bytes) else str(value))
    table.add_row("proved at height", str(proved.height))
    out.print(table)


@app.command("record")
def show_record(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="The record's id.")],
    as_json: Json = False,
) -> None:
    """A registry record of the record-transfer application: live, escrowed or moved.

    *Một bản ghi của sổ đăng ký: còn hiệu lực, đang chuyển, hay đã chuyển đi.*
    """
    body = _shown(ctx, f"/v1/interchain/records/{record_id}", as_json)
    if body is None:
        return
    table = kv_table(f"Record {record_id}")
    for label, value in (
        ("kind", body["kind"]),
        ("digest", body["digest"]),
        ("owner", body["owner"]),
        ("status", body["status"]),
        ("came from", f"{body['came_from_chain']} ({body['came_from_client']})"
         if body["came_from_client"] else "made here"),
        ("moved to", f"{body['moved_to_owner']} through {body['moved_to_client']}"
         if body["moved_to_client"] else "-"),
        ("updated at height", body["updated_height"]),
    ):  # fmt: skip
        table.add_row(label, str(value))
    out.print(table)


@app.command("create-record")
def create_record(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Option("--id", help="A stable id, e.g. VCS-4521-2026-001.")],
    kind: Annotated[str, typer.Option("--kind", help="e.g. carbon-credit-batch, product-lot.")],
    document: Annotated[
        Path, typer.Option("--file", help="The record's content: only its SHA-256 goes on chain.")
    ],
    key: KeyOption,
) -> None:
    """Register a record owned by your organisation, ready to move to another chain.

    *Tạo một bản ghi thuộc tổ chức của bạn (chỉ giá trị băm nội dung lên chuỗi).*
    """
    if not document.is_file():
        raise UsageProblem(f"--file: {document} is not a file")
    digest = hashlib.sha256(document.read_bytes()).digest()
    config = settings(ctx)
    signing_key = load_key(config, key)
    with config.client() as sdk:
        info = sdk.send(
            signing_key,
            "interchain",
            "create_record",
            {"id": record_id, "kind": kind, "digest": digest},
        )
    _say(f"created record {record_id} ({kind}, sha-256 {digest.hex()}) at block {info.height}")


@app.command("send-record")
def send_record(
    ctx: typer.Context,
    client_id: Annotated[str, typer.Option("--client", help="This chain's client of the other.")],
    record_id: Annotated[str, typer.Option("--id", help="The record to move.")],
    receiver: Annotated[
        str, typer.Option("--receiver", help="The organisation that receives it there.")
    ],
    key: KeyOption,
    timeout: Annotated[
        int, typer.Option("--timeout", help="Seconds from now the other chain has to take it.")
    ] = 3600,
) -> None:
    """Move a record to another chain: escrowed here until the other chain's answer, then
    moved (or back, if refused or timed out). Never in two places at once.

    *Chuyển một bản ghi sang chuỗi khác; không bao giờ tồn tại ở hai nơi cùng lúc.*
    """
    config = settings(ctx)
    signing_key = load_key(config, key)
    with config.client() as sdk:
        chain = Interchain(sdk)
        counterparty = chain.client(client_id).counterparty_client_id
        if not counterparty:
            raise UsageProblem(f"{client_id} has no registered counterparty; link it first")
        record = sdk.get(f"/v1/interchain/records/{record_id}")
        value = json.dumps(
            {
                "id": record_id,
                "kind": record["kind"],
                "digest": record["digest"],
                "receiver": receiver,
            }
        ).encode()
        payload = Payload(
            "record-transfer", "record-transfer", "sen-transfer-1", "application/json", value
        )
        sequence = chain.send_packet(
            signing_key, client_id, counterparty, int(time.time()) + timeout, [payload]
        )
    _say(f"sent: packet {sequence} of {client_id} carries record {record_id} (escrowed here)")


def _complete_source(document: dict[str, Any], url: str) -> None:
    """Add what only the sending chain knows: its genesis hash and validator history."""
    side = document["source"]
    height = int(side["signed_header"]["header"]["height"])
    with Client.http(url) as sdk:
        if sdk.chain_id != side["chain_id"]:
            raise UsageProblem(
                f"--source: {url} serves chain {sdk.chain_id}, not the sender {side['chain_id']}"
            )
        side["genesis_hash"] = hashlib.sha256(sdk.genesis()).hexdigest()
        history = Interchain(sdk).validator_history(height)
    if history:
        side["validator_history"] = history


@app.command("ask-status")
def ask_status(
    ctx: typer.Context,
    client_id: Annotated[str, typer.Option("--client", help="This chain's client of the other.")],
    issuer: Annotated[str, typer.Option("--issuer", help="The list's issuer DID (other chain).")],
    name: Annotated[str, typer.Option("--list", help="The status list's name.")],
    index: Annotated[int, typer.Option("--index", help="The credential's entry.")],
    key: KeyOption,
    timeout: Annotated[
        int, typer.Option("--timeout", help="Seconds from now the other chain has to answer.")
    ] = 3600,
) -> None:
    """Ask another chain whether a credential status entry is set (port status-query).

    The relayer carries the question and the answer; read the answer recorded here
    with `sen interchain answer CLIENT SEQUENCE`.

    *Hỏi chuỗi khác xem một mục trạng thái chứng chỉ có được đặt không.*
    """
    config = settings(ctx)
    signing_key = load_key(config, key)
    with config.client() as sdk:
        chain = Interchain(sdk)
        counterparty = chain.client(client_id).counterparty_client_id
        if not counterparty:
            raise UsageProblem(f"{client_id} has no registered counterparty; link it first")
        query = json.dumps({"issuer": issuer, "list": name, "index": index}).encode()
        payload = Payload("status-query", "status-query", "sen-status-1", "application/json", query)
        sequence = chain.send_packet(
            signing_key, client_id, counterparty, int(time.time()) + timeout, [payload]
        )
    _say(f"sent: packet {sequence} of {client_id}")


def build_relayer(config: Settings, relay: RelayConfig) -> tuple[Relayer, dict[str, Client]]:
    """The relayer a relay file describes (its keys opened now), and its clients to close."""
    keys = {c.name: load_key(config, c.key) for c in relay.chains}
    sdks = {c.name: Client.http(c.url) for c in relay.chains}
    registry = RelayerMetrics()
    links = [
        Link(
            End(spec.a, Interchain(sdks[spec.a]), keys[spec.a], spec.a_client),
            End(spec.b, Interchain(sdks[spec.b]), keys[spec.b], spec.b_client),
            metrics=registry,
            refresh_fraction=relay.refresh_fraction,
        )
        for spec in relay.links
    ]
    return Relayer(links, interval=relay.interval, metrics=registry), sdks


def _from_directory(
    hub: str, key: str, only: frozenset[str], hub_genesis: Path | None
) -> RelayConfig:
    """The links a hub's directory records: each entry's proof checked (against a header of
    the hub verified from its genesis, with ``hub_genesis``), and each chain's served genesis
    compared with the registered hash."""
    genesis = read_genesis(hub_genesis.read_bytes()) if hub_genesis is not None else None
    if genesis is None:
        _say(
            "note: the hub's answers are checked against the app hash the hub gives; pass "
            "--hub-genesis FILE to check that app hash against the hub's signed headers"
        )
    entries: list[dict[str, Any]] = []
    checked: set[tuple[int, str]] = set()
    after = 0
    with Client.http(hub) as sdk:
        for _ in range(MAX_DIRECTORY_PAGES):
            body = sdk.get("/v1/directory/chains", params={"after": str(after), "limit": "200"})
            for chain in body.get("chains", []):
                entries.append(_directory_entry(chain))
                snapshot = (int(chain["height"]), str(chain["app_hash"]))
                if genesis is not None and snapshot not in checked:
                    _check_hub_state(Interchain(sdk), genesis, *snapshot)
                    checked.add(snapshot)
            following = body.get("next")
            if following is None:
                break
            if not isinstance(following, int) or following <= after:
                raise CliError(f"the hub's directory pages do not move on (after {after})")
            after = following
        else:
            raise CliError(f"the hub's directory has more than {MAX_DIRECTORY_PAGES} pages")
    reachable = []
    for entry in entries:
        url = rest_endpoint(entry)
        if url is None:
            continue
        try:
            with Client.http(url, timeout=10) as sdk:
                served = hashlib.sha256(sdk.genesis()).digest()
        except SenError as exc:
            _say(f"{entry['chain_id']}: not relayed, its node does not answer: {exc}")
            continue
        if served != bytes(entry["genesis_hash"]):
            _say(f"{entry['chain_id']}: not relayed, {url} serves another chain's genesis")
            continue
        reachable.append(entry)
    return relay_config_from_directory(reachable, key, only=only)


def _directory_entry(chain: Any) -> dict[str, Any]:
    """One directory answer: its proof checked, of the key for its chain id, well formed."""
    try:
        entry = verified(chain)
        named = str(chain["chain_id"])
        proved_key = bytes.fromhex(chain["key"])
        if (
            entry is None
            or entry.get("chain_id") != named
            or proved_key != DIRECTORY_CHAIN + named.encode()
        ):
            raise CliError(f"the hub's answer for {named} is not the proof of its entry")
        texts = [(e["kind"], e["url"]) for e in entry["endpoints"]] + [
            (k["counterparty"], k["client_id"], k["counterparty_client_id"]) for k in entry["links"]
        ]
        if not all(isinstance(t, str) for row in texts for t in row):
            raise TypeError("endpoints and links hold text")
        if not isinstance(entry["genesis_hash"], bytes):
            raise TypeError("genesis_hash")
        return dict(entry)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CliError(f"the hub's directory answer is malformed: {exc!r}"[:200]) from None


def _check_hub_state(hub: Interchain, genesis: Genesis, height: int, app_hash: str) -> None:
    """The hub's state after ``height`` (``app_hash``) is what a header its validators signed
    says, the validators followed from the hub's genesis file (waiting a little for the
    header after ``height``, which carries it)."""
    deadline = time.monotonic() + HUB_HEADER_WAIT
    while True:
        block = hub.light_block(height + 1) or hub.light_block(height)
        if block is not None and block.app_hash.hex() == app_hash.lower():
            break
        if (block is not None and block.height == height + 1) or time.monotonic() > deadline:
            raise CliError(
                f"--hub-genesis: no signed header of the hub carries the state it answered "
                f"from (height {height}); a hub must make blocks while idle "
                "(create_empty_blocks)"
            )
        time.sleep(0.2)
    side = side_from_json(
        {
            "chain_id": genesis.chain_id,
            "signed_header": {
                "header": block.header,
                "commit": block.commit,
                "validators": block.validators,
            },
            "validator_history": hub.validator_history(block.height),
        },
        "hub",
    )
    if side.signed.header.chain_id != genesis.chain_id:
        raise CliError(f"--hub-genesis: the hub serves chain {side.signed.header.chain_id}")
    try:
        check_signed_header(side, genesis, "hub")
    except ReceiptInvalid as exc:
        why = exc.reason
        raise CliError(f"--hub-genesis: the hub's header does not verify: {why}") from None


def relay(
    ctx: typer.Context,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="The relay file (chains, keys, links).")
    ] = None,
    directory: Annotated[
        str | None,
        typer.Option(
            "--directory",
            help="Instead of --config: a hub node's URL; relay every link its chain directory "
            "records (with --key).",
        ),
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="With --directory: the key that signs everywhere.")
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--chain", help="With --directory: only links of this chain (repeatable)."),
    ] = None,
    hub_genesis: Annotated[
        Path | None,
        typer.Option(
            "--hub-genesis",
            help="With --directory: the hub's trusted genesis.json, to check its answers "
            "against headers its validators signed (else the hub node is trusted).",
        ),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
    metrics: Annotated[
        str | None,
        typer.Option("--metrics", help="Serve Prometheus metrics at host:port (127.0.0.1:9464)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every step.")] = False,
) -> None:
    """Relay between linked chains: refresh clients, deliver packets, bring back acks.

    Holds no trust: every header and proof it carries is verified by the chain that
    receives it. Several relayers may run at once. Keys' passphrase: $SEN_PASSPHRASE
    (needed when not run from a terminal). With --once, exits 1 if the pass failed.
    Stop with Ctrl-C.

    *Chuyển tiếp giữa các chuỗi đã liên kết; không cần tin tưởng bên chuyển tiếp.*
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    if not verbose:  # one line per request is noise; the relayer says what it did
        logging.getLogger("httpx").setLevel(logging.WARNING)
    config = settings(ctx)
    if (config_file is None) == (directory is None):
        raise UsageProblem("give either --config FILE or --directory HUB_URL (with --key)")
    try:
        if directory is not None:
            if key is None:
                raise UsageProblem("--directory needs --key: the key that signs on every chain")
            if hub_genesis is not None and not hub_genesis.is_file():
                raise UsageProblem(f"--hub-genesis: {hub_genesis} is not a file")
            relay_config = _from_directory(directory, key, frozenset(only or ()), hub_genesis)
        else:
            assert config_file is not None
            relay_config = load_relay_config(config_file)
        listen = parse_listen(metrics, "--metrics") if metrics else relay_config.metrics
    except RelayerError as exc:
        raise UsageProblem(exc.message) from None
    relayer, sdks = build_relayer(config, relay_config)
    registry = relayer.metrics
    links = relayer.links
    if listen is not None:
        from prometheus_client import start_http_server

        start_http_server(listen[1], addr=listen[0], registry=registry.registry)
        _say(f"metrics at http://{listen[0]}:{listen[1]}/metrics")
    try:
        if once:
            report = relayer.run_pass()
            _say(
                f"{report.updates} updates, {report.received} received, "
                f"{report.acknowledged} acknowledged, {report.timed_out} timed out, "
                f"{report.duplicates} duplicates"
            )
            if report.errors:
                raise CliError(f"the pass failed: {relayer.last_error}")
        else:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            _say(f"relaying {len(links)} link(s); Ctrl-C to stop")
            with contextlib.suppress(KeyboardInterrupt):
                relayer.run(stop)
    finally:
        for sdk in sdks.values():
            sdk.close()
    if relayer.unusable:
        raise CliError("; ".join(relayer.unusable.values()))
