"""HTTP values that cross the line between the core and a transport.

The core never touches a socket. It describes what to send as a `Request` and
reads what came back from a `Response`; a transport adapter does the sending.
Both are plain values that compare with `==`. Nothing changes them once built:
a retry sends the very same `Request` again, so transports treat both as
read-only. They are not frozen classes, because building a frozen attrs object
costs three times as much, which measured about 4% of the SDK's throughput over
aiohttp at 32 concurrent calls (see docs/performance.md).
"""

from __future__ import annotations

import codecs
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union, cast

import attrs

from .json_decoding import loads

__all__ = [
    "Headers",
    "Request",
    "Response",
    "Timeout",
    "Body",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "SENSITIVE_HEADERS",
    "MASK",
    "is_sensitive_header",
]

#: Headers whose values are credentials: never shown by a `repr`, and masked
#: on the copies an error keeps. Any header whose name contains `token`,
#: `secret` or `password` counts as one too (`is_sensitive_header`).
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "apikey",
        "x-auth",
    }
)

#: What is shown in place of a credential.
MASK = "<redacted>"


def is_sensitive_header(name: str) -> bool:
    """Whether the value of header `name` is a credential (see `SENSITIVE_HEADERS`)."""
    lowered = name.lower()
    return lowered in SENSITIVE_HEADERS or any(word in lowered for word in ("token", "secret", "password"))


class Headers(Mapping[str, str]):
    """A case-insensitive, read-only header mapping.

    Transports hand the core their own header objects (httpx, requests and
    aiohttp all have case-insensitive ones); this class is for the places that
    build headers from scratch, such as the in-process emulator and tests,
    and for the copies an error keeps (which must hold no object of an HTTP
    library). Its `repr` masks credentials (`is_sensitive_header`).
    """

    __slots__ = ("_items",)

    def __init__(self, items: Union[Mapping[str, str], Iterable[Tuple[str, str]], None] = None) -> None:
        pairs: Iterable[Tuple[str, str]]
        # A list first: transports pass lists, and the `Mapping` check alone
        # would cost a fifth of building the headers.
        if type(items) is list:
            pairs = cast("List[Tuple[str, str]]", items)
        elif items is None:
            pairs = ()
        elif isinstance(items, Mapping):
            pairs = cast("Mapping[str, str]", items).items()
        else:
            pairs = items
        self._items: Dict[str, Tuple[str, str]] = {name.lower(): (name, value) for name, value in pairs}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        # Credentials are masked: a repr ends up in logs and tracebacks.
        shown = {name: MASK if is_sensitive_header(name) else value for name, value in self._items.values()}
        return f"Headers({shown!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (Headers, (list(self._items.values()),))


@attrs.frozen
class Timeout:
    """Transport-neutral timeouts, in seconds; `None` means no limit.

    `connect` bounds opening a connection, `read` each wait for data, `write`
    each send, `pool` the wait for a free pooled connection. `attempt` bounds
    the whole attempt, from the moment the transport starts it (waiting for a
    connection included) to the last byte of the answer: a server that
    trickles a byte a second is cut off there, although no single read ever
    waits long. A transport maps these onto its own library and must enforce
    every one of them; the defaults match the earlier SDK (60 s, of which 5 s
    to connect), and a plain number of seconds sets all five.

    The call's `deadline` is not here: the retry machine holds it and gives
    each attempt a `Timeout` cut down to what remains (`within`).
    """

    timeout: Optional[float] = 60.0
    connect: Optional[float] = attrs.field(default=attrs.Factory(lambda self: self.timeout, takes_self=True))
    read: Optional[float] = attrs.field(default=attrs.Factory(lambda self: self.timeout, takes_self=True))
    write: Optional[float] = attrs.field(default=attrs.Factory(lambda self: self.timeout, takes_self=True))
    pool: Optional[float] = attrs.field(default=attrs.Factory(lambda self: self.timeout, takes_self=True))
    attempt: Optional[float] = attrs.field(default=attrs.Factory(lambda self: self.timeout, takes_self=True))

    def within(self, seconds: float) -> "Timeout":
        """This timeout with no limit longer than `seconds` (what a deadline leaves)."""

        def cut(limit: Optional[float]) -> float:
            return seconds if limit is None or limit > seconds else limit

        return Timeout(
            self.timeout,
            connect=cut(self.connect),
            read=cut(self.read),
            write=cut(self.write),
            pool=cut(self.pool),
            attempt=cut(self.attempt),
        )

    @classmethod
    def coerce(cls, value: object) -> "Timeout":
        """A `Timeout` from what a user may pass as `timeout=`.

        Accepted: a number of seconds (every limit), `None` (no limits), a
        `Timeout`, or any object with `connect`/`read`/`write`/`pool`
        attributes such as `httpx.Timeout` (which has no bound on the whole
        attempt, so none is set).
        """
        if isinstance(value, Timeout):
            return value
        if value is None:
            return cls(None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value <= 0:
                raise ValueError(f"timeout must be positive, got {value}")
            return cls(float(value))
        parts = [getattr(value, name, _MISSING) for name in ("connect", "read", "write", "pool")]
        if _MISSING in parts or not all(part is None or isinstance(part, (int, float)) for part in parts):
            raise TypeError(
                f"timeout must be seconds, None, wootiv.Timeout or httpx.Timeout, got {type(value).__name__}"
            )
        connect, read, write, pool = (None if part is None else float(part) for part in parts)  # pyright: ignore
        return cls(read, connect=connect, read=read, write=write, pool=pool, attempt=None)


_MISSING = object()

DEFAULT_TIMEOUT = Timeout(60.0, connect=5.0)

#: The largest answer a transport reads before giving up with
#: `APIResponseTooLargeError` (the client option `max_response_size`).
DEFAULT_MAX_RESPONSE_SIZE = 32 * 1024 * 1024

#: A request body: bytes, or a re-iterable source of byte chunks (a streamed
#: upload). A re-iterable is iterated once per attempt, so a retried upload
#: sends the same bytes again.
Body = Union[bytes, Iterable[bytes]]


@attrs.define
class Request:
    """One HTTP request, fully built: nothing about it is decided later.

    `max_response_size` is the most bytes of answer body the transport may
    read (after decoding any content encoding); past it the transport raises
    `APIResponseTooLargeError` and drops the connection. `None`: no limit.
    """

    method: str
    url: str
    headers: Mapping[str, str] = attrs.field(factory=dict[str, str])
    content: Body = b""
    timeout: Timeout = DEFAULT_TIMEOUT
    max_response_size: Optional[int] = DEFAULT_MAX_RESPONSE_SIZE

    def __repr__(self) -> str:
        # Headers hold the API key; a request's repr must never show them.
        return f"<Request {self.method} {self.url}>"


@attrs.define
class Response:
    """One HTTP response, read whole.

    `headers` may be any case-insensitive mapping; the core only calls `.get`
    on it with lower-case names. A transport fills the first four fields;
    the retry machine fills `elapsed` (seconds from sending to the last byte
    of this attempt) and `retries_taken` (attempts before this one) before
    anything reads the response.
    """

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    request: Request
    elapsed: float = 0.0
    retries_taken: int = 0

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status_code < 300

    @property
    def url(self) -> str:
        """The URL the request was sent to (an error's answer says where it came from)."""
        return self.request.url

    @property
    def method(self) -> str:
        """The method of the request this answers."""
        return self.request.method

    @property
    def text(self) -> str:
        """The body as text, decoded like httpx does.

        The `charset` of the Content-Type header is used when it names a codec
        Python knows, UTF-8 otherwise; bytes that do not decode are replaced
        rather than raised, because this is for reading an answer, not
        validating it.
        """
        return self.content.decode(_charset(self.header("content-type")), errors="replace")

    def json(self) -> Any:
        """The body decoded as JSON; `ValueError` if it is not JSON."""
        return loads(self.content)

    def header(self, name: str) -> Optional[str]:
        """The value of header `name`, or `None` (`headers` is case-insensitive)."""
        value: Any = self.headers.get(name)
        return value if value is None else str(value)

    def __repr__(self) -> str:
        return f"<Response {self.status_code} for {self.request.method} {self.request.url}>"


def _charset(content_type: Optional[str]) -> str:
    """The codec named by a Content-Type's `charset` parameter, else UTF-8."""
    if content_type:
        for parameter in content_type.split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset":
                charset = value.strip().strip('"')
                try:
                    return codecs.lookup(charset).name
                except LookupError:
                    break
    return "utf-8"
