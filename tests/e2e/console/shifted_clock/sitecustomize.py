"""Moves a test node's clock on: Python imports this module at start-up when its folder is on
``PYTHONPATH``, and with ``SEN_TEST_CLOCK_SHIFT=<seconds>`` in the environment the wall clock
the embedded engine stamps blocks with (``time.time_ns``) runs that far ahead, as if the node
had been left running for days. The console's privacy tests restart their node this way to
let 72-hour clocks run out; nothing else uses it."""

import os
import time

_shift = int(os.environ.get("SEN_TEST_CLOCK_SHIFT", "0") or "0")
if _shift:
    _wall_ns = time.time_ns

    def _shifted_ns() -> int:
        return _wall_ns() + _shift * 1_000_000_000

    time.time_ns = _shifted_ns
