"""The anchoring loop outlives a failure it did not expect: the next round runs."""

from __future__ import annotations

import threading

from sen.services.traceability.anchoring import CaptureAnchorer


class Flaky:
    """A repository whose first round fails as a database driver might."""

    def __init__(self) -> None:
        self.rounds = 0
        self.second = threading.Event()

    def anchor_running(self) -> int:
        self.rounds += 1
        if self.rounds == 1:
            raise RuntimeError("database is locked")
        self.second.set()
        return 0


def test_the_loop_survives_an_unexpected_failure() -> None:
    repository = Flaky()
    anchorer = CaptureAnchorer(repository, poll=0.01)  # type: ignore[arg-type]
    anchorer.start()
    try:
        assert repository.second.wait(timeout=30)
    finally:
        anchorer.stop()
    assert repository.rounds >= 2
