"""The health-records exchange end to end on the deployment's parts: hospital A's vault on
the real PostgreSQL (started on 127.0.0.1 for the test) with each patient's key held on a
SoftHSM2 token, against a running node. The patient's key is destroyed on the token at the
erasure, the server keeps nothing that decrypts, and no personal data reaches the chain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hsm_support import SoftHsm

from sen.api.inprocess import in_process_client
from sen.ledger.pii import scan_chain
from sen.node.config import load_config
from sen.node.node import Node, init_home
from sen.services.vault.demo import RECORD, run
from sen.services.vault.hsm import HsmDataKeys
from sen.services.vault.pgdev import PgCluster
from sen.services.vault.postgres import PostgresVaultStore


@pytest.fixture(scope="module")
def postgres() -> Iterator[PgCluster]:
    cluster = PgCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    config = init_home(tmp_path / "home", chain_id="vn-health", block_interval=0.05)
    running = Node.open(load_config(config.home))
    running.start()
    yield running
    running.close()


def test_the_exchange_on_postgresql_with_keys_in_the_hsm(
    node: Node, postgres: PgCluster, softhsm: SoftHsm, tmp_path: Path
) -> None:
    store = PostgresVaultStore(
        postgres.create_database("ehr"), tmp_path / "keyring.db", "VN-HN", pool_size=2
    )
    keys = HsmDataKeys(softhsm.uri("ehr-vault"))
    client = in_process_client(node)
    said: list[str] = []
    try:
        trail = run(client, tmp_path, said.append, store=store, keys=keys)
        [subject] = store.erased_subjects()
        [erased] = store.records_of(subject)
        with store.pool.connection() as db:  # what the server still holds of the record
            row = db.execute(
                "SELECT nonce, ciphertext FROM vault_records WHERE reference = %s",
                (erased.reference,),
            ).fetchone()
        held = store.keyring.subject(subject)
    finally:
        client.close()
        store.close()
    assert trail.read == RECORD  # the diacritics round-trip exactly, through the HSM
    assert trail.proven_reads == 1 and trail.refused_after_withdrawal == "withdrawn"
    assert trail.erasure_receipt_height > 0
    assert len(said) == 7
    assert row == (None, None)  # the ciphertext is gone from the server
    assert held is not None and held.wrapped_key is None  # and the key's name from the keyring
    assert held.kek == keys.name
    assert _token_labels(softhsm, "ehr-vault/") == []  # no patient's key is left on the token
    made = keys.new()  # and the listing does see a key of this vault when there is one
    assert len(_token_labels(softhsm, "ehr-vault/")) == 1
    keys.destroy(made)
    heights = range(1, node.app.height + 1)
    blocks = []
    for height in heights:
        block = node.engine.blocks.load_block(height)
        assert block is not None
        blocks.append((height, block.txs))
    results = [(h, list(node.app.store.load_results(h) or [])) for h in heights]
    state = node.app.store.scan(b"", b"\xff" * 8, 1_000_000)
    assert scan_chain(blocks, results, state) == []


def _token_labels(softhsm: SoftHsm, prefix: str) -> list[str]:
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    token = pkcs11.lib(softhsm.module).get_token(token_label="sen-test")
    with token.open() as session:  # shares this process's login to the token
        found = session.get_objects({Attribute.CLASS: ObjectClass.SECRET_KEY})
        labels = [str(key[Attribute.LABEL]) for key in found]
    return [label for label in labels if label.startswith(prefix)]
