"""Helpers shared by the sen.network unit tests."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FakeCometbft = Callable[[Path, str], Path]


def make_fake_cometbft(path: Path, version: str) -> Path:
    """An executable at ``path`` whose ``version`` subcommand prints ``version``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nif [ "$1" = version ]; then echo "{version}"; fi\n')
    path.chmod(0o755)
    return path


class FakeRpc:
    """A stand-in for a CometBFT RPC on a loopback port: /status, /net_info and /commit."""

    def __init__(self, port: int, height: int, *, catching_up: bool = False) -> None:
        self.height = height
        self.catching_up = catching_up
        self.requests: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                body = json.dumps(fake.answer(self.path)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def block_hash(height: int) -> str:
        return hashlib.sha256(str(height).encode()).hexdigest().upper()

    def answer(self, path: str) -> dict[str, object]:
        if path.startswith("/status"):
            result: dict[str, object] = {
                "node_info": {"id": "ab" * 20},
                "sync_info": {
                    "latest_block_height": str(self.height),
                    "latest_block_hash": self.block_hash(self.height),
                    "catching_up": self.catching_up,
                },
                "validator_info": {"voting_power": "10"},
            }
        elif path.startswith("/net_info"):
            result = {"n_peers": "3"}
        elif path.startswith("/commit?height="):
            height = int(path.split("=")[1])
            result = {"signed_header": {"commit": {"block_id": {"hash": self.block_hash(height)}}}}
        else:
            return {"jsonrpc": "2.0", "id": -1, "error": {"message": "no such method"}}
        return {"jsonrpc": "2.0", "id": -1, "result": result}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
