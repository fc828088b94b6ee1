"""Typed Python client for the Wootiv REST API.

    from wootiv import Wootiv

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
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        InternalServerError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        UnprocessableEntityError,
        WootivError,
    )
    from wootiv_core.http import Timeout
    from wootiv_core.config import ENVIRONMENTS
    from wootiv_core.operation import NOT_GIVEN, NotGiven

    from . import types
    from ._client import AsyncWootiv, Wootiv
    from ._pages import AsyncPage, AsyncPager, PageInfo, SyncPage

_ERRORS = (
    "WootivError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
)

_WHERE: Dict[str, str] = {
    "Wootiv": "wootiv._client",
    "AsyncWootiv": "wootiv._client",
    "SyncPage": "wootiv._pages",
    "AsyncPage": "wootiv._pages",
    "AsyncPager": "wootiv._pages",
    "PageInfo": "wootiv._pages",
    "Timeout": "wootiv_core.http",
    "ENVIRONMENTS": "wootiv_core.config",
    "NOT_GIVEN": "wootiv_core.operation",
    "NotGiven": "wootiv_core.operation",
    **{name: "wootiv_core.errors" for name in _ERRORS},
}

__all__ = ["__version__", "types", *_WHERE]


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
