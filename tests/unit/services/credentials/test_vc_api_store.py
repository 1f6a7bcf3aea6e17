"""The issuing node's own records: list indexes handed out once each, credentials by id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sen.services.credentials.errors import CredentialExists, StatusRefused
from sen.services.credentials.store import IssuedCredential, StatusAssignment, VcStore

NAME = "Nguyễn Thị Minh Khai"


def test_indexes_are_handed_out_in_order_per_list(tmp_path: Path) -> None:
    store = VcStore(tmp_path / "vc")
    assert [store.allocate("did:sen:vnu", "a", 8) for _ in range(3)] == [0, 1, 2]
    assert store.allocate("did:sen:vnu", "b", 8) == 0
    assert store.allocate("did:sen:hust", "a", 8) == 0
    assert VcStore(tmp_path / "vc").allocate("did:sen:vnu", "a", 8) == 3  # kept on disk


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
