"""A local HTTP server with misbehaving routes, and the four adapters as drivers.

The suite is written once: the `driver` fixture runs each test with
`HttpxTransport`, `RequestsTransport`, `AsyncHttpxTransport` and
`AiohttpTransport`, calling the sync ones directly and awaiting the async
ones, so every adapter is held to the same behaviour.

The server is `http.server` on 127.0.0.1 with keep-alive. Its routes:

    /echo...          the request as JSON: method, raw target, headers in
                      order, body length, SHA-256, the body itself when
                      small, whether it came chunked, the client's port
    /sleep?seconds=N  answer after N seconds
    /stall-body?seconds=N  send the headers and a little body, then stall
    /close            read the request, close without answering
    /truncated        promise 1000 body bytes, send 10, close
    /garbage          answer with something that is not HTTP
    /badgzip          claim a gzip body that is not gzip
    /status/N         answer with status N
    /big?size=N[&gzip=1][&chunked=1]  N bytes of body, gzip-encoded and/or
                      chunked (no Content-Length) if asked
    /trickle?part=headers|body  the answer one byte every 0.1 s

Proxy requests (absolute-form targets) are routed by their path, so the
server doubles as a forward proxy that shows what reached it.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import socket
import threading
import time
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Tuple, cast
from urllib.parse import parse_qs, urlsplit

import pytest

from wootiv_core.http import Request, Response

SMALL_BODY = 64 * 1024


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm the
    # second would wait for the client's delayed ACK, 40 ms per call.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the answers, not a log."""

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, socket.timeout):
            # Clients that time out or are cancelled hang up on us; expected.
            pass

    @property
    def _stopping(self) -> threading.Event:
        return cast(LocalServer, self.server).stopping

    def _read_body(self) -> Tuple[bytes, bool]:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: List[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts), True
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length), False

    def _answer(self, status: int, body: bytes, headers: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _route(self) -> None:
        body, chunked = self._read_body()
        target = urlsplit(self.path)
        path = target.path
        if path.startswith("/echo"):
            report = {
                "method": self.command,
                "target": self.path,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body_length": len(body),
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "body": body.decode("latin-1") if len(body) <= SMALL_BODY else None,
                "chunked": chunked,
                "client_port": self.client_address[1],
            }
            answer = json.dumps(report).encode()
            self._answer(200, answer, {"Content-Type": "application/json", "X-Echo-Server": "yes"})
        elif path == "/sleep":
            seconds = float(parse_qs(target.query).get("seconds", ["1"])[0])
            if self._stopping.wait(seconds):
                return
            self._answer(200, b"{}", {"Content-Type": "application/json"})
        elif path == "/stall-body":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
            self.wfile.flush()
            self._stopping.wait(float(parse_qs(target.query).get("seconds", ["1"])[0]))
            self.close_connection = True
        elif path == "/close":
            self.close_connection = True
        elif path == "/truncated":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
            self.close_connection = True
        elif path == "/garbage":
            self.wfile.write(b"THIS IS NOT HTTP\r\n\r\n")
            self.close_connection = True
        elif path == "/badgzip":
            self._answer(200, b"certainly not gzip data", {"Content-Encoding": "gzip"})
        elif path.startswith("/status/"):
            status = int(path.rsplit("/", 1)[1])
            self._answer(status, b"" if status == 204 else b'{"error":"as requested"}', {"Content-Type": "application/json"})
        elif path == "/big":
            query = parse_qs(target.query)
            data = b"x" * int(query["size"][0])
            headers = {"Content-Encoding": "gzip"} if "gzip" in query else {}
            if "gzip" in query:
                data = gzip.compress(data)
            if "chunked" in query:
                self.send_response(200)
                for name, value in {**headers, "Transfer-Encoding": "chunked"}.items():
                    self.send_header(name, value)
                self.end_headers()
                for start in range(0, len(data), 4096):
                    piece = data[start : start + 4096]
                    self.wfile.write(b"%x\r\n%b\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            else:
                self._answer(200, data, headers)
        elif path == "/trickle":
            body = b'{"slow": "answer"}'
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
            slow, fast = (head, body) if parse_qs(target.query)["part"][0] == "headers" else (body, head)
            if slow is body:
                self.wfile.write(fast)
            for index in range(len(slow)):
                self.wfile.write(slow[index : index + 1])
                self.wfile.flush()
                if self._stopping.wait(0.1):
                    return
            if slow is head:
                self.wfile.write(fast)
            self.close_connection = True
        elif path == "/gzip":
            self._answer(200, gzip.compress(b'{"zipped":true}'), {"Content-Encoding": "gzip"})
        else:
            self._answer(404, b"no such route")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route


class LocalServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stopping = threading.Event()
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client hanging up mid-answer is part of the tests."""

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self._thread.join()


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    instance = LocalServer()
    yield instance
    instance.stop()


@pytest.fixture
def refused_url() -> str:
    """A URL on a loopback port where nothing listens: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/echo"


@pytest.fixture(scope="session")
def unanswered_url() -> Iterator[str]:
    """A URL where connecting never completes, all on loopback.

    A listening socket that never accepts, with its accept queue already
    full: the kernel then drops further connection attempts, so a client's
    connect waits until its own limit runs out.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = listener.getsockname()
    fillers: List[socket.socket] = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(address)
        fillers.append(filler)
    time.sleep(0.05)
    yield f"http://127.0.0.1:{address[1]}/echo"
    for filler in fillers:
        filler.close()
    listener.close()


class Driver:
    """One adapter, driven the same way whether it is sync or async."""

    def __init__(self, name: str, is_async: bool, factory: Callable[..., Any]) -> None:
        self.name = name
        self.is_async = is_async
        self._factory = factory

    def __repr__(self) -> str:
        return self.name

    def make(self, *args: Any, **options: Any) -> Any:
        return self._factory(*args, **options)

    async def send(self, transport: Any, request: Request) -> Response:
        if self.is_async:
            return await transport.send(request)
        return transport.send(request)

    async def close(self, transport: Any) -> None:
        if self.is_async:
            await transport.aclose()
        else:
            transport.close()


def _httpx() -> Callable[..., Any]:
    from wootiv_transports import HttpxTransport

    return HttpxTransport


def _requests() -> Callable[..., Any]:
    from wootiv_transports import RequestsTransport

    return RequestsTransport


def _async_httpx() -> Callable[..., Any]:
    from wootiv_transports import AsyncHttpxTransport

    return AsyncHttpxTransport


def _aiohttp() -> Callable[..., Any]:
    from wootiv_transports import AiohttpTransport

    return AiohttpTransport


DRIVERS = {
    "httpx": (False, _httpx),
    "requests": (False, _requests),
    "httpx-async": (True, _async_httpx),
    "aiohttp": (True, _aiohttp),
}


@pytest.fixture(params=list(DRIVERS))
def driver(request: pytest.FixtureRequest) -> Driver:
    is_async, load = DRIVERS[request.param]
    return Driver(request.param, is_async, load())


@pytest.fixture(params=[name for name, (is_async, _) in DRIVERS.items() if is_async])
def async_driver(request: pytest.FixtureRequest) -> Driver:
    """The drivers for which event loops, tasks and cancellation matter."""
    is_async, load = DRIVERS[request.param]
    return Driver(request.param, is_async, load())


@pytest.fixture(params=[name for name in DRIVERS if name != "requests"])
def pooling_driver(request: pytest.FixtureRequest) -> Driver:
    """The drivers whose pools make a call wait (requests opens an extra connection instead)."""
    is_async, load = DRIVERS[request.param]
    return Driver(request.param, is_async, load())


@pytest.fixture
async def transport(driver: Driver) -> AsyncIterator[Any]:
    """An adapter that created its own client, closed after the test."""
    instance = driver.make()
    yield instance
    await driver.close(instance)
