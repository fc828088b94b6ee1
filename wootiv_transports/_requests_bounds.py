"""A requests adapter whose sockets hold each SDK attempt to its time bound.

requests (through urllib3 and http.client) limits each socket operation,
never a whole request: a server that trickles a byte a second keeps it
reading for as long as it likes. `BoundedHTTPAdapter` is requests' own
`HTTPAdapter` whose urllib3 pools make connections of two small subclasses
of urllib3's: before each send they cut the socket's timeout to what the
current attempt (`_attempt.CURRENT`) has left and mark it as having
written; the answer is read through a file whose every `recv` waits at
most what is left, and fails with `socket.timeout` (which urllib3 reports
as a read timeout) once nothing is. Nothing else changes: connection
setup, TLS, proxies and pooling are urllib3's. Outside an SDK attempt the
classes behave exactly like urllib3's.

Used only for sessions the SDK creates; SOCKS proxies (urllib3's own pool
classes) keep urllib3's behaviour.
"""

from __future__ import annotations

import http.client
import io
import socket
from typing import Any, Dict, Optional, Type

import requests.adapters
import urllib3
import urllib3.connection
import urllib3.connectionpool

from ._attempt import BOUND_PASSED, CURRENT, Attempt

__all__ = ["BoundedHTTPAdapter"]


def _left(attempt: Attempt, wait: Optional[float]) -> Optional[float]:
    left = attempt.limit(wait)
    if left is not None and left <= 0:
        raise socket.timeout(BOUND_PASSED)
    return left


class _BoundedReader(io.RawIOBase):
    """The socket as a raw stream whose every `recv` ends by the attempt's bound."""

    def __init__(self, sock: socket.socket, attempt: Attempt) -> None:
        self._sock = sock
        self._attempt = attempt
        # urllib3 set the socket's timeout to the read limit just before.
        self._read = sock.gettimeout()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(_left(self._attempt, self._read))
        return self._sock.recv_into(buffer)


class _BoundedSocket:
    """What `http.client.HTTPResponse` needs of a socket: `makefile`."""

    def __init__(self, sock: socket.socket, attempt: Attempt) -> None:
        self._sock = sock
        self._attempt = attempt

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_BoundedReader(self._sock, self._attempt))


class _BoundedResponse(http.client.HTTPResponse):
    def __init__(self, sock: Any, debuglevel: int = 0, method: Optional[str] = None, url: Optional[str] = None) -> None:
        attempt = CURRENT.get()
        if attempt is not None and attempt.ends is not None:
            sock = _BoundedSocket(sock, attempt)
        super().__init__(sock, debuglevel, method, url)


def _before_send(connection: Any) -> None:
    attempt = CURRENT.get()
    if attempt is None:
        return
    if connection.sock is None and connection.auto_open:
        connection.connect()
    if connection.sock is not None and attempt.ends is not None:
        connection.sock.settimeout(_left(attempt, connection.timeout))
    attempt.wrote = True


class _BoundedHTTPConnection(urllib3.connection.HTTPConnection):
    response_class = _BoundedResponse

    def send(self, data: Any) -> None:
        _before_send(self)
        super().send(data)


class _BoundedHTTPSConnection(urllib3.connection.HTTPSConnection):
    response_class = _BoundedResponse

    def send(self, data: Any) -> None:
        _before_send(self)
        super().send(data)


# urllib3's own connection classes do not match the protocol its pools
# declare (`default_socket_options` and others), so neither do these.
class _BoundedHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _BoundedHTTPConnection  # pyright: ignore[reportAssignmentType]


class _BoundedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _BoundedHTTPSConnection  # pyright: ignore[reportAssignmentType]


_POOLS: Dict[str, Type[urllib3.connectionpool.HTTPConnectionPool]] = {"http": _BoundedHTTPPool, "https": _BoundedHTTPSPool}


class BoundedHTTPAdapter(requests.adapters.HTTPAdapter):
    """requests' `HTTPAdapter`, with pools whose connections keep to the attempt's bound."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is urllib3.ProxyManager:
            manager.pool_classes_by_scheme = _POOLS
        return manager
