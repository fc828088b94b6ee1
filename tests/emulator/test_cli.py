"""`python -m wootiv.testing serve` as a user runs it: a subprocess, its one line, its exit."""

from __future__ import annotations

import http.client
import json
import select
import signal
import socket
import subprocess
import sys
from typing import IO, Iterator, List

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals and select() on a pipe")

STARTUP_SECONDS = 20


def run_cli(*args: str) -> "subprocess.Popen[str]":
    return subprocess.Popen([sys.executable, "-m", "wootiv.testing", "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def first_line(stream: "IO[str]") -> str:
    ready, _, _ = select.select([stream], [], [], STARTUP_SECONDS)
    assert ready, "the emulator printed nothing"
    return stream.readline()


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serves_until_a_signal_then_exits_cleanly(stop_signal: int) -> None:
    with run_cli("--port", "0", "--api-key", "cli-key", "--seed", "5", "--faults", "roles.list:status=429,retry_after=1,times=1") as process:
        try:
            assert process.stdout is not None and process.stderr is not None
            line = first_line(process.stdout)
            assert line.startswith("Wootiv emulator listening on http://127.0.0.1:") and line.endswith("\n")
            url = line.rsplit(" ", 1)[1].strip()
            port = int(url.rsplit(":", 1)[1])
            assert process.stdout.readline() == "Point the SDK at it (Wootiv() reads both):\n"
            assert process.stdout.readline() == f"export WOOTIV_BASE_URL={url} WOOTIV_API_KEY=cli-key\n"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                statuses: List[int] = []
                for _ in range(2):
                    conn.request("GET", "/role", headers={"Authorization": "Bearer cli-key"})
                    answer = conn.getresponse()
                    json.loads(answer.read())
                    statuses.append(answer.status)
            finally:
                conn.close()
            assert statuses == [429, 200]
            process.send_signal(stop_signal)
            assert process.wait(timeout=10) == 0
            assert process.stdout.read() == ""  # those three lines were all
            errors = process.stderr.read()
            assert "Traceback" not in errors and "KeyboardInterrupt" not in errors
        finally:
            if process.poll() is None:
                process.kill()


def test_the_export_line_can_be_pasted_into_a_shell() -> None:
    with run_cli("--port", "0", "--api-key", "key with spaces; and $HOME") as process:
        try:
            assert process.stdout is not None
            first_line(process.stdout)
            process.stdout.readline()
            export = process.stdout.readline()
            shell = subprocess.run(["sh", "-c", f'{export}printf "%s\\n%s" "$WOOTIV_BASE_URL" "$WOOTIV_API_KEY"'], capture_output=True, text=True, timeout=10)
            base_url, api_key = shell.stdout.split("\n")
            assert base_url.startswith("http://127.0.0.1:") and api_key == "key with spaces; and $HOME"
        finally:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("roles.list:status=abc", "fault rule 1 'roles.list:status=abc': status must be a whole number, got 'abc'"),
        ("roles.lsit:status=500", "fault rule 1 'roles.lsit:status=500': no operation is called 'roles.lsit'; did you mean roles.list or"),
        ("GET /rols/{id}:reset", "fault rule 1 'GET /rols/{id}:reset': no operation answers GET /rols/{id}; did you mean GET /role/{id}"),
        ("*:latency=0.1;roles.list:status=200", "fault rule 2 'roles.list:status=200': status must be an error status from 400 to 599, got 200"),
        ("roles.list:status=503,probability=1.5", "fault rule 1 'roles.list:status=503,probability=1.5': probability must be between 0 and 1, got 1.5"),
    ],
    ids=["not-a-number", "unknown-operation", "unknown-route", "not-an-error-status", "probability-above-1"],
)
def test_a_bad_fault_spec_is_one_line_naming_the_part_and_what_fits(spec: str, message: str) -> None:
    result = subprocess.run([sys.executable, "-m", "wootiv.testing", "serve", "--faults", spec], capture_output=True, text=True, timeout=STARTUP_SECONDS)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"python -m wootiv.testing: error: argument --faults: {message}")


def test_a_busy_port_is_one_clear_line_and_exit_code_2(busy_port: int) -> None:
    result = subprocess.run([sys.executable, "-m", "wootiv.testing", "serve", "--port", str(busy_port)], capture_output=True, text=True, timeout=STARTUP_SECONDS)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [f"python -m wootiv.testing: error: cannot listen on 127.0.0.1:{busy_port}: Address already in use"]
