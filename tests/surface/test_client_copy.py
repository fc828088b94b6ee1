"""The earlier SDK's client surface: `copy()` / `with_options()`, `default_headers`, `default_query`, `is_closed()`.

Every behaviour is read from what a client sends (through a recording
transport) or from its public properties, on both clients.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Dict, Set

import httpx
import pytest

import wootiv
from wootiv import AsyncWootiv, PoolLimits, Timeout, Wootiv
from wootiv_core.errors import WootivError

from .conftest import API_KEY, BASE_URL, Answer, AsyncRecorder, Recorder, sync_client

ROLE = {"id": "r1", "name": "admin", "description": "d"}
CLIENTS = [Wootiv, AsyncWootiv]


def keyword_parameters(function: Any) -> Set[str]:
    return {
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if name != "self" and parameter.kind is not inspect.Parameter.VAR_KEYWORD
    }


@pytest.mark.parametrize("cls", CLIENTS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("method", ["copy", "with_options"])
def test_copy_takes_every_constructor_option(cls: Any, method: str) -> None:
    constructor = keyword_parameters(cls.__init__)
    copy = keyword_parameters(getattr(cls, method))
    assert constructor <= copy, f"{cls.__name__}.{method}() lacks {sorted(constructor - copy)}"
    # The earlier SDK's copy() also takes set_default_* (replace instead of merge).
    assert copy - constructor == {"set_default_headers", "set_default_query"}
    for name in constructor:
        assert inspect.signature(getattr(cls, method)).parameters[name].kind is inspect.Parameter.KEYWORD_ONLY


def test_the_signature_walk_would_catch_a_missing_option() -> None:
    class Wider(Wootiv):
        def __init__(self, *, new_option: int = 0, **options: Any) -> None:
            super().__init__(**options)

    assert "new_option" in keyword_parameters(Wider.__init__) - keyword_parameters(Wider.copy)


def sent_headers(client: Wootiv, recorder: Recorder) -> Dict[str, str]:
    client.roles.retrieve("r1")
    return recorder.last.headers


def test_default_headers_merge_and_set_default_headers_replace() -> None:
    client, recorder = sync_client(Answer.json(ROLE), default_headers={"X-Team": "billing", "X-Keep": "1"})
    merged = client.copy(default_headers={"X-Team": "cron", "X-New": "2"})
    assert {k: v for k, v in sent_headers(merged, recorder).items() if k.startswith("x-")} == {
        "x-team": "cron",
        "x-keep": "1",
        "x-new": "2",
    }
    replaced = client.with_options(set_default_headers={"X-Only": "3"})
    assert {k: v for k, v in sent_headers(replaced, recorder).items() if k.startswith("x-")} == {"x-only": "3"}
    # The original is unchanged.
    assert {k for k in sent_headers(client, recorder) if k.startswith("x-")} == {"x-team", "x-keep"}


def test_default_query_merge_and_set_default_query_replace() -> None:
    client, recorder = sync_client(Answer.json(ROLE), default_query={"cache": 0, "tag": "a"})
    client.copy(default_query={"tag": "b"}).roles.retrieve("r1")
    assert recorder.last.raw_query == "cache=0&tag=b"
    client.copy(set_default_query={"only": "1"}).roles.retrieve("r1")
    assert recorder.last.raw_query == "only=1"
    client.copy(set_default_query={}).roles.retrieve("r1")
    assert recorder.last.raw_query == ""


@pytest.mark.parametrize("name", ["headers", "query"])
def test_default_and_set_default_together_is_refused(name: str) -> None:
    client, recorder = sync_client()
    with pytest.raises(ValueError, match=rf"default_{name}= and set_default_{name}= given together: keep"):
        client.copy(**{f"default_{name}": {"a": "1"}, f"set_default_{name}": {"b": "2"}})
    assert recorder.sent == []


def test_default_headers_shows_what_every_request_carries_without_the_key() -> None:
    client, recorder = sync_client(Answer.json(ROLE), default_headers={"X-Team": "billing", "user-agent": "mine/1"})
    view = client.default_headers
    assert dict(view) == {"Accept": "application/json", "user-agent": "mine/1", "X-Team": "billing"}
    sent = sent_headers(client, recorder)
    for name, value in view.items():
        assert sent[name.lower()] == value
    assert view["x-team"] == "billing" and view["User-Agent"] == "mine/1"  # case-insensitive
    assert "Authorization" not in view and API_KEY not in repr(view)
    with pytest.raises(TypeError):
        view["X-Team"] = "other"  # type: ignore[index]
    plain = Wootiv(api_key=API_KEY, base_url=BASE_URL, http_client=Recorder())
    assert dict(plain.default_headers) == {"Accept": "application/json", "User-Agent": f"Wootiv/Python {wootiv.__version__}"}


def test_credentials_given_as_default_headers_are_masked_in_the_view() -> None:
    client, _ = sync_client(default_headers={"Authorization": "Bearer sk-user-own-9", "Cookie": "session=s3cret"})
    shown = repr(client.default_headers)
    assert "sk-user-own-9" not in shown and "s3cret" not in shown and "Cookie" in shown
    assert client.default_headers["cookie"] == "session=s3cret"  # readable, just not shown


def test_default_query_is_a_read_only_view() -> None:
    client, _ = sync_client(default_query={"cache": 0})
    assert dict(client.default_query) == {"cache": 0}
    with pytest.raises(TypeError):
        client.default_query["cache"] = 1  # type: ignore[index]
    assert dict(client.copy(default_query={"x": 1}).default_query) == {"cache": 0, "x": 1}


def test_copy_changes_the_settings_given_and_keeps_the_rest() -> None:
    client, recorder = sync_client(Answer.json(ROLE), max_retries=4, timeout=7)
    copy = client.copy(api_key="sk-other", base_url="http://other.test/v2")
    copy.roles.retrieve("r1")
    assert recorder.last.request.url == "http://other.test/v2/role/r1"
    assert recorder.last.headers["authorization"] == "Bearer sk-other"
    assert copy.max_retries == 4 and copy.timeout == Timeout(7)
    assert client.copy(timeout=None).timeout == Timeout(None)
    assert client.copy(max_retries=0).max_retries == 0
    assert client.copy(environment="environment_1").base_url == wootiv.ENVIRONMENTS["environment_1"]
    assert client.copy(environment="environment_1", base_url="http://x.test").base_url == "http://x.test"
    assert client.base_url == BASE_URL and client.max_retries == 4


def test_copy_changes_strict_validation() -> None:
    broken = Answer.json({"id": "r1", "name": 5})
    client, _ = sync_client(broken)
    assert client.roles.retrieve("r1").name == 5
    with pytest.raises(wootiv.APIResponseValidationError):
        client.copy(strict_response_validation=True).roles.retrieve("r1")
    with pytest.raises(wootiv.APIResponseValidationError):
        client.copy(_strict_response_validation=True).roles.retrieve("r1")
    strict, _ = sync_client(broken, strict_response_validation=True)
    assert strict.copy(strict_response_validation=False).roles.retrieve("r1").name == 5


def test_copy_changes_the_call_bounds() -> None:
    client, recorder = sync_client(Answer.json({"id": "r1", "name": "n"}))
    bounded = client.copy(max_response_size=1000, deadline=30.0, retry_writes=True)
    bounded.roles.retrieve("r1")
    assert recorder.last.request.max_response_size == 1000
    # A deadline cuts each attempt's limits to the time left.
    assert recorder.last.request.timeout.attempt is not None and recorder.last.request.timeout.attempt <= 30.0
    unbounded = bounded.copy(max_response_size=None, deadline=None)
    unbounded.roles.retrieve("r1")
    assert recorder.last.request.max_response_size is None
    assert recorder.last.request.timeout == client.timeout


@pytest.mark.parametrize(
    "options, error",
    [
        ({"max_retries": -1}, ValueError),
        ({"api_key": ""}, WootivError),
        ({"environment": "nowhere"}, ValueError),
        ({"base_url": "ftp://x"}, ValueError),
        ({"default_headers": {"X-Bad": "a\r\nb"}}, ValueError),
        ({"deadline": 0}, ValueError),
        ({"deadline": "soon"}, TypeError),
        ({"max_response_size": 0}, ValueError),
        ({"retry_writes": "yes"}, TypeError),
        ({"connection_pool_limits": 10}, TypeError),
        ({"proxy": "http://127.0.0.1:1", "proxies": "http://127.0.0.1:2"}, ValueError),
    ],
)
def test_copy_refuses_bad_options_before_sending(options: Dict[str, Any], error: type) -> None:
    client, recorder = sync_client()
    with pytest.raises(error):
        client.copy(**options)
    assert recorder.sent == []


def test_a_copy_shares_connections_and_closing_it_leaves_them_open() -> None:
    client, recorder = sync_client(Answer.json(ROLE))
    copy = client.copy(max_retries=0)
    copy.close()
    assert copy.is_closed() and not client.is_closed() and not recorder.closed
    client.roles.retrieve("r1")
    other = client.copy()
    client.close()
    assert recorder.closed and client.is_closed() and other.is_closed()


def test_a_copy_with_its_own_http_client_owns_and_closes_it() -> None:
    client, first = sync_client(Answer.json(ROLE))
    second = Recorder(Answer.json(ROLE))
    copy = client.copy(http_client=second)
    copy.roles.retrieve("r1")
    assert len(second.sent) == 1 and first.sent == []
    copy.close()
    assert second.closed and not first.closed and copy.is_closed() and not client.is_closed()


def test_a_copy_with_new_transport_options_makes_its_own_httpx_client() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(200, json=ROLE)

    client = Wootiv(api_key=API_KEY, base_url="http://api.wootiv.test", transport=httpx.MockTransport(handler))
    limited = client.copy(connection_pool_limits=PoolLimits(max_connections=3))
    assert limited.roles.retrieve("r1").id == "r1"  # built from the original's transport= as well
    assert seen == ["api.wootiv.test"]
    limited.close()
    assert client.roles.retrieve("r1").id == "r1"  # the original's client is still open
    other = Wootiv(api_key=API_KEY, base_url="http://api.wootiv.test").copy(transport=httpx.MockTransport(handler))
    assert other.roles.retrieve("r1").id == "r1" and len(seen) == 3
    other.close()
    client.close()


def test_a_copy_given_a_users_client_does_not_inherit_the_options_of_the_sdks_client() -> None:
    client = Wootiv(api_key=API_KEY, base_url=BASE_URL, proxy="http://127.0.0.1:3128")
    with httpx.Client() as mine:
        copy = client.copy(http_client=mine)
        copy.close()
        assert not mine.is_closed  # a client passed in is never closed by the SDK
    client.close()


def test_async_copy_and_close() -> None:
    async def main() -> None:
        first, second = AsyncRecorder(Answer.json(ROLE)), AsyncRecorder(Answer.json(ROLE))
        client = AsyncWootiv(api_key=API_KEY, base_url=BASE_URL, http_client=first, default_headers={"X-A": "1"})
        shared = client.with_options(set_default_headers={"X-B": "2"})
        own = client.copy(http_client=second)
        await shared.roles.retrieve("r1")
        assert "x-a" not in first.last.headers and first.last.headers["x-b"] == "2"
        await own.roles.retrieve("r1")
        assert len(second.sent) == 1
        await shared.close()
        await own.close()
        assert not first.closed and second.closed and shared.is_closed() and not client.is_closed()
        await client.close()
        assert first.closed and client.is_closed()

    asyncio.run(main())


def test_closing_twice_is_harmless() -> None:
    client, recorder = sync_client()
    client.close()
    client.close()
    assert recorder.closed and client.is_closed()


def test_the_earlier_client_names_are_the_clients() -> None:
    assert wootiv.Client is Wootiv and wootiv.AsyncClient is AsyncWootiv
