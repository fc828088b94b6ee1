"""`connection_pool_limits=`: sizes the pool the SDK creates, on every driver; refused with a user's own.

Where the SDK creates the HTTP client, the test reads the limits back from
that client's pool (the adapters expose the client they send through); one
test shows the effect on the wire, over loopback.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any, List

import aiohttp
import httpx
import pytest
import requests

from wootiv import AsyncWootiv, PoolLimits, Wootiv

from .conftest import API_KEY, BASE_URL, Recorder

LIMITS = PoolLimits(max_connections=7, max_keepalive_connections=3, keepalive_expiry=1.5)


def httpx_pool(client: Any) -> Any:
    return client._transport.client._transport._pool  # the httpcore pool of the SDK's httpx client


@pytest.mark.parametrize("limits", [LIMITS, httpx.Limits(max_connections=7, max_keepalive_connections=3, keepalive_expiry=1.5)])
def test_httpx_pools_get_the_limits(limits: Any) -> None:
    with Wootiv(api_key=API_KEY, base_url=BASE_URL, connection_pool_limits=limits) as client:
        pool = httpx_pool(client)
        assert (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry) == (7, 3, 1.5)

    async def main() -> None:
        async with AsyncWootiv(api_key=API_KEY, base_url=BASE_URL, connection_pool_limits=limits) as client:
            pool = httpx_pool(client)
            assert (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry) == (7, 3, 1.5)

    asyncio.run(main())


def test_requests_session_gets_the_limits() -> None:
    with Wootiv(api_key=API_KEY, base_url=BASE_URL, http_client="requests", connection_pool_limits=LIMITS) as client:
        session = client._transport._session
        for prefix in ("http://", "https://"):
            assert session.get_adapter(prefix)._pool_maxsize == 7


def test_aiohttp_connector_gets_the_limits() -> None:
    async def main() -> None:
        async with AsyncWootiv(api_key=API_KEY, base_url=BASE_URL, http_client="aiohttp", connection_pool_limits=LIMITS) as client:
            connector = client._transport._open().connector
            assert (connector.limit, connector._keepalive_timeout) == (7, 1.5)
        async with AsyncWootiv(
            api_key=API_KEY, base_url=BASE_URL, http_client="aiohttp", connection_pool_limits=PoolLimits(max_connections=None)
        ) as client:
            assert client._transport._open().connector.limit == 0  # aiohttp's "no limit"

    asyncio.run(main())


def test_a_copy_gets_its_own_pool_with_the_new_limits() -> None:
    with Wootiv(api_key=API_KEY, base_url=BASE_URL, http_client="requests") as client:
        copy = client.copy(connection_pool_limits=PoolLimits(max_connections=2))
        assert copy._transport._session.get_adapter("https://")._pool_maxsize == 2
        assert client._transport._session.get_adapter("https://")._pool_maxsize == 100
        copy.close()


class CountingServer:
    """Loopback HTTP/1.1 that answers every request with a small JSON role and keeps connections open."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.connections: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        body = b'{"id": "r1", "name": "admin"}'
        buffer = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buffer += data
            while b"\r\n\r\n" in buffer:
                _, buffer = buffer.split(b"\r\n\r\n", 1)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                )

    def close(self) -> None:
        self.listener.close()
        for conn in self.connections:
            conn.close()


def test_no_idle_connections_kept_means_a_new_connection_per_call() -> None:
    server = CountingServer()
    try:
        with Wootiv(api_key=API_KEY, base_url=server.url) as client:
            client.roles.retrieve("r1")
            client.roles.retrieve("r1")
        assert len(server.connections) == 1  # the default pool reuses the connection
        limits = PoolLimits(max_keepalive_connections=0)
        with Wootiv(api_key=API_KEY, base_url=server.url, connection_pool_limits=limits) as client:
            client.roles.retrieve("r1")
            client.roles.retrieve("r1")
        assert len(server.connections) == 3
    finally:
        server.close()


# --------------------------------------------------------------------------- bad input


def test_limits_with_a_users_own_client_are_refused_with_advice() -> None:
    with httpx.Client() as mine:
        with pytest.raises(ValueError, match=r"set the limits on it instead: httpx.Client\(limits=httpx.Limits"):
            Wootiv(api_key=API_KEY, http_client=mine, connection_pool_limits=LIMITS)
    with requests.Session() as session:
        with pytest.raises(ValueError, match=r"HTTPAdapter\(pool_maxsize="):
            Wootiv(api_key=API_KEY, http_client=session, connection_pool_limits=LIMITS)
    with pytest.raises(ValueError, match="with your own http_client"):
        Wootiv(api_key=API_KEY, http_client=Recorder(), connection_pool_limits=LIMITS)

    async def main() -> None:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(ValueError, match=r"TCPConnector\(limit="):
                AsyncWootiv(api_key=API_KEY, http_client=session, connection_pool_limits=LIMITS)
        async with httpx.AsyncClient() as mine:
            with pytest.raises(ValueError, match="set the limits on it instead"):
                AsyncWootiv(api_key=API_KEY, http_client=mine, connection_pool_limits=LIMITS)

    asyncio.run(main())


def test_a_copy_onto_a_users_client_refuses_limits_too() -> None:
    client = Wootiv(api_key=API_KEY, base_url=BASE_URL, http_client=Recorder())
    with pytest.raises(ValueError, match="with your own http_client"):
        client.copy(connection_pool_limits=LIMITS)


@pytest.mark.parametrize("value", [10, {"max_connections": 10}, "100", (100, 20)])
def test_limits_of_the_wrong_type_are_refused(value: Any) -> None:
    with pytest.raises(TypeError, match=r"takes a wootiv.PoolLimits\(max_connections=\.\.\..*or an httpx.Limits, got"):
        Wootiv(api_key=API_KEY, base_url=BASE_URL, connection_pool_limits=value)


@pytest.mark.parametrize(
    "fields, error, message",
    [
        ({"max_connections": 0}, ValueError, "max_connections=...\\) must be at least 1"),
        ({"max_connections": True}, TypeError, "whole number or None"),
        ({"max_connections": 2.5}, TypeError, "whole number or None"),
        ({"max_keepalive_connections": -1}, ValueError, "must be at least 0"),
        ({"keepalive_expiry": -1}, ValueError, "finite number of seconds >= 0"),
        ({"keepalive_expiry": float("nan")}, ValueError, "finite number of seconds"),
        ({"keepalive_expiry": "5"}, TypeError, "takes seconds as a number"),
    ],
)
def test_pool_limits_check_their_values(fields: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        PoolLimits(**fields)


def test_pool_limits_defaults_are_the_earlier_sdks() -> None:
    assert PoolLimits() == PoolLimits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
