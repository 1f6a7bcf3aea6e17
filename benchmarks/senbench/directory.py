"""Directory lookups per second over REST, each with its state proof, against ``/v1/status``.

A hub node (one organisation, whose admin passes proposals alone) is given
``chains`` member chains by governance (``register_chain`` proposals and
their votes, a block of each), four datasets each over ten record types.
Then, in this process, through the node's own FastAPI app (no sockets, the
transport ``sen.api.inprocess`` uses), it times for ``seconds`` each:

- ``GET /v1/status`` (the reference: the same HTTP stack with no state proof);
- ``GET /v1/directory/chains/{id}`` (an entry and its proof);
- ``GET /v1/directory/datasets/{uri}`` (a catalogue entry and its proof);
- ``GET /v1/directory/datasets?type=`` (a record type's index and its proof);
- the chain lookup again with the client's side: the proof checked over the
  answer's ``value`` and the value decoded (what ``sen directory show`` does).

Each figure is also given as a ratio to the ``/v1/status`` rate of the same
run, which moves with the directory's code far more than with the machine.

``python -m senbench.directory --chains 200 --seconds 2`` runs it alone.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from sen.api.app import create_app
from sen.ledger import encoding
from sen.ledger.crypto import SigningKey, get_suite
from sen.ledger.light.state_proof import verify_state_proof
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.directory import ChainEntry, chain_key, load_counts
from sen.ledger.modules.governance.records import next_proposal_id
from sen.ledger.tx import sign_tx
from sen.light.genesis import GenesisValidator, make_genesis
from sen.node.config import load_config
from sen.node.keys import load_validator_key, public_bytes
from sen.node.node import Node, init_home
from sen.sdk.devca import (
    OrgAuthority,
    issue_ca_certificate,
    issue_member_certificate,
    pem,
    public_key_for,
    utc_now,
)
from senbench.conditions import machine

HUB = "vn-hub"
RECORD_TYPES = tuple(f"record-type-{n}" for n in range(10))
DATASETS_PER_CHAIN = 4
DAY = datetime.timedelta(days=1)


def _sha(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def chain_id(n: int) -> str:
    return f"vn-c{n:05d}"


def _types(n: int) -> list[str]:
    return [RECORD_TYPES[(n + k) % len(RECORD_TYPES)] for k in range(DATASETS_PER_CHAIN)]


def _entry(n: int) -> dict[str, Any]:
    name = chain_id(n)
    types = _types(n)
    return {
        "chain_id": name,
        "genesis_hash": _sha(f"genesis {name}"),
        "operator": "mic",
        "sector": "education",
        "endpoints": [
            {"kind": "rest", "url": f"https://api.{name}.sen.gov.vn"},
            {"kind": "rpc", "url": f"https://rpc.{name}.sen.gov.vn:26657"},
        ],
        "validators_hash": _sha(f"validators {name}"),
        "links": [
            {
                "counterparty": chain_id((n + 1) % 100_000),
                "client_id": "sen-client-0",
                "counterparty_client_id": "sen-client-1",
            }
        ],
        "datasets": [
            {
                "uri": f"sen://{name}/evidence/{record_type}",
                "record_type": record_type,
                "module": "evidence",
                "schema_digest": _sha(record_type),
            }
            for record_type in types
        ],
    }


def _hub(home: Path, admin: SigningKey) -> Node:
    key = ec.generate_private_key(ec.SECP256R1())
    now = utc_now()
    name = "Bộ Thông tin và Truyền thông"
    authority = OrgAuthority(
        "mic",
        name,
        issue_ca_certificate(
            key,
            common_name=f"{name} CA",
            organisation=name,
            not_before=now - DAY,
            not_after=now + DAY,
        ),
        key,
    )
    member = issue_member_certificate(
        authority,
        public_key_for(admin.suite, admin.public_key),
        common_name="Quản trị viên",
        roles=["admin"],
        not_before=now - DAY,
        not_after=now + DAY,
        serial=1,
    )
    config = init_home(home, chain_id=HUB, block_interval=0.05)
    validator = load_validator_key(config.validator_key_path)
    config.genesis_path.write_bytes(
        make_genesis(
            chain_id=HUB,
            genesis_time=Timestamp(int(time.time()), 0),
            validators=[GenesisValidator(public_bytes(validator), 10, "v0")],
            membership={
                "permissioned": True,
                "organisations": [{"id": "mic", "name": name, "ca": pem(authority.certificate)}],
                "members": [pem(member)],
            },
        )
    )
    return Node.open(load_config(config.home))


def _commit(node: Node, raws: list[bytes]) -> None:
    for start in range(0, len(raws), 1000):
        refused = [r for r in node.engine.submit(raws[start : start + 1000]) if r.code != 0]
        if refused:
            raise RuntimeError(f"{len(refused)} transactions refused: {refused[0].log}")
    while len(node.engine.mempool) or node.embedded()._last_had_txs:
        time.sleep(0.05)


def _register(node: Node, admin: SigningKey, chains: int) -> float:
    """Register ``chains`` entries by governance; the seconds it took."""
    started = time.perf_counter()
    first = next_proposal_id(node.app.store)

    def tx(nonce: int, action: str, args: dict[str, Any]) -> bytes:
        return sign_tx(
            admin, chain_id=HUB, nonce=nonce, module="governance", action=action, args=args
        ).raw

    _commit(
        node,
        [tx(n, "propose", {"kind": "register_chain", "payload": _entry(n)}) for n in range(chains)],
    )
    _commit(
        node,
        [tx(chains + n, "vote", {"proposal": first + n, "choice": "yes"}) for n in range(chains)],
    )
    if load_counts(node.app.store) != (chains, chains):
        raise RuntimeError(f"expected {chains} entries, found {load_counts(node.app.store)}")
    return time.perf_counter() - started


def _verify(body: dict[str, Any]) -> Any:
    proof = body["proof"]
    value = bytes.fromhex(body["value"])
    verify_state_proof(
        bytes.fromhex(body["app_hash"]),
        bytes.fromhex(body["key"]),
        value,
        [bytes.fromhex(s) for s in proof["siblings"]],
        bytes.fromhex(proof["leaf_path"]) if proof["leaf_path"] else None,
        bytes.fromhex(proof["leaf_value_hash"]) if proof["leaf_value_hash"] else None,
    )
    return encoding.decode(value)


def _rate(name: str, seconds: float, request: Callable[[int], None]) -> dict[str, Any]:
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        request(count)
        count += 1
    elapsed = time.perf_counter() - started
    return {"what": name, "requests": count, "seconds": round(elapsed, 3), "per_s": count / elapsed}


def run_directory(*, chains: int = 200, seconds: float = 2.0) -> dict[str, Any]:
    """One JSON-ready result: lookups/s of each kind, and each as a ratio to /v1/status."""
    admin = get_suite("ed25519").generate()
    node = _hub(Path(tempfile.mkdtemp(prefix="sen-bench-directory-")) / "home", admin)
    node.start()
    try:
        setup_seconds = _register(node, admin, chains)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # starlette's note about its TestClient's HTTP package
            from starlette.testclient import TestClient

        with TestClient(create_app(node), raise_server_exceptions=True) as client:

            def get(path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
                response = client.get(path, params=params)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
                body: dict[str, Any] = response.json()
                return body

            def chain(i: int) -> str:
                return chain_id((i * 7919) % chains)

            def dataset(i: int) -> str:
                n = (i * 7919) % chains
                return f"sen://{chain_id(n)}/evidence/{_types(n)[i % DATASETS_PER_CHAIN]}"

            def status(i: int) -> None:
                get("/v1/status")

            def entry(i: int) -> None:
                get(f"/v1/directory/chains/{chain(i)}")

            def by_uri(i: int) -> None:
                get(f"/v1/directory/datasets/{dataset(i)}")

            def by_type(i: int) -> None:
                get("/v1/directory/datasets", {"type": RECORD_TYPES[i % len(RECORD_TYPES)]})

            def verified_entry(i: int) -> None:
                if _verify(get(f"/v1/directory/chains/{chain(i)}"))["chain_id"] != chain(i):
                    raise RuntimeError(f"the answer for {chain(i)} is not what its proof proves")

            def proved_read(i: int) -> None:  # the work of the route, without HTTP
                _, _, stored, _ = node.app.store.prove(chain_key(chain(i)))
                if stored is None:
                    raise RuntimeError(f"{chain(i)} is not in the directory")
                ChainEntry.from_value(encoding.decode(stored))

            reference = _rate("GET /v1/status", seconds, status)
            runs = [
                _rate("GET /v1/directory/chains/{id}", seconds, entry),
                _rate("GET /v1/directory/datasets/{uri}", seconds, by_uri),
                _rate("GET /v1/directory/datasets?type=", seconds, by_type),
                _rate(
                    "the same chain lookup, proof verified and value decoded",
                    seconds,
                    verified_entry,
                ),
            ]
            direct = _rate("store.prove + decode of an entry, no HTTP", seconds, proved_read)
            sample = get(f"/v1/directory/chains/{chain(0)}")
            type_sample = get("/v1/directory/datasets", {"type": RECORD_TYPES[0]})
    finally:
        node.close()
    names = (
        "chain_lookups",
        "dataset_by_uri_lookups",
        "datasets_by_type_lookups",
        "verified_chain_lookups",
    )
    return {
        "what": "directory lookups over the REST API in-process, each answer with its state proof; "
        "reference: GET /v1/status in the same run",
        "conditions": {
            **machine(),
            "chains": chains,
            "datasets_per_chain": DATASETS_PER_CHAIN,
            "record_types": len(RECORD_TYPES),
            "uris_per_record_type": len(type_sample["uris"]),
            "seconds_per_figure": seconds,
            "transport": "starlette TestClient in this process (no sockets), one thread",
            "entry_bytes": len(sample["value"]) // 2,
            "proof_siblings": len(sample["proof"]["siblings"]),
            "setup_seconds": round(setup_seconds, 2),
        },
        "status_per_s": round(reference["per_s"], 1),
        **{f"{name}_per_s": round(run["per_s"], 1) for name, run in zip(names, runs, strict=True)},
        "proved_reads_without_http_per_s": round(direct["per_s"], 1),
        "ratios_to_status": {
            name: round(run["per_s"] / reference["per_s"], 3)
            for name, run in zip(names, runs, strict=True)
        },
        "runs": [{**run, "per_s": round(run["per_s"], 1)} for run in [reference, *runs, direct]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chains", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=None, help="Write the JSON here too.")
    options = parser.parse_args()
    result = run_directory(chains=options.chains, seconds=options.seconds)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if options.out is not None:
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
