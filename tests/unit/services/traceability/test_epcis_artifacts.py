"""The bundled GS1 artefacts: what the manifest says of them, and what the loaders refuse."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from sen.services.traceability.artifacts import (
    CONTEXT_FILE,
    EPCIS_CONTEXT_URL,
    MANIFEST,
    OPENAPI_FILE,
    SCHEMA_FILE,
    bundled_directory,
    load_context,
    load_manifest,
    load_openapi,
    load_schema,
)
from sen.services.traceability.errors import ArtifactIntegrityError, TraceabilityError

GS1 = "https://github.com/gs1/EPCIS"
COMMIT = "2b888befbc071e1c2d388e027b30149b3f51dcef"


def test_the_manifest_pins_each_bundled_file_to_gs1s_repository() -> None:
    manifest = load_manifest()
    assert {artifact.file: artifact.path for artifact in manifest.values()} == {
        SCHEMA_FILE: "EPCIS-JSON-Schema.json",
        CONTEXT_FILE: "epcis-context.jsonld",
        OPENAPI_FILE: "REST Bindings/openapi.json",
    }
    for artifact in manifest.values():
        raw = (bundled_directory() / artifact.file).read_bytes()
        assert artifact.sha256 == hashlib.sha256(raw).hexdigest()
        assert (artifact.repository, artifact.commit) == (GS1, COMMIT)
        assert artifact.licence.startswith("No open-source licence.")
    files = {path.name for path in bundled_directory().iterdir()}
    assert files == {MANIFEST, SCHEMA_FILE, CONTEXT_FILE, OPENAPI_FILE}


def test_the_loaders_give_gs1s_documents() -> None:
    schema = load_schema()
    assert schema["$id"] == "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    context = load_context()["@context"]
    assert context["ObjectEvent"] == "epcis:ObjectEvent"
    assert context["epcis"] == "https://ref.gs1.org/epcis/"
    openapi = load_openapi()
    assert (openapi["openapi"], openapi["info"]["version"]) == ("3.0.3", "2.0.0")
    assert "/capture" in openapi["paths"]
    assert load_schema() is schema  # parsed once


def test_the_context_url_is_the_one_the_context_file_is_published_at() -> None:
    entry = json.loads((bundled_directory() / MANIFEST).read_text())["files"][1]
    assert (entry["file"], entry["url"]) == (CONTEXT_FILE, EPCIS_CONTEXT_URL)


def _copy(tmp_path: Path) -> Path:
    directory = tmp_path / "gs1"
    shutil.copytree(bundled_directory(), directory)
    return directory


def test_a_file_that_grew_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    with (directory / SCHEMA_FILE).open("ab") as file:
        file.write(b"\n")
    with pytest.raises(ArtifactIntegrityError, match="refusing to use it") as caught:
        load_schema(directory)
    assert caught.value.field == SCHEMA_FILE
    assert isinstance(caught.value, TraceabilityError)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / OPENAPI_FILE).unlink()
    with pytest.raises(ArtifactIntegrityError, match="cannot read"):
        load_openapi(directory)


def test_a_file_the_manifest_does_not_list_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["files"] = [entry for entry in manifest["files"] if entry["file"] != CONTEXT_FILE]
    (directory / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactIntegrityError, match="is not listed"):
        load_context(directory)
    load_schema(directory)  # the others still load


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "cannot read"),
        ('{"files": {}}', "has no list of files"),
        ('{"files": [{"file": "x"}]}', "an entry lacks one of"),
    ],
)
def test_a_malformed_manifest_is_refused(tmp_path: Path, text: str, reason: str) -> None:
    directory = _copy(tmp_path)
    (directory / MANIFEST).write_text(text)
    with pytest.raises(ArtifactIntegrityError, match=reason):
        load_schema(directory)
