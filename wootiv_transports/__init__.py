"""Transport adapters: one per HTTP library, each imported only when used.

`HttpxTransport` and `AsyncHttpxTransport` (httpx), `RequestsTransport`
(requests) and `AiohttpTransport` (aiohttp) implement the core's transport
protocols. They know HTTP and their library, never a Wootiv endpoint or
model. Importing this package imports none of the libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Dict

if TYPE_CHECKING:
    from .aiohttp_transport import AiohttpTransport as AiohttpTransport
    from .httpx_transport import AsyncHttpxTransport as AsyncHttpxTransport
    from .httpx_transport import HttpxTransport as HttpxTransport
    from .requests_transport import RequestsTransport as RequestsTransport

__all__ = ["HttpxTransport", "AsyncHttpxTransport", "RequestsTransport", "AiohttpTransport"]

_WHERE: Dict[str, str] = {
    "HttpxTransport": "httpx_transport",
    "AsyncHttpxTransport": "httpx_transport",
    "RequestsTransport": "requests_transport",
    "AiohttpTransport": "aiohttp_transport",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'wootiv_transports' has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
