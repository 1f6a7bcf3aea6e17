"""The vault's service against its committed OpenAPI document (``docs/api/vault-openapi.json``),
by schemathesis: no input is a server error, and every answer is what the document says.

Each operation is called in-process (ASGI) with the staff's token, over a vault backed by a
running node, with examples schemathesis derives from the document (deterministically, a
bounded number per operation). A response fails the test when it is a 5xx the document does
not list for the operation (500 never is), or when its status, content type or body do not
match the document. A schema-valid request answered 400 fails too, except where the
document cannot say the rule (``UNSTATED_RULES``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sen.api.inprocess import in_process_client
from sen.node.config import load_config
from sen.node.node import Node, init_home
from sen.services.vault import SoftwareKek, SqliteVaultStore, Vault
from sen.services.vault.openapi import DEFAULT_PATH
from sen.services.vault.service import create_vault_app

pytestmark = pytest.mark.slow

TOKEN = "s" * 40
_BASE64 = "a payload must be base64, which a JSON schema's format does not enforce"
UNSTATED_RULES = {
    "POST /vault/v1/records": _BASE64,
}
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "410"]},
        },
        "cache": {"enabled": False},
    }
)


class _App:
    app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


APP = _App()
schema = schemathesis.openapi.from_path(DEFAULT_PATH, config=CONFIG)
schema.app = APP


@pytest.fixture(scope="module", autouse=True)
def _served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    root = tmp_path_factory.mktemp("vault-schemathesis")
    config = init_home(root / "home", chain_id="vn-health", block_interval=0.05)
    node = Node.open(load_config(config.home))
    node.start()
    store = SqliteVaultStore(root / "vault.db", "VN-HN")
    vault = Vault(store, SoftwareKek(bytes(range(32))), b"p" * 32, controller="did:sen:a")
    APP.app = create_vault_app(
        vault, lambda: in_process_client(node), token=TOKEN, domain="https://vault.example"
    )
    yield
    store.close()
    node.close()


def _refusals(case: Any) -> set[int]:
    documented = case.operation.definition.raw.get("responses", {})
    return {int(s) for s in documented if s.isdigit() and int(s) >= 501}


@schema.parametrize()
@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_is_a_server_error(case: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    status = response.status_code
    assert status < 500 or status in _refusals(case), (
        f"{case.operation.label} answered {status}: {response.text[:500]}\n{case.as_curl_command()}"
    )
    checks = [
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    if case.operation.label not in UNSTATED_RULES:
        checks.append(positive_data_acceptance)
    case.validate_response(response, checks=checks)


def test_the_document_is_served_and_current() -> None:
    with TestClient(APP.app) as http:
        served = http.get("/vault/v1/openapi.json").json()
    assert served == json.loads(Path(DEFAULT_PATH).read_text(encoding="utf-8"))
