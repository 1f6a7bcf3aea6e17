"""Errors of node assembly and configuration.

::

    NodeError
    ├── ConfigError        a setting is missing or wrong (names the file and key)
    ├── NotInitialised     the home directory has no node yet (run `sen node init`)
    ├── UnpinnedLibrary    a consensus-critical library is not at its pinned version
    ├── ShadowedLibrary    ... is imported from files not of its pinned distribution
    ├── WrongImplementation ... runs another implementation (protobuf: not upb)
    └── WrongPython        another Python minor version than the pinned one
"""

from __future__ import annotations


class NodeError(Exception):
    """Root of every error raised by ``sen.node``."""


class ConfigError(NodeError):
    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class NotInitialised(NodeError):
    pass


class UnpinnedLibrary(NodeError):
    """A consensus-critical library's installed version is not the pinned one (sen.node.pins)."""

    def __init__(self, name: str, pinned: str, installed: str | None) -> None:
        self.name = name
        self.pinned = pinned
        self.installed = installed
        found = (
            f"{name} is not installed" if installed is None else f"{name} {installed} is installed"
        )
        super().__init__(
            f"{found}, but consensus pins {name}=={pinned} (docs/spec/determinism.md D8): "
            f"the node will not start until it runs that version: pip install '{name}=={pinned}'"
        )


class ShadowedLibrary(NodeError):
    """Python imports a consensus-critical library from files not of its pinned distribution."""

    def __init__(self, name: str, pinned: str, module: str, path: object) -> None:
        self.name = name
        self.path = path
        super().__init__(
            f"{module} is imported from {path}, not from the installed {name}=={pinned} "
            "(docs/spec/determinism.md D8): the node will not start with another copy of a "
            "consensus library; remove it from PYTHONPATH or the working directory"
        )


class WrongImplementation(NodeError):
    """A consensus-critical library runs another implementation than the pinned one."""

    def __init__(self, name: str, pinned: str, running: str) -> None:
        self.name = name
        self.running = running
        super().__init__(
            f"{name} runs its {running!r} implementation, but consensus pins {pinned!r} "
            "(docs/spec/determinism.md D8): the node will not start; unset "
            "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"
        )


class WrongPython(NodeError):
    """The node runs on another Python minor version than the network's."""

    def __init__(self, pinned: str, running: str) -> None:
        self.pinned = pinned
        self.running = running
        super().__init__(
            f"Python {running} is running, but consensus pins Python {pinned} "
            f"(docs/spec/determinism.md D8): the node will not start; run it with Python {pinned}"
        )
