"""Fixtures for the HSM tests: SoftHSM2 tokens in a temporary directory, keys made on them.

``softhsm``: the tokens (made once per test session; ``$SOFTHSM2_CONF`` points at them).
``p256_key``/``ed25519_key``: keys generated on the shared token, one per session.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hsm_support import PIN_TOKEN, RESTART_TOKEN, TOKEN, SoftHsm, start_softhsm

from sen.sdk.pkcs11 import MODULE_ENV, PIN_ENV, Pkcs11Key, generate_pkcs11_key


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsm]:
    with pytest.MonkeyPatch.context() as environment:
        hsm = start_softhsm(tmp_path_factory.mktemp("softhsm"), (TOKEN, PIN_TOKEN, RESTART_TOKEN))
        environment.setenv("SOFTHSM2_CONF", str(hsm.conf))
        environment.delenv(MODULE_ENV, raising=False)
        environment.delenv(PIN_ENV, raising=False)
        yield hsm


@pytest.fixture(scope="session")
def p256_key(softhsm: SoftHsm) -> Pkcs11Key:
    return generate_pkcs11_key(softhsm.uri("alice-p256"), "ecdsa-p256")


@pytest.fixture(scope="session")
def ed25519_key(softhsm: SoftHsm) -> Pkcs11Key:
    return generate_pkcs11_key(softhsm.uri("bob-ed25519"), "ed25519")
