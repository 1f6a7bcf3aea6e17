"""The Sen Python SDK: a typed client for a Sen node's REST API, and account keys.

::

    from sen.sdk import Client, Keyring

    client = Client.http("http://127.0.0.1:26680")
    key = Keyring().load("alice", passphrase)
    client.anchor(key, Path("diploma.pdf"), title="Diploma 2024")

Everything the SDK raises is a :class:`SenError` (tree in :mod:`sen.sdk.errors`).
"""

from sen.sdk.args import parse_args
from sen.sdk.client import Client, digest_of
from sen.sdk.errors import (
    ApiError,
    BadAnswer,
    InvalidInput,
    KeyFileError,
    NotFound,
    NotYetProvable,
    Rejected,
    SenError,
    Timeout,
    TryLater,
    Unreachable,
    VerificationFailed,
    WeakPassphrase,
)
from sen.sdk.keys import DEFAULT_SUITE, KeyInfo, Keyring, address, default_keyring, generate_key
from sen.sdk.models import Account, Anchored, Anchoring, Lookup, TxInfo, TxResult
from sen.sdk.pkcs11 import HsmError, Pkcs11Key, load_pkcs11_key
from sen.sdk.receipts import check_receipt, read_genesis, receipt_algorithm
from sen.sdk.transports import HttpTransport, Transport

__all__ = [
    "DEFAULT_SUITE",
    "Account",
    "Anchored",
    "Anchoring",
    "ApiError",
    "BadAnswer",
    "Client",
    "HsmError",
    "HttpTransport",
    "InvalidInput",
    "KeyFileError",
    "KeyInfo",
    "Keyring",
    "Lookup",
    "NotFound",
    "NotYetProvable",
    "Pkcs11Key",
    "Rejected",
    "SenError",
    "Timeout",
    "Transport",
    "TryLater",
    "TxInfo",
    "TxResult",
    "Unreachable",
    "VerificationFailed",
    "WeakPassphrase",
    "address",
    "check_receipt",
    "default_keyring",
    "digest_of",
    "generate_key",
    "load_pkcs11_key",
    "parse_args",
    "read_genesis",
    "receipt_algorithm",
]
