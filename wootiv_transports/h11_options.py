"""The options of the native transport, checked once for its sync and async sides.

Everything here happens at construction, before anything is sent: pool
limits and proxy URLs are checked (`TypeError`/`ValueError` that say what
fits), proxies are read from the environment when none is given, and the
TLS context is taken as passed or made by `ssl.create_default_context()`
(which verifies certificates and host names, and honours `SSL_CERT_FILE`
and `SSL_CERT_DIR`) on the first `https://` connection.
"""

from __future__ import annotations

import os
import ssl
import threading
from typing import Mapping, Optional

from .h11_pool import check_limits
from .h11_routes import Router, proxy_settings
from .h11_wire import HeadCache

__all__ = ["NativeOptions"]


class NativeOptions:
    """What both sides of the native transport are configured with."""

    __slots__ = ("router", "heads", "max_connections", "max_keepalive_connections", "keepalive_expiry", "_ssl", "_lock")

    def __init__(
        self,
        adapter: str,
        *,
        proxy: Optional[str],
        proxies: Optional[Mapping[str, str]],
        ssl_context: object,
        max_connections: Optional[int],
        max_keepalive_connections: Optional[int],
        keepalive_expiry: Optional[float],
        trust_env: bool,
    ) -> None:
        if ssl_context is not None and not isinstance(ssl_context, ssl.SSLContext):
            raise TypeError(
                f"{adapter}(ssl=...) takes an ssl.SSLContext (for instance "
                f"ssl.create_default_context(cafile='ca.pem')) or None, got {type(ssl_context).__name__}"
            )
        check_limits(max_connections, max_keepalive_connections, keepalive_expiry)
        environ: Mapping[str, str] = os.environ if trust_env else {}
        self.router = Router(proxy_settings(proxy, proxies, environ))
        self.heads = HeadCache()
        self.max_connections = max_connections
        self.max_keepalive_connections = max_keepalive_connections
        self.keepalive_expiry = keepalive_expiry
        self._ssl: Optional[ssl.SSLContext] = ssl_context
        self._lock = threading.Lock()

    def tls_context(self) -> ssl.SSLContext:
        """The context for TLS connections: the one passed in, or the default one."""
        context = self._ssl
        if context is None:
            with self._lock:
                context = self._ssl
                if context is None:
                    context = ssl.create_default_context()
                    context.set_alpn_protocols(["http/1.1"])
                    self._ssl = context
        return context
