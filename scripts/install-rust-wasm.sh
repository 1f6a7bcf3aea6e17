#!/usr/bin/env bash
# Rust's wasm32-unknown-unknown target, for contracts of their own (ADR 0013, Rust contracts):
#
#   scripts/install-rust-wasm.sh        (or: make rust-wasm)
#
# Needs Rust 1.82 or newer from rustup (it ships wasm-component-ld, which makes the
# component). Adds the target when missing and fetches the example contract's crates
# (contracts/examples/registry-rust, pinned by its Cargo.lock), so the tests build offline.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v rustup >/dev/null 2>&1 || ! command -v cargo >/dev/null 2>&1; then
    echo "install-rust-wasm: Rust is not installed; install it from https://rustup.rs, then run this again" >&2
    exit 1
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "install-rust-wasm: adding the Rust target wasm32-unknown-unknown (rustup)" >&2
    rustup target add wasm32-unknown-unknown
fi
linker="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/wasm-component-ld"
if [ ! -x "$linker" ]; then
    echo "install-rust-wasm: $linker is missing; Rust $(rustc --version) is too old: rustup update stable" >&2
    exit 1
fi
cargo fetch --locked --manifest-path contracts/examples/registry-rust/Cargo.toml --quiet
echo "install-rust-wasm: $(rustc --version), target wasm32-unknown-unknown, $linker" >&2
