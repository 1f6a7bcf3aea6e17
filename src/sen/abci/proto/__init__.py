"""ABCI protobuf modules (generated; see sen.abci.protogen)."""
