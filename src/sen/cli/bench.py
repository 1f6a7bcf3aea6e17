"""``sen bench``: run the reproducible benchmarks (``senbench.run_all``) and write JSON results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from sen.cli._context import err, out
from sen.cli.errors import CliError


def bench(
    duration: Annotated[float, typer.Option(help="Seconds per timed benchmark.", min=0.1)] = 60.0,
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the JSON results.")] = Path(
        "benchmarks/results"
    ),
    quick: Annotated[bool, typer.Option("--quick", help="A short smoke run.")] = False,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only this benchmark (repeatable).")
    ] = None,
) -> None:
    """Run the benchmarks (throughput, receipts, history) and write one JSON file."""
    try:
        from senbench import run_all
    except ImportError as exc:
        raise CliError(
            f"the benchmarks are not installed ({exc}); in a source checkout run 'make bench'"
            " or pip install -e benchmarks"
        ) from None
    tasks: dict[str, TaskID] = {}
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:

        def report(name: str, done: float, total: float) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=done, total=total)

        result = run_all(
            duration=duration, out=out_dir, quick=quick, progress=report, only=tuple(only or ())
        )
    for name in result.get("results", {}):
        out.print(f"✓ {name}")
    out.print(f"Results written to {result.get('path', out_dir)}")
