"""Evidence receipts and genesis files, verified offline with the light-client core.

The CometBFT formats and verifiers (headers, votes, commits, validator sets,
Merkle and state proofs) are :mod:`sen.ledger.light`; this package reads a
genesis file (:mod:`sen.light.genesis`) and verifies an evidence receipt from
it alone (:mod:`sen.light.receipt`, its checks named in
:mod:`sen.light.checks`). :mod:`sen.light.epcis_hash` computes the GS1 CBV 2.0
event hash of an EPCIS event from the event alone (:mod:`sen.light.epcis_xml`
reads XML events into the JSON form it takes).
"""

from .errors import GenesisError, ReceiptInvalid

__all__ = ["GenesisError", "ReceiptInvalid"]
