"""The emulator over HTTP/1.1: h11 for the protocol, one thread per connection.

Keep-alive connections are served until the client closes them or stays
idle for `IDLE_SECONDS`. A malformed request gets a JSON 400 and the
connection is closed; a body over `MAX_BODY` gets a 413 without being read;
a client that disappears mid-request ends only its own connection. `stop()`
closes the listening socket and every live connection and joins the
threads, so a test that serves an emulator leaks nothing.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from typing import List, Optional, Tuple

import h11

from ._emulator import Emulator, Outcome

__all__ = ["Server", "MAX_BODY", "IDLE_SECONDS"]

MAX_BODY = 64 * 1024 * 1024
IDLE_SECONDS = 30.0
_READ = 65536


class _Closed(Exception):
    """The peer went away, or the connection must end."""


class Server:
    """A running emulator on `host:port` (port 0 picks a free one)."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self._address = (host, port)
        self._listener: Optional[socket.socket] = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: List[socket.socket] = []
        self._threads: List[threading.Thread] = []
        self._acceptor: Optional[threading.Thread] = None
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        """The base URL to point a client at."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        return self.emulator.api_key

    def start(self) -> "Server":
        """Bind and start accepting; `OSError` if the address is taken."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(self._address)
            listener.listen(128)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name="wootiv-emulator-accept", daemon=True)
        self._acceptor.start()
        return self

    def wait(self) -> None:
        """Block until `stop()` is called (from a signal handler or another thread)."""
        while not self._stopping.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop accepting, close every connection, join every thread (idempotent)."""
        self._stopping.set()
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
        for thread in list(self._threads):
            thread.join(timeout=5)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(conn)
                self._threads = [thread for thread in self._threads if thread.is_alive()]
            thread = threading.Thread(target=self._serve, args=(conn,), name="wootiv-emulator-conn", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(IDLE_SECONDS)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        http = h11.Connection(h11.SERVER)
        try:
            while not self._stopping.is_set():
                request = self._read(conn, http)
                if request is None:
                    return
                method, target, headers, body = request
                outcome = self.emulator.dispatch(method, target, headers, body)
                if outcome.latency and self._stopping.wait(outcome.latency):
                    return
                if not self._answer(conn, http, outcome):
                    return
                if http.our_state is h11.MUST_CLOSE or http.their_state is h11.MUST_CLOSE:
                    return
                http.start_next_cycle()
        except (_Closed, OSError, h11.LocalProtocolError):
            return
        finally:
            with self._lock:
                if conn in self._connections:
                    self._connections.remove(conn)
            conn.close()

    def _read(self, conn: socket.socket, http: h11.Connection) -> Optional[Tuple[str, str, List[Tuple[str, str]], bytes]]:
        """The next request, or None when the client closed between requests."""
        head: Optional[h11.Request] = None
        body = bytearray()
        while True:
            try:
                event = http.next_event()
            except h11.RemoteProtocolError as exc:
                self._refuse(conn, http, exc.error_status_hint, f"Malformed HTTP request: {exc}")
                raise _Closed() from None
            if event is h11.NEED_DATA:
                data = conn.recv(_READ)
                if not data and head is None and http.their_state is h11.IDLE:
                    return None
                http.receive_data(data)
            elif isinstance(event, h11.Request):
                head = event
                length = _content_length(event)
                if length is not None and length > MAX_BODY:
                    self._refuse(conn, http, 413, "request entity too large")
                    raise _Closed()
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > MAX_BODY:
                    self._refuse(conn, http, 413, "request entity too large")
                    raise _Closed()
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in head.headers]
                return head.method.decode("ascii"), head.target.decode("latin-1"), headers, bytes(body)
            else:
                return None

    def _answer(self, conn: socket.socket, http: h11.Connection, outcome: Outcome) -> bool:
        """Send the outcome; False when the connection must end now."""
        if outcome.action == "reset":
            # SO_LINGER 0 makes close() send a TCP reset instead of a clean FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        headers = [(name, value) for name, value in outcome.headers]
        headers.append(("Content-Length", str(len(outcome.body))))
        head = http.send(h11.Response(status_code=outcome.status, headers=headers)) or b""
        if outcome.action == "truncate":
            conn.sendall(head + outcome.body[: len(outcome.body) // 2])
            return False
        data = http.send(h11.Data(data=outcome.body)) or b"" if outcome.body else b""
        # One write per answer: split writes meet delayed ACKs and cost ~40 ms each.
        conn.sendall(head + data + (http.send(h11.EndOfMessage()) or b""))
        return True

    def _refuse(self, conn: socket.socket, http: h11.Connection, status: int, message: str) -> None:
        payload = json.dumps({"statusCode": status, "message": message, "error": "Bad Request" if status == 400 else "Payload Too Large"}).encode()
        try:
            if http.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                headers = [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(payload))), ("Connection", "close")]
                head = http.send(h11.Response(status_code=status, headers=headers)) or b""
                conn.sendall(head + (http.send(h11.Data(data=payload)) or b"") + (http.send(h11.EndOfMessage()) or b""))
            else:
                conn.sendall(b"HTTP/1.1 %d Error\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % (status, len(payload)) + payload)
        except (OSError, h11.LocalProtocolError):
            pass


def _content_length(request: h11.Request) -> Optional[int]:
    for name, value in request.headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
