"""The build returns the component cargo says it wrote (``--message-format=json``), not a file
guessed from the package's name: after the library is renamed and the code changed, the path
returned holds the new code (fourth attacker review, finding 8)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sen.vm.build import RUST_SDK, build_component

ROOT = Path(__file__).parents[3]
HOSTILE = ROOT / "tests" / "unit" / "vm" / "rust_hostile"
CARGO_TARGET = ROOT / ".bin" / "cargo-target"


def test_the_build_returns_what_it_built(tmp_path: Path) -> None:
    folder = tmp_path / "probe"
    shutil.copytree(HOSTILE, folder, ignore=shutil.ignore_patterns("target"))
    manifest = folder / "Cargo.toml"
    manifest.write_text(
        manifest.read_text().replace("../../../../src/sen/vm/rust/sen-contract", str(RUST_SDK))
    )
    first = build_component(folder, CARGO_TARGET)
    old = hashlib.sha256(first.read_bytes()).hexdigest()
    # the author renames the library and changes the code
    manifest.write_text(manifest.read_text().replace("[lib]\n", '[lib]\nname = "renamed"\n'))
    source = folder / "src" / "lib.rs"
    source.write_text(source.read_text().replace('"write" =>', '"write_v2" =>'))
    second = build_component(folder, CARGO_TARGET)
    new = hashlib.sha256(second.read_bytes()).hexdigest()
    assert new != old, f"{second} is the previous build's component ({old[:16]}...), not this one"
