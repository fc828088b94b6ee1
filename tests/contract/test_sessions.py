"""Bringing your own HTTP client, and what the SDK closes.

A client or session passed in is used as it is and never closed by the SDK;
one the SDK creates is closed by `close()`, and also, without any warning,
when the client is dropped without it.
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from typing import Any, List

import aiohttp
import httpx
import pytest
import requests
import requests.adapters

import wootiv
from wootiv import AsyncWootiv, Wootiv

from .scripted_server import ScriptedServer, role

KEY = "sk-session-test"


def test_an_httpx_client_passed_in_keeps_its_configuration_and_stays_open(scripted_server: ScriptedServer) -> None:
    scripted_server.reset()
    scripted_server.reply(200, role())
    seen: List[str] = []
    with httpx.Client(headers={"X-Origin": "billing"}, event_hooks={"request": [lambda r: seen.append(str(r.url))]}) as http:
        client = Wootiv(api_key=KEY, base_url=scripted_server.url, http_client=http)
        client.roles.retrieve("r1")
        client.close()
        assert not http.is_closed
    assert seen == [f"{scripted_server.url}/role/r1"]
    assert scripted_server.received[0].headers["x-origin"] == "billing"


def test_a_requests_session_passed_in_keeps_its_adapter_and_stays_open(scripted_server: ScriptedServer) -> None:
    scripted_server.reset()
    scripted_server.reply(200, role())
    sent: List[str] = []

    class CountingAdapter(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            sent.append(request.url)
            return super().send(request, *args, **kwargs)

    with requests.Session() as session:
        session.mount("http://", CountingAdapter())
        session.headers["X-Origin"] = "legacy"
        with Wootiv(api_key=KEY, base_url=scripted_server.url, http_client=session) as client:
            client.roles.retrieve("r1")
        assert sent == [f"{scripted_server.url}/role/r1"]
        (received,) = [r for r in scripted_server.received if r.target == "/role/r1"]
        assert received.headers["x-origin"] == "legacy"
        # Not closed by the SDK: closing a session clears its adapters' pools.
        assert session.get_adapter("http://").poolmanager.pools


def test_an_aiohttp_session_passed_in_keeps_its_configuration_and_stays_open(scripted_server: ScriptedServer) -> None:
    scripted_server.reset()
    scripted_server.reply(200, role())

    async def main() -> None:
        traced: List[str] = []

        async def on_start(session: Any, context: Any, params: Any) -> None:
            traced.append(str(params.url))

        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(on_start)
        async with aiohttp.ClientSession(headers={"X-Origin": "web-app"}, trace_configs=[trace]) as session:
            client = AsyncWootiv(api_key=KEY, base_url=scripted_server.url, http_client=session)
            await client.roles.retrieve("r1")
            await client.close()
            assert not session.closed
        assert traced == [f"{scripted_server.url}/role/r1"]

    asyncio.run(main())
    assert scripted_server.received[0].headers["x-origin"] == "web-app"


@pytest.mark.parametrize("http_client", [None, "requests"])
def test_a_sync_client_dropped_without_close_warns_nothing(scripted_server: ScriptedServer, http_client: Any) -> None:
    scripted_server.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = Wootiv(api_key=KEY, base_url=scripted_server.url, http_client=http_client)
        client.roles.retrieve("r1")
        del client
        gc.collect()


@pytest.mark.parametrize("http_client", [None, "aiohttp"])
def test_an_async_client_dropped_without_close_warns_nothing(scripted_server: ScriptedServer, http_client: Any) -> None:
    scripted_server.reset()

    async def main() -> None:
        client = AsyncWootiv(api_key=KEY, base_url=scripted_server.url, http_client=http_client)
        await client.roles.retrieve("r1")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        asyncio.run(main())
        gc.collect()


def test_an_async_client_dropped_while_the_loop_runs_warns_nothing(scripted_server: ScriptedServer) -> None:
    scripted_server.reset()

    async def main() -> None:
        client = AsyncWootiv(api_key=KEY, base_url=scripted_server.url, http_client="aiohttp")
        await client.roles.retrieve("r1")
        del client
        gc.collect()
        await asyncio.sleep(0.01)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        asyncio.run(main())
        gc.collect()


def test_sessions_of_the_wrong_kind_are_refused_with_advice() -> None:
    async def make_aiohttp_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    async def check() -> None:
        session = await make_aiohttp_session()
        try:
            with pytest.raises(TypeError, match="AsyncWootiv"):
                Wootiv(api_key=KEY, http_client=session)
        finally:
            await session.close()

    asyncio.run(check())
    with requests.Session() as session:
        with pytest.raises(TypeError, match="Wootiv"):
            AsyncWootiv(api_key=KEY, http_client=session)
    with httpx.Client() as sync_http:
        with pytest.raises(TypeError, match="httpx.AsyncClient"):
            AsyncWootiv(api_key=KEY, http_client=sync_http)
    with pytest.raises(TypeError, match="http_client"):
        Wootiv(api_key=KEY, http_client=object())
    with pytest.raises(ValueError, match="requests"):
        AsyncWootiv(api_key=KEY, http_client="requests")


def test_a_closed_session_gives_a_clear_error_not_a_hang(scripted_server: ScriptedServer) -> None:
    http = httpx.Client()
    http.close()
    with pytest.raises(RuntimeError, match="closed"):
        Wootiv(api_key=KEY, base_url=scripted_server.url, http_client=http).roles.retrieve("r1")

    async def main() -> None:
        session = aiohttp.ClientSession()
        await session.close()
        with pytest.raises(RuntimeError, match="closed"):
            await AsyncWootiv(api_key=KEY, base_url=scripted_server.url, http_client=session).roles.retrieve("r1")

    asyncio.run(main())


def test_closing_the_client_closes_what_it_created(scripted_server: ScriptedServer) -> None:
    scripted_server.reset()
    client = Wootiv(api_key=KEY, base_url=scripted_server.url)
    copy = client.with_options(max_retries=0)
    copy.close()
    client.roles.retrieve("r1")  # the copy did not close the shared connections
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.roles.retrieve("r1")


def test_configuration_errors_say_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WOOTIV_API_KEY", raising=False)
    with pytest.raises(wootiv.WootivError, match="WOOTIV_API_KEY"):
        Wootiv()
    with pytest.raises(ValueError, match="environment_1"):
        Wootiv(api_key=KEY, environment="staging")
    assert Wootiv(api_key=KEY, environment="environment_1").base_url == "https://dev.wootiv.com"
    assert Wootiv(api_key=KEY).base_url == "http://localhost:3001"
    monkeypatch.setenv("WOOTIV_API_KEY", "from-env")
    assert Wootiv().api_key == "from-env"
    with pytest.raises(ValueError, match="max_retries"):
        Wootiv(max_retries=-1)


def test_a_requests_session_hook_that_reads_the_body_leaves_it_for_the_sdk(scripted_server: ScriptedServer) -> None:
    scripted_server.reset()
    scripted_server.reply(200, role("hooked"))
    seen: List[int] = []
    with requests.Session() as session:
        session.hooks["response"].append(lambda response, *args, **kwargs: seen.append(len(response.content)))
        with Wootiv(api_key=KEY, base_url=scripted_server.url, http_client=session) as client:
            assert client.roles.retrieve("r1").id == "hooked"
    assert seen and seen[0] > 0
