"""Evidence preservation: anchor document digests, alone or as a Merkle batch.

Anchorings are append-only facts, so they are kept where the chain already
commits to them, not in the state tree (ADR 0003): the transaction is in its
block's ``data_hash`` and its success in the next header's
``last_results_hash``. A receipt proves one anchoring from those headers
alone. Every anchoring is indexed (digest -> height, tx, leaf), so lookups
list all anchorings of a digest, oldest first. The module writes no state.
"""

from sen.ledger.modules.evidence.actions import MODULE
from sen.ledger.modules.evidence.digests import DEFAULT_ALGORITHM, DIGEST_ALGORITHMS, digest_file

__all__ = ["DEFAULT_ALGORITHM", "DIGEST_ALGORITHMS", "MODULE", "digest_file"]
