"""The native transport's connection pool, as bookkeeping without I/O.

Which pooled connection a request gets, when an idle one has expired, and
whether there is room to open another are decided here, once, for the
socket side (which guards the pool with a lock and waits on a condition)
and the asyncio side (which waits on futures). Neither the clock nor the
connections are touched: callers pass `now` (a monotonic reading) and get
back the connections they must close.

Limits, with httpx's defaults and names:

* `max_connections`: open connections in all, busy or idle, over every
  origin. A request that finds none free and no room waits (bounded by the
  `pool` timeout) until one is given back or closed.
* `max_keepalive_connections`: idle connections kept for reuse; a
  connection given back past this number is closed.
* `keepalive_expiry`: seconds an idle connection is kept; older ones are
  closed instead of reused (servers close idle connections after a while,
  and one that did so would fail the next request).

The most recently used idle connection of an origin is reused first: it is
the one least likely to have been closed by the server.
"""

from __future__ import annotations

from typing import Dict, Generic, Hashable, List, Optional, Tuple, TypeVar

__all__ = ["PoolBook", "check_limits"]

C = TypeVar("C")

_NO_LIMIT = 2**62


def check_limits(max_connections: object, max_keepalive_connections: object, keepalive_expiry: object) -> None:
    """`TypeError`/`ValueError` for pool limits that cannot work, saying what fits."""
    for name, value in (("max_connections", max_connections), ("max_keepalive_connections", max_keepalive_connections)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"{name} must be a whole number or None (no limit), got {type(value).__name__}")
    if max_connections is not None and max_connections < 1:  # type: ignore[operator]
        raise ValueError(f"max_connections must be at least 1, got {max_connections}")
    if max_keepalive_connections is not None and max_keepalive_connections < 0:  # type: ignore[operator]
        raise ValueError(f"max_keepalive_connections must be 0 or more, got {max_keepalive_connections}")
    if keepalive_expiry is not None and (isinstance(keepalive_expiry, bool) or not isinstance(keepalive_expiry, (int, float))):
        raise TypeError(f"keepalive_expiry must be seconds or None, got {type(keepalive_expiry).__name__}")
    if keepalive_expiry is not None and keepalive_expiry < 0:  # type: ignore[operator]
        raise ValueError(f"keepalive_expiry must be 0 or more seconds, got {keepalive_expiry}")


class PoolBook(Generic[C]):
    """Idle connections by pool key, and the count of all open ones.

    A connection is counted from `reserve()` (before it is opened, so that
    concurrent openers cannot pass the limit) until `forget()`. In between it
    is either busy (with its caller) or idle in the book.
    """

    __slots__ = ("max_connections", "max_idle", "expiry", "_idle", "_idle_count", "_open")

    def __init__(
        self, max_connections: Optional[int], max_keepalive_connections: Optional[int], keepalive_expiry: Optional[float]
    ) -> None:
        # None: no limit (as in httpx).
        self.max_connections = _NO_LIMIT if max_connections is None else max_connections
        idle = _NO_LIMIT if max_keepalive_connections is None else max_keepalive_connections
        self.max_idle = min(idle, self.max_connections)
        self.expiry = keepalive_expiry
        self._idle: Dict[Hashable, List[Tuple[C, float]]] = {}
        self._idle_count = 0
        self._open = 0

    @property
    def open_count(self) -> int:
        """Connections counted as open: busy, idle or being opened."""
        return self._open

    @property
    def idle_count(self) -> int:
        """Connections waiting in the book for reuse."""
        return self._idle_count

    def take(self, key: Hashable, now: float) -> Tuple[Optional[C], List[C]]:
        """An idle connection for `key` (or `None`), and the expired ones to close.

        The expired ones are forgotten here: the caller only closes them.
        """
        idle = self._idle.get(key)
        if not idle:
            return None, []
        connection, since = idle.pop()
        self._idle_count -= 1
        expired: List[C] = []
        if self.expiry is not None and now - since > self.expiry:
            # The rest of the list is older still.
            expired = [connection] + [old for old, _ in idle]
            self._idle_count -= len(idle)
            self._open -= len(expired)
            idle.clear()
            return None, expired
        return connection, expired

    def reserve(self) -> Tuple[bool, Optional[C]]:
        """Count a connection about to be opened, if there is room.

        `(True, None)`: open it. `(True, old)`: open it after closing `old`,
        an idle connection of another origin given up to make room (it is
        forgotten here). `(False, None)`: full; wait for a connection to be
        given back or forgotten.
        """
        if self._open < self.max_connections:
            self._open += 1
            return True, None
        oldest = self._oldest_idle()
        if oldest is None:
            return False, None
        return True, oldest

    def give_back(self, key: Hashable, connection: C, now: float) -> Optional[C]:
        """Put a connection that may be reused back; returns it if it must be closed instead."""
        if self._idle_count >= self.max_idle:
            self._open -= 1
            return connection
        self._idle.setdefault(key, []).append((connection, now))
        self._idle_count += 1
        return None

    def forget(self) -> None:
        """One counted connection is gone (closed, broken, or never opened)."""
        self._open -= 1

    def discard_idle(self, key: Hashable, connection: C) -> bool:
        """Remove an idle connection found dead; false if it was not idle here."""
        idle = self._idle.get(key, [])
        for index, (candidate, _) in enumerate(idle):
            if candidate is connection:
                del idle[index]
                self._idle_count -= 1
                self._open -= 1
                return True
        return False

    def drain(self) -> List[C]:
        """Forget every idle connection and return them, to be closed."""
        connections = [connection for idle in self._idle.values() for connection, _ in idle]
        self._idle.clear()
        self._open -= len(connections)
        self._idle_count = 0
        return connections

    def _oldest_idle(self) -> Optional[C]:
        oldest: Optional[Tuple[Hashable, int, float]] = None
        for key, idle in self._idle.items():
            if idle and (oldest is None or idle[0][1] < oldest[2]):
                oldest = (key, 0, idle[0][1])
        if oldest is None:
            return None
        connection, _ = self._idle[oldest[0]].pop(0)
        self._idle_count -= 1
        return connection
