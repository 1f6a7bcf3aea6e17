"""A node's credential service: the W3C VC-API over :mod:`sen.vc` and the chain.

* :mod:`~sen.vc_api.config` — ``[vc]`` and ``[[vc.issuers]]`` in ``sen.toml``;
* :mod:`~sen.vc_api.service` — issue (accredited issuers only, with a status
  entry on an on-chain Bitstring Status List), change status, status list
  credentials;
* :mod:`~sen.vc_api.verification` — proof, accreditation at issuance,
  validity and status, from any :class:`~sen.vc_api.verification.Sources`;
* :mod:`~sen.vc_api.chain` — those sources from a node's state;
  :mod:`~sen.vc_api.remote` — from a node's API, or saved for offline use;
* :mod:`~sen.vc_api.store` — issued credentials and list indexes, kept off chain;
* :mod:`~sen.vc_api.qr` — a printable QR code linking to a credential.

The REST routes are :mod:`sen.api.routes.vc_api`; the CLI ``sen vc``. The
diploma walk-through is ``docs/guides/diplomas.md``.
"""
