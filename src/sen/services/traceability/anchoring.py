"""The EPCIS repository's anchoring loop: each running capture job recorded on chain.

A capture wakes the loop (:meth:`CaptureAnchorer.wake`); it also looks every ``poll``
seconds, so a job that waited for an unreachable node is recorded once the node is back.
Jobs are recorded oldest first, one ``trace.record_capture`` each
(:meth:`sen.services.traceability.repository.Repository.anchor_running`).
"""

from __future__ import annotations

import logging
import threading

from sen.services.traceability.errors import TraceabilityError
from sen.services.traceability.repository import Repository

log = logging.getLogger("sen.traceability.anchoring")


class CaptureAnchorer:
    def __init__(self, repository: Repository, *, poll: float = 2.0) -> None:
        self.repository = repository
        self._poll = poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                finished = self.repository.anchor_running()
                if finished:
                    log.info("%d capture job(s) recorded on chain", finished)
            except (TraceabilityError, OSError) as exc:  # try again next round
                log.warning("capture anchoring: %s", exc)
            except Exception:  # the store or the driver failed unexpectedly: a loop that
                # died would leave every later job running, unseen; log it, try next round
                log.exception("capture anchoring failed; trying again in %s s", self._poll)
            self._wake.wait(self._poll)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="epcis-capture-anchoring", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
