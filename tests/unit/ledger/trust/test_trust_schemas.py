"""The schema registry: register a credential's JSON Schema by URL and SHA-256, deprecate it."""

from __future__ import annotations

import hashlib
from typing import Any

from trust_chain import DEGREE, TrustChain, address, block_time

from sen.ledger.codes import ResultCode
from sen.ledger.modules.trust import load_schema, schema_count, schema_id_at

SCHEMA_ID = "https://schemas.moet.gov.vn/credentials/degree/1.0.json"
SCHEMA_DOCUMENT = b'{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}'


def _args(**extra: Any) -> dict[str, Any]:
    return {
        "id": SCHEMA_ID,
        "name": "Bằng tốt nghiệp đại học",
        "version": "1.0",
        "credential_type": DEGREE,
        "digest": hashlib.sha256(SCHEMA_DOCUMENT).digest(),
        "issuer": "did:sen:moet",
        **extra,
    }


def test_register_and_deprecate_a_schema(chain: TrustChain) -> None:
    chain.create_did(chain.issuers[0], "moet")
    registered = chain.ok(chain.issuers[0], "trust", "register_schema", _args())
    assert registered.data == SCHEMA_ID.encode()
    assert {a.key: a.value for a in registered.events[0].attributes} == {
        "id": SCHEMA_ID,
        "issuer": "did:sen:moet",
        "credential_type": DEGREE,
    }
    schema = load_schema(chain.store, SCHEMA_ID)
    assert schema is not None
    assert (schema.name, schema.version, schema.credential_type, schema.issuer) == (
        "Bằng tốt nghiệp đại học",
        "1.0",
        DEGREE,
        "did:sen:moet",
    )
    assert schema.digest == hashlib.sha256(SCHEMA_DOCUMENT).digest()
    assert (schema.registered_height, schema.registered_time) == (
        chain.height,
        block_time(chain.height),
    )
    assert schema.sender == address(chain.issuers[0]) and schema.deprecated_height is None
    assert (schema_count(chain.store), schema_id_at(chain.store, 1)) == (1, SCHEMA_ID)

    chain.refuse(
        chain.issuers[0],
        "trust",
        "register_schema",
        _args(version="1.1"),
        ResultCode.SCHEMA_EXISTS,
        "args.id",
    )
    chain.refuse(
        chain.issuers[1],
        "trust",
        "deprecate_schema",
        {"id": SCHEMA_ID},
        ResultCode.NOT_DID_CONTROLLER,
        "sender",
    )
    deprecated = chain.ok(chain.issuers[0], "trust", "deprecate_schema", {"id": SCHEMA_ID})
    assert deprecated.events[0].type == "trust.deprecate_schema"
    schema = load_schema(chain.store, SCHEMA_ID)
    assert schema is not None
    assert (schema.deprecated_height, schema.deprecated_time) == (
        chain.height,
        block_time(chain.height),
    )
    assert schema.registered_height < chain.height  # the registration is kept
    chain.refuse(
        chain.issuers[0],
        "trust",
        "deprecate_schema",
        {"id": SCHEMA_ID},
        ResultCode.SCHEMA_DEPRECATED,
        "args.id",
    )
    chain.refuse(
        chain.issuers[0],
        "trust",
        "deprecate_schema",
        {"id": SCHEMA_ID + "x"},
        ResultCode.UNKNOWN_SCHEMA,
        "args.id",
    )


def test_only_a_controller_of_the_issuer_registers(chain: TrustChain) -> None:
    chain.create_did(chain.issuers[0], "moet")
    chain.refuse(
        chain.issuers[1],
        "trust",
        "register_schema",
        _args(),
        ResultCode.NOT_DID_CONTROLLER,
        "sender",
    )
    assert load_schema(chain.store, SCHEMA_ID) is None and schema_count(chain.store) == 0
    refused = chain.run(chain.admins[0], "trust", "register_schema", _args())
    assert refused.code == ResultCode.ROLE_REQUIRED
