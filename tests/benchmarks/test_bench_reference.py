"""The benchmark guard: ratios to a same-run reference, and the 15% floor (no timing asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from senbench import check
from senbench.reference import ed25519_verify_rate, reference_of, throughput_ratios


def test_the_reference_counts_verifications() -> None:
    assert ed25519_verify_rate(seconds=0.05, threads=2) > 0


def test_the_reference_is_the_median_of_its_samples() -> None:
    assert reference_of([10.0, 30.0, 20.0]) == {
        "name": "ed25519_verify_per_s_two_threads",
        "value": 20.0,
        "samples": [10.0, 30.0, 20.0],
    }


def test_every_per_second_figure_gets_a_ratio_nested_ones_by_path() -> None:
    result = {
        "committed_tx_per_s": 5000.0,
        "latency_p99_s": 1.2,
        "suites": {"ed25519": {"check_tx_per_s": 10000, "tx_bytes_median": 287}},
        "targets": {"committed_tx_per_s": 10000},
    }
    assert throughput_ratios(result, 20000.0) == {
        "committed_tx_per_s": 0.25,
        "suites.ed25519.check_tx_per_s": 0.5,
    }


@pytest.mark.parametrize(
    ("measured", "ok"),
    [(0.25, True), (0.2126, True), (0.2124, False), (0.1, False), (0.4, True)],
)
def test_a_ratio_may_fall_fifteen_percent_below_its_record(measured: float, ok: bool) -> None:
    (verdict,) = check.compare({"rest": 0.25}, {"rest": measured})
    assert verdict.ok is ok
    assert verdict.line().startswith("ok " if ok else "SLOWER ")


def test_a_figure_the_run_did_not_measure_is_an_error() -> None:
    with pytest.raises(KeyError, match="did not measure rest"):
        check.compare({"rest": 0.25}, {})


def _fake_run(ratio: float) -> dict[str, object]:
    return {"reference": {"name": "x", "value": 1000.0}, "ratios": {"rest": ratio}}


def test_the_check_fails_when_sen_got_slower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = tmp_path / "check.json"
    monkeypatch.setattr(check, "measure", lambda duration: _fake_run(0.30))
    assert check.main(["--record", "--reference", str(reference), "--out", str(tmp_path)]) == 0
    assert json.loads(reference.read_text())["ratios"] == {"rest": 0.30}
    monkeypatch.setattr(check, "measure", lambda duration: _fake_run(0.24))
    assert check.main(["--reference", str(reference), "--out", str(tmp_path)]) == 1
    assert "SLOWER rest: ratio 0.2400 (recorded 0.3000, floor 0.2550, -20.0%)" in (
        capsys.readouterr().out
    )
    monkeypatch.setattr(check, "measure", lambda duration: _fake_run(0.27))
    assert check.main(["--reference", str(reference), "--out", str(tmp_path)]) == 0


def test_without_a_reference_it_says_how_to_record_one(tmp_path: Path) -> None:
    assert check.main(["--reference", str(tmp_path / "none.json")]) == 2
