"""pytest fixtures for testing code that uses the Wootiv SDK.

Registered automatically when `wootiv` is installed:

* `wootiv_emulator` (session scope): an emulator served on a free
  127.0.0.1 port; `.url`, `.api_key`, `.emulator` (faults, outbox).
* `wootiv_client` / `wootiv_async_client`: clients pointed at it, with
  the emulator's data and faults reset before each test.

The emulator is imported only when a test asks for one of these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, AsyncIterator, Iterator

import pytest

if TYPE_CHECKING:
    from wootiv import AsyncWootiv, Wootiv

    from ._server import Server


@pytest.fixture(scope="session")
def wootiv_emulator() -> "Iterator[Server]":
    """A Wootiv emulator served over HTTP for the whole test session."""
    from ._emulator import Emulator

    server = Emulator().serve("127.0.0.1", 0)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def wootiv_client(wootiv_emulator: "Server") -> "Iterator[Wootiv]":
    """A `Wootiv` client on the session's emulator, reset to the demo data."""
    from wootiv import Wootiv

    wootiv_emulator.emulator.reset()
    with Wootiv(api_key=wootiv_emulator.api_key, base_url=wootiv_emulator.url) as client:
        yield client


@pytest.fixture
async def wootiv_async_client(wootiv_emulator: "Server") -> "AsyncIterator[AsyncWootiv]":
    """An `AsyncWootiv` client on the session's emulator, reset to the demo data."""
    from wootiv import AsyncWootiv

    wootiv_emulator.emulator.reset()
    async with AsyncWootiv(api_key=wootiv_emulator.api_key, base_url=wootiv_emulator.url) as client:
        yield client
