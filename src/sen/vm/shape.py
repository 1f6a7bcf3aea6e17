"""The shape of a contract's component, read from its bytes before anything compiles it.

Cranelift's compile time and memory grow with a function's declared locals,
which the binary format encodes as a count: a few bytes can declare 50,000
locals, and a component of a few kilobytes can ask every validator for
seconds of compiling and gigabytes of memory (third attacker review of the
Rust contracts). So an upload is priced by its locals as well as its bytes
(:func:`sen.vm.fuel.upload_cost`), and this module counts them: it walks the
component's sections, and in each core module (nested components included)
the code section's local declarations. Nothing else is interpreted; wasmtime
validates the whole when it compiles.
"""

from __future__ import annotations

from dataclasses import dataclass

_COMPONENT_HEADER = b"\x00asm\x0d\x00\x01\x00"
_MODULE_HEADER = b"\x00asm\x01\x00\x00\x00"
_CORE_MODULE_SECTION = 1  # in a component
_COMPONENT_SECTION = 4  # a nested component
_CODE_SECTION = 10  # in a core module
_MAX_NESTING = 16
_SINGLE_BYTE_TYPES = frozenset({0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F})
_REFERENCE_TYPES = frozenset({0x63, 0x64})  # (ref null? heaptype): a heap type follows


class ShapeError(ValueError):
    """The bytes are not a component this reader can follow."""


@dataclass(frozen=True, slots=True)
class Shape:
    functions: int  # function bodies in all core modules
    locals: int  # locals they declare, summed
    most_locals: int  # the most one function declares


class _Reader:
    def __init__(self, data: bytes, start: int, end: int) -> None:
        self.data, self.at, self.end = data, start, end

    def byte(self) -> int:
        if self.at >= self.end:
            raise ShapeError("truncated")
        value = self.data[self.at]
        self.at += 1
        return value

    def unsigned(self, bits: int = 32) -> int:
        result, shift = 0, 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
            if shift >= bits + 7:
                raise ShapeError("an integer too long")
        if result >= 1 << bits:
            raise ShapeError("an integer out of range")
        return result

    def signed(self) -> None:  # an s33 heap type: read and dropped
        for _ in range(5):
            if not self.byte() & 0x80:
                return
        raise ShapeError("an integer too long")

    def take(self, size: int) -> int:
        """Skip ``size`` bytes; where they start."""
        start = self.at
        if size > self.end - start:
            raise ShapeError("a section longer than what holds it")
        self.at += size
        return start


def shape(code: bytes) -> Shape:
    """The functions and locals of a component's core modules; ShapeError if unreadable."""
    if not code.startswith(_COMPONENT_HEADER):
        raise ShapeError("not a component")
    counts = [0, 0, 0]  # functions, locals, the most in one function
    _component(code, len(_COMPONENT_HEADER), len(code), counts, 0)
    return Shape(counts[0], counts[1], counts[2])


def _component(data: bytes, start: int, end: int, counts: list[int], depth: int) -> None:
    if depth > _MAX_NESTING:
        raise ShapeError("components nested too deep")
    reader = _Reader(data, start, end)
    while reader.at < end:
        section = reader.byte()
        size = reader.unsigned()
        begin = reader.take(size)
        if section == _CORE_MODULE_SECTION:
            _module(data, begin, begin + size, counts)
        elif section == _COMPONENT_SECTION:
            if data[begin : begin + 8] != _COMPONENT_HEADER:
                raise ShapeError("a nested component without its header")
            _component(data, begin + 8, begin + size, counts, depth + 1)


def _module(data: bytes, start: int, end: int, counts: list[int]) -> None:
    if data[start : start + 8] != _MODULE_HEADER:
        raise ShapeError("a core module without its header")
    reader = _Reader(data, start + 8, end)
    while reader.at < end:
        section = reader.byte()
        size = reader.unsigned()
        begin = reader.take(size)
        if section == _CODE_SECTION:
            _code(_Reader(data, begin, begin + size), counts)


def _code(reader: _Reader, counts: list[int]) -> None:
    for _ in range(reader.unsigned()):
        size = reader.unsigned()
        body = _Reader(reader.data, reader.take(size), reader.at)
        declared = 0
        for _ in range(body.unsigned()):
            declared += body.unsigned()
            kind = body.byte()
            if kind in _REFERENCE_TYPES:
                body.signed()
            elif kind not in _SINGLE_BYTE_TYPES:
                raise ShapeError(f"a local of unknown type 0x{kind:02x}")
        counts[0] += 1
        counts[1] += declared
        counts[2] = max(counts[2], declared)
