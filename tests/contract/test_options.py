"""Client options that reach the HTTP stack: proxies, a custom transport, logging."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import List

import httpx

from wootiv import Wootiv

from .scripted_server import ScriptedServer, role


def test_proxy_and_proxies_send_through_the_proxy(scripted_server: ScriptedServer) -> None:
    for options in ({"proxy": scripted_server.url}, {"proxies": {"http://": scripted_server.url}}):
        scripted_server.reset()
        scripted_server.reply(200, role())
        with Wootiv(api_key="k", base_url="http://api.wootiv.test", **options) as client:  # type: ignore[arg-type]
            assert client.roles.retrieve("r1").id == "r1"
        (sent,) = scripted_server.received
        assert sent.target == "http://api.wootiv.test/role/r1"  # absolute form: the server was used as a proxy


def test_a_custom_httpx_transport_is_used() -> None:
    seen: List[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=role("mocked"))

    with Wootiv(api_key="k", base_url="http://api.wootiv.test", transport=httpx.MockTransport(handler)) as client:
        assert client.roles.retrieve("r1").id == "mocked"
    assert seen == ["http://api.wootiv.test/role/r1"]


def test_wootiv_log_switches_logging_on_without_the_key() -> None:
    code = (
        "from wootiv.testing import Emulator\n"
        "emulator = Emulator()\n"
        "emulator.faults.add('roles.list', status=429, retry_after='0', times=1)\n"
        "emulator.client().roles.list()\n"
    )
    for level, expected in (("debug", "Sending GET"), ("info", "Retrying GET")):
        env = dict(os.environ, WOOTIV_LOG=level)
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert expected in result.stderr and "wootiv-test-key" not in result.stderr
    quiet = subprocess.run([sys.executable, "-c", code], env={k: v for k, v in os.environ.items() if k != "WOOTIV_LOG"}, capture_output=True, text=True, timeout=60)
    assert quiet.stderr == ""
