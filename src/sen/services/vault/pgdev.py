"""A throwaway PostgreSQL cluster on 127.0.0.1, for the vault's tests, its benchmark and
trying the PostgreSQL store on one machine: Debian's server (``scripts/install-postgres.sh``
installs it), initialised in a temporary folder with trust authentication for the user
``sen``, started with ``pg_ctl -w`` (which returns once the server accepts connections) and
stopped at the end. Never a deployment's server.

PostgreSQL refuses to run as root: under root the cluster's folder is given to the
``postgres`` user and its programs run as that user (``runuser``). The folder is made
directly under the system's temporary folder, since the postgres user cannot enter the
per-user folders pytest makes (mode 0700); it is removed when the cluster stops.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


class PgDevError(Exception):
    """The throwaway cluster could not be made, started or stopped."""


def find_bindir() -> Path:
    """PostgreSQL's programs (initdb, pg_ctl): ``$SEN_PG_BINDIR``, else Debian's newest."""
    given = os.environ.get("SEN_PG_BINDIR")
    found = [Path(given)] if given else sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    for bindir in reversed(found):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise PgDevError(
        "PostgreSQL's initdb and pg_ctl not found: run scripts/install-postgres.sh "
        "(make postgres), or set SEN_PG_BINDIR"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PgCluster:
    """``start()``, then ``dsn()`` or ``create_database(name)``; ``stop()`` removes it all."""

    def __init__(self, bindir: Path | None = None, *, fsync: bool = False) -> None:
        self.bindir = bindir or find_bindir()
        self.fsync = fsync  # off for tests (faster, nothing to keep); on for benchmarks
        self.root = Path(tempfile.mkdtemp(prefix="sen-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = 0
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PgDevError(f"{args[0]} failed: {done.stderr.strip()}\n{log}")

    def start(self) -> None:
        self.sockets.mkdir(exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
            self.root.chmod(0o700)
        self._run(
            "initdb", "-D", str(self.data), "-U", "sen", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        for attempt in range(5):  # another process may take the port between probe and bind
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets} "
                f"-c fsync={'on' if self.fsync else 'off'} -c max_connections=40"
            )
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                          "-w", "-t", "60", "start")  # fmt: skip
                return
            except PgDevError:
                if attempt == 4:
                    raise

    def dsn(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=sen dbname={database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.dsn(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def version(self) -> str:
        with psycopg.connect(self.dsn()) as db:
            found = db.execute("SHOW server_version").fetchone()
        return "" if found is None else str(found[0])

    def stop(self) -> None:
        if self.port:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.port = 0
        shutil.rmtree(self.root, ignore_errors=True)
