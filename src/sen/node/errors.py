"""Errors of node assembly and configuration.

::

    NodeError
    ├── ConfigError        a setting is missing or wrong (names the file and key)
    └── NotInitialised     the home directory has no node yet (run `sen node init`)
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
