"""The native h11 transport: its pool, TLS, proxies, decoding and bad input.

Run against the small servers of `native_servers` on 127.0.0.1, each test on
both the blocking and the asyncio transport with the same expectations.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import ssl
import threading
import time
import zlib
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from wootiv import AsyncWootiv, Wootiv
from wootiv_core.errors import APIConnectionError, APIResponseTooLargeError, APITimeoutError
from wootiv_core.http import Request, Timeout
from wootiv_transports import AsyncH11Transport, H11Transport

from .conftest import Driver
from .native_servers import Peer, Proxy, RawServer, answer, keep_alive, make_tls_files

TIMEOUT = Timeout(5.0)


@pytest.fixture(params=["h11", "h11-async"])
def native(request: pytest.FixtureRequest) -> Driver:
    is_async = request.param == "h11-async"
    return Driver(request.param, is_async, AsyncH11Transport if is_async else H11Transport)


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


async def _get(native: Driver, transport: Any, url: str, timeout: Timeout = TIMEOUT, method: str = "GET") -> Any:
    return await native.send(transport, Request(method, url, {}, b"{}" if method == "POST" else b"", timeout))


async def _calls(native: Driver, server: RawServer, count: int, **options: Any) -> Tuple[int, List[Any]]:
    transport = native.make(**options)
    try:
        answers = [await _get(native, transport, server.url("/")) for _ in range(count)]
    finally:
        await native.close(transport)
    return server.accepted, answers


# -- the pool -----------------------------------------------------------------------


async def test_connections_are_reused(native: Driver, raw_server: RawServer) -> None:
    accepted, answers = await _calls(native, raw_server, 5)
    assert accepted == 1 and [a.status_code for a in answers] == [200] * 5


async def test_idle_connections_expire(native: Driver, raw_server: RawServer) -> None:
    transport = native.make(keepalive_expiry=0.1)
    try:
        await _get(native, transport, raw_server.url())
        await _get(native, transport, raw_server.url())
        time.sleep(0.3)
        await _get(native, transport, raw_server.url())
    finally:
        await native.close(transport)
    assert raw_server.accepted == 2


async def test_no_more_idle_connections_are_kept_than_allowed(raw_server: RawServer) -> None:
    # Six calls at once need six connections; four are closed when given back.
    transport = AsyncH11Transport(max_keepalive_connections=2)
    try:
        await asyncio.gather(*(transport.send(Request("GET", raw_server.url(), {}, b"", TIMEOUT)) for _ in range(6)))
        assert transport.open_connections == 2
    finally:
        await transport.aclose()


def _slow(peer: Peer) -> None:
    while peer.read_request() is not None:
        time.sleep(0.6)
        peer.send(answer())


async def test_a_33rd_concurrent_call_waits_for_a_free_connection_within_the_pool_timeout(native: Driver) -> None:
    server = RawServer(_slow)
    transport = native.make(max_connections=32)
    url = server.url()
    try:
        if native.is_async:
            holders = [asyncio.ensure_future(_get(native, transport, url)) for _ in range(32)]
            await asyncio.sleep(0.2)
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as caught:
                await _get(native, transport, url, Timeout(5.0, pool=0.1))
            assert time.monotonic() - started < 0.5
            waiting = asyncio.ensure_future(_get(native, transport, url, Timeout(5.0, pool=3.0)))
            results = await asyncio.gather(*holders, waiting)
        else:
            results: List[Any] = []
            threads = [threading.Thread(target=lambda: results.append(transport.send(Request("GET", url, {}, b"", TIMEOUT)))) for _ in range(32)]
            for thread in threads:
                thread.start()
            time.sleep(0.2)
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as caught:
                transport.send(Request("GET", url, {}, b"", Timeout(5.0, pool=0.1)))
            assert time.monotonic() - started < 0.5
            results.append(transport.send(Request("GET", url, {}, b"", Timeout(5.0, pool=3.0))))
            for thread in threads:
                thread.join()
        assert caught.value.sent is False
        assert [r.status_code for r in results] == [200] * 33
        assert server.accepted == 32
    finally:
        await native.close(transport)
        server.close()


def _drops_second_request(peer: Peer) -> None:
    """Answer the first request, then read the second and hang up without a word."""
    if peer.read_request() is not None:
        peer.send(answer())
        peer.read_request()


def _closes_when_idle(peer: Peer) -> None:
    if peer.read_request() is not None:
        peer.send(answer())
        time.sleep(0.05)


@pytest.mark.parametrize("handler", [_drops_second_request, _closes_when_idle], ids=["drops-the-request", "closes-when-idle"])
async def test_a_connection_the_server_closed_is_retried_once_on_a_new_one_even_for_a_post(native: Driver, handler: Any) -> None:
    server = RawServer(handler)
    transport = native.make()
    try:
        await _get(native, transport, server.url())
        time.sleep(0.2)
        response = await _get(native, transport, server.url(), method="POST")
        assert response.status_code == 200
        assert server.accepted == 2
    finally:
        await native.close(transport)
        server.close()


async def test_a_fresh_connection_dropped_is_not_retried(native: Driver) -> None:
    server = RawServer(lambda peer: peer.read_request() and None)
    transport = native.make()
    try:
        with pytest.raises(APIConnectionError) as caught:
            await _get(native, transport, server.url(), method="POST")
        assert caught.value.sent is True and server.accepted == 1
    finally:
        await native.close(transport)
        server.close()


def _connection_close(peer: Peer) -> None:
    while peer.read_request() is not None:
        peer.send(answer(headers="Connection: close\r\n"))


def _http10(peer: Peer) -> None:
    if peer.read_request() is not None:
        peer.send(b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"old": true}')


@pytest.mark.parametrize("handler", [_connection_close, _http10], ids=["connection-close", "http-1.0"])
async def test_an_answer_that_ends_the_connection_is_read_whole_and_not_reused(native: Driver, handler: Any) -> None:
    server = RawServer(handler)
    try:
        accepted, answers = await _calls(native, server, 3)
    finally:
        server.close()
    assert accepted == 3 and all(a.status_code == 200 for a in answers)
    if handler is _http10:
        assert answers[0].content == b'{"old": true}'


def test_one_sync_transport_serves_many_threads(raw_server: RawServer) -> None:
    transport = H11Transport(max_connections=4)
    failures: List[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                assert transport.send(Request("GET", raw_server.url(), {}, b"", TIMEOUT)).status_code == 200
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    transport.close()
    assert failures == [] and raw_server.accepted <= 4


def test_an_async_transport_refuses_a_second_live_loop(raw_server: RawServer) -> None:
    transport = AsyncH11Transport()
    first = asyncio.new_event_loop()
    second = asyncio.new_event_loop()
    try:
        first.run_until_complete(transport.send(Request("GET", raw_server.url(), {}, b"", TIMEOUT)))
        with pytest.raises(RuntimeError, match="one client per event loop"):
            second.run_until_complete(transport.send(Request("GET", raw_server.url(), {}, b"", TIMEOUT)))
        first.run_until_complete(transport.aclose())
    finally:
        first.close()
        second.close()


# -- answers ----------------------------------------------------------------------


def _encoded(peer: Peer) -> None:
    payload = b'{"text": "' + b"z" * 5000 + b'"}'
    while True:
        request = peer.read_request()
        if request is None:
            return
        kind = request[0].split(" ")[1].strip("/")
        body = {
            "gzip": gzip.compress(payload),
            "deflate": zlib.compress(payload),
            "raw-deflate": zlib.compress(payload)[2:-4],
        }[kind]
        encoding = "gzip" if kind == "gzip" else "deflate"
        peer.send(answer(body, headers=f"Content-Encoding: {encoding}\r\n"))


@pytest.mark.parametrize("kind", ["gzip", "deflate", "raw-deflate"])
async def test_compressed_answers_are_decoded_within_the_size_limit(native: Driver, kind: str) -> None:
    server = RawServer(_encoded)
    transport = native.make()
    try:
        response = await _get(native, transport, server.url(f"/{kind}"))
        assert response.content == b'{"text": "' + b"z" * 5000 + b'"}'
        # 5 KB decoded from far fewer bytes on the wire: the limit counts decoded bytes.
        small = Request("GET", server.url(f"/{kind}"), {}, b"", TIMEOUT, max_response_size=1000)
        with pytest.raises(APIResponseTooLargeError):
            await native.send(transport, small)
        assert transport.open_connections == 0, "a connection cut short is not reused"
    finally:
        await native.close(transport)
        server.close()


async def test_an_announced_length_past_the_limit_fails_before_reading(native: Driver, raw_server: RawServer) -> None:
    transport = native.make()
    try:
        with pytest.raises(APIResponseTooLargeError) as caught:
            await native.send(transport, Request("GET", raw_server.url(), {}, b"", TIMEOUT, max_response_size=1))
        assert caught.value.limit == 1
    finally:
        await native.close(transport)


def _misbehaving(peer: Peer) -> None:
    request = peer.read_request()
    if request is None:
        return
    kind = request[0].split(" ")[1].strip("/")
    if kind == "huge-headers":
        peer.send(b"HTTP/1.1 200 OK\r\n" + b"X-Filler: " + b"a" * 200_000 + b"\r\n\r\n")
    elif kind == "too-long":
        peer.send(answer(b"{}") + b"and more bytes than announced")
    elif kind == "not-http":
        peer.send(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
    time.sleep(1)


@pytest.mark.parametrize(
    "kind, words",
    [("huge-headers", "header block"), ("too-long", "Content-Length"), ("not-http", "not valid HTTP/1.1")],
)
async def test_a_malformed_answer_is_a_connection_error_at_once(native: Driver, kind: str, words: str) -> None:
    server = RawServer(_misbehaving)
    transport = native.make()
    try:
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as caught:
            await _get(native, transport, server.url(f"/{kind}"))
        assert time.monotonic() - started < 0.9, "no waiting for the server to give up"
        assert type(caught.value) is APIConnectionError and words in str(caught.value)
        assert transport.open_connections == 0
    finally:
        await native.close(transport)
        server.close()


# -- TLS ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(tls_files: Tuple[Path, Path, Path]) -> Iterator[RawServer]:
    _, cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server = RawServer(keep_alive, tls=context)
    yield server
    server.close()


async def test_tls_with_a_ca_passed_in(native: Driver, tls_server: RawServer, tls_files: Tuple[Path, Path, Path]) -> None:
    transport = native.make(ssl=ssl.create_default_context(cafile=str(tls_files[0])))
    try:
        assert (await _get(native, transport, tls_server.url())).status_code == 200
        assert (await _get(native, transport, tls_server.url())).status_code == 200
        assert tls_server.accepted == 1
    finally:
        await native.close(transport)


async def test_tls_refuses_an_unknown_ca_before_sending(native: Driver, tls_server: RawServer) -> None:
    transport = native.make()
    try:
        with pytest.raises(APIConnectionError) as caught:
            await _get(native, transport, tls_server.url())
        assert caught.value.sent is False and "certificate" in str(caught.value).lower()
    finally:
        await native.close(transport)


async def test_tls_honours_ssl_cert_file(
    native: Driver, tls_server: RawServer, tls_files: Tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[0]))
    transport = native.make()
    try:
        assert (await _get(native, transport, tls_server.url())).status_code == 200
    finally:
        await native.close(transport)


# -- proxies ------------------------------------------------------------------------


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    server = Proxy()
    yield server
    server.close()


async def test_http_goes_through_the_proxy_in_absolute_form_with_its_credentials(
    native: Driver, proxy: Proxy, raw_server: RawServer
) -> None:
    transport = native.make(proxy=f"http://user:p%40ss@127.0.0.1:{proxy.port}")
    try:
        assert (await _get(native, transport, raw_server.url("/a%2Fb?x=1"))).status_code == 200
    finally:
        await native.close(transport)
    line, auth = proxy.seen[0]
    assert line == f"GET {raw_server.url('/a%2Fb?x=1')} HTTP/1.1"
    assert auth == "Basic " + base64.b64encode(b"user:p@ss").decode()


async def test_https_goes_through_a_connect_tunnel(
    native: Driver, proxy: Proxy, tls_server: RawServer, tls_files: Tuple[Path, Path, Path]
) -> None:
    context = ssl.create_default_context(cafile=str(tls_files[0]))
    transport = native.make(proxy=f"http://127.0.0.1:{proxy.port}", ssl=context)
    try:
        assert (await _get(native, transport, tls_server.url("/x"))).status_code == 200
        assert (await _get(native, transport, tls_server.url("/y"))).status_code == 200
    finally:
        await native.close(transport)
    assert proxy.seen == [(f"CONNECT 127.0.0.1:{tls_server.port} HTTP/1.1", None)]


async def test_proxies_come_from_the_environment_and_no_proxy_exempts(
    native: Driver, proxy: Proxy, raw_server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.delenv("http_proxy", raising=False)
    for no_proxy, through in (("", True), ("127.0.0.1", False), ("example.com,*", False)):
        monkeypatch.setenv("NO_PROXY", no_proxy)
        monkeypatch.delenv("no_proxy", raising=False)
        proxy.seen.clear()
        transport = native.make()
        try:
            await _get(native, transport, raw_server.url("/env"))
        finally:
            await native.close(transport)
        assert bool(proxy.seen) is through, no_proxy
    transport = native.make(trust_env=False)
    proxy.seen.clear()
    try:
        monkeypatch.setenv("NO_PROXY", "")
        await _get(native, transport, raw_server.url("/env"))
    finally:
        await native.close(transport)
    assert proxy.seen == []


# -- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, error, words",
    [
        ({"proxy": 3128}, TypeError, "URL string"),
        ({"proxy": "socks5://127.0.0.1:1080"}, ValueError, "httpx"),
        ({"proxy": "https://127.0.0.1:3128"}, ValueError, "plain HTTP"),
        ({"proxy": "http://127.0.0.1:99999"}, ValueError, "port"),
        ({"ssl": True}, TypeError, "ssl.SSLContext"),
        ({"ssl": "/etc/ssl/ca.pem"}, TypeError, "cafile"),
        ({"max_connections": 0}, ValueError, "at least 1"),
        ({"keepalive_expiry": "5"}, TypeError, "seconds"),
    ],
)
def test_bad_options_fail_at_construction_saying_what_fits(native: Driver, options: Any, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        native.make(**options)


def test_h11_with_an_httpx_transport_is_refused() -> None:
    import httpx

    for client in (Wootiv, AsyncWootiv):
        with pytest.raises(ValueError, match="transport= takes an httpx transport"):
            client(api_key="k", http_client="h11", transport=httpx.MockTransport(lambda r: httpx.Response(200)))
        with pytest.raises(TypeError, match="URL string"):
            client(api_key="k", http_client="h11", proxy=42)  # type: ignore[arg-type]


async def test_a_url_the_transport_cannot_send_is_a_value_error_that_hides_it(native: Driver) -> None:
    transport = native.make()
    try:
        with pytest.raises(ValueError) as caught:
            await _get(native, transport, "http://user:pw-secret@127.0.0.1:1/x")
        assert "pw-secret" not in str(caught.value) and "credentials" in str(caught.value)
    finally:
        await native.close(transport)


def test_proxy_credentials_never_show(native: Driver) -> None:
    from wootiv_transports.h11_routes import Router, proxy_settings

    settings = proxy_settings("http://user:s3cret@127.0.0.1:3128", None, {})
    route, _, _ = Router(settings).route("https://api.example.test/x")
    transport = native.make(proxy="http://user:s3cret@127.0.0.1:3128")
    assert "s3cret" not in repr(settings) + repr(route) + repr(transport)
    with pytest.raises(ValueError) as caught:
        native.make(proxy="http://user:s3cret@127.0.0.1:port")
    assert "s3cret" not in str(caught.value)


def _trickle(peer: Peer) -> None:
    if peer.read_request() is not None:
        peer.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(100):
            time.sleep(0.05)
            peer.send(b"x")


async def test_the_attempt_bound_cuts_off_a_trickling_answer(native: Driver) -> None:
    # No single read waits long, so only the bound on the whole attempt stops it.
    server = RawServer(_trickle)
    transport = native.make()
    try:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            await _get(native, transport, server.url(), Timeout(10.0, read=1.0, attempt=0.5))
        assert 0.45 < time.monotonic() - started < 1.2
        assert caught.value.sent is True and "attempt" in str(caught.value)
    finally:
        await native.close(transport)
        server.close()


def _answers_after(delays: List[float]) -> Any:
    """A handler answering the n-th request on its connection after `delays[n]` seconds."""

    def handler(peer: Peer) -> None:
        for delay in delays:
            if peer.read_request() is None:
                return
            time.sleep(delay)
            peer.send(answer())

    return handler


async def test_each_call_on_a_kept_alive_connection_is_bounded_by_its_own_limits(native: Driver) -> None:
    # The asyncio side keeps one timer per connection from call to call: a
    # timer armed by an earlier, shorter call must not cut a later, longer
    # one short, nor a call without limits, and one armed by a longer call
    # must not let a later, shorter one wait past its own limit.
    server = RawServer(_answers_after([0.0, 0.6, 0.0, 0.6, 5.0]))
    transport = native.make()
    try:
        await _get(native, transport, server.url(), Timeout(0.3))
        assert (await _get(native, transport, server.url(), Timeout(None))).status_code == 200
        await _get(native, transport, server.url(), Timeout(0.3))
        assert (await _get(native, transport, server.url(), Timeout(2.0))).status_code == 200
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            await _get(native, transport, server.url(), Timeout(10.0, read=0.3))
        assert 0.25 < time.monotonic() - started < 1.2
        assert caught.value.sent is True and "reading the answer" in str(caught.value)
        assert server.accepted == 1
    finally:
        await native.close(transport)
        server.close()


async def test_after_a_stale_try_a_failed_reconnect_says_the_request_may_have_been_sent(native: Driver) -> None:
    server = RawServer(_drops_second_request)
    transport = native.make()
    try:
        await _get(native, transport, server.url())
        server.close()  # nothing listens any more: the retry cannot connect
        with pytest.raises(APIConnectionError) as caught:
            await _get(native, transport, server.url(), method="POST")
        assert caught.value.sent is True
    finally:
        await native.close(transport)


def test_connection_pool_limits_reach_the_h11_pool(raw_server: RawServer) -> None:
    from wootiv_core.pool import PoolLimits

    limits = PoolLimits(max_connections=3, max_keepalive_connections=1, keepalive_expiry=1.0)
    with Wootiv(api_key="k", base_url=raw_server.base, http_client="h11", connection_pool_limits=limits) as client:
        book = client._transport._book  # pyright: ignore[reportAttributeAccessIssue, reportPrivateUsage]
        assert (book.max_connections, book.max_idle, book.expiry) == (3, 1, 1.0)
