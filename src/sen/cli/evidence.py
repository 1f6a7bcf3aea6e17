"""``sen evidence``: anchor documents, look them up, fetch receipts."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sen.cli._context import Settings, err, kv_table, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.ledger.crypto import SigningKey
from sen.ledger.modules.evidence.digests import DEFAULT_ALGORITHM, DIGEST_ALGORITHMS, digest_file
from sen.sdk.client import Client, DigestInput
from sen.sdk.models import Anchored

app = typer.Typer(
    help="Anchor documents and prove it (evidence preservation).", no_args_is_help=True
)

MAX_BATCH = 10_000

Algorithm = Annotated[
    str, typer.Option("--algorithm", help=f"Digest algorithm: {', '.join(DIGEST_ALGORITHMS)}.")
]


def _algorithm(name: str) -> str:
    if name not in DIGEST_ALGORITHMS:
        raise UsageProblem(
            f"--algorithm: expected one of {', '.join(DIGEST_ALGORITHMS)}, got {name!r}"
        )
    return name


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named, and every file under directories named (recursively, sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise UsageProblem(f"{path}: no such file or directory")
    if not found:
        raise UsageProblem("nothing to anchor: the directories given hold no files")
    return list(dict.fromkeys(found))


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _hash_all(files: list[Path], algorithm: str) -> list[bytes]:
    digests = []
    with _progress() as progress:
        task = progress.add_task(f"hashing ({algorithm})", total=len(files))
        for path in files:
            try:
                digests.append(digest_file(path, algorithm))
            except OSError as exc:
                raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
            progress.advance(task)
    return digests


@app.command("anchor")
def anchor(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(metavar="FILE_OR_DIR...", help="Files to anchor.")],
    key: Annotated[str, typer.Option("--key", help="Key name or pkcs11: URI.")],
    title: Annotated[str, typer.Option(help="Title, e.g. 'Bằng tốt nghiệp 2024'.")] = "",
    organisation: Annotated[str, typer.Option(help="Issuing organisation.")] = "",
    reference: Annotated[str, typer.Option(help="Reference number.")] = "",
    batch: Annotated[bool, typer.Option("--batch", help="Use anchor_batch even for one file.")] = (
        False
    ),
    algorithm: Algorithm = DEFAULT_ALGORITHM,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the block.")] = True,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for commit.")] = 120.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Hash files and anchor their digests on the chain; print digest and tx per file."""
    config = settings(ctx)
    algorithm = _algorithm(algorithm)
    files = collect_files(paths)
    signing_key = load_key(config, key)
    digests = _hash_all(files, algorithm)
    meta = {"title": title, "organisation": organisation, "reference": reference}
    with config.client() as client:
        if batch or len(files) > 1:
            anchored = _anchor_batches(client, signing_key, digests, algorithm, meta, wait, timeout)
        else:
            single = client.anchor(
                signing_key,
                digests[0],
                algorithm,
                title=title,
                organisation=organisation,
                reference=reference,
                wait=wait,
                timeout=timeout,
            )
            anchored = [single]
    by_digest = {d: a for a in anchored for d in a.digests}
    rows = [(path, digest, by_digest[digest]) for path, digest in zip(files, digests, strict=True)]
    if as_json:
        print_json([_row_json(path, digest, item, algorithm) for path, digest, item in rows])
        return
    _print_anchored(config, rows, anchored, wait)


def _anchor_batches(
    client: Client,
    key: SigningKey,
    digests: list[bytes],
    algorithm: str,
    meta: dict[str, str],
    wait: bool,
    timeout: float,
) -> list[Anchored]:
    unique: list[DigestInput] = list(dict.fromkeys(digests))
    chunks = [unique[i : i + MAX_BATCH] for i in range(0, len(unique), MAX_BATCH)]
    submitted: list[Anchored] = []
    with _progress() as progress:
        task = progress.add_task("submitting", total=len(unique))
        for chunk in chunks:
            submitted += client.anchor_batch(
                key,
                chunk,
                algorithm,
                title=meta["title"],
                organisation=meta["organisation"],
                reference=meta["reference"],
                wait=False,
                batch_size=MAX_BATCH,
            )
            progress.advance(task, len(chunk))
    if not wait:
        return submitted
    deadline = time.monotonic() + timeout
    done: list[Anchored] = []
    with _progress() as progress:
        task = progress.add_task("waiting for blocks", total=len(submitted))
        for item in submitted:
            left = max(0.0, deadline - time.monotonic())
            info = client.wait(item.tx_hash, left, check=True)
            done.append(Anchored(item.algorithm, item.digests, info))
            progress.advance(task)
    return done


def _row_json(path: Path, digest: bytes, item: Anchored, algorithm: str) -> dict[str, object]:
    return {
        "file": str(path),
        "algorithm": algorithm,
        "digest": digest.hex(),
        "tx_hash": item.tx_hash,
        "status": item.tx.status,
        "height": item.tx.height,
    }


def _print_anchored(
    config: Settings,
    rows: list[tuple[Path, bytes, Anchored]],
    anchored: list[Anchored],
    wait: bool,
) -> None:
    for path, digest, item in rows:
        block = "" if item.tx.height is None else f"  block {item.tx.height}"
        out.print(f"[bold]{escape(str(path))}[/]")
        out.print(f"  digest {item.algorithm}:{digest.hex()}")
        out.print(f"  tx     {item.tx_hash}{block}")
    out.print(config.text("anchored", count=len(rows), txs=len(anchored)))
    heights = sorted({a.tx.height for a in anchored if a.tx.height is not None})
    if wait and heights:
        out.print(config.text("committed", height=", ".join(map(str, heights))))
    elif not wait:
        out.print(config.text("submitted"))


def _digest_argument(value: str) -> DigestInput:
    """A path if such a file exists, else hex digest text."""
    path = Path(value)
    if path.is_file():
        return path
    if path.exists():
        raise UsageProblem(f"{value} is not a regular file")
    return value


@app.command("lookup")
def lookup(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(metavar="FILE|DIGEST", help="A file or hex digest.")],
    algorithm: Algorithm = DEFAULT_ALGORITHM,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every anchoring of a file or digest, oldest first."""
    config = settings(ctx)
    algorithm = _algorithm(algorithm)
    with config.client() as client:
        found = client.lookup(_digest_argument(document), algorithm)
    if as_json:
        print_json(
            {
                "algorithm": found.algorithm,
                "digest": found.digest,
                "anchorings": [asdict(a) for a in found.anchorings],
            }
        )
        return
    out.print(f"{found.algorithm} {found.digest}")
    if not found.anchored:
        out.print(config.text("not_anchored", algorithm=found.algorithm))
        raise typer.Exit(1)
    first = found.anchorings[0]
    out.print(
        config.text(
            "anchored_times", count=len(found.anchorings), height=first.height, time=first.time
        )
    )
    for number, item in enumerate(found.anchorings):
        table = kv_table(f"#{number}")
        table.add_row("block", f"{item.height} (tx index {item.index}, leaf {item.leaf})")
        table.add_row("time", item.time)
        table.add_row("tx", item.tx_hash)
        table.add_row("sender", item.sender)
        for label, value in (
            ("title", item.title),
            ("organisation", item.organisation),
            ("reference", item.reference),
        ):
            if value:
                table.add_row(label, escape(value))
        out.print(table)


@app.command("receipt")
def receipt(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(metavar="DIGEST|FILE", help="A hex digest or a file.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the receipt here (else stdout).")
    ] = None,
    algorithm: Algorithm = DEFAULT_ALGORITHM,
    anchoring: Annotated[int, typer.Option(help="Which anchoring (0 = the first).", min=0)] = 0,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Retry until the receipt is provable.")
    ] = True,
    timeout: Annotated[float, typer.Option(help="Seconds to keep retrying.")] = 30.0,
) -> None:
    """Fetch the receipt that proves an anchoring (checkable offline with `sen verify`)."""
    config = settings(ctx)
    algorithm = _algorithm(algorithm)
    with config.client() as client:
        body = client.receipt(
            _digest_argument(document), algorithm, anchoring, wait=wait, timeout=timeout
        )
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        out.out(text, end="")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
    out.print(config.text("receipt_saved", path=escape(str(output))))
