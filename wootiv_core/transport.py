"""The one-method interface every transport adapter implements.

A transport turns a core `Request` into bytes on the wire and the answer into
a core `Response`. It knows nothing about Wootiv and changes nothing in the
`Request` (a retry sends the same one again). Its only failures are
`APIConnectionError`, `APITimeoutError` and `APIResponseTooLargeError` (from
`wootiv_core.errors`), with the HTTP library's exception chained as the
cause, and `ValueError`/`TypeError` for a request the library refuses to
send as it stands.

What every transport must do with a `Request`:

* put `url`'s path and query on the wire byte for byte as they are, with no
  re-quoting and no normalising of dot segments;
* enforce each limit of `request.timeout`, `attempt` (the whole attempt) as
  well as `connect`, `read`, `write` and `pool`;
* stop reading once the body passes `request.max_response_size`;
* say in each connection error whether the request may have reached the
  server (`sent`, see `APIConnectionError`).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .http import Request, Response

__all__ = ["SyncTransport", "AsyncTransport"]


@runtime_checkable
class SyncTransport(Protocol):
    """Sends requests one at a time on the calling thread."""

    def send(self, request: Request) -> Response:
        """Send `request`, read the whole answer, and return it."""
        ...

    def close(self) -> None:
        """Release what the transport created (never what it was given)."""
        ...


@runtime_checkable
class AsyncTransport(Protocol):
    """Sends requests from a running event loop."""

    async def send(self, request: Request) -> Response:
        """Send `request`, read the whole answer, and return it."""
        ...

    async def aclose(self) -> None:
        """Release what the transport created (never what it was given)."""
        ...
