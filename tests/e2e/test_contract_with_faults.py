"""The driver contract again, against the emulator and its faults, for every driver.

This is where the in-process transport proves it behaves like the socket
drivers: the same retries, Retry-After forms, timeouts, errors, pagination,
uploads and headers, with identical expectations.
"""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any, Dict

import pytest

import wootiv
from wootiv.types import RoleDto

from .conftest import Api


def run(api: Api, fn: Any, **options: Any) -> Any:
    """`fn(client)` on a fresh client of the driver, with `options`."""
    box: Dict[str, Any] = {}

    async def scenario(api: Api) -> None:
        box["result"] = await api.call(fn)

    original = api.make_client

    def make() -> Any:
        client = original()
        return client.with_options(**options) if options else client

    api.make_client = make  # type: ignore[method-assign]
    api.run(scenario)
    return box["result"]


@pytest.mark.parametrize(
    "headers, at_least",
    [({"retry_after": "0.2"}, 0.2), ({"retry_after_ms": 200}, 0.2), ({"retry_after": email.utils.formatdate(time.time() - 30, usegmt=True)}, 0.0)],
    ids=["seconds", "milliseconds", "http-date"],
)
def test_retry_after_forms(api: Api, headers: Dict[str, Any], at_least: float) -> None:
    api.emulator.faults.add("roles.list", status=429, times=1, **headers)
    started = time.monotonic()
    page = run(api, lambda c: c.roles.list(), max_retries=1)
    assert len(page.data) == 4 and at_least <= time.monotonic() - started < at_least + 1.5


def test_resets_and_truncation_are_retried(api: Api) -> None:
    api.emulator.faults.add("roles.list", reset=True, times=1)
    api.emulator.faults.add("roles.list", truncate=True, times=1)
    api.emulator.faults.add("roles.list", status=502, retry_after_ms=1, times=1)
    assert len(run(api, lambda c: c.roles.list(), max_retries=3).data) == 4
    assert all(rule.fired == 1 for rule in api.emulator.faults.rules)


def test_exhausted_retries_raise_the_last_error(api: Api) -> None:
    api.emulator.faults.add("roles.list", status=503, retry_after_ms=1)
    with pytest.raises(wootiv.InternalServerError):
        run(api, lambda c: c.roles.list(), max_retries=2)
    assert api.emulator.faults.rules[0].fired == 3


def test_timeouts(api: Api) -> None:
    api.emulator.faults.add("roles.list", latency=2.0)
    started = time.monotonic()
    with pytest.raises(wootiv.APITimeoutError):
        run(api, lambda c: c.roles.list(), max_retries=0, timeout=0.2)
    assert time.monotonic() - started < 1.5


def test_errors_pagination_uploads_and_headers(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="wootiv")
    with pytest.raises(wootiv.NotFoundError):
        run(api, lambda c: c.roles.retrieve("nope"))
    with pytest.raises(wootiv.UnprocessableEntityError) as invalid:
        run(api, lambda c: c.roles.create(name="", description="d"))
    assert invalid.value.body["message"] == ["name should not be empty"]
    members: Any = {}

    async def scenario(api: Api) -> None:
        members["all"] = await api.items(lambda c: c.space.members.list("demo", limit=7))
        members["upload"] = await api.call(lambda c: c.aws.buckets.upload(file=("x.txt", b"abc"), path="p"))
        members["role"] = await api.call(lambda c: c.roles.create(name="hdr", description="d", extra_headers={"X-Trace": "t"}))

    api.run(scenario)
    assert len(members["all"]) == 47 and members["upload"].path_with_filename == "p/x.txt"
    assert isinstance(members["role"], RoleDto)
    with pytest.raises(wootiv.AuthenticationError) as denied:
        run(api, lambda c: c.roles.list(), api_key="not-the-key")
    assert "not-the-key" not in str(denied.value) + repr(denied.value.request) + caplog.text
