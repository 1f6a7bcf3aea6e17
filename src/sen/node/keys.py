"""The validator key file, in CometBFT's ``priv_validator_key.json`` format."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sen.node.errors import ConfigError


def save_validator_key(path: Path, key: Ed25519PrivateKey) -> None:
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    seed = key.private_bytes_raw()
    doc = {
        "address": hashlib.sha256(public).digest()[:20].hex().upper(),
        "pub_key": {"type": "tendermint/PubKeyEd25519", "value": base64.b64encode(public).decode()},
        "priv_key": {
            "type": "tendermint/PrivKeyEd25519",
            "value": base64.b64encode(seed + public).decode(),
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(doc, handle, indent=2)
        handle.write("\n")


def load_validator_key(path: Path) -> Ed25519PrivateKey:
    try:
        doc = json.loads(path.read_text())
        raw = base64.b64decode(doc["priv_key"]["value"], validate=True)
    except FileNotFoundError:
        raise ConfigError(str(path), "validator key file not found") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(str(path), f"not a CometBFT priv_validator_key.json: {exc}") from None
    if len(raw) != 64:
        raise ConfigError(str(path), f"priv_key.value: expected 64 bytes, got {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw[:32])


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
