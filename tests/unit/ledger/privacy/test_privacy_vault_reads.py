"""The vault reads a record only under a live consent on chain, and logs every read in an
access log whose batches are anchored: the patient asks who read its data and gets proofs."""

from __future__ import annotations

import pytest
from privacy_chain import HOSPITAL_B, SUMMARY, TREATMENT, PrivacyChain, did_key, read_for

from sen.ledger.light.errors import ProofError
from sen.services.vault.crypto import SoftwareKek
from sen.services.vault.vault import (
    Access,
    ConsentMissing,
    ProvenAccess,
    RecordErased,
    Vault,
    VaultError,
)

SUMMARY_TEXT = "Bệnh nhân: Nguyễn Thị Hồng Nhung — viêm phổi, đã điều trị kháng sinh 7 ngày."


def test_hospital_b_reads_under_consent_and_the_patient_sees_it_with_a_proof(
    chain: PrivacyChain, vault: Vault
) -> None:
    patient = did_key(chain.patient)
    stored = vault.put(patient, SUMMARY, SUMMARY_TEXT.encode())
    consent = chain.consent()
    assert read_for(chain, vault, stored.reference, consent).decode() == SUMMARY_TEXT

    [waiting] = vault.who_read(patient)
    assert isinstance(waiting, Access)
    assert (waiting.reader, waiting.purpose, waiting.consent) == (HOSPITAL_B, TREATMENT, consent)
    assert waiting.reference == stored.reference and waiting.at == chain.times[-1]

    read_for(chain, vault, stored.reference, consent)  # a second read, same batch
    batch = vault.seal_access_batch()
    assert batch is not None and (batch.number, batch.first, batch.last) == (1, 1, 2)
    assert vault.seal_access_batch() is None  # nothing waits
    result = chain.ok(chain.writer, "evidence", "anchor", {"digest": batch.root})
    assert result.code == 0 and batch.root in chain.blocks[-1][0]
    vault.mark_anchored(batch.number, chain.height)

    answers = vault.who_read(patient)
    assert len(answers) == 2 and all(isinstance(a, ProvenAccess) for a in answers)
    for answer in answers:
        assert isinstance(answer, ProvenAccess)
        answer.verify()
        assert answer.batch.anchored_height == chain.height
    first = answers[0]
    assert isinstance(first, ProvenAccess)
    forged = first.entry.replace(HOSPITAL_B.encode(), b"did:sen:benh-vien-x")
    with pytest.raises(ProofError):
        first.proof.verify(first.batch.root, forged)
    assert vault.who_read(did_key(chain.stranger)) == []


def test_every_refused_read_says_why_and_is_not_logged(chain: PrivacyChain, vault: Vault) -> None:
    patient = did_key(chain.patient)
    stored = vault.put(patient, SUMMARY, SUMMARY_TEXT.encode())
    other = vault.put(did_key(chain.stranger), SUMMARY, b"another person's summary")
    lab = vault.put(patient, "pd:Genetic", b"genetic test")
    consent = chain.consent()
    # the same patient key consents to hospital B holding its data: not this vault's consent
    to_b = chain.consent(by=chain.hospital_b, controller=HOSPITAL_B, recipients=[])
    refusals = [
        ("recipient", stored.reference, consent, {"reader": "did:sen:benh-vien-c"}),
        ("purpose", stored.reference, consent, {"purpose": "dpv:Marketing"}),
        ("controller", stored.reference, to_b, {}),
        ("category", lab.reference, consent, {}),
        ("subject", other.reference, consent, {}),
        ("unknown", stored.reference, bytes(16), {}),
    ]
    for problem, reference, consent_id, changes in refusals:
        with pytest.raises(ConsentMissing) as caught:
            read_for(chain, vault, reference, consent_id, **changes)
        assert caught.value.problem == problem, caught.value
        assert caught.value.field and caught.value.expected and caught.value.got
    assert vault.who_read(patient) == []
    unbound = Vault(vault.store, SoftwareKek(bytes(range(32))), b"p" * 32)
    with pytest.raises(VaultError, match="serves no controller"):
        unbound.read(stored.reference, consent=consent, reader=HOSPITAL_B, purpose=TREATMENT,
                     state=chain.store, at=chain.times[-1])  # fmt: skip

    chain.ok(chain.patient, "privacy", "withdraw_consent", {"consent": consent})
    with pytest.raises(ConsentMissing) as caught:
        read_for(chain, vault, stored.reference, consent)
    assert caught.value.problem == "withdrawn"

    expiring = chain.consent(expires=chain.next_time() + 60)
    read_for(chain, vault, stored.reference, expiring)
    chain.wait(60)
    chain.block()
    with pytest.raises(ConsentMissing) as caught:
        read_for(chain, vault, stored.reference, expiring)
    assert caught.value.problem == "expired"

    given = chain.consent()
    vault.erase(patient, at=chain.next_time())
    with pytest.raises(RecordErased):
        read_for(chain, vault, stored.reference, given)
