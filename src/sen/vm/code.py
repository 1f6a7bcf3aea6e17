"""What kind of code a contract is, from its bytes alone (no WebAssembly engine needed).

A contract's code is either Python source (UTF-8 text, run by the runtime
component) or a WebAssembly component of its own (built from Rust, or any
language with WIT bindings, against ``wit/contract.wit``'s ``contract`` world).
A component starts with WebAssembly's magic and the component layer's version;
Python source cannot (it may not hold a NUL byte).
"""

from __future__ import annotations

from typing import Literal

from sen.vm import fuel
from sen.vm.shape import ShapeError, shape

WASM_MAGIC = b"\x00asm"
COMPONENT_HEADER = WASM_MAGIC + b"\x0d\x00\x01\x00"
"""The component encoding's version and layer; a core module has 01 00 00 00 here."""

Language = Literal["python", "wasm"]

CODE_EXPECTED = "UTF-8 Python source or a WebAssembly component"


def language(code: bytes) -> Language:
    """``"wasm"`` for WebAssembly (a component, or a module the node will refuse), else Python."""
    return "wasm" if code.startswith(WASM_MAGIC) else "python"


def is_component(code: bytes) -> bool:
    return code.startswith(COMPONENT_HEADER)


def upload_price(code: bytes) -> int:
    """The gas an upload of ``code`` costs (:func:`sen.vm.fuel.upload_cost`): a component by its
    bytes, functions and declared locals; one this node cannot read, by its bytes (the upload
    then fails as invalid code, and pays that)."""
    kind = language(code)
    if kind == "python":
        return fuel.upload_cost(len(code))
    try:
        found = shape(code)
    except ShapeError:
        return fuel.upload_cost(len(code), kind)
    return fuel.upload_cost(len(code), kind, found.functions, found.locals)
