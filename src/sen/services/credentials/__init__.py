"""A node's credential service: the W3C VC-API over :mod:`sen.vc` and the chain.

* :mod:`~sen.services.credentials.config` — ``[vc]`` and ``[[vc.issuers]]`` in ``sen.toml``;
* :mod:`~sen.services.credentials.service` — issue (accredited issuers only, with a status
  entry on an on-chain Bitstring Status List), change status, status list
  credentials;
* :mod:`~sen.services.credentials.verification` — proof, accreditation at issuance,
  validity and status, from any :class:`~sen.services.credentials.verification.Sources`;
* :mod:`~sen.services.credentials.chain` — those sources from a node's state;
  :mod:`~sen.services.credentials.remote` — from a node's API, or saved for offline use;
* :mod:`~sen.services.credentials.store` — issued credentials and list indexes, kept off chain;
* :mod:`~sen.services.credentials.qr` — a printable QR code linking to a credential.

The REST routes are :mod:`sen.api.routes.vc_api`; the CLI ``sen vc``. The
diploma walk-through is ``docs/guides/diplomas.md``.
"""
