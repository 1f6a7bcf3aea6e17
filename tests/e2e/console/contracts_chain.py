"""A chain that runs Python contracts, for the Contracts page's browser tests.

``write_home`` makes a one-validator home with ``init_home(..., contracts=True)`` (the runtime
is built once per machine, cached in ``~/.cache/sen/vm``). ``deploy`` then works through the
SDK over HTTP as an operator would: it uploads ``contracts/examples/registry`` and
``contracts/examples/workflow`` (and a small contract whose text holds markup, which the
console must show as text, and the Rust registry's component), instantiates the registry
twice (without an admin: immutable; with one) and the workflow once, mints an asset,
transfers part of it, and sends a transfer the contract refuses (more than the sender
holds), which fails in its block with gas recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sen.ledger.crypto import SigningKey
from sen.node.node import init_home
from sen.sdk import Client, address, generate_key
from sen.sdk.contracts import Contracts
from sen.sdk.errors import Rejected

CHAIN_ID = "sen-hop-dong"
EXAMPLES = Path(__file__).resolve().parents[3] / "contracts" / "examples"
REGISTRY = EXAMPLES / "registry" / "contract.py"
WORKFLOW = EXAMPLES / "workflow" / "contract.py"
REGISTRY_LABEL = "Sổ đăng ký tín chỉ carbon"
ADMIN_LABEL = "Sổ tài sản OCOP (có quản trị)"
WORKFLOW_LABEL = "Quy trình ký hồ sơ"
MARKUP_SOURCE = (
    b'"""<img src=x onerror="alert(1)"><b>not bold</b>: shown as text, never as markup."""\n\n'
    b"import sen_contract as sen\n\n\n@sen.query\n"
    b'def hello():\n    return "<i>xin ch\xc3\xa0o</i>"\n'
)
ASSET = "VCU"
MINTED = 100
SENT = 30


@dataclass
class ContractsChain:
    url: str
    key: SigningKey
    holder: str  # the deployer, who mints and holds the asset
    other: str  # who receives the transfer
    registry_code: str
    workflow_code: str
    markup_code: str
    component_code: str  # the Rust registry: a WebAssembly component, no source
    registry: str  # no admin: immutable
    administered: str  # the registry again, with the deployer as admin
    workflow: str
    mint_tx: str = ""
    transfer_tx: str = ""
    refused_tx: str = ""
    gas_used: int = 0
    gas_wanted: int = 0

    def client(self) -> Client:
        return Client.http(self.url)


def write_home(home: Path, port: int) -> None:
    init_home(home, chain_id=CHAIN_ID, port=port, block_interval=0.1, contracts=True)


def deploy(url: str, component: bytes) -> ContractsChain:
    key, receiver = generate_key(), generate_key()
    holder, other = address(key), address(receiver)
    with Client.http(url) as client:
        contracts = Contracts(client)
        registry_code = contracts.upload(key, REGISTRY.read_bytes())
        workflow_code = contracts.upload(key, WORKFLOW.read_bytes())
        markup_code = contracts.upload(key, MARKUP_SOURCE)
        component_code = contracts.upload(key, component)
        assert registry_code == hashlib.sha256(REGISTRY.read_bytes()).hexdigest()
        registry = contracts.instantiate(key, registry_code, {"name": "VCU"}, label=REGISTRY_LABEL)
        administered = contracts.instantiate(
            key, registry_code, {"name": "OCOP"}, admin=holder, label=ADMIN_LABEL
        )
        workflow = contracts.instantiate(key, workflow_code, label=WORKFLOW_LABEL)
        chain = ContractsChain(
            url=url,
            key=key,
            holder=holder,
            other=other,
            registry_code=registry_code,
            workflow_code=workflow_code,
            markup_code=markup_code,
            component_code=component_code,
            registry=registry,
            administered=administered,
            workflow=workflow,
        )
        minted = contracts.execute(
            key, registry, "mint", {"asset": ASSET, "to": holder, "amount": MINTED}
        )
        assert minted.answer == MINTED
        chain.mint_tx = minted.tx.hash
        sent = contracts.execute(
            key, registry, "transfer", {"asset": ASSET, "to": other, "amount": SENT}
        )
        assert sent.answer == MINTED - SENT
        assert sent.tx.result is not None
        chain.transfer_tx = sent.tx.hash
        chain.gas_used, chain.gas_wanted = sent.tx.result.gas_used, sent.tx.result.gas_wanted
        try:
            contracts.execute(
                key, registry, "transfer", {"asset": ASSET, "to": other, "amount": 10_000}
            )
        except Rejected as refused:
            assert refused.code_name == "CONTRACT_REFUSED", refused
            chain.refused_tx = refused.tx_hash
        else:
            raise AssertionError("the registry let a holder send more than it holds")
        assert contracts.query(registry, "balance", {"asset": ASSET, "holder": other}) == SENT
    return chain
