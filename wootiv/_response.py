"""The whole HTTP answer of a call: `APIResponse` and `AsyncAPIResponse`.

`client.roles.with_raw_response.retrieve("r1")` gives an `APIResponse[RoleDto]`
instead of the `RoleDto`: the status, headers, timing and body of the answer,
with `parse()` giving exactly what the plain call would have returned. The
call runs the same flow as the plain one (retries, timeouts, errors: a status
that raises on a plain call raises here too); only its last step differs, it
wraps the answer instead of reading it, and the reading is done by `parse()`
when asked for, once.

On `AsyncWootiv` the answer is an `AsyncAPIResponse`, whose `parse()` and
`read()` are awaited, like those of the earlier generated SDK: `await
response.parse()` gives what `await` of the plain call gives (for a list, the
first `AsyncPage`, which `async for` pages through). The body is already read
whole when the call returns, so `.content`, `.text` and `.json()` are plain
attributes and methods on both.
"""

from __future__ import annotations

import datetime
from typing import Any, Callable, Generic, Mapping, Optional
from urllib.parse import urlsplit, urlunsplit

from typing_extensions import TypeVar

from wootiv_core.http import Headers, Request, Response

__all__ = ["APIResponse", "AsyncAPIResponse"]

#: What `parse()` gives; `object` (decoded JSON) for `cast_to=APIResponse`.
R = TypeVar("R", default=object)

_NOT_PARSED: Any = object()


class _ResponseView(Generic[R]):
    """What both kinds of answer show: everything but `parse()` and `read()`."""

    __slots__ = ("_response", "_parse", "_parsed", "_headers")

    def __init__(self, response: Response, parse: Callable[[Response], R]) -> None:
        self._response = response
        self._parse = parse
        self._parsed: R = _NOT_PARSED
        self._headers: Optional[Headers] = None

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer (a 2xx: other statuses raise as on a plain call)."""
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        """The answer's headers, looked up in any case; `repr` masks secret ones."""
        if self._headers is None:
            self._headers = Headers(list(self._response.headers.items()))
        return self._headers

    @property
    def url(self) -> str:
        """The URL the request was sent to."""
        return self._response.request.url

    @property
    def method(self) -> str:
        """The HTTP method of the request."""
        return self._response.request.method

    @property
    def http_request(self) -> Request:
        """The request as it was sent on the attempt that got this answer (its `repr` shows no header)."""
        return self._response.request

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the last attempt to reading its last byte (earlier attempts and waits excluded)."""
        return datetime.timedelta(seconds=self._response.elapsed)

    @property
    def retries_taken(self) -> int:
        """How many attempts failed and were retried before this answer (0: the first one answered)."""
        return self._response.retries_taken

    @property
    def content(self) -> bytes:
        """The body, as bytes."""
        return self._response.content

    @property
    def text(self) -> str:
        """The body as text (the charset of Content-Type, else UTF-8)."""
        return self._response.text

    def json(self) -> Any:
        """The body decoded as JSON, without reading it into a model; `ValueError` if it is not JSON."""
        return self._response.json()

    def _parse_once(self) -> R:
        if self._parsed is _NOT_PARSED:
            self._parsed = self._parse(self._response)
        return self._parsed

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.method} {_without_userinfo(self.url)}>"


class APIResponse(_ResponseView[R]):
    """The whole answer of a call made through `with_raw_response` on `Wootiv`.

    `parse()` gives what the plain call returns: `RoleDto` for
    `roles.with_raw_response.retrieve`, the auto-paginating `SyncPage` for a
    list. An answer that does not have the documented shape raises
    `APIResponseValidationError` from `parse()`, not before, so the status and
    headers of such an answer can still be read.
    """

    __slots__ = ()

    def parse(self) -> R:
        """The call's result, read from the body on the first call and kept."""
        return self._parse_once()

    def read(self) -> bytes:
        """The body, as bytes (the earlier SDK's name for `content`)."""
        return self._response.content


class AsyncAPIResponse(_ResponseView[R]):
    """The whole answer of a call made through `with_raw_response` on `AsyncWootiv`.

    Like `APIResponse`, with `parse()` and `read()` awaited: `await
    response.parse()` gives what awaiting the plain call gives (`RoleDto`, or
    for a list the first `AsyncPage`).
    """

    __slots__ = ()

    async def parse(self) -> R:
        """The call's result, read from the body on the first call and kept."""
        return self._parse_once()

    async def read(self) -> bytes:
        """The body, as bytes (the earlier SDK's name for `content`)."""
        return self._response.content


def _without_userinfo(url: str) -> str:
    """`url` without a `user:password@` part, for a repr that can be logged."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
