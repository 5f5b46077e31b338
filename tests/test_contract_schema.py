"""The contract's models (tracuu/contract.py) against ../shared/CONTRACT.md, `tracuu schema` and `/openapi.json`.

CONTRACT.md is read, not copied: every JSON object shape it prints in backticks (nested ones on their own)
must be the properties of one object of the models' JSON Schema, and every field it names in prose ("`ask
--json` gains `direct`: …") must be a property of that command's response."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import SHARED
from tracuu.contract import RESPONSES, AskResponse, schemas

CONTRACT = SHARED / "CONTRACT.md"
# Shapes CONTRACT.md prints for what the user gives, not for what tracuu answers.
INPUTS = {frozenset({"id", "text", "title", "url", "date"}): "an ingested JSONL line",
          frozenset({"id", "question"}): "a --questions/--queries line"}
GAINS_MODEL = {"ask": AskResponse}


def contract_shapes(text: str) -> list[frozenset[str]]:
    """The quoted keys of every JSON object in a backticked span that opens with `{` or `[{`; an object
    nested in another is a shape of its own (`"events": [{"date": …}]` gives {events} and {date, …})."""
    found = []
    for span in re.findall(r"`([^`]+)`", text):
        if not span.lstrip().startswith(("{", "[{")):
            continue
        stack: list[set[str]] = []
        for token in re.finditer(r'[{}]|"(\w+)"\??\s*:', span):
            if token.group() == "{":
                stack.append(set())
            elif token.group() == "}":
                keys = stack.pop()
                if keys:  # {KEY: …}: a mapping, not an object with named fields
                    found.append(frozenset(keys))
            elif stack:
                stack[-1].add(token.group(1))
        assert not stack, f"CONTRACT.md: unbalanced braces in `{span}`"
    return found


def gained_fields(text: str) -> dict[str, set[str]]:
    """Fields a bullet names in prose: "- `ask --json` output gains `confidence` (0–1) and `candidates`: …"."""
    out: dict[str, set[str]] = {}
    for bullet in re.split(r"\n(?=- )", text):
        m = re.search(r"`(\w+) --json` (?:output )?gains (.*)", " ".join(bullet.split()))
        if m:
            out.setdefault(m.group(1), set()).update(re.findall(r"`(\w+)`(?=:| \()", m.group(2)))
    return out


def _objects(schema: dict) -> list[dict]:
    return [schema, *schema.get("$defs", {}).values()]


def test_the_parser_reads_the_contract():
    text = CONTRACT.read_text(encoding="utf-8")
    shapes = contract_shapes(text)
    # Sanity, so that the checks below cannot pass on nothing: the Hit and the Event shapes, a nested one.
    assert frozenset({"doc_id", "passage_id", "title", "text", "score", "url", "date"}) in shapes
    assert any({"value", "n", "doc_id", "passage_id"} == s for s in shapes)
    assert {"confidence", "candidates", "direct", "direct_citation"} <= gained_fields(text)["ask"]


def test_every_field_the_contract_names_is_in_the_models_schema():
    text = CONTRACT.read_text(encoding="utf-8")
    objects = [o for model in RESPONSES for o in _objects(model.model_json_schema(mode="serialization"))]
    properties = [set(o.get("properties", ())) for o in objects]
    missing = [sorted(shape) for shape in contract_shapes(text)
               if shape not in INPUTS and not any(shape <= p for p in properties)]
    assert not missing, f"CONTRACT.md shapes no model holds whole: {missing}"
    for command, fields in gained_fields(text).items():
        assert command in GAINS_MODEL, f"CONTRACT.md adds fields to `{command} --json`, which has no model here"
        held = set(GAINS_MODEL[command].model_json_schema(mode="serialization")["properties"])
        assert fields <= held, f"`{command} --json` lacks {sorted(fields - held)}"


def test_tracuu_schema_prints_every_response():
    proc = subprocess.run([sys.executable, "-m", "tracuu.cli", "schema"], capture_output=True, text=True,
                          timeout=120, check=True)
    printed = json.loads(proc.stdout)
    assert set(printed) == {m.__name__ for m in RESPONSES} and printed == json.loads(json.dumps(schemas()))
    assert {"direct", "direct_citation", "follow_up"} <= set(printed["AskResponse"]["properties"])


@pytest.fixture(scope="module")
def openapi(seed_index) -> dict:
    from fastapi.testclient import TestClient

    from rest import create_api

    return TestClient(create_api(seed_index)).get("/openapi.json").json()


@pytest.mark.parametrize("path, method, names", [
    ("/api/ask", "post", {"AskResponse"}),
    ("/api/search", "post", {"SearchResponse"}),
    ("/api/documents", "get", {"Card", "DocumentsResponse"}),
    ("/api/timeline", "get", {"Timeline"}),
    ("/api/compare", "get", {"CompareResponse"}),
])
def test_openapi_publishes_each_response(openapi, path, method, names):
    schema = openapi["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    refs = {s["$ref"].rsplit("/", 1)[1] for s in schema.get("anyOf", [schema])}
    assert refs == names
    published = openapi["components"]["schemas"]
    for model in (m for m in RESPONSES if m.__name__ in names):
        mine = model.model_json_schema(mode="serialization", ref_template="#/components/schemas/{model}")
        for name, obj in [(model.__name__, mine), *mine.get("$defs", {}).items()]:
            assert set(published[name]["properties"]) == set(obj["properties"]), name
            assert set(published[name].get("required", ())) == set(obj.get("required", ())), name
