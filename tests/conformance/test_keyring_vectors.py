"""Key file vectors (docs/spec/keyring.md): the KDF, the envelope, and the file, byte for byte."""

from __future__ import annotations

import base64
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from sen.ledger.crypto import get_suite
from sen.sdk._keyfile import WRITE_PARAMETERS, Argon2Parameters, parameters_of, seal
from sen.sdk.keys import decode_key

VECTORS = json.loads((Path(__file__).parent / "keyring_vectors.json").read_text("utf-8"))["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_the_file_is_sealed_byte_for_byte(vector: dict[str, Any]) -> None:
    parameters = Argon2Parameters(**vector["argon2id"])
    sealed = seal(
        bytes.fromhex(vector["pkcs8_der"]),
        vector["passphrase"],
        parameters,
        salt=bytes.fromhex(vector["salt"]),
        nonce=bytes.fromhex(vector["nonce"]),
    )
    assert sealed.decode("ascii") == vector["file"]
    assert parameters == WRITE_PARAMETERS == parameters_of(sealed)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_the_kdf_and_the_header(vector: dict[str, Any]) -> None:
    passphrase = unicodedata.normalize("NFC", vector["passphrase"]).encode("utf-8")
    assert passphrase.hex() == vector["passphrase_nfc_utf8"]
    argon = vector["argon2id"]
    derived = Argon2id(
        salt=bytes.fromhex(vector["salt"]),
        length=32,
        iterations=argon["iterations"],
        lanes=argon["lanes"],
        memory_cost=argon["memory_kib"],
    ).derive(passphrase)
    assert derived.hex() == vector["derived_key"]
    lines = vector["file"].strip().splitlines()
    raw = base64.b64decode("".join(lines[1:-1]))
    header = (
        b"SENK\x01\x01"
        + argon["memory_kib"].to_bytes(4, "big")
        + argon["iterations"].to_bytes(4, "big")
        + argon["lanes"].to_bytes(1, "big")
        + bytes.fromhex(vector["salt"])
        + bytes.fromhex(vector["nonce"])
    )
    assert raw[:43] == header
    assert len(raw) == 43 + len(bytes.fromhex(vector["pkcs8_der"])) + 16


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_the_file_opens_to_the_key(vector: dict[str, Any]) -> None:
    key = decode_key(vector["file"].encode(), vector["passphrase"], vector["suite"])
    expected = get_suite(vector["suite"]).load_private(bytes.fromhex(vector["private_seed"]))
    assert key.public_key.hex() == vector["public_key"] == expected.public_key.hex()
    decomposed = unicodedata.normalize("NFD", vector["passphrase"])  # as some keyboards type it
    assert decomposed != vector["passphrase"]
    assert decode_key(vector["file"].encode(), decomposed, vector["suite"]).public_key == (
        key.public_key
    )
