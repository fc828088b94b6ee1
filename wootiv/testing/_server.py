"""The emulator over HTTP/1.1: h11 on plain sockets, one thread per connection.

A thread per connection is the simplest design that cannot stall one client
behind another, and an emulator serves a handful of connections, not
thousands. h11 does the protocol, so framing, keep-alive and HTTP/1.0
clients follow the RFCs without code of ours.

What a client can rely on:

* keep-alive: a connection serves request after request until the client
  closes it or leaves it idle for `idle_timeout` seconds;
* a body declared or grown past `MAX_BODY` gets a JSON 413 without the rest
  being read, and a request h11 cannot parse a JSON 400; both then close;
* a client that disconnects mid-request ends only its own connection;
* an error inside the server is logged and answered with a JSON 500, never
  with a traceback;
* `stop()` closes the listening socket, shuts down every live connection
  and joins every thread within about two seconds, so a test that serves an
  emulator leaks nothing.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from email.utils import formatdate
from typing import Dict, List, NamedTuple, Optional, Protocol, Sequence, Tuple

import h11

from ._faults import JSON_TYPE, Faults, Outcome, error_body, reason_phrase

__all__ = ["Server", "EmulatorLike", "MAX_BODY", "IDLE_TIMEOUT"]

#: The largest request body read; a larger one is refused with 413.
MAX_BODY = 64 * 1024 * 1024
#: Seconds a keep-alive connection may stay silent before it is closed.
IDLE_TIMEOUT = 15.0
#: Seconds to drain a refused request before closing, so that the client
#: reads the refusal instead of a reset caused by its unread upload.
LINGER_SECONDS = 1.0
#: How long `stop()` waits for the threads, in all.
STOP_SECONDS = 2.0
#: How often the accepting thread looks up, where shutting the listening
#: socket down does not wake it (it does on Linux).
_ACCEPT_POLL = 0.25
_CHUNK = 65536
#: Framing is the server's business; an answer's own values are dropped.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection"})

log = logging.getLogger("wootiv.testing")


class EmulatorLike(Protocol):
    """What a server serves: an `Emulator`, or a stand-in with its surface."""

    @property
    def api_key(self) -> str: ...

    @property
    def faults(self) -> Faults: ...

    def reset(self) -> None: ...

    def dispatch(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Outcome: ...


class _Received(NamedTuple):
    method: str
    target: str
    headers: List[Tuple[str, str]]
    body: bytes


class _Refusal(Exception):
    """A request the server answers with an error, then closes the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Server:
    """An emulator served on `host:port`; port 0 picks a free port.

    `Emulator.serve()` returns one already started. `with` starts it if
    needed and stops it on the way out. `emulator` is what it serves, and
    `url` where: `http://127.0.0.1:54321`.
    """

    def __init__(self, emulator: EmulatorLike, host: str = "127.0.0.1", port: int = 0, *, idle_timeout: float = IDLE_TIMEOUT) -> None:
        self.emulator = emulator
        self.host = host
        self.port = port
        self.idle_timeout = idle_timeout
        self._listener: Optional[socket.socket] = None
        self._acceptor: Optional[threading.Thread] = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: Dict[socket.socket, threading.Thread] = {}

    @property
    def url(self) -> str:
        """The base URL to give a client."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def api_key(self) -> str:
        """The bearer key the served emulator accepts."""
        return self.emulator.api_key

    def start(self) -> "Server":
        """Bind, listen and start accepting; `OSError` if the address is taken."""
        if self._listener is not None:
            raise RuntimeError("this server has already been started")
        family, kind, proto, _, address = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        listener = socket.socket(family, kind, proto)
        try:
            if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
                # On Windows SO_REUSEADDR would let a second server share the port.
                listener.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE"), 1)
            else:
                # Elsewhere it only lets a restarted server reuse a port in TIME_WAIT.
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(address)
            listener.listen(128)
            listener.settimeout(_ACCEPT_POLL)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), name="wootiv-emulator-accept", daemon=True)
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Stop accepting, shut down live connections and join the threads. Idempotent."""
        self._stopping.set()
        deadline = time.monotonic() + STOP_SECONDS
        listener, acceptor = self._listener, self._acceptor
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if acceptor is not None:
            acceptor.join(max(0.0, deadline - time.monotonic()))
        if listener is not None:
            listener.close()
        with self._lock:
            for conn in self._connections:
                _shutdown(conn, socket.SHUT_RDWR)
            threads = list(self._connections.values())
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> "Server":
        if self._listener is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<wootiv.testing.Server {self.url}>"

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                # Out of descriptors, or a connection aborted before accept:
                # pause rather than spin, and carry on unless stopping.
                self._stopping.wait(0.05)
                continue
            with self._lock:
                if self._stopping.is_set():
                    conn.close()
                    return
                thread = threading.Thread(target=self._serve, args=(conn,), name="wootiv-emulator-connection", daemon=True)
                self._connections[conn] = thread
                thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(self.idle_timeout)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._converse(conn, h11.Connection(h11.SERVER))
        except OSError:
            pass  # the client went away, timed out, or stop() shut the socket
        except Exception:
            # A bug of ours ends this connection only; the client sees it close.
            log.exception("wootiv emulator: connection failed")
        finally:
            with self._lock:
                # Closed under the lock so stop() never shuts down a reused descriptor.
                self._connections.pop(conn, None)
                conn.close()

    def _converse(self, conn: socket.socket, protocol: h11.Connection) -> None:
        """Serve requests on one connection until it has to close."""
        while not self._stopping.is_set():
            try:
                request = self._receive(conn, protocol)
            except _Refusal as refusal:
                self._refuse(conn, refusal)
                return
            if request is None:
                return
            outcome = self._dispatch(request)
            if outcome.delay and self._stopping.wait(outcome.delay):
                return
            if not self._send(conn, protocol, request.method, outcome):
                return
            if protocol.our_state is not h11.DONE or protocol.their_state is not h11.DONE:
                return  # a Connection: close on either side, or an HTTP/1.0 peer
            protocol.start_next_cycle()

    def _receive(self, conn: socket.socket, protocol: h11.Connection) -> Optional[_Received]:
        """The next whole request, or None when the client closed or went quiet."""
        head: Optional[h11.Request] = None
        body = bytearray()
        while True:
            try:
                event = protocol.next_event()
            except h11.RemoteProtocolError as error:
                raise _Refusal(error.error_status_hint, f"Malformed HTTP request: {error}") from None
            if event is h11.NEED_DATA:
                if protocol.they_are_waiting_for_100_continue:
                    conn.sendall(_bytes(protocol, h11.InformationalResponse(status_code=100, headers=[])))
                data = conn.recv(_CHUNK)
                if not data:
                    return None
                protocol.receive_data(data)
            elif isinstance(event, h11.Request):
                head = event
                if _declared_length(event) > MAX_BODY:
                    raise _Refusal(413, f"request entity too large: the limit is {MAX_BODY} bytes")
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > MAX_BODY:
                    raise _Refusal(413, f"request entity too large: the limit is {MAX_BODY} bytes")
            elif isinstance(event, h11.EndOfMessage) and head is not None:
                headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in head.headers]
                return _Received(head.method.decode("ascii"), head.target.decode("latin-1"), headers, bytes(body))
            else:
                return None

    def _dispatch(self, request: _Received) -> Outcome:
        try:
            return self.emulator.dispatch(request.method, request.target, request.headers, request.body)
        except Exception:
            log.exception("wootiv emulator: %s %s failed", request.method, request.target)
            return Outcome(500, (JSON_TYPE,), error_body(500, "Internal server error"))

    def _send(self, conn: socket.socket, protocol: h11.Connection, method: str, outcome: Outcome) -> bool:
        """Act on the outcome; False when the connection has to end now."""
        if outcome.action == "reset":
            # A zero linger turns the coming close() into a TCP reset.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        status = outcome.status
        headers = [(name, value) for name, value in outcome.headers if name.lower() not in _FRAMING]
        no_body = status in (204, 304)
        if not no_body:
            headers.append(("Content-Length", str(len(outcome.body))))
        headers.append(("Date", formatdate(usegmt=True)))
        head = _bytes(protocol, h11.Response(status_code=status, headers=headers, reason=reason_phrase(status).encode("ascii")))
        body = b"" if no_body or method == "HEAD" else outcome.body
        if outcome.action == "truncate":
            keep = len(head) + len(body) // 2 if body else len(head) // 2
            conn.sendall((head + body)[:keep])
            return False
        data = _bytes(protocol, h11.Data(data=body)) if body else b""
        # One write per answer: a second small write would wait for the
        # client's delayed ACK (Nagle), some 40 ms per request.
        conn.sendall(head + data + _bytes(protocol, h11.EndOfMessage()))
        return True

    def _refuse(self, conn: socket.socket, refusal: _Refusal) -> None:
        """Answer with a JSON error, then drain what the client still sends before closing."""
        payload = error_body(refusal.status, refusal.message)
        head = (
            f"HTTP/1.1 {refusal.status} {reason_phrase(refusal.status)}\r\n"
            f"{JSON_TYPE[0]}: {JSON_TYPE[1]}\r\n"
            f"Content-Length: {len(payload)}\r\n"
            "Connection: close\r\n"
            f"Date: {formatdate(usegmt=True)}\r\n\r\n"
        )
        conn.sendall(head.encode("ascii") + payload)
        # Closing with unread input would send a reset, which may destroy the
        # refusal before the client reads it; so half-close and drain a while.
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(LINGER_SECONDS)
        deadline = time.monotonic() + LINGER_SECONDS
        while time.monotonic() < deadline and not self._stopping.is_set() and conn.recv(_CHUNK):
            pass


def _bytes(protocol: h11.Connection, event: h11.Event) -> bytes:
    return protocol.send(event) or b""


def _declared_length(request: h11.Request) -> int:
    """The Content-Length of a request (h11 has checked it is a number), 0 if none."""
    for name, value in request.headers:
        if name == b"content-length":
            return int(value)
    return 0


def _shutdown(conn: socket.socket, how: int) -> None:
    try:
        conn.shutdown(how)
    except OSError:
        pass
