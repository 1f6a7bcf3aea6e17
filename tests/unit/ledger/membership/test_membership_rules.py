"""Enrolment, revocation and the permission check, block by block through ``execute_block``.

Each block runs over the state the previous one left (its "committed" state),
with a fixed block time, so "from the next block" can be seen happening. The
admission check (what CheckTx and the proposal checks ask before a block) is
held to give exactly the refusal execution gives.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pytest
from membership_pki import (
    CHAIN_ID,
    OPEN,
    PERMISSIONED,
    T0,
    address,
    admit,
    anchor_tx,
    authority,
    enroll_tx,
    member_certificate,
    member_key,
    revoke_tx,
)

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.errors import TxRejected
from sen.ledger.modules.membership import load_member, remove_organisation
from sen.ledger.modules.membership.records import member_key as member_state_key
from sen.ledger.permissions import LAST_BLOCK_TIME_KEY, check_admission, load_last_block_time
from sen.ledger.rules import CheckedTx, execute_block, load_nonce, precheck, verify_signature
from sen.ledger.state import EmptyState, Overlay, StateReader
from sen.ledger.tx import sign_tx
from sen.ledger.types import BlockInfo, ChainParams, TxResult
from sen.sdk.devca import OrgAuthority, der

UNI = authority("uni-hanoi", "Đại học Quốc gia Hà Nội", 1)
BANK = authority("bank-a", "Ngân hàng A", 2)
STRANGER_CA = authority("stranger", "Không rõ", 3)
ADMIN, WRITER, AUDITOR, BANK_ADMIN, OUTSIDER = (member_key(n) for n in range(1, 6))
UTC = datetime.UTC


class Ledger:
    """Blocks over a chain of overlays: each block's committed state is the last one's result."""

    def __init__(self, params: ChainParams = PERMISSIONED) -> None:
        self.params = params
        self.state: Overlay = Overlay(EmptyState())
        self.height = 0
        admit(self.state, UNI, ["admin", "writer", "auditor"])
        admit(self.state, BANK, ["admin", "writer"])

    def run(self, raws: Sequence[bytes], seconds: int | None = None) -> list[TxResult]:
        self.height += 1
        when = T0 + 10 * self.height if seconds is None else seconds
        items = [precheck(raw, self.params) for raw in raws]
        oks = [isinstance(i, CheckedTx) and verify_signature(i.tx) for i in items]
        block = BlockInfo(self.height, when, 0, bytes(20))
        overlay, results = execute_block(self.state, items, oks, block, self.params)
        self.state = overlay
        return results

    def codes(self, raws: Sequence[bytes], seconds: int | None = None) -> list[ResultCode]:
        return [r.code for r in self.run(raws, seconds)]

    def enroll(self, key: SigningKey, org: OrgAuthority, roles: Sequence[str], serial: int) -> None:
        raw = member_certificate(org, key, roles, serial=serial)
        assert self.codes([enroll_tx(key, raw, load_nonce(self.state, address(key)))]) == [
            ResultCode.OK
        ]


@pytest.fixture
def ledger() -> Ledger:
    made = Ledger()
    made.enroll(ADMIN, UNI, ["admin"], 1)
    made.enroll(WRITER, UNI, ["writer"], 2)
    made.enroll(AUDITOR, UNI, ["auditor"], 3)
    made.enroll(BANK_ADMIN, BANK, ["admin", "writer"], 4)
    return made


def nonce(ledger: Ledger, key: SigningKey) -> int:
    return load_nonce(ledger.state, address(key))


# -- enroll ---------------------------------------------------------------------


def test_enroll_records_the_member_from_its_certificate(ledger: Ledger) -> None:
    member = load_member(ledger.state, address(WRITER))
    assert member is not None
    assert (member.org, member.serial, member.roles) == ("uni-hanoi", "2", ("writer",))
    assert (member.suite, member.public_key) == ("ed25519", WRITER.public_key)
    assert member.name == "Nguyễn Văn A"
    assert member.not_after == int(datetime.datetime(2024, 11, 1, tzinfo=UTC).timestamp())


def test_enroll_emits_an_event_and_returns_the_address() -> None:
    ledger = Ledger()
    raw = member_certificate(UNI, WRITER, ["writer"], serial=2)
    (result,) = ledger.run([enroll_tx(WRITER, raw)])
    assert result.ok and result.data == address(WRITER)
    (event,) = result.events
    assert event.type == "membership.enroll"
    assert {a.key: a.value for a in event.attributes} == {
        "organisation": "uni-hanoi",
        "address": address(WRITER).hex(),
        "serial": "2",
        "roles": "writer",
    }


def _enroll_code(
    certificate: bytes, *, signer: SigningKey = OUTSIDER, seconds: int | None = None
) -> tuple[ResultCode, StateReader]:
    ledger = Ledger()
    (result,) = ledger.run([enroll_tx(signer, certificate)], seconds)
    return result.code, ledger.state


ENROLL_REFUSALS = [
    (
        "certificate for another key",
        lambda: member_certificate(UNI, WRITER, ["writer"], serial=9),
        None,
        ResultCode.KEY_MISMATCH,
    ),
    (
        "issued by a CA no organisation has",
        lambda: member_certificate(STRANGER_CA, OUTSIDER, ["writer"], serial=9),
        None,
        ResultCode.WRONG_CA,
    ),
    (
        "expired at the block time",
        lambda: member_certificate(UNI, OUTSIDER, ["writer"], serial=9),
        1_800_000_000,
        ResultCode.CERTIFICATE_EXPIRED,
    ),
    (
        "not yet valid at the block time",
        lambda: member_certificate(UNI, OUTSIDER, ["writer"], serial=9),
        1_690_000_000,
        ResultCode.CERTIFICATE_NOT_YET_VALID,
    ),
    (
        "a role the organisation may not give",
        lambda: member_certificate(BANK, OUTSIDER, ["auditor"], serial=9),
        None,
        ResultCode.ROLE_NOT_ALLOWED,
    ),
    (
        "a role the chain does not know",
        lambda: member_certificate(UNI, OUTSIDER, ["minister"], serial=9),
        None,
        ResultCode.UNKNOWN_ROLE,
    ),
    (
        "not a certificate",
        lambda: b"\x30\x00",
        None,
        ResultCode.BAD_CERTIFICATE,
    ),
    (
        "a CA certificate",
        lambda: der(UNI.certificate),
        None,
        ResultCode.BAD_CERTIFICATE,
    ),
]


@pytest.mark.parametrize(
    ("certificate", "seconds", "code"),
    [case[1:] for case in ENROLL_REFUSALS],
    ids=[case[0] for case in ENROLL_REFUSALS],
)
def test_enroll_refusals(certificate: object, seconds: int | None, code: ResultCode) -> None:
    assert callable(certificate)
    got, state = _enroll_code(certificate(), seconds=seconds)
    assert got == code
    assert load_member(state, address(OUTSIDER)) is None


def test_enroll_of_a_revoked_serial_is_refused(ledger: Ledger) -> None:
    assert ledger.codes([revoke_tx(ADMIN, nonce(ledger, ADMIN), "uni-hanoi", 77)]) == [
        ResultCode.OK
    ]
    raw = member_certificate(UNI, OUTSIDER, ["writer"], serial=77)
    assert ledger.codes([enroll_tx(OUTSIDER, raw)]) == [ResultCode.CERTIFICATE_REVOKED]


def test_enroll_under_a_removed_organisation_is_refused(ledger: Ledger) -> None:
    remove_organisation(ledger.state, "bank-a", ledger.height)
    raw = member_certificate(BANK, OUTSIDER, ["writer"], serial=9)
    assert ledger.codes([enroll_tx(OUTSIDER, raw)]) == [ResultCode.ORGANISATION_REMOVED]


def test_enroll_through_an_intermediate_ca() -> None:
    ledger = Ledger()
    faculty = authority("uni-hanoi", "Khoa Công nghệ", 7, issuer=UNI)
    raw = member_certificate(faculty, OUTSIDER, ["writer"], serial=5)
    (without_chain,) = ledger.run([enroll_tx(OUTSIDER, raw)])
    assert without_chain.code == ResultCode.WRONG_CA
    # the failed enrolment consumed nonce 0 (it was signed and in order)
    (with_chain,) = ledger.run([enroll_tx(OUTSIDER, raw, 1, chain=[der(faculty.certificate)])])
    assert with_chain.code == ResultCode.OK
    member = load_member(ledger.state, address(OUTSIDER))
    assert member is not None and member.org == "uni-hanoi"


def test_re_enrolling_replaces_the_record(ledger: Ledger) -> None:
    raw = member_certificate(UNI, WRITER, ["writer", "auditor"], serial=20)
    assert ledger.codes([enroll_tx(WRITER, raw, nonce(ledger, WRITER))]) == [ResultCode.OK]
    member = load_member(ledger.state, address(WRITER))
    assert member is not None and (member.serial, member.roles) == ("20", ("auditor", "writer"))


# -- admission: what CheckTx and proposals ask before the block ------------------


def _admission(ledger: Ledger, raw: bytes, seconds: int) -> TxRejected | None:
    """The refusal of ``raw`` before a block at ``seconds`` on the ledger's state, or None."""
    item = precheck(raw, ledger.params)
    if isinstance(item, TxRejected):  # the arguments' stateless checks refuse it
        return item
    try:
        nonce = load_nonce(ledger.state, item.tx.sender)
        check_admission(ledger.state, item.tx, item.call, ledger.params, (seconds, 0), nonce)
    except TxRejected as exc:
        return exc
    return None


def _same_refusal_before_and_in_the_block(ledger: Ledger, raw: bytes, seconds: int) -> TxRejected:
    refusal = _admission(ledger, raw, seconds)
    assert refusal is not None
    (result,) = ledger.run([raw], seconds)
    assert (result.code, result.log) == (refusal.code, refusal.log_text)
    return refusal


@pytest.mark.parametrize(
    ("certificate", "seconds", "code"),
    [case[1:] for case in ENROLL_REFUSALS],
    ids=[case[0] for case in ENROLL_REFUSALS],
)
def test_admission_refuses_an_enrolment_exactly_as_execution_does(
    certificate: object, seconds: int | None, code: ResultCode
) -> None:
    assert callable(certificate)
    ledger = Ledger()
    refusal = _same_refusal_before_and_in_the_block(
        ledger, enroll_tx(OUTSIDER, certificate()), T0 + 10 if seconds is None else seconds
    )
    assert refusal.code == code


def test_admission_of_a_genesis_members_certificate_with_another_key_names_both_keys() -> None:
    ledger = Ledger()
    raw = enroll_tx(OUTSIDER, member_certificate(UNI, WRITER, ["writer"], serial=2))
    refusal = _same_refusal_before_and_in_the_block(ledger, raw, T0 + 10)
    assert (refusal.code, refusal.field) == (ResultCode.KEY_MISMATCH, "args.certificate")
    assert refusal.expected == f"a certificate for the signer {address(OUTSIDER).hex()}"
    assert refusal.got == f"a certificate for {address(WRITER).hex()}"


def test_admission_refuses_a_revoked_serial_and_a_removed_organisation(ledger: Ledger) -> None:
    assert ledger.codes([revoke_tx(ADMIN, nonce(ledger, ADMIN), "uni-hanoi", 77)]) == [
        ResultCode.OK
    ]
    revoked = enroll_tx(OUTSIDER, member_certificate(UNI, OUTSIDER, ["writer"], serial=77))
    refusal = _same_refusal_before_and_in_the_block(ledger, revoked, T0 + 100)
    assert refusal.code == ResultCode.CERTIFICATE_REVOKED
    remove_organisation(ledger.state, "bank-a", ledger.height)
    removed = enroll_tx(OUTSIDER, member_certificate(BANK, OUTSIDER, ["writer"], serial=9), 1)
    refusal = _same_refusal_before_and_in_the_block(ledger, removed, T0 + 200)
    assert refusal.code == ResultCode.ORGANISATION_REMOVED


def test_admission_takes_a_valid_enrolment_and_a_members_permitted_action(ledger: Ledger) -> None:
    raw = enroll_tx(OUTSIDER, member_certificate(UNI, OUTSIDER, ["writer"], serial=9))
    assert _admission(ledger, raw, T0 + 100) is None
    assert _admission(ledger, anchor_tx(WRITER, nonce(ledger, WRITER)), T0 + 100) is None
    refusal = _admission(ledger, anchor_tx(OUTSIDER, 0), T0 + 100)
    assert refusal is not None and refusal.code == ResultCode.UNKNOWN_SIGNER


def test_admission_checks_a_members_enrolment_too(ledger: Ledger) -> None:
    raw = enroll_tx(
        WRITER, member_certificate(UNI, ADMIN, ["admin"], serial=1), nonce(ledger, WRITER)
    )
    refusal = _same_refusal_before_and_in_the_block(ledger, raw, T0 + 100)
    assert refusal.code == ResultCode.KEY_MISMATCH


def test_open_chains_admit_without_membership() -> None:
    ledger = Ledger(OPEN)
    raw = enroll_tx(OUTSIDER, member_certificate(UNI, WRITER, ["writer"], serial=2))
    assert _admission(ledger, raw, T0 + 10) is None
    assert _admission(ledger, anchor_tx(OUTSIDER, 0), T0 + 10) is None


# -- the permission check ---------------------------------------------------------


def test_an_unknown_key_is_refused_and_its_nonce_kept(ledger: Ledger) -> None:
    assert ledger.codes([anchor_tx(OUTSIDER, 0)]) == [ResultCode.UNKNOWN_SIGNER]
    assert nonce(ledger, OUTSIDER) == 0


def test_a_writer_may_anchor_and_an_auditor_may_not(ledger: Ledger) -> None:
    codes = ledger.codes([anchor_tx(WRITER, nonce(ledger, WRITER)), anchor_tx(AUDITOR, 1)])
    assert codes == [ResultCode.OK, ResultCode.ROLE_REQUIRED]
    assert nonce(ledger, AUDITOR) == 1  # unchanged by the refusal


def test_a_writer_cannot_revoke(ledger: Ledger) -> None:
    assert ledger.codes([revoke_tx(WRITER, nonce(ledger, WRITER), "uni-hanoi", 3)]) == [
        ResultCode.ROLE_REQUIRED
    ]


def test_an_admin_cannot_revoke_in_another_organisation(ledger: Ledger) -> None:
    codes = ledger.codes([revoke_tx(BANK_ADMIN, nonce(ledger, BANK_ADMIN), "uni-hanoi", 2)])
    assert codes == [ResultCode.NOT_ORGANISATION_ADMIN]
    assert ledger.codes([revoke_tx(ADMIN, nonce(ledger, ADMIN), "nobody", 2)]) == [
        ResultCode.UNKNOWN_ORGANISATION
    ]


def test_revocation_takes_effect_from_the_next_block(ledger: Ledger) -> None:
    writer_nonce = nonce(ledger, WRITER)
    (revoked, same_block) = ledger.run(
        [
            revoke_tx(ADMIN, nonce(ledger, ADMIN), "uni-hanoi", 2),
            anchor_tx(WRITER, writer_nonce, "same block"),
        ]
    )
    assert (revoked.code, same_block.code) == (ResultCode.OK, ResultCode.OK)
    assert revoked.events[0].type == "membership.revoke"
    assert ledger.codes([anchor_tx(WRITER, writer_nonce + 1, "next block")]) == [
        ResultCode.CERTIFICATE_REVOKED
    ]
    assert ledger.codes([revoke_tx(ADMIN, nonce(ledger, ADMIN), "uni-hanoi", 2)]) == [
        ResultCode.ALREADY_REVOKED
    ]


def test_an_admin_revoked_in_a_block_still_acts_in_that_block(ledger: Ledger) -> None:
    second_admin = member_key(6)
    ledger.enroll(second_admin, UNI, ["admin"], 8)
    codes = ledger.codes(
        [
            revoke_tx(second_admin, nonce(ledger, second_admin), "uni-hanoi", 1),
            revoke_tx(ADMIN, nonce(ledger, ADMIN), "uni-hanoi", 3),
        ]
    )
    assert codes == [ResultCode.OK, ResultCode.OK]


def test_a_new_member_may_act_from_the_block_after_its_enrolment() -> None:
    ledger = Ledger()
    raw = member_certificate(UNI, OUTSIDER, ["writer"], serial=9)
    assert ledger.codes([enroll_tx(OUTSIDER, raw, 0), anchor_tx(OUTSIDER, 1)]) == [
        ResultCode.OK,
        ResultCode.UNKNOWN_SIGNER,
    ]
    assert ledger.codes([anchor_tx(OUTSIDER, 1)]) == [ResultCode.OK]


def test_members_of_a_removed_organisation_are_refused(ledger: Ledger) -> None:
    remove_organisation(ledger.state, "bank-a", ledger.height)
    assert ledger.codes([anchor_tx(BANK_ADMIN, nonce(ledger, BANK_ADMIN))]) == [
        ResultCode.ORGANISATION_REMOVED
    ]
    assert ledger.codes([anchor_tx(WRITER, nonce(ledger, WRITER))]) == [ResultCode.OK]


def test_certificates_are_judged_at_the_block_time(ledger: Ledger) -> None:
    expires = int(datetime.datetime(2024, 11, 1, tzinfo=UTC).timestamp())
    assert ledger.codes([anchor_tx(WRITER, nonce(ledger, WRITER), "a")], expires) == [ResultCode.OK]
    assert ledger.codes([anchor_tx(WRITER, nonce(ledger, WRITER), "b")], expires + 1) == [
        ResultCode.CERTIFICATE_EXPIRED
    ]


def test_the_last_block_time_is_kept_on_permissioned_chains_only(ledger: Ledger) -> None:
    ledger.run([], 1_700_123_456)
    assert load_last_block_time(ledger.state) == (1_700_123_456, 0)
    open_chain = Ledger(OPEN)
    open_chain.run([])
    assert open_chain.state.get(LAST_BLOCK_TIME_KEY) is None


def test_open_chains_need_no_membership() -> None:
    ledger = Ledger(OPEN)
    assert ledger.codes([anchor_tx(OUTSIDER, 0), anchor_tx(OUTSIDER, 1, "b")]) == [
        ResultCode.OK,
        ResultCode.OK,
    ]
    keys = [key for key, _ in ledger.state.changes()]
    assert all(not key.startswith(b"membership/member/") for key in keys)


def test_membership_actions_still_apply_their_own_rules_on_open_chains() -> None:
    ledger = Ledger(OPEN)
    assert ledger.codes([revoke_tx(OUTSIDER, 0, "uni-hanoi", 2)]) == [
        ResultCode.NOT_ORGANISATION_ADMIN
    ]


def test_the_member_record_is_canonical_cbor(ledger: Ledger) -> None:
    stored = ledger.state.get(member_state_key(address(ADMIN)))
    assert stored is not None
    assert encoding.encode(encoding.decode(stored)) == stored


@pytest.mark.parametrize(
    ("args", "field_code"),
    [
        ({"organisation": "uni-hanoi", "serial": -1}, ResultCode.INVALID_ARGUMENT),
        ({"organisation": "uni-hanoi", "serial": "007"}, ResultCode.INVALID_ARGUMENT),
        ({"organisation": "Uni", "serial": 1}, ResultCode.INVALID_ARGUMENT),
        ({"organisation": "uni-hanoi", "serial": 1, "why": "x"}, ResultCode.INVALID_ARGUMENT),
        ({"certificate": b""}, ResultCode.INVALID_ARGUMENT),
    ],
)
def test_revoke_arguments_are_checked_before_anything_runs(
    args: dict[str, object], field_code: ResultCode
) -> None:
    raw = sign_tx(
        ADMIN, chain_id=CHAIN_ID, nonce=0, module="membership", action="revoke", args=args
    ).raw
    item = precheck(raw, PERMISSIONED)
    assert not isinstance(item, CheckedTx)
    assert item.code == field_code
    assert item.field.startswith("args.")


def test_big_serials_are_decimal_text(ledger: Ledger) -> None:
    big = 2**158 + 12345
    raw = member_certificate(UNI, OUTSIDER, ["writer"], serial=big)
    assert ledger.codes([enroll_tx(OUTSIDER, raw)]) == [ResultCode.OK]
    member = load_member(ledger.state, address(OUTSIDER))
    assert member is not None and member.serial == str(big)
    assert ledger.codes([revoke_tx(ADMIN, nonce(ledger, ADMIN), "uni-hanoi", str(big))]) == [
        ResultCode.OK
    ]
    assert ledger.codes([anchor_tx(OUTSIDER, 1)]) == [ResultCode.CERTIFICATE_REVOKED]


@pytest.mark.parametrize("suite", ["ecdsa-p256", "ecdsa-secp256k1", "ml-dsa-65"])
def test_members_of_every_suite_enroll_and_act(suite: str) -> None:
    params = ChainParams(chain_id=CHAIN_ID, permissioned=True, allowed_suites=("ed25519", suite))
    ledger = Ledger(params)
    key = get_suite(suite).generate()
    raw = member_certificate(UNI, key, ["writer"], serial=31)
    assert ledger.codes([enroll_tx(key, raw, 0)]) == [ResultCode.OK]
    assert ledger.codes([anchor_tx(key, 1)]) == [ResultCode.OK]
    member = load_member(ledger.state, address(key))
    assert member is not None and (member.suite, member.public_key) == (suite, key.public_key)
