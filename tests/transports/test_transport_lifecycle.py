"""Whose client is whose: what the adapters use, close, refuse and clean up.

A client or session passed in is used exactly as configured and never
closed; one an adapter creates is closed by `close()`/`aclose()`, and when
the adapter is dropped unclosed it is cleaned up without a single warning,
whether that happens while its loop runs, as the loop ends, or after.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List

import aiohttp
import httpx
import pytest
import requests
import requests.adapters

from wootiv_core.http import Request, Response, Timeout
from wootiv_transports import AiohttpTransport, AsyncHttpxTransport, HttpxTransport, RequestsTransport

TIMEOUT = Timeout(10.0)
ROOT = Path(__file__).resolve().parents[2]


def _echo(response: Response) -> Dict[str, Any]:
    return json.loads(response.content)


def _header(report: Dict[str, Any], name: str) -> List[str]:
    return [value for key, value in report["headers"] if key.lower() == name.lower()]


def _pooled(session: requests.Session) -> bool:
    """Whether the session holds any connection pool (closing empties them)."""
    adapter = session.get_adapter("http://")
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
    return bool(adapter.poolmanager.pools)


# -- a client passed in ---------------------------------------------------------


def test_an_httpx_client_passed_in_is_used_as_configured_and_left_open(server: Any) -> None:
    seen: List[str] = []

    def remember(request: httpx.Request) -> None:
        seen.append(str(request.url))

    with httpx.Client(headers={"X-From-Session": "httpx"}, event_hooks={"request": [remember]}) as client:
        transport = HttpxTransport(client)
        report = _echo(transport.send(Request("GET", server.url("/echo/1"), {}, b"", TIMEOUT)))
        transport.close()
        del transport
        gc.collect()

        assert not client.is_closed
        assert seen == [server.url("/echo/1")]
        assert _header(report, "x-from-session") == ["httpx"]
        assert client.get(server.url("/echo")).status_code == 200


async def test_an_httpx_async_client_passed_in_is_used_as_configured_and_left_open(server: Any) -> None:
    handled: List[str] = []

    class Counting(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            handled.append(str(request.url))
            return await self.inner.handle_async_request(request)

        async def aclose(self) -> None:
            await self.inner.aclose()

    async with httpx.AsyncClient(headers={"X-From-Session": "httpx-async"}, mounts={"http://127.0.0.1": Counting()}) as client:
        transport = AsyncHttpxTransport(client)
        report = _echo(await transport.send(Request("GET", server.url("/echo/1"), {}, b"", TIMEOUT)))
        await transport.aclose()

        assert not client.is_closed
        assert handled == [server.url("/echo/1")]
        assert _header(report, "x-from-session") == ["httpx-async"]
        assert (await client.get(server.url("/echo"))).status_code == 200


def test_a_requests_session_passed_in_is_used_as_configured_and_left_open(server: Any) -> None:
    sent: List[str] = []

    class Counting(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            sent.append(request.url)
            return super().send(request, *args, **kwargs)

    with requests.Session() as session:
        session.mount("http://", Counting())
        session.headers["X-From-Session"] = "requests"
        transport = RequestsTransport(session)
        report = _echo(transport.send(Request("GET", server.url("/echo/1"), {}, b"", TIMEOUT)))
        transport.close()
        del transport
        gc.collect()

        assert sent == [server.url("/echo/1")]
        assert _header(report, "x-from-session") == ["requests"]
        # Still pooled: the adapter closed nothing.
        assert _pooled(session)
        assert session.get(server.url("/echo")).status_code == 200


async def test_an_aiohttp_session_passed_in_is_used_as_configured_and_left_open(server: Any) -> None:
    traced: List[str] = []

    async def on_request_start(session: Any, context: Any, params: Any) -> None:
        traced.append(str(params.url))

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    async with aiohttp.ClientSession(headers={"X-From-Session": "aiohttp"}, trace_configs=[trace]) as session:
        transport = AiohttpTransport(session)
        report = _echo(await transport.send(Request("GET", server.url("/echo/1"), {}, b"", TIMEOUT)))
        await transport.aclose()
        del transport
        gc.collect()

        assert not session.closed
        assert traced == [server.url("/echo/1")]
        assert _header(report, "x-from-session") == ["aiohttp"]
        async with session.get(server.url("/echo")) as answer:
            assert answer.status == 200


async def test_options_for_a_created_client_are_refused_with_a_client_passed_in() -> None:
    with httpx.Client() as client:
        with pytest.raises(ValueError, match="configure that client"):
            HttpxTransport(client, proxy="http://127.0.0.1:1")
    async with httpx.AsyncClient() as async_client:
        with pytest.raises(ValueError, match="configure that client"):
            AsyncHttpxTransport(async_client, mounts={"all://": None})
    with requests.Session() as session:
        with pytest.raises(ValueError, match="proxies"):
            RequestsTransport(session, proxy="http://127.0.0.1:1")
    async with aiohttp.ClientSession() as aiohttp_session:
        with pytest.raises(ValueError, match="proxy"):
            AiohttpTransport(aiohttp_session, proxy="http://127.0.0.1:1")


# -- the wrong kind, or closed ----------------------------------------------------


async def test_a_client_of_the_wrong_kind_is_refused_with_advice() -> None:
    async with httpx.AsyncClient() as async_client, aiohttp.ClientSession() as aiohttp_session:
        with httpx.Client() as client, requests.Session() as session:
            cases: List[Any] = [
                (HttpxTransport, async_client, "HttpxTransport needs an httpx.Client, got httpx.AsyncClient; "
                 "for an httpx.AsyncClient use AsyncWootiv / AsyncHttpxTransport"),
                (AsyncHttpxTransport, client, "for an httpx.Client use Wootiv / HttpxTransport"),
                (RequestsTransport, aiohttp_session, "RequestsTransport needs a requests.Session, got "
                 "aiohttp.ClientSession; for an aiohttp.ClientSession use AsyncWootiv / AiohttpTransport"),
                (AiohttpTransport, session, "AiohttpTransport needs an aiohttp.ClientSession, got "
                 "requests.Session; for a requests.Session use Wootiv / RequestsTransport"),
                (HttpxTransport, session, "for a requests.Session use Wootiv / RequestsTransport"),
                (AiohttpTransport, async_client, "for an httpx.AsyncClient use AsyncWootiv / AsyncHttpxTransport"),
                (RequestsTransport, "https://api.wootiv.com", "RequestsTransport needs a requests.Session, got builtins.str"),
            ]
            for adapter, wrong, message in cases:
                with pytest.raises(TypeError) as caught:
                    adapter(wrong)
                assert message in str(caught.value)


async def test_a_closed_client_passed_in_fails_clearly_on_the_first_send(server: Any) -> None:
    request = Request("GET", server.url("/echo"), {}, b"", TIMEOUT)
    client = httpx.Client()
    client.close()
    with pytest.raises(RuntimeError, match=r"httpx.Client passed in is closed.*pass an open one, or pass none"):
        HttpxTransport(client).send(request)

    async_client = httpx.AsyncClient()
    await async_client.aclose()
    with pytest.raises(RuntimeError, match=r"httpx.AsyncClient passed in is closed.*pass an open one"):
        await AsyncHttpxTransport(async_client).send(request)

    session = aiohttp.ClientSession()
    await session.close()
    with pytest.raises(RuntimeError, match=r"aiohttp.ClientSession passed in is closed.*pass an open one"):
        await AiohttpTransport(session).send(request)


def test_a_closed_requests_session_passed_in_still_works(server: Any) -> None:
    # requests has no closed state: close() only empties the pools, which
    # refill on the next call, so such a session is simply used.
    session = requests.Session()
    session.close()
    try:
        response = RequestsTransport(session).send(Request("GET", server.url("/echo"), {}, b"", TIMEOUT))
        assert response.status_code == 200
    finally:
        session.close()


# -- a client the adapter creates ----------------------------------------------------


async def test_close_closes_a_created_client_and_later_sends_fail_clearly(driver: Any, server: Any) -> None:
    transport = driver.make()
    request = Request("GET", server.url("/echo"), {}, b"", TIMEOUT)
    await driver.send(transport, request)

    await driver.close(transport)
    await driver.close(transport)  # idempotent

    if driver.name == "httpx" or driver.name == "httpx-async":
        assert transport.client.is_closed
    elif driver.name == "aiohttp":
        assert transport.session.closed
    elif driver.name.startswith("h11"):
        assert transport.open_connections == 0
    else:
        assert not _pooled(transport.session)
    with pytest.raises(RuntimeError, match="has been closed"):
        await driver.send(transport, request)


async def test_closing_an_unused_adapter_is_fine(driver: Any) -> None:
    transport = driver.make()
    await driver.close(transport)


def test_an_aiohttp_session_is_created_on_the_first_send_inside_the_loop(server: Any) -> None:
    transport = AiohttpTransport()  # no running loop needed here
    assert transport.session is None

    async def main() -> None:
        await transport.send(Request("GET", server.url("/echo"), {}, b"", TIMEOUT))
        assert transport.session is not None and not transport.session.closed
        await transport.aclose()

    on_own_thread(lambda: asyncio.run(main()))


def on_own_thread(fn: Callable[[], None]) -> None:
    """Run `fn` on a new thread, which starts without an event loop, and
    re-raise what it raised.

    For tests that call `asyncio.run`: on Python < 3.12, pytest-asyncio
    leaves the main thread with a loop set as current, which `asyncio.run`
    would drop unclosed, and that warning is not the adapters'.
    """
    failures: List[BaseException] = []

    def scenario() -> None:
        try:
            fn()
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=scenario)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


class Quiet:
    """Runs a scenario (on its own thread) with every warning an error, and
    records what the garbage collector, finalisers and asyncio's error log
    report."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog
        self.unraisable: List[str] = []

    def run(self, fn: Callable[[], None]) -> None:
        gc.collect()  # earlier tests' garbage is not this test's business
        hook = sys.unraisablehook
        sys.unraisablehook = lambda args: self.unraisable.append(f"{args.exc_value!r} from {args.object!r}")
        try:
            with warnings.catch_warnings(), self.caplog.at_level(logging.WARNING, logger="asyncio"):
                warnings.simplefilter("error")
                on_own_thread(fn)
                gc.collect()
        finally:
            sys.unraisablehook = hook
        logged = [record.getMessage() for record in self.caplog.records if record.name == "asyncio"]
        assert self.unraisable == [] and logged == []


@pytest.fixture
def quiet(caplog: pytest.LogCaptureFixture) -> Quiet:
    return Quiet(caplog)


async def _use(driver: Any, transport: Any, server: Any) -> None:
    """Several calls at once when the adapter allows, so that several
    connections sit in the pool."""
    request = Request("GET", server.url("/echo"), {}, b"", TIMEOUT)
    if driver.is_async:
        await asyncio.gather(*(transport.send(request) for _ in range(4)))
    else:
        transport.send(request)


def test_a_created_client_dropped_unclosed_warns_nothing(driver: Any, server: Any, quiet: Quiet) -> None:
    if driver.is_async:
        quiet.run(lambda: asyncio.run(_use(driver, driver.make(), server)))
        return
    transport = driver.make()
    # The native transport's sockets would warn (an error here) if its
    # finaliser left them to the garbage collector.
    underlying = None if driver.name == "h11" else transport.client if driver.name == "httpx" else transport.session

    def scenario() -> None:
        nonlocal transport
        asyncio.run(_use(driver, transport, server))
        del transport

    quiet.run(scenario)
    # Closed, not merely left to the garbage collector.
    if driver.name == "httpx":
        assert underlying.is_closed
    elif underlying is not None:
        assert not _pooled(underlying)


def test_a_created_client_dropped_while_its_loop_runs_on_warns_nothing(async_driver: Any, server: Any, quiet: Quiet) -> None:
    driver = async_driver

    async def main() -> None:
        transport = driver.make()
        await _use(driver, transport, server)
        del transport
        gc.collect()
        await asyncio.sleep(0.05)
        await _use(driver, driver.make(), server)

    quiet.run(lambda: asyncio.run(main()))


def test_a_created_client_outliving_its_loop_warns_nothing_and_serves_the_next_loop(
    async_driver: Any, server: Any, quiet: Quiet
) -> None:
    driver = async_driver

    def scenario() -> None:
        transport = driver.make()
        asyncio.run(_use(driver, transport, server))
        gc.collect()
        # The first loop's shutdown closed its client; a new one serves this loop.
        asyncio.run(_use(driver, transport, server))
        del transport

    quiet.run(scenario)


def test_an_adapter_dropped_with_a_client_passed_in_leaves_it_open(server: Any) -> None:
    async def main() -> None:
        async with aiohttp.ClientSession() as session, httpx.AsyncClient() as client:
            for transport in (AiohttpTransport(session), AsyncHttpxTransport(client)):
                await transport.send(Request("GET", server.url("/echo"), {}, b"", TIMEOUT))
            del transport
            gc.collect()
            assert not session.closed and not client.is_closed

    on_own_thread(lambda: asyncio.run(main()))


# -- imports ------------------------------------------------------------------------


def test_importing_the_package_imports_no_http_library() -> None:
    code = (
        "import sys, wootiv_transports as t; "
        "loaded = sorted(m for m in ('httpx', 'aiohttp', 'requests', 'urllib3', 'yarl') if m in sys.modules); "
        "assert 'HttpxTransport' in dir(t); "
        "print(loaded)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_each_name_loads_only_its_own_library() -> None:
    code = (
        "import sys, wootiv_transports as t; t.RequestsTransport; "
        "print(sorted(m for m in ('httpx', 'aiohttp', 'requests') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['requests']"


def test_an_unknown_name_is_an_attribute_error() -> None:
    import wootiv_transports

    with pytest.raises(AttributeError, match="NoSuchTransport"):
        getattr(wootiv_transports, "NoSuchTransport")
