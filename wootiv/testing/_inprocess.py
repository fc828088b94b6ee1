"""Transports that hand requests straight to an `Emulator`, with no socket.

They implement the core's transport protocols, so `Wootiv` and `AsyncWootiv`
run exactly the code they run over the network, retries included. Injected
faults act as they would on a wire: a reset or a truncated body is an
`APIConnectionError`, latency past the read timeout an `APITimeoutError`.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Optional, Tuple
from urllib.parse import urlsplit

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Headers, Request, Response

if TYPE_CHECKING:
    from ._emulator import Emulator, Outcome

__all__ = ["EmulatorTransport", "AsyncEmulatorTransport"]


def _prepare(emulator: "Emulator", request: Request) -> Tuple["Outcome", Optional[float]]:
    parts = urlsplit(request.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    body = request.content if isinstance(request.content, bytes) else b"".join(request.content)
    headers = [("host", parts.netloc), *request.headers.items()]
    outcome = emulator.dispatch(request.method, target, headers, body)
    return outcome, request.timeout.read


def _finish(request: Request, outcome: "Outcome") -> Response:
    if outcome.action == "reset":
        raise APIConnectionError(request, "Connection error: the emulator reset the connection")
    if outcome.action == "truncate":
        raise APIConnectionError(request, "Connection error: the emulator cut the answer short")
    return Response(outcome.status, Headers(outcome.headers), outcome.body, request)


class EmulatorTransport:
    """Sync in-process transport (see the module docstring)."""

    def __init__(self, emulator: "Emulator") -> None:
        self.emulator = emulator

    def send(self, request: Request) -> Response:
        outcome, limit = _prepare(self.emulator, request)
        if outcome.latency:
            if limit is not None and outcome.latency > limit:
                time.sleep(limit)
                raise APITimeoutError(request)
            time.sleep(outcome.latency)
        return _finish(request, outcome)

    def close(self) -> None:
        """Nothing to release."""


class AsyncEmulatorTransport:
    """Async in-process transport (see the module docstring)."""

    def __init__(self, emulator: "Emulator") -> None:
        self.emulator = emulator

    async def send(self, request: Request) -> Response:
        outcome, limit = _prepare(self.emulator, request)
        if outcome.latency:
            if limit is not None and outcome.latency > limit:
                await asyncio.sleep(limit)
                raise APITimeoutError(request)
            await asyncio.sleep(outcome.latency)
        return _finish(request, outcome)

    async def aclose(self) -> None:
        """Nothing to release."""
