"""Where the native transport sends a request: the origin, the proxy, the target.

Pure decisions, shared by the socket and the asyncio sides of the h11
transport (`h11_transport`, `h11_async_transport`); nothing here opens a
connection or reads the environment itself (the environment is passed in).

A `Route` says everything a connection needs to know before its first byte:
the address to connect to, whether to tunnel (`CONNECT`) and then speak TLS,
and the pool key under which finished connections wait for reuse. For each
request it also gives the target bytes and the `Host` value:

* direct: the path and query exactly as the core built them, byte for byte;
* through an HTTP proxy to an `http://` URL: the whole URL (absolute form),
  sent to the proxy, which is where the connection goes;
* through an HTTP proxy to an `https://` URL: a `CONNECT host:port` tunnel
  through the proxy, then TLS with the real host, then the path and query.

Proxies come from `proxy=` (one URL for everything) or, when none is given,
from the environment like httpx reads it: `HTTP_PROXY`, `HTTPS_PROXY`,
`ALL_PROXY` (lower-case names first) and `NO_PROXY`.
"""

from __future__ import annotations

import base64
import ipaddress
from typing import Dict, Mapping, Optional, Tuple
from urllib.parse import unquote

import attrs

__all__ = ["Origin", "Route", "Router", "ProxySettings", "parse_origin", "split_url", "check_proxy_url", "proxy_settings"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


@attrs.frozen
class Origin:
    """Scheme, host and port of a URL; `authority` is the `Host` value as written."""

    scheme: str
    host: str
    port: int
    authority: str


@attrs.frozen
class Route:
    """How to reach one origin, and the key its pooled connections share.

    `host`/`port` are where the TCP connection goes (the proxy, if any).
    `tunnel` is the `host:port` of a `CONNECT` to send first; `tls_host` the
    name to verify TLS against (`None`: plain text). `absolute_form` means the
    request target is the whole URL, as a forward proxy expects.
    `proxy_headers` go with every request to the proxy (or with its
    `CONNECT`): its `Proxy-Authorization`, when the proxy URL has
    credentials.
    """

    key: Tuple[str, str, int, str]
    host: str
    port: int
    tls_host: Optional[str] = None
    tunnel: Optional[str] = None
    absolute_form: bool = False
    # Credentials: never in a repr.
    proxy_headers: Tuple[Tuple[str, str], ...] = attrs.field(default=(), repr=False)


def split_url(url: str) -> Tuple[str, str]:
    """`(scheme://authority, target)` of a URL, the target untouched.

    The target is the path and query exactly as they stand (no re-quoting,
    no dot segments resolved); an empty path becomes `/`. Raises
    `ValueError` for anything that is not an absolute URL.
    """
    start = url.find("://")
    if start <= 0:
        raise ValueError("not an absolute URL (scheme://host/path)")
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, start + 3)
        if found != -1 and found < end:
            end = found
    return url[:end], _target(url, end)


def _target(url: str, end: int) -> str:
    """The target of `url` whose `scheme://authority` ends at `end`."""
    target = url[end:].split("#", 1)[0]
    return target if target.startswith("/") else "/" + target


def parse_origin(prefix: str) -> Origin:
    """The `Origin` of `scheme://authority`; `ValueError` saying what is wrong."""
    scheme, _, authority = prefix.partition("://")
    scheme = scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"the h11 transport speaks http:// and https://, not {scheme}://")
    hostport = authority.rpartition("@")[2]
    if not hostport:
        raise ValueError("the URL has no host")
    if hostport.startswith("["):
        close = hostport.find("]")
        if close == -1:
            raise ValueError("an IPv6 host must be closed by ']'")
        host, rest = hostport[1:close], hostport[close + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError("junk after the IPv6 host")
        port_text = rest[1:]
    else:
        host, _, port_text = hostport.partition(":")
    if not host:
        raise ValueError("the URL has no host")
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"the port must be a number from 1 to 65535, got {port_text!r}")
        port = int(port_text)
    else:
        port = _DEFAULT_PORTS[scheme]
    return Origin(scheme, host.lower(), port, hostport)


@attrs.frozen
class ProxySettings:
    """Proxy URLs by the scheme of the target URL, and the hosts that skip them."""

    # Proxy URLs may hold credentials: never in a repr.
    by_scheme: Mapping[str, str] = attrs.field(factory=lambda: {}, repr=False)
    no_proxy: Tuple[str, ...] = ()


def check_proxy_url(url: object) -> Origin:
    """The origin of a proxy URL, or a `TypeError`/`ValueError` that says what fits."""
    if not isinstance(url, str):
        raise TypeError(f"a proxy must be given as a URL string such as 'http://proxy:3128', got {type(url).__name__}")
    if url.partition("://")[0].lower() != "http":
        raise ValueError(
            "the h11 transport talks to proxies in plain HTTP (an 'http://' proxy URL; https:// targets are "
            "tunnelled with CONNECT); for a TLS or SOCKS proxy use the httpx transport"
        )
    try:
        prefix, _ = split_url(url)
        return parse_origin(prefix)
    except ValueError as exc:
        raise ValueError(f"the proxy URL is not usable ({exc}); give one such as 'http://proxy:3128'") from None


def proxy_settings(proxy: Optional[str], proxies: Optional[Mapping[str, str]], environ: Mapping[str, str]) -> ProxySettings:
    """The proxies to use: `proxy=`, else `proxies=` by scheme, else the environment.

    `proxies` takes the earlier SDK's keys, `"http://"`, `"https://"` and
    `"all://"`. Every URL is checked here, at construction.
    """
    if proxy is not None:
        check_proxy_url(proxy)
        return ProxySettings({"http": proxy, "https": proxy})
    if proxies is not None:
        by_scheme: Dict[str, str] = {}
        for pattern, url in proxies.items():
            scheme = pattern.rstrip(":/").lower()
            if scheme not in ("http", "https", "all"):
                raise ValueError(f"proxies= keys are 'http://', 'https://' or 'all://', got {pattern!r}")
            check_proxy_url(url)
            for each in ("http", "https") if scheme == "all" else (scheme,):
                by_scheme.setdefault(each, url)
        return ProxySettings(by_scheme)
    return _environment_proxies(environ)


def _env(environ: Mapping[str, str], name: str) -> str:
    return (environ.get(name.lower()) or environ.get(name.upper()) or "").strip()


def _environment_proxies(environ: Mapping[str, str]) -> ProxySettings:
    by_scheme: Dict[str, str] = {}
    fallback = _env(environ, "all_proxy")
    for scheme in ("http", "https"):
        url = _env(environ, f"{scheme}_proxy") or fallback
        if url:
            if "://" not in url:
                url = "http://" + url  # httpx reads 'proxy:3128' the same way
            check_proxy_url(url)
            by_scheme[scheme] = url
    no_proxy = tuple(entry.strip().lower() for entry in _env(environ, "no_proxy").split(",") if entry.strip())
    return ProxySettings(by_scheme, no_proxy)


def _bypasses(origin: Origin, no_proxy: Tuple[str, ...]) -> bool:
    """Whether `NO_PROXY` exempts `origin`: `*`, the host, a parent domain, or a network."""
    host = origin.host
    for entry in no_proxy:
        if entry == "*":
            return True
        name, _, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if port and (not port.isdigit() or int(port) != origin.port):
            continue
        name = name.lstrip(".").lstrip("*").lstrip(".")
        if host == name or host.endswith("." + name):
            return True
        if "/" in name:
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(name, strict=False):
                    return True
            except ValueError:
                pass
    return False


def _credentials(authority: str) -> Tuple[Tuple[str, str], ...]:
    userinfo, at, _ = authority.rpartition("@")
    if not at:
        return ()
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    return (("Proxy-Authorization", f"Basic {token}"),)


class Router:
    """Works out the `Route` of each request, remembering each origin's.

    Nearly every request of a client goes to one origin, so the answer is
    cached by the URL's `scheme://authority`; the cache is bounded. The
    dictionary is only ever added to whole entries, which is safe for
    threads sharing a sync transport.
    """

    __slots__ = ("_settings", "_routes", "_last")

    _LIMIT = 256

    def __init__(self, settings: ProxySettings) -> None:
        self._settings = settings
        self._routes: Dict[str, Tuple[Route, Origin]] = {}
        # The prefix routed last with its route: one `startswith` finds the
        # usual case without splitting the URL (a tuple, replaced whole).
        self._last: Optional[Tuple[str, Route, Origin]] = None

    def route(self, url: str) -> Tuple[Route, Origin, str]:
        """`(route, origin, target)` for `url`; `ValueError` for a URL that cannot be sent."""
        last = self._last
        # `url` splits where the last prefix ends when it starts with it and
        # goes on with a path, a query or a fragment (or ends).
        if last is not None and url.startswith(last[0]) and url[len(last[0]) : len(last[0]) + 1] in ("", "/", "?", "#"):
            prefix, route, origin = last
            target = _target(url, len(prefix))
        else:
            prefix, target = split_url(url)
            known = self._routes.get(prefix)
            if known is None:
                known = self._work_out(prefix)
                if len(self._routes) < self._LIMIT:
                    self._routes[prefix] = known
            route, origin = known
            self._last = (prefix, route, origin)
        if route.absolute_form:
            target = prefix + target
        return route, origin, target

    def _work_out(self, prefix: str) -> Tuple[Route, Origin]:
        origin = parse_origin(prefix)
        if "@" in prefix.partition("://")[2]:
            raise ValueError("credentials in the URL are not sent; use the client's api_key")
        proxy = self._settings.by_scheme.get(origin.scheme)
        if proxy is not None and _bypasses(origin, self._settings.no_proxy):
            proxy = None
        if proxy is None:
            key = (origin.scheme, origin.host, origin.port, "")
            tls_host = origin.host if origin.scheme == "https" else None
            return Route(key, origin.host, origin.port, tls_host), origin
        proxy_prefix, _ = split_url(proxy)
        via = parse_origin(proxy_prefix)
        headers = _credentials(proxy_prefix.partition("://")[2])
        if origin.scheme == "http":
            key = ("http", via.host, via.port, "forward")
            return Route(key, via.host, via.port, absolute_form=True, proxy_headers=headers), origin
        tunnel = f"{origin.host}:{origin.port}" if ":" not in origin.host else f"[{origin.host}]:{origin.port}"
        key = ("https", origin.host, origin.port, f"{via.host}:{via.port}")
        return Route(key, via.host, via.port, origin.host, tunnel, proxy_headers=headers), origin

