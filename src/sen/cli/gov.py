"""``sen gov``: propose, vote on, show and list governance proposals."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from sen.cli._context import kv_table, out, print_json, settings
from sen.cli.errors import UsageProblem
from sen.cli.tx import load_key
from sen.sdk.args import parse_args

app = typer.Typer(
    help="Governance: organisation admins propose and vote (more than 2/3 of organisations "
    "by default; executed at the deciding vote).",
    no_args_is_help=True,
)

KINDS_HELP = (
    "admit_organisation {id,name,ca,roles[,chain]} | remove_organisation {id} | "
    "set_organisation_roles {id,roles} | add_role {role} | set_params {max_tx_bytes,"
    "max_block_bytes,allowed_suites,max_batch_digests,disabled_modules} | set_validator "
    "{pub_key,power[,pub_key_type]} | set_governance {threshold,voting_period,max_voting_period} | "
    "set_trust_roots {roots} | register_chain {chain_id,genesis_hash,operator,sector,endpoints,"
    "validators_hash[,links,datasets]} | update_chain {chain_id,...} | remove_chain {chain_id} | "
    "recover_client {subject_client_id,substitute_client_id} | upload_contract {source} | "
    "set_contract_settings {upload,max_code_bytes,max_gas,max_block_gas (any of them)} | "
    "grant_gs1_prefix {prefix,holder} | revoke_gs1_prefix {prefix}"
)


@app.command("propose")
def propose(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=KINDS_HELP)],
    key: Annotated[str, typer.Option("--key", help="An admin's key name or pkcs11: URI.")],
    payload: Annotated[
        str, typer.Option("--payload", help='JSON object; "hex:..."/"b64:..." strings are bytes.')
    ] = "{}",
    title: Annotated[str, typer.Option("--title", help="A one-line description.")] = "",
    voting_period: Annotated[
        int | None, typer.Option("--voting-period", help="Blocks to vote (default: chain's).")
    ] = None,
) -> None:
    """Propose a change; prints the proposal id."""
    config = settings(ctx)
    args: dict[str, Any] = {"kind": kind, "payload": parse_args(payload)}
    if title:
        args["title"] = title
    if voting_period is not None:
        args["voting_period"] = voting_period
    signing_key = load_key(config, key)
    with config.client() as client:
        info = client.send(signing_key, "governance", "propose", args)
    proposal_id = int(info.result.data, 16) if info.result and info.result.data else None
    out.print(f"proposal {proposal_id} (tx {info.hash}, block {info.height})")


@app.command("vote")
def vote(
    ctx: typer.Context,
    proposal_id: Annotated[int, typer.Argument(metavar="ID", help="Proposal id.")],
    choice: Annotated[str, typer.Argument(metavar="yes|no")],
    key: Annotated[str, typer.Option("--key", help="An admin's key name or pkcs11: URI.")],
) -> None:
    """Vote for your organisation (one vote per organisation)."""
    if choice not in ("yes", "no"):
        raise UsageProblem(f"choice: expected yes or no, got {choice!r}")
    config = settings(ctx)
    signing_key = load_key(config, key)
    with config.client() as client:
        info = client.send(
            signing_key, "governance", "vote", {"proposal": proposal_id, "choice": choice}
        )
        status = (
            bytes.fromhex(info.result.data).decode() if info.result and info.result.data else "?"
        )
    out.print(f"voted {choice} on proposal {proposal_id} (block {info.height}); status {status}")


@app.command("show")
def show(
    ctx: typer.Context,
    proposal_id: Annotated[int, typer.Argument(metavar="ID", help="Proposal id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """Show a proposal: who proposed it, who voted when, the result."""
    with settings(ctx).client() as client:
        found = client.proposal(proposal_id)
    if as_json:
        print_json(found)
        return
    table = kv_table(f"Proposal {found.get('id')}")
    for name in ("kind", "title", "status", "organisation", "proposer"):
        table.add_row(name, str(found.get(name, "")))
    table.add_row(
        "blocks", f"created {found.get('created_height')}, deadline {found.get('deadline_height')}"
    )
    if found.get("decided_height"):
        table.add_row("decided at", str(found.get("decided_height")))
    if found.get("outcome"):
        table.add_row("outcome", f"{found.get('outcome')} ({found.get('outcome_code_name')})")
    if found.get("outcome_log"):
        table.add_row("refusal", str(found.get("outcome_log")))
    table.add_row("payload", json.dumps(found.get("payload"), ensure_ascii=False))
    for vote_row in found.get("votes", []):
        table.add_row(
            "vote",
            f"{vote_row['organisation']}: {vote_row['choice']} at block {vote_row['height']}",
        )
    out.print(table)


@app.command("list")
def list_proposals(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option("--status", help="open, passed, rejected, failed, expired.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False,
) -> None:
    """List proposals, newest first."""
    with settings(ctx).client() as client:
        found = client.proposals(status)
    if as_json:
        print_json({"proposals": found})
        return
    table = Table("id", "kind", "status", "votes", "deadline", "title")
    for item in found:
        votes = item.get("votes", [])
        yes = sum(1 for v in votes if v.get("choice") == "yes")
        table.add_row(
            str(item.get("id")),
            str(item.get("kind")),
            str(item.get("status")),
            f"{yes} yes / {len(votes) - yes} no",
            str(item.get("deadline_height")),
            str(item.get("title", "")),
        )
    out.print(table)
