"""The serving layer around the real Wootiv app: `Emulator`, its server, its transports, the fixtures."""

from __future__ import annotations

import http.client
import json
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

from wootiv.testing import DEFAULT_API_KEY, Emulator, Server
from wootiv_core.errors import APIConnectionError
from wootiv_core.http import Request

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}", "Content-Type": "application/json"}


@pytest.fixture
def server() -> Iterator[Server]:
    with Emulator().serve() as running:
        yield running


def call(server: Server, method: str, path: str, body: Optional[Dict[str, Any]] = None, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=AUTH if headers is None else headers)
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


def role_count(server: Server) -> int:
    status, page = call(server, "GET", "/role")
    assert status == 200
    return page["total"]


def test_the_served_api_answers_with_the_bearer_key_only(server: Server) -> None:
    assert server.api_key == DEFAULT_API_KEY and server.url == f"http://127.0.0.1:{server.port}"
    status, page = call(server, "GET", "/role")
    assert status == 200 and page["data"]
    assert call(server, "GET", "/role", headers={})[0] == 401


def test_faults_on_real_routes_and_reset(server: Server) -> None:
    emulator = server.emulator
    before = role_count(server)
    emulator.faults.add("roles.create", status=503, retry_after="2")
    status, body = call(server, "POST", "/role", {"name": "n", "description": "d"})
    assert (status, body["statusCode"]) == (503, 503)
    assert role_count(server) == before  # the faulted create changed nothing
    emulator.reset()
    assert call(server, "POST", "/role", {"name": "n", "description": "d"})[0] == 201
    assert role_count(server) == before + 1
    emulator.reset()
    assert role_count(server) == before and emulator.faults.rules == []


def test_in_process_transports_reach_the_same_app() -> None:
    emulator = Emulator(api_key="other-key", empty=True)
    transport = emulator.transport()
    created = transport.send(Request("POST", "http://wootiv.emulator/role", {"Authorization": "Bearer other-key", "Content-Type": "application/json"}, b'{"name":"qa","description":"d"}'))
    assert created.status_code == 201
    listed = transport.send(Request("GET", "http://wootiv.emulator/role", {"Authorization": "Bearer other-key"}))
    assert [role["name"] for role in json.loads(listed.content)["data"]] == ["qa"]
    emulator.faults.add("GET /role", reset=True, times=1)
    with pytest.raises(APIConnectionError):
        transport.send(Request("GET", "http://wootiv.emulator/role", {"Authorization": "Bearer other-key"}))


async def test_the_async_transport_reaches_the_app() -> None:
    transport = Emulator().async_transport()
    answer = await transport.send(Request("GET", "http://wootiv.emulator/role", {"Authorization": f"Bearer {DEFAULT_API_KEY}"}))
    assert answer.status_code == 200 and json.loads(answer.content)["total"] >= 1
    await transport.aclose()


def test_the_session_fixture_serves_an_emulator(wootiv_emulator: Server) -> None:
    wootiv_emulator.emulator.faults.add("roles.list", status=429, times=1)
    assert call(wootiv_emulator, "GET", "/role")[0] == 429
    assert call(wootiv_emulator, "GET", "/role")[0] == 200


def test_the_reset_fixture_starts_clean(wootiv_emulator_reset: Server) -> None:
    wootiv_emulator_reset.emulator.faults.add("*", status=500)
    assert call(wootiv_emulator_reset, "GET", "/role")[0] == 500


def test_the_next_test_sees_no_earlier_faults(wootiv_emulator_reset: Server) -> None:
    assert call(wootiv_emulator_reset, "GET", "/role")[0] == 200
