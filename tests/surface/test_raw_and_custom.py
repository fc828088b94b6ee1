"""Raw responses and custom requests, as users call them (fake transports, no sockets).

The over-the-wire behaviour on every driver is in tests/contract/test_raw.py;
here every operation of the spec goes through `with_raw_response`, and
custom requests are checked for what they send and what they refuse.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, List

import pytest

import wootiv
from wootiv import APIResponse, AsyncAPIResponse, AsyncPage, SyncPage
from wootiv.types import RoleDto

from .conftest import (
    API_KEY,
    BASE_PATH,
    Answer,
    Op,
    answer_script,
    async_client,
    call_arguments,
    method_of,
    op_params,
    sync_client,
)

ROLE = {
    "id": "r1",
    "assignees": [],
    "audit": {"date_created": "2026-01-02T03:04:05Z", "date_deleted": None, "date_updated": None, "version": 1},
    "description": "d",
    "name": "admin",
}


def _same(plain: Any, parsed: Any) -> None:
    if isinstance(plain, (SyncPage, AsyncPage)):
        assert type(parsed) is type(plain)
        assert parsed.data == plain.data and parsed.page == plain.page and parsed.total == plain.total
    else:
        assert parsed == plain


def _raw_method(client: Any, op: Op) -> Any:
    target = client
    for part in op.resource.split("."):
        target = getattr(target, part)
    return getattr(target.with_raw_response, op.name)


@op_params()
def test_every_sync_method_has_a_raw_form_whose_parse_is_the_plain_result(op: Op) -> None:
    args, kwargs, _ = call_arguments(op)
    client, recorder = sync_client(answer_script(op))
    plain = method_of(client, op)(*args, **kwargs)
    answer = _raw_method(client, op)(*args, **kwargs)
    assert isinstance(answer, APIResponse)
    assert answer.status_code == op.status
    _same(plain, answer.parse())
    assert answer.parse() is answer.parse()  # read once, kept
    first, second = recorder.sent
    assert (first.request.method, first.path, first.raw_query) == (second.request.method, second.path, second.raw_query)


@op_params()
async def test_every_async_method_has_a_raw_form_whose_parse_is_the_plain_result(op: Op) -> None:
    args, kwargs, _ = call_arguments(op)
    client, _ = async_client(answer_script(op))
    plain = method_of(client, op)(*args, **kwargs)
    plain = await plain
    answer = await _raw_method(client, op)(*args, **kwargs)
    assert isinstance(answer, AsyncAPIResponse)
    _same(plain, await answer.parse())


def test_raw_answer_shows_the_whole_http_answer() -> None:
    client, recorder = sync_client(
        Answer(503, b"", {"Retry-After-Ms": "1"}),
        Answer.json(ROLE, 200, **{"X-Request-Id": "req-7", "Set-Cookie": "session=secret-cookie"}),
    )
    answer = client.roles.with_raw_response.retrieve("r1")
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] == answer.headers["X-REQUEST-ID"] == "req-7"
    assert answer.retries_taken == 1
    assert isinstance(answer.elapsed, datetime.timedelta) and answer.elapsed >= datetime.timedelta(0)
    assert answer.url == f"http://api.wootiv.test{BASE_PATH}/role/r1" and answer.method == "GET"
    assert answer.http_request is recorder.last.request
    assert json.loads(answer.content) == ROLE == answer.json()
    assert answer.text == answer.content.decode() and answer.read() == answer.content
    assert isinstance(answer.parse(), RoleDto) and answer.parse().name == "admin"
    assert answer.headers["set-cookie"] == "session=secret-cookie"
    for shown in (repr(answer), repr(answer.http_request), repr(answer.headers)):
        assert API_KEY not in shown and "secret-cookie" not in shown
    assert repr(answer) == f"<APIResponse [200] GET http://api.wootiv.test{BASE_PATH}/role/r1>"


def test_raw_calls_raise_what_plain_calls_raise() -> None:
    client, _ = sync_client(Answer.json({"message": "no such role"}, 404))
    with pytest.raises(wootiv.NotFoundError) as plain:
        client.roles.retrieve("r1")
    with pytest.raises(wootiv.NotFoundError) as raw:
        client.roles.with_raw_response.retrieve("r1")
    assert raw.value.body == plain.value.body


def test_a_malformed_answer_raises_only_when_parsed() -> None:
    client, _ = sync_client(Answer(200, b"not json", {"Content-Type": "text/plain"}))
    answer = client.roles.with_raw_response.retrieve("r1")
    assert answer.status_code == 200 and answer.text == "not json"
    with pytest.raises(wootiv.APIResponseValidationError):
        answer.parse()


def test_sub_resources_in_raw_mode_both_ways() -> None:
    envelope = {"count": 1, "data": [{"uid": "u1"}], "page": 1, "pageCount": 1, "total": 1}
    client, _ = sync_client(Answer.json(envelope))
    one = client.space.members.with_raw_response.list("demo").parse()
    two = client.space.with_raw_response.members.list("demo").parse()
    assert [m.uid for m in one] == [m.uid for m in two] == ["u1"]
    three = client.with_raw_response.space.members.list("demo").parse()
    assert [m.uid for m in three] == ["u1"]
    assert client.roles.with_raw_response is client.roles.with_raw_response
    assert client.roles.with_raw_response.with_raw_response is client.roles.with_raw_response


async def test_async_raw_list_parses_into_the_first_page_that_pages_on() -> None:
    first = {"count": 1, "data": [ROLE], "page": 1, "pageCount": 2, "total": 2}
    second = {"count": 1, "data": [{**ROLE, "id": "r2"}], "page": 2, "pageCount": 2, "total": 2}
    client, recorder = async_client(Answer.json(first), Answer.json(second))
    answer = await client.roles.with_raw_response.list()
    page = await answer.parse()
    assert isinstance(page, AsyncPage)
    assert [role.id async for role in page] == ["r1", "r2"]
    assert len(recorder.sent) == 2


# --------------------------------------------------------------------------- custom requests


def test_custom_get_goes_below_base_url_with_the_clients_auth_and_query() -> None:
    client, recorder = sync_client(Answer.json(ROLE), default_query={"tenant": "t"})
    role = client.get(
        "/role/r1?fields=name",
        cast_to=RoleDto,
        options={"params": {"cache": 0}, "headers": {"X-Trace": "a"}},
        query={"join": "x"},
        extra_headers={"X-Trace": "b"},
    )
    assert isinstance(role, RoleDto) and role.id == "r1"
    sent = recorder.last
    assert sent.request.method == "GET" and sent.path == f"{BASE_PATH}/role/r1"
    assert sent.raw_query == "fields=name&tenant=t&cache=0&join=x"
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["x-trace"] == "b"
    assert "idempotency-key" not in sent.headers


def test_custom_post_sends_json_with_an_idempotency_key() -> None:
    client, recorder = sync_client(Answer.json({"ok": True}, 201))
    assert client.post("role", body=[{"name": "n"}], cast_to=object) == {"ok": True}
    sent = recorder.last
    assert sent.path == f"{BASE_PATH}/role"
    assert json.loads(sent.body) == [{"name": "n"}]
    assert sent.headers["content-type"] == "application/json"
    assert len(sent.headers["idempotency-key"]) == 32


@pytest.mark.parametrize(
    "cast_to,expected",
    [(object, {"a": "é"}), (str, '{"a": "é"}'), (bytes, '{"a": "é"}'.encode())],
)
def test_custom_cast_to_kinds(cast_to: Any, expected: Any) -> None:
    client, _ = sync_client(Answer(200, '{"a": "é"}'.encode(), {"Content-Type": "application/json; charset=utf-8"}))
    assert client.request("get", "/x", cast_to=cast_to) == expected


def test_custom_cast_to_api_response_and_an_empty_answer() -> None:
    client, _ = sync_client(Answer(204, b"", {}))
    answer = client.delete("/role/r1", cast_to=APIResponse)
    assert isinstance(answer, APIResponse) and answer.status_code == 204 and answer.parse() is None
    assert client.delete("/role/r1", cast_to=object) is None


async def test_async_custom_requests() -> None:
    client, recorder = async_client(Answer.json(ROLE), Answer.json(ROLE))
    assert (await client.put("/role/r1", body={"name": "n"}, cast_to=RoleDto)).id == "r1"
    answer = await client.patch("/role/r1", body={}, cast_to=AsyncAPIResponse)
    assert isinstance(answer, AsyncAPIResponse) and (await answer.parse()) == ROLE
    assert [sent.request.method for sent in recorder.sent] == ["PUT", "PATCH"]


def test_custom_requests_retry_and_raise_like_declared_ones() -> None:
    client, recorder = sync_client(Answer(503, b"", {"Retry-After-Ms": "1"}), Answer.json(ROLE))
    assert client.get("/role/r1", cast_to=object) == ROLE
    assert len(recorder.sent) == 2
    client, _ = sync_client(Answer.json({"message": "nope"}, 404))
    with pytest.raises(wootiv.NotFoundError) as caught:
        client.get("/role/r1", cast_to=object)
    assert caught.value.response.json() == {"message": "nope"}


BAD_PATHS: List[str] = [
    "https://elsewhere.example/steal",
    "http://api.wootiv.test/prefix/role",
    "//elsewhere.example/x",
    "HTTPS://elsewhere.example",
    "javascript:alert(1)",
    "/role\r\nX-Injected: 1",
    "/role r1",
    "/role\\..\\x",
    "/role#frag",
]


@pytest.mark.parametrize("path", BAD_PATHS)
def test_custom_requests_refuse_paths_that_are_not_below_base_url(path: str) -> None:
    client, recorder = sync_client()
    with pytest.raises(ValueError) as caught:
        client.get(path, cast_to=object)
    assert recorder.sent == []
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize(
    "call,error,words",
    [
        (lambda c: c.request("TRACE", "/x", cast_to=object), ValueError, "GET, POST"),
        (lambda c: c.request(7, "/x", cast_to=object), TypeError, "method"),
        (lambda c: c.get("/x", cast_to=dict), TypeError, "cast_to must be"),
        (lambda c: c.get("/x", cast_to="RoleDto"), TypeError, "cast_to must be"),
        (lambda c: c.get("/x", cast_to=AsyncAPIResponse), TypeError, "cast_to=APIResponse"),
        (lambda c: c.get(b"/x", cast_to=object), TypeError, "path"),
        (lambda c: c.get("/x", cast_to=object, options={"param": {}}), ValueError, "'params'"),
        (lambda c: c.get("/x", cast_to=object, options={"timeout": 1}, timeout=2), ValueError, "twice"),
        (lambda c: c.post("/x", cast_to=object, body={"when": object()}), TypeError, "JSON data"),
        (lambda c: c.get("/x", cast_to=object, extra_headers={"X-A": "a\r\nb"}), ValueError, "line break"),
    ],
)
def test_custom_requests_refuse_bad_input_before_sending(call: Any, error: Any, words: str) -> None:
    client, recorder = sync_client()
    with pytest.raises(error, match=words.replace("(", r"\(")):
        call(client)
    assert recorder.sent == []


def test_async_client_wants_the_async_answer_class() -> None:
    client, recorder = async_client()
    with pytest.raises(TypeError, match="cast_to=AsyncAPIResponse"):
        client.get("/x", cast_to=APIResponse)
    assert recorder.sent == []


# --------------------------------------------------------------------------- error answers read like httpx's


def test_an_error_answer_reads_like_an_httpx_response() -> None:
    body = '{"message": ["name must not be empty"]}'.encode()
    client, _ = sync_client(Answer(422, body, {"Content-Type": "application/json", "X-Request-Id": "q1"}))
    with pytest.raises(wootiv.UnprocessableEntityError) as caught:
        client.roles.create(name="", description="")
    response = caught.value.response
    assert response.status_code == 422
    assert response.headers["x-request-id"] == "q1"
    assert response.json() == {"message": ["name must not be empty"]}
    assert response.text == '{"message": ["name must not be empty"]}' and response.content == response.text.encode()
    assert response.url == f"http://api.wootiv.test{BASE_PATH}/role" and response.method == "POST"
    assert response.request.method == "POST"


def test_text_uses_the_declared_charset() -> None:
    latin = Answer(500, "déjà".encode("latin-1"), {"Content-Type": "text/plain; charset=ISO-8859-1"})
    client, _ = sync_client(latin, limit=1)
    with pytest.raises(wootiv.InternalServerError) as caught:
        client.with_options(max_retries=0).roles.retrieve("r1")
    assert caught.value.response.text == "déjà"
    with pytest.raises(ValueError):
        caught.value.response.json()


def test_client_level_raw_view_follows_a_copy() -> None:
    client, recorder = sync_client(Answer.json(ROLE))
    copy = client.copy(default_headers={"X-Copy": "yes"})
    assert copy.with_raw_response.roles.retrieve("r1").parse().id == "r1"
    assert recorder.last.headers["x-copy"] == "yes"
    assert isinstance(client.with_raw_response.roles.retrieve("r1"), APIResponse)
    assert "x-copy" not in recorder.last.headers


def test_custom_requests_take_the_per_call_deadline_and_retry_writes() -> None:
    attempts: List[int] = []

    def reset_once(request: Any) -> Answer:
        attempts.append(1)
        if len(attempts) == 1:
            raise wootiv.APIConnectionError(request, "reset after sending", sent=True)
        return Answer.json({"ok": True})

    client, _ = sync_client(reset_once)
    assert client.post("/x", body={}, cast_to=object, retry_writes=True) == {"ok": True}
    assert len(attempts) == 2
    attempts.clear()
    with pytest.raises(wootiv.APIConnectionError):
        client.post("/x", body={}, cast_to=object)  # an unknown outcome: not sent again
    assert len(attempts) == 1
    with pytest.raises((TypeError, ValueError), match="deadline"):
        client.get("/x", cast_to=object, deadline="soon")  # type: ignore[arg-type]
