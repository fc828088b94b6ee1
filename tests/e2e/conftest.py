"""One emulator served for the end-to-end tests, and a client per driver."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Awaitable, Callable, Iterator, List, Set

import pytest

from wootiv import AsyncWootiv, Wootiv
from wootiv.testing import Emulator
from wootiv.testing._server import Server

#: driver -> (async?, http_client option); "in-process" uses the emulator's own transports.
DRIVERS = {
    "httpx": (False, None),
    "requests": (False, "requests"),
    "in-process": (False, "in-process"),
    "httpx-async": (True, None),
    "aiohttp": (True, "aiohttp"),
    "in-process-async": (True, "in-process"),
    "h11": (False, "h11"),
    "h11-async": (True, "h11"),
}


class Api:
    """Runs one async scenario against a client of the chosen driver.

    `await api.call(lambda c: c.roles.retrieve(...))` works for both kinds of
    client: a sync client's result is returned, an async one's awaited.
    """

    def __init__(self, driver: str, server: Server) -> None:
        self.driver = driver
        self.server = server
        self.emulator = server.emulator
        self.is_async, self.http_client = DRIVERS[driver]
        self.client: Any = None

    def make_client(self) -> Any:
        # Conflicts (409) are retried by default; these tests expect some, and
        # retries have tests of their own, so they are switched off here.
        in_process = self.http_client == "in-process"
        if self.is_async:
            if in_process:
                return self.emulator.async_client(max_retries=0)
            return AsyncWootiv(api_key=self.server.api_key, base_url=self.server.url, http_client=self.http_client, max_retries=0)
        if in_process:
            return self.emulator.client(max_retries=0)
        return Wootiv(api_key=self.server.api_key, base_url=self.server.url, http_client=self.http_client, max_retries=0)

    async def call(self, fn: Callable[[Any], Any]) -> Any:
        result = fn(self.client)
        return await result if inspect.isawaitable(result) else result

    async def items(self, fn: Callable[[Any], Any]) -> List[Any]:
        pages = fn(self.client)
        if self.is_async:
            return [item async for item in pages]
        return list(pages)

    def run(self, scenario: Callable[["Api"], Awaitable[None]]) -> None:
        async def main() -> None:
            self.client = self.make_client()
            try:
                await scenario(self)
            finally:
                closing = self.client.close()
                if inspect.isawaitable(closing):
                    await closing

        asyncio.run(main())


@pytest.fixture(scope="session")
def served() -> Iterator[Server]:
    server = Emulator(seed=7).serve("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture(params=list(DRIVERS))
def api(request: pytest.FixtureRequest, served: Server) -> Api:
    served.emulator.reset()
    return Api(request.param, served)


@pytest.fixture
def seen_operations(served: Server, monkeypatch: pytest.MonkeyPatch) -> Set[str]:
    """The operationIds the emulator receives during the test."""
    seen: Set[str] = set()
    emulator = served.emulator
    original = emulator.dispatch

    def spy(method: str, target: str, headers: Any, body: bytes) -> Any:
        operation = emulator.app.route_of(method, target)
        if operation:
            seen.add(operation)
        return original(method, target, headers, body)

    monkeypatch.setattr(emulator, "dispatch", spy)
    return seen
