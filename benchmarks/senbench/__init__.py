"""Benchmarks: one command (`sen bench` / `make bench`), JSON results with their conditions.

Targets live here, never in timed tests. Each benchmark returns a dict that
names what was measured and under which conditions (cores, CPU, tx type and
size, block size, duration).
"""

from senbench.run import run_all

__all__ = ["run_all"]
