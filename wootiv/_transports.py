"""Choosing the transport a client sends through, from its options.

`http_client=` may be an httpx client, a `requests.Session`, an
`aiohttp.ClientSession`, the name of one of those stacks, `"h11"` for the
SDK's own HTTP/1.1 transport, or any object that already implements the core
transport protocol (such as the in-process emulator's or an `H11Transport`
made with its own options). A client or session passed in is used as it is and never closed
by us; the transport adapters guarantee that.

`connection_pool_limits=` sizes the pool of a client or session the SDK
creates; with one passed in, it is refused with the advice to size that one.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Union, cast

from wootiv_core.pool import PoolLimits
from wootiv_core.transport import AsyncTransport, SyncTransport

if TYPE_CHECKING:
    import httpx

__all__ = ["sync_transport", "async_transport", "pool_limits", "LimitsOption", "ProxiesOption"]

ProxiesOption = Union[str, Mapping[str, str], None]
"""`proxy=`/`proxies=`: one proxy URL, or the earlier SDK's `{"https://": url}` per URL pattern."""
LimitsOption = Union[PoolLimits, "httpx.Limits", None]
"""`connection_pool_limits=`: a `wootiv.PoolLimits`, an `httpx.Limits`, or `None` for the defaults."""


def pool_limits(value: object) -> Optional[PoolLimits]:
    """`connection_pool_limits=` as a `PoolLimits` (an `httpx.Limits` is read as one)."""
    if value is None or isinstance(value, PoolLimits):
        return value
    # An httpx.Limits can only exist once httpx is imported: no import just to check.
    httpx_module = sys.modules.get("httpx")
    if httpx_module is not None and isinstance(value, httpx_module.Limits):
        value = cast("httpx.Limits", value)
        return PoolLimits(
            max_connections=value.max_connections,
            max_keepalive_connections=value.max_keepalive_connections,
            keepalive_expiry=value.keepalive_expiry,
        )
    raise TypeError(
        "connection_pool_limits= takes a wootiv.PoolLimits(max_connections=..., max_keepalive_connections=..., "
        f"keepalive_expiry=...) or an httpx.Limits, got {type(value).__name__}"
    )


def _httpx_limits(limits: Optional[PoolLimits]) -> Dict[str, Any]:
    if limits is None:
        return {}
    return {
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
    }


def _requests_limits(limits: Optional[PoolLimits]) -> Dict[str, Any]:
    if limits is None or limits.max_connections is None:
        return {}
    return {"max_connections": limits.max_connections}


def _aiohttp_limits(limits: Optional[PoolLimits]) -> Dict[str, Any]:
    if limits is None:
        return {}
    return {"max_connections": limits.max_connections, "keepalive_expiry": limits.keepalive_expiry}


def _refuse_limits_with_own_client(limits: Optional[PoolLimits], http_client: object) -> None:
    if limits is None:
        return
    advice = {
        "httpx": "httpx.Client(limits=httpx.Limits(...)) / httpx.AsyncClient(limits=...)",
        "requests": "session.mount('https://', requests.adapters.HTTPAdapter(pool_maxsize=...))",
        "aiohttp": "aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=..., keepalive_timeout=...))",
    }.get(_library(http_client), "the limits of that transport")
    raise ValueError(
        "connection_pool_limits= sizes the pool of the client the SDK creates; with your own http_client, "
        f"set the limits on it instead: {advice}"
    )


def _library(obj: object) -> str:
    return type(obj).__module__.split(".", 1)[0]


def _single_proxy(proxy: Optional[str], proxies: ProxiesOption) -> Optional[str]:
    if proxy is not None and proxies is not None:
        raise ValueError("pass either proxy= or proxies=, not both")
    if proxies is None or isinstance(proxies, str):
        return proxy if proxies is None else proxies
    return None


def _httpx_mounts(proxies: ProxiesOption, async_: bool) -> Optional[Dict[str, Any]]:
    """The earlier SDK's `proxies={"https://": url}` as httpx mounts.

    httpx 0.28 dropped `proxies=`; one mount per URL pattern does the same.
    """
    if proxies is None or isinstance(proxies, str):
        return None
    import httpx

    kind = httpx.AsyncHTTPTransport if async_ else httpx.HTTPTransport
    return {pattern: kind(proxy=url) for pattern, url in proxies.items()}


def _native_options(transport: Any, proxy: Optional[str], proxies: ProxiesOption) -> Dict[str, Any]:
    """The options of an h11 transport the SDK makes, refusing an httpx `transport=`."""
    if transport is not None:
        raise ValueError(
            "transport= takes an httpx transport, which http_client='h11' does not use (it opens its own "
            "connections); drop transport=, or leave http_client unset to send through httpx"
        )
    if proxies is not None and not isinstance(proxies, str):
        return {"proxies": dict(proxies)}
    return {"proxy": _single_proxy(proxy, proxies)}


def sync_transport(
    http_client: Any,
    *,
    transport: Any = None,
    proxy: Optional[str] = None,
    proxies: ProxiesOption = None,
    limits: Optional[PoolLimits] = None,
) -> SyncTransport:
    """The transport for a `Wootiv` client."""
    single = _single_proxy(proxy, proxies)
    if http_client is None or http_client == "httpx":
        from wootiv_transports.httpx_transport import HttpxTransport

        return HttpxTransport(
            transport=transport, proxy=single, mounts=_httpx_mounts(proxies, False), **_httpx_limits(limits)
        )
    if http_client == "h11":
        from wootiv_transports.h11_transport import H11Transport

        return H11Transport(**_native_options(transport, proxy, proxies), **_httpx_limits(limits))
    if transport is not None or single is not None or proxies is not None:
        raise ValueError("transport=, proxy= and proxies= configure the client the SDK creates; "
                         "with http_client=, configure that client instead")
    if http_client == "requests":
        from wootiv_transports.requests_transport import RequestsTransport

        return RequestsTransport(**_requests_limits(limits))
    if isinstance(http_client, str):
        raise ValueError(f"Wootiv(http_client={http_client!r}): use 'httpx', 'requests' or 'h11' (for 'aiohttp', use AsyncWootiv)")
    _refuse_limits_with_own_client(limits, http_client)
    library = _library(http_client)
    if library == "httpx":
        from wootiv_transports.httpx_transport import HttpxTransport

        return HttpxTransport(http_client)
    if library == "requests":
        from wootiv_transports.requests_transport import RequestsTransport

        return RequestsTransport(http_client)
    if library == "aiohttp":
        raise TypeError("an aiohttp.ClientSession is async: use it with AsyncWootiv(http_client=session)")
    if isinstance(http_client, SyncTransport):
        return http_client
    raise TypeError(
        "Wootiv(http_client=...) takes an httpx.Client, a requests.Session or a sync transport, "
        f"got {type(http_client).__name__}"
    )


def async_transport(
    http_client: Any,
    *,
    transport: Any = None,
    proxy: Optional[str] = None,
    proxies: ProxiesOption = None,
    limits: Optional[PoolLimits] = None,
) -> AsyncTransport:
    """The transport for an `AsyncWootiv` client."""
    single = _single_proxy(proxy, proxies)
    if http_client is None or http_client == "httpx":
        from wootiv_transports.httpx_transport import AsyncHttpxTransport

        return AsyncHttpxTransport(
            transport=transport, proxy=single, mounts=_httpx_mounts(proxies, True), **_httpx_limits(limits)
        )
    if http_client == "h11":
        from wootiv_transports.h11_async_transport import AsyncH11Transport

        return AsyncH11Transport(**_native_options(transport, proxy, proxies), **_httpx_limits(limits))
    if transport is not None or single is not None or proxies is not None:
        raise ValueError("transport=, proxy= and proxies= configure the client the SDK creates; "
                         "with http_client=, configure that client instead")
    if http_client == "aiohttp":
        from wootiv_transports.aiohttp_transport import AiohttpTransport

        return AiohttpTransport(**_aiohttp_limits(limits))
    if isinstance(http_client, str):
        raise ValueError(f"AsyncWootiv(http_client={http_client!r}): use 'httpx', 'aiohttp' or 'h11' (for 'requests', use Wootiv)")
    _refuse_limits_with_own_client(limits, http_client)
    library = _library(http_client)
    if library == "httpx":
        from wootiv_transports.httpx_transport import AsyncHttpxTransport

        return AsyncHttpxTransport(http_client)
    if library == "aiohttp":
        from wootiv_transports.aiohttp_transport import AiohttpTransport

        return AiohttpTransport(http_client)
    if library == "requests":
        raise TypeError("a requests.Session is sync: use it with Wootiv(http_client=session)")
    if isinstance(http_client, AsyncTransport):
        return http_client
    raise TypeError(
        "AsyncWootiv(http_client=...) takes an httpx.AsyncClient, an aiohttp.ClientSession or an async "
        f"transport, got {type(http_client).__name__}"
    )
