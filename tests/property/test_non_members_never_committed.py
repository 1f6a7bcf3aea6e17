"""On a consortium chain, no transaction from a non-member is ever committed.

Random transactions over every registered module and action — random
arguments, plausible ones, and enrolments with the certificates of the public
genesis, of other keys and of CAs the chain does not know — are sent from keys
that are not members, mixed with members' transactions, through the
application's CheckTx; blocks are then made as an engine makes them
(PrepareProposal over what CheckTx admitted, ProcessProposal, FinalizeBlock,
Commit, then a recheck of what is still waiting), at block times that may
carry certificates past their expiry.

Two properties (docs/spec/membership.md §5):

* scanning every committed block, each transaction whose sender was not an
  active member at the start of its block (judged as execution judges it) is
  an enrolment that succeeded — or, the one case §5.1 leaves, one refused
  because an earlier transaction of the same block revoked its serial or
  changed its organisation — and a stranger's transaction is never
  committed;
* the same rounds sent without the strangers' transactions give the same
  blocks and the same app hash at every height: only members' transactions
  (and a key's own valid enrolment) change the state.
"""

from __future__ import annotations

import datetime
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "membership"))

from consortium_support import (
    ADMIN,
    GENESIS_SECONDS,
    NEWCOMER,
    NOT_BEFORE,
    OPERATOR,
    UNI,
    UTC,
    WRITER,
    Consortium,
    address,
    certificate,
    consortium_genesis,
    key,
    org,
    tx,
)

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.errors import TxRejected
from sen.ledger.modules import MODULES
from sen.ledger.modules.membership import require_member
from sen.ledger.tx import decode_tx
from sen.sdk.devca import der, issue_member_certificate, public_key_for

GENESIS = consortium_genesis()  # one genesis for both runs (ECDSA certificates differ per issue)

MEMBERS = (ADMIN, WRITER, OPERATOR, NEWCOMER)
"""The genesis members, and a newcomer who holds a valid certificate for its own key."""

STRANGERS = (key(20), key(21), key(22))
"""Keys that never hold a valid certificate for themselves: never members."""

SENDERS = (*MEMBERS, *STRANGERS)

FOREIGN = org("stranger", "Không rõ", 3)
"""A CA no organisation of the chain has."""

ACTIONS = sorted((m.name, name) for m in MODULES.values() for name in m.actions)
"""Every registered module and action."""


def _genesis_certificates() -> list[bytes]:
    """The member certificates of the public genesis file, as anyone can read them."""
    members = json.loads(GENESIS.app_state_bytes())["membership"]["members"]
    return [der(x509.load_pem_x509_certificate(text.encode())) for text in members]


def _dated(
    signer: SigningKey, not_before: datetime.datetime, not_after: datetime.datetime
) -> bytes:
    issued = issue_member_certificate(
        UNI,
        public_key_for(signer.suite, signer.public_key),
        common_name="Người lạ",
        roles=["writer"],
        not_before=not_before,
        not_after=not_after,
        serial=50,
    )
    return der(issued)


def _strangers_own(signer: SigningKey) -> list[bytes]:
    """Certificates for a stranger's own key that no check lets through."""
    return [
        der(certificate(FOREIGN, signer, ["writer"], 40)),  # WRONG_CA
        der(certificate(UNI, signer, ["auditor"], 41)),  # ROLE_NOT_ALLOWED
        der(certificate(UNI, signer, ["minister"], 42)),  # UNKNOWN_ROLE
        _dated(signer, NOT_BEFORE, datetime.datetime(2023, 11, 2, tzinfo=UTC)),  # expired
        _dated(
            signer,
            datetime.datetime(2030, 1, 1, tzinfo=UTC),
            datetime.datetime(2031, 1, 1, tzinfo=UTC),
        ),
        der(UNI.certificate),  # a CA certificate: BAD_CERTIFICATE
    ]


GENESIS_CERTIFICATES = _genesis_certificates()  # ADMIN's, WRITER's, OPERATOR's
NEWCOMERS_CERTIFICATE = der(certificate(UNI, NEWCOMER, ["writer"], 10))
OWN: dict[int, list[bytes]] = {
    **{i: [GENESIS_CERTIFICATES[i]] for i in range(3)},
    3: [NEWCOMERS_CERTIFICATE],
    **{4 + i: _strangers_own(stranger) for i, stranger in enumerate(STRANGERS)},
}
"""Each sender's certificates for its own key: valid for members, refused for strangers."""

CERTIFICATES = [certificate for own in OWN.values() for certificate in own]

PLAUSIBLE: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("evidence", "anchor"): [{"digest": bytes(32)}, {"digest": bytes(32), "title": "Bằng"}],
    ("evidence", "anchor_batch"): [{"digests": [bytes(32), bytes([1]) * 32]}],
    ("governance", "propose"): [{"kind": "add_role", "payload": {"role": "n"}}],
    ("governance", "vote"): [{"proposal": 1, "choice": "yes"}],
    ("identity", "create"): [{"name": "moet", "verification_methods": []}],
    ("identity", "deactivate"): [{"name": "moet"}],
    ("trust", "accredit"): [
        {"accreditor": "did:sen:moet", "issuer": "did:sen:hust", "credential_types": ["D"]}
    ],
    ("status", "create_list"): [{"list": "r", "issuer": "did:sen:moet", "purpose": "revocation"}],
    ("status", "update"): [{"list": "r", "issuer": "did:sen:moet", "set": [5]}],
    ("membership", "revoke"): [
        {"organisation": org_id, "serial": serial}
        for org_id in ("uni-hanoi", "bank-a")
        for serial in (1, 2, 3, 10, 50)
    ],
}

values = st.one_of(
    st.binary(max_size=40),
    st.integers(-3, 2**63),
    st.text(max_size=12),
    st.sampled_from(["uni-hanoi", "bank-a", "did:sen:moet", "yes", "writer"]),
    st.lists(st.binary(min_size=32, max_size=32), max_size=3),
)


@dataclass(frozen=True)
class Spec:
    sender: int
    module: str
    action: str
    args: dict[str, Any]
    nonce: int | None  # None: the sender's next nonce, as a client would use


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    sender = draw(st.integers(0, len(SENDERS) - 1))
    nonce = draw(st.sampled_from([None, None, None, 0, 1, 2]))
    kind = draw(st.sampled_from(["enroll", "own enroll", "plausible", "plausible", "random"]))
    if kind in ("enroll", "own enroll"):
        choices = OWN[sender] if kind == "own enroll" else CERTIFICATES
        args: dict[str, Any] = {"certificate": draw(st.sampled_from(choices))}
        if draw(st.integers(0, 3)) == 0:
            args["chain"] = [der(FOREIGN.certificate)]
        return Spec(sender, "membership", "enroll", args, nonce)
    if kind == "plausible":
        module, action = draw(st.sampled_from(sorted(PLAUSIBLE)))
        return Spec(sender, module, action, draw(st.sampled_from(PLAUSIBLE[module, action])), nonce)
    module, action = draw(st.sampled_from(ACTIONS))
    fields = [*sorted(getattr(MODULES[module].actions[action], "fields", ()) or ()), "x"]
    args = draw(st.dictionaries(st.sampled_from(fields), values, max_size=4))
    return Spec(sender, module, action, args, nonce)


CHANGED_IN_THE_BLOCK = {
    ResultCode.CERTIFICATE_REVOKED,
    ResultCode.ORGANISATION_REMOVED,
    ResultCode.ROLE_NOT_ALLOWED,
}
"""The refusals an admitted enrolment can still meet: the block changed the state first."""

CHANGES_MEMBERSHIP = {("membership", "revoke"), ("governance", "vote")}

STEPS = [1, 1_000, 10_000_000]  # ten million seconds: certificates expire within a run
rounds = st.lists(
    st.tuples(st.lists(specs(), max_size=10), st.sampled_from(STEPS)), min_size=1, max_size=6
)


class Run:
    """One application, fed as an engine feeds it: CheckTx into a mempool, then blocks."""

    def __init__(self, path: Path) -> None:
        self.chain = Consortium(path, GENESIS)
        self.mempool: list[bytes] = []
        self.seconds = GENESIS_SECONDS
        self.blocks: list[tuple[bytes, tuple[bytes, ...]]] = []

    def submit(self, raw: bytes) -> None:
        if self.chain.check(raw).code == ResultCode.OK:
            self.mempool.append(raw)

    def block(self, step: int) -> None:
        self.seconds += step
        chosen = self.chain.prepare(self.mempool, self.seconds)
        assert self.chain.process(chosen, self.seconds)
        outsiders = [_outsider(self.chain, raw, self.seconds) for raw in chosen]
        response = self.chain.run_block(chosen, self.seconds)
        earlier: list[tuple[str, str]] = []  # the block's successful actions so far
        for raw, outsider, result in zip(chosen, outsiders, response.tx_results, strict=True):
            sent = decode_tx(raw)
            assert sent.sender not in {address(s) for s in STRANGERS}, "a stranger's tx committed"
            if outsider:  # a non-member's transaction: only its own enrolment
                assert (sent.module, sent.action) == ("membership", "enroll"), result.log
                if result.code != ResultCode.OK:  # only if the block changed the state first
                    assert result.code in CHANGED_IN_THE_BLOCK, result.log
                    assert set(earlier) & CHANGES_MEMBERSHIP, result.log
            if result.code == ResultCode.OK:
                earlier.append((sent.module, sent.action))
        self.blocks.append((response.app_hash, chosen))
        waiting = [raw for raw in self.mempool if raw not in chosen]
        rechecked = self.chain.app.recheck(waiting)
        self.mempool = [raw for raw, r in zip(waiting, rechecked, strict=True) if r.code == 0]

    def close(self) -> None:
        self.chain.close()


def _outsider(chain: Consortium, raw: bytes, seconds: int) -> bool:
    """Whether the sender was not an active member at the start of the block, at its time."""
    try:
        require_member(chain.app.store, decode_tx(raw).sender, (seconds, 0))
    except TxRejected:
        return True
    return False


def _raw(spec: Spec, run: Run) -> bytes:
    signer = SENDERS[spec.sender]
    nonce = run.chain.app.pending_nonce(address(signer)) if spec.nonce is None else spec.nonce
    return tx(signer, nonce, spec.module, spec.action, **spec.args)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rounds)
def test_no_transaction_from_a_non_member_is_ever_committed(
    plan: list[tuple[list[Spec], int]],
) -> None:
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        everyone, members_only = Run(Path(first)), Run(Path(second))
        try:
            for batch, step in plan:
                for spec in batch:
                    raw = _raw(spec, everyone)
                    everyone.submit(raw)
                    if SENDERS[spec.sender] in MEMBERS:
                        members_only.submit(raw)
                everyone.block(step)
                members_only.block(step)
            assert everyone.blocks == members_only.blocks
        finally:
            everyone.close()
            members_only.close()


def test_strangers_with_every_genesis_certificate_leave_only_the_newcomers_enrolment(
    tmp_path: Path,
) -> None:
    run = Run(tmp_path / "db")
    try:
        stolen = [
            tx(stranger, 0, "membership", "enroll", certificate=certificate_der)
            for stranger in STRANGERS
            for certificate_der in GENESIS_CERTIFICATES
        ]
        welcome = tx(NEWCOMER, 0, "membership", "enroll", certificate=NEWCOMERS_CERTIFICATE)
        for raw in [*stolen, welcome]:
            run.submit(raw)
        assert run.mempool == [welcome]
        run.block(1)
        assert run.blocks[-1][1] == (welcome,)
    finally:
        run.close()


def test_an_enrolment_can_still_fail_when_its_own_block_revokes_it(tmp_path: Path) -> None:
    """The case docs/spec/membership.md §5.1 leaves: the state changed within the block."""
    run = Run(tmp_path / "db")
    try:
        revoke = tx(ADMIN, 0, "membership", "revoke", organisation="uni-hanoi", serial=10)
        welcome = tx(NEWCOMER, 0, "membership", "enroll", certificate=NEWCOMERS_CERTIFICATE)
        run.submit(revoke)
        run.submit(welcome)
        assert run.mempool == [revoke, welcome]  # each passes against the committed state
        run.block(1)
        results = run.chain.app.store.load_results(run.chain.app.height) or []
        assert [r.code for r in results] == [ResultCode.OK, ResultCode.CERTIFICATE_REVOKED]
        # from the next block on, the same enrolment is refused before any block
        again = tx(NEWCOMER, 1, "membership", "enroll", certificate=NEWCOMERS_CERTIFICATE)
        response = run.chain.check(again)
        assert response.code == ResultCode.CERTIFICATE_REVOKED
    finally:
        run.close()
