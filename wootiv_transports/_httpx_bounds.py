"""httpcore network backends that hold each SDK attempt to its time bound.

httpx has no limit on a whole request, only on each read, write and
connect; a server that trickles a byte a second never trips any of them.
These backends wrap httpcore's own (sockets, TLS and all stay httpcore's)
and give every read, write and connect made during an SDK attempt at most
the time the attempt has left (`_attempt.CURRENT`), raising httpcore's own
timeout once none is left, so httpx closes the connection and reports a
timeout as it would for any other. Each write also marks the attempt as
having written: a failure before that certainly sent nothing.

Outside an SDK attempt (no current `Attempt`) they only delegate, so a
transport they are installed in behaves as before for anything else that
uses it.

`bound_pools` installs them in the connection pools of httpx's own
`HTTPTransport`/`AsyncHTTPTransport` objects. It reaches private
attributes (`_pool`, `_network_backend`), each looked up with a default:
on an httpx whose internals differ it installs nothing and says so, and
the adapter falls back to bounding the body between chunks.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

import httpcore

from ._attempt import BOUND_PASSED, CURRENT

__all__ = ["bound_pools"]


def _limit(wait: Optional[float], error: type) -> Optional[float]:
    attempt = CURRENT.get()
    if attempt is None:
        return wait
    left = attempt.limit(wait)
    if left is not None and left <= 0:
        raise error(BOUND_PASSED)
    return left


def _mark_written() -> None:
    attempt = CURRENT.get()
    if attempt is not None:
        attempt.wrote = True


class _Stream(httpcore.NetworkStream):
    __slots__ = ("_stream",)

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: Optional[float] = None) -> bytes:
        return self._stream.read(max_bytes, _limit(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: Optional[float] = None) -> None:
        timeout = _limit(timeout, httpcore.WriteTimeout)
        _mark_written()
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: Optional[str] = None, timeout: Optional[float] = None) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _limit(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: Optional[float] = None,
        local_address: Optional[str] = None,
        socket_options: Optional[Iterable[Any]] = None,
    ) -> httpcore.NetworkStream:
        timeout = _limit(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: Optional[float] = None, socket_options: Optional[Iterable[Any]] = None
    ) -> httpcore.NetworkStream:
        timeout = _limit(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    __slots__ = ("_stream",)

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: Optional[float] = None) -> bytes:
        return await self._stream.read(max_bytes, _limit(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: Optional[float] = None) -> None:
        timeout = _limit(timeout, httpcore.WriteTimeout)
        _mark_written()
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: Optional[str] = None, timeout: Optional[float] = None
    ) -> httpcore.AsyncNetworkStream:
        timeout = _limit(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: Optional[float] = None,
        local_address: Optional[str] = None,
        socket_options: Optional[Iterable[Any]] = None,
    ) -> httpcore.AsyncNetworkStream:
        timeout = _limit(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    async def connect_unix_socket(
        self, path: str, timeout: Optional[float] = None, socket_options: Optional[Iterable[Any]] = None
    ) -> httpcore.AsyncNetworkStream:
        timeout = _limit(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def bound_pools(transports: Iterable[object]) -> bool:
    """Install the bounding backend in each transport's pool; whether every one took it.

    Only transports that are httpx's own (`HTTPTransport`,
    `AsyncHTTPTransport`, with or without a proxy) have a pool to install
    into; any other transport (a mock, a custom one) makes this false.
    """
    every = True
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, (_Backend, _AsyncBackend)):
            continue
        if isinstance(backend, httpcore.NetworkBackend):
            pool._network_backend = _Backend(backend)  # pyright: ignore
        elif isinstance(backend, httpcore.AsyncNetworkBackend):
            pool._network_backend = _AsyncBackend(backend)  # pyright: ignore
        else:
            every = False
    return every
