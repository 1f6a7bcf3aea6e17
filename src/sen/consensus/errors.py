"""Errors of the consensus layer (engines and the application boundary).

::

    ConsensusError
    ├── GenesisMismatch     the data directory was made from another genesis
    ├── MempoolFull         back-pressure: try again later (nothing was dropped)
    ├── EngineStopped       the engine is not running
    └── OutOfOrder          an engine called the application out of the ABCI order
                            (finalize_block for the wrong height, commit before it)
"""

from __future__ import annotations


class ConsensusError(Exception):
    """Root of every error raised by ``sen.consensus``."""


class GenesisMismatch(ConsensusError):
    pass


class MempoolFull(ConsensusError):
    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"mempool is full ({size} of {limit} transactions); try again later")


class EngineStopped(ConsensusError):
    pass


class OutOfOrder(ConsensusError):
    """The engine broke the ABCI call order; the application changed nothing."""
