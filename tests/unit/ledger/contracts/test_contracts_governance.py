"""A consortium chain where code arrives by governance, and contracts read membership roles."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "governance"))
from consortium import Consortium, key

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import address_of
from sen.ledger.modules.contracts import install_runtime, load_settings
from sen.vm import Runtime

REGISTRY = (
    Path(__file__).parents[4] / "contracts" / "examples" / "registry" / "contract.py"
).read_bytes()


@pytest.fixture
def consortium(tmp_path: Path, contract_runtime: Runtime) -> Iterator[Consortium]:
    install_runtime(contract_runtime)
    made = Consortium(
        tmp_path / "db", contracts={"runtime": contract_runtime.digest, "upload": "governance"}
    )
    yield made
    made.close()


def passed(chain: Consortium, kind: str, payload: dict[str, object]) -> None:
    proposal = chain.propose(chain.admins[0], kind, payload)
    results = [chain.vote(admin, proposal) for admin in chain.admins[:3]]
    assert results[-1].code == 0, results[-1].log


def test_code_by_proposal_only_and_minting_by_role(consortium: Consortium) -> None:
    chain = consortium
    direct = chain.run(chain.writer, "contracts", "upload", {"source": REGISTRY})
    assert direct.code == ResultCode.UPLOAD_NOT_ALLOWED
    passed(chain, "upload_contract", {"source": REGISTRY})
    code = hashlib.sha256(REGISTRY).digest()
    made = chain.run(
        chain.writer,
        "contracts",
        "instantiate",
        {"code": code, "args": {"name": "VCU", "minter_role": "writer", "minters": []}},
    )
    assert made.code == 0, made.log
    contract = made.data
    writer = address_of(chain.writer.suite, chain.writer.public_key).hex()
    mint = {
        "contract": contract,
        "entry": "mint",
        "args": {"asset": "VCU", "to": writer, "amount": 7},
    }
    minted = chain.run(chain.writer, "contracts", "execute", mint)
    assert minted.code == 0, minted.log  # the writer holds the role "writer" (membership module)
    assert json.loads(minted.data) == 7
    admin_mint = chain.run(chain.admins[1], "contracts", "execute", mint)
    assert admin_mint.code == 0, admin_mint.log  # org-1's admin also holds "writer"
    outsider = key(77)  # not enrolled: refused by the permission check before the contract runs
    refused = chain.run(outsider, "contracts", "execute", mint)
    assert refused.code == ResultCode.UNKNOWN_SIGNER


def test_settings_by_proposal(consortium: Consortium) -> None:
    chain = consortium
    bad = chain.run(
        chain.admins[0],
        "governance",
        "propose",
        {"kind": "set_contract_settings", "payload": {"max_gas": 0}},
    )
    assert bad.code == ResultCode.INVALID_PROPOSAL and "args.payload.max_gas" in bad.log
    unknown = chain.run(
        chain.admins[0],
        "governance",
        "propose",
        {"kind": "set_contract_settings", "payload": {"runtime": "00" * 32}},
    )
    assert unknown.code == ResultCode.INVALID_PROPOSAL and "args.payload.runtime" in unknown.log
    passed(chain, "set_contract_settings", {"upload": "anyone", "max_gas": 50_000_000})
    settings = load_settings(chain.app.store)
    assert settings is not None and (settings.upload, settings.max_gas) == ("anyone", 50_000_000)
    uploaded = chain.run(chain.writer, "contracts", "upload", {"source": REGISTRY})
    assert uploaded.code == 0, uploaded.log


def test_a_broken_source_fails_the_proposal(consortium: Consortium) -> None:
    chain = consortium
    proposal = chain.propose(chain.admins[0], "upload_contract", {"source": b"def broken(:\n"})
    results = [chain.vote(admin, proposal) for admin in chain.admins[:3]]
    assert results[-1].code == 0  # the vote counts; the proposal fails with the code's refusal
    assert (
        chain.app.store.get(b"contracts/code/" + hashlib.sha256(b"def broken(:\n").digest()) is None
    )
