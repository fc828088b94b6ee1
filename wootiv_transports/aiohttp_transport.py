"""aiohttp adapter: `AiohttpTransport`, for `AsyncWootiv` in aiohttp apps.

A session passed in is used as is (connector, proxies, `trust_env`, default
headers, tracing) and never closed by us. A session we create is made on the
first call, inside the running loop, and closed by `aclose()`, or, if the
client is dropped without that, by a `LoopGuard`.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Dict, Iterable, Optional

import aiohttp
from yarl import URL

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

from ._lifetime import LoopGuard

__all__ = ["AiohttpTransport"]

_CLOSED = (
    "the aiohttp.ClientSession passed as http_client is closed; pass an open one, "
    "or pass none and let the SDK create and close its own"
)

_timeouts: Dict[Timeout, aiohttp.ClientTimeout] = {}


def _timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    """aiohttp's form of a core timeout.

    Each limit costs aiohttp a timer per request, so only the two that bound
    every wait are set: connecting (`sock_connect`) and each read
    (`sock_read`). The pool wait is bounded by the connector's limit.
    """
    converted = _timeouts.get(timeout)
    if converted is None:
        converted = aiohttp.ClientTimeout(total=None, sock_connect=timeout.connect, sock_read=timeout.read)
        if len(_timeouts) < 256:
            _timeouts[timeout] = converted
    return converted


async def _chunks(content: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in content:
        yield chunk


class AiohttpTransport:
    """Sends through an `aiohttp.ClientSession`: yours (never closed by us) or one it creates."""

    def __init__(self, session: Optional[aiohttp.ClientSession] = None, *, proxy: Optional[str] = None, limit: int = 100) -> None:
        if session is not None and not isinstance(session, aiohttp.ClientSession):  # pyright: ignore[reportUnnecessaryIsInstance]
            hint = " (a requests.Session belongs to Wootiv)" if type(session).__module__.startswith("requests") else ""
            raise TypeError(f"AiohttpTransport needs an aiohttp.ClientSession, got {type(session).__name__}{hint}")
        self._session = session
        self._owned = session is None
        self._proxy = proxy
        self._limit = limit
        self._guard = LoopGuard()

    async def _own_session(self) -> aiohttp.ClientSession:
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._limit))
        self._session = session
        await self._guard.arm(session.close)
        return session

    async def send(self, request: Request) -> Response:
        session = self._session
        if session is None:
            session = await self._own_session()
        if session.closed:
            raise RuntimeError(_CLOSED)
        content = request.content
        data: Any = content if isinstance(content, bytes) else _chunks(content)
        try:
            async with session.request(
                request.method,
                # encoded=True: send the URL exactly as the core encoded it.
                URL(request.url, encoded=True),
                headers=request.headers,
                data=data or None,
                timeout=_timeout(request.timeout),
                proxy=self._proxy,
                allow_redirects=False,
            ) as answer:
                body = await answer.read()
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(request, f"Request timed out: {type(exc).__name__}") from exc
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise APIConnectionError(request, f"Connection error: {exc or type(exc).__name__}") from exc
        return Response(answer.status, answer.headers, body, request)

    async def aclose(self) -> None:
        await self._guard.aclose()
