"""The published API is true (issue I.11): one schema per name in the OpenAPI document.

django-ninja generates each operation's schemas separately and files them under
``components.schemas`` by class name; two different classes with one name silently overwrite
each other (the bank's ``GET /filing/batches`` was documented with the documents app's
``BatchOut``). This test records every definition as it is filed and fails on any name that
stands for two different schemas.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from ninja.openapi.schema import OpenAPISchema

from lastmile.web.api import api


def test_no_two_distinct_schemas_share_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    original = OpenAPISchema.add_schema_definitions

    def recording(self: OpenAPISchema, definitions: dict) -> None:
        for name, schema in definitions.items():
            seen[name].add(json.dumps(schema, sort_keys=True, ensure_ascii=False))
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    document = api.get_openapi_schema()
    assert seen, "no schema definitions were recorded"
    clashes = {name: sorted(versions) for name, versions in seen.items() if len(versions) > 1}
    assert not clashes, "schema names used for different schemas: " + ", ".join(sorted(clashes))
    assert set(seen) <= set(document["components"]["schemas"])


def test_the_banks_batch_list_is_documented_with_the_filing_schema() -> None:
    document = api.get_openapi_schema()
    ok = document["paths"]["/api/v1/filing/batches"]["get"]["responses"][200]
    ref = ok["content"]["application/json"]["schema"]["items"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"batch_id", "client", "ok_rows", "error_rows", "created_cases"} <= set(schema["properties"])
