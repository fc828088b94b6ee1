"""requests adapter: `RequestsTransport`, for `Wootiv` in codebases built on requests.

Each `send` does what `Session.request(...)` does (`prepare_request`, the
environment's settings, `Session.send`), so a session passed in keeps
everything it was configured with (mounted adapters, proxies, `trust_env`,
default headers, auth, hooks, TLS settings) and is never closed here. One
step differs: after preparing, the request's URL is set back to exactly
what the core built, because requests re-quotes it and would turn `%2E%2E`
back into `..` (a path that servers and proxies normalise away); urllib3
sends that target as it is. The response keeps requests'
`CaseInsensitiveDict` of headers, uncopied; its body is streamed, counted
after decoding and cut at `request.max_response_size` (a `Content-Length`
past it is refused before reading), the connection then dropped.

The attempt's bound (`timeout.attempt`): the session the SDK creates mounts
a `BoundedHTTPAdapter` (`_requests_bounds`) whose sockets never wait past
it, so a trickling server is cut at the bound. A session passed in keeps
its own adapters: every limit is cut to the bound and the clock is checked
between the body's reads, but trickled headers are bounded only by the
read limit per byte (docs/transports.md).

Errors: a failed or timed-out connect (also to a proxy), and anything
before the first byte was written where the bounded adapter watches
writes, is `sent=False`; other network failures say `sent=True`. urllib3
checks that an idle pooled connection has not been closed by the server
before using it (and opens a new one if it has), so a write on a stale
keep-alive connection is sent normally. A request requests refuses as it
stands (a bad URL or header) is a `ValueError`. Messages are scrubbed of
secrets (`_failures`).
"""

from __future__ import annotations

import http.client
import socket
import weakref
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

import requests
import urllib3.exceptions

from wootiv_core.errors import APIResponseTooLargeError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

from ._attempt import BOUND_PASSED, CURRENT, Attempt
from ._common import CLOSED_TRANSPORT, TimeoutCache, wrong_client_message
from ._failures import caller_mistake, connection_error, declared_length
from ._requests_bounds import BoundedHTTPAdapter

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


#: Failures that show the request never left: no connection could be made.
_NOT_SENT = (
    urllib3.exceptions.NewConnectionError,
    urllib3.exceptions.ConnectTimeoutError,
    urllib3.exceptions.ProxyError,
    requests.ConnectTimeout,
    requests.exceptions.ProxyError,
)


def _cut(limit: Optional[float], bound: Optional[float]) -> Optional[float]:
    return bound if limit is None or (bound is not None and bound < limit) else limit


def _requests_timeout(timeout: Timeout) -> Tuple[Optional[float], Optional[float]]:
    # requests has no write or pool limit: its pools never block, and urllib3
    # applies the connect limit to sending too. Neither may exceed the
    # attempt's bound.
    return (_cut(timeout.connect, timeout.attempt), _cut(timeout.read, timeout.attempt))


_timeouts = TimeoutCache(_requests_timeout)


def _causes(exc: BaseException, depth: int = 0) -> Iterator[BaseException]:
    """`exc` and the exceptions requests and urllib3 wrapped in it, a few levels down."""
    yield exc
    if depth < 3:
        for item in (*exc.args, getattr(exc, "reason", None)):
            if isinstance(item, BaseException):
                yield from _causes(item, depth + 1)


def _failure(request: Request, exc: Exception, attempt: Attempt) -> Exception:
    if isinstance(exc, ValueError):
        return caller_mistake(request, exc, "requests")
    sent = attempt.wrote and not any(isinstance(item, _NOT_SENT) for item in _causes(exc))
    return connection_error(request, exc, timeout=_is_timeout(exc), sent=sent)


def _read_body(answer: requests.Response, request: Request, attempt: Attempt, bounded: bool) -> bytes:
    limit = request.max_response_size
    headers = answer.headers
    length = declared_length(headers.get("content-length"))
    if limit is not None and length is not None and length > limit:
        raise APIResponseTooLargeError(request, limit)
    if getattr(answer, "_content_consumed", False):
        # A response hook of the session read the body already.
        content = answer.content
        if limit is not None and len(content) > limit:
            raise APIResponseTooLargeError(request, limit)
        return content
    if bounded and (limit is None or (length is not None and "content-encoding" not in headers)):
        return answer.content
    raw: Any = answer.raw
    # `read1` returns what one read of the socket gave, so the clock and the
    # size are checked however slowly the body comes (urllib3 2; 1.x: `read`).
    read = getattr(raw, "read1", raw.read)
    chunks: List[bytes] = []
    size = 0
    while True:
        chunk: bytes = read(65536, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if limit is not None and size > limit:
            raise APIResponseTooLargeError(request, limit)
        if not bounded and attempt.expired():
            raise APITimeoutError(request, f"Request timed out: {BOUND_PASSED}.", sent=True)
        chunks.append(chunk)


def _is_timeout(exc: BaseException) -> bool:
    """Whether a failure is a timeout, including one requests wraps in another error.

    A read timeout while the body streams in is raised as a plain
    `requests.ConnectionError` around urllib3's `ReadTimeoutError`, and a
    socket timeout can sit inside urllib3's `ProtocolError` or be the
    `reason` of a `MaxRetryError`. A refused or failed connect
    (`NewConnectionError`) is not one, although urllib3 derives it from its
    connect timeout class for historical reasons.
    """
    return any(
        isinstance(item, _TIMEOUTS) and not isinstance(item, urllib3.exceptions.NewConnectionError)
        for item in _causes(exc)
    )


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
            adapter = BoundedHTTPAdapter(pool_maxsize=max_connections, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            if proxy is not None:
                self._proxies = {"http": proxy, "https": proxy}
            # Closes the session if the adapter is dropped unclosed; calling it
            # is also how close() closes.
            self._finalizer: Optional[weakref.finalize[..., Any]] = weakref.finalize(self, session.close)
            self._bounded = True
        elif isinstance(session, requests.Session):  # pyright: ignore[reportUnnecessaryIsInstance]
            if proxy is not None:
                raise ValueError(
                    "RequestsTransport: proxy= configures the session the adapter creates; "
                    "to use one with your own session, set its proxies instead"
                )
            self._finalizer = None
            self._bounded = False
        else:
            raise TypeError(wrong_client_message("RequestsTransport", "a requests.Session", session))
        self._session = session
        self._closed = False

    @property
    def session(self) -> requests.Session:
        """The `requests.Session` requests go through."""
        return self._session

    def send(self, request: Request) -> Response:
        """Send `request` through the requests session, target byte for byte, and return the whole answer."""
        if self._closed:
            raise RuntimeError(CLOSED_TRANSPORT)
        bounded = self._bounded
        attempt = Attempt(request.timeout.attempt, wrote=not bounded)
        token = CURRENT.set(attempt)
        try:
            answer = self._send(request)
            try:
                body = _read_body(answer, request, attempt, bounded)
            finally:
                answer.close()
            return Response(answer.status_code, answer.headers, body, request)
        except _FAILURES as exc:
            error = _failure(request, exc, attempt)
        finally:
            CURRENT.reset(token)
        # Raised outside the handler: a cause left out for holding a secret
        # must not come back as the context.
        raise error

    def _send(self, request: Request) -> requests.Response:
        """What `Session.request` does, but with the URL exactly as the core built it."""
        session = self._session
        headers = request.headers
        prepared = session.prepare_request(
            requests.Request(request.method, request.url, headers=dict(headers), data=_body(request.content, headers))
        )
        prepared.url = request.url
        # A fresh dict per call: with `trust_env`, requests adds the
        # environment's proxies into the dict it is given. Passed per call
        # because session-level proxies lose to the environment's.
        proxies = self._proxies
        settings = session.merge_environment_settings(
            request.url, {} if proxies is None else dict(proxies), True, None, None
        )
        return session.send(prepared, timeout=_timeouts(request.timeout), allow_redirects=False, **settings)

    def close(self) -> None:
        """Close the session if the adapter created it; a session passed in stays open."""
        if self._finalizer is not None:
            self._closed = True
            self._finalizer()
