"""Fixtures for the driver contract: one scripted server, every driver.

`Harness.run(fn)` makes a client for the driver under test, calls `fn` with
it, awaits the result when the driver is async, and closes the client; the
tests are therefore written once and hold for every driver.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Callable, Iterator, List, Union

import pytest

from wootiv import AsyncWootiv, Wootiv

from .scripted_server import ScriptedServer

API_KEY = "sk-contract-secret-0123456789"

#: driver name -> (async?, http_client option)
DRIVERS = {
    "httpx": (False, None),
    "requests": (False, "requests"),
    "httpx-async": (True, None),
    "aiohttp": (True, "aiohttp"),
}


class Harness:
    def __init__(self, driver: str, server: ScriptedServer) -> None:
        self.driver = driver
        self.server = server
        self.is_async, self.http_client = DRIVERS[driver]

    def _options(self, options: Any) -> Any:
        return {"api_key": API_KEY, "base_url": self.server.url, "http_client": self.http_client, **options}

    def run(self, fn: Callable[[Any], Any], **options: Any) -> Any:
        """`fn(client)` on a fresh client of this driver; its result, awaited if need be."""
        if not self.is_async:
            with Wootiv(**self._options(options)) as client:
                return fn(client)

        async def main() -> Any:
            async with AsyncWootiv(**self._options(options)) as client:
                result = fn(client)
                return await result if inspect.isawaitable(result) else result

        return asyncio.run(main())

    def sequence(self, *steps: Union[float, Callable[[Any], Any]], **options: Any) -> List[Any]:
        """Each step on one client, in order: a call `fn(client)`, or a pause of that many seconds."""
        if not self.is_async:
            with Wootiv(**self._options(options)) as client:
                return [time.sleep(step) if isinstance(step, (int, float)) else step(client) for step in steps]

        async def main() -> List[Any]:
            results: List[Any] = []
            async with AsyncWootiv(**self._options(options)) as client:
                for step in steps:
                    if isinstance(step, (int, float)):
                        results.append(await asyncio.sleep(step))
                    else:
                        result = step(client)
                        results.append(await result if inspect.isawaitable(result) else result)
            return results

        return asyncio.run(main())

    def items(self, fn: Callable[[Any], Any], **options: Any) -> List[Any]:
        """Every item of the paginated list `fn(client)` returns."""
        if not self.is_async:
            with Wootiv(**self._options(options)) as client:
                return list(fn(client))

        async def main() -> List[Any]:
            async with AsyncWootiv(**self._options(options)) as client:
                return [item async for item in fn(client)]

        return asyncio.run(main())


@pytest.fixture(scope="session")
def scripted_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture(params=list(DRIVERS))
def harness(request: pytest.FixtureRequest, scripted_server: ScriptedServer) -> Harness:
    scripted_server.reset()
    return Harness(request.param, scripted_server)
