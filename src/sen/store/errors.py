"""Errors of the storage layer.

::

    StoreError
    ├── StoreCorrupted     what is on disk contradicts itself (refuse to start)
    └── NotFound           a height, transaction or key that is not stored
"""

from __future__ import annotations


class StoreError(Exception):
    """Root of every error raised by ``sen.store``."""


class StoreCorrupted(StoreError):
    pass


class NotFound(StoreError):
    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {key} not found")
