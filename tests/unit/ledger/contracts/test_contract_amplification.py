"""Code whose compiled form is so large that no call could pay for a new instance of it is
refused at upload (``CODE_TOO_LARGE``): folded constants (``a = "x" * 4096``) made 22 KB of
source into 7.6 MB of compiled code that every node kept, for an upload priced by the
source (third attacker review, finding 4).
"""

from __future__ import annotations

import hashlib

from contract_chain import ContractChain, key

from sen.vm import Runtime, fuel

LINES = 1_400
SOURCE = (
    "import sen_contract as sen\n"
    + "".join(f'a{i:x} = "{i:x}" * {4096 // len(f"{i:x}")}\n' for i in range(LINES))
    + "\n@sen.execute\ndef noop():\n    return 0\n"
).encode()


def test_an_upload_pays_for_what_it_makes_every_node_keep(
    chain: ContractChain, contract_runtime: Runtime
) -> None:
    uploaded = chain.one(key(1), "upload", source=SOURCE)
    if uploaded.code != 0:  # refused: what a fix may do
        return
    digest = hashlib.sha256(SOURCE).digest()
    path = contract_runtime._code_path(digest)
    assert path is not None and path.exists()
    kept = path.stat().st_size  # on every node's disk, never deleted
    assert kept * fuel.INSTANCE_BYTE <= uploaded.gas_used, (
        f"{len(SOURCE):,} bytes of source, {uploaded.gas_used:,} gas: every node keeps "
        f"{kept:,} bytes of compiled code (its instance would cost "
        f"{fuel.instance_cost(kept):,} gas, above any max_gas)"
    )
