"""The in-process transports: core Requests in, core Responses or core errors out, no socket."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, Iterator

import pytest

from wootiv.testing._inprocess import AsyncEmulatorTransport, EmulatorTransport
from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout
from wootiv_core.transport import AsyncTransport, SyncTransport

from .test_server_http import FakeEmulator

URL = "http://wootiv.emulator"


def chunks() -> Iterator[bytes]:
    yield b'{"name":'
    yield b'"qa"}'


class Chunks:
    """A re-iterable streamed body, as the core hands over for uploads."""

    def __iter__(self) -> Iterator[bytes]:
        return chunks()


def echo(response: Response) -> Dict[str, Any]:
    return json.loads(response.content)


def test_the_transports_implement_the_core_protocols() -> None:
    emulator = FakeEmulator()
    assert isinstance(EmulatorTransport(emulator), SyncTransport)
    assert isinstance(AsyncEmulatorTransport(emulator), AsyncTransport)


def test_a_request_reaches_the_app_as_the_server_would_pass_it() -> None:
    transport = EmulatorTransport(FakeEmulator())
    request = Request("POST", f"{URL}/role?page=2&s=%7B%7D", {"Authorization": "Bearer k"}, Chunks())
    response = transport.send(request)
    assert response.status_code == 200 and response.request is request
    assert response.headers["content-type"] == "application/json"  # case-insensitive
    seen = echo(response)
    assert (seen["method"], seen["target"], seen["body"]) == ("POST", "/role?page=2&s=%7B%7D", '{"name":"qa"}')
    assert seen["headers"] == {"host": "wootiv.emulator", "authorization": "Bearer k"}
    assert echo(transport.send(Request("GET", URL)))["target"] == "/"
    transport.close()


def test_status_faults_are_answers_and_broken_connections_are_core_errors() -> None:
    emulator = FakeEmulator()
    transport = EmulatorTransport(emulator)
    emulator.faults.load("roles.list:status=429,retry_after=2,times=1;roles.create:reset,times=1;GET /role/{id}:truncate,times=1")
    limited = transport.send(Request("GET", f"{URL}/role"))
    assert (limited.status_code, limited.header("retry-after")) == (429, "2")
    with pytest.raises(APIConnectionError) as reset:
        transport.send(Request("POST", f"{URL}/role", content=b"{}"))
    assert not isinstance(reset.value, APITimeoutError) and "reset" in reset.value.message
    with pytest.raises(APIConnectionError) as truncated:
        transport.send(Request("GET", f"{URL}/role/7"))
    assert "Content-Length" in truncated.value.message
    assert emulator.app.calls == []
    assert transport.send(Request("GET", f"{URL}/role/7")).status_code == 200


def test_latency_waits_and_past_the_read_timeout_times_out() -> None:
    emulator = FakeEmulator()
    transport = EmulatorTransport(emulator)
    emulator.faults.add("roles.list", latency=0.1)
    started = time.monotonic()
    assert transport.send(Request("GET", f"{URL}/role", timeout=Timeout(1.0))).status_code == 200
    assert 0.1 <= time.monotonic() - started < 0.5
    emulator.faults.add("roles.list", latency=5)
    request = Request("GET", f"{URL}/role", timeout=Timeout(5.0, read=0.1))
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        transport.send(request)
    assert 0.1 <= time.monotonic() - started < 0.5
    assert (caught.value.request.method, caught.value.request.url) == (request.method, request.url)


async def test_the_async_transport_behaves_the_same() -> None:
    emulator = FakeEmulator()
    transport = AsyncEmulatorTransport(emulator)
    response = await transport.send(Request("PATCH", f"{URL}/role/9", content=Chunks()))
    assert echo(response)["body"] == '{"name":"qa"}'
    emulator.faults.load("roles.list:latency=5,times=1;roles.create:reset,times=1;roles.retrieve:truncate,times=1")
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        await transport.send(Request("GET", f"{URL}/role", timeout=Timeout(0.1)))
    assert time.monotonic() - started < 0.5
    for method, path in (("POST", "/role"), ("GET", "/role/9")):
        with pytest.raises(APIConnectionError):
            await transport.send(Request(method, f"{URL}{path}"))
    assert (await transport.send(Request("GET", f"{URL}/role"))).status_code == 200
    await transport.aclose()
