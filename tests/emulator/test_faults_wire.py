"""Each kind of fault as a client sees it over a real socket (`http.client`)."""

from __future__ import annotations

import http.client
import json
import socket
import time
from typing import Iterator, List

import pytest

from wootiv.testing._server import Server

from .test_server_http import FakeEmulator, emulator_threads, fake


@pytest.fixture
def server() -> Iterator[Server]:
    before = emulator_threads()
    with Server(FakeEmulator()) as running:
        yield running
    assert emulator_threads() <= before


@pytest.fixture
def conn(server: Server) -> Iterator[http.client.HTTPConnection]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    yield connection
    connection.close()


def get(conn: http.client.HTTPConnection, path: str = "/role") -> http.client.HTTPResponse:
    conn.request("GET", path)
    return conn.getresponse()


def test_a_status_fault_answers_instead_of_the_app_for_times_requests(server: Server, conn: http.client.HTTPConnection) -> None:
    fake(server).faults.add("roles.list", status=429, retry_after="1", times=2)
    for _ in range(2):
        answer = get(conn)
        body = json.loads(answer.read())
        assert (answer.status, answer.getheader("Retry-After")) == (429, "1")
        assert body == {"statusCode": 429, "message": "Injected fault: roles.list:status=429,retry_after=1,times=2", "error": "Too Many Requests"}
    answer = get(conn)
    assert answer.status == 200 and json.loads(answer.read())["target"] == "/role"
    assert len(fake(server).app.calls) == 1  # the two faulted requests never reached the app


def test_server_errors_with_millisecond_and_dated_hints(server: Server, conn: http.client.HTTPConnection) -> None:
    fake(server).faults.load('roles.list:status=503,retry_after_ms=250,times=1;roles.list:status=502,retry_after="Wed, 21 Oct 2026 07:28:00 GMT",times=1')
    first = get(conn)
    first.read()
    assert (first.status, first.reason, first.getheader("retry-after-ms"), first.getheader("Retry-After")) == (503, "Service Unavailable", "250", None)
    second = get(conn)
    second.read()
    assert (second.status, second.getheader("Retry-After")) == (502, "Wed, 21 Oct 2026 07:28:00 GMT")


def test_a_reset_is_a_connection_error(server: Server, conn: http.client.HTTPConnection) -> None:
    fake(server).faults.add("GET /role/{id}", reset=True, times=1)
    with pytest.raises(ConnectionResetError):
        get(conn, "/role/7")
    conn.close()
    assert get(conn, "/role/7").status == 200  # a new connection, and the rule is spent
    assert [call[1] for call in fake(server).app.calls] == ["/role/7"]


def test_a_truncated_answer_is_an_incomplete_read(server: Server, conn: http.client.HTTPConnection) -> None:
    fake(server).faults.add("roles.list", truncate=True)
    answer = get(conn)
    assert answer.status == 200
    declared = int(answer.getheader("Content-Length", "0"))
    with pytest.raises(http.client.IncompleteRead) as caught:
        answer.read()
    assert 0 < len(caught.value.partial) < declared
    assert fake(server).app.calls == []


def test_latency_holds_the_answer_back(server: Server, conn: http.client.HTTPConnection) -> None:
    fake(server).faults.load("*:latency=0.2;roles.retrieve:latency=0.1")
    started = time.monotonic()
    assert get(conn, "/role/7").read()
    assert 0.3 <= time.monotonic() - started < 1.5
    assert len(fake(server).app.calls) == 1


def test_latency_past_the_client_timeout_is_a_client_timeout(server: Server) -> None:
    fake(server).faults.add("roles.list", latency=5)
    slow = http.client.HTTPConnection("127.0.0.1", server.port, timeout=0.2)
    try:
        with pytest.raises(socket.timeout):
            get(slow)
    finally:
        slow.close()


def test_probability_over_the_wire_follows_the_seed() -> None:
    def statuses(seed: int) -> List[int]:
        emulator = FakeEmulator(seed)
        emulator.faults.add("roles.list", status=500, probability=0.5)
        with Server(emulator) as server:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            try:
                seen: List[int] = []
                for _ in range(20):
                    answer = get(conn)
                    answer.read()
                    seen.append(answer.status)
                return seen
            finally:
                conn.close()

    assert statuses(11) == statuses(11)
    assert set(statuses(11)) == {200, 500}
