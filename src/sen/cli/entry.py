"""The ``sen`` script's entry point: the CLI, or a clear line when the server packages are missing.

Installing this checkout without extras (``pip install .``) gives only the SDK;
the command needs the node's packages too. Without them this says so, in one
line, instead of printing a traceback. (A missing module of Sen's own is a
broken install, not a missing extra: that one is raised as it is.)
"""

from __future__ import annotations

import sys

INSTALL_HINT = (
    "from a Sen checkout: pip install -c constraints/consensus.txt '.[server]' "
    "(or make install; see README.md)"
)


def main() -> None:
    try:
        from sen.cli.main import main as run
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name == "sen" or exc.name.startswith("sen."):
            raise
        sys.exit(
            f"sen: the command needs the node's packages ({exc.name} is not installed); "
            f"install them {INSTALL_HINT}"
        )
    run()
