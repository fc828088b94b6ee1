"""Transport adapters: one per HTTP library, each imported only when used.

`HttpxTransport` and `AsyncHttpxTransport` (httpx), `RequestsTransport`
(requests) and `AiohttpTransport` (aiohttp) implement the core's
`SyncTransport` / `AsyncTransport` protocols: they turn a core `Request` into
one call of their library, with the target byte for byte as the core built
it, hold it to every limit of its `Timeout` (the whole attempt's included)
and to its `max_response_size`, hand back the answer as a core `Response`,
and turn every failure of the library into `APIConnectionError` or
`APITimeoutError` (saying whether the request may have been sent), or a
`ValueError` for a request the library refuses, with secrets scrubbed from
the messages. They know HTTP and their library, never a Wootiv endpoint or
model. docs/transports.md says what each one guarantees.

Importing this package imports none of the libraries: each name is looked up
on first use (module `__getattr__`), so an application that only has requests
installed never needs aiohttp, and `import wootiv` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:
    from .aiohttp_transport import AiohttpTransport as AiohttpTransport
    from .httpx_transport import AsyncHttpxTransport as AsyncHttpxTransport
    from .httpx_transport import HttpxTransport as HttpxTransport
    from .requests_transport import RequestsTransport as RequestsTransport

__all__ = ["HttpxTransport", "AsyncHttpxTransport", "RequestsTransport", "AiohttpTransport"]

_MODULE_OF: Dict[str, str] = {
    "HttpxTransport": "httpx_transport",
    "AsyncHttpxTransport": "httpx_transport",
    "RequestsTransport": "requests_transport",
    "AiohttpTransport": "aiohttp_transport",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> List[str]:
    return sorted({*globals(), *__all__})
