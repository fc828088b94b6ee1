"""What goes over the wire and what comes back, for every adapter.

The local server echoes each request, so these tests see exactly what the
adapter sent: the method, the raw target (no re-quoting), every header, and
the body, including a 5 MB streamed upload that must arrive under its
`Content-Length`, not chunked.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, Iterator, List, Set

import pytest

from wootiv_core.http import Request, Timeout

TIMEOUT = Timeout(10.0)


def _echo(content: bytes) -> Dict[str, Any]:
    return json.loads(content)


def _header(report: Dict[str, Any], name: str) -> List[str]:
    return [value for key, value in report["headers"] if key.lower() == name.lower()]


class Chunks:
    """A re-iterable streamed body, as the core's multipart encoder makes."""

    def __init__(self, chunk: bytes, count: int) -> None:
        self.chunk = chunk
        self.count = count
        self.iterations = 0

    def __iter__(self) -> Iterator[bytes]:
        self.iterations += 1
        for _ in range(self.count):
            yield self.chunk

    def __len__(self) -> int:
        return len(self.chunk) * self.count


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_method_target_headers_and_body_arrive_exactly(driver: Any, transport: Any, server: Any, method: str) -> None:
    target = "/echo/roles/a%2Fb%20c?fields=name,id&filter%5Bname%5D=%C3%A9t%C3%A9&or=1"
    body = '{"name":"été","n":1}'.encode()
    headers = {"Authorization": "Bearer sk-test", "Content-Type": "application/json", "X-Custom-Header": "Value 1"}

    response = await driver.send(transport, Request(method, server.url(target), headers, body, TIMEOUT))

    assert response.status_code == 200
    report = _echo(response.content)
    assert report["method"] == method
    assert report["target"] == target
    assert _header(report, "authorization") == ["Bearer sk-test"]
    assert _header(report, "content-type") == ["application/json"]
    assert _header(report, "x-custom-header") == ["Value 1"]
    assert _header(report, "content-length") == [str(len(body))]
    assert report["body"].encode("latin-1") == body
    assert not report["chunked"]


async def test_a_request_without_body_sends_none(driver: Any, transport: Any, server: Any) -> None:
    response = await driver.send(transport, Request("GET", server.url("/echo?x=1"), {"Accept": "application/json"}, b"", TIMEOUT))

    report = _echo(response.content)
    assert (report["method"], report["target"], report["body_length"]) == ("GET", "/echo?x=1", 0)
    assert _header(report, "transfer-encoding") == []
    assert _header(report, "accept") == ["application/json"]


async def test_a_5mb_streamed_body_arrives_whole_under_its_content_length(driver: Any, transport: Any, server: Any) -> None:
    chunk = bytes(range(256)) * 256  # 64 KiB
    upload = Chunks(chunk, 80)  # 5 MiB
    expected = hashlib.sha256(chunk * 80).hexdigest()
    headers = {"Content-Type": "application/octet-stream", "Content-Length": str(len(upload))}
    request = Request("POST", server.url("/echo/upload"), headers, upload, TIMEOUT)

    # Twice, as a retry would: the body is iterated anew for each send.
    for attempt in (1, 2):
        report = _echo((await driver.send(transport, request)).content)
        assert report["body_length"] == 5 * 1024 * 1024
        assert report["body_sha256"] == expected
        assert _header(report, "content-length") == [str(5 * 1024 * 1024)]
        assert _header(report, "transfer-encoding") == []
        assert not report["chunked"]
        assert upload.iterations == attempt


async def test_a_streamed_body_of_unknown_length_arrives_chunked(driver: Any, transport: Any, server: Any) -> None:
    upload = [b"first,", b"second,", b"third"]

    report = _echo((await driver.send(transport, Request("POST", server.url("/echo"), {}, upload, TIMEOUT))).content)

    assert report["body"] == "first,second,third"
    assert report["chunked"]


async def test_response_headers_are_read_case_insensitively(driver: Any, transport: Any, server: Any) -> None:
    response = await driver.send(transport, Request("GET", server.url("/echo"), {}, b"", TIMEOUT))

    assert response.headers["X-Echo-Server"] == "yes"
    assert response.headers["x-echo-server"] == "yes"
    assert response.header("X-ECHO-SERVER") == "yes"
    assert response.header("content-type") == "application/json"
    assert response.header("x-not-sent") is None


@pytest.mark.parametrize("status", [201, 204, 404, 429, 500])
async def test_any_status_is_an_answer_not_an_error(driver: Any, transport: Any, server: Any, status: int) -> None:
    request = Request("GET", server.url(f"/status/{status}"), {}, b"", TIMEOUT)

    response = await driver.send(transport, request)

    assert response.status_code == status
    assert response.request is request
    if status != 204:
        assert json.loads(response.content) == {"error": "as requested"}


async def test_a_compressed_answer_is_decompressed(driver: Any, transport: Any, server: Any) -> None:
    response = await driver.send(transport, Request("GET", server.url("/gzip"), {}, b"", TIMEOUT))

    assert json.loads(response.content) == {"zipped": True}


async def test_the_proxy_option_sends_everything_through_the_proxy(driver: Any, server: Any) -> None:
    # The local server answers absolute-form targets as a forward proxy
    # would, so the target shows that the request went through it; the host
    # in the URL is never resolved.
    transport = driver.make(proxy=server.base)
    try:
        response = await driver.send(transport, Request("GET", "http://api.wootiv.invalid/echo/x", {}, b"", TIMEOUT))
    finally:
        await driver.close(transport)

    report = _echo(response.content)
    assert report["target"] == "http://api.wootiv.invalid/echo/x"
    assert _header(report, "host") == ["api.wootiv.invalid"]


async def test_connections_are_kept_alive(driver: Any, transport: Any, server: Any) -> None:
    ports: Set[int] = set()
    for _ in range(3):
        response = await driver.send(transport, Request("GET", server.url("/echo"), {}, b"", TIMEOUT))
        ports.add(_echo(response.content)["client_port"])
    assert len(ports) == 1
