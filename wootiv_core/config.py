"""The client settings the core needs to build requests and read answers."""

from __future__ import annotations

from typing import Mapping, Optional

import attrs

from .http import DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, Timeout
from .retries import RetryPolicy

__all__ = ["ClientConfig", "check_header", "ENVIRONMENTS", "DEFAULT_ENVIRONMENT"]

#: The API's named environments, from the spec's `x-environments`.
ENVIRONMENTS: Mapping[str, str] = {
    "production": "http://localhost:3001",
    "environment_1": "https://dev.wootiv.com",
}
DEFAULT_ENVIRONMENT = "production"


def check_header(name: str, value: str) -> None:
    """Refuse a header that could split the request (CR or LF) before anything is sent."""
    if not isinstance(name, str) or not isinstance(value, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"header {name!r} must have a str name and value, got {type(value).__name__}")
    if any(ch in name for ch in "\r\n:") or not name.strip():
        raise ValueError(f"invalid header name {name!r}")
    if "\r" in value or "\n" in value:
        raise ValueError(f"the value of header {name!r} contains a line break (CR or LF); remove it")


@attrs.frozen
class ClientConfig:
    """Everything a client decides once and every call uses.

    The API key is excluded from `repr` so that it never shows in a log line
    or a traceback.
    """

    api_key: str = attrs.field(repr=False)
    base_url: str
    timeout: Timeout = DEFAULT_TIMEOUT
    retry: RetryPolicy = RetryPolicy()
    default_headers: Mapping[str, str] = attrs.field(factory=dict[str, str])
    default_query: Mapping[str, object] = attrs.field(factory=dict[str, object])
    strict: bool = False
    user_agent: str = "Wootiv/Python"
    #: Seconds a whole call may take, retries and waits included (`None`: no bound).
    deadline: Optional[float] = None
    #: Retry writes after failures that leave their outcome unknown (for
    #: servers that honour the Idempotency-Key the SDK sends).
    retry_writes: bool = False
    max_response_size: Optional[int] = DEFAULT_MAX_RESPONSE_SIZE

    #: `base_url` without a trailing slash, and the `Authorization` header
    #: value: worked out once here rather than on every request.
    api_root: str = attrs.field(init=False, repr=False, eq=False)
    authorization: str = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "api_root", self.base_url.rstrip("/"))
        object.__setattr__(self, "authorization", f"Bearer {self.api_key}")
        check_header("Authorization", self.api_key)
        for name, value in self.default_headers.items():
            check_header(name, value)
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {self.base_url!r}")
