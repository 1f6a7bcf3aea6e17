"""The credentials benchmark runs end to end and reports every cryptosuite (no timing asserted)."""

from __future__ import annotations

from senbench.credentials import CRYPTOSUITES, run_credentials


def test_it_reports_each_cryptosuite_and_resolutions() -> None:
    result = run_credentials(count=3, dids=5)
    names = [s["cryptosuite"] for s in result["cryptosuites"]]
    assert names == [name for name, _ in CRYPTOSUITES]
    for suite in result["cryptosuites"]:
        assert suite["credentials"] == 3
        assert suite["issued_per_s"] > 0 and suite["verified_per_s"] > 0
    assert result["did_resolution"]["dids_in_state"] == 5
    assert result["did_resolution"]["resolutions_per_s"] > 0
