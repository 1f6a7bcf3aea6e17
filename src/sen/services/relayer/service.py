"""The relayer loop: a pass over every link, again at once while there is work, else after
``interval``; errors of one link are logged and counted and never stop the others.

The first pass clears whatever was left pending while no relayer ran (every
packet still committed is looked at), and each later pass does the same, so a
relayer killed mid-flow and started again delivers every packet exactly once:
the chains refuse what was already done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from sen.sdk.errors import SenError
from sen.services.relayer.errors import ClientUnusable, RelayerError
from sen.services.relayer.link import Link, PassReport
from sen.services.relayer.metrics import RelayerMetrics

log = logging.getLogger("sen.relayer")


class Relayer:
    def __init__(
        self,
        links: Sequence[Link],
        *,
        interval: float = 1.0,
        metrics: RelayerMetrics | None = None,
    ) -> None:
        self.links = list(links)
        self.interval = interval
        self.metrics = metrics if metrics is not None else RelayerMetrics()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0
        self.last_error: str | None = None
        self.unusable: dict[str, str] = {}  # link label -> why it is not relayed any more
        self.totals = PassReport()  # everything every pass did

    def run_pass(self) -> PassReport:
        """One pass over every link; the sum of what they did."""
        total = PassReport()
        for link in self.links:
            if link.label in self.unusable:
                continue
            try:
                report = link.run_pass()
            except ClientUnusable as exc:
                self.unusable[link.label] = exc.message
                self.last_error = exc.message
                log.error("%s: stopped relaying: %s", link.label, exc.message)
                self.metrics.errors.labels(link.label).inc()
                continue
            except (RelayerError, SenError) as exc:
                self.last_error = str(exc)
                log.warning("%s: pass failed, retried next pass: %s", link.label, exc)
                self.metrics.errors.labels(link.label).inc()
                continue
            _add(total, report)
            if report.did_work:
                log.info(
                    "%s: %d updates, %d received, %d acknowledged, %d timed out, %d duplicates",
                    link.label,
                    report.updates,
                    report.received,
                    report.acknowledged,
                    report.timed_out,
                    report.duplicates,
                )
        self.passes += 1
        _add(self.totals, total)
        return total

    def run(self, stop: threading.Event | None = None) -> None:
        """Pass after pass until ``stop`` (or :meth:`stop`) is set."""
        stop = stop if stop is not None else self._stop
        while not stop.is_set() and not self._stop.is_set():
            report = self.run_pass()
            if not report.did_work:
                stop.wait(self.interval)

    def start(self) -> None:
        """Run in a background thread (``sen node run --relay``)."""
        self._thread = threading.Thread(target=self.run, name="sen-relayer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def _add(total: PassReport, report: PassReport) -> None:
    for name in ("updates", "received", "acknowledged", "timed_out", "duplicates", "refused"):
        setattr(total, name, getattr(total, name) + getattr(report, name))
    total.frozen += report.frozen
    total.latencies.extend(report.latencies)
