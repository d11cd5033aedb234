"""The OpenAPI document names exactly the /api/v1 routes, its references resolve, answers match it."""
from __future__ import annotations

import json
import re

import pytest
from shapely.geometry import box, mapping

from tests.support.dispatch_world import build

METHODS = {"get", "put", "post", "patch", "delete"}


def document(client) -> dict:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.is_json
    return r.get_json()


def routes(app) -> set[tuple[str, str]]:
    """(path in OpenAPI form, method) of every /api/v1 rule of the app."""
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            out |= {(path, m.lower()) for m in rule.methods if m.lower() in METHODS}
    return out


def documented(doc: dict) -> set[tuple[str, str]]:
    [server] = doc["servers"]
    return {(server["url"] + path, method) for path, item in doc["paths"].items() for method in item
            if method in METHODS}


def test_the_document_is_openapi_3_1(client):
    doc = document(client)
    assert doc["openapi"].startswith("3.1") and doc["info"]["title"]


def test_every_route_is_documented_and_every_documented_route_exists(app, client):
    doc, served = document(client), routes(app)
    assert ("/api/v1/layers/{layer}", "get") in served  # the comparison sees the older routes too
    assert served - documented(doc) == set(), "routes missing from web/api/openapi.json"
    assert documented(doc) - served == set(), "documented routes the app does not serve"


def test_path_parameters_are_declared(client):
    doc = document(client)
    for path, item in doc["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        declared = set()
        for method, operation in item.items():
            for p in item.get("parameters", []) + (operation.get("parameters", []) if method in METHODS else []):
                p = resolve(doc, p)
                if p["in"] == "path":
                    declared.add(p["name"])
        assert declared == names, path


def resolve(doc: dict, node: dict) -> dict:
    ref = node.get("$ref")
    if ref is None:
        return node
    target = doc
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def test_every_reference_resolves(client):
    doc = document(client)

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                resolve(doc, node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)


@pytest.fixture
def validate(client):
    jsonschema = pytest.importorskip("jsonschema")
    doc = document(client)

    def check(instance, schema_name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": doc["components"]}
        jsonschema.Draft202012Validator(schema).validate(instance)

    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    return check


def test_answers_match_their_schemas(client, session, validate):
    world = build(session)
    request = {"formation_id": world.formation, "target_kind": "patrol_zone", "target_id": world.zone,
               "activity": "8.1", "starts_at": "2026-12-05T18:00", "ends_at": "2026-12-05T22:00",
               "officer_id": world.officer}
    validate(request, "AssignmentRequest")
    created = client.post("/api/v1/assignments", json=request)
    validate(created.get_json(force=True), "Assignment")
    refused = client.post("/api/v1/assignments", json=request | {"formation_id": world.unnotified})
    assert refused.status_code == 422
    validate(refused.get_json(), "RuleViolations")
    validate(client.get("/api/v1/assignments").get_json(force=True), "Assignments")
    options = client.get(f"/api/v1/dispatch/options?target_kind=patrol_zone&target_id={world.zone}"
                         "&starts_at=2026-12-05T18:00&ends_at=2026-12-05T22:00")
    validate(options.get_json(), "DispatchOptions")
    roster = client.get(f"/api/v1/formations/{world.formation}/members?date=2026-12-05")
    validate(roster.get_json(), "Roster")
    zone = json.loads(json.dumps({"name": "Arbat", "geometry": mapping(box(76.92, 43.23, 76.925, 43.235))}))
    validate(zone, "PatrolZoneRequest")
    validate(client.post("/api/v1/patrol_zones", json=zone).get_json(force=True), "DrawnArea")
    validate(client.get("/api/v1/layers").get_json(), "LayerList")
    validate(client.get("/api/v1/layers/district").get_json(force=True), "LayerPage")
