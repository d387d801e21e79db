"""Numbers out of every column's range are refused (422) or not found, never a server error (issue 8, item 13).

Built from the OpenAPI schema, so a new operation is covered without touching this file: every
integer input must carry bounds (wuxiao.api_common), and a number just past 64 bits in any of them
is answered with the list of the inputs of the wrong form. SQLite raises OverflowError and
PostgreSQL a DataError for such numbers: both databases run this module (make test, make test-pg).
"""

import json

import pytest
from django.test import Client

from wuxiao.accounts.models import Role
from wuxiao.api import api
from wuxiao.common import api_auth
from wuxiao.entries.enums import EntryStatus

from .. import factories
from .test_one_input_path import BAD_BODY

pytestmark = pytest.mark.django_db

HUGE = [2**63, 10**23]  # one past the largest 64-bit id; far past it
SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]
OPERATIONS = [(method.upper(), path, op) for path, ops in SCHEMA["paths"].items() for method, op in ops.items()]


def resolve(node: dict) -> dict:
    while "$ref" in node:
        node = COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
    return node


def integer_nodes(node: dict, where: str):
    """(where, schema) of every integer in `node`, through references, unions, arrays and objects."""
    node = resolve(node)
    if node.get("type") == "integer":
        yield where, node
    for sub in node.get("anyOf", []) + node.get("allOf", []) + node.get("oneOf", []):
        yield from integer_nodes(sub, where)
    if "items" in node:
        yield from integer_nodes(node["items"], where + "[]")
    for name, sub in node.get("properties", {}).items():
        yield from integer_nodes(sub, f"{where}.{name}")
    if isinstance(node.get("additionalProperties"), dict):
        yield from integer_nodes(node["additionalProperties"], where + "{}")


def body_schema(op: dict) -> dict | None:
    content = op.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def test_every_integer_input_of_the_api_has_bounds():
    unbounded = []
    for method, path, op in OPERATIONS:
        inputs = [(f"{p['in']}:{p['name']}", p["schema"]) for p in op.get("parameters", [])]
        if body_schema(op):
            inputs.append(("body", body_schema(op)))
        for name, schema in inputs:
            for where, node in integer_nodes(schema, name):
                if "minimum" not in node or "maximum" not in node:
                    unbounded.append(f"{method} {path} {where}")
    assert unbounded == [], "use wuxiao.api_common.Id / Count / PageNumber for these inputs"
    # The bound is what both databases hold: a BigAutoField id.
    entry_id = next(p for p in SCHEMA["paths"]["/api/entries/{entry_id}"]["get"]["parameters"]
                    if p["name"] == "entry_id")
    assert entry_id["schema"]["maximum"] == 2**63 - 1


@pytest.fixture
def world(edition):
    edition.is_current = True
    edition.save()
    unit = factories.DeclaringUnitFactory()
    entry = factories.EntryFactory(edition=edition, declaring_unit=unit, status=EntryStatus.SUBMITTED)
    committee = factories.user_with_role(Role.COMMITTEE)
    declarer = factories.user_with_role(Role.DECLARER, unit)
    return {"edition": edition, "entry": entry, "users": {"committee": committee, "declarer": declarer}}


def sample_path(path: str, op: dict, world, override: dict) -> str:
    values = {"slug": world["edition"].slug, "entry_id": world["entry"].pk,
              "unit_id": world["entry"].recommending_unit_id}
    for param in op.get("parameters", []):
        if param["in"] == "path":
            value = override.get(param["name"], values.get(param["name"], 1))
            path = path.replace("{%s}" % param["name"], str(value))
    return path


def huge_value(schema: dict, big: int):
    """`big` in the shape of the input: a number, a list of numbers, or objects holding one."""
    schema = resolve(schema)
    for sub in schema.get("anyOf", []):
        if resolve(sub).get("type") != "null":
            return huge_value(sub, big)
    if schema.get("type") == "array":
        return [huge_value(schema["items"], big)]
    if schema.get("type") == "object":
        return {name: huge_value(sub, big) for name, sub in schema.get("properties", {}).items()
                if list(integer_nodes(sub, name))}
    return big


def huge_requests(world):
    """(role, method, url, body, input name) for every integer input of every operation, set to each HUGE."""
    for method, path, op in OPERATIONS:
        if not op.get("security"):
            continue
        for big in HUGE:
            for param in op.get("parameters", []):
                if list(integer_nodes(param["schema"], param["name"])):
                    url = sample_path(path, op, world, {param["name"]: big} if param["in"] == "path" else {})
                    query = f"?{param['name']}={big}" if param["in"] == "query" else ""
                    yield method, url + query, None, param["name"]
            schema = body_schema(op)
            if schema:
                for name, sub in resolve(schema).get("properties", {}).items():
                    if list(integer_nodes(sub, name)):
                        yield method, sample_path(path, op, world, {}), {name: huge_value(sub, big)}, name


@pytest.mark.parametrize("role", ["committee", "declarer"])
def test_huge_numbers_in_any_input_are_refused_with_the_input_named(world, role):
    _, raw = api_auth.create_api_token(actor=world["users"][role], name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)
    seen = set()
    for method, url, body, name in huge_requests(world):
        response = client.generic(method, url, json.dumps(body) if body is not None else "",
                                  content_type="application/json")
        answer = response.json()
        assert response.status_code == 422, (method, url, body, response.status_code, answer)
        assert any(name in map(str, error["loc"]) for error in answer["detail"]), (method, url, answer)
        assert answer["message"].startswith("以下内容格式不正确或缺失：")
        seen.add((method, url.split("?")[0].rsplit("/", 1)[0], name))
    # The inputs of the brief's examples are among them.
    names = {name for *_, name in seen}
    assert {"page", "parent", "entry_id", "category", "recommending_unit", "unit_id", "version", "rank"} <= names


def test_page_after_the_last_is_empty_and_page_numbers_have_a_ceiling(world):
    client = Client()
    client.force_login(world["users"]["committee"])
    last = client.get("/api/entries", {"page": 1_000_000})
    assert last.status_code == 200
    assert last.json() == {"items": [], "count": 1}
    beyond = client.get("/api/units", {"page": 1_000_001})
    assert beyond.status_code == 422
    assert beyond.json()["detail"][0]["loc"] == ["query", "page"]


def test_a_body_that_is_not_json_is_refused_in_chinese(world):
    client = Client()
    client.force_login(world["users"]["declarer"])
    response = client.post("/api/entries", "{\"title\": ", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": BAD_BODY}
    assert 400 in SCHEMA["paths"]["/api/entries"]["post"]["responses"]


@pytest.mark.parametrize("body", [{"login": "a\x00b", "password": "x"}, {"login": "a", "password": "p\x00w"}])
def test_a_nul_in_the_login_or_password_is_a_wrong_login_not_an_error(client, body):
    response = client.post("/api/auth/token", body, content_type="application/json")
    assert response.status_code == 401
