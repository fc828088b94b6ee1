"""The native blocking transport: `H11Transport`, h11 over `socket` and `ssl`.

`Wootiv(http_client="h11")` sends through it. Every decision (route and
proxy, pool, request bytes, reading the answer, errors) is made by the
I/O-free modules `h11_routes`, `h11_pool` and `h11_wire`, which the asyncio
side shares; this module only connects, writes, reads and waits.

Per call on a kept-alive connection it makes few system calls: one check
that the pooled socket has nothing to read (a server that closed it, or sent
bytes nobody asked for), a timeout setting, one `sendall` for the head and a
small body, and usually one `recv` into a 64 KiB buffer.

One `H11Transport` may be shared by threads: the pool is guarded by a lock,
and each connection serves one thread at a time. Dropped without `close()`,
its sockets are closed by a finaliser, without a `ResourceWarning`.
"""

from __future__ import annotations

import select
import socket
import ssl
import threading
import time
import weakref
from typing import Mapping, NoReturn, Optional

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

from ._common import CLOSED_TRANSPORT
from .h11_options import NativeOptions
from .h11_pool import PoolBook
from .h11_routes import Route
from .h11_wire import Exchange, Tunnel, new_connection

__all__ = ["H11Transport"]

_READ_SIZE = 64 * 1024

_HAS_POLL = hasattr(select, "poll")


class _Connection:
    """One open socket, its h11 state, and how many answers it has carried."""

    __slots__ = ("sock", "h11", "served", "_poller")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.h11 = new_connection()
        self.served = 0
        # Registered once: the idle check is then a single `poll` call.
        self._poller: Optional["select.poll"] = None
        if _HAS_POLL:
            self._poller = select.poll()
            self._poller.register(sock, select.POLLIN)

    def readable(self) -> bool:
        """Whether the idle socket is readable: closed by the server, or sent unasked bytes.

        One `poll` system call; `select` (limited to small descriptor
        numbers) only where `poll` does not exist (Windows).
        """
        try:
            if self._poller is not None:
                return bool(self._poller.poll(0))
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class _Stale(Exception):
    """A reused connection failed before any byte of the answer: try a new one."""


class _Clock:
    """The limits of one attempt: each wait is the smaller of its own limit and what the attempt has left."""

    __slots__ = ("request", "timeout", "deadline")

    def __init__(self, request: Request, timeout: Timeout) -> None:
        self.request = request
        self.timeout = timeout
        self.deadline = None if timeout.attempt is None else time.monotonic() + timeout.attempt

    def limit(self, own: Optional[float], sent: bool) -> Optional[float]:
        deadline = self.deadline
        if deadline is None:
            return own
        left = deadline - time.monotonic()
        if left <= 0:
            raise self.timed_out("the attempt's time limit ran out", sent)
        return left if own is None or own > left else own

    def timed_out(self, what: str, sent: bool) -> APITimeoutError:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            what = "the attempt's time limit ran out"
        error = APITimeoutError(self.request, f"Request timed out ({what}).", sent=sent)
        error.__cause__ = TimeoutError(what)
        return error


def _close_all(book: "PoolBook[_Connection]", lock: "threading.Lock") -> None:
    with lock:
        connections = book.drain()
    for connection in connections:
        connection.close()


class H11Transport:
    """Sends over the SDK's own HTTP/1.1 connections (h11 over sockets), pooled per origin.

    Keyword-only options: `proxy` (one `http://` proxy URL for all traffic;
    `https://` URLs go through a `CONNECT` tunnel) or `proxies` (by scheme,
    `{"https://": url}`), else the environment's `HTTP_PROXY`, `HTTPS_PROXY`,
    `ALL_PROXY` and `NO_PROXY` unless `trust_env=False`; `ssl` (an
    `ssl.SSLContext` for a custom CA or client certificates; default
    `ssl.create_default_context()`); and the pool limits
    `max_connections`, `max_keepalive_connections` and `keepalive_expiry`
    (seconds), with httpx's defaults.
    """

    def __init__(
        self,
        *,
        proxy: Optional[str] = None,
        proxies: Optional[Mapping[str, str]] = None,
        ssl: Optional[ssl.SSLContext] = None,
        max_connections: Optional[int] = 100,
        max_keepalive_connections: Optional[int] = 20,
        keepalive_expiry: Optional[float] = 5.0,
        trust_env: bool = True,
    ) -> None:
        self._options = NativeOptions(
            "H11Transport",
            proxy=proxy,
            proxies=proxies,
            ssl_context=ssl,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            trust_env=trust_env,
        )
        self._book: PoolBook[_Connection] = PoolBook(max_connections, max_keepalive_connections, keepalive_expiry)
        # The pool's lock, and the condition a call waits on for a free
        # connection. Only a call that waits is woken: `_waiting` counts
        # them, so that a release with nobody waiting (the usual case) costs
        # no `notify()`.
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._waiting = 0
        self._closed = False
        self._finalizer = weakref.finalize(self, _close_all, self._book, self._lock)

    @property
    def open_connections(self) -> int:
        """Connections open now, busy or idle in the pool."""
        return self._book.open_count

    def send(self, request: Request) -> Response:
        """Send `request` on a pooled or new connection and read the whole answer.

        A request that fails on a pooled connection before any byte of the
        answer (the server had closed it) is sent once more on a new one.
        """
        clock = _Clock(request, request.timeout)
        try:
            route, origin, target = self._options.router.route(request.url)
        except ValueError as exc:
            # A caller's mistake, never retried; the URL is not repeated (it may hold credentials).
            raise ValueError(f"the h11 transport cannot send to this URL: {exc}") from None
        fresh = False
        while True:
            try:
                connection = self._acquire(route, clock, fresh)
            except APIConnectionError as exc:
                # After a stale try, the request may have reached the server.
                exc.sent = exc.sent or fresh
                raise
            exchange = Exchange(connection.h11, self._options.heads, request, origin, route, target, connection.served > 0)
            try:
                response = self._exchange(connection, exchange, clock)
            except _Stale:
                # The server closed it while it sat in the pool; a new
                # connection gets one more try, whatever the method.
                self._drop(connection)
                fresh = True
                continue
            except BaseException:
                self._drop(connection)
                raise
            connection.served += 1
            self._release(route, connection, exchange.reusable)
            return response

    def close(self) -> None:
        """Close every pooled connection; later sends fail (idempotent)."""
        with self._lock:
            self._closed = True
            self._freed.notify_all()
        self._finalizer()

    # -- the pool

    def _acquire(self, route: Route, clock: _Clock, fresh: bool) -> _Connection:
        book = self._book
        waited_until: Optional[float] = None
        with self._lock:
            while True:
                if self._closed:
                    raise RuntimeError(CLOSED_TRANSPORT)
                connection, expired = (None, []) if fresh else book.take(route.key, time.monotonic())
                for old in expired:
                    old.close()
                if connection is not None:
                    if not connection.readable():
                        return connection
                    connection.close()
                    book.forget()
                    continue
                room, evicted = book.reserve()
                if evicted is not None:
                    evicted.close()
                if room:
                    break
                if waited_until is None:
                    pool = clock.limit(clock.timeout.pool, sent=False)
                    waited_until = None if pool is None else time.monotonic() + pool
                left = None if waited_until is None else waited_until - time.monotonic()
                if left is not None and left <= 0:
                    raise clock.timed_out("waiting for a free connection from the pool", sent=False)
                self._waiting += 1
                try:
                    self._freed.wait(left)
                finally:
                    self._waiting -= 1
        try:
            return self._open(route, clock)
        except BaseException:
            with self._lock:
                book.forget()
                self._wake()
            raise

    def _release(self, route: Route, connection: _Connection, reusable: bool) -> None:
        with self._lock:
            if reusable and not self._closed:
                surplus = self._book.give_back(route.key, connection, time.monotonic())
            else:
                self._book.forget()
                surplus = connection
            self._wake()
        if surplus is not None:
            surplus.close()

    def _drop(self, connection: _Connection) -> None:
        connection.close()
        with self._lock:
            self._book.forget()
            self._wake()

    def _wake(self) -> None:
        """Wake one call waiting for a free connection, if any (the lock held)."""
        if self._waiting:
            self._freed.notify()

    # -- connecting

    def _open(self, route: Route, clock: _Clock) -> _Connection:
        request = clock.request
        try:
            sock = socket.create_connection((route.host, route.port), timeout=clock.limit(clock.timeout.connect, sent=False))
        except socket.timeout as exc:
            raise clock.timed_out("connecting", sent=False) from exc
        except OSError as exc:
            raise APIConnectionError(request, f"Connection error: cannot connect to {route.host}:{route.port} ({exc}).", sent=False) from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if route.tunnel is not None:
                self._open_tunnel(sock, route, clock)
            if route.tls_host is not None:
                sock = self._start_tls(sock, route.tls_host, clock)
        except BaseException:
            sock.close()
            raise
        return _Connection(sock)

    def _open_tunnel(self, sock: socket.socket, route: Route, clock: _Clock) -> None:
        tunnel = Tunnel(clock.request, route)
        try:
            sock.settimeout(clock.limit(clock.timeout.connect, sent=False))
            sock.sendall(tunnel.head())
            while not tunnel.feed(sock.recv(_READ_SIZE)):
                pass
        except socket.timeout as exc:
            raise clock.timed_out("opening a tunnel through the proxy", sent=False) from exc
        except OSError as exc:
            raise APIConnectionError(clock.request, f"Connection error: the proxy failed ({exc}).", sent=False) from exc
        refusal = tunnel.refusal()
        if refusal is not None:
            raise refusal

    def _start_tls(self, sock: socket.socket, host: str, clock: _Clock) -> socket.socket:
        try:
            sock.settimeout(clock.limit(clock.timeout.connect, sent=False))
            return self._options.tls_context().wrap_socket(sock, server_hostname=host)
        except socket.timeout as exc:
            raise clock.timed_out("the TLS handshake", sent=False) from exc
        except OSError as exc:
            raise APIConnectionError(clock.request, f"Connection error: TLS with {host} failed ({exc}).", sent=False) from exc

    # -- one exchange

    def _exchange(self, connection: _Connection, exchange: Exchange, clock: _Clock) -> Response:
        sock = connection.sock
        timeout = clock.timeout
        try:
            sock.settimeout(clock.limit(timeout.write, sent=True))
            sock.sendall(exchange.head())
            for chunk in exchange.body():
                sock.settimeout(clock.limit(timeout.write, sent=True))
                sock.sendall(chunk)
        except socket.timeout as exc:
            raise clock.timed_out("sending the request", sent=True) from exc
        except OSError as exc:
            self._failed(exchange, exc, "sending the request")
        recv = sock.recv
        feed = exchange.feed
        read = timeout.read
        try:
            sock.settimeout(clock.limit(read, sent=True))
            while True:
                data = recv(_READ_SIZE)
                if not data and exchange.stale:
                    raise _Stale
                if feed(data):
                    return exchange.response()
                if clock.deadline is not None:
                    sock.settimeout(clock.limit(read, sent=True))
        except socket.timeout as exc:
            raise clock.timed_out("reading the answer", sent=True) from exc
        except OSError as exc:
            self._failed(exchange, exc, "reading the answer")

    @staticmethod
    def _failed(exchange: Exchange, exc: OSError, doing: str) -> NoReturn:
        if exchange.stale:
            raise _Stale from exc
        raise APIConnectionError(exchange.request, f"Connection error while {doing}: {exc}.") from exc

