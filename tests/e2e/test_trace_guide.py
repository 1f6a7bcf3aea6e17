"""The traceability guide's worked example, step by step as docs/guides/traceability.md runs
it, with the guide's own EPCIS documents (docs/guides/traceability/*.json): five
organisations of a Sơn La mango value chain on one development chain, one shared EPCIS
repository, each capturing as itself; then what a consumer's scan shows — the lot's journey
verified on chain, and the copied serial of a box flagged — and an event's receipt checked
offline with the genesis file alone."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from node_process import SEN, free_port, run_sen, running_node, serving

pytestmark = pytest.mark.slow

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "traceability"
PASSPHRASE = "mật-khẩu-đủ-dài-cho-kho"
# organisation -> GS1 Company Prefix, as the guide grants them
ORGANISATIONS = {
    "htx-xoai-son-la": "8935678",
    "dong-goi-moc-chau": "893999",
    "van-tai-tay-bac": "8936001",
    "xuat-khau-hoa-loc": "8936002",
    "sieu-thi-ha-noi": "8936003",
}
# the guide's documents, each captured by the organisation that speaks for it
CAPTURES = [
    ("1-harvest.json", "htx-xoai-son-la"),
    ("2-packing.json", "dong-goi-moc-chau"),
    ("3-shipping.json", "van-tai-tay-bac"),
    ("4-drying.json", "xuat-khau-hoa-loc"),
    ("5-retail.json", "sieu-thi-ha-noi"),
    ("6-counterfeit.json", "sieu-thi-ha-noi"),
]
LOT_PATH = "01/18935678012347/10/L2026-06"
BOX_PATH = "01/18935678012347/21/7001"


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "SEN_HOME": str(tmp_path / "home"), "SEN_KEYRING":
            str(tmp_path / "keys"), "SEN_PASSPHRASE": PASSPHRASE, "COLUMNS": "200"}  # fmt: skip


@pytest.fixture
def node(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    grants = [f"--grant-prefix={p}=did:sen:{o}" for o, p in ORGANISATIONS.items()]
    subprocess.run(
        [str(SEN), "node", "init", "--chain-id", "vn-nong-san", "--api-port", str(port),
         "--block-interval", "0.1", *grants],
        env=_env(tmp_path), check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with running_node(tmp_path / "home", port, tmp_path / "node.log") as url:
        yield url


def _sen(tmp_path: Path, node: str, *argv: str, check: bool = True) -> Any:
    return run_sen(_env(tmp_path), "--node", node, *argv, check=check)


def test_the_guides_mango_travels_from_son_la_to_ha_noi_verified(node: str, tmp_path: Path) -> None:
    for organisation in ORGANISATIONS:  # step 2: a key and a DID each
        _sen(tmp_path, node, "keys", "new", organisation)
        _sen(tmp_path, node, "did", "create", organisation, "--key", organisation,
             "--method-key", organisation)  # fmt: skip
    held = _sen(tmp_path, node, "trace", "prefixes", "did:sen:dong-goi-moc-chau")
    assert "893999" in held.stdout
    port = free_port()
    tenants = [arg for o in ORGANISATIONS for arg in ("--capturer", f"did:sen:{o}", "--key", o)]
    secrets_dir = tmp_path / "epcis"
    argv = ["--node", node, "trace", "serve", *tenants, "--secrets", str(secrets_dir),
            "--port", str(port), "--public-queries"]  # fmt: skip
    repo = f"http://127.0.0.1:{port}"
    with serving(argv, _env(tmp_path), f"{repo}/epcis", (200,), tmp_path / "epcis.log"):
        for document, organisation in CAPTURES:  # step 4: each captures as itself
            first = organisation == "htx-xoai-son-la"
            token = secrets_dir / ("token" if first else f"token-{organisation}")
            _sen(tmp_path, node, "trace", "capture", str(GUIDE / document), "--repo", repo,
                 "--token-file", str(token))  # fmt: skip
        # step 5: what a consumer's phone gets (the page reads the same data as JSON)
        deadline = time.monotonic() + 60
        while True:  # every event verified once the block after its job's is signed
            lot = httpx.get(f"{repo}/{LOT_PATH}", headers={"Accept": "application/json"}).json()
            statuses = {e["proof"]["status"] for e in lot["events"]}
            if statuses == {"verified"}:
                break
            assert statuses <= {"verified", "pending"}, lot["events"]
            assert time.monotonic() < deadline, statuses
            # a block: anchor a digest, as any member may
            _sen(tmp_path, node, "evidence", "anchor", str(GUIDE / "1-harvest.json"),
                 "--key", "htx-xoai-son-la")  # fmt: skip
        steps = [(e["bizStep"], e["capturer"]) for e in lot["events"]]
        assert steps[0] == ("commissioning", "did:sen:htx-xoai-son-la")
        assert {c for _, c in steps} == {f"did:sen:{o}" for o in ORGANISATIONS}
        assert lot["signals"] == []
        assert lot["product"][0]["attributes"]["cbvmda:descriptionShort"].startswith("Xoài tròn")
        box = httpx.get(f"{repo}/{BOX_PATH}", headers={"Accept": "application/json"}).json()
        assert [s["kind"] for s in box["signals"]] == ["sold-twice"]
        page = httpx.get(f"{repo}/{BOX_PATH}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        qr = httpx.get(f"{repo}/trace/v1/qr/{LOT_PATH}.svg")
        assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
        # step 6: a receipt, checked offline
        harvest = lot["events"][0]["eventID"]
        saved = tmp_path / "harvest.receipt.json"
        _sen(tmp_path, node, "trace", "receipt", harvest, "--repo", repo, "--save", str(saved))
        genesis = tmp_path / "home" / "config" / "genesis.json"
        verified = _sen(tmp_path, node, "verify", str(saved), "--genesis", str(genesis))
        assert "VALID" in verified.stdout, verified.stdout
        # the guide's own command changes 500 to 600 in the receipt's event
        tampered = tmp_path / "da-sua.receipt.json"
        sed = (GUIDE.parent / "traceability.md").read_text().split("\nsed '")[1].split("'")[0]
        changed = subprocess.run(["sed", sed, str(saved)], check=True, capture_output=True)
        tampered.write_bytes(changed.stdout)
        assert json.loads(tampered.read_text())["event"] != json.loads(saved.read_text())["event"]
        refused = _sen(tmp_path, node, "verify", str(tampered), "--genesis", str(genesis),
                       "--lang", "vi", check=False)  # fmt: skip
        assert refused.returncode == 1
        assert "sự kiện EPCIS và giá trị băm của nó" in refused.stdout, refused.stdout
