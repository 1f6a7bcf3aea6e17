"""A logging filter that collapses repeated identical warnings and errors.

Under a flood (descriptors exhausted, a client sending garbage in a loop) one
failure can log the same traceback tens of thousands of times a second: 42 MB
of log in 15 s, which hides everything else and fills the disk. With
:class:`RepeatFilter` on the handler, a record at WARNING or above passes once
per ``interval`` seconds per *key* — logger, level, message template and
exception class — and the next one that passes says how many were left out::

    ERROR asyncio: socket.accept() out of system resource [1843 like it left out]

Records below WARNING pass untouched.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_INTERVAL = 10.0
MAX_KEYS = 1024
"""Keys remembered at most (the oldest are forgotten): the filter's memory is bounded."""

_Key = tuple[str, int, str, str]


@dataclass(slots=True)
class _Seen:
    passed_at: float
    suppressed: int = 0


class RepeatFilter(logging.Filter):
    """Pass a WARNING-or-above record once per ``interval`` seconds per key; count the rest."""

    def __init__(
        self,
        interval: float = DEFAULT_INTERVAL,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        super().__init__()
        self.interval = interval
        self.clock = clock
        self.max_keys = max_keys
        self._seen: OrderedDict[_Key, _Seen] = OrderedDict()
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = _key(record)
        now = self.clock()
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None and now - seen.passed_at < self.interval:
                seen.suppressed += 1
                return False
            suppressed = 0 if seen is None else seen.suppressed
            self._seen[key] = _Seen(passed_at=now)
            self._seen.move_to_end(key)
            while len(self._seen) > self.max_keys:
                self._seen.popitem(last=False)
        if suppressed:
            record.msg = f"{record.msg} [{suppressed} like it left out]"
        return True


def _key(record: logging.LogRecord) -> _Key:
    error = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
    return (record.name, record.levelno, str(record.msg), error)


def install(handler: logging.Handler, interval: float = DEFAULT_INTERVAL) -> RepeatFilter:
    """Put a :class:`RepeatFilter` on ``handler`` (once) and return it."""
    for existing in handler.filters:
        if isinstance(existing, RepeatFilter):
            return existing
    repeat = RepeatFilter(interval)
    handler.addFilter(repeat)
    return repeat
