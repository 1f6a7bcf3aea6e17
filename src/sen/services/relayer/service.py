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
from collections.abc import Callable, Sequence

from sen.sdk.errors import SenError
from sen.services.relayer.errors import ClientUnusable, LinkMisconfigured, RelayerError
from sen.services.relayer.link import Link, PassReport
from sen.services.relayer.metrics import RelayerMetrics

log = logging.getLogger("sen.relayer")

MAX_BACKOFF = 60.0


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
        self.unusable: dict[str, str] = {}  # link label -> why it is not relayed now
        self.misconfigured: dict[str, str] = {}  # link label -> why its settings do not hold
        self.totals = PassReport()  # everything every pass did

    def run_pass(self) -> PassReport:
        """One pass over every link; the sum of what they did. A link that fails is logged,
        counted and tried again next pass: whatever a node answers, the other links go on."""
        total = PassReport()
        for link in self.links:
            try:
                report = link.run_pass()
            except LinkMisconfigured as exc:  # said once; looked at again each pass
                if self.misconfigured.get(link.label) != exc.message:
                    self._failed(link, exc.message, logging.ERROR, "not relaying")
                self.misconfigured[link.label] = exc.message
                total.errors += 1
                continue
            except ClientUnusable as exc:  # frozen or expired: each pass looks again
                if self.unusable.get(link.label) != exc.message:
                    self._failed(link, exc.message, logging.ERROR, "not relaying")
                self.unusable[link.label] = exc.message
                total.errors += 1
                continue
            except (RelayerError, SenError) as exc:
                self._failed(link, str(exc), logging.WARNING, "pass failed, retried next pass")
                total.errors += 1
                continue
            except Exception as exc:  # a node's answer no check foresaw: never the whole relayer
                log.exception("%s: pass failed unexpectedly, retried next pass", link.label)
                self.last_error = f"{type(exc).__name__}: {exc}"
                self.metrics.errors.labels(link.label).inc()
                total.errors += 1
                continue
            if self.unusable.pop(link.label, None) is not None:
                log.info("%s: the link's clients are usable again: relaying", link.label)
            if self.misconfigured.pop(link.label, None) is not None:
                log.info("%s: the link's settings hold now: relaying", link.label)
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

    def _failed(self, link: Link, message: str, level: int, what: str) -> None:
        self.last_error = message
        log.log(level, "%s: %s: %s", link.label, what, message)
        self.metrics.errors.labels(link.label).inc()

    def run(self, stop: threading.Event | None = None) -> None:
        """Pass after pass until ``stop`` (or :meth:`stop`) is set; after failing passes the
        wait doubles, up to a minute (a node down is not asked every second)."""
        stop = stop if stop is not None else self._stop
        failures = 0
        while not stop.is_set() and not self._stop.is_set():
            report = self.run_pass()
            failures = failures + 1 if report.errors else 0
            if report.did_work and not report.errors:
                continue
            stop.wait(min(MAX_BACKOFF, self.interval * 2 ** min(failures, 10)))

    def start(self, ready: Callable[[], None] | None = None) -> None:
        """Run in a background thread (``sen node run --relay``), after ``ready`` returns
        (e.g. once the node's API answers)."""

        def main() -> None:
            if ready is not None:
                ready()
            self.run()

        self._thread = threading.Thread(target=main, name="sen-relayer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def _add(total: PassReport, report: PassReport) -> None:
    for name in (
        "updates",
        "received",
        "acknowledged",
        "timed_out",
        "duplicates",
        "refused",
        "errors",
    ):
        setattr(total, name, getattr(total, name) + getattr(report, name))
    total.frozen += report.frozen
    total.latencies.extend(report.latencies)
