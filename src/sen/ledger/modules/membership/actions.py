"""The membership module's actions: ``enroll`` (a key joins with its certificate) and ``revoke``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import address_of
from sen.ledger.errors import TxRejected
from sen.ledger.modules.arguments import (
    reject_unknown_fields,
    require_at_most,
    require_list,
    required,
)
from sen.ledger.modules.base import Action, Context, Module, Outcome
from sen.ledger.modules.membership.certificates import (
    BlockTime,
    check_ca_profile,
    check_member_profile,
    der_bytes,
    parse_certificate,
    suite_and_key,
)
from sen.ledger.modules.membership.genesis import membership_genesis
from sen.ledger.modules.membership.records import Member
from sen.ledger.modules.membership.registry import (
    MAX_CHAIN,
    identifier,
    is_admin_of,
    load_member,
    load_organisation,
    member_from_certificate,
    revoke,
    save_member,
)
from sen.ledger.state import StateReader
from sen.ledger.types import BlockInfo, ChainParams, Event, EventAttribute

MAX_SERIAL_DIGITS = 49  # 20 octets (RFC 5280 §4.1.2.2) is at most 49 decimal digits


@dataclass(frozen=True, slots=True)
class EnrollArgs:
    certificate: bytes
    chain: tuple[bytes, ...]
    address: bytes  # the account of the certificate's key


@dataclass(frozen=True, slots=True)
class RevokeArgs:
    organisation: str
    serial: str  # decimal


class Enroll(Action[EnrollArgs]):
    """Bind the signer's key to its organisation and roles with a member certificate.

    The transaction must be signed by the key in the certificate (proof of
    possession). It is the one action a key that is not yet a member may send,
    so on a permissioned chain CheckTx and the proposal checks run every check
    of :func:`check_enrolment` first (``admit``): a non-member's enrolment that
    would be refused never reaches a block.
    """

    name = "enroll"
    permission: str | None = None
    fields = frozenset({"certificate", "chain"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> EnrollArgs:
        reject_unknown_fields(args, self.fields)
        certificate_der = der_bytes(required(args, "certificate"), "args.certificate")
        certificate = parse_certificate(certificate_der, "args.certificate")
        check_member_profile(certificate, "args.certificate")
        suite, public_key = suite_and_key(certificate, "args.certificate")
        chain = require_list(
            args.get("chain", []), "args.chain", expected="array of DER certificates"
        )
        require_at_most(
            chain,
            "args.chain",
            MAX_CHAIN,
            reason="chain too long",
            expected=f"at most {MAX_CHAIN} certificates",
        )
        ders = []
        for index, item in enumerate(chain):
            where = f"args.chain[{index}]"
            der = der_bytes(item, where)
            check_ca_profile(parse_certificate(der, where), where)
            ders.append(der)
        return EnrollArgs(certificate_der, tuple(ders), address_of(suite, public_key))

    def admit(
        self, committed: StateReader, sender: bytes, parsed: EnrollArgs, at: BlockTime
    ) -> None:
        check_enrolment(committed, sender, parsed, at)

    def execute(self, ctx: Context, parsed: EnrollArgs) -> Outcome:
        member = check_enrolment(ctx.state, ctx.sender, parsed, ctx.block)
        save_member(ctx.state, ctx.sender, member)
        event = Event(
            "membership.enroll",
            (
                EventAttribute("organisation", member.org),
                EventAttribute("address", ctx.sender.hex()),
                EventAttribute("serial", member.serial),
                EventAttribute("roles", ",".join(member.roles), index=False),
            ),
        )
        return Outcome(data=ctx.sender, events=(event,))


def check_enrolment(
    state: StateReader, sender: bytes, parsed: EnrollArgs, at: BlockTime | BlockInfo
) -> Member:
    """The member record an enrolment by ``sender`` makes at ``at``, or its refusal.

    Every check of ``enroll``, in order: the certificate's key is the signer's
    (KEY_MISMATCH), then :func:`member_from_certificate` (CA, organisation
    active, links, validity at ``at``, roles, revocation). ``execute`` runs it
    on the block's state at the block time; CheckTx and the proposal checks on
    the committed state, through ``admit``. One implementation, so they cannot
    disagree on the same state and time.
    """
    if parsed.address != sender:
        raise TxRejected(
            ResultCode.KEY_MISMATCH,
            "the certificate's key is not the key that signed the transaction",
            field="args.certificate",
            expected=f"a certificate for the signer {sender.hex()}",
            got=f"a certificate for {parsed.address.hex()}",
        )
    return member_from_certificate(state, parsed.certificate, parsed.chain, at)


class Revoke(Action[RevokeArgs]):
    """Revoke a member certificate of the signer's own organisation, by serial number."""

    name = "revoke"
    permission: str | None = "admin"
    fields = frozenset({"organisation", "serial"})

    def parse(self, args: Mapping[str, Any], params: ChainParams) -> RevokeArgs:
        reject_unknown_fields(args, self.fields)
        organisation = identifier(args.get("organisation"), "args.organisation", "organisation id")
        return RevokeArgs(organisation, _serial(args.get("serial")))

    def execute(self, ctx: Context, parsed: RevokeArgs) -> Outcome:
        if load_organisation(ctx.state, parsed.organisation) is None:
            raise TxRejected(
                ResultCode.UNKNOWN_ORGANISATION,
                "unknown organisation",
                field="args.organisation",
                got=parsed.organisation,
            )
        # Who may act is decided by the state at the start of the block.
        committed = ctx.committed if ctx.committed is not None else ctx.state
        if not is_admin_of(committed, ctx.sender, parsed.organisation, ctx.block):
            member = load_member(committed, ctx.sender)
            raise TxRejected(
                ResultCode.NOT_ORGANISATION_ADMIN,
                "only an admin of the organisation may revoke its certificates",
                field="sender",
                expected=f"an admin of {parsed.organisation}",
                got=f"a member of {member.org}" if member is not None else "not a member",
            )
        revoke(ctx.state, parsed.organisation, parsed.serial, ctx.block.height)
        event = Event(
            "membership.revoke",
            (
                EventAttribute("organisation", parsed.organisation),
                EventAttribute("serial", parsed.serial),
            ),
        )
        return Outcome(events=(event,))


def _serial(value: object) -> str:
    """A certificate serial number: a non-negative integer, or its decimal text (for big ones)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and _is_decimal(value):
        return value
    raise TxRejected(
        ResultCode.INVALID_ARGUMENT,
        "bad serial number",
        field="args.serial",
        expected="a non-negative integer (or its decimal text, without leading zeros)",
        got=repr(value) if isinstance(value, int | str) else type(value).__name__,
    )


def _is_decimal(text: str) -> bool:
    if not 0 < len(text) <= MAX_SERIAL_DIGITS or not (text.isascii() and text.isdigit()):
        return False
    return text == str(int(text))


MODULE = Module(
    "membership",
    {"enroll": Enroll(), "revoke": Revoke()},
    depends_on=(),
    genesis=membership_genesis,
)
