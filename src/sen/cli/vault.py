"""``sen vault serve``: the personal-data vault as a service beside a node.

The vault keeps records encrypted per data subject in an SQLite file (``--store``) or on
PostgreSQL (``--postgres DSN``, with the keys and salts in ``--keyring``); its secrets — the
key-encryption key, the pepper and the staff's token — are files it makes on first start
(mode 0600) in ``--secrets``. With ``--hsm pkcs11:token=...``, each data subject's key
is held on that token instead (never extractable; destroyed there at erasure), and no KEK
file is made. It trusts ``--node`` for the chain's state (read with proofs)
and DID documents; with ``--anchor-key`` it seals its access log at each new block and
anchors the batch's root itself. Its API and who may call what: ``docs/spec/privacy.md``,
``sen.services.vault.service``.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sen.api.server import serve_until_stopped
from sen.cli._context import err, out, print_json, settings
from sen.cli.errors import CliError, UsageProblem
from sen.cli.tx import load_key
from sen.did import xml_datetime
from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.node.config import ApiSettings
from sen.sdk.args import parse_args
from sen.sdk.client import Client
from sen.sdk.errors import Rejected
from sen.services.vault.crypto import DataKeys, KeyWrapper, SoftwareKek
from sen.services.vault.service import create_vault_app
from sen.services.vault.store import SqliteVaultStore, VaultStore, VaultStoreError
from sen.services.vault.vault import Access, Vault

app = typer.Typer(help="The personal-data vault: serve it beside a node.", no_args_is_help=True)


def _make_once(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` (mode 0600) unless the file exists."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)


def _secret(path: Path, size: int) -> bytes:
    """The secret in ``path``, made (random, mode 0600) if the file does not exist."""
    _make_once(path, secrets.token_bytes(size))
    data = path.read_bytes()
    if len(data) != size:
        raise UsageProblem(f"{path}: expected {size} bytes, got {len(data)}")
    return data


def made_token(path: Path) -> str:
    """The staff token, made on first start as 48 hex digits of random (mode 0600), so that
    ``Authorization: Bearer $(cat token)`` works; a file of raw bytes from an older vault is
    read as their hex."""
    _make_once(path, (secrets.token_hex(24) + "\n").encode())
    return read_staff_token(path)


@app.command("serve")
def serve(
    ctx: typer.Context,
    controller: Annotated[
        str,
        typer.Option("--controller", help="The DID this vault serves, e.g. did:sen:benh-vien-a."),
    ],
    secrets_dir: Annotated[
        Path,
        typer.Option("--secrets", help="Folder of the KEK, pepper and token (made if absent)."),
    ] = Path(".sen/vault"),
    store: Annotated[
        Path | None, typer.Option("--store", help="The SQLite store (default: <secrets>/vault.db).")
    ] = None,
    postgres: Annotated[
        str | None, typer.Option("--postgres", help="A PostgreSQL DSN, instead of --store.")
    ] = None,
    jurisdiction: Annotated[
        str, typer.Option("--jurisdiction", help="Where the data lives: ISO 3166, e.g. VN-HN.")
    ] = "VN",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 26690,
    domain: Annotated[
        str | None,
        typer.Option(
            "--domain", help="What presentations are bound to (default: http://HOST:PORT)."
        ),
    ] = None,
    anchor_key: Annotated[
        str | None,
        typer.Option(
            "--anchor-key",
            help="A key of the controller (a name in the keyring, or a pkcs11: URI) with which the "
            "vault anchors its access log by itself at each new block.",
        ),
    ] = None,
    hsm: Annotated[
        str | None,
        typer.Option(
            "--hsm",
            help="Hold each subject's key on this PKCS#11 token (a URI: pkcs11:token=LABEL;"
            "pin-source=FILE), destroyed there at erasure, instead of a KEK file.",
        ),
    ] = None,
) -> None:
    """Serve the vault's REST API (records, consented reads, the access log)."""
    config = settings(ctx)
    if not controller.startswith("did:sen:"):
        raise UsageProblem(f"--controller: expected a did:sen DID, got {controller!r}")
    keys: KeyWrapper | DataKeys
    if hsm is not None:
        from sen.sdk.errors import SenError
        from sen.services.vault.hsm import HsmDataKeys

        try:
            keys = HsmDataKeys(hsm)
        except SenError as exc:
            raise UsageProblem(f"--hsm: {exc}") from None
    else:
        keys = SoftwareKek(_secret(secrets_dir / "kek", 32))
    pepper = _secret(secrets_dir / "pepper", 32)
    token = made_token(secrets_dir / "token")
    opened: VaultStore
    try:
        if postgres is not None:
            from sen.services.vault.postgres import PostgresVaultStore

            opened = PostgresVaultStore(postgres, secrets_dir / "keyring.db", jurisdiction)
        else:
            opened = SqliteVaultStore(store or secrets_dir / "vault.db", jurisdiction)
    except VaultStoreError as exc:
        raise UsageProblem(str(exc)) from None
    node_url = config.node_url()
    vault = Vault(opened, keys, pepper, controller=controller)
    service = create_vault_app(
        vault, lambda: Client.http(node_url), token=token,
        domain=domain or f"http://{host}:{port}",
    )  # fmt: skip
    anchorer = None
    if anchor_key is not None:
        from sen.services.vault.anchoring import AccessLogAnchorer, AnchorKeyRefused

        anchorer = AccessLogAnchorer(
            vault, lambda: Client.http(node_url), load_key(config, anchor_key)
        )
        try:
            with Client.http(node_url) as node:
                anchorer.check(node)
        except AnchorKeyRefused as exc:
            opened.close()
            raise UsageProblem(f"--anchor-key: {exc}") from None
        anchorer.start()
    err.print(
        f"vault of {controller} ({opened.jurisdiction}) at http://{host}:{port}, node "
        f"{node_url}, keys {keys.name}; staff token in {secrets_dir / 'token'}",
        markup=False,
    )
    try:
        serve_until_stopped(service, host, port, ApiSettings())
    finally:
        if anchorer is not None:
            anchorer.stop()
        opened.close()


CRYPTOSUITES = {"ed25519": "eddsa-rdfc-2022", "ecdsa-p256": "ecdsa-rdfc-2019"}
VaultUrl = Annotated[
    str, typer.Option("--vault", help="The vault's address, e.g. http://127.0.0.1:26690.")
]


def _call_as(
    vault_url: str, path: str, key: SigningKey, holder: str, method: str, body: dict[str, Any]
) -> Any:
    """POST ``body`` to the vault with a presentation of ``holder`` signed by ``key`` (as
    ``method``) for a fresh challenge; the JSON answer, or a clear error."""
    import httpx

    from sen.vc import sign_presentation

    suite = CRYPTOSUITES.get(key.suite)
    if suite is None:
        raise UsageProblem(f"--key: a {key.suite} key cannot sign a presentation here")
    base = vault_url.rstrip("/")
    try:
        challenge = httpx.post(f"{base}/vault/v1/challenges", timeout=30).json()
        presentation = sign_presentation(
            {"@context": ["https://www.w3.org/ns/credentials/v2"],
             "type": ["VerifiablePresentation"], "holder": holder},
            key, method, suite, challenge=challenge["challenge"], domain=challenge["domain"],
        )  # fmt: skip
        answer = httpx.post(f"{base}{path}", json={**body, "presentation": presentation},
                            timeout=60)  # fmt: skip
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise UsageProblem(f"--vault: no vault answers at {vault_url}: {exc}") from None
    return _answer(answer)


def refuse_problem(answer: Any, service: str) -> None:
    """Raise :class:`CliError` saying what a service's problem answer (RFC 9457, with Sen's
    field, expected and got) refused; nothing for an answer below 400."""
    if answer.status_code < 400:
        return
    try:
        problem = answer.json()
        said = str(problem.get("title"))
        field = problem.get("field")
        if not (field and str(field) in said):  # the title names the fault already
            named = [(n, problem.get(n)) for n in ("field", "expected", "got")]
            said += "".join(f"; {name} {value}" for name, value in named if value)
    except (ValueError, AttributeError):
        said = answer.text[:300]
    raise CliError(f"{service} refused ({answer.status_code}): {said}")


def _answer(answer: Any) -> Any:
    refuse_problem(answer, "the vault")
    return answer.json()


@app.command("read")
def read(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The record's reference (32 hex).")],
    vault_url: VaultUrl,
    consent: Annotated[str, typer.Option("--consent", help="The consent's id (32 hex).")],
    purpose: Annotated[
        str,
        typer.Option(
            "--purpose", help="Why you read it: a DPV purpose, e.g. dpv:ServiceProvision."
        ),
    ],
    did: Annotated[
        str, typer.Option("--did", help="Your organisation's DID, e.g. did:sen:benh-vien-b.")
    ],
    key: Annotated[str, typer.Option("--key", help="A key of your DID's authentication methods.")],
    method: Annotated[
        str, typer.Option("--method", help="That key's method id in your DID document.")
    ] = "key-1",
    output: Annotated[
        Path | None, typer.Option("--out", help="Write the record here instead of printing it.")
    ] = None,
) -> None:
    """Read a record as a recipient, under the data subject's consent on chain: the vault
    checks your DID's presentation and the consent, and logs the read."""
    config = settings(ctx)
    if not did.startswith("did:sen:"):
        raise UsageProblem(f"--did: expected your organisation's did:sen DID, got {did!r}")
    body = {"consent": consent, "purpose": purpose}
    found = _call_as(
        vault_url, f"/vault/v1/records/{reference}/read", load_key(config, key), did,
        f"{did}#{method}", body,
    )  # fmt: skip
    payload = base64.b64decode(found["payload"])
    if output is not None:
        output.write_bytes(payload)
        err.print(f"record {reference} written to {output} ({len(payload)} bytes)", markup=False)
        return
    try:
        out.print(payload.decode("utf-8"), markup=False, emoji=False)
    except UnicodeDecodeError:
        raise UsageProblem("the record is not text: write it to a file with --out") from None


@app.command("erase")
def erase(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="The data subject's pairwise did:key.")],
    vault_url: VaultUrl,
    key: Annotated[
        str, typer.Option("--key", help="A key controlling the vault's controller DID.")
    ],
    request: Annotated[
        str | None,
        typer.Option("--request", help="The deletion request this erasure fulfils (32 hex)."),
    ] = None,
    token_file: Annotated[
        Path, typer.Option("--token-file", help="The vault's staff token.")
    ] = Path(".sen/vault/token"),
) -> None:
    """Erase a data subject (staff): the vault destroys its key and records, then the
    tombstone goes on chain (closing the deletion request if given); prints the receipt
    command."""
    import httpx

    from sen.cli.consent import hex_id

    config = settings(ctx)
    signing_key = load_key(config, key)
    token = read_staff_token(token_file)
    body: dict[str, Any] = {"subject": subject}
    if request is not None:
        body["request"] = hex_id(request, "--request")
    try:
        answer = httpx.post(
            f"{vault_url.rstrip('/')}/vault/v1/subjects/erase", json=body,
            headers={"Authorization": f"Bearer {token}"}, timeout=60,
        )  # fmt: skip
    except httpx.HTTPError as exc:
        raise UsageProblem(f"--vault: no vault answers at {vault_url}: {exc}") from None
    erased = _answer(answer)
    args = parse_args(json.dumps(erased["record_erasure_args"]))
    controller, ref = args["controller"], erased["subject_ref"]
    try:
        with config.client() as client:
            info = client.send(signing_key, "privacy", "record_erasure", args)
    except Rejected as exc:
        if exc.code == ResultCode.ERASURE_EXISTS:
            raise CliError(
                f"the vault has erased subject {ref}, and its tombstone is already on chain: "
                f"keep the receipt with sen privacy erasure {controller} {ref} --save "
                "erasure.json"
            ) from None
        raise CliError(
            f"the vault has erased subject {ref} (its key is gone), but the chain refused the "
            f"tombstone: {exc}. Run this command again once that is fixed: repeating an "
            "erasure changes nothing in the vault and gives the same tombstone"
        ) from None
    out.print(
        f"erased {len(erased['records'])} record(s) of subject {ref}; tombstone at block "
        f"{info.height}. Keep the receipt: sen privacy erasure {controller} {ref} --save "
        "erasure.json",
        markup=False,
    )


def read_staff_token(path: Path) -> str:
    """The staff token as the vault serves it: the file's text (hex), or the hex of a file of
    raw bytes (vaults made before the token was written as text)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageProblem(f"--token-file: cannot read {path}: {exc.strerror}") from None
    try:
        text = data.decode("ascii").strip()
        bytes.fromhex(text)
        if len(text) >= 32:
            return text
    except (UnicodeDecodeError, ValueError):
        pass
    return data.hex()


@app.command("who-read")
def who_read(
    ctx: typer.Context,
    vault_url: VaultUrl,
    key: Annotated[str, typer.Option("--key", help="Your wallet key for this controller.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Also keep the vault's answer (the console checks it too)."),
    ] = None,
) -> None:
    """Ask a vault who read your data: each read with its proof, checked here, and whether
    its batch's root is anchored on chain (the node of --node)."""
    from sen.ledger.errors import EncodingError
    from sen.ledger.light.errors import ProofError
    from sen.ledger.light.merkle import MerkleProof, leaf_hash
    from sen.sdk.privacy import did_key

    config = settings(ctx)
    wallet = load_key(config, key)
    subject = did_key(wallet)
    method = f"{subject}#{subject.removeprefix('did:key:')}"
    answer = _call_as(vault_url, "/vault/v1/access", wallet, subject, method, {})
    if save is not None:
        try:
            save.write_text(json.dumps(answer, indent=2, ensure_ascii=False) + "\n", "utf-8")
        except OSError as exc:
            raise UsageProblem(f"--save: cannot write {save}: {exc.strerror}") from None
    reads = answer.get("reads", [])
    rows: list[dict[str, object]] = []
    with config.client() as node:
        for read in reads:
            row: dict[str, object] = {k: read.get(k) for k in ("reader", "purpose", "at")}
            row["proof"] = "waiting for the next batch"
            if "proof" in read:
                entry = bytes.fromhex(read["entry"])
                proof = read["proof"]
                try:
                    MerkleProof(
                        int(proof["total"]), int(proof["index"]), leaf_hash(entry),
                        tuple(bytes.fromhex(a) for a in proof["aunts"]),
                    ).verify(bytes.fromhex(read["batch"]["root"]), entry)  # fmt: skip
                    logged = Access.from_entry(entry)
                    said = (logged.reader, logged.purpose, logged.at)
                    same = said == (read["reader"], read["purpose"], read["at"])
                    row["proof"] = "verified" if same else "the entry says otherwise"
                except (
                    ProofError,
                    EncodingError,
                    ValueError,
                    TypeError,
                    KeyError,
                    AssertionError,
                ) as exc:
                    row["proof"] = f"does not verify: {exc}"
                anchorings = node.lookup(bytes.fromhex(read["batch"]["root"])).anchorings
                row["anchored_height"] = anchorings[0].height if anchorings else None
            rows.append(row)
    if as_json:
        print_json({"subject": subject, "reads": rows})
        return
    table = Table(title=f"who read the data of {subject[:32]}…: {len(rows)} read(s)")
    for column in ("reader", "purpose", "at (UTC)", "proof", "anchored at block"):
        table.add_column(column, overflow="fold")
    for row in rows:
        at = row.get("at")
        table.add_row(
            str(row["reader"]), str(row["purpose"]),
            xml_datetime(int(at)) if isinstance(at, int) else "?", str(row["proof"]),
            str(row.get("anchored_height") or "-"),
        )  # fmt: skip
    out.print(table)
