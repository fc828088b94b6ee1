"""A loopback HTTP/1.1 server that answers from a script, for client tests.

Each test queues the answers it wants, makes its calls, then reads what
the server received (`received`, and `connections`: how many it accepted).
Answers, one per request, in order: `reply` (optionally closing the
connection once it sat idle, which leaves the client a stale pooled
connection), `stall` (hang), `drop` (close after reading), `reset_connection`
(RST after reading), `truncate`, `trickle` (headers or body a byte at a
time) and `raw` (any bytes, then close). `close_before_reading` makes the
next connections close as soon as they are accepted. Requests are parsed
with h11; answers are written by hand so that broken ones can be produced
on purpose.
"""

from __future__ import annotations

import json
import select
import socket
import struct
import threading
import time
from collections import deque
from typing import Any, Deque, Dict, List, Optional, Union

import attrs
import h11


@attrs.define
class Received:
    """One request as the server saw it."""

    method: str
    target: str
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@attrs.define
class Answer:
    kind: str  # reply | stall | drop | reset | truncate | trickle-headers | trickle-body | raw
    status: int = 200
    headers: Dict[str, str] = attrs.Factory(lambda: dict[str, str]())
    body: bytes = b""
    delay: float = 0.0
    close_after_idle: Optional[float] = None


def _head(status: int, headers: Dict[str, str], length: int) -> bytes:
    lines = [b"HTTP/1.1 %d %s" % (status, b"OK" if status < 400 else b"Error"), b"content-length: %d" % length]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n"


class ScriptedServer:
    """Serves queued answers in order; answers 200 `{}` when the queue is empty."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.url = "http://127.0.0.1:%d" % self._listener.getsockname()[1]
        self.received: List[Received] = []
        self.connections = 0
        self._refuse = 0
        self._script: Deque[Answer] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: List[socket.socket] = []
        self._threads: List[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    # -- the script

    def reply(
        self,
        status: int = 200,
        body: Union[bytes, Any] = b"{}",
        headers: Optional[Dict[str, str]] = None,
        delay: float = 0.0,
        close_after_idle: Optional[float] = None,
    ) -> None:
        """Answer; with `close_after_idle`, close the kept-alive connection once it sat idle that long."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self._push(Answer("reply", status, _json_headers(raw, headers), raw, delay, close_after_idle))

    def trickle(self, part: str, status: int = 200, body: Union[bytes, Any] = b"{}", interval: float = 0.2) -> None:
        """Answer one byte every `interval` seconds: of the head (`part="headers"`) or of the body."""
        assert part in ("headers", "body")
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self._push(Answer(f"trickle-{part}", status, _json_headers(raw, None), raw, interval))

    def raw(self, data: bytes) -> None:
        """Answer with exactly `data`, then close."""
        self._push(Answer("raw", body=data))

    def reset_connection(self) -> None:
        """Read the request, then reset the connection (RST, no answer)."""
        self._push(Answer("reset"))

    def close_before_reading(self, connections: int = 1) -> None:
        """Close each of the next `connections` connections as soon as it is accepted."""
        with self._lock:
            self._refuse += connections

    def stall(self, seconds: float) -> None:
        """Read the request, then say nothing for `seconds`, then close."""
        self._push(Answer("stall", delay=seconds))

    def drop(self) -> None:
        """Read the request and close the connection without an answer."""
        self._push(Answer("drop"))

    def truncate(self, body: bytes = b'{"id": "r1", "name": "cut') -> None:
        """Promise a longer body than is sent, then close."""
        self._push(Answer("truncate", body=body))

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.received.clear()
            self.connections = 0
            self._refuse = 0

    def _push(self, answer: Answer) -> None:
        with self._lock:
            self._script.append(answer)

    def _next(self) -> Answer:
        with self._lock:
            return self._script.popleft() if self._script else Answer("reply", 200, {"content-type": "application/json"}, b"{}")

    # -- serving

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(conn)
                self.connections += 1
                refuse = self._refuse > 0
                self._refuse -= refuse
            if refuse:
                conn.close()
                continue
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _read_request(self, conn: socket.socket, parser: h11.Connection) -> Optional[Received]:
        request: Optional[h11.Request] = None
        body = bytearray()
        while True:
            event = parser.next_event()
            if event is h11.NEED_DATA:
                data = conn.recv(65536)
                parser.receive_data(data)
                if not data and request is None:
                    return None
                continue
            if isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert request is not None
                headers = {name.decode().lower(): value.decode() for name, value in request.headers}
                return Received(request.method.decode(), request.target.decode(), headers, bytes(body))
            elif isinstance(event, h11.ConnectionClosed):
                return None

    def _serve(self, conn: socket.socket) -> None:
        parser = h11.Connection(h11.SERVER)
        try:
            while not self._stopping.is_set():
                received = self._read_request(conn, parser)
                if received is None:
                    return
                with self._lock:
                    self.received.append(received)
                answer = self._next()
                if answer.delay and answer.kind == "reply":
                    time.sleep(answer.delay)
                if answer.kind == "drop":
                    return
                if answer.kind == "stall":
                    self._stopping.wait(answer.delay)
                    return
                if answer.kind == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                if answer.kind == "raw":
                    conn.sendall(answer.body)
                    return
                if answer.kind == "truncate":
                    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % (len(answer.body) + 100)
                    conn.sendall(head + answer.body)
                    return
                if answer.kind.startswith("trickle"):
                    head = _head(answer.status, answer.headers, len(answer.body))
                    slow, fast = (head, answer.body) if answer.kind == "trickle-headers" else (answer.body, head)
                    if answer.kind == "trickle-body":
                        conn.sendall(fast)
                    for index in range(len(slow)):
                        conn.sendall(slow[index : index + 1])
                        if self._stopping.wait(answer.delay):
                            return
                    if answer.kind == "trickle-headers":
                        conn.sendall(fast)
                    return
                reason = b"OK" if answer.status < 400 else b"Error"
                headers = [("content-length", str(len(answer.body))), *answer.headers.items()]
                # Sent through the parser, so that it knows the answer is
                # complete and the connection can carry the next request.
                head = parser.send(h11.Response(status_code=answer.status, headers=headers, reason=reason))
                tail = parser.send(h11.Data(data=answer.body)) if answer.body else b""
                conn.sendall((head or b"") + (tail or b"") + (parser.send(h11.EndOfMessage()) or b""))
                if parser.our_state is not h11.DONE or parser.their_state is not h11.DONE:
                    return
                parser.start_next_cycle()
                if answer.close_after_idle is not None:
                    ready, _, _ = select.select([conn], [], [], answer.close_after_idle)
                    if not ready:
                        return
        except (OSError, h11.RemoteProtocolError, h11.LocalProtocolError):
            return
        finally:
            conn.close()

    def close(self) -> None:
        self._stopping.set()
        self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._acceptor.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)


def _json_headers(raw: bytes, headers: Optional[Dict[str, str]]) -> Dict[str, str]:
    all_headers = {"content-type": "application/json"} if raw else {}
    all_headers.update(headers or {})
    return all_headers


def role(id: str = "r1", name: str = "admin") -> Dict[str, Any]:
    """A valid `RoleDto` body."""
    stamp = "2026-01-02T03:04:05Z"
    return {
        "id": id,
        "assignees": [],
        "audit": {"date_created": stamp, "date_deleted": stamp, "date_updated": stamp, "version": 1},
        "description": f"{name} role",
        "name": name,
    }


def page(items: List[Dict[str, Any]], number: int, count: int) -> Dict[str, Any]:
    """A page envelope."""
    return {"count": len(items), "data": items, "page": number, "pageCount": count, "total": len(items) * count}


