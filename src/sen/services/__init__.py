"""Off-chain services of a node: read models over committed blocks and the credentials service.

Each service is a package that reads the chain through the node (never the
other way round): ``readmodels`` (explorer, queries, statistics, receipt
building) and ``credentials`` (the VC-API issuer and verifier). ``api`` and
``cli`` sit above them. Every error they raise is a
:class:`~sen.services.errors.ServiceError` (the tree is drawn there), which
carries no HTTP status: the API maps each class once.
"""
