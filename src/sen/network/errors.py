"""Errors of ``sen.network``: creating, starting and inspecting a local CometBFT network.

::

    NetworkError                 root of every error raised by sen.network
    ├── CometbftNotFound         no usable cometbft binary (names every place looked)
    ├── CometbftFailed           a cometbft command exited non-zero (quotes its output)
    ├── ConfigEditError          a file to edit lacks a setting, or the edit did not take
    ├── InvalidPlan              an option of init/add-node is out of range (names it)
    ├── DirectoryInUse           the target directory holds something init must not delete
    ├── PortsUnavailable         a port is taken or out of range
    ├── ManifestError            network.toml is missing or malformed
    ├── UnknownNode              a node name that network.toml does not list
    ├── StartFailed              a process exited or was not ready in time (has the log tail)
    ├── RpcFailed                a CometBFT RPC or Sen API call failed or answered oddly
    └── NoRunningNode            state sync needs a running node to trust
"""

from __future__ import annotations

from pathlib import Path


class NetworkError(Exception):
    """Root of every error raised by ``sen.network``."""


class CometbftNotFound(NetworkError):
    pass


class CometbftFailed(NetworkError):
    def __init__(self, command: list[str], code: int, output: str) -> None:
        self.command = command
        self.code = code
        self.output = output
        last = output.strip().splitlines()[-1] if output.strip() else "no output"
        super().__init__(f"`{' '.join(command)}` exited with {code}: {last}")


class ConfigEditError(NetworkError):
    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class InvalidPlan(NetworkError):
    def __init__(self, option: str, reason: str) -> None:
        self.option = option
        self.reason = reason
        super().__init__(f"{option}: {reason}")


class DirectoryInUse(NetworkError):
    pass


class PortsUnavailable(NetworkError):
    pass


class ManifestError(NetworkError):
    pass


class UnknownNode(NetworkError):
    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"no node named {name!r} in this network (nodes: {', '.join(known)})")


class StartFailed(NetworkError):
    """A process did not come up; ``log_tail`` holds the last lines of its log."""

    def __init__(self, message: str, log_path: Path, log_tail: str) -> None:
        self.log_path = log_path
        self.log_tail = log_tail
        super().__init__(f"{message} (log: {log_path})")


class RpcFailed(NetworkError):
    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class NoRunningNode(NetworkError):
    pass
