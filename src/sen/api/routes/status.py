"""Status lists: a Bitstring Status List as it stands on chain, with a proof of its bits.

``GET /v1/status-lists/{issuer}/{list}`` gives the ``encodedList`` a
``BitstringStatusListCredential`` carries, and the state proof of the list's
bits against the app hash of the height it was read at. An offline verifier
that holds a trusted header of that height (a light client, a receipt)
decodes ``encodedList`` and checks the proof with
:func:`sen.ledger.light.state_proof.verify_state_proof` — the value is the decoded
bits, and ``statusListDigest`` is the proof's ``leaf_value_hash`` — so it
knows the list it was given is the current one. Signing the credential
itself is the credential service's job.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import Field

from sen.api.deps import NodeDep
from sen.api.errors import BadRequest, NotFound
from sen.api.json_body import JsonRoute
from sen.api.parsing import MAX_ID, ListIssuer, ListName, require_list_path
from sen.api.problems import documented
from sen.api.schemas import Schema, StateProofView
from sen.did import xml_datetime
from sen.ledger import encoding
from sen.ledger.modules.status import (
    StatusList,
    bits_key,
    encode_list,
    list_digest,
    list_key,
    status_at,
)
from sen.node.node import Node
from sen.store.smt import Proof

router = APIRouter(route_class=JsonRoute, tags=["status"])

_READ_ATTEMPTS = 3


class StatusListView(Schema):
    issuer: str = Field(examples=["did:sen:moet"])
    list: str = Field(examples=["degrees-2027"])
    purpose: str = Field(description="revocation or suspension (statusPurpose).")
    size: int = Field(description="Entries (bits).")
    version: int = Field(description="1 at creation, +1 per update.")
    created_height: int
    updated_height: int
    updated_time: str = Field(description="Block time of the last change (XML datetime, UTC).")
    encodedList: str = Field(
        description="Multibase base64url (u...) of the GZIP-compressed bitstring."
    )
    statusListDigest: str = Field(
        description="SHA-256 of the decoded bitstring, hex (= proof.leaf_value_hash)."
    )
    key: str = Field(description="The state key of the bits, hex: status/bits/<issuer>/<list>.")
    height: int = Field(description="The height the list was read at.")
    app_hash: str = Field(description="The app hash after that height (in header height + 1).")
    proof: StateProofView = Field(description="State proof of the bits under app_hash.")


class StatusEntryView(Schema):
    issuer: str
    list: str
    index: int
    status: int = Field(description="1: revoked (or suspended); 0: not.")
    purpose: str
    version: int
    height: int


def _read(node: Node, issuer: str, name: str) -> tuple[StatusList, bytes, int, bytes, Proof]:
    """The list, its bits, the height and app hash, and the bits' proof — of one height."""
    store = node.app.store
    for _ in range(_READ_ATTEMPTS):
        height, app_hash, stored, _proof = store.prove(list_key(issuer, name))
        if stored is None:
            break
        bits_height, bits_hash, bits, proof = store.prove(bits_key(issuer, name))
        if bits is not None and (bits_height, bits_hash) == (height, app_hash):
            record = StatusList.from_value(encoding.decode(stored))
            return record, bits, height, app_hash, proof
    raise NotFound(f"{issuer} has no status list {name!r}", field="list")


@router.get(
    "/v1/status-lists/{issuer}/{list_name}",
    summary="A status list: encodedList, version and the proof of its bits",
    description=(
        "What a `BitstringStatusListCredential` carries (`encodedList`, `statusPurpose`), with "
        "the state proof of the bits under `app_hash` at `height`, so that a verifier holding "
        "a trusted header can check that the list is current.\n\n"
        "*Danh sách trạng thái kèm bằng chứng trên chuỗi.*"
    ),
    responses=documented(400, 404),
)
def status_list(issuer: ListIssuer, list_name: ListName, node: NodeDep) -> StatusListView:
    require_list_path(issuer, list_name)
    record, bits, height, app_hash, proof = _read(node, issuer, list_name)
    return StatusListView(
        issuer=issuer,
        list=list_name,
        purpose=record.purpose,
        size=record.size,
        version=record.version,
        created_height=record.created_height,
        updated_height=record.updated_height,
        updated_time=xml_datetime(record.updated_time),
        encodedList=encode_list(bits),
        statusListDigest=list_digest(bits).hex(),
        key=bits_key(issuer, list_name).hex(),
        height=height,
        app_hash=app_hash.hex(),
        proof=StateProofView.of(app_hash, proof),
    )


@router.get(
    "/v1/status-lists/{issuer}/{list_name}/{index}",
    summary="One entry of a status list",
    description="`status` 1 means revoked (or suspended).\n\n*Trạng thái của một mục.*",
    responses=documented(400, 404),
)
def status_entry(
    issuer: ListIssuer,
    list_name: ListName,
    index: Annotated[int, Path(ge=0, le=MAX_ID, description="0, 1, 2, ...")],
    node: NodeDep,
) -> StatusEntryView:
    require_list_path(issuer, list_name)
    record, bits, height, _, _ = _read(node, issuer, list_name)
    if not 0 <= index < record.size:
        raise BadRequest(
            "index outside the list",
            field="index",
            expected=f"0 to {record.size - 1}",
            got=str(index),
        )
    return StatusEntryView(
        issuer=issuer,
        list=list_name,
        index=index,
        status=status_at(bits, index),
        purpose=record.purpose,
        version=record.version,
        height=height,
    )
