"""A contract folder whose path holds a space builds: the remapping flags reach rustc through
``CARGO_ENCODED_RUSTFLAGS`` (one flag per field), not ``RUSTFLAGS``, which cargo splits on
whitespace (fourth attacker review, finding 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sen.vm.build import RUST_SDK, build_component
from sen.vm.code import is_component

ROOT = Path(__file__).parents[3]
HOSTILE = ROOT / "tests" / "unit" / "vm" / "rust_hostile"
CARGO_TARGET = ROOT / ".bin" / "cargo-target"


def test_a_folder_with_a_space_builds(tmp_path: Path) -> None:
    folder = tmp_path / "my contracts" / "hostile"
    shutil.copytree(HOSTILE, folder, ignore=shutil.ignore_patterns("target"))
    manifest = folder / "Cargo.toml"
    manifest.write_text(
        manifest.read_text().replace("../../../../src/sen/vm/rust/sen-contract", str(RUST_SDK))
    )
    built = build_component(folder, CARGO_TARGET)  # RuntimeBuildFailed: must contain '='
    assert is_component(built.read_bytes())
