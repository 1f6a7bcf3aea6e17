"""One node per home: a second process or Node on the same data is refused, clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.node.errors import NodeError
from sen.node.node import Node, init_home


def test_second_node_on_the_same_home_is_refused(tmp_path: Path) -> None:
    config = init_home(tmp_path / "home")
    first = Node.open(config)
    try:
        with pytest.raises(NodeError, match="already running on"):
            Node.open(config)
    finally:
        first.close()
    again = Node.open(config)  # the lock goes with the node that held it
    again.close()


def test_lock_file_names_the_holder(tmp_path: Path) -> None:
    config = init_home(tmp_path / "home")
    node = Node.open(config)
    try:
        holder = (config.data_dir / "node.lock").read_text()
        assert holder.isdigit()
    finally:
        node.close()
