"""requests adapter: `RequestsTransport`, for `Wootiv` in requests codebases.

It sends with `Session.request`, so a session passed in keeps everything it
was configured with (mounted adapters, proxies, `trust_env`, default headers,
hooks). Every requests/urllib3 failure becomes `APITimeoutError` or
`APIConnectionError` with the original as its cause.
"""

from __future__ import annotations

import weakref
from typing import Iterable, Iterator, Optional, Tuple, Union

import requests
import requests.adapters
import urllib3.exceptions

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Response

__all__ = ["RequestsTransport"]

_TIMEOUTS = (requests.Timeout, urllib3.exceptions.TimeoutError)
_FAILURES = (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError)


class _SizedChunks:
    """A streamed body whose length requests can see.

    Without a length, requests adds `Transfer-Encoding: chunked` next to the
    `Content-Length` the core already set; with one, it streams as is.
    """

    def __init__(self, chunks: Iterable[bytes], length: int) -> None:
        self._chunks = chunks
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)


def _body(request: Request) -> Union[bytes, _SizedChunks]:
    content = request.content
    if isinstance(content, bytes):
        return content
    length = int(request.headers.get("Content-Length", "0"))
    return _SizedChunks(content, length)


class RequestsTransport:
    """Sends through a `requests.Session`: yours (never closed by us) or one it creates."""

    def __init__(self, session: Optional[requests.Session] = None, *, proxy: Optional[str] = None, pool_size: int = 100) -> None:
        if session is not None and not isinstance(session, requests.Session):  # pyright: ignore[reportUnnecessaryIsInstance]
            hint = " (an aiohttp.ClientSession belongs to AsyncWootiv)" if type(session).__module__.startswith("aiohttp") else ""
            raise TypeError(f"RequestsTransport needs a requests.Session, got {type(session).__name__}{hint}")
        self._owned = session is None
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_connections=20, pool_maxsize=pool_size, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            if proxy is not None:
                session.proxies = {"http": proxy, "https": proxy}
        self._session = session
        self._finalizer = weakref.finalize(self, session.close) if self._owned else None

    def send(self, request: Request) -> Response:
        timeout = request.timeout
        limits: Tuple[Optional[float], Optional[float]] = (timeout.connect, timeout.read)
        try:
            answer = self._session.request(
                request.method,
                request.url,
                headers=dict(request.headers),
                data=_body(request),
                timeout=limits,
                allow_redirects=False,
            )
        except _TIMEOUTS as exc:
            raise APITimeoutError(request, f"Request timed out: {type(exc).__name__}") from exc
        except _FAILURES as exc:
            raise APIConnectionError(request, f"Connection error: {exc or type(exc).__name__}") from exc
        return Response(answer.status_code, answer.headers, answer.content, request)

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
