"""Signature suites, one module per algorithm.

The registry that names them, and the import path every caller uses, is
:mod:`sen.ledger.crypto`. Adding a suite means a module here, one
``register_suite`` line there, and its tests (see
``docs/spec/signature-suites.md``).
"""
