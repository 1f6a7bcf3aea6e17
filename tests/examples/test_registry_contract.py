"""The reference asset registry (contracts/examples/registry), run locally in the real runtime."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.vm import CallStatus, Runtime
from sen.vm.local import CallFailed, LocalContract

SOURCE = (
    Path(__file__).parents[2] / "contracts" / "examples" / "registry" / "contract.py"
).read_bytes()


@pytest.fixture
def registry(contract_runtime: Runtime) -> LocalContract:
    made = LocalContract(SOURCE, runtime=contract_runtime)
    made.instantiate(sender="ministry", name="Tín chỉ carbon", minters=["ministry"])
    return made


def test_mint_transfer_retire(registry: LocalContract) -> None:
    assert registry.execute("mint", sender="ministry", asset="VCU", to="farm", amount=100) == 100
    assert registry.execute("transfer", sender="farm", asset="VCU", to="buyer", amount=40) == 60
    assert registry.execute("retire", sender="buyer", asset="VCU", amount=15, reason="2026") == 25
    assert registry.query("balance", asset="VCU", holder="farm") == 60
    assert registry.query("supply_of", asset="VCU") == {
        "minted": 100,
        "retired": 15,
        "circulating": 85,
    }
    kinds = [kind for kind, _ in registry.events]
    assert kinds == ["mint", "transfer", "retire"]


def test_no_double_spend_and_nothing_written_on_refusal(registry: LocalContract) -> None:
    registry.execute("mint", sender="ministry", asset="VCU", to="farm", amount=10)
    before = dict(registry.state)
    registry.execute("transfer", sender="farm", asset="VCU", to="a", amount=10)
    with pytest.raises(CallFailed) as spent:
        registry.execute("transfer", sender="farm", asset="VCU", to="b", amount=1)
    assert spent.value.status is CallStatus.REFUSED and "insufficient" in str(spent.value)
    assert registry.query("balance", asset="VCU", holder="b") == 0
    assert registry.state != before  # the first transfer was kept, the second wrote nothing


@pytest.mark.parametrize(
    ("entry", "args", "message"),
    [
        ("mint", {"sender": "farm", "asset": "VCU", "to": "farm", "amount": 5}, "only a minter"),
        ("mint", {"sender": "ministry", "asset": "VCU", "to": "farm", "amount": 0}, "positive"),
        ("mint", {"sender": "ministry", "asset": "VCU", "to": "farm", "amount": True}, "positive"),
        ("mint", {"sender": "ministry", "asset": "a/b", "to": "farm", "amount": 1}, "without '/'"),
        ("retire", {"sender": "farm", "asset": "VCU", "amount": 1}, "insufficient"),
    ],
)
def test_refusals_name_the_problem(
    registry: LocalContract, entry: str, args: dict[str, object], message: str
) -> None:
    state = dict(registry.state)
    with pytest.raises(CallFailed) as refused:
        registry.execute(entry, **args)  # type: ignore[arg-type]
    assert refused.value.status is CallStatus.REFUSED and message in str(refused.value)
    assert registry.state == state


def test_unique_items(registry: LocalContract) -> None:
    registry.execute(
        "mint_item", sender="ministry", item="OCOP-0001", asset="OCOP", to="coop", meta={"stars": 4}
    )
    with pytest.raises(CallFailed, match="exists"):
        registry.execute("mint_item", sender="ministry", item="OCOP-0001", asset="OCOP", to="x")
    with pytest.raises(CallFailed, match="only the owner"):
        registry.execute("transfer_item", sender="thief", item="OCOP-0001", to="thief")
    registry.execute("transfer_item", sender="coop", item="OCOP-0001", to="shop")
    registry.execute("retire_item", sender="shop", item="OCOP-0001", reason="sold")
    with pytest.raises(CallFailed, match="retired"):
        registry.execute("transfer_item", sender="shop", item="OCOP-0001", to="x")
    assert registry.query("item_of", item="OCOP-0001") == {
        "asset": "OCOP",
        "owner": "shop",
        "retired": True,
        "meta": {"stars": 4},
    }
