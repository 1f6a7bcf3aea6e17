"""Build the contract runtime component with componentize-py.

The component holds CPython, ``guest/sen_contract.py`` (the contract API) and
``guest/sen_runtime.py`` (the loader), pre-initialised, with every WASI import
replaced by a trapping stub (``--stub-wasi``): a contract cannot reach a
clock, randomness, a file or the network, because the component imports none.

Two builds of the same sources are not byte-identical (ADR 0013, finding 1:
the pre-initialisation snapshot captures the build machine's randomness and
file times), so a network does not rebuild the runtime on each node: it is
built once, named in genesis by its SHA-256, and copied to every node.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sen.vm.errors import RuntimeBuildFailed

HERE = Path(__file__).parent
GUEST = HERE / "guest"
WIT = HERE / "wit"


def user_cache() -> Path:
    """Where built and compiled runtimes are kept on this machine (``SEN_RUNTIME_CACHE``)."""
    chosen = os.environ.get("SEN_RUNTIME_CACHE")
    return Path(chosen) if chosen else Path.home() / ".cache" / "sen" / "vm"


def sources_digest() -> str:
    """SHA-256 over the runtime's sources and componentize-py's version: a build cache key."""
    digest = hashlib.sha256(componentize_version().encode())
    for path in sorted([*GUEST.glob("*.py"), *WIT.glob("*.wit")]):
        digest.update(path.name.encode() + b"\x00" + path.read_bytes() + b"\x00")
    return digest.hexdigest()


def componentize_version() -> str:
    try:
        return importlib.metadata.version("componentize-py")
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def _componentize_py() -> str:
    beside = Path(sys.executable).parent / "componentize-py"
    if beside.exists():
        return str(beside)
    found = shutil.which("componentize-py")
    if found is None:
        raise RuntimeBuildFailed(
            "componentize-py is not installed; install Sen with its server extra (make install)"
        )
    return found


def build_runtime(output: Path) -> str:
    """Build the runtime component into ``output``; its SHA-256 (hex)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    command = [
        _componentize_py(), "-d", str(WIT), "-w", "runtime", "componentize",
        "-p", str(GUEST), "sen_runtime", "--stub-wasi", "-o", str(partial),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeBuildFailed(
            f"componentize-py failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
        )
    partial.replace(output)
    return hashlib.sha256(output.read_bytes()).hexdigest()


def cached_runtime(cache_root: Path) -> Path:
    """The runtime built from this checkout's sources, built once into ``cache_root``.

    Keyed by :func:`sources_digest`; concurrent callers wait on a lock file, so
    every process on this machine shares one build (and one set of bytes).
    """
    import fcntl  # POSIX only, like the rest of the node

    folder = cache_root / sources_digest()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "runtime.wasm"
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            build_runtime(target)
    return target
