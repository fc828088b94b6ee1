"""The plain values that cross between core and transports: headers, timeouts, requests, config."""

from __future__ import annotations

import pickle
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

from wootiv_core.checks import check_header
from wootiv_core.config import ENVIRONMENTS, ClientConfig
from wootiv_core.http import DEFAULT_TIMEOUT, Headers, Request, Response, Timeout
from wootiv_core.retries import RetryPolicy


def test_headers_are_case_insensitive_and_read_only() -> None:
    headers = Headers([("Retry-After", "1"), ("X-Should-Retry", "true")])
    assert headers["retry-after"] == headers.get("RETRY-AFTER") == "1"
    assert "x-should-retry" in headers and 3 not in headers
    assert list(headers) == ["Retry-After", "X-Should-Retry"] and len(headers) == 2
    assert Headers({"A": "1"}) == {"A": "1"} and Headers() == {}
    with pytest.raises(TypeError):
        headers["new"] = "x"  # type: ignore[index]
    assert Headers([("a", "1"), ("A", "2")])["a"] == "2"  # the last one wins


def test_response_header_and_success() -> None:
    request = Request("GET", "http://api.test/")
    response = Response(204, Headers({"Content-Type": "application/json"}), b"", request)
    assert response.is_success and response.header("content-type") == "application/json" and response.header("x") is None
    assert not Response(301, Headers(), b"", request).is_success and not Response(199, {}, b"", request).is_success
    assert repr(response) == "<Response 204 for GET http://api.test/>"


def test_timeouts_coerce_what_users_pass() -> None:
    assert Timeout.coerce(10) == Timeout(10.0, connect=10.0, read=10.0, write=10.0, pool=10.0, attempt=10.0)
    assert Timeout.coerce(2.5).read == 2.5
    assert Timeout.coerce(None) == Timeout(None, connect=None, read=None, write=None, pool=None)
    assert Timeout.coerce(DEFAULT_TIMEOUT) is DEFAULT_TIMEOUT
    assert DEFAULT_TIMEOUT.connect == 5.0 and DEFAULT_TIMEOUT.read == DEFAULT_TIMEOUT.write == DEFAULT_TIMEOUT.pool == 60.0
    httpx_like = SimpleNamespace(connect=1, read=2.0, write=None, pool=4)
    assert Timeout.coerce(httpx_like) == Timeout(2.0, connect=1.0, read=2.0, write=None, pool=4.0, attempt=None)
    for bad in (0, -1, -0.5):
        with pytest.raises(ValueError):
            Timeout.coerce(bad)
    for wrong in ("10", True, object(), SimpleNamespace(connect="1", read=1, write=1, pool=1)):
        with pytest.raises(TypeError):
            Timeout.coerce(wrong)


def test_requests_are_values_that_hide_their_headers() -> None:
    one = Request("POST", "http://api.test/role", {"Authorization": "Bearer s3cret"}, b"{}")
    two = Request("POST", "http://api.test/role", {"Authorization": "Bearer s3cret"}, b"{}")
    assert one == two and repr(one) == "<Request POST http://api.test/role>" and "s3cret" not in repr(one)
    assert pickle.loads(pickle.dumps(one)) == one


def test_config_checks_itself() -> None:
    assert ENVIRONMENTS == {"production": "http://localhost:3001", "environment_1": "https://dev.wootiv.com"}
    config = ClientConfig(api_key="sk-123", base_url="https://dev.wootiv.com")
    assert "sk-123" not in repr(config) and config.retry == RetryPolicy(max_retries=2) and not config.strict
    for url in ("dev.wootiv.com", "ftp://x", ""):
        with pytest.raises(ValueError, match="base_url"):
            ClientConfig(api_key="k", base_url=url)
    with pytest.raises(ValueError, match="line break"):
        attrs.evolve(config, api_key="k\n")


@pytest.mark.parametrize("name, value, error", [("X-A", "ok", None), ("X-A", "", None), ("X-A", "a\rb", ValueError), ("X-A", "a\nb", ValueError), ("X:A", "v", ValueError), ("", "v", ValueError), ("X-A", 1, TypeError), (1, "v", TypeError)])
def test_check_header(name: Any, value: Any, error: Any) -> None:
    if error is None:
        check_header(name, value)
    else:
        with pytest.raises(error):
            check_header(name, value)
