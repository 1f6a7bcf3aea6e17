"""A hub chain made with the CLI as an operator would (``sen ca``, ``sen genesis new``): one
organisation, ``mic``, whose admin ``alice`` passes proposals alone."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path

from sen.node.config import load_config
from sen.node.node import Node, init_home

ORG_NAME = "Bộ Thông tin và Truyền thông"

Run = Callable[[list[str]], str]
"""Runs ``sen`` with these arguments and returns its output (failing the test if it fails)."""


def make_hub(
    tmp_path: Path, ok: Run, chain_id: str = "vn-hub", empty_block_interval: float = 0.0
) -> Node:
    """A running hub node; its keyring (``SEN_KEYRING``) holds ``alice``, the admin. With
    ``empty_block_interval``, it makes an empty block that often while idle."""
    org = tmp_path / "mic"
    ok(["ca", "init-org", "--id", "mic", "--name", ORG_NAME, "--out", str(org)])
    ok(["keys", "new", "alice"])
    certificate = tmp_path / "alice.pem"
    ok(
        [
            *("ca", "issue", "--org-dir", str(org), "--key", "alice", "--roles", "admin"),
            *("--cn", "Quản trị viên", "--out", str(certificate)),
        ]
    )
    config = init_home(tmp_path / "home", chain_id=chain_id, block_interval=0.05)
    validator = json.loads(config.validator_key_path.read_text())["pub_key"]["value"]
    ok(
        [
            *("genesis", "new", "--chain-id", chain_id),
            *("--org", f"mic:{ORG_NAME}:{org / 'ca.pem'}:admin"),
            *("--member", str(certificate), "--validator", f"v0:{validator}:10"),
            *("--out", str(tmp_path / "genesis.json")),
        ]
    )
    config.genesis_path.write_bytes((tmp_path / "genesis.json").read_bytes())
    loaded = load_config(config.home)
    if empty_block_interval:
        engine = dataclasses.replace(
            loaded.engine, create_empty_blocks=True, empty_block_interval=empty_block_interval
        )
        loaded = dataclasses.replace(loaded, engine=engine)
    running = Node.open(loaded)
    running.start()
    return running


def propose_and_pass(argv: list[str], ok: Run) -> int:
    """Propose with ``argv`` and vote it through as alice; the proposal id."""
    out = ok(argv)
    match = re.match(r"proposal (\d+) \(", out)
    assert match is not None, out
    proposal = int(match[1])
    assert "sen gov vote" in out
    voted = ok(["gov", "vote", str(proposal), "yes", "--key", "alice"])
    assert voted.rstrip().endswith("status passed"), voted
    return proposal
