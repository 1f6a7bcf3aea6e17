"""The vault service's OpenAPI document (``docs/api/vault-openapi.json``), served at
``/vault/v1/openapi.json``.

The service reads its bodies itself (so that every refusal is a problem document naming the
field, and nothing is read before the caller is known); what each operation takes and
answers is declared here, next to it, and the schemathesis test holds the service to it::

    python -m sen.services.vault.openapi --write    # regenerate the committed document
    python -m sen.services.vault.openapi --check    # exit 1 if it is stale
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from sen.ledger.modules.privacy.parsing import SUBJECT_PATTERN, TERM_PATTERN
from sen.services.documents import write_or_check

DEFAULT_PATH = Path(__file__).resolve().parents[4] / "docs" / "api" / "vault-openapi.json"

REQUEST_PATTERN = re.compile(r"^(hex:)?[0-9a-f]{32}$")  # a request id, as the CLI prints it
HEX32 = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
PRESENTATION = {
    "type": "object",
    "description": "A W3C verifiable presentation whose `holder` is the caller's DID, signed "
    "by a key of its `authentication` relationship, its proof bound to a challenge of "
    "this vault (`POST /vault/v1/challenges`) and to the vault's `domain`.",
}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem: what was wrong (field), what was expected, what came.",
        "required": ["type", "title", "status", "detail", "field", "expected", "got"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "field": {"type": "string"},
            "expected": {"type": "string"},
            "got": {"type": "string"},
        },
    },
    "Challenge": {
        "type": "object",
        "required": ["challenge", "domain", "expires_in"],
        "properties": {
            "challenge": {"type": "string", "description": "One use, within `expires_in` s."},
            "domain": {"type": "string", "description": "What presentations are bound to."},
            "expires_in": {"type": "integer"},
        },
    },
    "NewRecord": {
        "type": "object",
        "required": ["subject", "category", "payload"],
        "properties": {
            "subject": {
                "type": "string",
                "pattern": SUBJECT_PATTERN.pattern,
                "description": "The data subject's pairwise did:key (never stored as such).",
            },
            "category": {
                "type": "string",
                "pattern": TERM_PATTERN.pattern,
                "maxLength": 64,
                "examples": ["pd:HealthRecord"],
            },
            "payload": {
                "type": "string",
                "format": "byte",
                "description": "The record, base64.",
            },
        },
    },
    "Stored": {
        "type": "object",
        "required": ["reference", "commitment"],
        "properties": {
            "reference": {**HEX32, "description": "Random: identifies nothing."},
            "commitment": {**HEX64, "description": "HMAC-SHA256 under the record's salt."},
        },
    },
    "ReadRequest": {
        "type": "object",
        "required": ["consent", "purpose", "presentation"],
        "properties": {
            "consent": {"type": "string", "description": "The consent's id: 32 hex digits."},
            "purpose": {"type": "string", "examples": ["dpv:ServiceProvision"]},
            "presentation": PRESENTATION,
        },
    },
    "ReadAnswer": {
        "type": "object",
        "required": ["payload", "reader", "at"],
        "properties": {
            "payload": {"type": "string", "format": "byte"},
            "reader": {"type": "string", "description": "The DID the presentation proved."},
            "at": {"type": "integer", "description": "The block time the consent was judged at."},
        },
    },
    "AccessRequest": {
        "type": "object",
        "required": ["presentation"],
        "properties": {"presentation": PRESENTATION},
    },
    "Read": {
        "type": "object",
        "description": "One logged read; `entry`, `batch` and `proof` once its batch is sealed.",
        "required": ["reader", "reference", "purpose", "consent", "at"],
        "properties": {
            "reader": {"type": "string"},
            "reference": HEX32,
            "purpose": {"type": "string"},
            "consent": HEX32,
            "at": {"type": "integer"},
            "entry": {"type": "string", "description": "The log entry (canonical CBOR), hex."},
            "batch": {
                "type": "object",
                "required": ["number", "root", "anchored_height"],
                "properties": {
                    "number": {"type": "integer"},
                    "root": HEX64,
                    "anchored_height": {"type": ["integer", "null"]},
                },
            },
            "proof": {
                "type": "object",
                "description": "Inclusion of `entry` in `batch.root` (RFC 6962 hashing).",
                "required": ["total", "index", "aunts"],
                "properties": {
                    "total": {"type": "integer"},
                    "index": {"type": "integer"},
                    "aunts": {"type": "array", "items": HEX64},
                },
            },
        },
    },
    "Access": {
        "type": "object",
        "required": ["subject", "reads"],
        "properties": {
            "subject": {"type": "string"},
            "reads": {"type": "array", "items": {"$ref": "#/components/schemas/Read"}},
        },
    },
    "Sealed": {
        "type": "object",
        "required": ["batch"],
        "properties": {
            "batch": {
                "type": ["object", "null"],
                "description": "The batch closed now, or null if no read was waiting.",
                "properties": {
                    "number": {"type": "integer"},
                    "root": HEX64,
                    "first": {"type": "integer"},
                    "last": {"type": "integer"},
                },
            }
        },
    },
    "Erase": {
        "type": "object",
        "required": ["subject"],
        "properties": {
            "subject": {"type": "string", "minLength": 1},
            "request": {
                "type": "string",
                "pattern": REQUEST_PATTERN.pattern,
                "description": "The deletion request this erasure fulfils: its id goes into "
                "the record_erasure arguments.",
            },
        },
    },
    "Erased": {
        "type": "object",
        "required": ["subject_ref", "erased_at", "records", "record_erasure_args"],
        "properties": {
            "subject_ref": HEX32,
            "erased_at": {"type": "integer"},
            "records": {
                "type": "array",
                "items": {"type": "array", "items": {"type": "string"}},
                "description": "[reference, commitment] of each erased record.",
            },
            "record_erasure_args": {
                "type": "object",
                "description": "The arguments of privacy.record_erasure to send (hex: bytes).",
            },
        },
    },
}

REFUSALS = {
    400: "malformed: the problem names the field",
    401: "no or wrong staff token, or a presentation that does not verify",
    403: "no consent on chain allows this read (the problem says why)",
    404: "no such record or subject in this vault (or request on the chain)",
    409: "a deletion request already answered, or filed after the subject was erased",
    410: "the record was erased",
    413: "the body is larger than 2 MiB",
    502: "the node's answer about the chain's state did not verify",
    503: "too many challenges outstanding: try again shortly",
}


def body(schema: str) -> dict[str, Any]:
    """``openapi_extra`` of an operation whose JSON body is ``schema``."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }


def answers(status: int, schema: str, *refusals: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of an operation: ``status`` with ``schema``, and its refusals."""
    documented: dict[int | str, dict[str, Any]] = {
        status: {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }
    for code in refusals:
        documented[code] = {
            "description": REFUSALS[code],
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
    return documented


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's document with the schemas above, the staff's bearer scheme, and without
    the validation-error schemas FastAPI adds for routes that read their own bodies."""
    components = document.setdefault("components", {})
    components["schemas"] = dict(SCHEMAS)
    components["securitySchemes"] = {
        "staff": {"type": "http", "scheme": "bearer", "description": "The vault's staff token."}
    }
    for path in document.get("paths", {}).values():
        for operation in path.values():
            operation.get("responses", {}).pop("422", None)
    return document


def render() -> str:
    from sen.services.vault.service import document_app

    document = document_app().openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(
        argv, module="sen.services.vault.openapi", description=__doc__, render=render,
        default_path=DEFAULT_PATH, changed="the service changed",
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
