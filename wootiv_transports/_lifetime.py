"""Closing an async HTTP client we own, even when nobody calls `aclose()`.

An async client can only be closed properly from inside its event loop. On
first use the transport arms a `LoopGuard`: a tiny async generator that
holds the client and closes it in its `finally`. The generator is kept in a
module-level registry, so the client is never part of a garbage cycle whose
finalisers would run before it is closed (that is what makes aiohttp warn
about unclosed connectors). It is closed, from inside the loop:

* by `aclose()`;
* soon after the transport is dropped, by a finaliser that schedules it on
  the loop;
* at the latest when the loop shuts down: asyncio closes every live async
  generator then (`asyncio.run` does so before closing the loop).
"""

from __future__ import annotations

import asyncio
import itertools
import weakref
from typing import AsyncGenerator, Awaitable, Callable, Dict, Optional

__all__ = ["LoopGuard"]

_live: Dict[int, AsyncGenerator[None, None]] = {}
_keys = itertools.count()


async def _close_when_finalised(key: int, close: Callable[[], Awaitable[None]]) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        _live.pop(key, None)
        await close()


def _close_soon(loop: asyncio.AbstractEventLoop, key: int) -> None:
    generator = _live.get(key)
    if generator is not None and not loop.is_closed():
        loop.call_soon_threadsafe(lambda: loop.create_task(generator.aclose()))


class LoopGuard:
    """Runs `close` once: on `aclose()`, after its owner is dropped, or at loop shutdown."""

    def __init__(self) -> None:
        self._key: Optional[int] = None

    async def arm(self, close: Callable[[], Awaitable[None]]) -> None:
        """Start guarding (call from inside the running loop, once)."""
        key = next(_keys)
        generator = _close_when_finalised(key, close)
        await generator.__anext__()
        _live[key] = generator
        self._key = key
        weakref.finalize(self, _close_soon, asyncio.get_running_loop(), key)

    async def aclose(self) -> None:
        """Close now, if armed and not yet closed."""
        key, self._key = self._key, None
        generator = _live.get(key) if key is not None else None
        if generator is not None:
            await generator.aclose()
