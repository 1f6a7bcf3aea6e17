"""The traceability benchmark runs end to end and reports each figure (no timing asserted)."""

from __future__ import annotations

from senbench.traceability import run_traceability


def test_it_captures_records_queries_and_verifies() -> None:
    result = run_traceability(
        documents=2, events_per_document=20, stored=500, lots=10, queries=5, receipts=5
    )
    assert result["conditions"]["stored_events"] == 540
    for figure in ("capture_events_per_s", "anchored_events_per_s", "receipts_verified_per_s"):
        assert result[figure] > 0, figure
    kinds = result["query_latency"]
    assert set(kinds) == {"lot", "serial", "step_in_a_day", "place", "gtin_pattern"}
    assert kinds["serial"]["mean_results"] == 1.0 and kinds["gtin_pattern"]["mean_results"] == 30
