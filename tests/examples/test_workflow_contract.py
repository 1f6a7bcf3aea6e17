"""The reference multi-party workflow (contracts/examples/workflow), run locally."""

from __future__ import annotations

from pathlib import Path

import pytest

from sen.vm import CallStatus, Runtime
from sen.vm.local import CallFailed, LocalContract

SOURCE = (
    Path(__file__).parents[2] / "contracts" / "examples" / "workflow" / "contract.py"
).read_bytes()
DIGEST = "ab" * 32


@pytest.fixture
def workflow(contract_runtime: Runtime) -> LocalContract:
    made = LocalContract(SOURCE, runtime=contract_runtime)
    made.instantiate(sender="a")
    return made


def propose(workflow: LocalContract, deadline_in: int = 100) -> None:
    workflow.execute(
        "propose", sender="a", doc_id="hd-1", title="Hợp đồng ba bên", digest=DIGEST,
        parties=["a", "b", "c"], deadline=workflow.time + deadline_in,
    )  # fmt: skip


def test_all_parties_sign_before_the_deadline(workflow: LocalContract) -> None:
    propose(workflow)
    assert workflow.execute("sign", sender="a", doc_id="hd-1")["state"] == "open"
    assert workflow.execute("sign", sender="b", doc_id="hd-1")["signed"] == 2
    assert workflow.execute("sign", sender="c", doc_id="hd-1")["state"] == "complete"
    status = workflow.query("status", doc_id="hd-1")
    assert status["state"] == "complete" and status["missing"] == []
    assert ("completed", (("doc", "hd-1"),)) in workflow.events


def test_refusals(workflow: LocalContract) -> None:
    propose(workflow)
    workflow.execute("sign", sender="a", doc_id="hd-1")
    for sender, message in [("a", "already signed"), ("mallory", "not a party")]:
        with pytest.raises(CallFailed, match=message) as refused:
            workflow.execute("sign", sender=sender, doc_id="hd-1")
        assert refused.value.status is CallStatus.REFUSED
    with pytest.raises(CallFailed, match="only the proposer"):
        workflow.execute("cancel", sender="b", doc_id="hd-1")
    with pytest.raises(CallFailed, match="exists"):
        propose(workflow)


def test_deadline_passes(workflow: LocalContract) -> None:
    propose(workflow, deadline_in=17)  # each local call advances the block time by 5 s
    workflow.execute("sign", sender="a", doc_id="hd-1")
    workflow.execute("sign", sender="b", doc_id="hd-1")
    with pytest.raises(CallFailed, match="expired"):
        workflow.execute("sign", sender="c", doc_id="hd-1")
    assert workflow.query("status", doc_id="hd-1")["state"] == "expired"


def test_cancel(workflow: LocalContract) -> None:
    propose(workflow)
    assert workflow.execute("cancel", sender="a", doc_id="hd-1") == "cancelled"
    with pytest.raises(CallFailed, match="cancelled"):
        workflow.execute("sign", sender="b", doc_id="hd-1")


def test_an_organisation_signs_through_any_active_member(contract_runtime: Runtime) -> None:
    members = {"rector": {"organisation": "uni", "roles": ["admin"]}}
    workflow = LocalContract(SOURCE, runtime=contract_runtime, members=members)
    workflow.execute(
        "propose", sender="a", doc_id="d", title="t", digest=DIGEST, parties=["a", "org:uni"],
        deadline=workflow.time + 100,
    )  # fmt: skip
    workflow.execute("sign", sender="a", doc_id="d")
    assert workflow.execute("sign", sender="rector", doc_id="d")["state"] == "complete"
    assert workflow.query("status", doc_id="d")["signed"]["org:uni"]["by"] == "rector"
