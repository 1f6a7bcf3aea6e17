"""``sen network init --consortium DIR``: the validators' genesis admits the consortium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sen.ledger.crypto import Ed25519Suite
from sen.light.genesis import load_genesis
from sen.network import NetworkPlan, init_network
from sen.network.errors import InvalidPlan
from sen.network.ports import find_free_base
from sen.sdk.devca import (
    init_org_directory,
    issue_member_certificate,
    pem,
    public_key_for,
    utc_now,
)


def _consortium(directory: Path, roles: list[str]) -> Path:
    uni = init_org_directory(directory / "uni-hanoi", "uni-hanoi", "Đại học Quốc gia Hà Nội")
    init_org_directory(directory / "bank-a", "bank-a", "Ngân hàng A")
    admin = Ed25519Suite().load_private(bytes([1]) * 32)
    start = utc_now().replace(year=utc_now().year - 1)
    certificate = issue_member_certificate(
        uni,
        public_key_for(admin.suite, admin.public_key),
        common_name="Quản trị viên",
        roles=roles,
        not_before=start,
        not_after=start.replace(year=start.year + 3),
    )
    (directory / "admin.pem").write_text(pem(certificate))
    return directory


def test_a_consortium_network_shares_a_permissioned_genesis(
    tmp_path: Path, cometbft_binary: Path
) -> None:
    plan = NetworkPlan(
        directory=tmp_path / "net",
        validators=2,
        chain_id="vn-consortium",
        base_port=find_free_base(2, start=23000),
        consortium=_consortium(tmp_path / "consortium", ["admin"]),
    )
    init_network(plan, cometbft_binary)
    genesis = load_genesis((plan.directory / "genesis.json").read_bytes())
    assert genesis.params.permissioned
    assert genesis.membership is not None
    assert [o["id"] for o in genesis.membership["organisations"]] == ["bank-a", "uni-hanoi"]
    assert len(genesis.membership["members"]) == 1
    assert len(genesis.validators) == 2
    node0 = json.loads((plan.directory / "node0" / "config" / "genesis.json").read_text())
    assert node0["app_state"]["membership"]["permissioned"] is True


def test_a_bad_consortium_is_refused_before_anything_is_written(
    tmp_path: Path, cometbft_binary: Path
) -> None:
    plan = NetworkPlan(
        directory=tmp_path / "net",
        validators=1,
        base_port=find_free_base(1, start=23100),
        consortium=_consortium(tmp_path / "consortium", ["minister"]),
    )
    with pytest.raises(InvalidPlan) as info:
        init_network(plan, cometbft_binary)
    assert info.value.option == "--consortium"
    assert "members[0].certificate.subject.OU" in info.value.reason
    assert not (plan.directory / "genesis.json").exists()
