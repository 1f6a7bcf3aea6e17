"""The consensus-critical libraries and the one version of each a validator may run.

Every validator of a network must compute the same results and app hash from
the same blocks (docs/spec/determinism.md D8). These libraries decide bytes
that are accepted, verified, stored or hashed, so a different version could
fork a node off its network without any change to Sen. The table equals
``constraints/consensus.txt`` (``make install`` installs with it; a unit test
holds the two equal), and :func:`check_pins` runs when a node is assembled
(:meth:`sen.node.node.Node.open`): a node with another version installed
refuses to start, naming the library, the pinned version and the installed one.

There is no switch to skip the check: changing a pin is a decision for the
whole network (all validators upgrade together, after the conformance vectors
pass), made by editing the constraints file and this table in one commit.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

from sen.node.errors import UnpinnedLibrary


@dataclass(frozen=True, slots=True)
class Pin:
    name: str  # the distribution name, as pip and importlib.metadata know it
    version: str
    why: str


CONSENSUS_PINS: tuple[Pin, ...] = (
    Pin("cbor2", "6.3.0", "decodes every transaction and state record, encodes what is hashed"),
    Pin(
        "cryptography",
        "50.0.2",
        "parses X.509 certificates at block time; verifies ECDSA P-256 and ML-DSA-65 signatures",
    ),
    Pin("lmdb", "3.0.0", "holds the state every block reads and writes (key size, cursor order)"),
    Pin("protobuf", "7.36.2", "decodes the blocks CometBFT hands over ABCI and encodes results"),
    Pin("pynacl", "1.6.2", "verifies Ed25519 transaction signatures (its bundled libsodium)"),
)


def installed_version(name: str) -> str | None:
    """The installed version of distribution ``name``, or None if it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_pins() -> None:
    """Raise :class:`UnpinnedLibrary` for the first pinned library whose version differs."""
    for pin in CONSENSUS_PINS:
        found = installed_version(pin.name)
        if found != pin.version:
            raise UnpinnedLibrary(pin.name, pin.version, found)
