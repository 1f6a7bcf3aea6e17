"""The issuing node's own records: list indexes handed out once each, credentials by id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sen.services.credentials.errors import CredentialExists, StatusRefused
from sen.services.credentials.store import (
    IssuedCredential,
    StatusAssignment,
    VcStore,
    permuted_index,
)

NAME = "Nguyễn Thị Minh Khai"


def test_each_index_is_handed_out_once_at_random_per_list(tmp_path: Path) -> None:
    store = VcStore(tmp_path / "vc")
    first = [store.allocate("did:sen:vnu", "a", 64) for _ in range(40)]
    more = [VcStore(tmp_path / "vc").allocate("did:sen:vnu", "a", 64) for _ in range(24)]
    assert sorted(first + more) == list(range(64))  # each once, the state kept on disk
    assert first != sorted(first)  # not in order of issuance (1 chance in 40! otherwise)
    other = [store.allocate("did:sen:vnu", "b", 64) for _ in range(40)]
    assert other != first  # a key per list
    allocations = json.loads((tmp_path / "vc" / "allocations.json").read_text())
    assert (
        allocations["did:sen:vnu a"]["next"] == 64
        and len(allocations["did:sen:vnu a"]["key"]) == 64
    )


def test_a_list_counted_by_an_older_sen_goes_on_in_order(tmp_path: Path) -> None:
    """Its indexes up to the counter are taken: a permutation now would reuse some."""
    (tmp_path / "vc").mkdir()
    (tmp_path / "vc" / "allocations.json").write_text('{"did:sen:vnu a": 3}')
    store = VcStore(tmp_path / "vc")
    assert [store.allocate("did:sen:vnu", "a", 8) for _ in range(3)] == [3, 4, 5]


@pytest.mark.parametrize("size", [8, 131_072, 131_080, 2_097_152])
def test_the_permutation_is_one_to_one_on_the_list(size: int) -> None:
    key = bytes(range(32))
    sample = range(min(size, 5000))
    images = [permuted_index(key, n, size) for n in sample]
    assert len(set(images)) == len(images) and all(0 <= i < size for i in images)
    if size == 8:
        assert sorted(images) == list(range(8))
    with pytest.raises(ValueError):
        permuted_index(key, size, size)


def test_a_full_list_is_refused(tmp_path: Path) -> None:
    store = VcStore(tmp_path)
    store.allocate("did:sen:vnu", "a", 1)
    with pytest.raises(StatusRefused, match="full"):
        store.allocate("did:sen:vnu", "a", 1)


def test_credentials_round_trip_exactly_and_once(tmp_path: Path) -> None:
    store = VcStore(tmp_path)
    credential = {"id": "urn:uuid:1", "credentialSubject": {"name": NAME}}
    issued = IssuedCredential(
        credential, "did:sen:vnu", (StatusAssignment("revocation", "a", 7),), 5
    )
    store.save(issued)
    loaded = store.load("urn:uuid:1")
    assert loaded == issued
    assert loaded is not None and loaded.credential["credentialSubject"]["name"] == NAME
    files = list((tmp_path / "credentials").iterdir())
    assert NAME.encode() in files[0].read_bytes()  # UTF-8, as written
    assert json.loads(files[0].read_bytes())["entries"] == [
        {"purpose": "revocation", "list": "a", "index": 7}
    ]
    with pytest.raises(CredentialExists):
        store.save(issued)
    assert store.load("urn:uuid:2") is None
