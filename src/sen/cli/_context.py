"""What every command shares: the global options, consoles, the client and passphrases."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sen.cli._i18n import text
from sen.cli.errors import CliError
from sen.node.config import DEFAULT_API_HOST, DEFAULT_API_PORT, load_config
from sen.node.errors import NodeError
from sen.sdk.client import Client
from sen.sdk.keys import Keyring

PASSPHRASE_ENV = "SEN_PASSPHRASE"

out = Console(highlight=False, soft_wrap=True, emoji=False)  # "did:key:" is no emoji code
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    node: str | None
    lang: str

    def node_url(self) -> str:
        """``--node``, else the API address in the home's config, else the default."""
        if self.node:
            return self.node
        try:
            config = load_config(self.home)
            host, port = config.api_host, config.api_port
        except NodeError:
            host, port = DEFAULT_API_HOST, DEFAULT_API_PORT
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    def client(self) -> Client:
        return Client.http(self.node_url())

    def keyring(self) -> Keyring:
        return Keyring()

    def text(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)


def settings(ctx: typer.Context) -> Settings:
    found = ctx.find_root().obj
    if not isinstance(found, Settings):
        raise CliError("internal error: global options were not parsed")
    return found


def passphrase(prompt: str, *, confirm: bool = False) -> str:
    """The passphrase from $SEN_PASSPHRASE, else a hidden prompt."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        if not given:
            raise CliError(f"{PASSPHRASE_ENV} is set but empty; keys are always encrypted")
        return given
    if not sys.stdin.isatty():  # in the background, under systemd, in a pipe: no one to ask
        raise CliError(
            f"{prompt}: no terminal to ask on; set {PASSPHRASE_ENV} in this process's "
            "environment (e.g. an EnvironmentFile for systemd)"
        )
    value = str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))
    if not value:
        raise CliError("an empty passphrase is not allowed; keys are always encrypted")
    return value


def kv_table(title: str | None = None) -> Table:
    """A two-column (name, value) table whose long values wrap instead of being cut."""
    table = Table(show_header=False, title=title, title_justify="left")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    return table


def print_json(value: Any) -> None:
    out.out(json.dumps(value, indent=2, ensure_ascii=False, default=_jsonable))


def _jsonable(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
