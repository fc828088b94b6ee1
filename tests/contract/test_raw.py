"""Raw responses, custom requests and readable error answers, on every driver.

Each test runs once per driver (httpx, requests, httpx async, aiohttp) over
the scripted loopback server, with identical expectations.
"""

from __future__ import annotations

import datetime
from typing import Any, Callable, Tuple

import pytest

import wootiv
from wootiv import APIResponse, AsyncAPIResponse
from wootiv.types import RoleDto

from .conftest import API_KEY, Harness
from .scripted_server import page, role

FAST_RETRY = {"retry-after-ms": "1"}


def raw_call(harness: Harness, make: Callable[[Any], Any]) -> Tuple[Any, Any]:
    """`(answer, answer.parse())` of the raw call `make(client)` on the harness's driver."""
    if harness.is_async:

        async def run_async(client: Any) -> Tuple[Any, Any]:
            answer = await make(client)
            return answer, await answer.parse()

        return harness.run(run_async)
    return harness.run(lambda client: (lambda answer: (answer, answer.parse()))(make(client)))


def test_raw_answer_has_status_headers_and_timing(harness: Harness) -> None:
    harness.server.reply(201, role("r9"), {"x-request-id": "req-42", "location": "/role/r9"})
    answer, parsed = raw_call(harness, lambda c: c.roles.with_raw_response.create(name="n", description="d"))
    assert isinstance(answer, AsyncAPIResponse if harness.is_async else APIResponse)
    assert answer.status_code == 201
    assert answer.headers["X-Request-Id"] == answer.headers["x-request-id"] == "req-42"
    assert answer.headers["Location"] == "/role/r9"
    assert answer.url == f"{harness.server.url}/role" and answer.method == "POST"
    assert answer.http_request.method == "POST" and answer.http_request.url == answer.url
    assert isinstance(answer.elapsed, datetime.timedelta) and answer.elapsed > datetime.timedelta(0)
    assert answer.retries_taken == 0
    assert answer.json()["id"] == "r9" and b'"r9"' in answer.content and '"r9"' in answer.text
    assert isinstance(parsed, RoleDto) and parsed.id == "r9"
    assert API_KEY not in repr(answer) and API_KEY not in repr(answer.http_request)


def test_raw_retries_taken_after_503_then_200(harness: Harness) -> None:
    harness.server.reply(503, {"message": "busy"}, FAST_RETRY)
    harness.server.reply(200, role("r1"), {"x-served-by": "second"})
    answer, parsed = raw_call(harness, lambda c: c.roles.with_raw_response.retrieve("r1"))
    assert answer.retries_taken == 1
    assert answer.status_code == 200 and answer.headers["x-served-by"] == "second"
    assert parsed.id == "r1"
    assert [r.method for r in harness.server.received] == ["GET", "GET"]


def test_raw_parse_is_identical_to_the_plain_call(harness: Harness) -> None:
    harness.server.reply(200, role("r1"))
    plain = harness.run(lambda c: c.roles.retrieve("r1", fields=["name"]))
    harness.server.reply(200, role("r1"))
    _, parsed = raw_call(harness, lambda c: c.roles.with_raw_response.retrieve("r1", fields=["name"]))
    assert parsed == plain
    first, second = harness.server.received
    assert first.target == second.target == "/role/r1?fields=name"


def test_raw_list_parses_into_the_same_page(harness: Harness) -> None:
    items = [role("a"), role("b")]
    harness.server.reply(200, page(items, 1, 1))
    plain = harness.run(lambda c: c.roles.list(limit=2))
    harness.server.reply(200, page(items, 1, 1))
    answer, parsed = raw_call(harness, lambda c: c.roles.with_raw_response.list(limit=2))
    assert type(parsed) is type(plain)
    assert parsed.data == plain.data and [r.id for r in parsed.data] == ["a", "b"]
    assert (parsed.page, parsed.page_count, parsed.total) == (plain.page, plain.page_count, plain.total)
    assert answer.json()["pageCount"] == 1


def test_raw_sub_resource(harness: Harness) -> None:
    harness.server.reply(200, page([{"uid": "u1"}], 1, 1))
    answer, parsed = raw_call(harness, lambda c: c.space.members.with_raw_response.list("demo"))
    assert answer.status_code == 200 and [m.uid for m in parsed.data] == ["u1"]
    assert harness.server.received[0].target == "/space/demo/members"


@pytest.mark.parametrize("raw", [False, True], ids=["plain", "raw"])
def test_errors_are_raised_alike_and_read_like_httpx_responses(harness: Harness, raw: bool) -> None:
    harness.server.reply(404, {"message": "no such role"}, {"x-request-id": "req-404"})

    def call(client: Any) -> Any:
        roles = client.roles.with_raw_response if raw else client.roles
        return roles.retrieve("missing")

    with pytest.raises(wootiv.NotFoundError) as caught:
        harness.run(call)
    error = caught.value
    response = error.response
    assert error.status_code == response.status_code == 404
    assert response.headers["X-Request-Id"] == "req-404"
    assert response.json() == {"message": "no such role"} == error.body
    assert response.text == '{"message": "no such role"}' and response.content == response.text.encode()
    assert response.url == f"{harness.server.url}/role/missing" and response.method == "GET"
    assert response.request.method == "GET"


# --------------------------------------------------------------------------- custom requests


def test_custom_get_is_sent_like_a_declared_call(harness: Harness) -> None:
    harness.server.reply(200, role("r1"))
    result = harness.run(
        lambda c: c.get(
            "/role/r1", cast_to=RoleDto, options={"params": {"fields": "name"}, "headers": {"X-Trace": "t"}}
        )
    )
    assert isinstance(result, RoleDto) and result.id == "r1"
    (sent,) = harness.server.received
    assert sent.method == "GET" and sent.target == "/role/r1?fields=name"
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["x-trace"] == "t"
    assert sent.headers["user-agent"].startswith("Wootiv/Python ")


def test_custom_post_sends_the_json_body(harness: Harness) -> None:
    harness.server.reply(201, {"created": True})
    result = harness.run(lambda c: c.post("/role", body={"name": "n", "description": "d"}, cast_to=object))
    assert result == {"created": True}
    (sent,) = harness.server.received
    assert sent.method == "POST" and sent.target == "/role"
    assert sent.json() == {"name": "n", "description": "d"}
    assert sent.headers["content-type"] == "application/json" and sent.headers["idempotency-key"]


@pytest.mark.parametrize("verb", ["put", "patch", "delete"])
def test_custom_writes(harness: Harness, verb: str) -> None:
    harness.server.reply(200, b"done", {"content-type": "text/plain"})
    result = harness.run(lambda c: getattr(c, verb)("/role/r1", body={"a": 1}, cast_to=str))
    assert result == "done"
    (sent,) = harness.server.received
    assert sent.method == verb.upper() and sent.json() == {"a": 1}


def test_custom_request_retries_and_gives_the_whole_answer(harness: Harness) -> None:
    harness.server.reply(503, {"message": "busy"}, FAST_RETRY)
    harness.server.reply(200, b"\x00\x01", {"content-type": "application/octet-stream", "x-part": "1"})
    cast = AsyncAPIResponse if harness.is_async else APIResponse
    answer = harness.run(lambda c: c.request("GET", "/blob", cast_to=cast, query={"v": 2}))
    assert answer.status_code == 200 and answer.retries_taken == 1
    assert answer.content == b"\x00\x01" and answer.headers["x-part"] == "1"
    assert [r.target for r in harness.server.received] == ["/blob?v=2", "/blob?v=2"]


def test_custom_request_errors_are_the_typed_ones(harness: Harness) -> None:
    harness.server.reply(422, {"message": ["bad"]})
    with pytest.raises(wootiv.UnprocessableEntityError) as caught:
        harness.run(lambda c: c.post("/role", body={}, cast_to=object))
    assert caught.value.response.json() == {"message": ["bad"]}


def test_custom_request_to_another_host_is_refused_before_sending(harness: Harness) -> None:
    with pytest.raises(ValueError, match="base_url"):
        harness.run(lambda c: c.get("http://127.0.0.1:9/steal", cast_to=object))
    assert harness.server.received == []
