"""How many connections a transport keeps, in terms every HTTP stack understands.

`PoolLimits` is the SDK's own, transport-neutral form of httpx's `Limits`:
the same three numbers, so that one client option can size the pool of
whichever stack sends the requests. Each transport applies what its stack
can express (see `PoolLimits`); core only holds and checks the values.
"""

from __future__ import annotations

from typing import Any, Optional

import attrs

__all__ = ["PoolLimits"]


def _whole_number(minimum: int) -> Any:
    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(
                f"PoolLimits({attribute.name}=...) takes a whole number or None (no limit), got {type(value).__name__}"
            )
        if value < minimum:
            raise ValueError(f"PoolLimits({attribute.name}=...) must be at least {minimum}, or None for no limit; got {value}")

    return check


def _seconds(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"PoolLimits({attribute.name}=...) takes seconds as a number, or None, got {type(value).__name__}")
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"PoolLimits({attribute.name}=...) must be a finite number of seconds >= 0, or None; got {value}")


@attrs.frozen
class PoolLimits:
    """The connection pool of the HTTP client the SDK creates.

    Pass it as `connection_pool_limits=` to `Wootiv`, `AsyncWootiv`, or their
    `copy()`; an `httpx.Limits` is accepted too and read as the same three
    numbers. It sizes only a pool the SDK creates: with your own
    `http_client`, set the limits on that client instead.

    The defaults are the earlier SDK's: 100 connections, 20 of them kept
    idle, for 5 seconds. What each stack makes of it:

    * httpx: `httpx.Limits` with the same three values.
    * aiohttp: the `TCPConnector`'s `limit` (`None` becomes aiohttp's 0, no
      limit) and `keepalive_timeout`; aiohttp has no separate count of idle
      connections, so `max_keepalive_connections` does not apply.
    * requests: `max_connections` becomes the `HTTPAdapter`'s `pool_maxsize`,
      the connections kept per host (urllib3's pools do not block, so it is
      no cap on concurrent calls; `None` keeps the SDK's 100); urllib3 has
      no idle expiry or idle count.
    """

    #: Connections open at once, busy or idle (`None`: no limit).
    max_connections: Optional[int] = attrs.field(default=100, validator=_whole_number(1))
    #: Idle connections kept for reuse (`None`: no limit).
    max_keepalive_connections: Optional[int] = attrs.field(default=20, validator=_whole_number(0))
    #: Seconds an idle connection is kept before it is closed (`None`: kept until the server closes it).
    keepalive_expiry: Optional[float] = attrs.field(default=5.0, validator=_seconds)
