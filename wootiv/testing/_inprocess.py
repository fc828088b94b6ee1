"""Core transports that hand requests straight to an emulator, with no socket.

They implement `SyncTransport` and `AsyncTransport`, so `Wootiv` and
`AsyncWootiv` run exactly the code they run over the network (building
requests, retries, parsing) without the cost of loopback HTTP. They keep
the transport contract: the emulator sees the target exactly as the core
built it; an answer past `request.max_response_size` is an
`APIResponseTooLargeError`. Injected faults act as they would on a wire,
after the request was read (so `sent=True`, and a write is not retried): a
reset or a cut-short answer is an `APIConnectionError`, and latency past
the request's read limit or its attempt's bound is an `APITimeoutError`
after waiting that limit out.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, List, Optional, Tuple
from urllib.parse import urlsplit

from wootiv_core.errors import APIConnectionError, APIResponseTooLargeError, APITimeoutError
from wootiv_core.http import Headers, Request, Response

from ._faults import Outcome

if TYPE_CHECKING:
    from ._server import EmulatorLike

__all__ = ["EmulatorTransport", "AsyncEmulatorTransport"]


class EmulatorTransport:
    """A `SyncTransport` over an emulator; sleeps for latency faults."""

    def __init__(self, emulator: EmulatorLike) -> None:
        self.emulator = emulator

    def send(self, request: Request) -> Response:
        """Answer `request` from the emulator in this process, with no socket; injected faults become the errors a network would give."""
        outcome = _dispatch(self.emulator, request)
        wait, timed_out = _wait(outcome, request)
        if wait:
            time.sleep(wait)
        return _finish(request, outcome, timed_out)

    def close(self) -> None:
        """Nothing to release: the emulator belongs to whoever made it."""


class AsyncEmulatorTransport:
    """An `AsyncTransport` over an emulator; awaits `asyncio.sleep` for latency faults."""

    def __init__(self, emulator: EmulatorLike) -> None:
        self.emulator = emulator

    async def send(self, request: Request) -> Response:
        """Answer `request` from the emulator in this process, as `EmulatorTransport.send` does, from a running event loop."""
        outcome = _dispatch(self.emulator, request)
        wait, timed_out = _wait(outcome, request)
        if wait:
            await asyncio.sleep(wait)
        return _finish(request, outcome, timed_out)

    async def aclose(self) -> None:
        """Nothing to release: the emulator belongs to whoever made it."""


def _dispatch(emulator: EmulatorLike, request: Request) -> Outcome:
    """Hand the request over as the server would: target, headers with Host, whole body."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers: List[Tuple[str, str]] = list(request.headers.items())
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    content = request.content
    body = bytes(content) if isinstance(content, (bytes, bytearray, memoryview)) else b"".join(content)
    return emulator.dispatch(request.method, target, headers, body)


def _wait(outcome: Outcome, request: Request) -> Tuple[float, bool]:
    """How long to wait, and whether the read limit or the attempt's bound runs out first."""
    limit: Optional[float] = request.timeout.read
    bound = request.timeout.attempt
    if bound is not None and (limit is None or bound < limit):
        limit = bound
    if limit is not None and outcome.delay > limit:
        return limit, True
    return outcome.delay, False


def _finish(request: Request, outcome: Outcome, timed_out: bool) -> Response:
    if timed_out:
        raise APITimeoutError(request)
    if outcome.action == "reset":
        raise APIConnectionError(request, "Connection error: the emulator reset the connection (injected fault).")
    if outcome.action == "truncate":
        raise APIConnectionError(request, "Connection error: the answer ended before its Content-Length (injected fault).")
    limit = request.max_response_size
    if limit is not None and len(outcome.body) > limit:
        raise APIResponseTooLargeError(request, limit)
    return Response(outcome.status, Headers(outcome.headers), outcome.body, request)
