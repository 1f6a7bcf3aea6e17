"""The API against its committed OpenAPI document, by schemathesis: no input is a 500.

Every operation of ``docs/api/openapi.json`` is called in-process (ASGI) with
examples schemathesis derives from the document (its examples, coverage and
fuzzing phases), deterministically (``derandomize``), a bounded number per
operation. A response fails the test when:

* it is a server error, unless the document lists that 5xx for the operation
  as a refusal (503 try later, 501 a DID method not supported) — 500 never is;
* its status, content type, headers or body do not match the document;
* a request the document calls valid is answered 400 ("cannot be read"): the
  document must say what the handler enforces (patterns, bounds). A 422 is a
  well-formed request refused for its meaning (a transaction the ledger
  refuses), which no schema can state; so are the rules listed in
  ``UNSTATED_RULES``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_support import open_node
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sen.api import create_app
from sen.api.openapi import DEFAULT_PATH
from sen.node.node import Node
from sen.services.credentials.tokens import TokenStore, tokens_path

pytestmark = pytest.mark.slow

ISSUER = """
[[vc.issuers]]
did = "did:sen:vnu"
verification_method = "did:sen:vnu#key-1"
key = "vnu-issuer"
status_list = "bang-2025"
"""
_PERIOD = "a period is read whole: real calendar days, from <= to, at most MAX_DAYS days"
_NOT_VERIFIED = "what does not verify is 400 with its report (as the W3C VC-API suites expect)"
_DIGEST = "the digest's length is the algorithm's (32, 48 or 64 bytes)"
_DID_KEY = "a did:key's multikey must decode to an Ed25519 or P-256 public key"
UNSTATED_RULES = {
    "GET /v1/status-lists/{issuer}/{list_name}": _DID_KEY,
    "GET /v1/status-lists/{issuer}/{list_name}/{index}": _DID_KEY,
    "GET /v1/status-lists/{issuer}/{name}/credential": _DID_KEY,
    "POST /v1/status-lists/{issuer}/{name}/credential/publish": _DID_KEY,
    "GET /1.0/identifiers/{did}": "versionTime and versionId exclude each other (invalidOptions)",
    "GET /v1/evidence/{algorithm}/{digest}": _DIGEST,
    "GET /v1/evidence/{algorithm}/{digest}/receipt": _DIGEST,
    "GET /v1/statistics": _PERIOD,
    "GET /v1/statistics/export": _PERIOD,
    "POST /credentials/verify": _NOT_VERIFIED,
    "POST /presentations/verify": _NOT_VERIFIED,
}
"""Operations whose 400s come from rules OpenAPI cannot state (across values, or a verdict
given as 400 by design): for them a 400 to a schema-valid request is not a mismatch (every
other check still runs)."""
MAX_EXAMPLES = 100
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            # 422: well-formed, refused for its meaning (README "Statuses"); 400 must not
            # happen to a request the document calls valid.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "410", "422", "503"]
            },
        },
        "cache": {"enabled": False},  # nothing written into the checkout
    }
)


class _App:
    """The app of the module's node, set by a fixture (schemathesis binds the app on import)."""

    app: Any = None
    token = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


APP = _App()
schema = schemathesis.openapi.from_path(DEFAULT_PATH, config=CONFIG)
schema.app = APP


@pytest.fixture(scope="module")
def api_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    node = open_node(tmp_path_factory.mktemp("schemathesis") / "node")
    settings = node.config.settings_path
    settings.write_text(settings.read_text() + ISSUER)
    _, APP.token = TokenStore(tokens_path(settings)).create("did:sen:vnu")  # past the bearer check
    node.start()
    yield node
    node.close()


@pytest.fixture(scope="module", autouse=True)
def _served_in_process(api_node: Node) -> None:
    APP.app = create_app(api_node)  # the committed document, answered by the app (ASGI)


def _refusals(case: Any) -> set[int]:
    """The 5xx statuses the document lists for this operation (never 500)."""
    documented = case.operation.definition.raw.get("responses", {})
    return {int(s) for s in documented if s.isdigit() and int(s) >= 501}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_is_a_server_error(case: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {APP.token}"})
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
