"""The suites benchmark runs end to end (tiny sizes) and reports what it measured."""

from __future__ import annotations

from senbench.suites import SUITES, run_suites


def test_suites_benchmark_reports_every_suite() -> None:
    report = run_suites(txs=40, senders=4, seconds=0.01)
    assert report["benchmark"] == "signature_suites"
    assert set(report["suites"]) == set(SUITES)
    assert report["libraries"]["openssl"].startswith("OpenSSL")
    for name, figures in report["suites"].items():
        assert figures["check_tx_per_s"] > 0, name
        assert figures["verify_per_s_one_thread"] > 0 and figures["sign_per_s_one_thread"] > 0
    assert report["suites"]["ml-dsa-65"]["tx_bytes_median"] > 5000
    assert report["suites"]["ecdsa-p256"]["signature_bytes"] == 64
