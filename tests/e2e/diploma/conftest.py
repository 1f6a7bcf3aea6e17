"""A running education consortium: ``sen node run`` on a free port, DIDs made, vnu accredited.

``chain`` starts the node of :mod:`diploma_chain` (its credential service
configured in sen.toml, the issuer passphrase in its environment), then, through
the SDK over HTTP: the Ministry creates ``did:sen:moet`` (a trust root from
genesis), the university ``did:sen:vnu`` and the college ``did:sen:college``
with their issuer keys, and the Ministry accredits vnu for ``DiplomaCredential``.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from diploma_chain import PASSPHRASE, Chain, found_registry, write_home

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from node_process import running_node


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="package")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    root = tmp_path_factory.mktemp("diploma")
    port = _free_port()
    plan = write_home(root, port)
    passphrase = {"SEN_ISSUER_PASSPHRASE": PASSPHRASE}
    with running_node(plan.home, port, root / "node.log", passphrase) as url:
        chain = Chain(plan, url)
        found_registry(chain)
        yield chain
