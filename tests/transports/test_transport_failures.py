"""Every network failure becomes one of the core's two errors, for every adapter.

Whatever the library raised stays reachable as `__cause__`, and nothing of
httpx, requests, urllib3, aiohttp or asyncio escapes, except cancellation,
which must pass through untouched.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request, Timeout

LIBRARIES = ("httpx", "requests", "urllib3", "aiohttp", "builtins", "exceptiongroup", "h11", "zlib", "ssl", "socket")


async def _failure(driver: Any, transport: Any, request: Request) -> APIConnectionError:
    with pytest.raises(APIConnectionError) as caught:
        await driver.send(transport, request)
    error = caught.value
    # The error keeps a copy safe to show: same method and URL, credentials masked.
    assert (error.request.method, error.request.url) == (request.method, request.url)
    assert error.__cause__ is not None, "the library's exception must be chained"
    assert type(error.__cause__).__module__.split(".")[0] in LIBRARIES
    return error


def _only_connection_error(error: APIConnectionError) -> None:
    assert type(error) is APIConnectionError, f"not a timeout: {error.__cause__!r}"


async def test_a_refused_connection(driver: Any, transport: Any, refused_url: str) -> None:
    error = await _failure(driver, transport, Request("GET", refused_url, {}, b"", Timeout(5.0)))
    _only_connection_error(error)


@pytest.mark.parametrize("route", ["/close", "/truncated", "/garbage", "/badgzip"])
async def test_a_broken_answer(driver: Any, transport: Any, server: Any, route: str) -> None:
    # Dropped without an answer, cut short before Content-Length bytes, not
    # HTTP at all, undecodable: each a connection error, none a hang.
    error = await _failure(driver, transport, Request("POST", server.url(route), {}, b"{}", Timeout(5.0)))
    _only_connection_error(error)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:65536/echo", "http://127.0.0.1:port/echo", "ftp://127.0.0.1/echo", "http:///echo"],
    ids=["port-out-of-range", "port-not-a-number", "bad-scheme", "no-host"],
)
async def test_an_invalid_url_is_refused_and_never_retried(driver: Any, transport: Any, url: str) -> None:
    # A caller's mistake the library found is a ValueError, which the core
    # never retries. httpx takes port 65536 for a port it cannot connect to:
    # that is a connection error which certainly sent nothing.
    secret = "sk-url-test-secret"
    request = Request("GET", url, {"Authorization": f"Bearer {secret}"}, b"", Timeout(5.0))
    with pytest.raises((ValueError, APIConnectionError)) as caught:
        await driver.send(transport, request)
    error = caught.value
    if isinstance(error, APIConnectionError):
        assert url.endswith(":65536/echo") and driver.name.startswith("httpx") and not error.sent
    else:
        assert type(error) is ValueError
    assert secret not in str(error)


async def test_an_unreachable_proxy(driver: Any, refused_url: str, server: Any) -> None:
    proxy = refused_url.rsplit("/", 1)[0]
    transport = driver.make(proxy=proxy)
    try:
        error = await _failure(driver, transport, Request("GET", server.url("/echo"), {}, b"", Timeout(5.0)))
    finally:
        await driver.close(transport)
    _only_connection_error(error)


async def _timed_out(driver: Any, transport: Any, request: Request, limit: float) -> APIConnectionError:
    started = time.monotonic()
    error = await _failure(driver, transport, request)
    elapsed = time.monotonic() - started
    assert isinstance(error, APITimeoutError), f"expected a timeout, got {error.__cause__!r}"
    assert elapsed < limit + 0.75, f"took {elapsed:.2f}s for a {limit}s limit"
    return error


@pytest.mark.parametrize("route", ["/sleep?seconds=2", "/stall-body?seconds=2"], ids=["before-headers", "mid-body"])
@pytest.mark.parametrize(
    "timeout",
    # A read limit as long as the attempt's bound is enforced by that bound
    # alone on some drivers (aiohttp is not given it); it must still hold.
    [Timeout(10.0, read=0.3), Timeout(0.3)],
    ids=["read-shorter-than-the-attempt", "read-equal-to-the-attempt"],
)
async def test_a_read_timeout(driver: Any, transport: Any, server: Any, route: str, timeout: Timeout) -> None:
    request = Request("GET", server.url(route), {}, b"", timeout)
    await _timed_out(driver, transport, request, 0.3)


async def test_a_connect_timeout(driver: Any, transport: Any, unanswered_url: str) -> None:
    request = Request("GET", unanswered_url, {}, b"", Timeout(10.0, connect=0.3))
    await _timed_out(driver, transport, request, 0.3)


async def test_a_timeout_waiting_for_the_pool(pooling_driver: Any, server: Any) -> None:
    driver = pooling_driver
    options = {"max_connections": 1}
    if driver.name.startswith("httpx"):
        options["max_keepalive_connections"] = 1
    transport = driver.make(**options)
    slow = Request("GET", server.url("/sleep?seconds=0.8"), {}, b"", Timeout(10.0))
    waiting = Request("GET", server.url("/echo"), {}, b"", Timeout(10.0, connect=0.1, pool=0.1))
    try:
        if driver.is_async:
            holding = asyncio.ensure_future(transport.send(slow))
            await asyncio.sleep(0.2)
            error = await _timed_out(driver, transport, waiting, 0.4)
            await holding
        else:
            holder = threading.Thread(target=transport.send, args=(slow,))
            holder.start()
            time.sleep(0.2)
            error = await _timed_out(driver, transport, waiting, 0.4)
            holder.join()
    finally:
        await driver.close(transport)
    assert not error.sent, "nothing can have been sent while waiting for a connection"


async def test_cancellation_passes_through_untouched(async_driver: Any, server: Any) -> None:
    driver = async_driver
    transport = driver.make()
    try:
        task = asyncio.ensure_future(transport.send(Request("GET", server.url("/sleep?seconds=3"), {}, b"", Timeout(10.0))))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The adapter is still usable afterwards.
        response = await transport.send(Request("GET", server.url("/echo"), {}, b"", Timeout(10.0)))
        assert response.status_code == 200
    finally:
        await driver.close(transport)

