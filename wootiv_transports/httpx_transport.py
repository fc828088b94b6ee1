"""httpx adapters: `HttpxTransport` (sync) and `AsyncHttpxTransport` (asyncio).

Each sends one core `Request` with one httpx call and hands back httpx's own
header object, uncopied. Every httpx failure becomes `APITimeoutError` or
`APIConnectionError` with the httpx exception as its cause.
"""

from __future__ import annotations

import weakref
from typing import Any, AsyncIterator, Dict, Iterable, Mapping, Optional

import httpx

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

from ._lifetime import LoopGuard

__all__ = ["HttpxTransport", "AsyncHttpxTransport"]

LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
_CLOSED_THEIRS = (
    "the httpx client passed as http_client is closed; pass an open one, "
    "or pass none and let the SDK create and close its own"
)
_CLOSED_OURS = "this client has been closed (close() or the end of its with block); make a new one"

_timeouts: Dict[Timeout, httpx.Timeout] = {}


def _timeout(timeout: Timeout) -> httpx.Timeout:
    """httpx's form of a core timeout, built once per distinct value."""
    converted = _timeouts.get(timeout)
    if converted is None:
        converted = httpx.Timeout(connect=timeout.connect, read=timeout.read, write=timeout.write, pool=timeout.pool)
        if len(_timeouts) < 256:
            _timeouts[timeout] = converted
    return converted


def _failure(request: Request, exc: BaseException) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request, f"Request timed out: {type(exc).__name__}")
    detail = str(exc) or type(exc).__name__
    return APIConnectionError(request, f"Connection error: {detail}")


def _own_client_kwargs(
    transport: Any, proxy: Optional[str], mounts: Optional[Mapping[str, Any]]
) -> Dict[str, Any]:
    kwargs: Dict[str, Any] = {"limits": LIMITS, "timeout": None, "follow_redirects": False}
    if transport is not None:
        kwargs["transport"] = transport
    if proxy is not None:
        kwargs["proxy"] = proxy
    if mounts:
        kwargs["mounts"] = dict(mounts)
    return kwargs


class HttpxTransport:
    """Sends through an `httpx.Client`: yours (never closed by us) or one it creates."""

    def __init__(
        self,
        client: Optional[httpx.Client] = None,
        *,
        transport: Optional[httpx.BaseTransport] = None,
        proxy: Optional[str] = None,
        mounts: Optional[Mapping[str, httpx.BaseTransport]] = None,
    ) -> None:
        if client is not None and not isinstance(client, httpx.Client):  # pyright: ignore[reportUnnecessaryIsInstance]
            hint = " (for an httpx.AsyncClient use AsyncWootiv)" if isinstance(client, httpx.AsyncClient) else ""
            raise TypeError(f"HttpxTransport needs an httpx.Client, got {type(client).__name__}{hint}")
        self._owned = client is None
        self._client = client if client is not None else httpx.Client(**_own_client_kwargs(transport, proxy, mounts))
        # A client we made is closed even if nobody calls close().
        self._finalizer = weakref.finalize(self, self._client.close) if self._owned else None

    def send(self, request: Request) -> Response:
        client = self._client
        if client.is_closed:
            raise RuntimeError(_CLOSED_OURS if self._owned else _CLOSED_THEIRS)
        content = request.content
        try:
            built = client.build_request(
                request.method,
                request.url,
                headers=request.headers,
                content=content if isinstance(content, bytes) else iter(content),
                timeout=_timeout(request.timeout),
            )
            answer = client.send(built)
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            raise _failure(request, exc) from exc
        return Response(answer.status_code, answer.headers, answer.content, request)

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()


async def _chunks(content: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in content:
        yield chunk


class AsyncHttpxTransport:
    """Sends through an `httpx.AsyncClient`: yours (never closed by us) or one it creates."""

    def __init__(
        self,
        client: Optional[httpx.AsyncClient] = None,
        *,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        proxy: Optional[str] = None,
        mounts: Optional[Mapping[str, httpx.AsyncBaseTransport]] = None,
    ) -> None:
        if client is not None and not isinstance(client, httpx.AsyncClient):  # pyright: ignore[reportUnnecessaryIsInstance]
            hint = " (for an httpx.Client use Wootiv)" if isinstance(client, httpx.Client) else ""
            raise TypeError(f"AsyncHttpxTransport needs an httpx.AsyncClient, got {type(client).__name__}{hint}")
        self._owned = client is None
        self._client = client if client is not None else httpx.AsyncClient(**_own_client_kwargs(transport, proxy, mounts))
        self._guard = LoopGuard()
        self._armed = False

    async def send(self, request: Request) -> Response:
        client = self._client
        if client.is_closed:
            raise RuntimeError(_CLOSED_OURS if self._owned else _CLOSED_THEIRS)
        if self._owned and not self._armed:
            self._armed = True
            await self._guard.arm(client.aclose)
        content = request.content
        try:
            built = client.build_request(
                request.method,
                request.url,
                headers=request.headers,
                content=content if isinstance(content, bytes) else _chunks(content),
                timeout=_timeout(request.timeout),
            )
            answer = await client.send(built)
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            raise _failure(request, exc) from exc
        return Response(answer.status_code, answer.headers, answer.content, request)

    async def aclose(self) -> None:
        if self._owned:
            await self._guard.aclose()
            await self._client.aclose()


