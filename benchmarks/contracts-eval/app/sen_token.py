import json

import wit_world
from componentize_py_types import Err
from wit_world.imports import host


def _balance(who: str) -> int:
    raw = host.state_get(b"bal/" + who.encode())
    return 0 if raw is None else int.from_bytes(raw, "big")


def _set(who: str, amount: int) -> None:
    host.state_set(b"bal/" + who.encode(), amount.to_bytes(16, "big"))


class WitWorld(wit_world.WitWorld):
    def execute(self, action: str, args: bytes) -> bytes:
        doc = json.loads(args)
        if action == "mint":
            _set(doc["to"], _balance(doc["to"]) + int(doc["amount"]))
            return b"ok"
        if action == "transfer":
            amount = int(doc["amount"])
            have = _balance(doc["from"])
            if amount <= 0 or have < amount:
                raise Err("insufficient balance")
            _set(doc["from"], have - amount)
            _set(doc["to"], _balance(doc["to"]) + amount)
            return b"ok"
        if action == "hashes":  # determinism probe: set iteration order and hash()
            names = {f"org-{i}" for i in range(20)}
            return json.dumps([list(names), hash("sen"), hash(b"sen")]).encode()
        if action == "leak":  # what a contract can reach through WASI
            import os
            import time

            return json.dumps([time.time(), os.urandom(4).hex()]).encode()
        if action == "loop":
            while True:
                pass
        raise Err("unknown action " + action)
