"""One attempt's time bound and what it has written, shared with the I/O layer.

An adapter starts an `Attempt` for each send and makes it the current one
(`CURRENT`, a context variable, so threads and tasks each see their own).
Where an adapter controls the library's socket I/O (the httpx network
backend, the requests connection classes), every read, write and connect
waits at most until `ends`, and each write marks `wrote`: an error raised
before any write certainly sent nothing. Where it does not, `wrote` starts
true ("unknown") and the adapter checks `expired()` between the chunks it
reads.

This module imports no HTTP library.
"""

from __future__ import annotations

from contextvars import ContextVar
from time import monotonic
from typing import Optional

__all__ = ["Attempt", "CURRENT", "BOUND_PASSED"]

#: The message of a timeout raised because the attempt's bound passed.
BOUND_PASSED = "the attempt took longer than its time bound (timeout.attempt)"


class Attempt:
    """The clock reading an attempt must end by (`None`: unbounded), and whether it wrote yet."""

    __slots__ = ("ends", "wrote")

    def __init__(self, seconds: Optional[float], *, wrote: bool) -> None:
        self.ends = None if seconds is None else monotonic() + seconds
        self.wrote = wrote

    def limit(self, wait: Optional[float]) -> Optional[float]:
        """`wait` (one read's, write's or connect's limit) cut to the time left; at most 0 once it passed."""
        ends = self.ends
        if ends is None:
            return wait
        left = ends - monotonic()
        return left if wait is None or wait > left else wait

    def expired(self) -> bool:
        """Whether the bound has passed (checked between reads where the I/O is not the adapter's)."""
        return self.ends is not None and monotonic() >= self.ends


CURRENT: ContextVar[Optional[Attempt]] = ContextVar("wootiv_attempt", default=None)
