"""httpx adapters: `HttpxTransport` (blocking) and `AsyncHttpxTransport` (asyncio).

Each `send` is one `client.request(...)` call, which reads the whole body;
the response keeps httpx's own case-insensitive `Headers`, uncopied. A client
passed in is used exactly as configured (proxies, mounts, TLS, event hooks,
default headers) and never closed here; a client the adapter creates is
closed by `close()`/`aclose()`, or without any warning when the adapter is
dropped. Every httpx failure becomes `APITimeoutError` or
`APIConnectionError`, with the httpx exception as `__cause__`.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, AsyncIterator, Dict, Iterable, Mapping, NoReturn, Optional

import httpx

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

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

__all__ = ["HttpxTransport", "AsyncHttpxTransport"]

#: Everything httpx raises for a request that could not be completed.
#: `InvalidURL` and `StreamError` are not `HTTPError`s; `ValueError` covers
#: values httpx cannot encode (such as a non-ASCII header) and `OSError` what a
#: custom transport lets through.
_FAILURES = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict, OSError, ValueError)


def _httpx_timeout(timeout: Timeout) -> httpx.Timeout:
    return httpx.Timeout(connect=timeout.connect, read=timeout.read, write=timeout.write, pool=timeout.pool)


_timeouts = TimeoutCache(_httpx_timeout)


def _failure(request: Request, exc: Exception) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request, f"Request timed out ({type(exc).__name__}).")
    return APIConnectionError(request, f"Connection error ({type(exc).__name__}): {exc}")


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
            # Closes the client if the adapter is dropped unclosed; calling it
            # is also how close() closes, so the two can never both run.
            self._finalizer: Optional[weakref.finalize[..., Any]] = weakref.finalize(self, client.close)
        elif isinstance(client, httpx.Client):  # pyright: ignore[reportUnnecessaryIsInstance]
            _refuse_options_with_client("HttpxTransport", transport, proxy, mounts)
            self._owned = False
            self._finalizer = None
        else:
            raise TypeError(wrong_client_message("HttpxTransport", "an httpx.Client", client))
        self._client = client

    @property
    def client(self) -> httpx.Client:
        """The `httpx.Client` requests go through."""
        return self._client

    def send(self, request: Request) -> Response:
        client = self._client
        if client.is_closed:
            self._raise_closed()
        content = request.content
        try:
            answer = client.request(
                request.method,
                request.url,
                headers=request.headers,
                content=content or None,
                timeout=_timeouts(request.timeout),
                follow_redirects=False,
            )
        except _FAILURES as exc:
            raise _failure(request, exc) from exc
        except RuntimeError:
            # httpx's own error when another thread closed the client meanwhile.
            if client.is_closed:
                self._raise_closed()
            raise
        return Response(answer.status_code, answer.headers, answer.content, request)

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
        client = self._client
        if not self._attached or client.is_closed:
            client = self._attach()
        content = request.content
        try:
            answer = await client.request(
                request.method,
                request.url,
                headers=request.headers,
                content=(content or None) if isinstance(content, bytes) else _async_chunks(content),
                timeout=_timeouts(request.timeout),
                follow_redirects=False,
            )
        except _FAILURES as exc:
            raise _failure(request, exc) from exc
        except Exception as exc:
            # anyio reports some connect failures (such as a port out of
            # range) as an exception group that httpx passes on unmapped.
            if is_exception_group(exc):
                raise _failure(request, exc) from exc
            if isinstance(exc, RuntimeError) and client.is_closed:
                self._raise_closed()
            raise
        return Response(answer.status_code, answer.headers, answer.content, request)

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

