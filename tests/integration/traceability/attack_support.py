"""A value chain's shared repository to attack, for the attack tests (test_trace_attacks.py,
test_attack_round2.py): one chain where the cooperative and the packer hold their prefixes,
a SQLite store and catalog, each organisation its own token, and the resolver."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from trace_world import COOPERATIVE, PACKER, World, document, open_world

from sen.api.inprocess import in_process_client
from sen.services.traceability.catalog import Catalog
from sen.services.traceability.chain import RemoteChain
from sen.services.traceability.repository import Repository
from sen.services.traceability.resolver import add_resolver
from sen.services.traceability.service import create_epcis_app
from sen.services.traceability.store import SqliteEventStore, StoredEvent

PUBLIC = "https://xoai.example.vn"


@dataclass
class Shared:
    """A value chain's repository: the cooperative and the packer, each with its token."""

    world: World
    repository: Repository
    store: SqliteEventStore
    catalog: Catalog
    api: TestClient
    tokens: dict[str, str]
    tmp: Path

    def auth(self, did: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[did]}"}

    def capture(self, did: str, doc: dict[str, Any]) -> Any:
        return self.api.post("/epcis/capture", json=doc, headers=self.auth(did))

    def recorded(self, did: str, *events: dict[str, Any]) -> list[StoredEvent]:
        """Capture ``events`` as ``did``, record the job on chain; its stored events."""
        answer = self.capture(did, document(*events))
        assert answer.status_code == 202, answer.text
        self.repository.anchor_running()
        capture = bytes.fromhex(answer.json()["captureID"])
        job = self.store.job(capture)
        assert job is not None and job.status == "success", job
        return self.store.leaves(capture)

    def receipt(self, event: StoredEvent) -> dict[str, Any]:
        job = self.store.job(event.capture)
        assert job is not None and job.height is not None
        self.world.wait_for_block_after(job.height)
        return json.loads(json.dumps(self.repository.receipt(event)))


def page(request: Request, key: str) -> HTMLResponse:
    return HTMLResponse("<html><body>page</body></html>")


@contextmanager
def shared_repository(tmp: Path) -> Iterator[Shared]:
    with open_world(tmp) as world:
        keys = {COOPERATIVE: world.keys["cooperative"], PACKER: world.keys["packer"]}
        chain = RemoteChain(lambda: in_process_client(world.node), keys)
        store = SqliteEventStore(tmp / "shared.db")
        catalog = Catalog(tmp / "catalog.db")
        repository = Repository(store, chain, [COOPERATIVE, PACKER], catalog=catalog)
        tokens = {COOPERATIVE: secrets.token_hex(24), PACKER: secrets.token_hex(24)}
        app = create_epcis_app(repository, tokens={t: d for d, t in tokens.items()})
        add_resolver(app, repository, catalog, public_url=PUBLIC, page=page, genesis=world.genesis)
        api = TestClient(app, raise_server_exceptions=False)
        try:
            yield Shared(world, repository, store, catalog, api, tokens, tmp)
        finally:
            api.close()
            catalog.close()
            store.close()


def event_at(kind: str = "ObjectEvent", minute: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind, "eventTime": f"2026-06-06T08:{minute:02d}:00.000+07:00",
        "eventTimeZoneOffset": "+07:00", **fields,
    }  # fmt: skip


def unique() -> str:
    return secrets.token_hex(4).upper()
