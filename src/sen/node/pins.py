"""The consensus-critical libraries and the one version of each a validator may run.

Every validator of a network must compute the same results and app hash from
the same blocks (docs/spec/determinism.md D8). These libraries decide bytes
that are accepted, verified, stored or hashed, so a different version could
fork a node off its network without any change to Sen. The table equals
``constraints/consensus.txt`` (``make install`` installs with it; a unit test
holds the two equal), and :func:`check_pins` runs when a node is assembled
(:meth:`sen.node.node.Node.open`): a node with another version installed
refuses to start, naming the library, the pinned version and the installed one.

The version in a distribution's metadata is not enough: the check also
confirms that the code Python actually imports for each library is that
distribution's own files (a copy earlier on ``PYTHONPATH`` is refused), and
that protobuf runs its compiled ``upb`` implementation (not the pure-Python
one an environment variable can select).

There is no switch to skip the check: changing a pin is a decision for the
whole network (all validators upgrade together, after the conformance vectors
pass), made by editing the constraints file and this table in one commit.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from sen.node.errors import ShadowedLibrary, UnpinnedLibrary, WrongImplementation, WrongPython


@dataclass(frozen=True, slots=True)
class Pin:
    name: str  # the distribution name, as pip and importlib.metadata know it
    version: str
    module: str  # the import name whose code must come from that distribution
    why: str


CONSENSUS_PINS: tuple[Pin, ...] = (
    Pin(
        "cbor2",
        "6.3.0",
        "cbor2",
        "decodes every transaction and state record, encodes what is hashed",
    ),
    Pin(
        "cryptography",
        "50.0.2",
        "cryptography",
        "parses X.509 certificates at block time; verifies ECDSA P-256 and ML-DSA-65 signatures",
    ),
    Pin(
        "lmdb",
        "3.0.0",
        "lmdb",
        "holds the state every block reads and writes (key size, cursor order)",
    ),
    Pin(
        "protobuf",
        "7.36.2",
        "google.protobuf",
        "decodes the blocks CometBFT hands over ABCI and encodes results",
    ),
    Pin(
        "pynacl", "1.6.2", "nacl", "verifies Ed25519 transaction signatures (its bundled libsodium)"
    ),
    Pin(
        "wasmtime",
        "50.0.1",
        "wasmtime",
        "runs contracts: its compiler and fuel counting decide every contract call's result",
    ),
)


PYTHON_MINOR = (3, 11)
"""The Python minor version every validator runs (D8: int, str and hashing behaviour)."""


def python_minor() -> tuple[int, int]:
    return sys.version_info.major, sys.version_info.minor


def installed_version(name: str) -> str | None:
    """The installed version of distribution ``name``, or None if it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def imported_from(module: str) -> Path | None:
    """The file Python runs (or would run) for ``module``; None for a module without one."""
    spec = importlib.util.find_spec(module)
    origin = None if spec is None else spec.origin
    return None if origin is None or not Path(origin).is_file() else Path(origin).resolve()


def distribution_files(name: str) -> frozenset[Path]:
    """Every file installed by distribution ``name``, as absolute paths."""
    distribution = importlib.metadata.distribution(name)
    return frozenset(
        Path(str(distribution.locate_file(f))).resolve() for f in distribution.files or ()
    )


def protobuf_implementation() -> str:
    from google.protobuf.internal import api_implementation

    return str(api_implementation.Type())


def check_pins() -> None:
    """Raise for the first pinned library that is not exactly the pinned code.

    :class:`UnpinnedLibrary` when the installed version differs (or it is
    missing); :class:`ShadowedLibrary` when Python imports the library from
    somewhere other than that installed distribution; and
    :class:`WrongImplementation` when protobuf runs other than ``upb``; and
    :class:`WrongPython` on another Python minor version.
    """
    running = python_minor()
    if running != PYTHON_MINOR:
        raise WrongPython("{}.{}".format(*PYTHON_MINOR), "{}.{}".format(*running))
    for pin in CONSENSUS_PINS:
        found = installed_version(pin.name)
        if found != pin.version:
            raise UnpinnedLibrary(pin.name, pin.version, found)
        path = imported_from(pin.module)
        if path is None or path not in distribution_files(pin.name):
            raise ShadowedLibrary(pin.name, pin.version, pin.module, path)
    implementation = protobuf_implementation()
    if implementation != "upb":
        raise WrongImplementation("protobuf", "upb", implementation)
