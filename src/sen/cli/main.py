"""The ``sen`` command: one entry point, one place where errors become a line and an exit code.

Global options (``--home``, ``--node``, ``--lang``) may be written anywhere on
the command line; :func:`main` moves them in front of the subcommand.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sen.cli import bench as bench_command
from sen.cli import ca, evidence, keys, member, node, tx
from sen.cli import consent as consent_command
from sen.cli import contract as contract_command
from sen.cli import did as did_command
from sen.cli import directory as directory_command
from sen.cli import genesis as genesis_command
from sen.cli import gov as gov_command
from sen.cli import interchain as interchain_command
from sen.cli import network as network_command
from sen.cli import privacy as privacy_command
from sen.cli import status as status_command
from sen.cli import trace as trace_command
from sen.cli import trust as trust_command
from sen.cli import vault as vault_command
from sen.cli import vc as vc_command
from sen.cli import verify as verify_command
from sen.cli._context import Settings, err
from sen.cli._i18n import text
from sen.cli.errors import EXIT_INVALID, exit_code_for, message_for
from sen.sdk.errors import Rejected

GLOBAL_OPTIONS = ("--home", "--node", "--lang")


class Language(StrEnum):
    en = "en"
    vi = "vi"


app = typer.Typer(
    name="sen",
    help="Sen: run a node, manage keys, anchor documents and verify receipts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(node.app, name="node")
app.add_typer(keys.app, name="keys")
app.add_typer(tx.app, name="tx")
app.add_typer(tx.block_app, name="block")
app.add_typer(evidence.app, name="evidence")
app.add_typer(network_command.app, name="network")
app.add_typer(gov_command.app, name="gov")
app.add_typer(genesis_command.app, name="genesis")
app.add_typer(ca.app, name="ca")
app.add_typer(member.app, name="member")
app.add_typer(did_command.app, name="did")
app.add_typer(trust_command.app, name="trust")
app.add_typer(directory_command.app, name="directory")
app.add_typer(interchain_command.app, name="interchain")
app.add_typer(contract_command.app, name="contract")
app.add_typer(status_command.app, name="status")
app.add_typer(consent_command.app, name="consent")
app.add_typer(privacy_command.app, name="privacy")
app.add_typer(vault_command.app, name="vault")
app.add_typer(trace_command.app, name="trace")
app.add_typer(vc_command.app, name="vc")
app.command("verify")(verify_command.verify)
app.command("bench")(bench_command.bench)
app.command("relay")(interchain_command.relay)


@app.callback()
def root(
    ctx: typer.Context,
    home: Annotated[
        Path, typer.Option("--home", envvar="SEN_HOME", help="Node home directory.")
    ] = Path(".sen"),
    node_url: Annotated[
        str | None,
        typer.Option(
            "--node", envvar="SEN_NODE", help="Node API URL (default: from the home's config)."
        ),
    ] = None,
    lang: Annotated[
        Language, typer.Option("--lang", envvar="SEN_LANG", help="Language of messages.")
    ] = Language.en,
) -> None:
    ctx.obj = Settings(home=home, node=node_url, lang=lang.value)


def hoist_global_options(args: list[str]) -> list[str]:
    """Move ``--home X``/``--home=X`` (and --node, --lang) in front of the subcommand."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in arg:
                front.append(arg)
            else:
                front += args[i : i + 2]
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _language(args: list[str]) -> str:
    for i, arg in enumerate(args):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
    return os.environ.get("SEN_LANG", "en")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: never prints a traceback."""
    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="sen", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("[red]aborted[/]")
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        err.print("[red]interrupted[/]")
        sys.exit(EXIT_INVALID)
    except Exception as exc:
        if os.environ.get("SEN_DEBUG"):
            raise
        sys.exit(_report(exc, _language(args)))
    sys.exit(result if isinstance(result, int) else 0)


def _report(error: Exception, language: str) -> int:
    if isinstance(error, Rejected):
        message = text(language, "rejected", reason=error.describe(language))
    elif isinstance(error, typer.TyperException | OSError) or _is_ours(error):
        message = message_for(error)
    else:
        message = f"internal error ({type(error).__name__}): {message_for(error)}"
    err.print(f"[red]error: {escape(message)}[/]")
    return exit_code_for(error)


def _is_ours(error: Exception) -> bool:
    module = type(error).__module__
    return module.startswith("sen.")


if __name__ == "__main__":
    main()
