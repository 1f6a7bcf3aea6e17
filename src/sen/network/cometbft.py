"""Finding the CometBFT binary and running its short commands (``init``, ``show-node-id``).

Sen pins CometBFT v0.38 (ABCI 2.0). The binary is looked for, in order:

1. an explicit setting (``--cometbft PATH``), else the ``SEN_COMETBFT`` environment variable;
2. ``<checkout>/.bin/cometbft``, where ``make cometbft`` installs it in a source checkout;
3. ``cometbft`` on ``PATH``.

An explicit setting is used as given or not at all: a wrong path is an error, not a
reason to run some other binary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import sen
from sen.network.errors import CometbftFailed, CometbftNotFound

ENV_VAR = "SEN_COMETBFT"
PINNED_VERSION = "0.38.26"
REQUIRED_SERIES = "0.38."
COMMAND_TIMEOUT = 60.0

INSTALL_HINT = (
    f"install it with `make cometbft` (runs scripts/install-cometbft.sh; needs Go >= 1.22), "
    f"or download the CometBFT v{PINNED_VERSION} release binary from "
    f"https://github.com/cometbft/cometbft/releases/tag/v{PINNED_VERSION} "
    f"and set {ENV_VAR}=/path/to/cometbft"
)


def checkout_candidate() -> Path:
    """``<checkout>/.bin/cometbft``, where ``make cometbft`` installs it in a source checkout."""
    return Path(sen.__file__).resolve().parents[2] / ".bin" / "cometbft"


def find_cometbft(setting: str | None = None) -> Path:
    """The CometBFT v0.38 binary to run (see the module docstring for the order)."""
    explicit = setting or os.environ.get(ENV_VAR) or None
    if explicit:
        return _explicit(explicit, "--cometbft" if setting else ENV_VAR)
    looked = [f"{ENV_VAR} (not set)"]
    checkout = checkout_candidate()
    on_path = shutil.which("cometbft")
    places = [
        (str(checkout), checkout if checkout.exists() else None),
        ("cometbft on PATH", Path(on_path) if on_path else None),
    ]
    for label, found in places:
        if found is None:
            looked.append(f"{label} (not found)")
            continue
        problem = _unusable(found)
        if problem is None:
            return found.resolve()
        shown = label if label == str(found) else f"{label} = {found}"
        looked.append(f"{shown} ({problem})")
    raise CometbftNotFound(
        f"no usable CometBFT v{REQUIRED_SERIES}x binary; looked at: {'; '.join(looked)}. "
        f"{INSTALL_HINT[0].upper()}{INSTALL_HINT[1:]}"
    )


def _explicit(setting: str, source: str) -> Path:
    path = Path(setting).expanduser()
    problem = _unusable(path)
    if problem:
        raise CometbftNotFound(f"{source}={setting}: {problem}; {INSTALL_HINT}")
    return path.resolve()


def cometbft_version(path: Path) -> str:
    """What ``cometbft version`` prints (e.g. ``0.38.26``)."""
    return run_cometbft(path, ["version"], timeout=10.0).strip()


def _unusable(path: Path) -> str | None:
    """Why ``path`` cannot serve as Sen's CometBFT, or None when it can."""
    if not path.exists():
        return "no such file"
    if path.is_dir() or not os.access(path, os.X_OK):
        return "not an executable file"
    try:
        version = cometbft_version(path)
    except (CometbftFailed, OSError) as exc:
        return f"`cometbft version` failed: {exc}"
    if not version.startswith(REQUIRED_SERIES):
        return f"version {version or '(none)'}, Sen needs {REQUIRED_SERIES}x"
    return None


def run_cometbft(binary: Path, args: list[str], *, timeout: float = COMMAND_TIMEOUT) -> str:
    """Run ``cometbft ARGS`` to completion; its stdout, or CometbftFailed with its output."""
    command = [str(binary), *args]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise CometbftFailed(command, -1, f"timed out after {timeout:g} s") from exc
    if done.returncode != 0:
        raise CometbftFailed(command, done.returncode, done.stderr + done.stdout)
    return done.stdout


def init_home(binary: Path, home: Path) -> None:
    """``cometbft init``: this home's node key, validator key and CometBFT config."""
    run_cometbft(binary, ["init", "--home", str(home)])


def show_node_id(binary: Path, home: Path) -> str:
    """The P2P node id (hex of the node key's address) of the node in ``home``."""
    node_id = run_cometbft(binary, ["show-node-id", "--home", str(home)]).strip()
    if len(node_id) != 40 or any(c not in "0123456789abcdef" for c in node_id):
        raise CometbftFailed(
            [str(binary), "show-node-id", "--home", str(home)], 0, f"odd node id {node_id!r}"
        )
    return node_id
