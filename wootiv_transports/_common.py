"""What the adapters share: the timeout cache, error messages, and closing
owned async clients when nobody else does.

This module imports no HTTP library, so that each adapter still loads only
its own.

Why closing needs help in async code: a client the SDK creates must not
leak sockets or warnings even when the user never calls `aclose()`. A sync
client can simply be closed by a `weakref.finalize` callback. An async
client cannot: its close is a coroutine, and a finaliser runs at an
arbitrary point (often while the loop is shutting down) where a task
scheduled to run that coroutine may never get to finish. Two mechanisms
cover the two ways an owned async client gets forgotten:

* The adapter is dropped while its loop is still alive: its finaliser
  starts closing the client's connections synchronously (each adapter knows
  how for its library), so the sockets go away with the loop's next
  iteration, and no awaiting is needed.
* The adapter outlives its loop (a module-level client used under
  `asyncio.run`): a `ShutdownGuard` closes the client properly while the
  loop shuts down.
"""

from __future__ import annotations

import asyncio
import weakref
from types import AsyncGeneratorType
from typing import Any, AsyncIterator, Awaitable, Callable, Coroutine, Dict, Generic, List, Optional, Tuple, TypeVar, cast

from wootiv_core.http import Timeout

__all__ = [
    "TimeoutCache",
    "ShutdownGuard",
    "DroppedClientCloser",
    "call_on_loop",
    "run_until_suspended",
    "running_loop",
    "closed_session_message",
    "wrong_client_message",
    "is_exception_group",
    "CLOSED_TRANSPORT",
]

T = TypeVar("T")

#: The error for a send after the adapter's own client was closed.
CLOSED_TRANSPORT = "this client has been closed (close() or the end of its with block); create a new one"


def closed_session_message(what: str) -> str:
    """The error for a send through a client/session that the user passed in closed."""
    return (
        f"the {what} passed in is closed, so nothing can be sent through it; pass an open one, "
        "or pass none and let the SDK create (and close) its own"
    )


_ADVICE = {
    "httpx.Client": "for an httpx.Client use Wootiv / HttpxTransport",
    "httpx.AsyncClient": "for an httpx.AsyncClient use AsyncWootiv / AsyncHttpxTransport",
    "requests.Session": "for a requests.Session use Wootiv / RequestsTransport",
    "aiohttp.ClientSession": "for an aiohttp.ClientSession use AsyncWootiv / AiohttpTransport",
}


def wrong_client_message(adapter: str, wanted: str, got: object) -> str:
    """The `TypeError` message for a client of the wrong kind, saying what fits it."""
    kind = type(got)
    name = f"{kind.__module__.split('.')[0]}.{kind.__name__}"
    hint = _ADVICE.get(name)
    return f"{adapter} needs {wanted}, got {name}" + (f"; {hint}" if hint else "")


def is_exception_group(exc: BaseException) -> bool:
    """Whether `exc` is an `ExceptionGroup`, built in or from the backport (Python < 3.11)."""
    return any(kind.__name__ == "BaseExceptionGroup" for kind in type(exc).__mro__)


class TimeoutCache(Generic[T]):
    """Converts core `Timeout`s to a library's form, remembering the result.

    Nearly every call carries the same `Timeout` object (the client's), so
    an identity check on the last one answers almost always; a small dict
    keyed by value catches the rest without growing without bound. The last
    pair is stored as one tuple so that threads sharing a sync adapter never
    see the key of one and the value of another.
    """

    __slots__ = ("_convert", "_last", "_by_value")

    _LIMIT = 64

    def __init__(self, convert: Callable[[Timeout], T]) -> None:
        self._convert = convert
        self._last: Optional[Tuple[Timeout, T]] = None
        self._by_value: Dict[Timeout, T] = {}

    def __call__(self, timeout: Timeout) -> T:
        last = self._last
        if last is not None and last[0] is timeout:
            return last[1]
        converted = self._by_value.get(timeout)
        if converted is None:
            converted = self._convert(timeout)
            if len(self._by_value) < self._LIMIT:
                self._by_value[timeout] = converted
        self._last = (timeout, converted)
        return converted


def run_until_suspended(step: Coroutine[Any, Any, Any]) -> None:
    """Run a coroutine without an event loop until it first suspends, then drop it.

    Used for the synchronous part of a library's close (its first step closes
    the socket's transport; what follows only waits) and to start or finish
    the guard's generator, which never suspends. It must only be given
    coroutines whose first step needs no running task.
    """
    try:
        step.send(None)
    except StopIteration:
        return
    step.close()


def running_loop() -> Optional[asyncio.AbstractEventLoop]:
    """The asyncio loop running on this thread, if any."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def call_on_loop(loop: asyncio.AbstractEventLoop, fn: Callable[[], None]) -> None:
    """Call `fn` on `loop`'s thread: now if this is that thread, else soon.

    For finalisers, which may run on any thread: asyncio transports may only
    be closed from their loop's thread. Does nothing once the loop is closed,
    and never raises (an exception in a finaliser is only printed).
    """
    if loop.is_closed():
        return
    try:
        if running_loop() is loop:
            fn()
        else:
            loop.call_soon_threadsafe(fn)
    except Exception:  # a finaliser has no caller to report to
        pass


async def _close_at_shutdown(pending: List[Callable[[], Awaitable[None]]]) -> AsyncIterator[None]:
    try:
        yield
    finally:
        if pending:
            await pending.pop()()


class ShutdownGuard:
    """Awaits an owned client's close when the event loop it runs on shuts down.

    `asyncio.run`, `asyncio.Runner` and the runners built on them (such as
    pytest-asyncio's) all end by awaiting `loop.shutdown_asyncgens()`, which
    closes every async generator that is still suspended, while the loop
    still runs and without cancelling anything. The guard is such a
    generator, suspended at its only `yield` and holding the close coroutine
    function; it must be made inside the running loop (so that the loop's
    first-iteration hook registers it). `disarm()` finishes it at once
    without awaiting anything: the adapter calls it when it closes the
    client itself, or when its finaliser has already dealt with the sockets.

    A loop closed without `shutdown_asyncgens()` (one driven by hand) never
    runs the guard; such code must call `aclose()` itself.

    The generator holds a one-item list, not the guard, so no reference cycle
    keeps either alive.
    """

    __slots__ = ("_pending", "_generator")

    def __init__(self, aclose: Callable[[], Awaitable[None]]) -> None:
        self._pending: List[Callable[[], Awaitable[None]]] = [aclose]
        self._generator = cast("AsyncGeneratorType[None, None]", _close_at_shutdown(self._pending))
        run_until_suspended(self._generator.__anext__())

    def disarm(self) -> None:
        self._pending.clear()
        # While the loop's shutdown is running the generator, it is already
        # doing the close; otherwise finishing it runs an empty `finally`.
        if not self._generator.ag_running:
            run_until_suspended(self._generator.aclose())


class DroppedClientCloser:
    """Closes an owned async client if its adapter is dropped without `aclose()`.

    It pairs the two mechanisms described in the module docstring: a
    finaliser on the adapter, and a `ShutdownGuard` for the loop's shutdown.
    `stop()` undoes both once the adapter has closed the client itself.
    """

    def __init__(self) -> None:
        self._guard: Optional[ShutdownGuard] = None
        self._finalizer: Optional["weakref.finalize[..., Any]"] = None

    def watch(self, adapter: object, aclose: Callable[[], Awaitable[None]], release: Callable[..., Any], *args: Any) -> None:
        """Arm for `adapter`: `release(*args, guard)` runs if the adapter is collected."""
        guard = ShutdownGuard(aclose)
        self._guard = guard
        self._finalizer = weakref.finalize(adapter, release, *args, guard)

    def stop(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if self._guard is not None:
            self._guard.disarm()
            self._guard = None
