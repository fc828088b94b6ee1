"""The emulator over real loopback sockets: HTTP/1.1, faults, shutdown, CLI."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Iterator, Tuple

import pytest

import wootiv
from wootiv import Wootiv
from wootiv.testing import Emulator, FaultSpecError, parse_faults
from wootiv.testing._server import Server

AUTH = {"Authorization": "Bearer wootiv-test-key"}


@pytest.fixture
def server() -> Iterator[Server]:
    running = Emulator().serve()
    yield running
    running.stop()


def read_all(raw: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = raw.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def connect(server: Server) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)


def test_keep_alive_serves_many_requests_on_one_connection(server: Server) -> None:
    conn = connect(server)
    try:
        for _ in range(5):
            conn.request("GET", "/role", headers=AUTH)
            answer = conn.getresponse()
            assert answer.status == 200 and json.loads(answer.read())["total"] == 4
        assert conn.sock is not None  # still the same open connection
    finally:
        conn.close()


def test_malformed_request_gets_a_json_400(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        reply = read_all(raw)
    assert reply.startswith(b"HTTP/1.1 400")
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["statusCode"] == 400


def test_oversized_body_is_refused_without_reading_it(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"POST /role HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{")
        reply = read_all(raw)
    assert reply.startswith(b"HTTP/1.1 413")


def test_a_client_vanishing_mid_request_does_not_disturb_others(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"POST /role HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"na")
    with Wootiv(api_key=server.api_key, base_url=server.url) as client:
        assert len(client.roles.list().data) == 4


def test_faults_over_the_wire(server: Server) -> None:
    faults = server.emulator.faults
    faults.add("roles.list", status=503, retry_after_ms=1, times=1)
    faults.add("GET /role/{id}", truncate=True, times=1)
    faults.add("roles.create", reset=True, times=1)
    with Wootiv(api_key=server.api_key, base_url=server.url, max_retries=0) as client:
        with pytest.raises(wootiv.InternalServerError) as caught:
            client.roles.list()
        assert caught.value.response.headers["retry-after-ms"] == "1"
        role_id = client.roles.list().data[0].id
        with pytest.raises(wootiv.APIConnectionError):
            client.roles.retrieve(role_id)
        with pytest.raises(wootiv.APIConnectionError):
            client.roles.create(name="n", description="d")
        assert client.roles.retrieve(role_id).id == role_id
    assert server.emulator.app.state.table("role") and len(server.emulator.app.state.table("role")) == 4  # the reset create changed nothing


def test_latency_fault_against_a_timeout(server: Server) -> None:
    server.emulator.faults.add("*", latency=1.0)
    started = time.monotonic()
    with Wootiv(api_key=server.api_key, base_url=server.url, max_retries=0, timeout=0.2) as client:
        with pytest.raises(wootiv.APITimeoutError):
            client.roles.list()
    assert time.monotonic() - started < 1.0


def test_seeded_probability_is_repeatable() -> None:
    def run(seed: int) -> Tuple[int, ...]:
        emulator = Emulator(seed=seed)
        emulator.faults.add("roles.list", status=500, probability=0.5)
        return tuple(emulator.dispatch("GET", "/role", [("Authorization", "Bearer wootiv-test-key")], b"").status for _ in range(20))

    assert run(3) == run(3)
    assert set(run(3)) == {200, 500}


def test_fault_spec_errors_are_clear() -> None:
    assert parse_faults("roles.list:status=429,retry_after=2,times=1")[0].headers() == {"Retry-After": "2"}
    for bad in ("roles.list", "roles.list:status=abc", "roles.list:bogus=1", "roles.list:status=429,reset", "*:probability=2"):
        with pytest.raises(FaultSpecError):
            parse_faults(bad)


def test_stop_is_fast_and_leaves_nothing_open() -> None:
    before = set(threading.enumerate())
    running = Emulator().serve()
    with socket.create_connection(("127.0.0.1", running.port)):
        time.sleep(0.05)  # let the server pick the idle connection up
        started = time.monotonic()
        running.stop()
        assert time.monotonic() - started < 2
    assert [thread for thread in set(threading.enumerate()) - before if thread.name.startswith("wootiv-emulator")] == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=1).close()


def _start_cli(*args: str) -> "subprocess.Popen[str]":
    return subprocess.Popen([sys.executable, "-m", "wootiv.testing", "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_cli_serves_until_sigterm() -> None:
    process = _start_cli("--port", "0", "--api-key", "cli-key", "--empty", "--faults", "roles.list:status=429,times=1")
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("Wootiv emulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        with Wootiv(api_key="cli-key", base_url=url, max_retries=0) as client:
            with pytest.raises(wootiv.RateLimitError):
                client.roles.list()
            assert client.roles.list().data == []
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stderr is not None and "Traceback" not in process.stderr.read()
    finally:
        process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_cli_refuses_bad_faults_and_busy_ports(server: Server) -> None:
    for args, message in ((["--faults", "nonsense"], "--faults"), (["--port", str(server.port)], "cannot listen")):
        result = subprocess.run([sys.executable, "-m", "wootiv.testing", "serve", *args], capture_output=True, text=True, timeout=30)
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr


def test_the_pytest_fixture_gives_a_reset_emulator(wootiv_client: Wootiv) -> None:
    created = wootiv_client.roles.create(name="fixture", description="made in a test")
    assert wootiv_client.roles.retrieve(created.id).name == "fixture"
