"""A SoftHSM2 set-up of our own: a temporary token directory, tokens made by softhsm2-util.

SoftHSM reads ``$SOFTHSM2_CONF`` once, when a process first loads the module,
so every token a test session needs is made before that (:func:`start_softhsm`).
Missing SoftHSM2 is a failure, never a skip: ``make test`` installs it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

USER_PIN = "1234"
SO_PIN = "56781234"
TOKEN = "sen-test"  # shared by the tests; logged in with USER_PIN on first use
PIN_TOKEN = "sen-pin-check"  # only ever shown wrong PINs: never logged in
RESTART_TOKEN = "sen-restart"  # its session is closed under the keys' feet
MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    *sorted(glob.glob("/usr/lib/*-linux-gnu/softhsm/libsofthsm2.so")),
    "/usr/local/lib/softhsm/libsofthsm2.so",
)


@dataclass(frozen=True)
class SoftHsm:
    module: str
    conf: Path
    util: str

    def uri(
        self,
        object_label: str | None = None,
        *,
        token: str = TOKEN,
        pin: str | None = USER_PIN,
        key_id: bytes | None = None,
    ) -> str:
        path = [f"token={quote(token)}"]
        if object_label is not None:
            path.append(f"object={quote(object_label)}")
        if key_id is not None:
            path.append("id=" + "".join(f"%{byte:02x}" for byte in key_id))
        query = [f"module-path={self.module}"]
        if pin is not None:
            query.append(f"pin-value={quote(pin)}")
        return "pkcs11:" + ";".join(path) + "?" + "&".join(query)


def find_module() -> str:
    configured = os.environ.get("SEN_PKCS11_MODULE")
    for candidate in (configured, *MODULE_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail(
        "libsofthsm2.so not found (looked in "
        f"{', '.join(MODULE_CANDIDATES)}): run `make softhsm` (scripts/install-softhsm.sh)"
    )


def start_softhsm(root: Path, labels: tuple[str, ...]) -> SoftHsm:
    util = shutil.which("softhsm2-util")
    if util is None:
        pytest.fail(
            "softhsm2-util is not installed: run `make softhsm` "
            "(scripts/install-softhsm.sh installs Debian's softhsm2)"
        )
    module = find_module()
    tokens = root / "tokens"
    tokens.mkdir(parents=True)
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    environment = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    for label in labels:
        pins = ["--pin", USER_PIN, "--so-pin", SO_PIN]
        made = subprocess.run(
            [util, "--init-token", "--free", "--label", label, *pins],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if made.returncode != 0:
            pytest.fail(f"softhsm2-util --init-token {label} failed: {made.stderr or made.stdout}")
    return SoftHsm(module=module, conf=conf, util=util)
