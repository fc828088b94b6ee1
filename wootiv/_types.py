"""Type aliases of the per-call options every method takes."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from wootiv_core.http import Timeout
from wootiv_core.operation import NotGiven

__all__ = ["Headers", "Query", "Body", "TimeoutArg", "DeadlineArg", "RetryWritesArg"]

Headers = Mapping[str, Optional[str]]
"""Extra request headers; a `None` value removes a header the SDK would send."""

Query = Mapping[str, object]
"""Extra query parameters, encoded like the declared ones."""

Body = Mapping[str, object]
"""Extra JSON body members (or form fields for uploads)."""

TimeoutArg = Union[float, Timeout, Any, None, NotGiven]
"""Seconds, a `wootiv.Timeout`, an `httpx.Timeout`, `None` for no limit, or the client's default."""

DeadlineArg = Union[float, None, NotGiven]
"""Seconds the whole call may take, retries and waits included; `None` for no bound, or the client's."""

RetryWritesArg = Union[bool, NotGiven]
"""Whether a write may be sent again when its outcome is unknown, or the client's setting."""
