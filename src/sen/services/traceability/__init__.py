"""The EPCIS 2.0 repository service: GS1 traceability events beside the node (ADR 0015).

GS1's EPCIS 2.0 artefacts (the JSON schema, the JSON-LD context, the REST binding's
OpenAPI document) are bundled in ``gs1/`` byte for byte, pinned by SHA-256 in
``gs1/MANIFEST.json`` (:mod:`.artifacts`); :mod:`.validation` checks documents and events
against the schema and names each problem by its JSON pointer.
"""
