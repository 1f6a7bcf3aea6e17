"""Directory state: member chains and their dataset catalogues, as canonical CBOR.

State layout (docs/spec/directory.md §3)::

    directory/count                  {last, listed}       sequence numbers used; entries now
    directory/seq/<n:8>              chain id             the n-th registration (deleted on removal)
    directory/chain/<chain id>       ChainEntry           a member chain
    directory/dataset/<uri>          Dataset              one catalogue entry, by its URI
    directory/type/<record type>     [uri, ...]           every URI of that record type, sorted

A chain id, a record type and a URI's authority hold no ``/`` before the
part that ends the key, so keys of one family never collide with another's.
``directory/dataset/<uri>`` and ``directory/type/<record type>`` repeat what the
chain entries say, so that a lookup by URI or by record type is one state
read with one proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sen.ledger import encoding
from sen.ledger.state import Overlay, StateReader

COUNT_KEY = b"directory/count"
SEQUENCE_PREFIX = b"directory/seq/"
CHAIN_PREFIX = b"directory/chain/"
DATASET_PREFIX = b"directory/dataset/"
TYPE_PREFIX = b"directory/type/"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where the chain answers: ``rest`` (Sen's API), ``rpc`` (CometBFT RPC) or ``p2p``."""

    kind: str
    url: str

    def to_value(self) -> dict[str, Any]:
        return {"kind": self.kind, "url": self.url}

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Endpoint:
        return cls(kind=str(value["kind"]), url=str(value["url"]))


@dataclass(frozen=True, slots=True)
class Link:
    """A light-client pair: ``client_id`` on this chain tracks ``counterparty``, whose
    ``counterparty_client_id`` tracks this chain (docs/spec/interchain.md)."""

    counterparty: str
    client_id: str
    counterparty_client_id: str

    def to_value(self) -> dict[str, Any]:
        return {
            "counterparty": self.counterparty,
            "client_id": self.client_id,
            "counterparty_client_id": self.counterparty_client_id,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Link:
        return cls(
            counterparty=str(value["counterparty"]),
            client_id=str(value["client_id"]),
            counterparty_client_id=str(value["counterparty_client_id"]),
        )


@dataclass(frozen=True, slots=True)
class Dataset:
    """A record type a chain holds, at ``sen://<chain id>/<module>/<record type>[/...]``."""

    uri: str
    chain_id: str
    record_type: str
    module: str
    schema_digest: bytes | None  # SHA-256 of the record type's schema document, if published
    jurisdiction: str | None = None  # ISO 3166 code of where the data lives, if declared

    def to_value(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "uri": self.uri,
            "chain_id": self.chain_id,
            "record_type": self.record_type,
            "module": self.module,
            "schema_digest": self.schema_digest,
        }
        if self.jurisdiction is not None:  # written only when declared: older entries keep
            value["jurisdiction"] = self.jurisdiction  # their bytes, and the app hash
        return value

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Dataset:
        digest = value["schema_digest"]
        where = value.get("jurisdiction")
        return cls(
            uri=str(value["uri"]),
            chain_id=str(value["chain_id"]),
            record_type=str(value["record_type"]),
            module=str(value["module"]),
            schema_digest=None if digest is None else bytes(digest),
            jurisdiction=None if where is None else str(where),
        )


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """A member chain as the hub's governance recorded it."""

    chain_id: str
    genesis_hash: bytes  # SHA-256 of the chain's genesis file
    operator: str  # the id of an organisation of this (the hub) chain
    sector: str
    endpoints: tuple[Endpoint, ...]
    validators_hash: bytes  # CometBFT's hash of the validator set (a header's validators_hash)
    links: tuple[Link, ...]
    datasets: tuple[Dataset, ...]
    sequence: int  # 1, 2, ...: its registration's place in the directory
    registered_height: int
    updated_height: int

    def to_value(self) -> dict[str, Any]:
        return {
            "chain_id": self.chain_id,
            "genesis_hash": self.genesis_hash,
            "operator": self.operator,
            "sector": self.sector,
            "endpoints": [e.to_value() for e in self.endpoints],
            "validators_hash": self.validators_hash,
            "links": [link.to_value() for link in self.links],
            "datasets": [d.to_value() for d in self.datasets],
            "sequence": self.sequence,
            "registered_height": self.registered_height,
            "updated_height": self.updated_height,
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> ChainEntry:
        return cls(
            chain_id=str(value["chain_id"]),
            genesis_hash=bytes(value["genesis_hash"]),
            operator=str(value["operator"]),
            sector=str(value["sector"]),
            endpoints=tuple(Endpoint.from_value(e) for e in value["endpoints"]),
            validators_hash=bytes(value["validators_hash"]),
            links=tuple(Link.from_value(link) for link in value["links"]),
            datasets=tuple(Dataset.from_value(d) for d in value["datasets"]),
            sequence=int(value["sequence"]),
            registered_height=int(value["registered_height"]),
            updated_height=int(value["updated_height"]),
        )


# -- keys ---------------------------------------------------------------------------


def chain_key(chain_id: str) -> bytes:
    return CHAIN_PREFIX + chain_id.encode()


def sequence_key(sequence: int) -> bytes:
    return SEQUENCE_PREFIX + sequence.to_bytes(8, "big")


def dataset_key(uri: str) -> bytes:
    return DATASET_PREFIX + uri.encode()


def type_key(record_type: str) -> bytes:
    return TYPE_PREFIX + record_type.encode()


# -- reading --------------------------------------------------------------------------


def load_chain(state: StateReader, chain_id: str) -> ChainEntry | None:
    stored = state.get(chain_key(chain_id))
    return None if stored is None else ChainEntry.from_value(encoding.decode(stored))


def load_dataset(state: StateReader, uri: str) -> Dataset | None:
    stored = state.get(dataset_key(uri))
    return None if stored is None else Dataset.from_value(encoding.decode(stored))


def load_type_index(state: StateReader, record_type: str) -> tuple[str, ...]:
    """The URIs of every dataset of ``record_type`` in the directory, sorted."""
    stored = state.get(type_key(record_type))
    return () if stored is None else tuple(str(u) for u in encoding.decode(stored))


def load_counts(state: StateReader) -> tuple[int, int]:
    """(the last sequence number used, the chains in the directory now)."""
    stored = state.get(COUNT_KEY)
    if stored is None:
        return 0, 0
    value = encoding.decode(stored)
    return int(value["last"]), int(value["listed"])


def chain_id_at(state: StateReader, sequence: int) -> str | None:
    """The chain registered as the ``sequence``-th, if it is still in the directory."""
    if not 0 < sequence < 2**63:
        return None
    stored = state.get(sequence_key(sequence))
    return None if stored is None else str(encoding.decode(stored))


def list_chains(
    state: StateReader, after: int = 0, limit: int = 100
) -> tuple[list[ChainEntry], int | None]:
    """Up to ``limit`` entries in registration order after sequence ``after``; and the
    sequence to continue after (None: no more)."""
    last, _ = load_counts(state)
    found: list[ChainEntry] = []
    sequence = after
    while sequence < last and len(found) < limit:
        sequence += 1
        chain_id = chain_id_at(state, sequence)
        entry = None if chain_id is None else load_chain(state, chain_id)
        if entry is not None:
            found.append(entry)
    return found, (sequence if sequence < last else None)


# -- writing --------------------------------------------------------------------------


def _save_counts(state: Overlay, last: int, listed: int) -> None:
    state.set(COUNT_KEY, encoding.encode({"last": last, "listed": listed}))


def _save_type_index(state: Overlay, record_type: str, uris: set[str]) -> None:
    if uris:
        state.set(type_key(record_type), encoding.encode(sorted(uris)))
    else:
        state.delete(type_key(record_type))


def _change_catalogue(
    state: Overlay, removed: tuple[Dataset, ...], added: tuple[Dataset, ...]
) -> None:
    """Replace catalogue entries ``removed`` by ``added`` in the URI and type indexes."""
    touched = sorted({d.record_type for d in removed} | {d.record_type for d in added})
    for record_type in touched:
        uris = set(load_type_index(state, record_type))
        uris -= {d.uri for d in removed if d.record_type == record_type}
        uris |= {d.uri for d in added if d.record_type == record_type}
        _save_type_index(state, record_type, uris)
    kept = {d.uri for d in added}
    for dataset in removed:
        if dataset.uri not in kept:
            state.delete(dataset_key(dataset.uri))
    for dataset in added:
        state.set(dataset_key(dataset.uri), encoding.encode(dataset.to_value()))


def add_chain(state: Overlay, entry: ChainEntry) -> None:
    """Store a new entry under its sequence number (:func:`next_sequence`)."""
    _, listed = load_counts(state)
    _save_counts(state, entry.sequence, listed + 1)
    state.set(sequence_key(entry.sequence), encoding.encode(entry.chain_id))
    state.set(chain_key(entry.chain_id), encoding.encode(entry.to_value()))
    _change_catalogue(state, (), entry.datasets)


def replace_chain(state: Overlay, current: ChainEntry, updated: ChainEntry) -> None:
    state.set(chain_key(updated.chain_id), encoding.encode(updated.to_value()))
    _change_catalogue(state, current.datasets, updated.datasets)


def delete_chain(state: Overlay, entry: ChainEntry) -> None:
    last, listed = load_counts(state)
    _save_counts(state, last, listed - 1)
    state.delete(sequence_key(entry.sequence))
    state.delete(chain_key(entry.chain_id))
    _change_catalogue(state, entry.datasets, ())


def next_sequence(state: StateReader) -> int:
    return load_counts(state)[0] + 1
