"""``sen consent`` and ``sen privacy`` against a running node: the patient signs, the hospital
records, the recipient's read is checked, a request runs on its clock, the patient withdraws."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sen.api.inprocess import in_process_client
from sen.cli._context import Settings
from sen.cli.main import main
from sen.node.config import load_config
from sen.node.node import Node, init_home
from sen.sdk.privacy import latest_block_time

A, B = "did:sen:benh-vien-a", "did:sen:benh-vien-b"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def ok(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(argv, capsys)
    assert code == 0, out + err
    return out


@pytest.fixture
def node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Node]:
    monkeypatch.setenv("SEN_KEYRING", str(tmp_path / "keys"))
    monkeypatch.setenv("SEN_PASSPHRASE", "mật-khẩu-đủ-dài")
    monkeypatch.delenv("SEN_NODE", raising=False)
    monkeypatch.delenv("SEN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    config = init_home(tmp_path / "home", chain_id="vn-health", block_interval=0.05)
    running = Node.open(load_config(config.home))
    running.start()
    monkeypatch.setattr(Settings, "client", lambda self: in_process_client(running))
    yield running
    running.close()


def test_consent_from_signature_to_withdrawal(
    node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("hospital", "patient"):
        ok(["keys", "new", name], capsys)
    for name in ("benh-vien-a", "benh-vien-b"):
        ok(["did", "create", name, "--key", "hospital", "--method-key", "hospital"], capsys)
    consent_file = tmp_path / "consent.json"
    out = ok(
        ["consent", "sign", "--key", "patient", "--controller", A, "--recipient", B,
         "--purpose", "dpv:ServiceProvision", "--category", "pd:HealthRecord", "--days", "30",
         "-o", str(consent_file)],
        capsys,
    )  # fmt: skip
    consent_id = json.loads(consent_file.read_text())["id"][4:]
    assert consent_id in out and "sen consent record" in out
    code, _, err = run(["consent", "sign", "--key", "patient", "--controller", A, "--purpose",
                        "dpv:ServiceProvision", "--category", "pd:HealthRecord", "-o",
                        str(consent_file)], capsys)  # fmt: skip
    assert code != 0 and "exists" in err

    receipt = tmp_path / "receipt.json"
    out = ok(
        ["consent", "record", str(consent_file), "--key", "hospital", "--receipt", str(receipt)],
        capsys,
    )
    assert f"Consent {consent_id} recorded" in out and "receipt" in out
    credential = json.loads(receipt.read_text())
    assert credential["issuer"] == A and "ConsentReceipt" in credential["type"]
    assert credential["credentialSubject"]["consent"]["consentId"] == consent_id
    out = ok(["consent", "verify-receipt", str(receipt)], capsys)
    assert out.startswith("VALID") and "(now given)" in out
    tampered = tmp_path / "tampered.json"
    credential["credentialSubject"]["consent"]["purposes"] = ["dpv:Marketing"]
    tampered.write_text(json.dumps(credential), encoding="utf-8")
    code, out, _ = run(["--lang", "vi", "consent", "verify-receipt", str(tampered)], capsys)
    assert code == 1 and out.startswith("KHÔNG HỢP LỆ") and "purposes" in out
    kept = tmp_path / "consent-record.json"
    shown = ok(["consent", "show", consent_id, "--save", str(kept)], capsys)
    assert "given" in shown and "verified against app hash" in shown
    genesis = str(node.config.genesis_path)
    out = ok(["verify", str(kept), "--genesis", genesis], capsys)
    assert f"VALID: on chain vn-health, consent {consent_id}" in out and "is given" in out
    out = ok(["--lang", "vi", "verify", str(kept), "--genesis", genesis], capsys)
    assert "HỢP LỆ" in out and "bản ghi trong trạng thái chuỗi" in out
    forged = json.loads(kept.read_text())
    forged["value"] = forged["value"][:-2] + ("00" if forged["value"][-2:] != "00" else "01")
    kept.write_text(json.dumps(forged), encoding="utf-8")
    code, out, _ = run(["verify", str(kept), "--genesis", genesis], capsys)
    assert code == 1 and "record in the chain's state" in out
    subject = json.loads(consent_file.read_text())["subject"]
    assert consent_id in ok(["consent", "list", "--key", "patient"], capsys)

    check = ["consent", "check", consent_id, "--recipient", B, "--purpose",
             "dpv:ServiceProvision", "--category", "pd:HealthRecord", "--controller", A,
             "--subject", subject]  # fmt: skip
    assert "ALLOWED" in ok(check, capsys)
    code, out, _ = run([*check[:6], "dpv:Marketing", *check[7:]], capsys)
    assert code == 1 and "NOT ALLOWED (purpose)" in out
    code, out, _ = run(["--lang", "vi", *check[:6], "dpv:Marketing", *check[7:]], capsys)
    assert code == 1 and "KHÔNG ĐƯỢC PHÉP (purpose): sự đồng ý không bao gồm mục đích này" in out
    shown_vi = ok(["--lang", "vi", "consent", "show", consent_id], capsys)
    assert "trạng thái" in shown_vi and "đã đồng ý" in shown_vi and "T" in shown_vi

    out = ok(["privacy", "request", A, "--kind", "access", "--key", "patient"], capsys)
    request_id = re.search(r"request ([0-9a-f]{32})", out)
    assert request_id is not None
    queue = ok(["privacy", "queue", A], capsys)
    assert "1 open, 0 overdue" in queue and re.search(r"7[012] h \d+ min left", queue)
    hang = ok(["--lang", "vi", "privacy", "queue", A], capsys)
    assert "1 đang mở, 0 quá hạn" in hang and re.search(r"còn 7[012] giờ \d+ phút", hang)
    answer = tmp_path / "answer.json"
    answer.write_text('{"records": [], "nonce": "9f2c"}', encoding="utf-8")
    out = ok(["privacy", "answer", request_id[1], "--outcome", "fulfilled", "--document",
              str(answer), "--key", "hospital"], capsys)  # fmt: skip
    assert "answered (fulfilled)" in out
    assert "0 open" in ok(["privacy", "queue", A], capsys)
    assert f"{A} has declared no vault" in ok(["privacy", "vaults", A], capsys)
    out = ok(["privacy", "declare-vault", A, "--name", "main", "--jurisdiction", "VN-HN",
              "--endpoint", "https://vault.benhviena.vn", "--key", "hospital"], capsys)  # fmt: skip
    assert f"vault main of {A} declared in VN-HN" in out
    listed = ok(["privacy", "vaults", A], capsys)
    assert "main: VN-HN at https://vault.benhviena.vn (version 1" in listed
    listed = ok(["--lang", "vi", "privacy", "vaults", A], capsys)
    assert "main: VN-HN tại https://vault.benhviena.vn (phiên bản 1" in listed
    code, _, err = run(["privacy", "declare-vault", A, "--name", "main", "--jurisdiction",
                        "Hà Nội", "--key", "hospital"], capsys)  # fmt: skip
    assert code != 0 and "args.jurisdiction" in err and "VN-HN" in err

    subject_ref, record = "ab" * 16, ["hex:" + "cd" * 16, "hex:" + "ef" * 32]
    erased_at = latest_block_time(in_process_client(node))
    erasure = {"controller": A, "subject_ref": f"hex:{subject_ref}", "records": [record],
               "erased_at": erased_at}  # fmt: skip
    ok(["tx", "send", "--key", "hospital", "--module", "privacy", "--action", "record_erasure",
        "--args", json.dumps(erasure)], capsys)  # fmt: skip
    dossier = tmp_path / "dpia.json"
    dossier.write_text('{"dpia": "v1", "salt": "7f3e"}', encoding="utf-8")
    out = ok(["privacy", "assess", A, "--kind", "cross_border", "--document", str(dossier),
              "--key", "hospital"], capsys)  # fmt: skip
    dossier_id = re.search(r"dossier ([0-9a-f]{32}) filed", out)
    assert dossier_id is not None
    out = ok(["--lang", "vi", "privacy", "review", A, dossier_id[1], "--decision", "accepted",
              "--document", str(dossier), "--key", "hospital"], capsys)  # fmt: skip
    assert f"hồ sơ {dossier_id[1]}: accepted tại khối" in out
    out = ok(["privacy", "breach", A, "--detected", "2026-12-01T08:00:00+07:00", "--category",
              "pd:HealthRecord", "--subjects", "3", "--document", str(dossier), "--key",
              "hospital"], capsys)  # fmt: skip
    assert "reported at block" in out
    code, _, err = run(["privacy", "breach", A, "--detected", "hôm qua", "--category",
                        "pd:HealthRecord", "--subjects", "3", "--document", str(dossier),
                        "--key", "hospital"], capsys)  # fmt: skip
    assert code != 0 and "--detected: expected a time with its offset" in err
    kept = tmp_path / "erasure.json"
    shown = ok(["--lang", "vi", "privacy", "erasure", A, subject_ref, "--save", str(kept)], capsys)
    assert "số bản ghi đã xóa" in shown and "đã kiểm tra với app hash" in shown
    out = ok(["verify", str(kept), "--genesis", genesis], capsys)
    assert f"the erasure of 1 record(s) of subject {subject_ref} by {A}" in out

    out = ok(["consent", "withdraw", consent_id, "--key", "patient"], capsys)
    assert f"Consent {consent_id} withdrawn" in out
    assert "NO LONGER IN FORCE (withdrawn)" in ok(
        ["consent", "verify-receipt", str(receipt)], capsys
    )
    code, out, _ = run(["consent", "check", "0" * 32, "--recipient", B, "--purpose",
                        "dpv:ServiceProvision", "--category", "pd:HealthRecord",
                        "--controller", A], capsys)  # fmt: skip
    assert code == 1 and "NOT ALLOWED (unknown)" in out
    document = json.loads(consent_file.read_text())
    consent_file.write_text(json.dumps({**document, "chain_id": "another-chain"}))
    code, _, err = run(["consent", "record", str(consent_file), "--key", "hospital"], capsys)
    assert code != 0 and "signed for chain 'another-chain'" in err
    code, _, err = run(["consent", "record", str(receipt), "--key", "hospital"], capsys)
    assert code != 0 and "a receipt, not a consent file" in err
    code, out, _ = run(check, capsys)
    assert code == 1 and "NOT ALLOWED (withdrawn)" in out


def test_bad_input_is_named(node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["consent", "show", "xyz"], capsys)
    assert code != 0 and "CONSENT: expected 32 hex digits" in err
    code, _, err = run(["privacy", "request", A, "--kind", "forget", "--key", "x"], capsys)
    assert code != 0 and "--kind: expected one of access" in err
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    code, _, err = run(["consent", "record", str(bad), "--key", "x"], capsys)
    assert code != 0 and "expected a JSON object" in err
    code, _, err = run(["consent", "show", "0" * 32], capsys)
    assert code != 0 and "no such consent" in err
    ok(["keys", "new", "patient"], capsys)
    sign = ["consent", "sign", "--key", "patient", "--controller", A, "--purpose",
            "dpv:ServiceProvision", "--category", "pd:HealthRecord", "-o",
            str(tmp_path / "c.json")]  # fmt: skip
    for option, value, said in (
        ("--controller", "benh-vien-a", "--controller: a controller is a did:sen DID"),
        ("--purpose", "chữa bệnh", "--purpose: not a vocabulary term"),
    ):
        at = sign.index(option) + 1
        code, _, err = run([*sign[:at], value, *sign[at + 1 :]], capsys)
        assert code != 0 and said in err, err
    assert not (tmp_path / "c.json").exists()  # nothing signed
    code, _, err = run([*sign[:-1], str(tmp_path / "no" / "c.json")], capsys)
    assert code != 0 and "--output: no folder" in err
    code, _, err = run(["privacy", "request", A, "--kind", "withdrawal", "--key", "x"], capsys)
    assert code != 0 and "--consent: a withdrawal request names the consent" in err
    code, _, err = run(["vault", "serve", "--controller", "benh-vien-a"], capsys)
    assert code != 0 and "--controller: expected a did:sen DID" in err
