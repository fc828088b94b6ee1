"""HTTP semantics of the emulator application: routing, auth, body decoding, robustness."""

from __future__ import annotations

import json
import threading
from typing import Any, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv.testing import EmulatorApp
from wootiv.testing import _handlers
from wootiv.testing._schema import operations

from .test_app_support import AUTH, JSON_HEADERS, call


@pytest.fixture
def app() -> EmulatorApp:
    return EmulatorApp()


def test_every_operation_needs_the_bearer_key(app: EmulatorApp) -> None:
    for operation in operations():
        target = operation.template.replace("{", "x").replace("}", "")
        for headers in ([], [("Authorization", "Bearer wrong-key")], [("Authorization", "Basic d29vdGl2")]):
            assert call(app, operation.method, target, headers=headers) == (401, {"statusCode": 401, "message": "Unauthorized"}), operation.operation_id


def test_the_scheme_is_case_insensitive_and_a_custom_key_is_honoured() -> None:
    app = EmulatorApp(api_key="k-123")
    assert call(app, "GET", "/role", headers=[("authorization", "bearer k-123")])[0] == 200
    assert call(app, "GET", "/role")[0] == 401


def test_unknown_routes_and_wrong_methods_answer_like_nestjs(app: EmulatorApp) -> None:
    assert call(app, "GET", "/nope") == (404, {"statusCode": 404, "message": "Cannot GET /nope", "error": "Not Found"})
    assert call(app, "PUT", "/role") == (404, {"statusCode": 404, "message": "Cannot PUT /role", "error": "Not Found"})
    assert call(app, "DELETE", "/role")[0] == 404
    assert call(app, "GET", "/role/a/b")[0] == 404
    assert call(app, "GET", "nope")[0] == 404


def test_route_of_names_the_operation(app: EmulatorApp) -> None:
    assert app.route_of("GET", "/role?page=2&limit=5&fields=name,id") == "roles.list"
    assert app.route_of("get", "/role/abc") == "roles.retrieve"
    assert app.route_of("GET", "/aws/buckets/health") == "aws.buckets.health.retrieve"
    assert app.route_of("GET", "/aws/buckets/report.pdf") == "aws.buckets.retrieve_file"
    assert app.route_of("PATCH", "/subscription/change") == "subscriptions.change.update"
    assert app.route_of("PATCH", "/subscription/s-1") == "subscriptions.update"
    assert app.route_of("GET", "http://127.0.0.1:3001/mailbox/m/stream/s/registry") == "mailbox.stream.registry.retrieve"
    assert app.route_of("PUT", "/role") is None
    assert app.route_of("GET", "/nope") is None


def test_path_parameters_are_decoded_and_one_segment_each(app: EmulatorApp) -> None:
    status, created = call(app, "POST", "/role-assignment/team%2Fblue", {"assignee": {"id": app.state.users.rows()[0]["id"]}, "role": {"id": app.state.roles.rows()[0]["id"]}})
    assert status == 201
    assert call(app, "GET", f"/role-assignment/team%2Fblue/{created['id']}")[0] == 200
    assert call(app, "GET", f"/role-assignment/team/{created['id']}")[0] == 404
    assert call(app, "GET", "/role/a%2Fb")[1]["message"] == "Role with id 'a/b' not found"


def test_a_trailing_slash_is_ignored(app: EmulatorApp) -> None:
    assert call(app, "GET", "/role/")[0] == 200


def test_malformed_json_is_a_400(app: EmulatorApp) -> None:
    status, body = call(app, "POST", "/role", b'{"name": ')
    assert status == 400 and body["error"] == "Bad Request"
    assert body["message"] == "Unexpected end of JSON input in JSON at position 9"
    assert call(app, "POST", "/role", b'{"name": }')[1]["message"] == "Unexpected token } in JSON at position 9"
    for raw in (b"[1, 2]", b'"text"', b'{"a": NaN}', b'{"a": 1e999}', b"\xff\xfe", b"[" * 100_000):
        assert call(app, "POST", "/role", raw)[0] == 400, raw[:10]


def test_a_body_needs_a_json_content_type(app: EmulatorApp) -> None:
    status, body = call(app, "POST", "/role", b"name=x", headers=[AUTH, ("Content-Type", "application/x-www-form-urlencoded")])
    assert (status, body["error"]) == (415, "Unsupported Media Type")
    assert call(app, "POST", "/role", b'{"name": "x"}', headers=[AUTH])[0] == 415
    latin = [AUTH, ("Content-Type", "application/json; charset=latin1")]
    assert call(app, "POST", "/role", b'{"name": "x"}', headers=latin)[0] == 415
    ok = [AUTH, ("Content-Type", "application/json; charset=UTF-8")]
    assert call(app, "POST", "/role", {"name": "x", "description": "y"}, headers=ok)[0] == 201
    assert call(app, "POST", "/aws/buckets/upload", {"file": "x"})[0] == 415


def test_json_over_one_mebibyte_is_a_413(app: EmulatorApp) -> None:
    payload = json.dumps({"name": "x" * (1024 * 1024), "description": "d"}).encode()
    assert call(app, "POST", "/role", payload) == (413, {"statusCode": 413, "message": "request entity too large", "error": "Payload Too Large"})
    assert call(app, "POST", "/aws/buckets/upload", b"-" * (32 * 1024 * 1024 + 1))[0] == 413


def test_bodies_are_ignored_where_the_operation_takes_none(app: EmulatorApp) -> None:
    assert call(app, "GET", "/role", b"{}")[0] == 200
    assert call(app, "PATCH", f"/mailbox/{app.state.mailboxes.rows()[0]['id']}", b"not json")[0] == 200


def test_empty_answers_have_no_body_and_no_content_type(app: EmulatorApp) -> None:
    status, headers, body = app.handle("GET", "/", [AUTH], b"")
    assert (status, headers, body) == (200, [], b"")


def test_an_internal_failure_is_a_plain_500(app: EmulatorApp, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(store: Any, request: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setitem(_handlers.HANDLERS, "roles.list", broken)
    status, headers, body = app.handle("GET", "/role", JSON_HEADERS, b"")
    assert status == 500 and json.loads(body) == {"statusCode": 500, "message": "Internal server error"}
    assert b"secret" not in body and dict(headers)["Content-Type"].startswith("application/json")


def test_concurrent_requests_are_serialised() -> None:
    app = EmulatorApp(empty=True)
    errors: List[int] = []

    def work(worker: int) -> None:
        for index in range(25):
            status, _ = call(app, "POST", "/role", {"name": f"r{worker}-{index}", "description": "d"})
            if status != 201:
                errors.append(status)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    listed = call(app, "GET", "/role?limit=100")[1]
    assert listed["total"] == 200 and len({role["id"] for role in listed["data"]}) == 100


def test_reset_restores_the_demo_data(app: EmulatorApp) -> None:
    call(app, "POST", "/role", {"name": "temp", "description": "x"})
    first_ids = [role["id"] for role in call(EmulatorApp(), "GET", "/role")[1]["data"]]
    app.reset()
    assert [role["id"] for role in call(app, "GET", "/role")[1]["data"]] == first_ids
    assert call(EmulatorApp(empty=True), "GET", "/role")[1] == {"count": 0, "data": [], "page": 1, "pageCount": 1, "total": 0}


def test_the_seed_fixes_the_ids() -> None:
    def ids(seed: int) -> List[str]:
        app = EmulatorApp(seed=seed)
        return [call(app, "POST", "/role", {"name": "n", "description": "d"})[1]["id"] for _ in range(3)]

    assert ids(5) == ids(5) and ids(5) != ids(6)


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "BREW", "get", ""]),
    target=st.one_of(
        st.sampled_from([operation.template for operation in operations()]).map(lambda template: template.replace("{", "").replace("}", "")),
        _TEXT.map(lambda text: "/" + text),
        _TEXT,
    ),
    query=st.one_of(st.just(""), _TEXT.map(lambda text: "?" + text), st.sampled_from(["?filter=", "?s={", "?sort=,,", "?limit=-1", "?page=x", "?filter=a||$zz||1"])),
    body=st.one_of(st.binary(max_size=200), st.sampled_from([b"{}", b'{"name": null}', b'{"bulk": [1]}', b"--x--"])),
    content_type=st.sampled_from(["application/json", "multipart/form-data; boundary=x", 'multipart/form-data; boundary="', "text/plain", ""]),
)
def test_garbage_never_breaks_the_app(method: str, target: str, query: str, body: bytes, content_type: str) -> None:
    app = EmulatorApp(empty=True)
    status, headers, payload = app.handle(method, target + query, [AUTH, ("Content-Type", content_type), ("Host", "::bad host::")], body)
    assert 200 <= status < 500, (status, payload)
    if payload:
        assert isinstance(json.loads(payload), (dict, list))
        assert dict(headers)["Content-Type"] == "application/json; charset=utf-8"
