"""One call's conversation with the server, as a generator.

`exchange` is a state machine in the style of httpx's auth flows. It yields
what it needs done — `Send(request)` or `Sleep(seconds)` — and is resumed with
the `Response` (or has the transport's `APIError` thrown into it).
Its last step is `Done(result)` with the parsed result, unless it raises the
typed error. Because it performs no I/O itself, the same flow runs under the
sync driver, the async driver and the tests, and the whole retry policy
lives in this one place.

The result comes as a step rather than as the generator's return value:
returning would make every call end in a `StopIteration` the driver has to
catch, which measured several microseconds per call in a busy event loop.
"""

from __future__ import annotations

import logging
from typing import Callable, Generator, Generic, Optional, TypeVar, Union

import attrs

from .errors import APIConnectionError, APIError, APIStatusError, APITimeoutError, status_error
from .http import Request, Response
from .retries import IDEMPOTENT_METHODS, RetryPolicy, is_retryable_status

__all__ = ["Send", "Sleep", "Done", "Step", "Flow", "exchange"]

T = TypeVar("T")

log = logging.getLogger("wootiv")


# Steps are built on every attempt: plain slotted classes, cheaper to build than frozen ones.
@attrs.define
class Send:
    """Send this request and resume the flow with its response."""

    request: Request


@attrs.define
class Sleep:
    """Wait this many seconds, then resume the flow with `None`."""

    seconds: float


@attrs.define
class Done(Generic[T]):
    """The call is over: `value` is its result. The flow stops here."""

    value: T


Step = Union[Send, Sleep, Done[T]]
Flow = Generator[Step[T], Optional[Response], None]


def exchange(
    request: Request,
    parse: Callable[[Response], T],
    policy: RetryPolicy,
    *,
    now: Callable[[], float],
    random: Callable[[], float],
    clock: Callable[[], float],
    deadline: Optional[float] = None,
    retry_writes: bool = False,
) -> Flow[T]:
    """Send `request`, retrying as `policy` allows, and end with `Done(parse(response))`.

    `now` gives the Unix time (to read `Retry-After` dates), `clock` a
    monotonic time in seconds and `random` a number in [0, 1) for jitter; the
    drivers pass `time.time`, `time.monotonic` and `random.random`, tests
    pass fixed values. `deadline`, a `clock` reading, bounds the whole call:
    no wait is scheduled past it, each attempt is sent with a timeout cut
    down to what remains, and once it has passed the call ends with an
    `APITimeoutError` that names it.

    A write (a method outside `IDEMPOTENT_METHODS`) is sent again only when
    the failure shows the server did not act on it (a connection error with
    `sent` false, or an answer of `UNPROCESSED_STATUSES`), unless
    `retry_writes` says the server honours the Idempotency-Key we send.

    The final connection error or timeout is re-raised with the method, URL
    and number of attempts added to its message. At debug level every answer
    is logged with its status and time; at info level each retry, and why a
    failed call was given up (`_give_up`).
    """
    retry = 0
    write = request.method not in IDEMPOTENT_METHODS and not retry_writes
    # Asked once per call: two `log.debug` calls that print nothing cost
    # as much as the rest of a successful exchange.
    debug = log.isEnabledFor(logging.DEBUG)
    # What the caller allowed, for messages (the deadline is a clock reading).
    budget = 0.0 if deadline is None else deadline - clock()
    error: Optional[APIError] = None
    while True:
        started = clock()
        attempt = request
        if deadline is not None:
            remaining = deadline - started
            if remaining <= 0:
                raise _past_deadline(request, budget, retry) from error
            # Built directly rather than by `attrs.evolve`, which costs
            # microseconds per attempt; a test checks that every other field is kept.
            timeout = request.timeout.within(remaining)
            attempt = Request(request.method, request.url, request.headers, request.content, timeout, request.max_response_size)
        if debug:
            log.debug("Sending %s %s", request.method, request.url)
        try:
            response = yield Send(attempt)
        except APIConnectionError as exc:
            error = exc
            if debug:
                log.debug("%s %s failed after %.3f s: %s", request.method, request.url, clock() - started, exc.message)
            retryable = not (write and exc.sent)
            delay = policy.delay(retry + 1, None, now(), random()) if retryable else None
        else:
            assert response is not None, "the driver resumes a Send with the response"
            response.elapsed = clock() - started
            response.retries_taken = retry
            if debug:
                log.debug("%s %s -> %s in %.3f s", request.method, request.url, response.status_code, response.elapsed)
            if response.is_success:
                yield Done(parse(response))
                return
            error = status_error(response)
            retryable = is_retryable_status(response.status_code, response.headers, write=write)
            delay = policy.delay(retry + 1, response.headers, now(), random()) if retryable else None
        if delay is None or retry >= policy.max_retries or (deadline is not None and clock() + delay >= deadline):
            expired = deadline is not None and clock() >= deadline
            raise _give_up(error, request, policy, retry + 1, delay, write, None if deadline is None else budget, expired)
        retry += 1
        kind = "timeout" if isinstance(error, APITimeoutError) else type(error).__name__
        log.info(
            "Retrying %s %s in %.2f s (attempt %d of %d, after %s)",
            request.method,
            request.url,
            delay,
            retry + 1,
            policy.max_retries + 1,
            kind,
        )
        yield Sleep(delay)


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"


def _past_deadline(request: Request, budget: float, retries: int) -> APITimeoutError:
    """The error of a call whose deadline passed before its next attempt."""
    log.info("Giving up on %s %s: its deadline of %.3g s was reached", request.method, request.url, budget)
    return APITimeoutError(
        request,
        f"The call's deadline of {budget:.3g} s was reached on {request.method} {request.url} "
        f"after {_attempts(retries)}",
        sent=retries > 0,
    )


def _give_up(
    error: APIError,
    request: Request,
    policy: RetryPolicy,
    attempts: int,
    delay: Optional[float],
    write: bool,
    budget: Optional[float],
    expired: bool,
) -> APIError:
    """`error`, ready to be raised as the call's end, with why it is not retried logged.

    `delay` is the wait a retry would have needed (`None`: no retry was
    possible); `budget` the call's deadline in seconds, `expired` whether it
    has passed. A connection error's message gains the method, the URL and
    the number of attempts, and says when the deadline or the rule for
    writes ended the call.
    """
    reason: Optional[str] = None
    told = ""
    if delay is None:
        if isinstance(error, APIConnectionError):
            if write and error.sent:
                reason = "a write is not sent again after a failure the server may have acted on (its outcome is unknown)"
                told = "; not retried, as the server may have acted on it (retry_writes=True allows it)"
        elif isinstance(error, APIStatusError):
            headers = error.response.headers
            if write and not is_retryable_status(error.status_code, headers, write=True) and is_retryable_status(error.status_code, headers):
                reason = f"a write is not sent again after a {error.status_code} (its outcome is unknown)"
            elif is_retryable_status(error.status_code, headers, write=write):
                reason = f"the server asked to wait longer than {policy.max_server_delay:g} s (Retry-After)"
    elif attempts > policy.max_retries:
        reason = f"no retries left (max_retries={policy.max_retries})"
    elif budget is not None:
        reason = f"its deadline of {budget:.3g} s leaves no time for another attempt"
        told = f"; the call's deadline of {budget:.3g} s left no time for another attempt"
    if expired and budget is not None:
        told = f"; the call's deadline of {budget:.3g} s was reached"
    if reason is not None:
        log.info("Giving up on %s %s after %s: %s", request.method, request.url, _attempts(attempts), reason)
    if isinstance(error, APIConnectionError):
        error._retell(f"{error.message} on {request.method} {request.url} after {_attempts(attempts)}{told}")  # pyright: ignore[reportPrivateUsage]
    return error
