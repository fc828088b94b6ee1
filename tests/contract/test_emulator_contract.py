"""The transport contract, held by the in-process emulator transports too.

No socket here, so only what applies without one: the target the emulator
sees is the one the core built, a latency past the attempt's bound is a
timeout at that bound, an oversized answer is refused, and a write that
met a reset after it was read is not sent again.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Callable, List, Sequence, Tuple

import pytest

import wootiv
from wootiv.testing import Emulator
from wootiv.testing._faults import Outcome
from wootiv.testing._inprocess import AsyncEmulatorTransport, EmulatorTransport
from wootiv_core.http import Request
from wootiv_core.errors import APIResponseTooLargeError
from wootiv_core.urls import encode_path_segment

def _call(kind: str, emulator: Emulator, fn: Callable[[Any], Any], **options: Any) -> Any:
    if kind == "sync":
        with emulator.client(**options) as client:
            return fn(client)

    async def main() -> Any:
        async with emulator.async_client(**options) as client:
            result = fn(client)
            return await result if inspect.isawaitable(result) else result

    return asyncio.run(main())


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


class _Recorder:
    """An emulator that records the targets it is handed and answers with a role."""

    def __init__(self, body: bytes = b"{}") -> None:
        self.targets: List[str] = []
        self.body = body

    def dispatch(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Outcome:
        self.targets.append(target)
        return Outcome(200, (("content-type", "application/json"),), self.body)


@pytest.mark.parametrize("value", ["..", ".", "a/b", "%25", "é/ü", "a?b#c&d=e"])
def test_the_emulator_sees_the_target_byte_for_byte(value: str) -> None:
    recorder = _Recorder()
    url = f"http://wootiv.emulator/role/{encode_path_segment(value)}?q=..%2F"
    EmulatorTransport(recorder).send(Request("GET", url))  # type: ignore[arg-type]
    asyncio.run(AsyncEmulatorTransport(recorder).send(Request("GET", url)))  # type: ignore[arg-type]
    assert recorder.targets == [f"/role/{encode_path_segment(value)}?q=..%2F"] * 2


def test_an_oversized_answer_is_refused() -> None:
    recorder = _Recorder(b"x" * 2000)
    request = Request("GET", "http://wootiv.emulator/role/r1", max_response_size=1000)
    with pytest.raises(APIResponseTooLargeError):
        EmulatorTransport(recorder).send(request)  # type: ignore[arg-type]
    with pytest.raises(APIResponseTooLargeError):
        asyncio.run(AsyncEmulatorTransport(recorder).send(request))  # type: ignore[arg-type]


def test_latency_past_the_attempt_bound_is_a_timeout_at_the_bound(kind: str) -> None:
    emulator = Emulator()
    emulator.faults.add("roles.list", latency=5)
    started = time.monotonic()
    with pytest.raises(wootiv.APITimeoutError):
        _call(kind, emulator, lambda c: c.roles.list(), timeout=wootiv.Timeout(30, attempt=0.3), max_retries=0)
    assert time.monotonic() - started < 1.5


def test_a_write_is_not_sent_again_after_a_reset(kind: str) -> None:
    emulator = Emulator()
    rule = emulator.faults.add("roles.create", reset=True)
    with pytest.raises(wootiv.APIConnectionError) as caught:
        _call(kind, emulator, lambda c: c.roles.create(name="n", description="d"))
    assert caught.value.sent and rule.fired == 1


def test_a_read_is_sent_again_after_a_reset(kind: str) -> None:
    emulator = Emulator()
    rule = emulator.faults.add("roles.list", reset=True, times=1)
    _call(kind, emulator, lambda c: c.roles.list())
    assert rule.fired == 1
