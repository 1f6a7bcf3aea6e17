"""An outside reviewer's second round (issue 14) on the privacy module's last slices:
``declare_vault``, the consent-id binding, and the vault's judged time.

Tests that pass show an attack refused. Each ``xfail(strict=True)`` test demonstrates a
weakness (its reason starts ``FINDING:``): it asserts what the system should do and fails
today, so the suite stays green until the weakness is fixed.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from consortium import key
from privacy_chain import (
    DAY,
    HOSPITAL_A,
    HOSPITAL_B,
    SUMMARY,
    PrivacyChain,
    did_key,
    read_for,
)

from sen.ledger import encoding
from sen.ledger.codes import ResultCode
from sen.ledger.modules.privacy import consent_id_prefix, load_consent
from sen.ledger.modules.privacy.records import VAULT_PREFIX, load_vault
from sen.sdk.privacy import new_consent_id, new_request_id
from sen.services.vault.vault import ConsentMissing, Vault, VaultError

PAYLOAD = "Bệnh nhân: Trần Văn Bình, CCCD 001203004567 — tiểu đường type 2.".encode()
YEAR = 365 * DAY


def _vaults(chain: PrivacyChain) -> dict[bytes, bytes]:
    return dict(chain.store.scan(VAULT_PREFIX, VAULT_PREFIX[:-1] + b"0", 10_000))


def _declare(**changes: Any) -> dict[str, Any]:
    return {"controller": HOSPITAL_A, "name": "main", "jurisdiction": "VN-HN", **changes}


# --- declare_vault ------------------------------------------------------------------------


def test_a_vault_cannot_be_declared_for_another_controller(chain: PrivacyChain) -> None:
    """Hospital B says hospital A keeps its patients' data abroad: refused, nothing written."""
    chain.refuse(
        chain.hospital_b, "privacy", "declare_vault", _declare(jurisdiction="SG"),
        ResultCode.NOT_DID_CONTROLLER, "sender",
    )  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "declare_vault", _declare())
    before = _vaults(chain)
    result = chain.run(chain.hospital_b, "privacy", "declare_vault", _declare(jurisdiction="SG"))
    assert result.code == ResultCode.NOT_DID_CONTROLLER
    assert _vaults(chain) == before
    found = load_vault(chain.store, HOSPITAL_A, "main")
    assert found is not None and (found.jurisdiction, found.version) == ("VN-HN", 1)


def test_a_data_subject_or_stranger_cannot_declare_a_vault(chain: PrivacyChain) -> None:
    """declare_vault is not an open action: a non-member's key never reaches a block."""
    for outsider in (chain.patient, chain.stranger):
        assert chain.check(outsider, "privacy", "declare_vault", _declare()) != 0
        assert chain.run(outsider, "privacy", "declare_vault", _declare()).code != 0
    assert _vaults(chain) == {}


def test_a_vault_for_an_unknown_controller_is_refused(chain: PrivacyChain) -> None:
    chain.refuse(
        chain.hospital_a, "privacy", "declare_vault", _declare(controller="did:sen:khong-co"),
        ResultCode.UNKNOWN_DID, "args.controller",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"jurisdiction": "vn-hn"}, "args.jurisdiction"),
        ({"jurisdiction": "VN-HN\n"}, "args.jurisdiction"),
        ({"jurisdiction": "VN-HN "}, "args.jurisdiction"),
        ({"jurisdiction": "VNM"}, "args.jurisdiction"),
        ({"jurisdiction": "VN-HANOI"}, "args.jurisdiction"),
        ({"jurisdiction": "Hà Nội"}, "args.jurisdiction"),
        ({"jurisdiction": "ＶＮ"}, "args.jurisdiction"),  # full-width letters
        ({"jurisdiction": ""}, "args.jurisdiction"),
        ({"jurisdiction": None}, "args.jurisdiction"),
        ({"jurisdiction": ["VN"]}, "args.jurisdiction"),
        ({"jurisdiction": b"VN"}, "args.jurisdiction"),
        ({"name": ""}, "args.name"),
        ({"name": "Main"}, "args.name"),
        ({"name": "m" * 33}, "args.name"),
        ({"name": "main\n"}, "args.name"),
        ({"name": "../main"}, "args.name"),
        ({"name": "main/x"}, "args.name"),
        ({"endpoint": "ftp://vault.benhviena.vn"}, "args.endpoint"),
        ({"endpoint": "javascript:alert(1)//https://"}, "args.endpoint"),
        ({"endpoint": "https://vault.benhviena.vn/a b"}, "args.endpoint"),
        ({"endpoint": "https://vault.benhviena.vn\n"}, "args.endpoint"),
        ({"endpoint": "https://vault.benhviena.vn\r\nX-Evil: 1"}, "args.endpoint"),
        ({"endpoint": "https://kho.bệnhviện.vn"}, "args.endpoint"),
        ({"endpoint": "https://" + "a" * 201}, "args.endpoint"),
        ({"endpoint": "https://"}, "args.endpoint"),
        ({"endpoint": None}, "args.endpoint"),
        ({"endpoint": 7}, "args.endpoint"),
        ({"note": "x"}, "args.note"),
    ],
)
def test_malformed_and_injected_declarations_are_refused(
    chain: PrivacyChain, changes: dict[str, Any], field: str
) -> None:
    result = chain.run(chain.hospital_a, "privacy", "declare_vault", _declare(**changes))
    assert result.code == ResultCode.INVALID_ARGUMENT, result.log
    assert result.log.startswith(field + ":"), result.log
    assert _vaults(chain) == {}


def test_the_largest_declaration_is_bounded(chain: PrivacyChain) -> None:
    """The largest name and endpoint the action takes keep a record well under a kilobyte."""
    args = _declare(name="m" * 32, endpoint="https://" + "a" * 200)
    chain.ok(chain.hospital_a, "privacy", "declare_vault", args)
    [(_, raw)] = _vaults(chain).items()
    assert len(raw) < 600
    chain.ok(chain.hospital_a, "privacy", "declare_vault", {**args, "endpoint": ""})
    found = load_vault(chain.store, HOSPITAL_A, "m" * 32)
    assert found is not None and (found.endpoint, found.version) == ("", 2)


def test_declaring_again_bumps_the_version_and_keeps_one_record(chain: PrivacyChain) -> None:
    for where in ("VN-HN", "VN-SG", "VN"):
        chain.ok(chain.hospital_a, "privacy", "declare_vault", _declare(jurisdiction=where))
    [(_, raw)] = _vaults(chain).items()
    found = load_vault(chain.store, HOSPITAL_A, "main")
    assert found is not None and (found.jurisdiction, found.version) == ("VN", 3)
    assert encoding.decode(raw)["version"] == 3


def test_an_endpoint_is_a_uri_without_markup(chain: PrivacyChain) -> None:
    for endpoint in (
        'https://kho.benhviena.vn/"><svg/onload=alert(document.domain)>',
        "https://kho.benhviena.vn/[bold red]ĐÃ XÁC MINH[/]",
        "https://kho.benhviena.vn/{{constructor.constructor('alert(1)')()}}",
        "https://kho.benhviena.vn\\@evil.example/",
    ):
        result = chain.run(
            chain.hospital_a, "privacy", "declare_vault", _declare(endpoint=endpoint)
        )
        assert result.code == ResultCode.INVALID_ARGUMENT, endpoint


def test_a_jurisdiction_is_an_assigned_iso_3166_code(chain: PrivacyChain) -> None:
    """Fixed finding: made-up codes (ZZ, XX-999) were recorded as where data lives; the
    country part must now be an assigned ISO 3166-1 code (a subdivision: its shape)."""
    for code in ("ZZ", "XX-999", "QQ-1", "AA"):
        result = chain.run(
            chain.hospital_a, "privacy", "declare_vault", _declare(jurisdiction=code)
        )
        assert result.code == ResultCode.INVALID_ARGUMENT, code


# --- the consent-id binding -------------------------------------------------------------


def test_a_squatter_cannot_take_a_mempool_id_with_the_same_subject(chain: PrivacyChain) -> None:
    """Hospital B sees A's consent id in the mempool and records, first, a consent of the
    same patient (who also consented to B) under that id: the id is bound to A."""
    signed_for_a = chain.signed(chain.terms())
    squat = chain.terms(id=signed_for_a["id"], controller=HOSPITAL_B, recipients=[])
    chain.refuse(
        chain.hospital_b, "privacy", "record_consent", chain.signed(squat),
        ResultCode.INVALID_ARGUMENT, "args.id",
    )  # fmt: skip
    assert chain.check(chain.hospital_b, "privacy", "record_consent", chain.signed(squat)) != 0
    chain.ok(chain.hospital_a, "privacy", "record_consent", signed_for_a)


def test_a_squatter_cannot_take_an_id_for_a_controller_it_does_not_control(
    chain: PrivacyChain,
) -> None:
    """With the right prefix (A and the patient), B still cannot record: B is no controller
    of A; and the patient's signature over terms with another id does not carry over."""
    signed_for_a = chain.signed(chain.terms())
    puppet = key(91)
    squat = chain.terms(
        id=signed_for_a["id"], subject=did_key(puppet), recipients=[HOSPITAL_B]
    )  # the prefix is the patient's and A's: refused in parse
    chain.refuse(
        chain.hospital_b, "privacy", "record_consent", chain.signed(squat, puppet),
        ResultCode.INVALID_ARGUMENT, "args.id",
    )  # fmt: skip
    same = {**signed_for_a, "recipients": [HOSPITAL_B, "did:sen:benh-vien-c"]}
    result = chain.run(chain.hospital_b, "privacy", "record_consent", same)
    assert result.code == ResultCode.INVALID_CONSENT_SIGNATURE, result.log
    chain.refuse(  # A's very terms, sent first by B: B is no controller of A
        chain.hospital_b, "privacy", "record_consent", signed_for_a,
        ResultCode.NOT_DID_CONTROLLER, "sender",
    )  # fmt: skip
    chain.ok(chain.hospital_a, "privacy", "record_consent", signed_for_a)


def test_the_binding_names_what_was_expected(chain: PrivacyChain) -> None:
    subject = did_key(chain.patient)
    wrong = secrets.token_bytes(16)
    terms = chain.terms(id=wrong)
    chain.refuse(
        chain.hospital_a, "privacy", "record_consent", chain.signed(terms),
        ResultCode.INVALID_ARGUMENT, "args.id",
    )  # fmt: skip
    result = chain.run(chain.hospital_a, "privacy", "record_consent", chain.signed(terms))
    assert result.log.startswith("args.id:"), result.log
    assert consent_id_prefix(subject, HOSPITAL_A).hex() in result.log  # what to start with
    assert wrong.hex() in result.log  # and what was given


def test_the_binding_separates_subject_and_controller(chain: PrivacyChain) -> None:
    """The prefix is SHA-256 over subject 0x00 controller with a domain: no shifting of
    characters between the two gives the same prefix, and each pair gets its own."""
    subject = did_key(chain.patient)
    pairs = {
        (subject, HOSPITAL_A), (subject, HOSPITAL_B), (did_key(chain.stranger), HOSPITAL_A),
        (subject + "\x00did:sen:x", "benh-vien-a"), (subject, HOSPITAL_A + "\x00"),
    }  # fmt: skip
    prefixes = {consent_id_prefix(s, c) for s, c in pairs}
    assert len(prefixes) == len(pairs)
    made = new_consent_id(subject, HOSPITAL_A)
    assert made[:8] == consent_id_prefix(subject, HOSPITAL_A) and len(made) == 16
    assert new_consent_id(subject, HOSPITAL_A)[8:] != made[8:]  # 8 random bytes each time


def test_a_refused_decision_under_a_bound_id_cannot_block_the_given_one(
    chain: PrivacyChain,
) -> None:
    """The only ones who can use an id of (patient, A) are A's controllers with the
    patient's signature: a recorded refusal holds its own id, the given consent another."""
    refused = chain.consent(decision="refused")
    given = chain.consent()
    assert refused != given and refused[:8] == given[:8]
    record = load_consent(chain.store, given)
    assert record is not None and record.state == "given"


def test_a_controller_cannot_squat_a_subjects_request_id(chain: PrivacyChain) -> None:
    """Fixed finding: request ids were squattable from the mempool (another controller filed
    first under the patient's id). Now a request id is bound to its subject and controller."""
    chain.consent()  # the patient's relation with A: it may file requests with A
    seen = {
        "id": new_request_id(did_key(chain.patient), HOSPITAL_A), "controller": HOSPITAL_A,
        "subject": did_key(chain.patient), "kind": "deletion",
    }  # fmt: skip
    assert chain.check(chain.patient, "privacy", "file_request", seen) == 0  # in the mempool
    squat = {**seen, "controller": HOSPITAL_B, "subject": did_key(key(92)), "kind": "access"}
    chain.run(chain.hospital_b, "privacy", "file_request", squat)  # B, filing for its own DID
    result = chain.run(chain.patient, "privacy", "file_request", seen)
    assert result.code == ResultCode.OK, result.log


# --- the vault's judged time -------------------------------------------------------------


def test_a_future_time_once_does_not_lock_later_reads(chain: PrivacyChain, vault: Vault) -> None:
    """Fixed finding: one call ten years ahead locked every later read out (expired). Now a
    time ahead of the proven block time is refused, and only a logged read moves the clock."""
    stored = vault.put(did_key(chain.patient), SUMMARY, PAYLOAD)
    consent = chain.consent(expires=chain.next_time() + 30 * DAY)
    read_for(chain, vault, stored.reference, consent)  # allowed
    with pytest.raises(VaultError):  # refused: unknown record, or a time ahead of the chain
        read_for(chain, vault, secrets.token_bytes(16), consent, at=chain.times[-1] + 10 * YEAR)
    chain.block()
    try:
        assert read_for(chain, vault, stored.reference, consent) == PAYLOAD
    except ConsentMissing as refused:  # today: "expired", judged ten years ahead
        pytest.fail(f"locked out: {refused.problem}: {refused.reason}")


def test_a_stale_time_after_a_block_is_judged_at_the_proven_time(
    chain: PrivacyChain, vault: Vault
) -> None:
    """The fixed finding still holds: a caller's time a day stale does not read under a
    consent that expired since (the state proves the later block time)."""
    stored = vault.put(did_key(chain.patient), SUMMARY, PAYLOAD)
    consent = chain.consent(expires=chain.next_time() + 60)
    stale = chain.times[-1]
    chain.wait(DAY)
    chain.block()
    with pytest.raises(ConsentMissing) as refused:
        read_for(chain, vault, stored.reference, consent, at=stale)
    assert refused.value.problem == "expired"
