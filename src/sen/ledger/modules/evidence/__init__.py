"""Evidence preservation: anchor document digests, alone or as a Merkle batch.

State (one key per anchored digest)::

    evidence/digest/<algorithm>/<digest>  ->  [count, first_height, first_tx_index]

Every anchoring is also indexed off-consensus (digest -> height, tx, leaf) so
that lookups list all anchorings oldest first; a receipt proves one of them
from the block header alone.
"""

from sen.ledger.modules.evidence.actions import MODULE, anchor_key
from sen.ledger.modules.evidence.digests import DEFAULT_ALGORITHM, DIGEST_ALGORITHMS, digest_file

__all__ = ["DEFAULT_ALGORITHM", "DIGEST_ALGORITHMS", "MODULE", "anchor_key", "digest_file"]
