"""Consensus-critical libraries are pinned: a node with another version refuses to start."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sen.cli.main import main
from sen.node import pins
from sen.node.errors import UnpinnedLibrary, WrongPython
from sen.node.node import Node, init_home

CONSTRAINTS = Path(__file__).parents[3] / "constraints" / "consensus.txt"
REFUSAL = (
    "cryptography 51.0.0 is installed, but consensus pins cryptography==50.0.2 "
    "(docs/spec/determinism.md D8): the node will not start until it runs that version: "
    "pip install 'cryptography==50.0.2'"
)


def _constraints() -> dict[str, str]:
    found = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[name.strip()] = version.strip()
    return found


def _installed_but(name: str, version: str | None) -> object:
    real = pins.installed_version

    def lookup(asked: str) -> str | None:
        return version if asked == name else real(asked)

    return lookup


def test_the_pins_are_the_constraints_file() -> None:
    assert {p.name: p.version for p in pins.CONSENSUS_PINS} == _constraints()
    assert [p.name for p in pins.CONSENSUS_PINS] == sorted(_constraints())


def test_this_environment_runs_the_pinned_versions() -> None:
    """`make install` installs with the constraints file, so its node starts."""
    pins.check_pins()
    for pin in pins.CONSENSUS_PINS:
        assert pins.installed_version(pin.name) == pin.version


def test_a_node_with_another_version_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = init_home(tmp_path / "home")
    monkeypatch.setattr(pins, "installed_version", _installed_but("cryptography", "51.0.0"))
    with pytest.raises(UnpinnedLibrary) as refused:
        Node.open(config)
    assert str(refused.value) == REFUSAL
    assert (refused.value.name, refused.value.pinned, refused.value.installed) == (
        "cryptography",
        "50.0.2",
        "51.0.0",
    )
    assert list(config.data_dir.iterdir()) == [], "it opened its database before refusing"


def test_a_missing_library_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pins, "installed_version", _installed_but("pynacl", None))
    with pytest.raises(UnpinnedLibrary) as refused:
        pins.check_pins()
    assert str(refused.value).startswith(
        "pynacl is not installed, but consensus pins pynacl==1.6.2 "
    )


def test_sen_node_run_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    home = tmp_path / "home"
    init_home(home, port=port)
    monkeypatch.setattr(pins, "installed_version", _installed_but("cryptography", "51.0.0"))
    with pytest.raises(SystemExit) as exited:
        main(["--home", str(home), "node", "run"])
    assert exited.value.code == 1
    assert capsys.readouterr().err == f"error: {REFUSAL}\n"


def _sen_node_run(home: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``sen node run`` on an empty home, in a process of its own (imports start afresh)."""
    code = "import sys; from sen.cli.main import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, "--home", str(home), "node", "run"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_copy_of_a_pinned_library_earlier_on_the_path_is_refused(tmp_path: Path) -> None:
    """Same version in the metadata, other code: a cbor2 copy on PYTHONPATH is not the pin."""
    import cbor2

    shadow = tmp_path / "shadow"
    shutil.copytree(Path(cbor2.__file__).parent, shadow / "cbor2")
    home = tmp_path / "home"
    paths = [str(shadow), os.environ.get("PYTHONPATH", "")]
    ran = _sen_node_run(home, {"PYTHONPATH": os.pathsep.join(p for p in paths if p)})
    assert ran.returncode == 1, ran.stderr
    assert ran.stderr.startswith(
        f"error: cbor2 is imported from {(shadow / 'cbor2' / '__init__.py').resolve()}, "
        "not from the installed cbor2==6.3.0 (docs/spec/determinism.md D8)"
    ), ran.stderr
    assert not home.exists(), "it initialised a home before refusing"


def test_protobuf_in_pure_python_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ran = _sen_node_run(home, {"PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION": "python"})
    assert ran.returncode == 1, ran.stderr
    assert ran.stderr == (
        "error: protobuf runs its 'python' implementation, but consensus pins 'upb' "
        "(docs/spec/determinism.md D8): the node will not start; unset "
        "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION\n"
    )
    assert not home.exists()


def test_another_python_minor_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pins, "python_minor", lambda: (3, 12))
    with pytest.raises(WrongPython) as refused:
        pins.check_pins()
    assert str(refused.value) == (
        "Python 3.12 is running, but consensus pins Python 3.11 "
        "(docs/spec/determinism.md D8): the node will not start; run it with Python 3.11"
    )
