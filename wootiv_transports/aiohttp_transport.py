"""aiohttp adapter: `AiohttpTransport`, for `AsyncWootiv` in aiohttp applications.

Each `send` is one `session.request(...)` whose body is read whole; the
response keeps aiohttp's `CIMultiDictProxy` of headers, uncopied. A session
passed in is used as configured (connector, proxy, `trust_env`, default
headers, trace configs, middlewares) and never closed here. A session the
adapter creates is made on the first send, inside the running loop (aiohttp
sessions belong to one loop), and closed by `aclose()`; if that is never
called it is still closed without a warning: when the adapter is dropped,
or as its loop shuts down (see `_common`). Every aiohttp failure becomes
`APITimeoutError` or `APIConnectionError`, with the original as `__cause__`.
"""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, Iterable, NoReturn, Optional

import aiohttp
from yarl import URL

from wootiv_core.errors import APIConnectionError, APITimeoutError
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

__all__ = ["AiohttpTransport"]

#: Every aiohttp timeout is an `asyncio.TimeoutError` (its own classes derive
#: from it too), so that test must come before the `OSError` one: since
#: Python 3.11 `asyncio.TimeoutError` is the built-in `TimeoutError`, an
#: `OSError`.
_FAILURES = (aiohttp.ClientError, OSError, ValueError)


def _aiohttp_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    """aiohttp's form of a core timeout.

    aiohttp's `connect` covers waiting for a pooled connection and opening a
    new one, so it gets both limits; `sock_connect` bounds the opening alone,
    `sock_read` each wait for data. aiohttp has no write limit, and `total`
    stays unset: the core bounds the whole call itself.
    """
    connect, pool = timeout.connect, timeout.pool
    acquire = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=None, connect=acquire, sock_connect=connect, sock_read=timeout.read)


_timeouts = TimeoutCache(_aiohttp_timeout)


async def _async_chunks(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


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
                body = await answer.read()
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(request, f"Request timed out ({type(exc).__name__}).") from exc
        except _FAILURES as exc:
            raise APIConnectionError(request, f"Connection error ({type(exc).__name__}): {exc}") from exc
        except RuntimeError:
            # aiohttp's own error when the session was closed meanwhile.
            if session.closed:
                self._raise_closed()
            raise
        return Response(answer.status, answer.headers, body, request)

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
