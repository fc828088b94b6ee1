"""`Emulator`: the application, its fault rules, and the ways to reach it.

The socket server and the in-process transports both ask `Emulator.dispatch`
what to do with a request, so a fault behaves the same over loopback and
with no socket at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Sequence, Tuple

from ._app import DEFAULT_API_KEY, EmulatorApp
from ._faults import Faults, Outcome

if TYPE_CHECKING:
    from wootiv import AsyncWootiv, Wootiv

    from ._inprocess import AsyncEmulatorTransport, EmulatorTransport
    from ._server import Server

__all__ = ["Emulator", "IN_PROCESS_URL"]

#: The base URL of in-process clients. It is never resolved; the host only
#: fills in the Host header and the links the emulator builds (signed URLs).
IN_PROCESS_URL = "http://wootiv.emulator"


class Emulator:
    """An emulated Wootiv API: serve it over HTTP, or call it in-process.

    `api_key` is the bearer key it accepts; `seed` makes generated ids and
    fault probabilities repeatable; `empty` starts without the demo data.
    `app` is the application (`EmulatorApp`) and `faults` its fault rules.
    """

    def __init__(self, *, api_key: str = DEFAULT_API_KEY, seed: int = 0, empty: bool = False) -> None:
        self._api_key = api_key
        self.app = EmulatorApp(api_key=api_key, seed=seed, empty=empty)
        self.faults = Faults(seed)

    @property
    def api_key(self) -> str:
        """The bearer key the emulator accepts."""
        return self._api_key

    @property
    def outbox(self) -> List[Dict[str, Any]]:
        """What the API would have e-mailed (recovery codes, invitations), oldest first."""
        return self.app.outbox

    def reset(self) -> None:
        """Back to the initial data, with no fault rules."""
        self.app.reset()
        self.faults.clear()

    def dispatch(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Outcome:
        """What to do with one request: the app's answer, or a fault's."""
        return self.faults.apply(self.app, method, target, headers, body)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> "Server":
        """Serve over HTTP; the returned server is started and is a context manager.

        Port 0 picks a free port; `server.url` tells which.
        """
        from ._server import Server

        return Server(self, host, port).start()

    def transport(self) -> "EmulatorTransport":
        """A sync core transport that calls the emulator directly, with no socket."""
        from ._inprocess import EmulatorTransport

        return EmulatorTransport(self)

    def async_transport(self) -> "AsyncEmulatorTransport":
        """An async core transport that calls the emulator directly, with no socket."""
        from ._inprocess import AsyncEmulatorTransport

        return AsyncEmulatorTransport(self)

    def client(self, **options: Any) -> "Wootiv":
        """A `Wootiv` client wired to this emulator in-process; `options` go to `Wootiv`."""
        from wootiv import Wootiv

        return Wootiv(api_key=self.api_key, base_url=IN_PROCESS_URL, http_client=self.transport(), **options)

    def async_client(self, **options: Any) -> "AsyncWootiv":
        """An `AsyncWootiv` client wired to this emulator in-process; `options` go to `AsyncWootiv`."""
        from wootiv import AsyncWootiv

        return AsyncWootiv(api_key=self.api_key, base_url=IN_PROCESS_URL, http_client=self.async_transport(), **options)
