"""The behaviour every driver must show, over real loopback sockets.

Each test runs once per driver (httpx, requests, httpx async, aiohttp) with
identical expectations.
"""

from __future__ import annotations

import email.utils
import logging
import socket
import time
from typing import Any, Dict

import pytest

import wootiv
from wootiv.types import RoleDto

from .conftest import API_KEY, Harness
from .scripted_server import page, role

FAST_RETRY = {"retry-after-ms": "1"}


def test_retrieve_sends_exactly_the_documented_request(harness: Harness) -> None:
    harness.server.reply(200, role("a/b"))
    result = harness.run(lambda c: c.roles.retrieve("a/b", fields=["name", "id"]))
    assert isinstance(result, RoleDto) and result.id == "a/b" and result.audit.version == 1.0
    (sent,) = harness.server.received
    assert sent.method == "GET"
    assert sent.target == "/role/a%2Fb?fields=name,id"
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["user-agent"].startswith("Wootiv/Python ")
    assert "idempotency-key" not in sent.headers
    assert sent.body == b""


def test_create_sends_json_with_wire_names(harness: Harness) -> None:
    harness.server.reply(201, role())
    harness.run(lambda c: c.roles.create(name="admin", description="all rights"))
    (sent,) = harness.server.received
    assert sent.method == "POST" and sent.target == "/role"
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == {"name": "admin", "description": "all rights"}
    assert len(sent.headers["idempotency-key"]) >= 16


def test_per_call_and_client_options_reach_the_wire(harness: Harness) -> None:
    harness.server.reply(201, role())
    harness.run(
        lambda c: c.roles.create(
            name="n",
            description="d",
            extra_headers={"X-Trace": "t1", "User-Agent": None},
            extra_query={"dry": True},
            extra_body={"tag": "x"},
            timeout=5,
        ),
        default_headers={"X-Team": "core"},
        default_query={"tenant": "t"},
    )
    (sent,) = harness.server.received
    assert sent.target == "/role?tenant=t&dry=true"
    assert sent.headers["x-trace"] == "t1" and sent.headers["x-team"] == "core"
    assert not sent.headers.get("user-agent", "").startswith("Wootiv/")
    assert sent.json() == {"name": "n", "description": "d", "tag": "x"}


def test_rate_limit_then_success_retries_with_one_idempotency_key(harness: Harness) -> None:
    harness.server.reply(429, {"message": "slow down"}, {"retry-after": "0"})
    harness.server.reply(201, role())
    result = harness.run(lambda c: c.roles.create(name="n", description="d"))
    assert result.name == "admin"
    first, second = harness.server.received
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert first.body == second.body


@pytest.mark.parametrize(
    "headers, at_least",
    [
        ({"retry-after": "0.2"}, 0.2),
        ({"retry-after-ms": "200"}, 0.2),
        ({"retry-after": email.utils.formatdate(time.time() - 30, usegmt=True)}, 0.0),
    ],
    ids=["seconds", "milliseconds", "http-date"],
)
def test_retry_after_forms_are_honoured(harness: Harness, headers: Dict[str, str], at_least: float) -> None:
    harness.server.reply(503, {"message": "busy"}, headers)
    harness.server.reply(200, role())
    started = time.monotonic()
    harness.run(lambda c: c.roles.retrieve("r1"))
    elapsed = time.monotonic() - started
    assert len(harness.server.received) == 2
    assert at_least <= elapsed < at_least + 1.5


def test_retry_after_beyond_sixty_seconds_fails_at_once(harness: Harness) -> None:
    harness.server.reply(429, {"message": "come back tomorrow"}, {"retry-after": "3600"})
    started = time.monotonic()
    with pytest.raises(wootiv.RateLimitError) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"))
    assert time.monotonic() - started < 2
    assert caught.value.status_code == 429 and len(harness.server.received) == 1


def test_server_errors_exhaust_the_retries(harness: Harness) -> None:
    for _ in range(3):
        harness.server.reply(500, {"message": "boom"}, FAST_RETRY)
    with pytest.raises(wootiv.InternalServerError) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"))
    assert len(harness.server.received) == 3
    assert caught.value.body == {"message": "boom"}
    assert str(caught.value) == 'Error code: 500 - {"message": "boom"}'


def test_x_should_retry_overrides_the_status_rule(harness: Harness) -> None:
    harness.server.reply(500, {"message": "final"}, {"x-should-retry": "false"})
    with pytest.raises(wootiv.InternalServerError):
        harness.run(lambda c: c.roles.retrieve("r1"))
    assert len(harness.server.received) == 1
    harness.server.reset()
    harness.server.reply(400, {"message": "transient"}, {"x-should-retry": "true", **FAST_RETRY})
    harness.server.reply(200, role())
    assert harness.run(lambda c: c.roles.retrieve("r1")).id == "r1"
    assert len(harness.server.received) == 2


@pytest.mark.parametrize(
    "status, error",
    [
        (400, wootiv.BadRequestError),
        (401, wootiv.AuthenticationError),
        (403, wootiv.PermissionDeniedError),
        (404, wootiv.NotFoundError),
        (409, wootiv.ConflictError),
        (422, wootiv.UnprocessableEntityError),
        (429, wootiv.RateLimitError),
        (500, wootiv.InternalServerError),
        (503, wootiv.InternalServerError),
        (418, wootiv.APIStatusError),
    ],
)
def test_each_status_raises_its_error_class(harness: Harness, status: int, error: type) -> None:
    body = {"statusCode": status, "message": ["name must be a string"]}
    harness.server.reply(status, body)
    with pytest.raises(error) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"), max_retries=0)
    exc: Any = caught.value
    assert type(exc) is error
    assert exc.status_code == status and exc.body == body
    assert exc.response.status_code == status
    assert exc.request.method == "GET" and exc.request.url.endswith("/role/r1")


def test_a_dropped_connection_is_retried(harness: Harness) -> None:
    harness.server.drop()
    harness.server.reply(200, role())
    assert harness.run(lambda c: c.roles.retrieve("r1")).id == "r1"
    assert len(harness.server.received) == 2


def test_a_connection_dropped_mid_body_is_a_connection_error(harness: Harness) -> None:
    harness.server.truncate()
    with pytest.raises(wootiv.APIConnectionError) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"), max_retries=0)
    assert not isinstance(caught.value, wootiv.APITimeoutError)
    assert caught.value.__cause__ is not None


def test_timeouts_raise_within_the_limit(harness: Harness) -> None:
    harness.server.stall(5)
    started = time.monotonic()
    with pytest.raises(wootiv.APITimeoutError):
        harness.run(lambda c: c.roles.retrieve("r1"), max_retries=0, timeout=0.3)
    assert time.monotonic() - started < 2.5


def test_unreachable_server_is_a_connection_error(harness: Harness) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(wootiv.APIConnectionError):
        harness.run(lambda c: c.roles.retrieve("r1"), max_retries=0, base_url=f"http://127.0.0.1:{port}")


def test_a_body_that_is_not_json_is_a_validation_error(harness: Harness) -> None:
    harness.server.reply(200, b"<html>gateway</html>", {"content-type": "text/html"})
    with pytest.raises(wootiv.APIResponseValidationError) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"))
    assert "text/html" in str(caught.value)


def test_mistyped_json_is_lenient_by_default_and_an_error_when_strict(harness: Harness) -> None:
    broken = {**role(), "name": 42, "audit": None, "brandNew": [1]}
    harness.server.reply(200, broken)
    lenient = harness.run(lambda c: c.roles.retrieve("r1"))
    assert lenient.name == 42 and lenient.id == "r1" and lenient.brandNew == [1]
    harness.server.reply(200, broken)
    with pytest.raises(wootiv.APIResponseValidationError):
        harness.run(lambda c: c.roles.retrieve("r1"), strict_response_validation=True)


def test_lists_auto_paginate(harness: Harness) -> None:
    for number in (1, 2, 3):
        harness.server.reply(200, page([role(f"r{number}a"), role(f"r{number}b")], number, 3))
    ids = [item.id for item in harness.items(lambda c: c.roles.list(limit=2, or_=["name||$eq||x"]))]
    assert ids == ["r1a", "r1b", "r2a", "r2b", "r3a", "r3b"]
    targets = [sent.target for sent in harness.server.received]
    assert targets == [
        "/role?limit=2&or=name%7C%7C%24eq%7C%7Cx",
        "/role?limit=2&or=name%7C%7C%24eq%7C%7Cx&page=2",
        "/role?limit=2&or=name%7C%7C%24eq%7C%7Cx&page=3",
    ]


def test_a_page_that_does_not_advance_ends_the_iteration(harness: Harness) -> None:
    harness.server.reply(200, page([role("r1")], 1, 5))
    harness.server.reply(200, page([role("r1")], 1, 5))
    assert len(harness.items(lambda c: c.roles.list())) == 2
    assert len(harness.server.received) == 2


def test_uploads_are_multipart(harness: Harness) -> None:
    answer = {"baseUrl": "b", "filename": "a.txt", "mime": "text/plain", "path": "docs", "pathWithFilename": "docs/a.txt", "signedUrl": "s"}
    harness.server.reply(201, answer)
    result = harness.run(lambda c: c.aws.buckets.upload(file=("a.txt", b"hello\r\nworld", "text/plain"), path="docs"))
    assert result.path_with_filename == "docs/a.txt"
    (sent,) = harness.server.received
    content_type = sent.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    assert int(sent.headers["content-length"]) == len(sent.body)
    assert "transfer-encoding" not in sent.headers
    assert sent.body.count(b"--" + boundary) == 3
    assert b'name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\nworld\r\n' in sent.body


def test_a_header_with_a_line_break_is_refused_before_sending(harness: Harness) -> None:
    with pytest.raises(ValueError, match="line break"):
        harness.run(lambda c: c.roles.retrieve("r1", extra_headers={"X-Evil": "a\r\nInjected: 1"}))
    assert harness.server.received == []


def test_the_api_key_never_shows(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.server.reply(401, {"message": "bad key"})
    caplog.set_level(logging.DEBUG, logger="wootiv")

    def call(client: Any) -> Any:
        assert API_KEY not in repr(client)
        return client.roles.retrieve("r1")

    with pytest.raises(wootiv.AuthenticationError) as caught:
        harness.run(call)
    error = caught.value
    shown = " ".join([str(error), repr(error), repr(error.request), repr(error.response), caplog.text])
    assert API_KEY not in shown
    assert "GET" in caplog.text


def test_a_missing_argument_fails_before_sending(harness: Harness) -> None:
    with pytest.raises(TypeError, match="description"):
        harness.run(lambda c: c.roles.create(name="n"))
    with pytest.raises(ValueError):
        harness.run(lambda c: c.roles.retrieve(""))
    assert harness.server.received == []


def test_json_null_answer_is_none_and_empty_answers_are_ignored(harness: Harness) -> None:
    harness.server.reply(200, b"")
    assert harness.run(lambda c: c.root.retrieve()) is None
    (sent,) = harness.server.received
    assert sent.headers["accept"] == "*/*"
    harness.server.reply(200, b"null")
    assert harness.run(lambda c: c.roles.retrieve("r1")) is None


def test_json_body_of_a_free_form_answer_is_returned_as_is(harness: Harness) -> None:
    harness.server.reply(200, {"deleted": True, "id": "r1"})
    assert harness.run(lambda c: c.roles.delete("r1")) == {"deleted": True, "id": "r1"}
