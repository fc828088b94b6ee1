"""The emulator's HTTP/1.1 server over real loopback sockets, serving a stand-in app.

The stand-in (`EchoApp`) answers with what it received, so these tests see
exactly what the server passed on, and do not depend on the Wootiv app.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import pytest

from wootiv.testing._faults import Faults, Outcome
from wootiv.testing._server import MAX_BODY, Server


class EchoApp:
    """Three routes of the Wootiv API, answered with an echo of the request; `calls` logs them."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, str, bytes]] = []

    def route_of(self, method: str, target: str) -> Optional[str]:
        path = target.partition("?")[0]
        if method == "GET" and path == "/role":
            return "roles.list"
        if method == "POST" and path == "/role":
            return "roles.create"
        if method == "GET" and re.fullmatch(r"/role/[^/]+", path):
            return "roles.retrieve"
        return None

    def handle(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Tuple[int, List[Tuple[str, str]], bytes]:
        self.calls.append((method, target, body))
        echo = {"method": method, "target": target, "headers": {name.lower(): value for name, value in headers}, "body": body.decode("latin-1")}
        return 200, [("Content-Type", "application/json"), ("Content-Length", "999")], json.dumps(echo).encode()


class FakeEmulator:
    """The surface a `Server` needs, around an `EchoApp` and real fault rules."""

    api_key = "test-key"

    def __init__(self, seed: int = 0) -> None:
        self.app = EchoApp()
        self.faults = Faults(seed)

    def reset(self) -> None:
        self.app.calls.clear()
        self.faults.clear()

    def dispatch(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Outcome:
        return self.faults.apply(self.app, method, target, headers, body)


def emulator_threads() -> Set[threading.Thread]:
    """The server threads alive now (a session fixture's may be among them)."""
    return {thread for thread in threading.enumerate() if thread.name.startswith("wootiv-emulator")}


@pytest.fixture
def server() -> Iterator[Server]:
    before = emulator_threads()
    with Server(FakeEmulator()) as running:
        yield running
    assert emulator_threads() <= before


def fake(server: Server) -> FakeEmulator:
    emulator = server.emulator
    assert isinstance(emulator, FakeEmulator)
    return emulator


def raw_connection(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def read_until_closed(sock: socket.socket) -> bytes:
    chunks: List[bytes] = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def json_body(reply: bytes) -> Dict[str, Any]:
    return json.loads(reply.split(b"\r\n\r\n", 1)[1])


def test_keep_alive_serves_many_requests_on_one_connection(server: Server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", "/role?limit=1")
        conn.getresponse().read()
        first_socket = conn.sock
        for number in range(5):
            conn.request("POST", "/role", body=f"body {number}", headers={"X-Number": str(number)})
            answer = conn.getresponse()
            echo = json.loads(answer.read())
            assert answer.status == 200 and answer.reason == "OK"
            assert echo["body"] == f"body {number}" and echo["headers"]["x-number"] == str(number)
            assert answer.getheader("Content-Length") == str(len(json.dumps(echo)))  # the app's own value is replaced
        assert conn.sock is first_socket
    finally:
        conn.close()
    assert [call[:2] for call in fake(server).app.calls] == [("GET", "/role?limit=1")] + [("POST", "/role")] * 5


def test_pipelined_requests_are_answered_in_order(server: Server) -> None:
    with raw_connection(server) as sock:
        sock.sendall(b"GET /role/a HTTP/1.1\r\nHost: x\r\n\r\nGET /role/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        replies = read_until_closed(sock)
    assert replies.count(b"HTTP/1.1 200 OK") == 2
    assert replies.index(b'"/role/a"') < replies.index(b'"/role/b"')


def test_head_answers_carry_no_body(server: Server) -> None:
    with raw_connection(server) as sock:
        sock.sendall(b"HEAD /role HTTP/1.1\r\nHost: x\r\n\r\nGET /role HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        replies = read_until_closed(sock)
    head_reply, get_reply = replies.split(b"HTTP/1.1 ")[1:]
    assert head_reply.endswith(b"\r\n\r\n") and b"Content-Length: " in head_reply
    assert json.loads(get_reply.split(b"\r\n\r\n", 1)[1])["method"] == "GET"


def test_a_client_expecting_100_continue_gets_it(server: Server) -> None:
    with raw_connection(server) as sock:
        sock.sendall(b"POST /role HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 ")
        sock.sendall(b"hello")
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 200") and json_body(reply)["body"] == "hello"


def test_a_malformed_request_gets_a_json_400_and_the_connection_closes(server: Server) -> None:
    with raw_connection(server) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        reply = read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Connection: close" in reply and b"Traceback" not in reply
    body = json_body(reply)
    assert body["statusCode"] == 400 and body["error"] == "Bad Request" and body["message"].startswith("Malformed HTTP request")
    assert fake(server).app.calls == []


def test_an_oversized_body_is_refused_without_being_read(server: Server) -> None:
    started = time.monotonic()
    with raw_connection(server) as sock:
        sock.sendall(b"POST /role HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n{" % (MAX_BODY + 1))
        reply = read_until_closed(sock)
    assert time.monotonic() - started < 1.0
    assert reply.startswith(b"HTTP/1.1 413 Request Entity Too Large\r\n")
    assert json_body(reply)["statusCode"] == 413
    assert fake(server).app.calls == []


def test_a_chunked_body_growing_past_the_limit_is_refused(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wootiv.testing._server.MAX_BODY", 1000)
    with raw_connection(server) as sock:
        sock.sendall(b"POST /role HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(3):
            sock.sendall(b"200\r\n" + b"x" * 0x200 + b"\r\n")
        reply = read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 413")
    assert fake(server).app.calls == []


def test_a_client_vanishing_mid_body_does_not_disturb_another(server: Server) -> None:
    other = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        other.request("GET", "/role")
        assert other.getresponse().read()
        with raw_connection(server) as quitter:
            quitter.sendall(b"POST /role HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"na")
        other.request("GET", "/role/after")
        answer = other.getresponse()
        assert answer.status == 200 and json.loads(answer.read())["target"] == "/role/after"
    finally:
        other.close()
    assert [call[0] for call in fake(server).app.calls] == ["GET", "GET"]


def test_an_idle_keep_alive_connection_is_closed() -> None:
    with Server(FakeEmulator(), idle_timeout=0.2) as server:
        with raw_connection(server) as sock:
            sock.sendall(b"GET /role HTTP/1.1\r\nHost: x\r\n\r\n")
            started = time.monotonic()
            reply = read_until_closed(sock)
        assert reply.startswith(b"HTTP/1.1 200") and 0.15 < time.monotonic() - started < 2.0


def test_a_failure_inside_the_server_is_a_json_500_without_a_traceback(server: Server, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Outcome:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(fake(server), "dispatch", broken)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", "/role")
        answer = conn.getresponse()
        text = answer.read().decode()
        assert answer.status == 500 and json.loads(text) == {"statusCode": 500, "message": "Internal server error", "error": "Internal Server Error"}
        assert "secret" not in text and "Traceback" not in text
        conn.request("GET", "/role")  # the connection survives
        assert conn.getresponse().status == 500
    finally:
        conn.close()
    assert "secret internals" in caplog.text


def test_stop_under_open_connections_is_fast_and_leaves_nothing_open() -> None:
    emulator = FakeEmulator()
    emulator.faults.add("roles.retrieve", latency=30)
    before = emulator_threads()
    server = Server(emulator).start()
    idle = raw_connection(server)
    half_sent = raw_connection(server)
    waiting = raw_connection(server)
    try:
        idle.sendall(b"GET /role HTTP/1.1\r\nHost: x\r\n\r\n")
        assert idle.recv(65536).startswith(b"HTTP/1.1 200")
        half_sent.sendall(b"POST /role HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12")
        waiting.sendall(b"GET /role/slow HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.1)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2.0
        assert emulator_threads() <= before
        for sock in (idle, half_sent, waiting):
            assert read_until_closed(sock) == b""
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
    finally:
        for sock in (idle, half_sent, waiting):
            sock.close()
    server.stop()  # a second stop is harmless


def test_ports_addresses_and_restarts() -> None:
    with Server(FakeEmulator()) as first, Server(FakeEmulator()) as second:
        assert first.port and second.port and first.port != second.port
        assert first.url == f"http://127.0.0.1:{first.port}" and first.api_key == "test-key"
        with pytest.raises(RuntimeError):
            first.start()
        with pytest.raises(OSError):
            Server(FakeEmulator(), port=first.port).start()
