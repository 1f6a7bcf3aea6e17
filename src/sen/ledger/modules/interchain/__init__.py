"""Module ``interchain``: light clients of other chains, verified inside consensus.

A chain believes another chain's state only through a light client it runs
itself: ``create_client`` from a header the counterparty's validators signed,
``update_client`` with newer headers the trusted validators vouch for
(CometBFT's skipping verification), ``submit_misbehaviour`` to freeze a client
on two conflicting signed headers. Each verified header leaves a consensus
state (time, state root, next validators) that packets will be proved against
(``docs/adr/0012-interchain.md``; ``docs/spec/interchain.md``).
"""

from sen.ledger.modules.interchain import status_query, transfer  # register their ports
from sen.ledger.modules.interchain.actions import MODULE
from sen.ledger.modules.interchain.records import (
    ClientState,
    ConsensusState,
    load_client,
    load_consensus,
)

__all__ = [
    "MODULE",
    "ClientState",
    "ConsensusState",
    "load_client",
    "load_consensus",
    "status_query",
    "transfer",
]
