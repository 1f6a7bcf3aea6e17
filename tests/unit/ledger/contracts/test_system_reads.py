"""What contracts read of Sen's system modules: DID documents' state and credential status bits,
through a contract, in the real runtime."""

from __future__ import annotations

import json

from sen.ledger.modules.contracts.calls import CallScope, StateReads
from sen.ledger.modules.identity.records import DidRecord, save_did
from sen.ledger.modules.status.records import StatusList, save_bits, save_list
from sen.ledger.state import EmptyState, Overlay
from sen.ledger.types import BlockInfo
from sen.vm import CallStatus, Runtime

ISSUER = "did:sen:truong-dai-hoc"
CHECKER = b"""
import sen_contract as sen


@sen.query
def check(did, issuer, name, index):
    return [
        sen.system("identity/did", did=did),
        sen.system("status/entry", issuer=issuer, list=name, index=index),
    ]
"""
ENV = json.dumps(
    {"caller": "", "chain_id": "t", "contract": "00", "height": 5, "sender": "", "time": 9}
)


def state() -> Overlay:
    made = Overlay(EmptyState())
    save_did(made, DidRecord("truong-dai-hoc", 2, (bytes(20),), "org-0", 1, 1, 3, 3))
    save_list(made, StatusList(ISSUER, "bang-2025", "revocation", 16, 1, 1, 1, 1, 1))
    save_bits(made, ISSUER, "bang-2025", bytes([0b00010000, 0]))
    return made


def ask(runtime: Runtime, reads_state: Overlay, **args: object) -> tuple[CallStatus, object]:
    session = runtime.session()
    scope = CallScope(reads_state, None, session, "t", BlockInfo(5, 9, 0, b""), b"")
    result = session.call(
        b"c" * 20,
        CHECKER,
        "query",
        "check",
        json.dumps(args),
        ENV,
        20_000_000,
        StateReads(scope, b"c" * 20),
    )
    return result.status, (json.loads(result.answer) if result.ok else result.message)


def test_did_and_status_bits(contract_runtime: Runtime) -> None:
    status, answer = ask(
        contract_runtime, state(), did=ISSUER, issuer=ISSUER, name="bang-2025", index=3
    )
    assert status is CallStatus.OK
    assert answer == [
        {"active": True, "controllers": ["00" * 20], "organisation": "org-0", "version": 2},
        {"purpose": "revocation", "set": True},
    ]
    _, unset = ask(contract_runtime, state(), did=ISSUER, issuer=ISSUER, name="bang-2025", index=4)
    assert unset[1] == {"purpose": "revocation", "set": False}  # type: ignore[index]


def test_unknown_things_are_null_and_bad_reads_refuse(contract_runtime: Runtime) -> None:
    _, missing = ask(
        contract_runtime, state(), did="did:sen:khong-co", issuer=ISSUER, name="khac", index=0
    )
    assert missing == [None, None]
    status, outside = ask(
        contract_runtime, state(), did=ISSUER, issuer=ISSUER, name="bang-2025", index=99
    )
    assert status is CallStatus.REFUSED and "outside 0..15" in str(outside)
