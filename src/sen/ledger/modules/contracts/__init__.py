"""Module ``contracts``: Python contracts that organisations deploy themselves (ADR 0013).

``upload`` stores a contract's source by its SHA-256 (checked to compile in
the runtime), ``instantiate`` makes an instance with an address, an optional
admin and a label and runs its ``@sen.instantiate`` entry, ``execute`` runs an
``@sen.execute`` entry, ``migrate`` (the admin only) moves an instance to new
code. Queries (``@sen.query``) run without a transaction
(:func:`~sen.ledger.modules.contracts.queries.query_contract`). The contract
code runs in :mod:`sen.vm`; what it may read and the state it keeps are
described in ``docs/spec/contracts.md``. A chain runs contracts only if its
genesis names the runtime (``app_state.contracts``, :mod:`.genesis`).
"""

from sen.ledger.modules.base import Module
from sen.ledger.modules.contracts.actions import EXECUTE, INSTANTIATE, MIGRATE, UPLOAD
from sen.ledger.modules.contracts.calls import (
    install_runtime,
    install_runtime_loader,
    installed_runtimes,
    runtime_for,
)
from sen.ledger.modules.contracts.genesis import contracts_genesis
from sen.ledger.modules.contracts.queries import query_contract
from sen.ledger.modules.contracts.records import (
    CodeRecord,
    InstanceRecord,
    Settings,
    code_hash,
    contract_address,
    load_code,
    load_instance,
    load_settings,
    load_source,
    state_key,
)

MODULE = Module(
    "contracts",
    {"upload": UPLOAD, "instantiate": INSTANTIATE, "execute": EXECUTE, "migrate": MIGRATE},
    depends_on=("membership", "identity", "status"),
    genesis=contracts_genesis,
)

__all__ = [
    "MODULE",
    "CodeRecord",
    "InstanceRecord",
    "Settings",
    "code_hash",
    "contract_address",
    "install_runtime",
    "install_runtime_loader",
    "installed_runtimes",
    "load_code",
    "load_instance",
    "load_settings",
    "load_source",
    "query_contract",
    "runtime_for",
    "state_key",
]
