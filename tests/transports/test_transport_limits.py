"""What every adapter promises beyond sending: limits, the `sent` flag, no secrets.

Each test runs once per adapter, on a client the adapter creates and, where
the promise covers it, on a client or session passed in.
"""

from __future__ import annotations

import pickle
import time
import traceback
from typing import Any, AsyncIterator, Optional

import pytest

from wootiv_core.errors import APIConnectionError, APIResponseTooLargeError, APITimeoutError
from wootiv_core.http import Request, Response, Timeout

from .conftest import Driver

SECRET = "sk-live-0123456789abcdef"


async def _library_client(driver: Driver) -> Any:
    """A client of the adapter's library, as a user would pass one in."""
    if driver.name == "httpx":
        import httpx

        return httpx.Client()
    if driver.name == "requests":
        import requests

        return requests.Session()
    if driver.name == "httpx-async":
        import httpx

        return httpx.AsyncClient()
    import aiohttp

    return aiohttp.ClientSession()


async def _close_library_client(client: Any) -> None:
    closing = client.aclose() if hasattr(client, "aclose") else client.close()
    if closing is not None:
        await closing


@pytest.fixture(params=["created", "passed-in"])
async def any_transport(request: pytest.FixtureRequest, driver: Driver) -> AsyncIterator[Any]:
    """The adapter around a client it creates, or around one passed in."""
    if request.param == "created":
        transport = driver.make()
        yield transport
        await driver.close(transport)
        return
    client = await _library_client(driver)
    transport = driver.make(client)
    transport.passed_in = True
    yield transport
    await _close_library_client(client)


def _get(url: str, *, limit: Optional[int] = 1000, timeout: Timeout = Timeout(5.0), method: str = "GET") -> Request:
    return Request(method, url, {"Authorization": f"Bearer {SECRET}"}, b"", timeout, limit)


async def _raises(driver: Driver, transport: Any, request: Request, kind: Any) -> Any:
    with pytest.raises(kind) as caught:
        await driver.send(transport, request)
    return caught.value


@pytest.mark.parametrize("query", ["", "&chunked=1", "&gzip=1", "&gzip=1&chunked=1"], ids=["length", "chunked", "gzip", "gzip-chunked"])
async def test_an_answer_past_the_size_limit_is_refused(driver: Driver, any_transport: Any, server: Any, query: str) -> None:
    error = await _raises(driver, any_transport, _get(server.url(f"/big?size=5000{query}")), APIResponseTooLargeError)
    assert error.limit == 1000 and SECRET not in str(error)
    # The connection was dropped, not left with half an answer: the next call works.
    response: Response = await driver.send(any_transport, _get(server.url(f"/big?size=1000{query}")))
    assert response.content == b"x" * 1000


async def test_no_size_limit_reads_everything(driver: Driver, any_transport: Any, server: Any) -> None:
    response: Response = await driver.send(any_transport, _get(server.url("/big?size=3000000&chunked=1"), limit=None))
    assert len(response.content) == 3_000_000


async def test_a_declared_length_past_the_limit_is_refused_before_reading(driver: Driver, any_transport: Any, server: Any) -> None:
    started = time.monotonic()
    await _raises(driver, any_transport, _get(server.url("/big?size=50000000"), limit=10), APIResponseTooLargeError)
    assert time.monotonic() - started < 1.0  # 50 MB were not read


@pytest.mark.parametrize("part", ["headers", "body"])
async def test_a_trickling_server_is_cut_at_the_attempt_bound(driver: Driver, any_transport: Any, server: Any, part: str) -> None:
    if part == "headers" and getattr(any_transport, "passed_in", False) and not driver.is_async:
        pytest.skip("documented: a sync client passed in bounds trickled headers only per read")
    request = _get(server.url(f"/trickle?part={part}"), timeout=Timeout(10.0, read=5.0, attempt=0.6))
    started = time.monotonic()
    error = await _raises(driver, any_transport, request, APITimeoutError)
    assert time.monotonic() - started < 0.6 + 0.75
    assert error.sent


async def test_a_refused_connection_was_not_sent(driver: Driver, any_transport: Any, refused_url: str) -> None:
    error = await _raises(driver, any_transport, _get(refused_url, method="POST"), APIConnectionError)
    assert not error.sent


async def test_a_connect_timeout_was_not_sent(driver: Driver, any_transport: Any, unanswered_url: str) -> None:
    request = _get(unanswered_url, method="POST", timeout=Timeout(10.0, connect=0.3))
    error = await _raises(driver, any_transport, request, APITimeoutError)
    assert not error.sent


@pytest.mark.parametrize("route", ["/sleep?seconds=2", "/close", "/truncated"])
async def test_a_failure_after_sending_may_have_been_sent(driver: Driver, any_transport: Any, server: Any, route: str) -> None:
    request = _get(server.url(route), method="POST", timeout=Timeout(10.0, read=0.3))
    error = await _raises(driver, any_transport, request, APIConnectionError)
    assert error.sent


def _everything_shown(error: BaseException) -> str:
    """What a traceback, a log line or a pickle of `error` could show."""
    shown = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return shown + repr(error) + repr(pickle.dumps(error.args))


@pytest.mark.parametrize("value", [f"Bearer {SECRET} ", f"Bearer {SECRET}\t", f"Bearer {SECRET}\x00"], ids=["space", "tab", "nul"])
async def test_a_library_refusing_the_key_never_shows_it(driver: Driver, any_transport: Any, server: Any, value: str) -> None:
    # The core refuses such keys before any transport sees them; this is the
    # adapters' own line of defence, whatever their library makes of it.
    # httpx (h11) refuses all three, quoting the header value.
    request = Request("GET", server.url("/echo"), {"Authorization": value}, b"", Timeout(5.0))
    try:
        await driver.send(any_transport, request)
    except (ValueError, APIConnectionError) as exc:
        assert SECRET not in _everything_shown(exc)
        assert SECRET[3:-3] not in _everything_shown(exc)
        if driver.name.startswith("httpx"):
            assert "[redacted]" in str(exc)  # h11 quoted the value; what is left of it is shown
    else:
        assert not driver.name.startswith("httpx")


async def test_a_body_that_breaks_its_content_length_is_no_library_exception(
    driver: Driver, any_transport: Any, server: Any
) -> None:
    # httpx (h11) refuses it; requests recomputes the header; aiohttp sends
    # it as told, so the server waits for bytes that never come.
    request = Request("POST", server.url("/echo"), {"Content-Length": "999"}, b"{}", Timeout(10.0, read=0.5))
    try:
        await driver.send(any_transport, request)
    except ValueError:
        assert driver.name.startswith("httpx")
    except APIConnectionError:
        assert driver.name == "aiohttp"


async def test_url_credentials_never_show(driver: Driver, any_transport: Any, refused_url: str) -> None:
    # aiohttp refuses credentials beside an Authorization header (a ValueError).
    url = refused_url.replace("http://", "http://someone:pw-0123456789@")
    error = await _raises(driver, any_transport, _get(url), (APIConnectionError, ValueError))
    assert "pw-0123456789" not in _everything_shown(error)


async def test_connection_errors_pickle_without_the_library(driver: Driver, any_transport: Any, refused_url: str) -> None:
    error = await _raises(driver, any_transport, _get(refused_url), APIConnectionError)
    # No HTTP library object is needed to rebuild it, and the key stays out.
    data = pickle.dumps(error)
    copy = pickle.loads(data)
    assert type(copy) is type(error) and str(copy) == str(error) and copy.sent == error.sent
    assert SECRET.encode() not in data

