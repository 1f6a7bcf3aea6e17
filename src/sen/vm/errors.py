"""Errors of the contract runtime (never a contract's failure, which is a :class:`CallResult`).

::

    VmError
    ├── RuntimeMissing       the runtime component a chain names is not on this node
    ├── RuntimeMismatch      a file's SHA-256 is not the one the chain names
    └── RuntimeBuildFailed   componentize-py could not build the runtime
"""

from __future__ import annotations


class VmError(Exception):
    """Root of the runtime's errors: the node cannot run contracts as the chain requires."""


class RuntimeMissing(VmError):
    def __init__(self, digest: str, where: str) -> None:
        self.digest = digest
        super().__init__(
            f"the contract runtime {digest} is not on this node (looked in {where}); "
            "copy it from another node of the network (sen contract runtime --help)"
        )


class RuntimeMismatch(VmError):
    def __init__(self, path: str, expected: str, got: str) -> None:
        super().__init__(f"{path}: SHA-256 is {got}, the chain's runtime is {expected}")


class RuntimeBuildFailed(VmError):
    pass


class BackstopTripped(VmError):
    """A call ran past the wall-clock backstop: the node stops rather than give a result
    that a faster validator would not give."""
