"""The native asyncio transport: `AsyncH11Transport`, h11 over an asyncio `Protocol`.

`AsyncWootiv(http_client="h11")` sends through it. Like its blocking twin
(`h11_transport`), it leaves every decision to the I/O-free modules
`h11_routes`, `h11_pool` and `h11_wire`; here bytes arrive through
`data_received`, which feeds them straight to the exchange in flight, and a
call waits on one future. One timer per connection covers the read timeout
and the attempt's bound: it is not re-armed for every chunk received, nor
for every call, but checks when it fires whether data came in meanwhile and
what the wait in progress allows.

A transport belongs to the event loop it was first used on. Used from
another loop while that one still exists, it raises a `RuntimeError`; once
that loop is closed (the end of `asyncio.run`), the next loop gets a new
pool. Dropped without `aclose()`, its connections are closed without a
warning (see `_common.DroppedClientCloser`).
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from typing import Any, Deque, List, Mapping, Optional, Union

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

from ._common import CLOSED_TRANSPORT, DroppedClientCloser, ShutdownGuard, call_on_loop
from .h11_options import NativeOptions
from .h11_pool import PoolBook
from .h11_routes import Route
from .h11_wire import Exchange, Tunnel, new_connection

__all__ = ["AsyncH11Transport"]

_OTHER_LOOP = (
    "this AsyncWootiv client (http_client='h11') belongs to the event loop it was first used on, which is "
    "still open; make one client per event loop"
)


class _Stale(Exception):
    """A reused connection failed before any byte of the answer: try a new one."""


class _Connection(asyncio.Protocol):
    """One connection: bytes that arrive go to the exchange (or tunnel) in flight.

    Bytes or an end of stream while nothing is in flight mean the server
    closed the connection or misbehaves: it is marked dead, and the pool
    never hands it out again.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: Any = None
        self.h11 = new_connection()
        self.served = 0
        self.dead = False
        self.reader: Union[Exchange, Tunnel, None] = None
        self.waiter: Optional["asyncio.Future[None]"] = None
        self.last_data = 0.0
        self._paused = False
        self._drained: Optional["asyncio.Future[None]"] = None
        self._timer: Optional[asyncio.TimerHandle] = None
        self._watching = False
        self._read: Optional[float] = None
        self._deadline: Optional[float] = None

    # -- asyncio's callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        reader = self.reader
        if reader is None:
            self.close()
            return
        self.last_data = self.loop.time()
        try:
            done = reader.feed(data)
        except BaseException as exc:
            self._finish(exc)
            return
        if done:
            self._finish(None)

    def eof_received(self) -> bool:
        self._end(None)
        return False

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._stop_timer()
        self._end(exc)
        drained = self._drained
        if drained is not None and not drained.done():
            drained.set_result(None)

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        drained = self._drained
        if drained is not None and not drained.done():
            drained.set_result(None)

    # -- what the transport calls

    def start(self, reader: Union[Exchange, Tunnel]) -> "asyncio.Future[None]":
        self.reader = reader
        waiter = self.waiter = self.loop.create_future()
        return waiter

    @property
    def must_wait(self) -> bool:
        """Whether asyncio asked to stop writing until its buffer drains."""
        return self._paused and not self.dead

    async def drain(self, limit: Optional[float]) -> None:
        self._drained = self.loop.create_future()
        await asyncio.wait_for(self._drained, limit)

    def watch(self, read: Optional[float], deadline: Optional[float]) -> None:
        """Bound this wait by the read limit and the attempt's deadline.

        The connection keeps its one timer from call to call: a timer armed
        for an earlier call that fires no later than this wait's bound stays
        as it is (firing, it checks the bound of the wait in progress and arms
        itself again for what is left), so a call on a kept-alive connection
        usually schedules and cancels no timer at all.
        """
        self._watching = True
        self._read = read
        self._deadline = deadline
        self.last_data = now = self.loop.time()
        when = deadline if read is None else (now + read if deadline is None else min(now + read, deadline))
        if when is None:
            return
        timer = self._timer
        if timer is not None:
            if timer.when() <= when:
                return
            timer.cancel()
        self._timer = self.loop.call_at(when, self._on_timer)

    def unwatch(self) -> None:
        """The wait is over; the timer, if armed, finds nothing to bound when it fires."""
        self._watching = False

    def close(self) -> None:
        """Drop the connection now.

        `abort()` rather than `close()`: a TLS `close()` first waits for the
        server's answer to its close notice, which can outlive the event loop
        and leave the socket to warn when collected; a client that is done
        with a connection has nothing left to protect by that exchange.
        """
        self.dead = True
        self._stop_timer()
        if self.transport is not None:
            self.transport.abort()

    # -- inside

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        if not self._watching:
            return
        now = self.loop.time()
        deadline, read = self._deadline, self._read
        if deadline is not None and now >= deadline:
            what = "the attempt's time limit ran out"
        elif read is not None and now >= self.last_data + read:
            what = "reading the answer"
        else:
            when = self.last_data + read if read is not None else deadline
            if deadline is not None and when is not None and when > deadline:
                when = deadline
            if when is not None:
                self._timer = self.loop.call_at(when, self._on_timer)
            return
        reader = self.reader
        request = reader.request if reader is not None else None
        if request is not None:
            error = APITimeoutError(request, f"Request timed out ({what}).", sent=isinstance(reader, Exchange))
            error.__cause__ = TimeoutError(what)
            self._finish(error)

    def _end(self, exc: Optional[Exception]) -> None:
        self.dead = True
        reader = self.reader
        if reader is None:
            return
        if isinstance(reader, Exchange) and reader.stale:
            self._finish(_Stale())
            return
        try:
            done = reader.feed(b"")
        except BaseException as failure:
            if exc is not None and failure.__cause__ is None:
                failure.__cause__ = exc
            self._finish(failure)
            return
        if done:
            self._finish(None)

    def _finish(self, exc: Optional[BaseException]) -> None:
        self.reader = None
        waiter = self.waiter
        self.waiter = None
        if waiter is not None and not waiter.done():
            if exc is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(exc)


class _Pool:
    """The connections of one event loop, with the waiters for a free one."""

    def __init__(self, options: NativeOptions, loop: asyncio.AbstractEventLoop) -> None:
        self.options = options
        self.loop = loop
        self.book: PoolBook[_Connection] = PoolBook(
            options.max_connections, options.max_keepalive_connections, options.keepalive_expiry
        )
        self.waiters: Deque["asyncio.Future[None]"] = deque()
        self.busy: "set[_Connection]" = set()
        self.closed = False

    def take_idle(self, route: Route) -> Optional[_Connection]:
        """A live idle connection for `route` without awaiting, if there is one (the common case)."""
        connection, expired = self.book.take(route.key, self.loop.time())
        for old in expired:
            old.close()
        if connection is not None:
            if connection.dead:
                self.book.forget()
                self._wake()
                return None
            self.busy.add(connection)
        return connection

    async def acquire(self, route: Route, request: Request, timeout: Timeout, deadline: Optional[float], fresh: bool) -> _Connection:
        book = self.book
        loop = self.loop
        waited_until: Optional[float] = None
        while True:
            if self.closed:
                raise RuntimeError(CLOSED_TRANSPORT)
            connection, expired = (None, []) if fresh else book.take(route.key, loop.time())
            for old in expired:
                old.close()
            if connection is not None:
                if connection.dead:
                    book.forget()
                    continue
                break
            room, evicted = book.reserve()
            if evicted is not None:
                evicted.close()
            if room:
                try:
                    connection = await self._open(route, request, timeout, deadline)
                except BaseException:
                    book.forget()
                    self._wake()
                    raise
                break
            if waited_until is None:
                limit = _cut(timeout.pool, deadline, loop.time())
                waited_until = None if limit is None else loop.time() + limit
            left = None if waited_until is None else waited_until - loop.time()
            if left is not None and left <= 0:
                raise _timed_out(request, "waiting for a free connection from the pool", deadline, loop, sent=False)
            waiter = loop.create_future()
            self.waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, left)
            except asyncio.TimeoutError:
                raise _timed_out(request, "waiting for a free connection from the pool", deadline, loop, sent=False)
            finally:
                if waiter in self.waiters:
                    self.waiters.remove(waiter)
        self.busy.add(connection)
        return connection

    def release(self, route: Route, connection: _Connection, reusable: bool) -> None:
        self.busy.discard(connection)
        if reusable and not connection.dead and not self.closed:
            surplus = self.book.give_back(route.key, connection, self.loop.time())
        else:
            self.book.forget()
            surplus = connection
        if surplus is not None:
            surplus.close()
        self._wake()

    def close_now(self) -> None:
        """Close every connection at once (asyncio closes the sockets on its next iteration)."""
        self.closed = True
        for connection in self.book.drain() + list(self.busy):
            connection.close()
        self.busy.clear()
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def aclose(self) -> None:
        self.close_now()
        await asyncio.sleep(0)

    def _wake(self) -> None:
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _open(self, route: Route, request: Request, timeout: Timeout, deadline: Optional[float]) -> _Connection:
        loop = self.loop
        limit = _cut(timeout.connect, deadline, loop.time())
        tls = None if route.tls_host is None or route.tunnel is not None else self.options.tls_context()
        connection = _Connection(loop)
        try:
            await asyncio.wait_for(
                loop.create_connection(
                    lambda: connection,
                    route.host,
                    route.port,
                    ssl=tls,
                    server_hostname=route.tls_host if tls is not None else None,
                ),
                limit,
            )
        except asyncio.TimeoutError as exc:
            raise _timed_out(request, "connecting", deadline, loop, sent=False) from exc
        except OSError as exc:
            raise APIConnectionError(request, f"Connection error: cannot connect to {route.host}:{route.port} ({exc}).", sent=False) from exc
        try:
            if route.tunnel is not None:
                await self._open_tunnel(connection, route, request, timeout, deadline)
        except BaseException:
            connection.close()
            raise
        return connection

    async def _open_tunnel(self, connection: _Connection, route: Route, request: Request, timeout: Timeout, deadline: Optional[float]) -> None:
        loop = self.loop
        tunnel = Tunnel(request, route)
        waiter = connection.start(tunnel)
        connection.transport.write(tunnel.head())
        connection.watch(_cut(timeout.connect, deadline, loop.time()), None)
        try:
            await waiter
        except APITimeoutError:
            raise _timed_out(request, "opening a tunnel through the proxy", deadline, loop, sent=False)
        finally:
            connection.unwatch()
        refusal = tunnel.refusal()
        if refusal is not None:
            raise refusal
        host = route.tls_host or ""
        try:
            connection.transport = await loop.start_tls(
                connection.transport,
                connection,
                self.options.tls_context(),
                server_hostname=host,
                ssl_handshake_timeout=_cut(timeout.connect, deadline, loop.time()),
            )
        except (asyncio.TimeoutError, ConnectionError, OSError) as exc:
            if isinstance(exc, asyncio.TimeoutError):
                raise _timed_out(request, "the TLS handshake", deadline, loop, sent=False) from exc
            raise APIConnectionError(request, f"Connection error: TLS with {host} failed ({exc}).", sent=False) from exc


def _cut(limit: Optional[float], deadline: Optional[float], now: float) -> Optional[float]:
    if deadline is None:
        return limit
    left = max(deadline - now, 0.0)
    return left if limit is None or limit > left else limit


def _timed_out(request: Request, what: str, deadline: Optional[float], loop: asyncio.AbstractEventLoop, sent: bool) -> APITimeoutError:
    if deadline is not None and loop.time() >= deadline:
        what = "the attempt's time limit ran out"
    error = APITimeoutError(request, f"Request timed out ({what}).", sent=sent)
    error.__cause__ = TimeoutError(what)
    return error


def _release_dropped(holder: List[Optional[_Pool]], guard: ShutdownGuard) -> None:
    guard.disarm()
    pool = holder[0]
    if pool is not None:
        call_on_loop(pool.loop, pool.close_now)


class AsyncH11Transport:
    """Sends over the SDK's own HTTP/1.1 connections (h11 over asyncio), pooled per origin.

    Options are those of `H11Transport`: `proxy`/`proxies` (else the
    environment, unless `trust_env=False`), `ssl` (an `ssl.SSLContext`),
    `max_connections`, `max_keepalive_connections` and `keepalive_expiry`.
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
            "AsyncH11Transport",
            proxy=proxy,
            proxies=proxies,
            ssl_context=ssl,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            trust_env=trust_env,
        )
        # One slot, shared with the finaliser, so that it never holds the adapter.
        self._pool: List[Optional[_Pool]] = [None]
        self._closed = False
        self._closer = DroppedClientCloser()

    @property
    def open_connections(self) -> int:
        """Connections open now on the current loop's pool, busy or idle."""
        pool = self._pool[0]
        return 0 if pool is None else pool.book.open_count

    async def send(self, request: Request) -> Response:
        """Send `request` on a pooled or new connection and read the whole answer.

        A request that fails on a pooled connection before any byte of the
        answer (the server had closed it) is sent once more on a new one.
        """
        if self._closed:
            raise RuntimeError(CLOSED_TRANSPORT)
        pool = self._pool[0]
        loop = asyncio.get_running_loop()
        if pool is None or pool.loop is not loop or pool.closed:
            pool = self._bind(loop)
        try:
            route, origin, target = self._options.router.route(request.url)
        except ValueError as exc:
            # A caller's mistake, never retried; the URL is not repeated (it may hold credentials).
            raise ValueError(f"the h11 transport cannot send to this URL: {exc}") from None
        timeout = request.timeout
        deadline = None if timeout.attempt is None else loop.time() + timeout.attempt
        fresh = False
        while True:
            try:
                connection = (None if fresh else pool.take_idle(route)) or await pool.acquire(route, request, timeout, deadline, fresh)
            except APIConnectionError as exc:
                # After a stale try, the request may have reached the server.
                exc.sent = exc.sent or fresh
                raise
            exchange = Exchange(connection.h11, self._options.heads, request, origin, route, target, connection.served > 0)
            try:
                await self._exchange(connection, exchange, timeout, deadline)
            except _Stale:
                # The server closed it while it sat in the pool; a new
                # connection gets one more try, whatever the method.
                pool.release(route, connection, False)
                fresh = True
                continue
            except BaseException:
                pool.release(route, connection, False)
                raise
            connection.served += 1
            pool.release(route, connection, exchange.reusable)
            return exchange.response()

    async def aclose(self) -> None:
        """Close every connection; later sends fail (idempotent)."""
        self._closed = True
        self._closer.stop()
        pool = self._pool[0]
        if pool is not None:
            await pool.aclose()

    def _bind(self, loop: asyncio.AbstractEventLoop) -> _Pool:
        old = self._pool[0]
        if old is not None and not old.closed and not old.loop.is_closed():
            raise RuntimeError(_OTHER_LOOP)
        self._closer.stop()
        pool = _Pool(self._options, loop)
        self._pool[0] = pool
        self._closer.watch(self, pool.aclose, _release_dropped, self._pool)
        return pool

    @staticmethod
    async def _exchange(connection: _Connection, exchange: Exchange, timeout: Timeout, deadline: Optional[float]) -> None:
        loop = connection.loop
        waiter = connection.start(exchange)
        try:
            # The head (with a small body) is one write and no await.
            write = connection.transport.write
            write(exchange.head())
            try:
                for chunk in exchange.body():
                    if connection.must_wait:
                        await connection.drain(_cut(timeout.write, deadline, loop.time()))
                    write(chunk)
                if connection.must_wait:
                    await connection.drain(_cut(timeout.write, deadline, loop.time()))
            except asyncio.TimeoutError:
                raise _timed_out(exchange.request, "sending the request", deadline, loop, sent=True)
            connection.watch(timeout.read, deadline)
            await waiter
        finally:
            connection.unwatch()
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # retrieved: asyncio must not log it as forgotten
