"""``sen ca``, ``sen genesis`` and ``sen member`` against a real node, and the REST routes."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient

from sen.api import create_app
from sen.api.inprocess import in_process_client
from sen.cli._context import Settings
from sen.cli.main import main
from sen.ledger.modules.membership.records import BASE_ROLES
from sen.node.config import load_config
from sen.node.node import Node, init_home

ORG_NAME = "Đại học Quốc gia Hà Nội"
ALICE_NAME = "Nguyễn Văn Anh"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài")
    monkeypatch.delenv("SEN_NODE", raising=False)
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


def _ok(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(argv, capsys)
    assert code == 0, out + err
    return out


def _address(name: str, capsys: pytest.CaptureFixture[str]) -> str:
    info = json.loads(_ok(["keys", "show", name, "--json"], capsys))
    return str(info["address"])


def _consortium(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An org CA, two keys with certificates, and a node home whose genesis admits them."""
    _ok(
        ["ca", "init-org", "--id", "uni-hanoi", "--name", ORG_NAME, "--out", str(tmp_path / "uni")],
        capsys,
    )
    for name in ("alice", "bob"):
        _ok(["keys", "new", name], capsys)
    _ok(
        [
            "ca",
            "issue",
            "--org-dir",
            str(tmp_path / "uni"),
            "--key",
            "alice",
            "--roles",
            "admin,writer",
            "--cn",
            ALICE_NAME,
            "--out",
            str(tmp_path / "alice.pem"),
        ],
        capsys,
    )
    _ok(
        [
            "ca",
            "issue",
            "--org-dir",
            str(tmp_path / "uni"),
            "--key",
            "bob",
            "--serial",
            "42",
            "--roles",
            "writer",
            "--cn",
            "Trần Thị Bình",
            "--out",
            str(tmp_path / "bob.pem"),
        ],
        capsys,
    )
    config = init_home(tmp_path / "home", chain_id="vn-edu", block_interval=0.05)
    validator = json.loads(config.validator_key_path.read_text())["pub_key"]["value"]
    out = _ok(
        [
            "genesis",
            "new",
            "--chain-id",
            "vn-edu",
            "--org",
            f"uni-hanoi:{ORG_NAME}:{tmp_path / 'uni' / 'ca.pem'}:admin,writer",
            "--member",
            str(tmp_path / "alice.pem"),
            "--validator",
            f"v0:{validator}:10",
            "--out",
            str(tmp_path / "genesis.json"),
        ],
        capsys,
    )
    assert ALICE_NAME in out and "uni-hanoi" in out
    config.genesis_path.write_bytes((tmp_path / "genesis.json").read_bytes())
    return tmp_path / "home"


def test_the_dev_ca_keeps_its_key_private_and_names_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _consortium(tmp_path, capsys)
    mode = stat.S_IMODE((tmp_path / "uni" / "ca-key.pem").stat().st_mode)
    assert mode == 0o600
    certificate = x509.load_pem_x509_certificate((tmp_path / "alice.pem").read_bytes())
    cn = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    units = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)
    assert cn == ALICE_NAME
    assert [u.value for u in units] == ["admin", "writer"]
    assert ORG_NAME in certificate.issuer.rfc4514_string()


def test_genesis_validate_summarises_a_good_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _consortium(tmp_path, capsys)
    out = _ok(["genesis", "validate", str(tmp_path / "genesis.json")], capsys)
    assert "is valid" in out and ALICE_NAME in out
    assert re.search(r"permissioned\s+│ yes", out)


def test_genesis_validate_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _consortium(tmp_path, capsys)
    document = json.loads((tmp_path / "genesis.json").read_text())
    section = document["app_state"]["membership"]
    section["members"].append((tmp_path / "bob.pem").read_text().replace("MII", "MIJ", 1))
    section["organisations"][0]["roles"] = ["admin", "minister"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    code, out, _ = run(["genesis", "validate", str(bad)], capsys)
    assert code == 1
    assert "organisations[0].roles[1]" in out
    assert "members[1]" in out


def test_genesis_new_refuses_a_bad_entry_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _consortium(tmp_path, capsys)
    target = tmp_path / "second.json"
    code, out, _ = run(
        [
            "genesis",
            "new",
            "--chain-id",
            "vn-edu",
            "--org",
            f"uni-hanoi:{ORG_NAME}:{tmp_path / 'uni' / 'ca.pem'}:writer",
            "--member",
            str(tmp_path / "alice.pem"),
            "--validator",
            f"v0:{'A' * 43}=:10",
            "--out",
            str(target),
        ],
        capsys,
    )
    assert code == 1
    assert "members[0].certificate.subject.OU" in out  # alice is an admin; the org gives writer
    assert not target.exists()


@pytest.fixture
def consortium_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Node]:
    home = _consortium(tmp_path, capsys)
    node = Node.open(load_config(home))
    node.start()
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(node))
    yield node
    node.close()


def test_enroll_anchor_revoke_through_the_cli(
    consortium_node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "bang.pdf"
    document.write_bytes("Bằng tốt nghiệp".encode())
    code, _, err = run(["evidence", "anchor", str(document), "--key", "bob"], capsys)
    assert code == 1 and "UNKNOWN_SIGNER" in err and "sender" in err
    _ok(["member", "enroll", "--key", "bob", "--cert", str(tmp_path / "bob.pem")], capsys)
    _ok(["evidence", "anchor", str(document), "--key", "bob"], capsys)
    shown = json.loads(_ok(["member", "show", _address("bob", capsys), "--json"], capsys))
    assert (shown["name"], shown["roles"], shown["serial"]) == ("Trần Thị Bình", ["writer"], "42")
    code, _, err = run(
        ["member", "revoke", "--key", "bob", "--org", "uni-hanoi", "--serial", "42"], capsys
    )
    assert code == 1 and "ROLE_REQUIRED" in err
    _ok(["member", "revoke", "--key", "alice", "--org", "uni-hanoi", "--serial", "0x2a"], capsys)
    code, _, err = run(
        ["--lang", "vi", "evidence", "anchor", str(document), "--key", "bob"], capsys
    )
    assert code == 1 and "CERTIFICATE_REVOKED" in err and "thu hồi" in err
    shown = json.loads(_ok(["member", "show", _address("bob", capsys), "--json"], capsys))
    assert shown["revoked_height"] is not None


def test_membership_routes(consortium_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    with TestClient(create_app(consortium_node)) as client:
        listing = client.get("/v1/membership/organisations").json()["organisations"]
        assert [(o["id"], o["name"], o["roles"]) for o in listing] == [
            ("uni-hanoi", ORG_NAME, ["admin", "writer"])
        ]
        one = client.get("/v1/membership/organisations/uni-hanoi").json()
        assert one["ca_pem"].startswith("-----BEGIN CERTIFICATE-----")
        assert client.get("/v1/membership/organisations/nobody").status_code == 404
        bad = client.get("/v1/membership/organisations/Not_An_Id")
        assert (bad.status_code, bad.json()["field"]) == (400, "organisation")
        alice = _address("alice", capsys)
        member = client.get(f"/v1/membership/members/{alice}").json()
        assert (member["name"], member["roles"], member["organisation"]) == (
            ALICE_NAME,
            ["admin", "writer"],
            "uni-hanoi",
        )
        assert member["revoked_height"] is None
        missing = client.get(f"/v1/membership/members/{'00' * 20}")
        assert (missing.status_code, missing.json()["field"]) == (404, "address")
        short = client.get("/v1/membership/members/abcd")
        assert (short.status_code, short.json()["field"]) == (400, "address")
    assert set(BASE_ROLES) >= {"admin", "writer"}


def test_members_of_an_organisation(
    consortium_node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ok(["member", "enroll", "--key", "bob", "--cert", str(tmp_path / "bob.pem")], capsys)
    alice, bob = _address("alice", capsys), _address("bob", capsys)
    with TestClient(create_app(consortium_node)) as client:
        listing = client.get("/v1/membership/organisations/uni-hanoi/members").json()
        assert (listing["organisation"], listing["total"], listing["next"]) == (
            "uni-hanoi",
            2,
            None,
        )
        by_address = {m["address"]: m for m in listing["members"]}
        assert [m["address"] for m in listing["members"]] == sorted([alice, bob])
        assert (by_address[bob]["name"], by_address[bob]["serial"]) == ("Trần Thị Bình", "42")
        assert by_address[alice]["roles"] == ["admin", "writer"]
        first = client.get("/v1/membership/organisations/uni-hanoi/members?limit=1").json()
        assert len(first["members"]) == 1 and first["next"] == first["members"][0]["address"]
        rest = client.get(
            f"/v1/membership/organisations/uni-hanoi/members?after={first['next']}"
        ).json()
        assert [m["address"] for m in rest["members"]] == sorted([alice, bob])[1:]
        assert rest["next"] is None
        counted = client.get("/v1/membership/organisations").json()["organisations"]
        assert [o["members"] for o in counted] == [2]
        assert client.get("/v1/membership/organisations/uni-hanoi").json()["members"] == 2
        missing = client.get("/v1/membership/organisations/nobody/members")
        assert (missing.status_code, missing.json()["field"]) == (404, "organisation")
        bad = client.get("/v1/membership/organisations/Not_An_Id/members")
        assert (bad.status_code, bad.json()["field"]) == (400, "organisation")
        bad_after = client.get("/v1/membership/organisations/uni-hanoi/members?after=zz")
        assert (bad_after.status_code, bad_after.json()["field"]) == (400, "after")
        features = client.get("/v1/node").json()["features"]
        available = {f["name"]: f["available"] for f in features}
        assert available["membership"] and available["governance"]


def test_ca_issue_for_a_public_key_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _ok(
        ["ca", "init-org", "--id", "bank-a", "--name", "Ngân hàng A", "--out", str(tmp_path / "b")],
        capsys,
    )
    encoding, spki = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    hsm_key = ec.derive_private_key(99, ec.SECP256R1()).public_key()
    (tmp_path / "hsm.pub").write_bytes(hsm_key.public_bytes(encoding, spki))
    out = _ok(
        [
            "ca",
            "issue",
            "--org-dir",
            str(tmp_path / "b"),
            "--public-key-file",
            str(tmp_path / "hsm.pub"),
            "--roles",
            "issuer",
            "--cn",
            "Máy ký HSM",
            "--out",
            str(tmp_path / "hsm.pem"),
        ],
        capsys,
    )
    assert "issuer" in out
    certificate = x509.load_pem_x509_certificate((tmp_path / "hsm.pem").read_bytes())
    assert certificate.public_key() == hsm_key
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    (tmp_path / "rsa.pub").write_bytes(rsa_key.public_bytes(encoding, spki))
    code, _, err = run(
        [
            "ca",
            "issue",
            "--org-dir",
            str(tmp_path / "b"),
            "--public-key-file",
            str(tmp_path / "rsa.pub"),
            "--roles",
            "issuer",
            "--cn",
            "x",
            "--out",
            str(tmp_path / "rsa.pem"),
        ],
        capsys,
    )
    assert code == 2 and "no Sen signature suite" in err
    assert not (tmp_path / "rsa.pem").exists()
