"""The native transport's shortcuts against the slow paths they stand for.

`HeadCache` copies a checked `h11.Request` with another target instead of
building it again, checking the target with h11's own (private) expression;
the answer's headers are decoded only when read; the router finds the prefix
it routed last without splitting the URL. These tests fail if h11 stops
building or checking requests the way the shortcut relies on, if the lazy
headers ever differ from the `Headers` they stand for, or if the router's
shortcut routes a URL differently from a fresh router.
"""

from __future__ import annotations

import pickle
from typing import Dict, List, Optional, Tuple

import h11
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wootiv_core.http import Headers, Request
from wootiv_transports import h11_wire
from wootiv_transports.h11_routes import ProxySettings, Router
from wootiv_transports.h11_wire import Exchange, HeadCache, new_connection

HEADERS = {"Accept": "application/json", "User-Agent": "Wootiv/Python 1.0.0", "Authorization": "Bearer k"}


def _reference(request: Request, target: str) -> Tuple[Optional[h11.Request], Optional[str]]:
    """What h11 builds for `request` when it checks everything itself, or the message it refuses with."""
    router = Router(ProxySettings())
    route, origin, _ = router.route(request.url)
    try:
        headers = h11_wire._framing_and_extras(request, origin, route)  # pyright: ignore[reportPrivateUsage]
        return h11.Request(method=request.method, target=target, headers=headers), None
    except (h11.LocalProtocolError, UnicodeError) as exc:
        return None, str(h11_wire._refused(exc))  # pyright: ignore[reportPrivateUsage]


def _fast(request: Request, target: str) -> Tuple[Optional[h11.Request], Optional[str]]:
    router = Router(ProxySettings())
    route, origin, _ = router.route(request.url)
    cache = HeadCache()
    try:
        cache.event(request, origin, route, "/warm")  # the template is built and kept first
        return cache.event(request, origin, route, target), None
    except (h11.LocalProtocolError, UnicodeError) as exc:
        return None, str(h11_wire._refused(exc))  # pyright: ignore[reportPrivateUsage]


def test_the_target_expression_is_the_one_h11_checks_with() -> None:
    from h11 import _events

    assert h11_wire._TARGET is _events.request_target_re  # pyright: ignore[reportPrivateUsage]


@given(st.text(alphabet=st.characters(max_codepoint=0x10FF), min_size=0, max_size=12))
def test_a_copied_request_is_the_one_h11_builds_or_refuses(suffix: str) -> None:
    target = "/role/" + suffix
    request = Request("GET", "http://127.0.0.1:8000/role/x", dict(HEADERS))
    reference, refused = _reference(request, target)
    fast, fast_refused = _fast(request, target)
    assert fast_refused == refused
    assert fast == reference
    if reference is not None and fast is not None:
        # The same bytes on the wire, through h11's own state machine.
        assert new_connection().send(fast) == new_connection().send(reference)


@pytest.mark.parametrize(
    "method, headers, content",
    [
        ("GET", dict(HEADERS), b""),
        ("POST", {**HEADERS, "Content-Type": "application/json"}, b'{"a": 1}'),
        ("POST", {**HEADERS, "Idempotency-Key": "k-1"}, b""),
        ("PUT", {**HEADERS, "Host": "example.test"}, b"x"),
        ("GET", {**HEADERS, "Accept-Encoding": "identity"}, b""),
        ("POST", dict(HEADERS), [b"a", b"b"]),
        ("GET", {"X-Bad": "line\r\nbreak"}, b""),
        ("GET\r\n", dict(HEADERS), b""),
        ("POST", {"Content-Length": "5"}, b"12345"),
    ],
)
def test_the_cached_request_matches_h11_for_each_kind_of_request(method: str, headers: Dict[str, str], content: object) -> None:
    request = Request(method, "http://127.0.0.1:8000/x", headers, content)  # type: ignore[arg-type]
    assert _fast(request, "/x?a=1") == _reference(request, "/x?a=1")


def test_requests_that_differ_in_what_framing_reads_do_not_share_an_entry() -> None:
    router = Router(ProxySettings())
    cache = HeadCache()
    seen: List[h11.Request] = []
    for url, content in [
        ("http://127.0.0.1:8000/x", b"ab"),
        ("http://127.0.0.1:8000/x", b"abc"),
        ("http://127.0.0.1:9000/x", b"abc"),
        ("http://127.0.0.1:9000/x", [b"abc"]),
    ]:
        request = Request("POST", url, dict(HEADERS), content)  # type: ignore[arg-type]
        route, origin, target = router.route(url)
        event = cache.event(request, origin, route, target)
        assert event == _reference(request, target)[0]
        seen.append(event)
    assert len({bytes(new_connection().send(event) or b"") for event in seen}) == 4


def _answered(raw: bytes) -> Exchange:
    router = Router(ProxySettings())
    route, origin, target = router.route("http://127.0.0.1:8000/x")
    exchange = Exchange(new_connection(), HeadCache(), Request("GET", "http://127.0.0.1:8000/x", dict(HEADERS)), origin, route, target, False)
    exchange.head()
    assert exchange.feed(raw)
    return exchange


def test_lazy_answer_headers_behave_as_the_headers_they_decode_to() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Thing: caf\xe9\r\nSet-Cookie: secret\r\nContent-Length: 2\r\n\r\nok"
    headers = _answered(raw).response().headers
    expected = Headers([("Content-Type", "text/plain"), ("X-Thing", "caf\xe9"), ("Set-Cookie", "secret"), ("Content-Length", "2")])
    assert headers == expected
    assert dict(headers) == dict(expected)
    assert list(headers.items()) == list(expected.items())
    assert headers.get("content-type") == "text/plain"
    assert headers.get("missing") is None
    assert "X-THING" in headers and "missing" not in headers and 3 not in headers
    assert len(headers) == 4
    assert repr(headers) == repr(expected)
    assert "secret" not in repr(headers)
    copy = pickle.loads(pickle.dumps(headers))
    assert type(copy) is Headers and copy == expected


_URL_PART = st.sampled_from(["http://", "https://", "HTTP://", "a.test", "b.test:8080", "[::1]", ":81", "/", "?", "#", "x", "@", "/p?q#f", ""])


@given(st.lists(st.lists(_URL_PART, max_size=6).map("".join), min_size=1, max_size=8))
@example(["http://a.test", "http://a.test:81/x", "http://a.testx/", "http://a.test#f", "http://a.test?q", "http://a.test/p"])
@example(["http://a.test/x", "http://a.test@b.test/x", "http://a.test:81", "https://a.test/x"])
def test_a_router_that_remembers_its_last_prefix_routes_as_a_fresh_one(urls: List[str]) -> None:
    router = Router(ProxySettings())
    for url in urls:
        try:
            reference: object = Router(ProxySettings()).route(url)
        except ValueError as exc:
            reference = str(exc)
        try:
            routed: object = router.route(url)
        except ValueError as exc:
            routed = str(exc)
        assert routed == reference
