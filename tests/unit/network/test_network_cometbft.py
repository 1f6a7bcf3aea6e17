"""Finding CometBFT: explicit setting, $SEN_COMETBFT, the checkout's .bin, PATH; clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from network_support import FakeCometbft

from sen.network import cometbft
from sen.network.cometbft import ENV_VAR, find_cometbft
from sen.network.errors import CometbftNotFound


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """An empty PATH directory and a checkout .bin, neither holding cometbft yet."""
    path_dir = tmp_path / "path"
    path_dir.mkdir()
    checkout = tmp_path / "checkout" / ".bin" / "cometbft"
    monkeypatch.setenv("PATH", str(path_dir))
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(cometbft, "checkout_candidate", lambda: checkout)
    return {"path": path_dir / "cometbft", "checkout": checkout, "env": tmp_path / "env-cometbft"}


def test_explicit_setting_comes_first(
    places: dict[str, Path], fake_cometbft: FakeCometbft, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = fake_cometbft(places["env"].with_name("explicit"), "0.38.26")
    fake_cometbft(places["env"], "0.38.26")
    fake_cometbft(places["checkout"], "0.38.26")
    monkeypatch.setenv(ENV_VAR, str(places["env"]))
    assert find_cometbft(str(explicit)) == explicit.resolve()


def test_environment_variable_before_checkout_and_path(
    places: dict[str, Path], fake_cometbft: FakeCometbft, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cometbft(places["env"], "0.38.26")
    fake_cometbft(places["checkout"], "0.38.26")
    fake_cometbft(places["path"], "0.38.26")
    monkeypatch.setenv(ENV_VAR, str(places["env"]))
    assert find_cometbft() == places["env"].resolve()


def test_checkout_before_path(places: dict[str, Path], fake_cometbft: FakeCometbft) -> None:
    fake_cometbft(places["checkout"], "0.38.26")
    fake_cometbft(places["path"], "0.38.26")
    assert find_cometbft() == places["checkout"].resolve()


def test_path_when_nothing_else(places: dict[str, Path], fake_cometbft: FakeCometbft) -> None:
    fake_cometbft(places["path"], "0.38.12")
    assert find_cometbft() == places["path"].resolve()


def test_wrong_version_in_checkout_falls_back_to_path(
    places: dict[str, Path], fake_cometbft: FakeCometbft
) -> None:
    fake_cometbft(places["checkout"], "0.37.4")
    fake_cometbft(places["path"], "0.38.26")
    assert find_cometbft() == places["path"].resolve()


def test_nothing_found_names_every_place_and_how_to_install(places: dict[str, Path]) -> None:
    with pytest.raises(CometbftNotFound) as raised:
        find_cometbft()
    message = str(raised.value)
    assert f"{ENV_VAR} (not set)" in message
    assert f"{places['checkout']} (not found)" in message
    assert "cometbft on PATH (not found)" in message
    assert "make cometbft" in message
    assert "releases/tag/v0.38.26" in message


def test_wrong_versions_are_named(places: dict[str, Path], fake_cometbft: FakeCometbft) -> None:
    fake_cometbft(places["checkout"], "0.37.4")
    fake_cometbft(places["path"], "1.0.0")
    with pytest.raises(CometbftNotFound) as raised:
        find_cometbft()
    message = str(raised.value)
    assert f"{places['checkout']} (version 0.37.4, Sen needs 0.38.x)" in message
    assert f"cometbft on PATH = {places['path']} (version 1.0.0, Sen needs 0.38.x)" in message


def test_a_wrong_explicit_setting_is_an_error_not_a_fallback(
    places: dict[str, Path], fake_cometbft: FakeCometbft, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cometbft(places["path"], "0.38.26")
    monkeypatch.setenv(ENV_VAR, str(places["env"]))
    with pytest.raises(CometbftNotFound, match=rf"^{ENV_VAR}=.*env-cometbft: no such file;"):
        find_cometbft()
    with pytest.raises(CometbftNotFound, match=r"^--cometbft=/nonexistent/cometbft: no such"):
        find_cometbft("/nonexistent/cometbft")


def test_an_explicit_file_that_is_not_executable(places: dict[str, Path], tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("not a program")
    with pytest.raises(CometbftNotFound, match="not an executable file"):
        find_cometbft(str(plain))


def test_a_failing_version_command_is_reported(places: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\necho 'segfault' >&2\nexit 3\n")
    broken.chmod(0o755)
    with pytest.raises(CometbftNotFound, match=r"`cometbft version` failed: .*exited with 3"):
        find_cometbft(str(broken))
