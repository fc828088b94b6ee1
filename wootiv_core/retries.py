"""The retry policy: which failures are retried, and how long to wait.

Everything here is a pure function of its arguments. The current time and the
random number for jitter are passed in by the caller, so the policy can be
tested exhaustively and the same inputs always give the same answer.
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Mapping, Optional

import attrs

__all__ = [
    "RetryPolicy",
    "IDEMPOTENT_METHODS",
    "is_retryable_status",
    "server_delay",
    "parse_http_date",
]

#: Methods whose repetition has the same effect as one request (RFC 9110):
#: retried after any retryable failure. Other methods are writes, retried only
#: when the failure shows the server did not act on them.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})

#: Statuses retried when the server says nothing either way: request timeout,
#: conflict (often a lost race that succeeds on the next try), too early,
#: rate limits and server failures.
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429})

#: Answers that say the server did not act on the request, so that even a
#: write may be sent again: request timeout, conflict, too early, rate
#: limited, unavailable. Any other 5xx may come after the write took effect.
UNPROCESSED_STATUSES = frozenset({408, 409, 425, 429, 503})


def is_retryable_status(status: int, headers: Mapping[str, str], *, write: bool = False) -> bool:
    """Whether an error answer may be retried.

    The server's `x-should-retry: true|false` header decides when present;
    otherwise 408, 409, 425, 429 and every 5xx are retried, and for a write
    (`write=True`: not idempotent and not allowed by `retry_writes`) only the
    answers of `UNPROCESSED_STATUSES`.
    """
    verdict = headers.get("x-should-retry")
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    if write:
        return status in UNPROCESSED_STATUSES
    return status in RETRYABLE_STATUSES or status >= 500


def server_delay(headers: Mapping[str, str], now: float) -> Optional[float]:
    """The wait the server asked for, in seconds, or `None` if it asked none.

    `retry-after-ms` (milliseconds) wins over `Retry-After`, which may be a
    number of seconds or an HTTP-date (compared with `now`, a Unix time). A
    date in the past means "now" (0). Unparseable or negative values count as
    no request at all.
    """
    millis = headers.get("retry-after-ms")
    if millis is not None:
        seconds = _non_negative(millis)
        if seconds is not None:
            return seconds / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _non_negative(value)
    if seconds is not None:
        return seconds
    when = parse_http_date(value)
    return None if when is None else max(0.0, when - now)


_MONTHS = {name: index for index, name in enumerate(calendar.month_abbr) if name}
_HTTP_DATES = (
    # IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    re.compile(r"^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$"),
    # RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    re.compile(r"^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$"),
)
# asctime: Sun Nov  6 08:49:37 1994
_ASCTIME = re.compile(r"^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$")


def parse_http_date(text: str) -> Optional[float]:
    """The Unix time of an HTTP-date (RFC 9110, all three forms), or `None`.

    Written out here rather than taken from `email.utils`, which would pull
    `socket` into the I/O-free core.
    """
    text = text.strip()
    for pattern in _HTTP_DATES:
        match = pattern.match(text)
        if match:
            day, month, year, hour, minute, second = match.groups()
            break
    else:
        match = _ASCTIME.match(text)
        if not match:
            return None
        month, day, hour, minute, second, year = match.groups()
    month_number = _MONTHS.get(month.title())
    if month_number is None:
        return None
    full_year = int(year)
    if len(year) == 2:
        full_year += 2000 if full_year < 70 else 1900
    try:
        when = datetime.datetime(full_year, month_number, int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    return when.replace(tzinfo=datetime.timezone.utc).timestamp()


def _non_negative(text: str) -> Optional[float]:
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number < 0 or number == float("inf"):
        return None
    return number


@attrs.frozen
class RetryPolicy:
    """How many times to retry and how long to wait between attempts.

    Without a server hint, the n-th retry waits `initial_delay * 2**(n-1)`
    seconds, capped at `max_delay`, less up to a quarter of that as jitter so
    that many clients do not retry in step. A server hint (`Retry-After`,
    `retry-after-ms`) is followed exactly when it is at most
    `max_server_delay`; a longer one makes the call fail at once rather than
    block the caller for minutes.
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_server_delay: float = 60.0

    def backoff(self, retry: int, random: float) -> float:
        """The wait before retry number `retry` (1-based); `random` in [0, 1)."""
        base = min(self.initial_delay * 2.0 ** min(retry - 1, 62), self.max_delay)
        return base * (1.0 - 0.25 * random)

    def delay(self, retry: int, headers: Optional[Mapping[str, str]], now: float, random: float) -> Optional[float]:
        """The wait before retry `retry`, or `None` if the server's hint is too long.

        `headers` are those of the failed answer, or `None` after a
        connection error.
        """
        if headers is not None:
            asked = server_delay(headers, now)
            if asked is not None:
                return asked if asked <= self.max_server_delay else None
        return self.backoff(retry, random)
