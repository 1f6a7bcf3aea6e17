"""Repeated identical warnings and errors collapse to one per interval, with a count."""

from __future__ import annotations

import logging

from sen.api.logs import RepeatFilter, install


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def record(message: str = "accept failed: %s", *, level: int = logging.ERROR, name: str = "x"):  # type: ignore[no-untyped-def]
    return logging.LogRecord(name, level, __file__, 1, message, ("EMFILE",), None)


def test_repeats_within_the_interval_are_counted_and_reported_once_it_passes() -> None:
    clock = FakeClock()
    repeat = RepeatFilter(10.0, clock=clock)
    assert repeat.filter(record())
    passed = [repeat.filter(record()) for _ in range(94_060)]
    assert not any(passed)
    clock.now += 9.9
    assert not repeat.filter(record())
    clock.now += 0.2
    shown = record()
    assert repeat.filter(shown)
    assert shown.getMessage() == "accept failed: EMFILE [94061 like it left out]"
    clock.now += 10
    quiet = record()
    assert repeat.filter(quiet) and quiet.getMessage() == "accept failed: EMFILE"


def test_keys_are_logger_level_template_and_exception_class() -> None:
    repeat = RepeatFilter(10.0, clock=FakeClock())
    assert repeat.filter(record())
    assert repeat.filter(record(name="y"))
    assert repeat.filter(record(level=logging.WARNING))
    assert repeat.filter(record("another: %s"))
    try:
        raise OSError("Too many open files")
    except OSError:
        import sys

        with_error = record()
        with_error.exc_info = sys.exc_info()
    assert repeat.filter(with_error)
    assert not repeat.filter(record())


def test_info_and_debug_always_pass() -> None:
    repeat = RepeatFilter(10.0, clock=FakeClock())
    assert all(repeat.filter(record(level=logging.INFO)) for _ in range(100))


def test_memory_is_bounded() -> None:
    repeat = RepeatFilter(10.0, clock=FakeClock(), max_keys=3)
    for i in range(10):
        assert repeat.filter(record(f"message {i}"))
    assert len(repeat._seen) == 3
    assert repeat.filter(record("message 0"))  # forgotten, so shown again


def test_install_puts_one_filter_on_a_handler() -> None:
    handler = logging.StreamHandler()
    first = install(handler)
    assert install(handler) is first
    assert handler.filters == [first]
