"""`Emulator`: the application, its fault rules, and the ways to reach it.

Both the socket server and the in-process transports ask `Emulator.dispatch`
what to do with a request, so a fault behaves the same whether a test runs
over loopback or with no socket at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional, Sequence, Tuple

import attrs

from ._app import DEFAULT_API_KEY, EmulatorApp, error_answer
from ._faults import Faults

if TYPE_CHECKING:
    from wootiv import AsyncWootiv, Wootiv

    from ._inprocess import AsyncEmulatorTransport, EmulatorTransport
    from ._server import Server

__all__ = ["Emulator", "Outcome"]

IN_PROCESS_URL = "http://wootiv.emulator"


@attrs.frozen
class Outcome:
    """What to do with one request: wait `latency` seconds, then answer, reset or truncate."""

    latency: float
    action: str  # "answer" | "reset" | "truncate"
    status: int = 200
    headers: Tuple[Tuple[str, str], ...] = ()
    body: bytes = b""


class Emulator:
    """An emulated Wootiv API: serve it over HTTP, or call it in-process.

    `api_key` is the bearer key it accepts; `seed` makes ids and fault
    probabilities repeatable; `empty` skips the demo dataset.
    """

    def __init__(self, *, api_key: str = DEFAULT_API_KEY, seed: int = 0, empty: bool = False, faults: Optional[str] = None) -> None:
        self.app = EmulatorApp(api_key=api_key, seed=seed, empty=empty)
        self.faults = Faults(seed)
        if faults:
            self.faults.load(faults)

    @property
    def api_key(self) -> str:
        return self.app.api_key

    @property
    def outbox(self) -> List[Any]:
        """Codes the API would have e-mailed (password resets, invitations), newest last."""
        return self.app.state.outbox

    def reset(self) -> None:
        """Initial data again, and no fault rules."""
        self.app.reset()
        self.faults.clear()

    def dispatch(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Outcome:
        matched = self.app.match(method.upper(), target.partition("?")[0])
        route = matched[0] if matched else None
        fault = self.faults.pick(route.operation_id if route else None, method.upper(), route.template if route else None)
        latency = fault.latency if fault else 0.0
        if fault is not None and fault.reset:
            return Outcome(latency, "reset")
        if fault is not None and fault.status is not None:
            status, answer_headers, payload = error_answer(fault.status, "Injected fault")
            extra = tuple(fault.headers().items())
            return Outcome(latency, "answer", status, tuple(answer_headers) + extra, payload)
        status, answer_headers, payload = self.app.handle(method, target, headers, body)
        action = "truncate" if fault is not None and fault.truncate else "answer"
        return Outcome(latency, action, status, tuple(answer_headers), payload)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> "Server":
        """Start serving over HTTP; the returned server is a context manager (`.url`, `.stop()`)."""
        from ._server import Server

        server = Server(self, host, port)
        server.start()
        return server

    def transport(self) -> "EmulatorTransport":
        """A sync transport that calls the emulator directly, without sockets."""
        from ._inprocess import EmulatorTransport

        return EmulatorTransport(self)

    def async_transport(self) -> "AsyncEmulatorTransport":
        """An async transport that calls the emulator directly, without sockets."""
        from ._inprocess import AsyncEmulatorTransport

        return AsyncEmulatorTransport(self)

    def client(self, **options: Any) -> "Wootiv":
        """A `Wootiv` client wired to this emulator in-process."""
        from wootiv import Wootiv

        return Wootiv(api_key=self.api_key, base_url=IN_PROCESS_URL, http_client=self.transport(), **options)

    def async_client(self, **options: Any) -> "AsyncWootiv":
        """An `AsyncWootiv` client wired to this emulator in-process."""
        from wootiv import AsyncWootiv

        return AsyncWootiv(api_key=self.api_key, base_url=IN_PROCESS_URL, http_client=self.async_transport(), **options)
