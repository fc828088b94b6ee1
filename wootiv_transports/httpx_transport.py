"""httpx adapters: `HttpxTransport` (blocking) and `AsyncHttpxTransport` (asyncio).

Each `send` is one `client.send(..., stream=True)` whose body the adapter
reads itself, so that it can stop at `request.max_response_size` (counted
after decoding; a `Content-Length` past it is refused before reading) and
drop the connection. The response keeps httpx's own case-insensitive
`Headers`, uncopied. A client passed in is used exactly as configured
(proxies, mounts, TLS, event hooks, default headers) and never closed here;
a client the adapter creates is closed by `close()`/`aclose()`, or without
any warning when the adapter is dropped.

The attempt's bound (`timeout.attempt`): in a client the adapter creates,
httpx's own transports get a network backend (`_httpx_bounds`) that gives
every connect, write and read at most the time the attempt has left, so a
trickling server is cut at the bound exactly. A client passed in is not
touched: the async adapter runs the attempt inside an anyio cancel scope
of that length (exact too); the sync one cuts every limit to the bound and
checks the clock between the body's chunks, so trickled headers are bounded
only by the read limit (docs/transports.md says what holds).

Errors: connect failures, connect and pool timeouts, and (where the
backend watches writes) anything before the first byte was written are
`sent=False`; other network failures say `sent=True`. A pooled connection
the server closed while it sat idle is found by httpcore before it is used
(it checks that an idle socket has nothing to read) and replaced by a fresh
one, so a write on it is sent normally. A request httpx refuses as it
stands (an illegal header, a body longer than its `Content-Length`, a bad
URL) is a `ValueError`. Messages are scrubbed of secrets (`_failures`).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, AsyncIterator, Dict, Iterable, List, Mapping, NoReturn, Optional

import anyio
import h11
import httpx

from wootiv_core.errors import APIResponseTooLargeError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

from ._attempt import BOUND_PASSED, CURRENT, Attempt
from ._common import (
    CLOSED_TRANSPORT,
    DroppedClientCloser,
    ShutdownGuard,
    TimeoutCache,
    call_on_loop,
    closed_session_message,
    is_exception_group,
    run_until_suspended,
    running_loop,
    wrong_client_message,
)
from ._failures import caller_mistake, connection_error, declared_length
from ._httpx_bounds import bound_pools

__all__ = ["HttpxTransport", "AsyncHttpxTransport"]

#: Everything httpx raises for a request that could not be completed.
#: `InvalidURL` and `StreamError` are not `HTTPError`s; `ValueError` covers
#: values httpx cannot encode (such as a non-ASCII header) and `OSError` what a
#: custom transport lets through.
_FAILURES = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.StreamError,
    httpx.CookieConflict,
    h11.ProtocolError,
    OSError,
    ValueError,
)

#: What httpx raises for a request it will not send as it stands. h11's own
#: `LocalProtocolError` comes through unwrapped when the body does not match
#: its declared `Content-Length`.
_MISTAKES = (
    h11.LocalProtocolError,
    httpx.LocalProtocolError,
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
    httpx.StreamError,
    httpx.CookieConflict,
    ValueError,
)

#: Failures that leave no doubt that nothing was sent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)


def _cut(limit: Optional[float], bound: Optional[float]) -> Optional[float]:
    return bound if limit is None or (bound is not None and bound < limit) else limit


def _httpx_timeout(timeout: Timeout) -> httpx.Timeout:
    """httpx's form of a core timeout; no single limit longer than the attempt's bound."""
    bound = timeout.attempt
    return httpx.Timeout(
        connect=_cut(timeout.connect, bound),
        read=_cut(timeout.read, bound),
        write=_cut(timeout.write, bound),
        pool=_cut(timeout.pool, bound),
    )


_timeouts = TimeoutCache(_httpx_timeout)


def _failure(request: Request, exc: Exception, attempt: Attempt) -> Exception:
    if isinstance(exc, _MISTAKES):
        return caller_mistake(request, exc, "httpx")
    sent = attempt.wrote and not isinstance(exc, _NOT_SENT)
    return connection_error(request, exc, timeout=isinstance(exc, httpx.TimeoutException), sent=sent)


def _bound_passed(request: Request) -> APITimeoutError:
    return APITimeoutError(request, f"Request timed out: {BOUND_PASSED}.", sent=True)


def _refuse_declared(answer: httpx.Response, request: Request, limit: int) -> None:
    """Refuse an answer whose `Content-Length` is past `limit`, before reading any of it."""
    length = declared_length(answer.headers.get("content-length"))
    if length is not None and length > limit:
        raise APIResponseTooLargeError(request, limit)


def _read_body(answer: httpx.Response, request: Request, attempt: Attempt, bounded: bool) -> bytes:
    # Read chunk by chunk even when the length is declared: a compressed body
    # may decode to far more, and this loop costs no more than `read()`.
    limit = request.max_response_size
    if limit is not None:
        _refuse_declared(answer, request, limit)
    chunks: List[bytes] = []
    size = 0
    for chunk in answer.iter_bytes():
        size += len(chunk)
        if limit is not None and size > limit:
            raise APIResponseTooLargeError(request, limit)
        if not bounded and attempt.expired():
            raise _bound_passed(request)
        chunks.append(chunk)
    return b"".join(chunks)


async def _aread_body(answer: httpx.Response, request: Request) -> bytes:
    limit = request.max_response_size
    if limit is not None:
        _refuse_declared(answer, request, limit)
    chunks: List[bytes] = []
    size = 0
    async for chunk in answer.aiter_bytes():
        size += len(chunk)
        if limit is not None and size > limit:
            raise APIResponseTooLargeError(request, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _bound_created_client(client: Any) -> bool:
    """Install the bounding backend in every transport of a client the adapter created.

    That includes transports given to build it (`transport=`, `mounts=`):
    the backend is inert outside SDK attempts. False when any of them has
    no httpx pool to install into.
    """
    mounts: Dict[Any, Any] = getattr(client, "_mounts", {})
    transports = [getattr(client, "_transport", None), *(t for t in mounts.values() if t is not None)]
    return bound_pools(transports)


def _client_options(
    transport: Any,
    proxy: Optional[str],
    mounts: Optional[Mapping[str, Any]],
    max_connections: Optional[int],
    max_keepalive: Optional[int],
    keepalive_expiry: Optional[float],
) -> Dict[str, Any]:
    """Keyword arguments for the client an adapter creates.

    No client-level timeout (each request carries its own) and no redirects
    (the API sends none; following one would hide it from the core).
    """
    options: Dict[str, Any] = {
        "limits": httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_keepalive, keepalive_expiry=keepalive_expiry
        ),
        "timeout": None,
        "follow_redirects": False,
    }
    if transport is not None:
        options["transport"] = transport
    if proxy is not None:
        options["proxy"] = proxy
    if mounts:
        options["mounts"] = dict(mounts)
    return options


def _refuse_options_with_client(adapter: str, transport: object, proxy: object, mounts: object) -> None:
    if transport is not None or proxy is not None or mounts:
        raise ValueError(
            f"{adapter}: transport=, proxy= and mounts= configure the client the adapter creates; "
            "to use them with your own client, configure that client instead"
        )


class HttpxTransport:
    """Sends through an `httpx.Client`: yours (never closed here) or one it creates.

    Options for the created client, keyword-only: `transport` (an
    `httpx.BaseTransport` to build it around), `proxy` (one proxy URL for all
    traffic), `mounts` (httpx's per-URL-pattern transports), and the pool
    limits `max_connections`, `max_keepalive_connections` and
    `keepalive_expiry` (those of `httpx.Limits`; `None` is no limit).
    """

    def __init__(
        self,
        client: Optional[httpx.Client] = None,
        *,
        transport: Optional[httpx.BaseTransport] = None,
        proxy: Optional[str] = None,
        mounts: Optional[Mapping[str, Optional[httpx.BaseTransport]]] = None,
        max_connections: Optional[int] = 100,
        max_keepalive_connections: Optional[int] = 20,
        keepalive_expiry: Optional[float] = 5.0,
    ) -> None:
        if client is None:
            client = httpx.Client(
                **_client_options(
                transport, proxy, mounts, max_connections, max_keepalive_connections, keepalive_expiry
            )
            )
            self._owned = True
            self._bounded = _bound_created_client(client)
            # Closes the client if the adapter is dropped unclosed; calling it
            # is also how close() closes, so the two can never both run.
            self._finalizer: Optional[weakref.finalize[..., Any]] = weakref.finalize(self, client.close)
        elif isinstance(client, httpx.Client):  # pyright: ignore[reportUnnecessaryIsInstance]
            _refuse_options_with_client("HttpxTransport", transport, proxy, mounts)
            self._owned = False
            self._bounded = False
            self._finalizer = None
        else:
            raise TypeError(wrong_client_message("HttpxTransport", "an httpx.Client", client))
        self._client = client

    @property
    def client(self) -> httpx.Client:
        """The `httpx.Client` requests go through."""
        return self._client

    def send(self, request: Request) -> Response:
        """Send `request` through the httpx client and return the whole answer (see the transport contract in `wootiv_core.transport`)."""
        client = self._client
        if client.is_closed:
            self._raise_closed()
        bounded = self._bounded
        attempt = Attempt(request.timeout.attempt, wrote=not bounded)
        token = CURRENT.set(attempt)
        try:
            content = request.content
            answer = client.send(
                client.build_request(
                    request.method,
                    request.url,
                    headers=request.headers,
                    content=content or None,
                    timeout=_timeouts(request.timeout),
                ),
                stream=True,
                follow_redirects=False,
            )
            try:
                body = _read_body(answer, request, attempt, bounded)
            finally:
                answer.close()
            return Response(answer.status_code, answer.headers, body, request)
        except _FAILURES as exc:
            error = _failure(request, exc, attempt)
        except RuntimeError:
            # httpx's own error when another thread closed the client meanwhile.
            if client.is_closed:
                self._raise_closed()
            raise
        finally:
            CURRENT.reset(token)
        # Raised here, outside the handler, so that a library exception left
        # out as the cause (its message held a secret) is not the context.
        raise error

    def close(self) -> None:
        """Close the client if the adapter created it; a client passed in stays open."""
        if self._finalizer is not None:
            self._finalizer()

    def _raise_closed(self) -> NoReturn:
        raise RuntimeError(CLOSED_TRANSPORT if self._owned else closed_session_message("httpx.Client"))


async def _async_chunks(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def _abort_connections(client: httpx.AsyncClient) -> None:
    """Close the sockets of `client`'s pooled connections without awaiting.

    For a client dropped unclosed while its loop still runs (see `_common`).
    httpx offers no synchronous close for an async client, so this reaches
    its connection pools (private attributes, hence every lookup has a
    default) and runs each connection's own `aclose()` up to its first
    suspension, by which point the socket's transport has been aborted.
    """
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        for connection in list(getattr(pool, "connections", ())):
            try:
                run_until_suspended(connection.aclose())
            except Exception:  # a finaliser has no caller to report to
                pass


def _release_dropped(client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, guard: ShutdownGuard) -> None:
    guard.disarm()
    if not client.is_closed:
        call_on_loop(loop, lambda: _abort_connections(client))


class AsyncHttpxTransport:
    """Sends through an `httpx.AsyncClient`: yours (never closed here) or one it creates.

    Takes the same options as `HttpxTransport`, with async transports. A
    created client that outlives its event loop is closed as that loop shuts
    down, and replaced by a fresh one if the adapter is used on a later loop.
    """

    def __init__(
        self,
        client: Optional[httpx.AsyncClient] = None,
        *,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        proxy: Optional[str] = None,
        mounts: Optional[Mapping[str, Optional[httpx.AsyncBaseTransport]]] = None,
        max_connections: Optional[int] = 100,
        max_keepalive_connections: Optional[int] = 20,
        keepalive_expiry: Optional[float] = 5.0,
    ) -> None:
        self._options: Optional[Dict[str, Any]] = None
        if client is None:
            self._options = _client_options(
                transport, proxy, mounts, max_connections, max_keepalive_connections, keepalive_expiry
            )
            client = httpx.AsyncClient(**self._options)
        elif isinstance(client, httpx.AsyncClient):  # pyright: ignore[reportUnnecessaryIsInstance]
            _refuse_options_with_client("AsyncHttpxTransport", transport, proxy, mounts)
        else:
            raise TypeError(wrong_client_message("AsyncHttpxTransport", "an httpx.AsyncClient", client))
        self._client = client
        self._bounded = self._options is not None and _bound_created_client(client)
        # A created client is tied to a loop on its first send (see _attach);
        # one passed in needs nothing.
        self._attached = self._options is None
        self._closed = False
        self._closer = DroppedClientCloser()

    @property
    def client(self) -> httpx.AsyncClient:
        """The `httpx.AsyncClient` requests go through."""
        return self._client

    async def send(self, request: Request) -> Response:
        """Send `request` through the httpx async client and return the whole answer (see the transport contract in `wootiv_core.transport`)."""
        client = self._client
        if not self._attached or client.is_closed:
            client = self._attach()
        bounded = self._options is not None and self._bounded
        attempt = Attempt(request.timeout.attempt, wrote=not bounded)
        token = CURRENT.set(attempt)
        error: Exception
        try:
            if bounded or attempt.ends is None:
                return await self._exchange(client, request)
            # A client passed in: the whole attempt runs in a cancel scope.
            with anyio.move_on_after(request.timeout.attempt):
                return await self._exchange(client, request)
            error = _bound_passed(request)
        except _FAILURES as exc:
            error = _failure(request, exc, attempt)
        except Exception as exc:
            # anyio reports some connect failures (such as a port out of
            # range) as an exception group that httpx passes on unmapped.
            if is_exception_group(exc):
                error = connection_error(request, exc, timeout=False, sent=attempt.wrote)
            elif isinstance(exc, RuntimeError) and client.is_closed:
                self._raise_closed()
            else:
                raise
        finally:
            CURRENT.reset(token)
        raise error

    @staticmethod
    async def _exchange(client: httpx.AsyncClient, request: Request) -> Response:
        content = request.content
        answer = await client.send(
            client.build_request(
                request.method,
                request.url,
                headers=request.headers,
                content=(content or None) if isinstance(content, bytes) else _async_chunks(content),
                timeout=_timeouts(request.timeout),
            ),
            stream=True,
            follow_redirects=False,
        )
        try:
            body = await _aread_body(answer, request)
        finally:
            await answer.aclose()
        return Response(answer.status_code, answer.headers, body, request)

    async def aclose(self) -> None:
        """Close the client if the adapter created it; a client passed in stays open."""
        if self._options is None or self._closed:
            return
        self._closed = True
        self._closer.stop()
        await self._client.aclose()

    def _attach(self) -> httpx.AsyncClient:
        """Make the created client ready for the running loop, or say why it cannot be.

        Runs on the first send, and again when the client is found closed:
        by the user (an error), or by the shutdown of the loop it was used
        on (then a fresh client serves the new loop).
        """
        if self._options is None or self._closed:
            self._raise_closed()
        self._closer.stop()
        if self._client.is_closed:
            self._client = httpx.AsyncClient(**self._options)
            self._bounded = _bound_created_client(self._client)
        client = self._client
        loop = running_loop()
        # Under another event loop library (httpx also runs on trio) there is
        # no asyncio loop to tie the client to; aclose() is then the only way.
        if loop is not None:
            self._closer.watch(self, client.aclose, _release_dropped, client, loop)
        self._attached = True
        return client

    def _raise_closed(self) -> NoReturn:
        owned = self._options is not None
        raise RuntimeError(CLOSED_TRANSPORT if owned else closed_session_message("httpx.AsyncClient"))

