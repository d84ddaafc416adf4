"""The API contract: the served document equals the committed snapshot, docs/openapi.json.

When this fails, the diff shows what changed. If the change is intended, regenerate with
``counterpart api-schema --output docs/openapi.json`` and commit it with the code.
"""

import difflib
import json

from django.test import Client

from counterpart.api.openapi import SNAPSHOT_PATH, openapi_text


def test_the_openapi_document_matches_the_committed_snapshot() -> None:
    current = openapi_text()
    committed = SNAPSHOT_PATH.read_text(encoding="utf-8") if SNAPSHOT_PATH.exists() else ""
    if current != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True), current.splitlines(keepends=True), "docs/openapi.json", "served"
            )
        )
        raise AssertionError(
            "The API contract changed. If intended, run `counterpart api-schema --output docs/openapi.json` "
            "and commit it.\n" + diff[:20_000]
        )


def test_the_document_is_served_without_a_token_and_declares_bearer_auth(db) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document == json.loads(openapi_text())
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert all(op.get("security") for path in document["paths"].values() for op in path.values())
