"""Run a node with its API in this process (the benchmark's node process)."""

from __future__ import annotations

import sys
from pathlib import Path

from sen.api.app import serve
from sen.node.config import load_config
from sen.node.node import Node


def main() -> None:
    config = load_config(Path(sys.argv[1]))
    node = Node.open(config)
    node.start()
    try:
        serve(node, config.api_host, config.api_port)
    finally:
        node.close()


if __name__ == "__main__":
    main()
