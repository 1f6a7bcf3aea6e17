"""The interchain benchmark runs end to end (two node processes, the relayer) and reports each
figure with its conditions (no timing asserted)."""

from __future__ import annotations

import pytest
from senbench.interchain import run_interchain

pytestmark = pytest.mark.slow


def test_it_relays_every_packet_and_reports_the_figures() -> None:
    result = run_interchain(packets=20, rate=5.0, seconds=2.0)
    backlog = result["backlog"]
    assert backlog["packets"] == 20
    assert backlog["transactions"]["received"] == 20
    assert backlog["transactions"]["acknowledged"] == 20
    assert backlog["relayed_and_acknowledged_per_s"] > 0
    paced = result["paced"]
    assert paced["acknowledged"] == paced["packets"] > 0
    latency = paced["latency_send_to_ack_committed_s"]
    assert 0 < latency["p50"] <= latency["p99"] <= latency["max"]
    assert result["proofs"]["verified_per_s_one_thread"] > 0
    assert "relayer" in result["conditions"] and result["conditions"]["cores"] >= 1
