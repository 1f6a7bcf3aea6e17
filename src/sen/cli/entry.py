"""The ``sen`` script's entry point: the CLI, or a clear line when the server packages are missing.

``pip install sen`` installs only the SDK; the command needs the node's
packages (``pip install 'sen[server]'``). Without them this says so instead of
printing a traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from sen.cli.main import main as run
    except ModuleNotFoundError as exc:
        sys.exit(
            f"sen: the command needs the node's packages ({exc.name} is not installed); "
            "install them with: pip install 'sen[server]'"
        )
    run()
