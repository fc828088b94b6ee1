"""aiohttp adapter: `AiohttpTransport`, for `AsyncWootiv` in aiohttp applications.

Each `send` is one `session.request(...)`; the target goes out exactly as
the core built it (`URL(..., encoded=True)`: no re-quoting, no dot-segment
normalising). The body is streamed, counted after decoding and cut at
`request.max_response_size` (a `Content-Length` past it is refused before
reading), the connection then closed; the response keeps aiohttp's
`CIMultiDictProxy` of headers, uncopied. The attempt's bound is aiohttp's
own `ClientTimeout(total=...)`, which covers everything from waiting for a
connection to the body's last byte, for a session passed in as well. A session
passed in is used as configured (connector, proxy, `trust_env`, default
headers, trace configs, middlewares) and never closed here. A session the
adapter creates is made on the first send, inside the running loop (aiohttp
sessions belong to one loop), and closed by `aclose()`; if that is never
called it is still closed without a warning: when the adapter is dropped,
or as its loop shuts down (see `_common`).

Errors: a failed connect (also to a proxy, or its TLS handshake) and a
connect or pool timeout are `sent=False`; other network failures, and the
attempt's bound passing (aiohttp does not say in which phase), `sent=True`.
aiohttp drops a pooled connection whose server closed it while idle (the
loop sees the close) before using it, so a write on it goes out on a fresh
one; its own retry of idempotent requests on a reused connection is turned
off in the session the SDK creates, since retrying is the core's decision.
A request aiohttp refuses as it stands (a bad URL, an illegal header) is a
`ValueError`. Messages are scrubbed of secrets (`_failures`).
"""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, Iterable, List, NoReturn, Optional, Tuple

import aiohttp
from yarl import URL

from wootiv_core.errors import APIResponseTooLargeError
from wootiv_core.http import Request, Response, Timeout

from ._common import (
    CLOSED_TRANSPORT,
    DroppedClientCloser,
    ShutdownGuard,
    TimeoutCache,
    call_on_loop,
    closed_session_message,
    wrong_client_message,
)
from ._failures import caller_mistake, connection_error, declared_length

__all__ = ["AiohttpTransport"]

#: Every aiohttp timeout is an `asyncio.TimeoutError` (its own classes derive
#: from it too); since Python 3.11 that is the built-in `TimeoutError`, an
#: `OSError`, so `_failure` asks about timeouts first.
_FAILURES = (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError)

#: Failures that show the request never left. `ConnectionTimeoutError`
#: (connecting or waiting for the pool) is aiohttp 3.10's; on older ones a
#: connect timeout cannot be told from a read timeout and says `sent=True`.
_NOT_SENT: Tuple[type, ...] = (aiohttp.ClientConnectorError, aiohttp.ClientHttpProxyError) + tuple(
    kind for kind in (getattr(aiohttp, "ConnectionTimeoutError", None),) if isinstance(kind, type)
)

#: A request aiohttp will not send as it stands: a bad URL or header
#: (`ValueError`s, `InvalidURL` among them) or a scheme it does not speak.
_MISTAKES: Tuple[type, ...] = (ValueError,) + tuple(
    kind for kind in (getattr(aiohttp, "NonHttpUrlClientError", None),) if isinstance(kind, type)
)


def _failure(request: Request, exc: Exception) -> Exception:
    if isinstance(exc, _MISTAKES):
        return caller_mistake(request, exc, "aiohttp")
    timeout = isinstance(exc, asyncio.TimeoutError)
    return connection_error(request, exc, timeout=timeout, sent=not isinstance(exc, _NOT_SENT))


def _aiohttp_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    """aiohttp's form of a core timeout.

    aiohttp's `connect` covers waiting for a pooled connection and opening a
    new one, so it gets both limits; `sock_connect` bounds the opening alone,
    `sock_read` each wait for data, `total` the whole attempt. aiohttp has no
    write limit.

    A limit no shorter than the attempt's is left out: aiohttp arms `total`
    first, so such a limit could only ever fire after it, and each one left
    in costs a timer per call (`sock_read` one per chunk). With the default
    timeout (60 s, 5 s to connect) only `total` and `sock_connect` remain.
    """
    attempt = timeout.attempt

    def shorter(limit: Optional[float]) -> Optional[float]:
        return None if limit is None or (attempt is not None and limit >= attempt) else limit

    connect, pool = timeout.connect, timeout.pool
    acquire = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=attempt, connect=shorter(acquire), sock_connect=shorter(connect), sock_read=shorter(timeout.read))


_timeouts = TimeoutCache(_aiohttp_timeout)


async def _async_chunks(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def _read_body(answer: aiohttp.ClientResponse, request: Request) -> bytes:
    limit = request.max_response_size
    if limit is None:
        return await answer.read()
    length = declared_length(answer.headers.get("Content-Length"))
    if length is not None and length > limit:
        answer.close()
        raise APIResponseTooLargeError(request, limit)
    if length is not None and "Content-Encoding" not in answer.headers:
        return await answer.read()
    chunks: List[bytes] = []
    size = 0
    async for chunk in answer.content.iter_any():
        size += len(chunk)
        if size > limit:
            answer.close()
            raise APIResponseTooLargeError(request, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _close_connector_now(connector: aiohttp.BaseConnector) -> None:
    """Close a connector's connections without awaiting.

    `BaseConnector.close()` must be awaited (and warns when it is not); its
    synchronous part, `_close()`, closes every connection's transport at
    once and marks the connector closed, which is also what keeps aiohttp
    from warning about an unclosed session or connector.
    """
    if not connector.closed:
        connector._close()  # pyright: ignore[reportPrivateUsage]


def _release_dropped(connector: aiohttp.BaseConnector, loop: asyncio.AbstractEventLoop, guard: ShutdownGuard) -> None:
    guard.disarm()
    if loop.is_closed():
        # Too late to close sockets; at least mark the connector closed so
        # that aiohttp itself stays quiet.
        _close_connector_now(connector)
    else:
        call_on_loop(loop, lambda: _close_connector_now(connector))


class AiohttpTransport:
    """Sends through an `aiohttp.ClientSession`: yours (never closed here) or one it creates.

    Options for the created session, keyword-only: `proxy` (one proxy URL
    for all traffic), `max_connections` (the connector's `limit`; `None` is
    no limit) and `keepalive_expiry` (its `keepalive_timeout`, seconds). The
    created session ignores proxy environment variables (`trust_env=False`,
    aiohttp's default) and does not retry on its own.
    """

    def __init__(
        self,
        session: Optional[aiohttp.ClientSession] = None,
        *,
        proxy: Optional[str] = None,
        max_connections: Optional[int] = 100,
        keepalive_expiry: Optional[float] = 15.0,
    ) -> None:
        if session is not None:
            if not isinstance(session, aiohttp.ClientSession):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise TypeError(wrong_client_message("AiohttpTransport", "an aiohttp.ClientSession", session))
            if proxy is not None:
                raise ValueError(
                    "AiohttpTransport: proxy= configures the session the adapter creates; "
                    "to use one with your own session, pass it to that session instead"
                )
        self._session = session
        self._owned = session is None
        self._proxy = proxy
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._closed = False
        self._closer = DroppedClientCloser()

    @property
    def session(self) -> Optional[aiohttp.ClientSession]:
        """The `aiohttp.ClientSession` requests go through (`None` until a created one is needed)."""
        return self._session

    async def send(self, request: Request) -> Response:
        """Send `request` through the aiohttp session and return the whole answer, within its time and size limits."""
        session = self._session
        if session is None or session.closed:
            session = self._open()
        content = request.content
        try:
            async with session.request(
                request.method,
                # Already encoded by the core: aiohttp must not re-quote it.
                URL(request.url, encoded=True),
                headers=request.headers,
                data=(content or None) if isinstance(content, bytes) else _async_chunks(content),
                timeout=_timeouts(request.timeout),
                proxy=self._proxy,
                allow_redirects=False,
                # The core turns statuses into errors; a session that raises
                # for them would hide the response.
                raise_for_status=False,
            ) as answer:
                body = await _read_body(answer, request)
            return Response(answer.status, answer.headers, body, request)
        except _FAILURES as exc:
            error = _failure(request, exc)
        except RuntimeError:
            # aiohttp's own error when the session was closed meanwhile.
            if session.closed:
                self._raise_closed()
            raise
        # Raised outside the handler: a cause left out for holding a secret
        # must not come back as the context.
        raise error

    async def aclose(self) -> None:
        """Close the session if the adapter created it; a session passed in stays open."""
        if not self._owned or self._closed:
            return
        self._closed = True
        self._closer.stop()
        if self._session is not None:
            await self._session.close()

    def _open(self) -> aiohttp.ClientSession:
        """Create the session for the running loop, or say why there is none.

        Runs on the first send, and again when the session is found closed:
        by the user (an error), or by the shutdown of the loop it was made
        on (then a new session serves the new loop). Nothing here awaits, so
        concurrent first sends cannot create two sessions.
        """
        if not self._owned or self._closed:
            self._raise_closed()
        self._closer.stop()
        loop = asyncio.get_running_loop()
        connector = aiohttp.TCPConnector(
            limit=self._max_connections or 0, keepalive_timeout=self._keepalive_expiry
        )
        session = aiohttp.ClientSession(connector=connector)
        # aiohttp resends an idempotent request once when a connection drops
        # before the answer; retrying is the core's decision, so turn that
        # off (no public option; the attribute is one aiohttp declares).
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False  # pyright: ignore[reportPrivateUsage, reportAttributeAccessIssue]
        self._session = session
        self._closer.watch(self, session.close, _release_dropped, connector, loop)
        return session

    def _raise_closed(self) -> NoReturn:
        raise RuntimeError(CLOSED_TRANSPORT if self._owned else closed_session_message("aiohttp.ClientSession"))
