#!/usr/bin/env python3
"""A throw-away Sen node for the W3C verifiable-credential test suites.

Used by ``scripts/w3c-suites.sh``; run it with the repository's venv python.

``setup``  writes a node home in ROOT: a permissioned single-validator chain with
           one organisation (development CA), three issuer keys that are members
           with the roles ``admin`` and ``issuer`` (Ed25519 for eddsa-rdfc-2022,
           Ed25519 for eddsa-jcs-2022, P-256 for ecdsa-rdfc-2019), a trust root,
           ``[vc]``/``[[vc.issuers]]`` in sen.toml and one VC-API token per
           issuer. Prints ROOT/issuers.json (what the suites' localConfig needs).
``found``  once the node runs: creates the issuers' DIDs (did:sen mode) and
           accredits them for the credential types the suites use.
``config`` writes a suite's localConfig.cjs from ROOT/issuers.json.

Nothing here is test-suite code; it only drives Sen's own library and API.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

from sen.did.key import did_key
from sen.ledger.light.types import Timestamp
from sen.ledger.modules.identity.multikey import encode_multikey
from sen.ledger.types import ChainParams
from sen.light.genesis import GenesisValidator, load_genesis, make_genesis
from sen.node.node import init_home
from sen.sdk import Client, Keyring
from sen.sdk.devca import init_org_directory, issue_member_certificate, pem, public_key_for, utc_now
from sen.services.credentials.tokens import TokenStore, tokens_path

CHAIN_ID = "sen-w3c"
ORG = ("w3c-lab", "W3C test-suite lab")
PASSPHRASE = os.environ.get("SEN_W3C_PASSPHRASE", "w3c-suites-issuer-passphrase")
ROOT_DID_NAME = "w3c-root"
# (keyring name, Sen key suite, did:sen name, cryptosuite, status list, suite tags, ECDSA curves)
ISSUERS: list[tuple[str, str, str, str, str, list[str], list[str]]] = [
    (
        "w3c-ed",
        "ed25519",
        "w3c-ed",
        "eddsa-rdfc-2022",
        "w3c-ed-revocation",
        ["vc2.0", "eddsa-rdfc-2022", "BitstringStatusList"],
        [],
    ),
    (
        "w3c-jcs",
        "ed25519",
        "w3c-jcs",
        "eddsa-jcs-2022",
        "w3c-jcs-revocation",
        ["eddsa-jcs-2022"],
        [],
    ),
    (
        "w3c-p256",
        "ecdsa-p256",
        "w3c-p256",
        "ecdsa-rdfc-2019",
        "w3c-p256-revocation",
        ["ecdsa-rdfc-2019"],
        ["P-256"],
    ),
]
# Types used by the suites' inputs besides VerifiableCredential (which needs no accreditation).
ACCREDITED_TYPES = [
    "ExampleTestCredential",
    "ExampleVerifiableCredential",
    "RelationshipCredential",
    "ExampleAlumniCredential",
    "ExampleDegreeCredential",
    "https://example.org/#ExampleCredential",
    "https://example.org/#ExampleCredential1",
    "https://example.org/#ExampleCredential2",
]
VERIFIER_TAGS = [
    "vc2.0",
    "eddsa-rdfc-2022",
    "eddsa-jcs-2022",
    "ecdsa-rdfc-2019",
    "BitstringStatusList",
]


def did_key_issuers_supported() -> bool:
    """Whether this Sen accepts a did:key in [[vc.issuers]] (added after did:sen issuers)."""
    from sen.services.credentials.config import parse_vc_settings
    from sen.services.credentials.errors import IssuerConfigError

    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    table = {
        "issuers": [
            {
                "did": did,
                "verification_method": f"{did}#{did[8:]}",
                "key": "probe",
                "status_list": "probe",
            }
        ]
    }
    try:
        parse_vc_settings(table, "https://127.0.0.1", where="probe")
    except IssuerConfigError:
        return False
    return True


def setup(args: argparse.Namespace) -> None:
    root = Path(args.root)
    if args.issuer_did_method == "auto":
        args.issuer_did_method = "key" if did_key_issuers_supported() else "sen"
    home, keyring_path = root / "home", root / "keys"
    config = init_home(home, chain_id=CHAIN_ID, port=args.port, block_interval=args.block_interval)
    validator = load_genesis(config.genesis_path.read_bytes()).validators[0]
    now = utc_now()
    began = now - datetime.timedelta(days=3)
    authority = init_org_directory(root / "ca" / ORG[0], ORG[0], ORG[1], now=began)
    keyring = Keyring(keyring_path)
    certificates = []
    issuers: list[dict[str, Any]] = []
    toml = [
        "",
        "[vc]",
        f'public_url = "{args.public_url}"',
        f'keyring = "{keyring_path}"',
    ]
    for serial, (name, suite, did_name, cryptosuite, status_list, tags, curves) in enumerate(
        ISSUERS, 1
    ):
        keyring.new(name, PASSPHRASE, suite=suite)
        key = keyring.load(name, PASSPHRASE)
        certificates.append(
            issue_member_certificate(
                authority,
                public_key_for(key.suite, key.public_key),
                common_name=f"W3C suites issuer {name}",
                roles=["admin", "issuer"],
                not_before=began,
                not_after=now + datetime.timedelta(days=365),
                serial=serial,
            )
        )
        if args.issuer_did_method == "key":
            # did = the key's did:key, verification_method = did#<multikey>; the same
            # key (a member here) signs its status-list transactions (tx_key).
            did, method = did_key(key.suite, key.public_key)
        else:
            did, method = f"did:sen:{did_name}", f"did:sen:{did_name}#key-1"
        issuers.append(
            {
                "key": name,
                "suite": suite,
                "didName": did_name,
                "did": did,
                "verificationMethod": method,
                "publicKeyMultibase": encode_multikey(key.suite, key.public_key),
                "cryptosuite": cryptosuite,
                "tags": tags,
                "supportedEcdsaKeyTypes": curves,
            }
        )
        toml += [
            "",
            "[[vc.issuers]]",
            f'did = "{did}"',
            f'verification_method = "{method}"',
            f'key = "{name}"',
            f'cryptosuite = "{cryptosuite}"',
            f'status_list = "{status_list}"',
        ]
        if args.issuer_did_method == "key":
            toml.append(f'tx_key = "{name}"')
    genesis = make_genesis(
        chain_id=CHAIN_ID,
        genesis_time=Timestamp(int((now - datetime.timedelta(days=1)).timestamp()), 0),
        validators=[GenesisValidator(validator.pub_key, 10, "w3c-validator")],
        params=ChainParams(chain_id=CHAIN_ID, allowed_suites=("ed25519", "ecdsa-p256")),
        membership={
            "permissioned": True,
            "organisations": [{"id": ORG[0], "name": ORG[1], "ca": pem(authority.certificate)}],
            "members": [pem(c) for c in certificates],
        },
        trust={"roots": [f"did:sen:{ROOT_DID_NAME}"]},
    )
    config.genesis_path.write_bytes(genesis)
    with config.settings_path.open("a", encoding="utf-8") as out:
        out.write("\n".join(toml) + "\n")
    store = TokenStore(tokens_path(config.settings_path))
    for issuer in issuers:
        issuer["token"] = store.create(issuer["did"])[1]
    description = {
        "apiUrl": f"http://127.0.0.1:{args.port}",
        "publicUrl": args.public_url,
        "home": str(home),
        "keyring": str(keyring_path),
        "issuerDidMethod": args.issuer_did_method,
        "issuers": issuers,
    }
    out_path = root / "issuers.json"
    out_path.write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    os.chmod(out_path, 0o600)
    print(f"{out_path} (did:{args.issuer_did_method} issuers)")


def found(args: argparse.Namespace) -> None:
    """Create the issuers' did:sen DIDs and accredit them (did:sen mode only)."""
    description = json.loads((Path(args.root) / "issuers.json").read_text(encoding="utf-8"))
    keyring = Keyring(Path(description["keyring"]))
    if description["issuerDidMethod"] != "sen":
        print("did:key issuers: nothing to create on chain")
        return
    with Client.http(description["apiUrl"]) as client:

        def send(key_name: str, module: str, action: str, body: dict[str, Any]) -> None:
            info = client.send(keyring.load(key_name, PASSPHRASE), module, action, body)
            if info.result is None or not info.result.ok:
                raise SystemExit(f"{module}.{action} by {key_name} failed: {info}")

        first = description["issuers"][0]
        send(
            first["key"],
            "identity",
            "create",
            {
                "name": ROOT_DID_NAME,
                "verification_methods": [
                    {"id": "key-1", "public_key_multibase": first["publicKeyMultibase"]}
                ],
                "relationships": {"authentication": ["key-1"], "assertionMethod": ["key-1"]},
            },
        )
        for issuer in description["issuers"]:
            send(
                issuer["key"],
                "identity",
                "create",
                {
                    "name": issuer["didName"],
                    "verification_methods": [
                        {"id": "key-1", "public_key_multibase": issuer["publicKeyMultibase"]}
                    ],
                    "relationships": {
                        "authentication": ["key-1"],
                        "assertionMethod": ["key-1"],
                    },
                },
            )
            send(
                first["key"],
                "trust",
                "accredit",
                {
                    "accreditor": f"did:sen:{ROOT_DID_NAME}",
                    "issuer": issuer["did"],
                    "credential_types": ACCREDITED_TYPES,
                },
            )
    print("DIDs created and accredited")


def local_config(args: argparse.Namespace) -> None:
    """A vc-test-suite-implementations localConfig.cjs for every Sen endpoint."""
    description = json.loads((Path(args.root) / "issuers.json").read_text(encoding="utf-8"))
    base = args.base_url.rstrip("/")
    versions = [v for v in args.vc_versions.split(",") if v]
    issuers = []
    for issuer in description["issuers"]:
        entry: dict[str, Any] = {
            "id": issuer["did"],
            "endpoint": f"{base}/credentials/issue",
            "headers": {"Authorization": f"Bearer {issuer['token']}"},
            "supports": {"vc": versions},
            "tags": issuer["tags"],
        }
        if issuer["supportedEcdsaKeyTypes"]:
            entry["supportedEcdsaKeyTypes"] = issuer["supportedEcdsaKeyTypes"]
        if args.issuer_options:
            entry["options"] = json.loads(args.issuer_options)
        issuers.append(entry)
    # The suites judge verification by the specifications alone, and the Data Integrity
    # suites send no options: the verifier endpoints carry that policy in their URL
    # (?checks=proof: Sen's accreditation, status, validity and issuer=signer checks
    # still run, as warnings). Without it, Sen's full policy is applied.
    query = f"?checks={args.verifier_checks}" if args.verifier_checks else ""
    verifier = {
        "id": "urn:sen:w3c:verifier",
        "endpoint": f"{base}/credentials/verify{query}",
        "supports": {"vc": versions},
        "supportedEcdsaKeyTypes": ["P-256"],
        "tags": VERIFIER_TAGS,
    }
    config = {
        "settings": {"enableInteropTests": False, "testAllImplementations": False},
        "implementations": [
            {
                "name": args.name,
                "implementation": "Sen VC-API",
                "issuers": issuers,
                "verifiers": [verifier],
                "vpVerifiers": [
                    {
                        **verifier,
                        "endpoint": f"{base}/presentations/verify{query}",
                        "tags": ["vc2.0"],
                    }
                ],
            }
        ],
    }
    out = Path(args.out)
    out.write_text(
        "// Written by Sen's scripts/w3c-suites.sh: a local Sen node behind a TLS proxy.\n"
        f"module.exports = {json.dumps(config, indent=2)};\n",
        encoding="utf-8",
    )
    os.chmod(out, 0o600)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--root", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--public-url", required=True)
    p.add_argument("--block-interval", type=float, default=0.1)
    p.add_argument("--issuer-did-method", choices=("auto", "sen", "key"), default="auto")
    p.set_defaults(run=setup)
    p = sub.add_parser("found")
    p.add_argument("--root", required=True)
    p.set_defaults(run=found)
    p = sub.add_parser("config")
    p.add_argument("--root", required=True)
    p.add_argument("--base-url", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--name", default="Sen")
    p.add_argument("--vc-versions", default="1.1,2.0")
    p.add_argument("--issuer-options", default="", help="JSON for each issuer's options")
    p.add_argument(
        "--verifier-checks",
        default="proof",
        help="the checks the verifier endpoints require (?checks=); empty: Sen's full policy",
    )
    p.set_defaults(run=local_config)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
