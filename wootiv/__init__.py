"""Typed Python client for the Wootiv REST API.

    from wootiv import Wootiv as Wootiv

    client = Wootiv()  # reads WOOTIV_API_KEY
    role = client.roles.retrieve("role-id")

Names are loaded on first use, so `import wootiv` stays fast and imports
neither requests nor aiohttp (nor httpx until a client is made).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Dict, List

from ._version import __version__

if TYPE_CHECKING:
    from wootiv_core.errors import (
        APIConnectionError as APIConnectionError,
        APIError as APIError,
        APIResponseTooLargeError as APIResponseTooLargeError,
        APIResponseValidationError as APIResponseValidationError,
        APIStatusError as APIStatusError,
        APITimeoutError as APITimeoutError,
        AuthenticationError as AuthenticationError,
        BadRequestError as BadRequestError,
        ConflictError as ConflictError,
        InternalServerError as InternalServerError,
        NotFoundError as NotFoundError,
        PermissionDeniedError as PermissionDeniedError,
        RateLimitError as RateLimitError,
        UnprocessableEntityError as UnprocessableEntityError,
        WootivError as WootivError,
    )
    from wootiv_core.http import Timeout as Timeout
    from wootiv_core.pool import PoolLimits as PoolLimits
    from wootiv_core.config import ENVIRONMENTS as ENVIRONMENTS
    from wootiv_core.operation import NOT_GIVEN as NOT_GIVEN, NotGiven as NotGiven

    from . import types as types
    from ._client import AsyncClient as AsyncClient, AsyncWootiv as AsyncWootiv, Client as Client, Wootiv as Wootiv
    from ._custom_requests import RequestOptions as RequestOptions
    from ._pages import AsyncPage as AsyncPage, AsyncPager as AsyncPager, PageInfo as PageInfo, SyncPage as SyncPage
    from ._response import APIResponse as APIResponse, AsyncAPIResponse as AsyncAPIResponse

__all__ = [
    "__version__",
    "types",
    "Wootiv",
    "AsyncWootiv",
    "Client",
    "AsyncClient",
    "SyncPage",
    "AsyncPage",
    "AsyncPager",
    "PageInfo",
    "APIResponse",
    "AsyncAPIResponse",
    "RequestOptions",
    "Timeout",
    "PoolLimits",
    "ENVIRONMENTS",
    "NOT_GIVEN",
    "NotGiven",
    "WootivError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "APIResponseValidationError",
    "APIResponseTooLargeError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
]

_WHERE: Dict[str, str] = {
    "Wootiv": "wootiv._client",
    "AsyncWootiv": "wootiv._client",
    "Client": "wootiv._client",
    "AsyncClient": "wootiv._client",
    "SyncPage": "wootiv._pages",
    "AsyncPage": "wootiv._pages",
    "AsyncPager": "wootiv._pages",
    "PageInfo": "wootiv._pages",
    "APIResponse": "wootiv._response",
    "AsyncAPIResponse": "wootiv._response",
    "RequestOptions": "wootiv._custom_requests",
    "Timeout": "wootiv_core.http",
    "PoolLimits": "wootiv_core.pool",
    "ENVIRONMENTS": "wootiv_core.config",
    "NOT_GIVEN": "wootiv_core.operation",
    "NotGiven": "wootiv_core.operation",
    # Every public name ending in "Error" is an exception from the core.
    **{name: "wootiv_core.errors" for name in __all__ if name.endswith("Error")},
}


def __getattr__(name: str) -> Any:
    if name == "types":
        return import_module("wootiv.types")
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'wootiv' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(__all__)
