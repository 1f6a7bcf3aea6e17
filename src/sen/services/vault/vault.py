"""The vault: personal records stored encrypted per data subject, commitments for the chain,
erasure by destroying keys (ADR 0014).

::

    vault = Vault(SqliteVaultStore(path, "VN"), SoftwareKek(kek), pepper)
    stored = vault.put("did:key:z6Mk...", "health/summary", payload)   # reference, commitment
    vault.get(stored.reference)                                          # the payload
    statement = vault.erase("did:key:z6Mk...", at=block_time)             # keys and salts gone

A subject is named to the store only by :func:`subject_ref`, a keyed hash under the vault's
pepper, so the store holds no person's identifier. What the chain may hold of a record is
its reference (random) and its commitment (salted: it reveals nothing without the salt).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.light.merkle import MerkleProof, proof_from_byte_slices
from sen.ledger.modules.privacy import ConsentRefused, consent_allows, load_consent
from sen.ledger.permissions import load_last_block_time
from sen.ledger.state import StateReader
from sen.services.vault.crypto import (
    DataKeys,
    KeyAmbiguous,
    KeyWrapper,
    Sealed,
    VaultCryptoError,
    WrappedKeys,
    commitment,
    new_salt,
)
from sen.services.vault.store import AccessBatch, RecordRow, VaultStore

SUBJECT_DOMAIN = b"sen/vault/subject/v1\x00"
REFERENCE_BYTES = 16
SHREDDING = b"shredding:"  # marks a held key while its erasure runs
MAX_AHEAD_SECONDS = 3600  # how far a read's time may run ahead of the state's last block
MAX_PAYLOAD_BYTES = 1024 * 1024
MAX_CATEGORY_CHARS = 64


class VaultError(Exception):
    """A request the vault refuses: ``field``, ``expected`` and ``got`` say why."""

    def __init__(self, reason: str, *, field: str = "", expected: str = "", got: str = "") -> None:
        super().__init__(reason)
        self.reason, self.field, self.expected, self.got = reason, field, expected, got


class UnknownRecord(VaultError):
    pass


class ConsentMissing(VaultError):
    """The chain's consent does not allow this read: ``problem`` says why (one of
    :data:`sen.ledger.modules.privacy.queries.PROBLEMS`, or ``category``)."""

    def __init__(self, problem: str, reason: str, *, field: str, expected: str, got: str) -> None:
        super().__init__(reason, field=field, expected=expected, got=got)
        self.problem = problem


class RecordErased(VaultError):
    pass


@dataclass(frozen=True, slots=True)
class Stored:
    reference: bytes  # random: identifies nothing
    commitment: bytes  # HMAC-SHA256 under the record's salt


@dataclass(frozen=True, slots=True)
class Access:
    """One logged read, as the access log keeps it (its canonical bytes are the leaf)."""

    seq: int
    at: int  # seconds, the time of the chain state the consent was checked against
    reader: str  # the recipient's DID
    reference: bytes
    purpose: str
    consent: bytes
    nonce: bytes  # random: an entry's hash says nothing even of a guessable read

    def entry(self) -> bytes:
        return encoding.encode(
            {
                "seq": self.seq, "at": self.at, "reader": self.reader,
                "reference": self.reference, "purpose": self.purpose, "consent": self.consent,
                "nonce": self.nonce,
            }
        )  # fmt: skip

    @classmethod
    def from_entry(cls, entry: bytes) -> Access:
        value = encoding.decode(entry)
        assert isinstance(value, dict)
        return cls(
            int(value["seq"]), int(value["at"]), str(value["reader"]), bytes(value["reference"]),
            str(value["purpose"]), bytes(value["consent"]), bytes(value["nonce"]),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProvenAccess:
    """A read of the subject's data, with what proves it was logged: the entry's inclusion
    in its batch's Merkle root (anchored on chain at ``batch.anchored_height``)."""

    access: Access
    entry: bytes
    batch: AccessBatch
    proof: MerkleProof

    def verify(self) -> None:
        """The entry is in the batch's root (raises a ``ProofError`` if not)."""
        self.proof.verify(self.batch.root, self.entry)


@dataclass(frozen=True, slots=True)
class Opening:
    """What opens a commitment for an auditor: anyone recomputes it (crypto.opens)."""

    reference: bytes
    payload: bytes
    salt: bytes
    commitment: bytes


@dataclass(frozen=True, slots=True)
class ErasureStatement:
    """What an erasure leaves: the subject's reference, each record's reference and
    commitment (no salt, no key: they are gone), and the time it took effect."""

    subject: bytes
    records: tuple[tuple[bytes, bytes], ...]
    at: int

    def erasure_args(self, controller: str, request: bytes | None = None) -> dict[str, Any]:
        """The arguments of ``privacy.record_erasure`` that anchor this statement (closing
        the deletion request ``request`` if given)."""
        args: dict[str, Any] = {
            "controller": controller,
            "subject_ref": self.subject,
            "records": [[reference, committed] for reference, committed in self.records],
            "erased_at": self.at,
        }
        if request is not None:
            args["request"] = request
        return args


def consent_id(value: bytes | str) -> bytes:
    """A consent's id: 16 bytes, or their hex as the CLI prints them (``hex:`` allowed)."""
    if isinstance(value, str):
        text = value.removeprefix("hex:")
        try:
            value = bytes.fromhex(text)
        except ValueError:
            value = b""
    if not isinstance(value, bytes) or len(value) != 16:
        raise VaultError(
            "not a consent id", field="consent", expected="16 bytes, or 32 hex digits",
            got=repr(value)[:60],
        )  # fmt: skip
    return value


def subject_ref(pepper: bytes, subject: str) -> bytes:
    """The store's name for a data subject: HMAC-SHA256 under the vault's pepper, 16 bytes."""
    digest = hmac.new(pepper, SUBJECT_DOMAIN + subject.encode("utf-8"), hashlib.sha256)
    return digest.digest()[:16]


class Vault:
    def __init__(
        self,
        store: VaultStore,
        keys: KeyWrapper | DataKeys,
        pepper: bytes,
        *,
        controller: str = "",
    ) -> None:
        """``keys``: a KEK that wraps the data keys the store keeps (``SoftwareKek``,
        ``hsm.HsmKek``), or data keys held in an HSM (``hsm.HsmDataKeys``). ``controller``:
        the DID of the organisation this vault serves (a did:sen DID); a read is allowed only
        by that controller's consents. Without it, no :meth:`read`."""
        if len(pepper) < 32:
            raise ValueError(f"pepper: expected at least 32 bytes, got {len(pepper)}")
        self.controller = controller
        self.store = store
        self.keys: DataKeys = keys if isinstance(keys, DataKeys) else WrappedKeys(keys)
        self._pepper = pepper
        self._latest_at = 0  # the latest time a read was judged at (reads never go back)

    @property
    def jurisdiction(self) -> str:
        return self.store.jurisdiction

    def _subject_key(self, subject: bytes, create: bool) -> bytes:
        """What the store keeps of the subject's key (wrapped, or the HSM's name for it)."""
        row = self.store.subject(subject)
        if row is None and create:
            made = self.keys.new()
            row = self.store.add_subject(subject, made, self.keys.name)
            if row.wrapped_key != made and self.keys.holds:  # another writer's key won
                self.keys.destroy(made, missing_ok=True)
        if row is None or row.wrapped_key is None:
            raise RecordErased(
                "this data subject's records were erased: their key no longer exists",
                field="subject",
            )
        if row.wrapped_key.startswith(SHREDDING):
            raise RecordErased("this data subject's records are being erased", field="subject")
        return row.wrapped_key

    def put(self, subject: str, category: str, payload: bytes) -> Stored:
        """Store ``payload`` for ``subject`` under ``category`` (e.g. ``health/summary``)."""
        if not subject:
            raise VaultError("subject: empty", field="subject", expected="an identifier")
        if not category or len(category) > MAX_CATEGORY_CHARS:
            raise VaultError(
                "category: wrong length", field="category",
                expected=f"1 to {MAX_CATEGORY_CHARS} characters", got=str(len(category)),
            )  # fmt: skip
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise VaultError(
                "payload too large", field="payload",
                expected=f"at most {MAX_PAYLOAD_BYTES} bytes", got=str(len(payload)),
            )  # fmt: skip
        ref = subject_ref(self._pepper, subject)
        key = self._subject_key(ref, create=True)
        reference = secrets.token_bytes(REFERENCE_BYTES)
        salt = new_salt()
        sealed = self.keys.seal(key, reference, ref, payload)
        committed = commitment(salt, reference, payload)
        self.store.put_record(
            RecordRow(
                reference, ref, category, sealed.nonce, sealed.ciphertext, salt, committed, None
            )
        )
        return Stored(reference, committed)

    def _live(self, reference: bytes) -> RecordRow:
        row = self.store.record(reference)
        if row is None:
            raise UnknownRecord("no such record", field="reference", got=reference.hex())
        if row.erased_at is not None or row.ciphertext is None or row.nonce is None:
            raise RecordErased("this record was erased", field="reference", got=reference.hex())
        return row

    def get(self, reference: bytes) -> bytes:
        """The record's payload (decrypted under its subject's data key)."""
        return self._decrypt(self._live(reference))

    def _decrypt(self, row: RecordRow) -> bytes:
        key = self._subject_key(row.subject, create=False)
        assert row.nonce is not None and row.ciphertext is not None
        return self.keys.unseal(key, row.reference, row.subject, Sealed(row.nonce, row.ciphertext))

    def read(
        self,
        reference: bytes,
        *,
        consent: bytes | str,
        reader: str,
        purpose: str,
        state: StateReader,
        at: int,
    ) -> bytes:
        """The record's payload for ``reader``, if the chain's consent ``consent`` (in
        ``state``, at time ``at``: the last committed block's — the caller reads both from
        the node; never earlier than the state's own last block time where it keeps one, nor
        than a read this vault already judged) lets it read this subject's data of the
        record's category for ``purpose``, given to this vault's controller; the read is
        appended to the access log. :class:`ConsentMissing` says why not; an erased record
        is :class:`RecordErased`."""
        if not self.controller:
            raise VaultError(
                "this vault serves no controller: consented reads need its DID",
                field="controller", expected="Vault(..., controller='did:sen:...')", got="none",
            )  # fmt: skip
        consent = consent_id(consent)
        at = self._judged_at(state, at)
        row = self._live(reference)
        record = load_consent(state, consent)
        if record is not None and subject_ref(self._pepper, record.terms.subject) != row.subject:
            raise ConsentMissing(
                "subject", "the consent is another data subject's", field="consent",
                expected="a consent of this record's subject", got=consent.hex(),
            )  # fmt: skip
        subject = "" if record is None else record.terms.subject
        try:
            consent_allows(
                state, consent, subject=subject, controller=self.controller, recipient=reader,
                purpose=purpose, category=row.category, at=at,
            )  # fmt: skip
        except ConsentRefused as exc:
            raise ConsentMissing(
                exc.problem, exc.reason, field=exc.field, expected=exc.expected, got=exc.got
            ) from None
        payload = self._decrypt(row)
        self._log(row.subject, at, reader, reference, purpose, consent)
        self._latest_at = max(self._latest_at, at)  # only a logged read moves the clock
        return payload

    def _judged_at(self, state: StateReader, at: int) -> int:
        """The time a read is judged and logged at: ``at``, unless the state itself says the
        last block is later (a permissioned chain keeps its time in state, proven with the
        rest) or this vault already judged a read at a later time: a stale ``at`` never
        reads under a consent that has expired since."""
        proven = load_last_block_time(state)
        if proven is not None and at > proven[0] + MAX_AHEAD_SECONDS:
            raise VaultError(
                "the time given is ahead of the chain's last block", field="at",
                expected=f"at most {proven[0] + MAX_AHEAD_SECONDS} (the last block's time)",
                got=str(at),
            )  # fmt: skip
        return max(at, self._latest_at, proven[0] if proven is not None else 0)

    def _log(
        self, subject: bytes, at: int, reader: str, reference: bytes, purpose: str, consent: bytes
    ) -> None:
        nonce = secrets.token_bytes(16)
        self.store.log_access(
            subject, lambda seq: Access(seq, at, reader, reference, purpose, consent, nonce).entry()
        )

    def seal_access_batch(self) -> AccessBatch | None:
        """Close the reads logged since the last batch into a batch whose Merkle root the
        operator anchors on chain (``evidence.anchor``), then :meth:`mark_anchored`."""
        return self.store.seal_batch()

    def mark_anchored(self, batch: int, height: int) -> None:
        self.store.mark_anchored(batch, height)

    def who_read(self, subject: str) -> list[ProvenAccess | Access]:
        """Every logged read of ``subject``'s records, oldest first: with its proof once its
        batch is sealed, the bare entry while it waits for the next batch."""
        answers: list[ProvenAccess | Access] = []
        batches: dict[int, tuple[AccessBatch, list[bytes]]] = {}
        for _seq, entry, number in self.store.accesses_of(subject_ref(self._pepper, subject)):
            access = Access.from_entry(entry)
            if number is None:
                answers.append(access)
                continue
            if number not in batches:
                found = self.store.access_batch(number)
                assert found is not None
                batches[number] = found
            batch, entries = batches[number]
            _, proof = proof_from_byte_slices(entries, entries.index(entry))
            answers.append(ProvenAccess(access, entry, batch, proof))
        return answers

    def opening(self, reference: bytes) -> Opening:
        """The payload and salt that open the record's commitment, for an auditor."""
        row = self._live(reference)
        assert row.salt is not None
        return Opening(reference, self._decrypt(row), row.salt, row.commitment)

    def erase(self, subject: str, at: int) -> ErasureStatement:
        """Crypto-shred every record of ``subject`` at time ``at`` (the block's, in seconds):
        its data key (first, in the HSM, if it is held there) and each record's salt and
        ciphertext (in one store transaction) are destroyed. A crash between the two leaves
        nothing that decrypts, and repeating it finishes the erasure; once done, repeating it
        changes nothing and gives the same statement."""
        ref = subject_ref(self._pepper, subject)
        row = self.store.subject(ref)
        if row is None:
            raise VaultError("no records of this data subject", field="subject")
        if row.wrapped_key is not None and self.keys.holds:
            self._destroy_held_key(ref, row.wrapped_key, row.kek)
        rows = self.store.erase_subject(ref, at)
        when = min((row.erased_at for row in rows if row.erased_at is not None), default=at)
        return ErasureStatement(ref, tuple((row.reference, row.commitment) for row in rows), when)

    def _destroy_held_key(self, ref: bytes, held: bytes, kek: str) -> None:
        """Destroy a key held outside the store (in an HSM), safely: only with the keys it
        was made with, only the key that opens this subject's records, and marked in the
        store first, so that a retry knows a key already gone was destroyed by this erasure
        (and a key not found otherwise is an error, not an erasure)."""
        if kek != self.keys.name:
            raise VaultError(
                "this subject's key is held by other keys than this vault opened",
                field="keys", expected=kek, got=self.keys.name,
            )  # fmt: skip
        if held.startswith(SHREDDING):  # a retry: the mark is on, the key may be gone
            self.keys.destroy(held[len(SHREDDING) :], missing_ok=True)
            return
        if not self.keys.exists(held):
            raise VaultCryptoError(
                f"the subject's key is not on {self.keys.name}: is this the token and label "
                "the vault was made with, and is its session logged in? Nothing was erased"
            )
        live = [row for row in self.store.records_of(ref) if row.ciphertext is not None]
        if live:
            assert live[0].nonce is not None and live[0].ciphertext is not None
            try:
                self.keys.unseal(
                    held, live[0].reference, ref, Sealed(live[0].nonce, live[0].ciphertext)
                )
            except KeyAmbiguous:
                pass  # a key planted under its name: every key by that name is destroyed
            except VaultCryptoError:
                raise VaultError(
                    "the key the store names for this subject does not open its records: "
                    "the store was changed; nothing was erased", field="subject",
                ) from None  # fmt: skip
        self.store.replace_key(ref, SHREDDING + held)
        self.keys.destroy(held, missing_ok=True)
