"""requests adapter: `RequestsTransport`, for `Wootiv` in codebases built on requests.

Each `send` is one `Session.request(...)` call, so a session passed in keeps
everything it was configured with (mounted adapters, proxies, `trust_env`,
default headers, hooks, TLS settings) and is never closed here. The response
keeps requests' `CaseInsensitiveDict` of headers, uncopied. Every
requests/urllib3 failure becomes `APITimeoutError` or `APIConnectionError`,
with the original exception as `__cause__`.
"""

from __future__ import annotations

import http.client
import socket
import weakref
from typing import Any, Dict, Iterable, Iterator, Mapping, Optional, Tuple, Union

import requests
import requests.adapters
import urllib3.exceptions

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

from ._common import CLOSED_TRANSPORT, TimeoutCache, wrong_client_message

__all__ = ["RequestsTransport"]

_TIMEOUTS = (requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout, TimeoutError)

#: requests wraps most failures in a `RequestException`, but some reach the
#: caller as they were raised underneath: urllib3's and http.client's own
#: errors, `OSError` from the socket, `ValueError` for what cannot be encoded.
_FAILURES = (
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
    ValueError,
)


def _requests_timeout(timeout: Timeout) -> Tuple[Optional[float], Optional[float]]:
    # requests has no write or pool limit: its pools never block, and urllib3
    # applies the connect limit to sending too.
    return (timeout.connect, timeout.read)


_timeouts = TimeoutCache(_requests_timeout)


def _is_timeout(exc: BaseException, depth: int = 0) -> bool:
    """Whether a failure is a timeout, including one requests wraps in another error.

    A read timeout while the body streams in is raised as a plain
    `requests.ConnectionError` around urllib3's `ReadTimeoutError`, and a
    socket timeout can sit inside urllib3's `ProtocolError` or be the
    `reason` of a `MaxRetryError`; a few levels are searched.
    """
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        # A refused or failed connect; urllib3 derives it from its connect
        # timeout class for historical reasons.
        return False
    if isinstance(exc, _TIMEOUTS):
        return True
    if depth == 3:
        return False
    inner = [*exc.args, getattr(exc, "reason", None)]
    return any(isinstance(item, BaseException) and _is_timeout(item, depth + 1) for item in inner)


class _Upload:
    """A streamed body that shows requests its length.

    Given an iterable without a length, requests adds
    `Transfer-Encoding: chunked`; given this, it sends the chunks as they
    are, under the `Content-Length` the request already carries. Each
    iteration starts the source anew, so a resent request sends it whole.
    """

    __slots__ = ("_chunks", "_length")

    def __init__(self, chunks: Iterable[bytes], length: int) -> None:
        self._chunks = chunks
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)


def _declared_length(headers: Mapping[str, str]) -> Optional[int]:
    value = headers.get("Content-Length")
    if value is None:
        value = next((item for name, item in headers.items() if name.lower() == "content-length"), None)
    return None if value is None else int(value)


def _body(content: Union[bytes, Iterable[bytes]], headers: Mapping[str, str]) -> Union[bytes, Iterable[bytes], None]:
    if isinstance(content, bytes):
        return content or None
    length = _declared_length(headers)
    if length is None:
        # Unknown length: an iterator without one is sent chunked.
        return iter(content)
    # requests would send a zero-length iterable chunked; there is nothing to stream.
    return _Upload(content, length) if length else b""


class RequestsTransport:
    """Sends through a `requests.Session`: yours (never closed here) or one it creates.

    Options for the created session, keyword-only: `proxy` (one proxy URL
    for HTTP and HTTPS traffic) and `max_connections`, the number of
    connections kept open per host (requests' `pool_maxsize`; its pools do
    not block, so it is not a cap on concurrent calls). The created session
    never retries on its own.

    A requests session has no closed state: one passed in after `close()`
    simply opens new connections, so it is used like any other.
    """

    def __init__(
        self,
        session: Optional[requests.Session] = None,
        *,
        proxy: Optional[str] = None,
        max_connections: int = 100,
    ) -> None:
        self._proxies: Optional[Dict[str, str]] = None
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_maxsize=max_connections, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            if proxy is not None:
                self._proxies = {"http": proxy, "https": proxy}
            # Closes the session if the adapter is dropped unclosed; calling it
            # is also how close() closes.
            self._finalizer: Optional[weakref.finalize[..., Any]] = weakref.finalize(self, session.close)
        elif isinstance(session, requests.Session):  # pyright: ignore[reportUnnecessaryIsInstance]
            if proxy is not None:
                raise ValueError(
                    "RequestsTransport: proxy= configures the session the adapter creates; "
                    "to use one with your own session, set its proxies instead"
                )
            self._finalizer = None
        else:
            raise TypeError(wrong_client_message("RequestsTransport", "a requests.Session", session))
        self._session = session
        self._closed = False

    @property
    def session(self) -> requests.Session:
        """The `requests.Session` requests go through."""
        return self._session

    def send(self, request: Request) -> Response:
        if self._closed:
            raise RuntimeError(CLOSED_TRANSPORT)
        headers = request.headers
        proxies = self._proxies
        try:
            answer = self._session.request(
                request.method,
                request.url,
                headers=headers,
                data=_body(request.content, headers),
                timeout=_timeouts(request.timeout),
                allow_redirects=False,
                # A fresh dict per call: with `trust_env`, requests adds the
                # environment's proxies into the dict it is given. Passed per
                # call because session-level proxies lose to the environment's.
                proxies=None if proxies is None else dict(proxies),
            )
        except _FAILURES as exc:
            if _is_timeout(exc):
                raise APITimeoutError(request, f"Request timed out ({type(exc).__name__}).") from exc
            raise APIConnectionError(request, f"Connection error ({type(exc).__name__}): {exc}") from exc
        return Response(answer.status_code, answer.headers, answer.content, request)

    def close(self) -> None:
        """Close the session if the adapter created it; a session passed in stays open."""
        if self._finalizer is not None:
            self._closed = True
            self._finalizer()
