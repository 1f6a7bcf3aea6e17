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

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sen.api.server import serve_until_stopped
from sen.cli._context import err, out, print_json, settings
from sen.cli.errors import UsageProblem
from sen.cli.tx import load_key
from sen.did import xml_datetime
from sen.node.config import ApiSettings
from sen.sdk.client import Client
from sen.services.vault.crypto import DataKeys, KeyWrapper, SoftwareKek
from sen.services.vault.service import create_vault_app
from sen.services.vault.store import SqliteVaultStore, VaultStore, VaultStoreError
from sen.services.vault.vault import Vault

app = typer.Typer(help="The personal-data vault: serve it beside a node.", no_args_is_help=True)


def _secret(path: Path, size: int) -> bytes:
    """The secret in ``path``, made (random, mode 0600) if the file does not exist."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(secrets.token_bytes(size))
    data = path.read_bytes()
    if len(data) != size:
        raise UsageProblem(f"{path}: expected {size} bytes, got {len(data)}")
    return data


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
        str, typer.Option("--jurisdiction", help="Where the data lives, e.g. VN/Hà Nội.")
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
    token = _secret(secrets_dir / "token", 24).hex()
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
        from sen.services.vault.anchoring import AccessLogAnchorer

        anchorer = AccessLogAnchorer(
            vault, lambda: Client.http(node_url), load_key(config, anchor_key)
        )
        anchorer.start()
    err.print(
        f"vault of {controller} ({opened.jurisdiction}) at http://{host}:{port}, node "
        f"{node_url}, keys {keys.name}; staff token in {secrets_dir / 'token'} (hex of its bytes)",
        markup=False,
    )
    try:
        serve_until_stopped(service, host, port, ApiSettings())
    finally:
        if anchorer is not None:
            anchorer.stop()
        opened.close()


CRYPTOSUITES = {"ed25519": "eddsa-rdfc-2022", "ecdsa-p256": "ecdsa-rdfc-2019"}


@app.command("who-read")
def who_read(
    ctx: typer.Context,
    vault_url: Annotated[
        str, typer.Option("--vault", help="The vault's address, e.g. http://127.0.0.1:26690.")
    ],
    key: Annotated[str, typer.Option("--key", help="Your wallet key for this controller.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Ask a vault who read your data: each read with its proof, checked here, and whether
    its batch's root is anchored on chain (the node of --node)."""
    import httpx

    from sen.ledger import encoding
    from sen.ledger.light.errors import ProofError
    from sen.ledger.light.merkle import MerkleProof, leaf_hash
    from sen.sdk.privacy import did_key
    from sen.vc import sign_presentation

    config = settings(ctx)
    wallet = load_key(config, key)
    suite = CRYPTOSUITES.get(wallet.suite)
    if suite is None:
        raise UsageProblem(f"--key: a {wallet.suite} key cannot sign a presentation here")
    subject = did_key(wallet)
    base = vault_url.rstrip("/")
    try:
        challenge = httpx.post(f"{base}/vault/v1/challenges", timeout=30).json()
        presentation = sign_presentation(
            {"@context": ["https://www.w3.org/ns/credentials/v2"],
             "type": ["VerifiablePresentation"], "holder": subject},
            wallet, f"{subject}#{subject.removeprefix('did:key:')}", suite,
            challenge=challenge["challenge"], domain=challenge["domain"],
        )  # fmt: skip
        answer = httpx.post(f"{base}/vault/v1/access", json={"presentation": presentation},
                            timeout=60)  # fmt: skip
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise UsageProblem(f"--vault: no vault answers at {vault_url}: {exc}") from None
    if answer.status_code != 200:
        raise UsageProblem(f"the vault refused: {answer.status_code} {answer.text[:300]}")
    reads = answer.json().get("reads", [])
    rows: list[dict[str, object]] = []
    with config.client() as node:
        for read in reads:
            row: dict[str, object] = {k: read.get(k) for k in ("reader", "purpose", "at")}
            row["proof"] = "waiting for the next batch"
            if "proof" in read:
                entry = bytes.fromhex(read["entry"])
                decoded = encoding.decode(entry)
                proof = read["proof"]
                try:
                    MerkleProof(
                        int(proof["total"]), int(proof["index"]), leaf_hash(entry),
                        tuple(bytes.fromhex(a) for a in proof["aunts"]),
                    ).verify(bytes.fromhex(read["batch"]["root"]), entry)  # fmt: skip
                    same = isinstance(decoded, dict) and all(
                        decoded.get(k) == read[k] for k in ("reader", "purpose", "at")
                    )
                    row["proof"] = "verified" if same else "the entry says otherwise"
                except (ProofError, ValueError, KeyError) as exc:
                    row["proof"] = f"does not verify: {exc}"
                anchorings = node.lookup(bytes.fromhex(read["batch"]["root"])).anchorings
                row["anchored_height"] = anchorings[0].height if anchorings else None
            rows.append(row)
    if as_json:
        print_json({"subject": subject, "reads": rows})
        return
    table = Table(title=f"who read the data of {subject[:32]}…: {len(rows)} read(s)")
    for column in ("reader", "purpose", "at (UTC)", "proof", "anchored at block"):
        table.add_column(column)
    for row in rows:
        at = row.get("at")
        table.add_row(
            str(row["reader"]), str(row["purpose"]),
            xml_datetime(int(at)) if isinstance(at, int) else "?", str(row["proof"]),
            str(row.get("anchored_height") or "-"),
        )  # fmt: skip
    out.print(table)
