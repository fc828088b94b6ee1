"""HTTP/1.1 over h11 without any I/O: a core `Request` to bytes, bytes to a core `Response`.

Written once for the socket and the asyncio sides of the native transport,
which only move the bytes this module asks for and feed it the bytes that
arrive. h11 keeps the protocol state of each connection; this module adds
what the SDK's transport contract asks for on top of it:

* the request goes out as the core built it: the target byte for byte,
  every header as given, plus `Host`, the body's framing (`Content-Length`
  for bytes and for a streamed body whose length the core set, chunked
  otherwise) and `Accept-Encoding: gzip, deflate` unless the request has its
  own;
* the answer is decoded (gzip and deflate through `zlib`) and stops with
  `APIResponseTooLargeError` once its decoded body passes
  `request.max_response_size`, or at once when its `Content-Length` does;
* an answer that is not HTTP/1.1, a header block larger than
  `MAX_HEADER_BYTES`, a body longer than its `Content-Length` or an
  undecodable body is an `APIConnectionError`, never an h11 exception, and
  the connection is not used again;
* `Connection: close` and HTTP/1.0 answers leave the connection not
  reusable (h11 tracks both).

Errors say whether the request may have reached the server (`sent`): an
exchange that failed after its first byte was written says it was.
"""

from __future__ import annotations

import zlib
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

import h11
import h11._events as _h11_events

from wootiv_core.errors import APIConnectionError, APIResponseTooLargeError
from wootiv_core.http import Headers, Request, Response

from .h11_routes import Origin, Route

__all__ = ["Exchange", "HeadCache", "Tunnel", "new_connection", "MAX_HEADER_BYTES", "STREAM_THRESHOLD"]

#: The largest header block (status line and headers) accepted from a server.
MAX_HEADER_BYTES = 64 * 1024

#: A bytes body up to this size goes out in the same write as the head.
STREAM_THRESHOLD = 64 * 1024

_ACCEPT_ENCODING = ("Accept-Encoding", "gzip, deflate")


def new_connection() -> h11.Connection:
    """The h11 state of a new client connection."""
    return h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEADER_BYTES)


class _Decoder:
    """Undoes a gzip or deflate content encoding, chunk by chunk, within a budget.

    `deflate` is meant to be zlib-wrapped, but some servers send raw deflate;
    like the browsers, the first chunk tells which.
    """

    __slots__ = ("_zlib", "_raw_fallback")

    def __init__(self, encoding: str) -> None:
        gzip = encoding in ("gzip", "x-gzip")
        self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self._raw_fallback = not gzip

    def decode(self, data: bytes, budget: Optional[int]) -> bytes:
        """The decoded bytes of `data`; at most `budget + 1` of them when a budget is set."""
        try:
            return self._decode(data, budget)
        except zlib.error:
            if not self._raw_fallback:
                raise
            self._raw_fallback = False
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._decode(data, budget)

    def _decode(self, data: bytes, budget: Optional[int]) -> bytes:
        decoder = self._zlib
        if budget is None:
            out = decoder.decompress(data)
        else:
            # Bounded: a tiny gzip bomb never expands past the limit in memory.
            out = decoder.decompress(data, budget + 1)
        if self._raw_fallback and out:
            self._raw_fallback = False
        return out

    def flush(self) -> bytes:
        out = self._zlib.flush()
        if not self._zlib.eof:
            raise zlib.error("the compressed body ends early")
        return out


def _framing_and_extras(request: Request, origin: Origin, route: Route) -> List[Tuple[str, str]]:
    """The headers to send: the request's own, `Host`, the body's framing and `Accept-Encoding`."""
    headers: List[Tuple[str, str]] = [("Host", origin.authority)]
    if route.absolute_form:
        headers.extend(route.proxy_headers)
    has_length = has_encoding = chunked = False
    for name, value in request.headers.items():
        lower = name.lower()
        if lower == "content-length":
            has_length = True
        elif lower == "accept-encoding":
            has_encoding = True
        elif lower == "transfer-encoding":
            chunked = True
        elif lower == "host":
            headers[0] = (name, value)
            continue
        headers.append((name, value))
    content = request.content
    if isinstance(content, bytes):
        if not has_length and not chunked and (content or request.method not in ("GET", "HEAD", "OPTIONS", "DELETE")):
            headers.append(("Content-Length", str(len(content))))
    elif not has_length and not chunked:
        headers.append(("Transfer-Encoding", "chunked"))
    if not has_encoding:
        headers.append(_ACCEPT_ENCODING)
    return headers


# h11 checks the target of every `h11.Request` with this expression; the
# target is the one part of a request line that `HeadCache` cannot keep, so
# it is checked here with h11's own expression. Private to h11:
# tests/transports/test_h11_wire_fast_path.py fails if h11 stops having it or
# checks targets differently.
_TARGET = _h11_events.request_target_re

_set = object.__setattr__


class HeadCache:
    """h11's checked `Request` events for requests seen before, less their target.

    `h11.Request(...)` checks and encodes its method and every header (two
    regular expressions per header) and counts its `Host` headers, which was
    about a sixth of the transport's own work per call. Most requests of a
    client have the very same method and headers (its `Authorization`,
    `Accept`, `User-Agent`, `Host`) and only their target differs, so h11
    builds and checks one event per such set (`template`) and each request
    gets a copy of it with its own target, which is checked as h11 checks
    targets. The key is everything `_framing_and_extras` reads. Requests with
    a header unique to them (an idempotency key) miss and are checked as
    usual; the cache stops growing at `LIMIT` entries. Each transport keeps
    its own (`NativeOptions.heads`), so the headers it holds, an API key
    among them, live no longer than the transport.
    """

    __slots__ = ("_known",)

    LIMIT = 64

    def __init__(self) -> None:
        self._known: Dict[Tuple[Any, ...], h11.Request] = {}

    def event(self, request: Request, origin: Origin, route: Route, target: str) -> h11.Request:
        """The `h11.Request` of `request`, as `h11.Request(...)` would build and check it."""
        content = request.content
        key = (
            request.method,
            origin.authority,
            route.proxy_headers if route.absolute_form else None,
            tuple(request.headers.items()),
            len(content) if isinstance(content, bytes) else -1,
        )
        template = self._known.get(key)
        if template is None:
            template = h11.Request(method=request.method, target="/", headers=_framing_and_extras(request, origin, route))
            if len(self._known) < self.LIMIT:
                self._known[key] = template
        encoded = target.encode("ascii")
        if _TARGET.fullmatch(encoded) is None:
            raise h11.LocalProtocolError("Illegal target characters")
        # A copy of the checked template with another (checked) target. h11's
        # events are frozen dataclasses whose `__init__` only checks: setting
        # the four documented fields builds the same event without checking
        # again what h11 checked when it built the template.
        event = object.__new__(h11.Request)
        _set(event, "method", template.method)
        _set(event, "target", encoded)
        _set(event, "headers", template.headers)
        _set(event, "http_version", template.http_version)
        return event



#: h11 never changes an event it sends, so one end of message serves every request.
_END = h11.EndOfMessage()


def _refused(exc: BaseException) -> ValueError:
    """The `ValueError` for a request h11 will not send, without quoting it.

    h11's own message quotes the offending header value, which may be the
    API key: it is neither repeated nor chained.
    """
    text = str(exc)
    if text.startswith("Illegal header"):
        reason = "a header name or value holds a character HTTP/1.1 does not allow (a line break, NUL, or a space or tab at an end)"
    elif "Content-Length" in text:
        reason = "the body does not match its Content-Length"
    else:
        reason = "h11 refused the request line or its framing"
    return ValueError(f"the request cannot be sent as HTTP/1.1: {reason}")


class Exchange:
    """One request and its answer on one connection.

    The I/O side calls `head()` and writes what it returns, writes each chunk
    of `body()` (empty for a bytes body, which `head()` already holds when
    small), then feeds what it reads to `feed()` until that returns true, or
    calls `closed()` when the peer closes. `response()` is the answer;
    `reusable` says whether the connection may carry another request.
    `received` turns true with the first byte of the answer: a failure
    before it, on a connection that had served earlier requests, means the
    server had closed it while it sat in the pool (see `stale`).
    """

    __slots__ = (
        "request",
        "_h11",
        "_heads",
        "_origin",
        "_route",
        "_target",
        "_answer",
        "_parts",
        "_size",
        "_decoder",
        "received",
        "reusable",
        "reused",
    )

    def __init__(
        self, connection: h11.Connection, heads: HeadCache, request: Request, origin: Origin, route: Route, target: str, reused: bool
    ) -> None:
        self.request = request
        self._h11 = connection
        self._heads = heads
        self._origin = origin
        self._route = route
        self._target = target
        self._answer: Optional[h11.Response] = None
        self._parts: List[bytes] = []
        self._size = 0
        self._decoder: Optional[_Decoder] = None
        self.received = False
        self.reusable = False
        self.reused = reused

    # -- sending

    def head(self) -> bytes:
        """The request line and headers, followed by the whole body when it is small bytes."""
        request = self.request
        connection = self._h11
        try:
            head = connection.send(self._heads.event(request, self._origin, self._route, self._target)) or b""
            content = request.content
            if isinstance(content, bytes) and len(content) <= STREAM_THRESHOLD:
                if content:
                    head += connection.send(h11.Data(data=content)) or b""
                return head + (connection.send(_END) or b"")
            return head
        except (h11.LocalProtocolError, UnicodeError) as exc:
            raise _refused(exc) from None

    def body(self) -> Iterable[bytes]:
        """The encoded body after `head()`, chunk by chunk (nothing if `head()` held it).

        A streamed body is iterated as this is, once per attempt, so a file
        is read as it is sent and never held whole.
        """
        content = self.request.content
        if isinstance(content, bytes):
            if len(content) <= STREAM_THRESHOLD:
                return ()
            chunks: Iterable[bytes] = (content[start : start + STREAM_THRESHOLD] for start in range(0, len(content), STREAM_THRESHOLD))
        else:
            chunks = content
        return self._encoded(chunks)

    def _encoded(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        connection = self._h11
        try:
            for chunk in chunks:
                if chunk:
                    data = connection.send(h11.Data(data=chunk))
                    if data:
                        yield data
            end = connection.send(_END)
        except h11.LocalProtocolError as exc:
            raise _refused(exc) from None
        if end:
            yield end

    # -- receiving

    def feed(self, data: bytes) -> bool:
        """Take bytes read from the connection; true once the whole answer is in."""
        if not data:
            return self.closed()
        self.received = True
        connection = self._h11
        connection.receive_data(data)
        return self._events()

    def closed(self) -> bool:
        """The peer closed its side: the end of an HTTP/1.0 body, or an error."""
        self._h11.receive_data(b"")
        return self._events()

    def _events(self) -> bool:
        connection = self._h11
        while True:
            try:
                event: Any = connection.next_event()
            except h11.RemoteProtocolError as exc:
                raise self._broken(exc) from exc
            kind: Any = event.__class__
            if kind is h11.Data:
                self._add(event.data)
            elif kind is h11.Response:
                self._begin(event)
            elif kind is h11.EndOfMessage:
                self._finish()
                return True
            elif event is h11.NEED_DATA:
                return False
            elif kind is not h11.InformationalResponse:
                # ConnectionClosed, or PAUSED (data where none belongs)
                raise self._broken(h11.RemoteProtocolError(f"unexpected {kind.__name__}"))

    def _broken(self, exc: h11.RemoteProtocolError) -> APIConnectionError:
        if exc.error_status_hint == 431:
            message = f"the server's header block is larger than {MAX_HEADER_BYTES} bytes"
        elif self._h11.trailing_data[1]:
            message = "the server closed the connection " + (
                "before the whole answer arrived" if self.received else "without answering"
            )
        else:
            message = f"the answer is not valid HTTP/1.1 ({exc})"
        return APIConnectionError(self.request, f"Connection error: {message}.")

    def _begin(self, answer: h11.Response) -> None:
        self._answer = answer
        limit = self.request.max_response_size
        encoding: Optional[bytes] = None
        # raw_items() is a plain list; iterating h11's header sequence itself
        # goes through one `__getitem__` call per header.
        for raw_name, value in answer.headers.raw_items():
            name = raw_name.lower()
            if name == b"content-encoding":
                encoding = value.strip().lower()
            elif name == b"content-length" and limit is not None and int(value) > limit:
                raise APIResponseTooLargeError(self.request, limit)
        if encoding is not None and encoding in (b"gzip", b"x-gzip", b"deflate"):
            self._decoder = _Decoder(encoding.decode("ascii"))

    def _add(self, data: bytes) -> None:
        limit = self.request.max_response_size
        if self._decoder is not None:
            try:
                data = self._decoder.decode(data, None if limit is None else limit - self._size)
            except zlib.error as exc:
                raise self._undecodable(exc) from exc
        self._size += len(data)
        if limit is not None and self._size > limit:
            raise APIResponseTooLargeError(self.request, limit)
        self._parts.append(data)

    def _undecodable(self, exc: zlib.error) -> APIConnectionError:
        return APIConnectionError(self.request, f"Connection error: the compressed answer cannot be decoded ({exc}).")

    def _finish(self) -> None:
        if self._decoder is not None:
            try:
                self._add_decoded(self._decoder.flush())
            except zlib.error as exc:
                raise self._undecodable(exc) from exc
        connection = self._h11
        if connection.our_state is h11.DONE and connection.their_state is h11.DONE:
            if connection.trailing_data[0]:
                raise APIConnectionError(
                    self.request, "Connection error: the server sent more bytes than its Content-Length announced."
                )
            connection.start_next_cycle()
            self.reusable = True

    def _add_decoded(self, data: bytes) -> None:
        if data:
            self._size += len(data)
            limit = self.request.max_response_size
            if limit is not None and self._size > limit:
                raise APIResponseTooLargeError(self.request, limit)
            self._parts.append(data)

    def response(self) -> Response:
        """The answer, once `feed()` or `closed()` returned true."""
        answer = self._answer
        assert answer is not None
        parts = self._parts
        # h11 hands out bytearrays; the core's answers hold bytes.
        body = bytes(parts[0]) if len(parts) == 1 else b"".join(parts)
        return Response(answer.status_code, _AnswerHeaders(answer), body, self.request)

    @property
    def stale(self) -> bool:
        """Failed on a reused connection before any byte of the answer: worth one more try."""
        return self.reused and not self.received


class _AnswerHeaders(Mapping[str, str]):
    """An answer's headers, decoded into a core `Headers` when first read.

    The core reads no header of a successful answer (it only parses the
    body), so most answers never need their headers decoded; one that is read,
    printed or pickled behaves as the `Headers` it decodes to.
    """

    __slots__ = ("_answer", "_decoded")

    def __init__(self, answer: h11.Response) -> None:
        self._answer = answer
        self._decoded: Optional[Headers] = None

    def _headers(self) -> Headers:
        decoded = self._decoded
        if decoded is None:
            pairs = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in self._answer.headers.raw_items()]
            decoded = self._decoded = Headers(pairs)
        return decoded

    def __getitem__(self, name: str) -> str:
        return self._headers()[name]

    def __contains__(self, name: object) -> bool:
        return name in self._headers()

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers())

    def __len__(self) -> int:
        return len(self._headers())

    def __repr__(self) -> str:
        return repr(self._headers())

    def __reduce__(self) -> Tuple[Any, ...]:
        return self._headers().__reduce__()


class Tunnel:
    """A `CONNECT` through an HTTP proxy, before TLS with the real host.

    `head()` is the request to write; `feed()` takes what the proxy answers
    and is true once its answer's head is in. The tunnel is open when that
    answer is 2xx; otherwise `refusal()` is the error to raise (nothing of
    the real request has been sent, so it says `sent=False`).
    """

    __slots__ = ("request", "_h11", "_route", "status")

    def __init__(self, request: Request, route: Route) -> None:
        self.request = request
        self._h11 = new_connection()
        self._route = route
        self.status = 0

    def head(self) -> bytes:
        """The `CONNECT` request, with the proxy's credentials when it has any."""
        tunnel = self._route.tunnel or ""
        headers = [("Host", tunnel), *self._route.proxy_headers]
        return self._h11.send(h11.Request(method="CONNECT", target=tunnel, headers=headers)) or b""

    def feed(self, data: bytes) -> bool:
        """Take bytes from the proxy; true once its answer's head is in (`b""`: the proxy closed)."""
        self._h11.receive_data(data)
        while True:
            try:
                event: Any = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                message = "the proxy closed the connection" if not data else f"the proxy's answer is not HTTP/1.1 ({exc})"
                raise APIConnectionError(self.request, f"Connection error: {message}.", sent=False) from exc
            if type(event) is h11.Response:
                self.status = event.status_code
                return True
            if event is h11.NEED_DATA:
                return False
            if type(event) is not h11.InformationalResponse:
                raise APIConnectionError(self.request, "Connection error: the proxy closed the connection.", sent=False)

    def refusal(self) -> Optional[APIConnectionError]:
        """The error to raise if the proxy did not open the tunnel, else `None`."""
        if 200 <= self.status < 300:
            return None
        return APIConnectionError(self.request, f"Connection error: the proxy refused the tunnel (status {self.status}).", sent=False)
