"""A permissioned chain through SenApp: CheckTx, proposals, blocks, restarts and replay."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from consortium_support import (
    ADMIN,
    BANK,
    CHAIN_ID,
    EXPIRY,
    GENESIS_SECONDS,
    NEWCOMER,
    OPERATOR,
    STRANGER,
    UNI,
    WRITER,
    Consortium,
    address,
    anchor,
    certificate,
    consortium_genesis,
    membership_section,
    org,
    tx,
)
from cryptography import x509

from sen.abci.types import RequestCheckTx
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.membership import active_organisations, load_member
from sen.ledger.modules.membership.genesis import MembershipGenesisError
from sen.ledger.rules import load_nonce
from sen.ledger.types import ChainParams
from sen.light.genesis import Genesis, load_genesis, make_genesis
from sen.sdk.devca import der, pem


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[Consortium]:
    made = Consortium(tmp_path / "db")
    yield made
    made.close()


def enroll(signer: SigningKey, cert: x509.Certificate, nonce: int = 0) -> bytes:
    return tx(signer, nonce, "membership", "enroll", certificate=der(cert))


def test_the_genesis_admits_organisations_and_members(chain: Consortium) -> None:
    assert chain.app.params.permissioned
    assert active_organisations(chain.app.store) == ["bank-a", "uni-hanoi"]
    member = load_member(chain.app.store, bytes.fromhex(_hex(WRITER)))
    assert member is not None and member.roles == ("writer",)


def _hex(signer: SigningKey) -> str:
    return address(signer).hex()


def test_check_tx_refuses_an_unknown_key_naming_the_sender(chain: Consortium) -> None:
    response = chain.check(anchor(STRANGER, 0))
    assert response.code == ResultCode.UNKNOWN_SIGNER
    assert response.field == "sender"
    assert response.got == _hex(STRANGER)


def test_check_tx_refuses_a_missing_role(chain: Consortium) -> None:
    response = chain.check(anchor(OPERATOR, 0))
    assert (response.code, response.field) == (ResultCode.ROLE_REQUIRED, "sender")
    assert (response.expected, response.got) == ("writer", "validator-operator")


def test_enrolment_admits_the_key_from_the_next_block(chain: Consortium) -> None:
    enrolment = enroll(NEWCOMER, certificate(UNI, NEWCOMER, ["writer"], 10))
    assert chain.check(enrolment).code == ResultCode.OK
    assert chain.check(anchor(NEWCOMER, 1)).code == ResultCode.UNKNOWN_SIGNER
    response = chain.run_block([enrolment])
    assert [r.code for r in response.tx_results] == [ResultCode.OK]
    assert chain.check(anchor(NEWCOMER, 1)).code == ResultCode.OK


def test_check_tx_refuses_a_genesis_certificate_signed_with_a_fresh_key(chain: Consortium) -> None:
    """The review's finding: a public member certificate with someone else's key."""
    app_hash, height = chain.app.app_hash, chain.app.height
    stolen = enroll(STRANGER, certificate(UNI, WRITER, ["writer"], 2))
    response = chain.check(stolen)
    assert (response.code, response.field) == (ResultCode.KEY_MISMATCH, "args.certificate")
    assert response.expected == f"a certificate for the signer {_hex(STRANGER)}"
    assert response.got == f"a certificate for {_hex(WRITER)}"
    assert chain.app.pending_nonce(address(STRANGER)) == 0
    assert chain.prepare([stolen]) == ()
    assert not chain.process([stolen])
    assert (chain.app.app_hash, chain.app.height) == (app_hash, height)
    assert load_nonce(chain.app.store, address(STRANGER)) == 0


FOREIGN = org("stranger", "Không rõ", 3)  # a CA no organisation of the chain has

CHECK_TX_ENROLMENT_REFUSALS = [
    ("a member's certificate", lambda: certificate(UNI, ADMIN, ["admin"], 1), "KEY_MISMATCH"),
    ("an unknown CA", lambda: certificate(FOREIGN, STRANGER, ["writer"], 9), "WRONG_CA"),
    ("a role not allowed", lambda: certificate(UNI, STRANGER, ["auditor"], 9), "ROLE_NOT_ALLOWED"),
    ("an unknown role", lambda: certificate(UNI, STRANGER, ["minister"], 9), "UNKNOWN_ROLE"),
]


@pytest.mark.parametrize(
    ("make", "code"),
    [case[1:] for case in CHECK_TX_ENROLMENT_REFUSALS],
    ids=[case[0] for case in CHECK_TX_ENROLMENT_REFUSALS],
)
def test_check_tx_refuses_every_enrolment_execution_would_refuse(
    chain: Consortium, make: object, code: str
) -> None:
    assert callable(make)
    refused = enroll(STRANGER, make())
    response = chain.check(refused)
    assert ResultCode(response.code).name == code
    assert response.field.startswith("args.certificate")
    assert chain.app.pending_nonce(address(STRANGER)) == 0
    # forced into a block (as a faulty proposer might), execution gives the same refusal
    (result,) = chain.run_block([refused]).tx_results
    assert (result.code, result.log) == (response.code, response.log)


def test_check_tx_refuses_an_enrolment_of_a_revoked_serial(chain: Consortium) -> None:
    chain.run_block([tx(ADMIN, 0, "membership", "revoke", organisation="uni-hanoi", serial=9)])
    response = chain.check(enroll(STRANGER, certificate(UNI, STRANGER, ["writer"], 9)))
    assert (response.code, response.field) == (ResultCode.CERTIFICATE_REVOKED, "args.certificate")


def test_check_tx_refuses_an_enrolment_expired_at_the_last_block_time(chain: Consortium) -> None:
    chain.run_block([], seconds=EXPIRY + 1)
    response = chain.check(enroll(STRANGER, certificate(UNI, STRANGER, ["writer"], 9)))
    assert (response.code, response.field) == (ResultCode.CERTIFICATE_EXPIRED, "args.certificate")


def test_a_proposal_holding_a_refused_enrolment_is_rejected(chain: Consortium) -> None:
    good = anchor(WRITER, 0)
    stolen = enroll(STRANGER, certificate(UNI, WRITER, ["writer"], 2))
    welcome = enroll(NEWCOMER, certificate(UNI, NEWCOMER, ["writer"], 10))
    assert chain.prepare([stolen, good, welcome]) == (good, welcome)
    assert not chain.process([stolen, good])
    assert not chain.process([good, stolen])
    assert chain.process([good, welcome])


def test_proposals_judge_members_at_the_proposed_blocks_time(chain: Consortium) -> None:
    waiting = anchor(WRITER, 0)
    assert chain.check(waiting).code == ResultCode.OK  # at the genesis time
    assert chain.prepare([waiting], seconds=EXPIRY + 1) == ()
    assert not chain.process([waiting], seconds=EXPIRY + 1)
    assert chain.process([waiting], seconds=EXPIRY)


def test_proposals_leave_out_and_refuse_what_the_committed_state_refuses(
    chain: Consortium,
) -> None:
    good = anchor(WRITER, 0)
    stranger = anchor(STRANGER, 0)
    assert chain.prepare([stranger, good]) == (good,)
    assert chain.process([good])
    assert not chain.process([stranger, good])


def test_revocation_in_a_block_refuses_the_member_from_the_next(chain: Consortium) -> None:
    revoke = tx(ADMIN, 0, "membership", "revoke", organisation="uni-hanoi", serial=2)
    response = chain.run_block([revoke, anchor(WRITER, 0, "same block")])
    assert [r.code for r in response.tx_results] == [ResultCode.OK, ResultCode.OK]
    refused = chain.check(anchor(WRITER, 1, "next block"))
    assert (refused.code, refused.field) == (ResultCode.CERTIFICATE_REVOKED, "sender")
    response = chain.run_block([anchor(WRITER, 1, "next block")])
    assert [r.code for r in response.tx_results] == [ResultCode.CERTIFICATE_REVOKED]


def test_a_writer_cannot_revoke(chain: Consortium) -> None:
    revoke = tx(WRITER, 0, "membership", "revoke", organisation="uni-hanoi", serial=1)
    response = chain.check(revoke)
    assert (response.code, response.expected) == (ResultCode.ROLE_REQUIRED, "admin")


def test_check_tx_judges_certificates_by_the_last_block_time(tmp_path: Path) -> None:
    chain = Consortium(tmp_path / "db")
    assert chain.check(anchor(WRITER, 0)).code == ResultCode.OK
    chain.run_block([], seconds=EXPIRY + 1)
    response = chain.check(anchor(WRITER, 0))
    assert (response.code, response.field) == (ResultCode.CERTIFICATE_EXPIRED, "sender")
    chain.close()
    reopened = Consortium(tmp_path / "db", chain.genesis, init=False)
    try:  # the last block time is state, so a restarted node answers the same
        assert reopened.check(anchor(WRITER, 0)).code == ResultCode.CERTIFICATE_EXPIRED
    finally:
        reopened.close()


def test_recheck_drops_a_revoked_members_waiting_transactions(chain: Consortium) -> None:
    waiting = anchor(WRITER, 0, "waiting")
    assert chain.check(waiting).code == ResultCode.OK
    chain.run_block([tx(ADMIN, 0, "membership", "revoke", organisation="uni-hanoi", serial=2)])
    (rechecked,) = chain.app.recheck([waiting])
    assert rechecked.code == ResultCode.CERTIFICATE_REVOKED


def test_an_invalid_genesis_member_stops_init_chain_naming_it(tmp_path: Path) -> None:
    section = membership_section()
    section["members"].append(pem(certificate(BANK, STRANGER, ["auditor", "minister"], 9)))
    with pytest.raises(MembershipGenesisError) as info:
        Consortium(tmp_path / "db", consortium_genesis(section))
    assert info.value.field == "app_state.membership.members[3].certificate.subject.OU"


def test_open_chain_genesis_files_are_unchanged() -> None:
    raw = make_genesis(
        chain_id=CHAIN_ID,
        genesis_time=Timestamp(GENESIS_SECONDS, 0),
        validators=list(consortium_genesis().validators),
        params=ChainParams(chain_id=CHAIN_ID),
    )
    document = json.loads(raw)
    assert document["app_state"] == {"params": ChainParams(chain_id=CHAIN_ID).to_json()}
    assert "permissioned" not in document["app_state"]["params"]
    assert load_genesis(raw).membership is None


def test_the_consortium_genesis_is_permissioned_in_params_too() -> None:
    genesis = consortium_genesis()
    document = json.loads(genesis.raw)
    assert document["app_state"]["params"]["permissioned"] is True
    assert genesis.params.permissioned


def _blocks() -> list[list[bytes]]:
    return [
        [
            enroll(NEWCOMER, certificate(UNI, NEWCOMER, ["writer"], 10)),
            anchor(NEWCOMER, 1),
            anchor(STRANGER, 0),
        ],
        [anchor(NEWCOMER, 1), anchor(WRITER, 0), anchor(OPERATOR, 0)],
        [
            tx(ADMIN, 0, "membership", "revoke", organisation="uni-hanoi", serial=10),
            anchor(NEWCOMER, 2, "same block"),
        ],
        [anchor(NEWCOMER, 3, "after"), anchor(WRITER, 1, "after")],
    ]


def _trace(
    path: Path, genesis: Genesis, blocks: list[list[bytes]]
) -> list[tuple[bytes, list[int]]]:
    """Run the blocks (ECDSA certificates differ per issue, so both runs share one set)."""
    chain = Consortium(path, genesis)
    trace = []
    try:
        for i, block in enumerate(blocks):
            response = chain.run_block(block, GENESIS_SECONDS + 100 * (i + 1))
            trace.append((response.app_hash, [r.code for r in response.tx_results]))
    finally:
        chain.close()
    return trace


def test_replaying_the_same_blocks_gives_the_same_app_hashes(tmp_path: Path) -> None:
    genesis, blocks = consortium_genesis(), _blocks()
    first = _trace(tmp_path / "a", genesis, blocks)
    second = _trace(tmp_path / "b", genesis, blocks)
    assert first == second
    assert [codes for _, codes in first] == [
        [ResultCode.OK, ResultCode.UNKNOWN_SIGNER, ResultCode.UNKNOWN_SIGNER],
        [ResultCode.OK, ResultCode.OK, ResultCode.ROLE_REQUIRED],
        [ResultCode.OK, ResultCode.OK],
        [ResultCode.CERTIFICATE_REVOKED, ResultCode.OK],
    ]
    assert len({app_hash for app_hash, _ in first}) == len(first)


def test_check_tx_request_type_is_kept(chain: Consortium) -> None:
    assert chain.app.check_tx(RequestCheckTx(anchor(WRITER, 0))).code == ResultCode.OK
