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


# -- contracts of their own: Rust, built into a component ------------------------------------------

RUST_TARGET = "wasm32-unknown-unknown"
RUST_SDK = HERE / "rust" / "sen-contract"
"""The Rust kit (a crate; ``sen contract new --language rust`` points a new contract at it)."""


def _rust_tool(name: str) -> str:
    found = shutil.which(name) or str(Path.home() / ".cargo" / "bin" / name)
    if not Path(found).exists():
        raise RuntimeBuildFailed(
            f"{name} is not installed: install Rust (https://rustup.rs), then "
            f"rustup target add {RUST_TARGET}"
        )
    return found


def _component_linker(rustc: str) -> str:
    """rustc's own ``wasm-component-ld`` (shipped with Rust 1.82 and later): it links the
    contract and turns the module into a component, so no other tool is needed."""
    sysroot = subprocess.run(
        [rustc, "--print", "sysroot"], capture_output=True, text=True, check=True
    ).stdout.strip()
    version = subprocess.run([rustc, "-vV"], capture_output=True, text=True, check=True).stdout
    host = next(
        (
            line.split(":", 1)[1].strip()
            for line in version.splitlines()
            if line.startswith("host:")
        ),
        "",
    )
    linker = Path(sysroot) / "lib" / "rustlib" / host / "bin" / "wasm-component-ld"
    if not linker.exists():
        raise RuntimeBuildFailed(
            f"{linker} is missing: Rust 1.82 or newer ships it (rustup update stable)"
        )
    libdir = subprocess.run(
        [rustc, "--print", "target-libdir", "--target", RUST_TARGET],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    if not libdir or not any(Path(libdir).glob("libcore-*")):
        raise RuntimeBuildFailed(
            f"the Rust target {RUST_TARGET} is not installed: rustup target add {RUST_TARGET}"
        )
    return str(linker)


def build_component(folder: Path, target_dir: Path | None = None) -> Path:
    """Build the Rust contract in ``folder`` (a crate with ``crate-type = ["cdylib"]``) into a
    component; its path. Reproducible: the same sources, lock file and toolchain give the same
    bytes wherever the folder is (paths are remapped), so anyone can check a code hash.
    ``target_dir``: cargo's output folder (default ``CARGO_TARGET_DIR``, else ``target``)."""
    import tomllib

    folder = folder.resolve()
    manifest = folder / "Cargo.toml"
    try:
        tomllib.loads(manifest.read_text(encoding="utf-8"))["package"]["name"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise RuntimeBuildFailed(f"{manifest}: not a Rust package ({error})") from None
    rustc, cargo = _rust_tool("rustc"), _rust_tool("cargo")
    cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    remap = [
        f"--remap-path-prefix={folder}=/contract",
        f"--remap-path-prefix={RUST_SDK.resolve()}=/sen-contract",
        f"--remap-path-prefix={cargo_home}=/cargo",
    ]
    environment = {
        **os.environ,
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER": _component_linker(rustc),
        # one flag per field, so paths with spaces stay whole; it replaces RUSTFLAGS and
        # build.rustflags, so what makes the code hash is only what is written here
        "CARGO_ENCODED_RUSTFLAGS": "\x1f".join(remap),
    }
    environment.pop("RUSTFLAGS", None)
    command = [
        cargo, "build", "--release", "--target", RUST_TARGET, "--manifest-path", str(manifest),
        "--message-format=json-render-diagnostics",
    ]  # fmt: skip
    if (folder / "Cargo.lock").exists():
        command.append("--locked")
    if target_dir is not None:
        environment["CARGO_TARGET_DIR"] = str(target_dir.resolve())
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeBuildFailed(_cargo_failure(done.stderr))
    built = _artifact(done.stdout, manifest)
    from sen.vm.code import is_component

    if built is None or not is_component(built.read_bytes()[:8]):
        raise RuntimeBuildFailed(
            f'{manifest}: cargo built no component (is crate-type = ["cdylib"] in [lib]?)'
        )
    return built


_CARGO_PROGRESS = (
    "Compiling ",
    "Updating ",
    "Locking ",
    "Downloading ",
    "Downloaded ",
    "Adding ",
    "Blocking ",
    "Finished ",
    "Fresh ",
)


def _cargo_failure(stderr: str) -> str:
    """What cargo said went wrong, without its progress lines, with a hint for the mistakes
    a contract's author makes first."""
    lines = [line for line in stderr.splitlines() if not line.strip().startswith(_CARGO_PROGRESS)]
    text = "\n".join(lines).strip()
    if len(text) > 3000:
        text = "…\n" + text[-3000:].split("\n", 1)[-1]
    hint = ""
    if "panic_impl" in stderr or "E0152" in stderr:
        hint = (
            "\nhint: a contract crate is #![no_std] (with extern crate alloc): the kit brings "
            "the panic handler and allocator, and there is no std in a contract"
        )
    elif "can't find crate for `core`" in stderr or "target may not be installed" in stderr:
        hint = f"\nhint: rustup target add {RUST_TARGET}"
    return f"cargo build failed:\n{text}{hint}"


def _artifact(messages: str, manifest: Path) -> Path | None:
    """The .wasm cargo reports it wrote for the crate of ``manifest`` (cargo's own word,
    whatever the library's name or the target folder)."""
    import json

    found = None
    for line in messages.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(message, dict) or message.get("reason") != "compiler-artifact":
            continue
        if message.get("manifest_path") != str(manifest):
            continue
        for name in message.get("filenames", ()):
            if str(name).endswith(".wasm"):
                found = Path(name)
    return found
