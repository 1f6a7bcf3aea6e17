"""Queries: a contract's ``@sen.query`` entries, run on committed state without a transaction.

A query runs in a fresh session with its own gas limit; it cannot write (the
runtime refuses an answer that carries writes) and costs the node only its
time, so the API bounds its gas.
"""

from __future__ import annotations

from sen.ledger.modules.contracts.calls import CallScope, StateReads, environment, runtime_for
from sen.ledger.modules.contracts.records import load_instance, load_settings, load_source
from sen.ledger.state import StateReader
from sen.ledger.types import BlockInfo
from sen.vm import CallResult


class QueryRefused(LookupError):
    """No contracts on this chain, or no contract at this address."""


def query_contract(
    state: StateReader,
    chain_id: str,
    block: BlockInfo,
    address: bytes,
    entry: str,
    arguments: str,
    gas: int,
    caller: bytes = b"",
) -> CallResult:
    settings = load_settings(state)
    if settings is None:
        raise QueryRefused("this chain runs no contracts")
    record = load_instance(state, address)
    if record is None:
        raise QueryRefused(f"no contract at {address.hex()}")
    source = load_source(state, record.code)
    if source is None:  # a code record without its source: never written so
        raise QueryRefused(f"the code {record.code.hex()} of {address.hex()} is missing")
    runtime = runtime_for(settings.runtime)
    env = environment(chain_id, block, address, caller, caller)
    session = runtime.session()
    scope = CallScope(state, None, session, chain_id, block, caller)
    reads = StateReads(scope, address)
    return session.call(address + record.code, source, "query", entry, arguments, env, gas, reads)
