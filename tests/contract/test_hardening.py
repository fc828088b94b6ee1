"""The promises of a hostile day, held by every driver over real loopback sockets.

The wire carries exactly what the core built; nothing the caller did not ask
for is sent twice; a trickling server is cut at the attempt's bound; an
oversized answer is refused; whatever a library raises comes out as a
wootiv error or a `ValueError`, without the key. Each test runs once per
driver (`DRIVERS` in conftest), with the same expectations.
"""

from __future__ import annotations

import logging
import pickle
import socket
import time
import traceback
from typing import Any, Dict

import pytest

import wootiv
from wootiv_core.errors import APIResponseTooLargeError
from wootiv_core.urls import encode_path_segment

from .conftest import API_KEY, Harness
from .scripted_server import role

FAST_RETRY = {"retry-after-ms": "1"}


def _create(client: Any) -> Any:
    return client.roles.create(name="n", description="d")


def _refused_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % probe.getsockname()[1]


# -- the wire is what the core built


@pytest.mark.parametrize(
    "value",
    ["..", ".", "a/b", "%25", "é/ü", "a?b#c&d=e+f;g,h:i@j$k!l'm(n)o*p~_-", "%2E%2E"],
    ids=["dot-dot", "dot", "slash", "percent", "unicode", "reserved", "encoded-dots"],
)
def test_path_parameters_reach_the_wire_byte_for_byte(harness: Harness, value: str) -> None:
    harness.server.reply(200, role())
    harness.run(lambda c: c.roles.retrieve(value))
    (sent,) = harness.server.received
    assert sent.target == f"/role/{encode_path_segment(value)}"


def test_the_documented_encodings_of_dot_segments(harness: Harness) -> None:
    for value, target in (("..", "/role/%2E%2E"), (".", "/role/%2E"), ("a/b", "/role/a%2Fb"), ("%25", "/role/%2525")):
        harness.server.reset()
        harness.server.reply(200, role())
        harness.run(lambda c: c.roles.delete(value))
        assert [(r.method, r.target) for r in harness.server.received] == [("DELETE", target)]


def test_query_values_reach_the_wire_byte_for_byte(harness: Harness) -> None:
    harness.server.reply(200, role())
    harness.run(lambda c: c.roles.retrieve("r1", extra_query={"q": "a&b=c/..%25é #+", "e": ""}))
    (sent,) = harness.server.received
    assert sent.target == "/role/r1?q=a%26b%3Dc%2F..%2525%C3%A9%20%23%2B&e="


# -- nothing is sent twice that the caller did not ask for


def test_a_write_is_not_sent_again_after_a_read_timeout(harness: Harness) -> None:
    harness.server.stall(3)
    with pytest.raises(wootiv.APITimeoutError) as caught:
        harness.run(_create, timeout=0.5)
    assert caught.value.sent
    assert len(harness.server.received) == 1


def test_a_write_is_not_sent_again_after_a_reset(harness: Harness) -> None:
    harness.server.reset_connection()
    with pytest.raises(wootiv.APIConnectionError) as caught:
        harness.run(_create)
    assert caught.value.sent
    assert len(harness.server.received) == 1


def test_a_write_is_not_sent_again_after_an_answer_that_is_not_http(harness: Harness) -> None:
    harness.server.raw(b"SURPRISE\r\n\r\n")
    with pytest.raises(wootiv.APIConnectionError):
        harness.run(_create)
    assert len(harness.server.received) == 1


def test_a_write_is_not_sent_again_after_a_500(harness: Harness) -> None:
    for _ in range(3):
        harness.server.reply(500, {"message": "boom"}, FAST_RETRY)
    with pytest.raises(wootiv.InternalServerError):
        harness.run(_create)
    assert len(harness.server.received) == 1


def test_a_read_is_sent_again_after_a_read_timeout_and_a_reset(harness: Harness) -> None:
    harness.server.stall(3)
    harness.server.reset_connection()
    harness.server.reply(200, role())
    assert harness.run(lambda c: c.roles.retrieve("r1"), timeout=0.5).id == "r1"
    assert len(harness.server.received) == 3


def test_a_write_is_sent_again_after_a_503(harness: Harness) -> None:
    harness.server.reply(503, {"message": "busy"}, FAST_RETRY)
    harness.server.reply(201, role())
    assert harness.run(_create).name == "admin"
    first, second = harness.server.received
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


def test_a_write_is_sent_again_after_a_refused_connection(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wootiv")
    with pytest.raises(wootiv.APIConnectionError) as caught:
        harness.run(_create, base_url=_refused_url(), max_retries=2)
    assert not caught.value.sent
    assert caplog.text.count("Retrying POST") == 2


def test_a_stale_keep_alive_connection_still_carries_a_write(harness: Harness) -> None:
    # The server closes the connection it kept alive after 50 ms of quiet;
    # the POST that follows must go out once, on a fresh connection.
    harness.server.reply(200, role(), close_after_idle=0.05)
    harness.server.reply(201, role("r2"))
    first, _, second = harness.sequence(lambda c: c.roles.retrieve("r1"), 0.3, _create)
    assert (first.id, second.id) == ("r1", "r2")
    assert [r.method for r in harness.server.received] == ["GET", "POST"]
    assert harness.server.connections == 2


def test_a_connection_closed_before_reading_is_retried_for_a_read(harness: Harness) -> None:
    harness.server.close_before_reading()
    harness.server.reply(200, role())
    assert harness.run(lambda c: c.roles.retrieve("r1")).id == "r1"
    assert len(harness.server.received) == 1 and harness.server.connections == 2


def test_retry_writes_sends_a_write_again_with_the_same_key(harness: Harness) -> None:
    harness.server.stall(3)
    harness.server.reply(201, role())
    assert harness.run(_create, timeout=0.5, retry_writes=True).name == "admin"
    first, second = harness.server.received
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


# -- the attempt's bound


@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_trickling_server_is_cut_at_the_timeout(harness: Harness, part: str) -> None:
    harness.server.trickle(part, 200, role(), interval=0.1)
    started = time.monotonic()
    with pytest.raises(wootiv.APITimeoutError):
        harness.run(lambda c: c.roles.retrieve("r1"), timeout=0.8, max_retries=0)
    assert time.monotonic() - started < 0.8 + 0.9


# -- oversized answers


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_answer_past_max_response_size_is_refused(harness: Harness, declared: bool) -> None:
    big = {**role(), "description": "x" * 5000}
    if declared:
        harness.server.reply(200, big)
    else:
        harness.server.raw(_chunked(big))
    with pytest.raises(APIResponseTooLargeError) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"), max_response_size=1000)
    assert caught.value.limit == 1000
    assert len(harness.server.received) == 1  # not retried


def _chunked(body: Dict[str, Any]) -> bytes:
    import json

    data = json.dumps(body).encode()
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
    return head + b"".join(b"%x\r\n%b\r\n" % (len(data[i : i + 512]), data[i : i + 512]) for i in range(0, len(data), 512)) + b"0\r\n\r\n"


# -- library exceptions, secrets, pickles


def _shown(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__)) + repr(error)


def test_a_content_length_given_by_the_caller_is_a_value_error(harness: Harness) -> None:
    with pytest.raises(ValueError) as caught:
        harness.run(lambda c: c.roles.create(name="n", description="d", extra_headers={"Content-Length": "999"}))
    assert "h11" not in type(caught.value).__module__
    assert harness.server.received == []


@pytest.mark.parametrize("suffix", [" ", "\t", "\x00"], ids=["space", "tab", "nul"])
def test_a_key_with_a_stray_character_never_shows(harness: Harness, suffix: str) -> None:
    with pytest.raises((ValueError, TypeError)) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"), api_key=API_KEY + suffix)
    assert API_KEY not in _shown(caught.value)
    assert harness.server.received == []


def test_a_connection_error_pickles_without_the_key(harness: Harness) -> None:
    with pytest.raises(wootiv.APIConnectionError) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"), base_url=_refused_url(), max_retries=0)
    data = pickle.dumps(caught.value)
    copy = pickle.loads(data)
    assert type(copy) is type(caught.value) and str(copy) == str(caught.value) and copy.sent is False
    assert API_KEY.encode() not in data


def test_a_status_error_pickles_without_library_objects(harness: Harness) -> None:
    # The aiohttp driver's answers carry a CIMultiDictProxy, which cannot be
    # pickled: the error must hold the core's own copy of the headers.
    harness.server.reply(404, {"message": "no such role"}, {"x-request-id": "abc"})
    with pytest.raises(wootiv.NotFoundError) as caught:
        harness.run(lambda c: c.roles.retrieve("r1"))
    data = pickle.dumps(caught.value)
    copy = pickle.loads(data)
    assert type(copy) is wootiv.NotFoundError and copy.status_code == 404 and copy.body == {"message": "no such role"}
    assert copy.response.headers["x-request-id"] == "abc"
    assert type(copy.response.headers).__module__.startswith("wootiv")
    assert API_KEY.encode() not in data
