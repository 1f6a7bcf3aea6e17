"""Module ``directory``: the hub chain's register of member chains and the data they hold.

A registry ("hub") chain records, by governance only, each member chain of
the network: its chain id, genesis hash, operating organisation, sector,
endpoints, validator-set hash, its light-client links to other chains, and
a catalogue of the record types it holds, each addressed by a stable URI
``sen://<chain id>/<module>/<record type>[/...]``. The proposal kinds
``register_chain``, ``update_chain`` and ``remove_chain`` (parsed here,
executed by :mod:`~sen.ledger.modules.directory.registry`) are the only way
to change it; the module has no actions of its own. Every entry, catalogue
entry and record-type index is one state key, read with a state proof
(``GET /v1/directory/...``). See ``docs/spec/directory.md``.
"""

from sen.ledger.modules.base import Module
from sen.ledger.modules.directory.parsing import (
    CHAIN_ID_PATTERN,
    RECORD_TYPE_PATTERN,
    URI_PATTERN,
    parse_register_chain,
    parse_remove_chain,
    parse_update_chain,
)
from sen.ledger.modules.directory.records import (
    ChainEntry,
    Dataset,
    Endpoint,
    Link,
    chain_key,
    dataset_key,
    list_chains,
    load_chain,
    load_counts,
    load_dataset,
    load_type_index,
    type_key,
)
from sen.ledger.modules.directory.registry import register_chain, remove_chain, update_chain

MODULE = Module("directory", {}, depends_on=("membership",))

__all__ = [
    "CHAIN_ID_PATTERN",
    "MODULE",
    "RECORD_TYPE_PATTERN",
    "URI_PATTERN",
    "ChainEntry",
    "Dataset",
    "Endpoint",
    "Link",
    "chain_key",
    "dataset_key",
    "list_chains",
    "load_chain",
    "load_counts",
    "load_dataset",
    "load_type_index",
    "parse_register_chain",
    "parse_remove_chain",
    "parse_update_chain",
    "register_chain",
    "remove_chain",
    "type_key",
    "update_chain",
]
