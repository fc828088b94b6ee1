"""The client settings the core needs to build requests and read answers."""

from __future__ import annotations

from typing import Mapping, Optional

import attrs

from .checks import check_api_key, check_base_url, check_deadline, check_headers
from .checks import check_max_response_size, check_retry_writes
from .http import DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, Timeout
from .retries import RetryPolicy

__all__ = ["ClientConfig", "ENVIRONMENTS", "DEFAULT_ENVIRONMENT"]

ENVIRONMENTS: Mapping[str, str] = {
    "production": "http://localhost:3001",
    "environment_1": "https://dev.wootiv.com",
}
"""The API's named environments and their base URLs, from the spec's `x-environments`: pass a name as `environment=`."""
DEFAULT_ENVIRONMENT = "production"


@attrs.frozen
class ClientConfig:
    """Everything a client decides once and every call uses.

    The API key is excluded from `repr` so that it never shows in a log line
    or a traceback. Every value is checked when the config is made
    (`wootiv_core.checks`), so that a mistake is a `ValueError` or
    `TypeError` at construction rather than a failure on the first call.
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
    #: The most bytes of answer a transport reads (`None`: no limit).
    max_response_size: Optional[int] = DEFAULT_MAX_RESPONSE_SIZE

    #: `base_url` without a trailing slash, and the `Authorization` header
    #: value: worked out once here rather than on every request.
    api_root: str = attrs.field(init=False, repr=False, eq=False)
    authorization: str = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Everything a client is given is checked here, once: a copy made
        # with `attrs.evolve` (`with_options`) passes through here again.
        check_api_key(self.api_key)
        check_headers(self.default_headers, "default_headers")
        check_deadline(self.deadline)
        check_max_response_size(self.max_response_size)
        check_retry_writes(self.retry_writes)
        object.__setattr__(self, "api_root", check_base_url(self.base_url))
        object.__setattr__(self, "authorization", f"Bearer {self.api_key}")
