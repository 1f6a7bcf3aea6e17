"""Upload, instantiate, execute, query and migrate through the consensus app, with the codes
and "nothing written" of every failure."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from contract_chain import TOKEN, ContractChain, address, answer, key

from sen.ledger.codes import ResultCode
from sen.ledger.modules.contracts import (
    contract_address,
    load_instance,
    query_contract,
    state_key,
)
from sen.ledger.types import BlockInfo
from sen.vm import CallStatus, Runtime

ALICE, BOB = key(1), key(2)


def test_token_lifecycle(chain: ContractChain) -> None:
    contract = chain.deploy(ALICE, TOKEN, supply=1000)
    alice, bob = address(ALICE).hex(), address(BOB).hex()
    assert chain.state(state_key(contract, b"balances\x00" + alice.encode())) == b"1000"
    sent = chain.one(
        ALICE, "execute", contract=contract, entry="transfer", args={"to": bob, "amount": 250}
    )
    assert sent.code == 0, sent.log
    assert answer(sent) == {"balance": 750}
    assert 0 < sent.gas_used <= sent.gas_wanted
    kinds = [event.type for event in sent.events]
    assert kinds == ["contract.execute", "contract.event"]
    with chain.db.read() as txn:
        reader = chain.app.store.reader(txn)
        result = query_contract(
            reader, chain.genesis.chain_id, BlockInfo(chain.app.height, 0, 0, b""), contract,
            "balance", json.dumps({"of": bob}), 5_000_000,
        )  # fmt: skip
    assert result.status is CallStatus.OK and json.loads(result.answer) == 250


def test_refusal_consumes_the_nonce_records_gas_and_writes_nothing(chain: ContractChain) -> None:
    contract = chain.deploy(ALICE, TOKEN, supply=10)
    before = chain.app_hash()
    refused = chain.one(
        ALICE, "execute", contract=contract, entry="transfer", args={"to": "x", "amount": 11}
    )
    assert refused.code == ResultCode.CONTRACT_REFUSED
    assert "insufficient balance" in refused.log
    assert refused.gas_used > 0 and refused.gas_wanted > 0
    assert chain.state(state_key(contract, b"balances\x00x")) is None
    # the next transaction with the next nonce goes through: the nonce was consumed
    again = chain.one(
        ALICE, "execute", contract=contract, entry="transfer", args={"to": "x", "amount": 1}
    )
    assert again.code == 0, again.log
    assert chain.app_hash() != before


def test_out_of_gas_writes_nothing_and_burns_the_limit(chain: ContractChain) -> None:
    contract = chain.deploy(ALICE, TOKEN, supply=10)
    spun = chain.one(ALICE, "execute", contract=contract, entry="spin", gas=2_000_000)
    assert spun.code == ResultCode.OUT_OF_GAS
    assert spun.gas_used == spun.gas_wanted == 2_000_000
    assert chain.state(state_key(contract, b"balances\x00x")) is None


def test_unknown_things_are_named(chain: ContractChain) -> None:
    missing = chain.one(ALICE, "execute", contract=bytes(20), entry="transfer", args={})
    assert missing.code == ResultCode.UNKNOWN_CONTRACT and "args.contract" in missing.log
    no_code = chain.one(ALICE, "instantiate", code=bytes(32), args={})
    assert no_code.code == ResultCode.UNKNOWN_CODE and "args.code" in no_code.log
    contract = chain.deploy(ALICE, TOKEN, supply=1)
    no_entry = chain.one(ALICE, "execute", contract=contract, entry="steal", args={})
    assert no_entry.code == ResultCode.NO_SUCH_ENTRY
    bad_args = chain.one(
        ALICE, "execute", contract=contract, entry="transfer", args={"to": b"\x00"}
    )
    assert bad_args.code == ResultCode.INVALID_ARGUMENT and "args.args.to" in bad_args.log
    too_much = chain.one(ALICE, "execute", contract=contract, entry="transfer", args={}, gas=10**12)
    assert too_much.code == ResultCode.GAS_LIMIT_TOO_HIGH and "args.gas" in too_much.log


def test_upload_checks(chain: ContractChain) -> None:
    broken = chain.one(ALICE, "upload", source=b"def broken(:\n")
    assert broken.code == ResultCode.INVALID_CODE and "syntax" in broken.log
    not_utf8 = chain.one(ALICE, "upload", source=b"\xff\xfe")
    assert not_utf8.code == ResultCode.INVALID_CODE
    first = chain.one(ALICE, "upload", source=TOKEN)
    assert first.code == 0 and first.data == hashlib.sha256(TOKEN).digest()
    twice = chain.one(BOB, "upload", source=TOKEN)
    assert twice.code == ResultCode.CODE_EXISTS
    large = chain.one(ALICE, "upload", source=b"#" * (256 * 1024 + 1))
    assert large.code == ResultCode.CODE_TOO_LARGE and "at most 262144 bytes" in large.log
    # below max_code_bytes, but compiling 70,000 bytes of Python costs 211 M gas: above max_gas
    dear = chain.one(ALICE, "upload", source=b"#" * 70_000)
    assert dear.code == ResultCode.CODE_TOO_LARGE and "of python code" in dear.log


def test_migrate_by_admin_only(chain: ContractChain) -> None:
    code = chain.one(ALICE, "upload", source=TOKEN).data
    made = chain.one(
        ALICE, "instantiate", code=code, args={"supply": 5}, admin=address(ALICE), label="t"
    )
    assert made.code == 0, made.log
    contract = made.data
    v2 = TOKEN + b"\n\n@sen.query\ndef version():\n    return 2\n"
    new_code = chain.one(ALICE, "upload", source=v2).data
    by_bob = chain.one(BOB, "migrate", contract=contract, code=new_code, args={})
    assert by_bob.code == ResultCode.NOT_CONTRACT_ADMIN
    by_alice = chain.one(ALICE, "migrate", contract=contract, code=new_code, args={})
    assert by_alice.code == 0, by_alice.log
    with chain.db.read() as txn:
        record = load_instance(chain.app.store.reader(txn), contract)
    assert record is not None and record.code == new_code
    # state survived the migration
    alice = address(ALICE).hex().encode()
    assert chain.state(state_key(contract, b"balances\x00" + alice)) == b"5"


def test_without_admin_nobody_migrates(chain: ContractChain) -> None:
    contract = chain.deploy(ALICE, TOKEN, supply=5)
    tried = chain.one(ALICE, "migrate", contract=contract, code=hashlib.sha256(TOKEN).digest())
    assert tried.code == ResultCode.NOT_CONTRACT_ADMIN and "immutable" in tried.log


def test_address_comes_from_the_transaction(chain: ContractChain) -> None:
    code = chain.one(ALICE, "upload", source=TOKEN).data
    raw = chain.tx(ALICE, "instantiate", {"code": code, "args": {"supply": 1}})
    (made,) = chain.block([raw])
    assert made.data == contract_address(hashlib.sha256(raw).digest())


def test_same_blocks_same_app_hash_on_two_fresh_chains(
    tmp_path: Path, contract_runtime: Runtime
) -> None:
    """The replay test: two fresh nodes given the same blocks of contract calls agree."""
    hashes = []
    for name in ("a", "b"):
        chain = ContractChain(tmp_path / name, contract_runtime)
        try:
            contract = chain.deploy(ALICE, TOKEN, supply=100)
            bob = address(BOB).hex()
            txs = [
                chain.tx(
                    ALICE,
                    "execute",
                    {"contract": contract, "entry": "transfer", "args": {"to": bob, "amount": n}},
                )
                for n in (1, 2, 200, 3)
            ]
            txs.append(
                chain.tx(
                    ALICE, "execute", {"contract": contract, "entry": "spin", "gas": 1_000_000}
                )
            )
            results = chain.block(txs)
            hashes.append((chain.app_hash(), [(r.code, r.gas_used, r.data) for r in results]))
        finally:
            chain.close()
    assert hashes[0] == hashes[1]
    codes = [code for code, _, _ in hashes[0][1]]
    assert codes == [0, 0, ResultCode.CONTRACT_REFUSED, 0, ResultCode.OUT_OF_GAS]


def test_block_gas_limit(tmp_path: Path, contract_runtime: Runtime) -> None:
    chain = ContractChain(
        tmp_path / "db", contract_runtime, max_gas=4_000_000, max_block_gas=12_000_000
    )
    try:
        contract = chain.deploy(ALICE, TOKEN, supply=100)  # the upload costs about 3 M
        call = {
            "contract": contract,
            "entry": "transfer",
            "args": {"to": "b", "amount": 1},
            "gas": 4_000_000,
        }
        results = chain.block([chain.tx(ALICE, "execute", call) for _ in range(4)])
        assert [r.code for r in results] == [0, 0, 0, ResultCode.BLOCK_GAS_EXHAUSTED]
        assert "args.gas" in results[3].log and results[3].gas_used == 0
        (later,) = chain.block([chain.tx(ALICE, "execute", call)])
        assert later.code == 0, later.log  # a new block has its own limit
    finally:
        chain.close()


def test_genesis_settings_are_checked(tmp_path: Path, contract_runtime: Runtime) -> None:
    with pytest.raises(Exception, match="max_gas"):
        ContractChain(tmp_path / "db", contract_runtime, max_gas=10, max_block_gas=5)


def test_proposers_pack_blocks_by_gas(tmp_path: Path, contract_runtime: Runtime) -> None:
    """A proposal holds the contract calls whose gas limits fit the block's; the others wait
    for a later block (never BLOCK_GAS_EXHAUSTED), and a proposal that overfills is refused."""
    from sen.abci.types import (
        ProposalStatus,
        RequestPrepareProposal,
        RequestProcessProposal,
        Timestamp,
    )

    chain = ContractChain(
        tmp_path / "db", contract_runtime, max_gas=4_000_000, max_block_gas=12_000_000
    )
    try:
        contract = chain.deploy(ALICE, TOKEN, supply=100)
        call = {"contract": contract, "entry": "transfer", "args": {"to": "b", "amount": 1}}
        txs = [chain.tx(ALICE, "execute", {**call, "gas": 4_000_000}) for _ in range(4)]
        at = Timestamp(2_000_000_000, 0)
        height = chain.app.height + 1
        prepared = chain.app.prepare_proposal(
            RequestPrepareProposal(
                max_tx_bytes=1 << 20, txs=tuple(txs), height=height, time=at,
                next_validators_hash=bytes(32), proposer_address=bytes(20),
            )
        )  # fmt: skip
        assert list(prepared.txs) == txs[:3]  # 3 x 4 M fill 12 M; the fourth waits

        def verdict(proposed: list[bytes]) -> ProposalStatus:
            return chain.app.process_proposal(
                RequestProcessProposal(
                    txs=tuple(proposed), hash=bytes(32), height=height, time=at,
                    next_validators_hash=bytes(32), proposer_address=bytes(20),
                )
            ).status  # fmt: skip

        assert verdict(txs[:3]) is ProposalStatus.ACCEPT
        assert verdict(txs) is ProposalStatus.REJECT
        assert [r.code for r in chain.block(list(prepared.txs))] == [0, 0, 0]
    finally:
        chain.close()
