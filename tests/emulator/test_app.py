"""The emulator's API behaviour, called directly (no sockets)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv.testing import DEFAULT_API_KEY, EmulatorApp
from wootiv.testing._spec import check, load_spec, resolve, routes

AUTH = ("Authorization", f"Bearer {DEFAULT_API_KEY}")


def call(app: EmulatorApp, method: str, target: str, body: Any = None, headers: Optional[List[Tuple[str, str]]] = None) -> Tuple[int, Any]:
    raw = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
    sent = headers if headers is not None else [AUTH, ("Content-Type", "application/json"), ("Host", "127.0.0.1:3001")]
    status, _, payload = app.handle(method, target, sent, raw)
    return status, json.loads(payload) if payload else None


@pytest.fixture
def app() -> EmulatorApp:
    return EmulatorApp()


def test_every_route_needs_the_bearer_key(app: EmulatorApp) -> None:
    for route in routes():
        target = route.template.replace("{", "").replace("}", "")
        status, body = call(app, route.method, target, headers=[("Authorization", "Bearer wrong")])
        assert (status, body) == (401, {"statusCode": 401, "message": "Unauthorized"}), route.operation_id


def test_unknown_routes_and_methods_answer_like_nestjs(app: EmulatorApp) -> None:
    assert call(app, "GET", "/nope") == (404, {"statusCode": 404, "message": "Cannot GET /nope", "error": "Not Found"})
    assert call(app, "PUT", "/role")[0] == 404


def test_validation_names_each_field(app: EmulatorApp) -> None:
    status, body = call(app, "POST", "/role", {"name": 5})
    assert status == 422
    assert body["message"] == ["description should not be empty", "description must be a string", "name must be a string"]
    status, body = call(app, "POST", "/subscription", {"endDate": "soon", "planName": "gold", "startDate": "2026-01-01T00:00:00Z", "status": "active", "workspaceId": "demo"})
    assert status == 422
    assert "endDate must be a valid ISO 8601 date string" in body["message"]
    assert any(message.startswith("planName must be one of the following values") for message in body["message"])
    status, body = call(app, "GET", "/features")
    assert (status, body["message"]) == (422, ["planName should not be empty"])


def test_malformed_bodies(app: EmulatorApp) -> None:
    status, body = call(app, "POST", "/role", b'{"name": ')
    assert status == 400 and body["error"] == "Bad Request"
    status, _ = call(app, "POST", "/role", b"name=x", headers=[AUTH, ("Content-Type", "application/x-www-form-urlencoded")])
    assert status == 415
    status, _ = call(app, "POST", "/role", b"[1, 2]")
    assert status == 400
    status, body = call(app, "POST", "/role", b"{" + b" " * (1024 * 1024 + 1) + b"}")
    assert (status, body["error"]) == (413, "Payload Too Large")
    status, _ = call(app, "POST", "/aws/buckets/upload", {"file": "x"})
    assert status == 415


def test_unknown_ids_are_404(app: EmulatorApp) -> None:
    status, body = call(app, "GET", "/role/missing")
    assert (status, body["message"]) == (404, "Role with id 'missing' not found")


def test_paging_follows_nestjsx_crud(app: EmulatorApp) -> None:
    pages = [call(app, "GET", f"/space/demo/members?page={n}")[1] for n in range(1, 6)]
    assert [page["count"] for page in pages] == [10, 10, 10, 10, 7]
    assert {page["pageCount"] for page in pages} == {5} and {page["total"] for page in pages} == {47}
    assert len({member["uid"] for page in pages for member in page["data"]}) == 47
    assert call(app, "GET", "/space/demo/members?limit=500")[1]["count"] == 47
    assert call(app, "GET", "/space/demo/members?limit=100&page=9")[1]["data"] == []
    assert call(app, "GET", "/space/demo/members?offset=45")[1]["data"][0]["uid"] == pages[4]["data"][5]["uid"]


def test_filters_sort_fields_and_search(app: EmulatorApp) -> None:
    names = lambda target: [role["name"] for role in call(app, "GET", target)[1]["data"]]  # noqa: E731
    assert names("/role?filter=name%7C%7C%24eq%7C%7Cadmin") == ["admin"]
    assert names("/role?filter=description||$cont||READS") == ["viewer"]
    assert names("/role?sort=name%2CDESC") == ["viewer", "support", "editor", "admin"]
    assert names("/role?sort=name,ASC") == ["admin", "editor", "support", "viewer"]
    assert names("/role?filter=name||$eq||admin&or=name||$eq||viewer") == ["admin", "viewer"]
    assert names('/role?s=%7B%22name%22%3A%7B%22%24starts%22%3A%22s%22%7D%7D') == ["support"]
    selected = call(app, "GET", "/role?fields=name")[1]["data"][0]
    assert set(selected) == {"id", "name"}
    status, body = call(app, "GET", "/role?filter=name||$like||x")
    assert status == 400 and "filter" in body["message"]


def test_state_round_trips_and_reset(app: EmulatorApp) -> None:
    status, created = call(app, "POST", "/contact_group", {"groupName": "Beta", "workspaceId": "demo"})
    assert status == 201
    assert call(app, "GET", f"/contact_group/{created['id']}")[1] == created
    status, updated = call(app, "PATCH", f"/contact_group/{created['id']}", {"groupName": "Gamma", "workspaceId": "demo"})
    assert updated["groupName"] == "Gamma" and updated["audit"]["version"] == 2
    assert call(app, "DELETE", f"/contact_group/{created['id']}")[0] == 200
    assert call(app, "GET", f"/contact_group/{created['id']}")[0] == 404
    call(app, "POST", "/role", {"name": "temp", "description": "x"})
    app.reset()
    assert call(app, "GET", "/role")[1]["total"] == 4


def test_uploads_are_stored_and_served(app: EmulatorApp) -> None:
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="path"\r\n\r\nreports\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\na,b\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    headers = [AUTH, ("Content-Type", f"multipart/form-data; boundary={boundary}"), ("Host", "127.0.0.1:9")]
    status, stored = call(app, "POST", "/aws/buckets/upload", body, headers)
    assert status == 201 and stored["pathWithFilename"] == "reports/r.csv"
    assert stored["signedUrl"].startswith("http://127.0.0.1:9/_emulator/objects/reports/r.csv")
    status, headers_out, data = app.handle("GET", "/_emulator/objects/reports/r.csv", [], b"")
    assert (status, data, dict(headers_out)["Content-Type"]) == (200, b"a,b", "text/csv")


def _valid_example(schema: Dict[str, Any]) -> Any:
    schema = resolve(schema)
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "string":
        return "2026-01-01T00:00:00Z" if schema.get("format") == "date-time" else "x"
    if kind in ("number", "integer"):
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return [_valid_example(schema.get("items", {}))] if "$ref" in schema.get("items", {}) else []
    if kind == "object":
        return {name: _valid_example(prop) for name, prop in schema.get("properties", {}).items()}
    return None


def test_every_json_operation_accepts_a_valid_request_and_answers_the_documented_shape(app: EmulatorApp) -> None:
    """A generic valid request for each route: never a 5xx, 422 or 415, and 2xx answers match the spec."""
    for route in routes():
        if route.body_media() == "multipart/form-data":
            continue
        target = route.template
        for name in route.names:
            target = target.replace("{" + name + "}", "demo" if "space" in name else "x")
        query = "&".join(f"{param['name']}=1" for param in route.query_params() if param.get("required"))
        body = _valid_example(route.body_schema() or {}) if route.body_schema() else None
        status, answer = call(app, route.method, f"{target}?{query}" if query else target, body)
        assert status in (200, 201, 400, 401, 404, 409), (route.operation_id, status, answer)
        schema = route.response_schema()
        if status < 300 and schema is not None and answer is not None:
            assert check(answer, schema, "answer", allow_empty=True) == [], route.operation_id


def test_spec_has_81_operations() -> None:
    assert sum(len(methods) for methods in load_spec()["paths"].values()) == 81 == len(routes())


@settings(max_examples=150, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT", "BREW"]),
    target=st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=40).map(lambda t: "/" + t),
    body=st.binary(max_size=200),
    content_type=st.sampled_from(["application/json", "multipart/form-data; boundary=x", "text/plain", ""]),
)
def test_garbage_never_breaks_the_app(method: str, target: str, body: bytes, content_type: str) -> None:
    app = EmulatorApp(empty=True)
    status, headers, payload = app.handle(method, target, [AUTH, ("Content-Type", content_type)], body)
    assert 200 <= status < 600
    if payload:
        decoded = json.loads(payload)
        assert "Traceback" not in json.dumps(decoded)
