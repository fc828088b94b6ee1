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

from .errors import APIConnectionError, APIError, APITimeoutError, status_error
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
    no wait is scheduled past it, and each attempt is sent with a timeout cut
    down to what remains.

    A write (a method outside `IDEMPOTENT_METHODS`) is sent again only when
    the failure shows the server did not act on it (a connection error with
    `sent` false, or an answer of `UNPROCESSED_STATUSES`), unless
    `retry_writes` says the server honours the Idempotency-Key we send.
    """
    retry = 0
    write = request.method not in IDEMPOTENT_METHODS and not retry_writes
    # Asked once per call: two `log.debug` calls that print nothing cost
    # as much as the rest of a successful exchange.
    debug = log.isEnabledFor(logging.DEBUG)
    while True:
        error: APIError
        started = clock()
        attempt = request
        if deadline is not None:
            remaining = deadline - started
            if remaining <= 0:
                raise APITimeoutError(request, "The call's deadline was reached before it could be sent.", sent=False)
            attempt = attrs.evolve(request, timeout=request.timeout.within(remaining))
        if debug:
            log.debug("Sending %s %s", request.method, request.url)
        try:
            response = yield Send(attempt)
        except APIConnectionError as exc:
            error = exc
            retryable = not (write and exc.sent)
            delay = policy.delay(retry + 1, None, now(), random()) if retryable else None
        else:
            assert response is not None, "the driver resumes a Send with the response"
            response.elapsed = clock() - started
            response.retries_taken = retry
            if response.is_success:
                if debug:
                    log.debug("%s %s -> %s", request.method, request.url, response.status_code)
                yield Done(parse(response))
                return
            error = status_error(response)
            retryable = is_retryable_status(response.status_code, response.headers, write=write)
            delay = policy.delay(retry + 1, response.headers, now(), random()) if retryable else None
        if retry >= policy.max_retries or delay is None:
            raise error
        if deadline is not None and clock() + delay >= deadline:
            raise error
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
