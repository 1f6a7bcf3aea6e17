"""The relayer's Prometheus metrics: client age, pending packets, relay latency.

- ``sen_relayer_client_age_seconds{chain,client}``: how old the client's latest
  consensus state is (wall clock minus the header's time). It should stay
  under ``trusting_period / refresh_fraction`` plus one pass; a client near its
  trusting period is about to expire.
- ``sen_relayer_client_frozen{chain,client}``: 1 once misbehaviour froze it.
- ``sen_relayer_pending_packets{chain,client}``: packets sent and not settled.
- ``sen_relayer_relay_latency_seconds{kind}``: from the packet's send block
  time to the settling transaction's commit, by ``ack`` or ``timeout``.
- ``sen_relayer_transactions_total{chain,action,outcome}``: what the relayer
  submitted; ``outcome`` is ``ok``, ``duplicate`` (another relayer was first;
  harmless) or the refusal's code name.
- ``sen_relayer_errors_total{link}``: passes that failed (unreachable chain...).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 120, 300, 600)


class RelayerMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.client_age = Gauge(
            "sen_relayer_client_age_seconds",
            "Age of a client's latest consensus state (wall clock minus header time).",
            ["chain", "client"],
            registry=self.registry,
        )
        self.client_frozen = Gauge(
            "sen_relayer_client_frozen",
            "1 when the client is frozen by proved misbehaviour.",
            ["chain", "client"],
            registry=self.registry,
        )
        self.pending = Gauge(
            "sen_relayer_pending_packets",
            "Packets sent through the client and not yet settled.",
            ["chain", "client"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sen_relayer_relay_latency_seconds",
            "Send block time to the settling transaction's commit.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.transactions = Counter(
            "sen_relayer_transactions",
            "Transactions the relayer submitted, by outcome.",
            ["chain", "action", "outcome"],
            registry=self.registry,
        )
        self.errors = Counter(
            "sen_relayer_errors",
            "Relay passes that failed.",
            ["link"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
