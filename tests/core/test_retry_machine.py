"""The retry state machine (`wootiv_core.exchange.exchange`), driven by hand.

No transport, no clock, no sleeping: the test plays the driver. It resumes the
generator with fake `Response`s or throws fake transport errors into it, and
checks every `Send`/`Sleep` it yields against an independent statement of the
policy (docs/errors-and-retries.md):

* at most `max_retries + 1` attempts, every one sending the very same request;
* 408, 409, 425, 429 and 5xx are retried, other 4xx are not, and
  `x-should-retry` overrides the status rule either way;
* a write (POST, PATCH) is retried only after a failure that shows the server
  did not act on it: a connection error with `sent` false, or 408, 409, 425,
  429, 503; unless `retry_writes` is set;
* with a deadline, no wait is scheduled past it, each attempt's timeout is
  cut to what remains, and running out is an `APITimeoutError` naming it;
* a server hint (`retry-after-ms`, else `Retry-After` as seconds or as an
  HTTP-date relative to `now`) is slept exactly when it is at most 60 s, and a
  longer one raises the error at once;
* otherwise the wait is 0.5 s doubling per retry, capped at 8 s, times a
  jitter factor in [0.75, 1];
* connection errors and timeouts are retried and finally re-raised as they
  came, their message naming the method, URL and number of attempts.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv_core.api import operations as ops
from wootiv_core.config import ClientConfig
from wootiv_core.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
    status_error,
)
from wootiv_core.exchange import Done, Send, Sleep, exchange
from wootiv_core.http import Headers, Request, Response
from wootiv_core.multipart import BytesSource
from wootiv_core.operation import Call
from wootiv_core.request_builder import build_request
from wootiv_core.retries import (
    IDEMPOTENT_METHODS,
    UNPROCESSED_STATUSES,
    RetryPolicy,
    is_retryable_status,
    parse_http_date,
    server_delay,
)

REQUEST = Request("PUT", "http://api.test/role", {"Idempotency-Key": "key-1"}, b"{}")
NOW = 1_800_000_000.25  # a Unix time with a fraction, so date hints are not whole seconds
PARSED = object()

# --- outcomes the fake server can give -------------------------------------------


@attrs.frozen
class Status:
    """The server answers `code` with these headers; `hint` is the wait they ask for."""

    code: int
    headers: Dict[str, str] = attrs.field(factory=dict)
    hint: Optional[float] = None


@attrs.frozen
class Broken:
    """The transport fails: `timeout` or a connection error; `sent`: the request may have arrived."""

    timeout: bool
    sent: bool = True


Outcome = Union[Status, Broken]


def answer(outcome: Status, request: Request) -> Response:
    return Response(outcome.code, Headers(outcome.headers), b'{"message":"no"}', request)


WRITES = ("POST", "PATCH")
IDEMPOTENT = ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")


def expected_retry(outcome: Outcome, method: str = "PUT", retry_writes: bool = False) -> bool:
    """The status rule, stated independently of `wootiv_core.retries`."""
    careful = method in WRITES and not retry_writes
    if isinstance(outcome, Broken):
        return not (careful and outcome.sent)
    verdict = {key.lower(): value for key, value in outcome.headers.items()}.get("x-should-retry")
    if verdict in ("true", "false"):
        return verdict == "true"
    if careful:
        return outcome.code in (408, 409, 425, 429, 503)
    return outcome.code in (408, 409, 425, 429) or outcome.code >= 500


def base_backoff(retry: int) -> float:
    return min(0.5 * 2 ** (retry - 1), 8.0)


# --- strategies ----------------------------------------------------------------------


@st.composite
def hints(draw: Any, now: float) -> Tuple[Dict[str, str], Optional[float]]:
    """Headers carrying a wait in one of its forms, and the wait they mean (None: no hint)."""
    kind = draw(
        st.sampled_from(
            ["none", "seconds", "fraction", "date", "ms", "ms-fraction", "ms-over-seconds", "bad-ms", "garbage", "negative"]
        )
    )
    name = draw(st.sampled_from(["Retry-After", "retry-after", "RETRY-AFTER"]))
    if kind == "none":
        return {}, None
    if kind == "seconds":
        seconds = draw(st.integers(0, 90))
        return {name: str(seconds)}, float(seconds)
    if kind == "fraction":
        text = f"{draw(st.floats(0, 90)):.3f}"
        return {name: text}, float(text)
    if kind == "date":
        when = math.floor(now) + draw(st.integers(-7200, 90))
        return {name: email.utils.formatdate(when, usegmt=True)}, max(0.0, float(when) - now)
    if kind == "ms":
        millis = draw(st.integers(0, 90_000))
        return {"retry-after-ms": str(millis)}, millis / 1000.0
    if kind == "ms-fraction":
        text = f"{draw(st.floats(0, 90_000)):.2f}"
        return {"Retry-After-Ms": text}, float(text) / 1000.0
    if kind == "ms-over-seconds":
        millis = draw(st.integers(0, 90_000))
        return {"retry-after-ms": str(millis), name: "30"}, millis / 1000.0
    if kind == "bad-ms":
        seconds = draw(st.integers(0, 90))
        return {"retry-after-ms": draw(st.sampled_from(["soon", "-5", "nan", "inf", ""])), name: str(seconds)}, float(seconds)
    if kind == "garbage":
        return {name: draw(st.sampled_from(["soon", "", "1 minute", "Mon, 99 Foo 2020 00:00:00 GMT", "nan", "inf"]))}, None
    return {name: str(-draw(st.integers(1, 100)))}, None


@st.composite
def outcomes(draw: Any, now: float) -> Outcome:
    if draw(st.integers(0, 5)) == 0:
        return Broken(timeout=draw(st.booleans()), sent=draw(st.booleans()))
    code = draw(st.sampled_from([400, 401, 402, 403, 404, 405, 408, 409, 410, 418, 422, 425, 429, 500, 501, 502, 503, 504, 599]))
    headers, hint = draw(hints(now))
    verdict = draw(st.sampled_from([None, None, "true", "false", "maybe"]))
    if verdict is not None:
        headers = {**headers, draw(st.sampled_from(["x-should-retry", "X-Should-Retry"])): verdict}
    return Status(code, headers, hint)


# --- the driver ----------------------------------------------------------------------


class FakeClock:
    """A monotonic clock the test moves: by each Sleep, and by `spend` per attempt."""

    def __init__(self, start: float = 1000.0) -> None:
        self.time = start

    def __call__(self) -> float:
        return self.time


def play(
    script: List[Outcome],
    policy: RetryPolicy,
    *,
    now: float = NOW,
    jitter: float = 0.5,
    request: Request = REQUEST,
    parse: Callable[[Response], Any] = lambda response: PARSED,
    retry_writes: bool = False,
    clock: Optional[FakeClock] = None,
    deadline: Optional[float] = None,
    spend: float = 0.0,
    oversleep: float = 0.0,
) -> Tuple[List[Union[Send, Sleep]], Any, Optional[BaseException], List[BaseException]]:
    """Run the flow against `script` (then 200s); return (steps, result, raised, thrown).

    With a `clock`, each attempt takes `spend` seconds (a timeout no longer
    than the attempt's own bound) and each Sleep its seconds plus `oversleep`;
    `deadline` is then seconds from the start.
    """
    ticks = clock or FakeClock()
    flow = exchange(
        request,
        parse,
        policy,
        now=lambda: now,
        random=lambda: jitter,
        clock=ticks,
        deadline=None if deadline is None else ticks.time + deadline,
        retry_writes=retry_writes,
    )
    steps: List[Union[Send, Sleep]] = []
    thrown: List[BaseException] = []
    pending = list(script)
    step = next(flow)
    while True:
        if isinstance(step, Done):
            with pytest.raises(StopIteration):
                flow.send(None)  # nothing follows the result
            return steps, step.value, None, thrown
        steps.append(step)
        assert len(steps) < 100, "the flow does not end"
        try:
            if isinstance(step, Sleep):
                ticks.time += step.seconds + oversleep
                step = flow.send(None)
                continue
            outcome = pending.pop(0) if pending else Status(200)
            bound = step.request.timeout.attempt
            ticks.time += min(spend, bound) if isinstance(outcome, Broken) and outcome.timeout and bound else spend
            if isinstance(outcome, Broken):
                error: APIConnectionError = (
                    APITimeoutError(step.request, "Request timed out (ReadTimeout)", sent=outcome.sent)
                    if outcome.timeout
                    else APIConnectionError(step.request, "Connection error (ConnectError: refused)", sent=outcome.sent)
                )
                thrown.append(error)
                step = flow.throw(error)
            else:
                step = flow.send(answer(outcome, step.request))
        except Exception as raised:  # noqa: BLE001 - the flow's typed error
            return steps, None, raised, thrown


def sends(steps: List[Union[Send, Sleep]]) -> List[Send]:
    return [step for step in steps if isinstance(step, Send)]


def sleeps(steps: List[Union[Send, Sleep]]) -> List[float]:
    return [step.seconds for step in steps if isinstance(step, Sleep)]


# --- the properties --------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    data=st.data(),
    max_retries=st.integers(0, 6),
    jitter=st.floats(0, 1, exclude_max=True),
    method=st.sampled_from(IDEMPOTENT + WRITES),
    retry_writes=st.booleans(),
)
def test_every_step_follows_the_policy(
    data: st.DataObject, max_retries: int, jitter: float, method: str, retry_writes: bool
) -> None:
    """The flow, step by step, against the policy as documented."""
    now = data.draw(st.floats(1e9, 3e9, allow_nan=False), label="now")
    script = data.draw(st.lists(outcomes(now), max_size=8), label="script")
    policy = RetryPolicy(max_retries=max_retries)
    request = attrs.evolve(REQUEST, method=method)
    steps, result, raised, thrown = play(script, policy, now=now, jitter=jitter, request=request, retry_writes=retry_writes)

    # Expected run: walk the script as the documentation describes it.
    attempt = 0
    expected_end: Any = "success"
    expected_sleeps: List[Optional[float]] = []  # None: "some backoff" (checked by bounds below)
    for attempt, outcome in enumerate([*script, Status(200)], start=1):
        if isinstance(outcome, Status) and outcome.code == 200:
            break
        retry = expected_retry(outcome, method, retry_writes)
        hint = outcome.hint if isinstance(outcome, Status) else None
        if not retry or attempt > max_retries or (hint is not None and hint > 60):
            expected_end = outcome
            break
        expected_sleeps.append(hint)

    assert len(sends(steps)) == attempt <= max_retries + 1
    assert all(send.request is request for send in sends(steps))  # one request, one Idempotency-Key
    # Each Sleep sits between two Sends; the flow never ends on a Sleep.
    assert [type(step) for step in steps] == [Send] + [Sleep, Send] * (attempt - 1)
    waited = sleeps(steps)
    assert len(waited) == len(expected_sleeps)
    for number, (seconds, hint) in enumerate(zip(waited, expected_sleeps), start=1):
        if hint is not None:
            assert seconds == hint <= 60
        else:
            assert 0.75 * base_backoff(number) <= seconds <= base_backoff(number) <= 8.0

    if expected_end == "success":
        assert raised is None and result is PARSED
    elif isinstance(expected_end, Broken):
        assert raised is thrown[-1]  # re-raised as it came, class and all
        assert type(raised) is (APITimeoutError if expected_end.timeout else APIConnectionError)
        plural = "attempt" if attempt == 1 else "attempts"
        assert f" on {method} http://api.test/role after {attempt} {plural}" in str(raised)
    else:
        assert isinstance(raised, APIStatusError) and raised.status_code == expected_end.code
        assert type(raised) is type(status_error(answer(expected_end, REQUEST)))
        assert (raised.request.method, raised.request.url) == (method, REQUEST.url)


@settings(max_examples=200)
@given(
    failures=st.lists(st.sampled_from([408, 409, 429, 500, 502, 503, "timeout", "connect"]), max_size=12),
    max_retries=st.integers(0, 10),
)
def test_never_more_than_max_retries_plus_one_sends(failures: List[Any], max_retries: int) -> None:
    script: List[Outcome] = [Broken(f == "timeout") if isinstance(f, str) else Status(f) for f in failures]
    steps, result, raised, _ = play(script, RetryPolicy(max_retries=max_retries))
    assert len(sends(steps)) == min(len(script) + 1, max_retries + 1)
    assert (raised is None) == (len(script) <= max_retries)
    assert (result is PARSED) == (raised is None)


@given(retry=st.integers(1, 10_000), jitter=st.floats(0, 1, exclude_max=True))
def test_backoff_doubles_from_half_a_second_capped_at_eight_with_jitter(retry: int, jitter: float) -> None:
    delay = RetryPolicy().backoff(retry, jitter)
    assert 0.75 * base_backoff(min(retry, 64)) <= delay <= base_backoff(min(retry, 64))
    assert delay <= 8.0


def test_backoff_schedule() -> None:
    policy = RetryPolicy()
    assert [policy.backoff(n, 0.0) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert policy.backoff(3, 0.999999) == pytest.approx(1.5, abs=1e-5)
    assert policy.backoff(1, 0.5) == 0.5 * 0.875
    # the jitter only ever shortens the wait, never lengthens it
    assert all(policy.backoff(2, r / 10) <= policy.backoff(2, 0.0) for r in range(10))


@settings(max_examples=60)
@given(jitter=st.floats(0, 1, exclude_max=True), max_retries=st.integers(1, 8))
def test_waits_without_hints_follow_the_schedule(jitter: float, max_retries: int) -> None:
    steps, _, raised, _ = play([Status(503)] * max_retries, RetryPolicy(max_retries=max_retries), jitter=jitter)
    assert raised is None
    assert sleeps(steps) == [min(0.5 * 2 ** (n - 1), 8.0) * (1 - 0.25 * jitter) for n in range(1, max_retries + 1)]


@given(seconds=st.integers(0, 60))
def test_retry_after_whole_seconds_is_slept_exactly(seconds: int) -> None:
    steps, result, _, _ = play([Status(429, {"Retry-After": str(seconds)})], RetryPolicy())
    assert result is PARSED and sleeps(steps) == [seconds]


@given(seconds=st.floats(0, 60, exclude_min=True))
def test_retry_after_fractional_seconds_is_slept_exactly(seconds: float) -> None:
    steps, result, _, _ = play([Status(503, {"Retry-After": repr(seconds)})], RetryPolicy())
    assert result is PARSED and sleeps(steps) == [seconds]


@given(ahead=st.integers(-86_400, 60), fraction=st.floats(0, 1, exclude_max=True))
def test_retry_after_http_date_is_relative_to_now(ahead: int, fraction: float) -> None:
    now = 1_700_000_000 + fraction
    when = 1_700_000_000 + ahead
    steps, result, _, _ = play([Status(503, {"Retry-After": email.utils.formatdate(when, usegmt=True)})], RetryPolicy(), now=now)
    assert result is PARSED and sleeps(steps) == [max(0.0, when - now)]


@given(millis=st.integers(0, 60_000), seconds=st.integers(0, 60))
def test_retry_after_ms_is_slept_exactly_and_wins(millis: int, seconds: int) -> None:
    steps, _, _, _ = play([Status(429, {"retry-after-ms": str(millis), "Retry-After": str(seconds)})], RetryPolicy())
    assert sleeps(steps) == [millis / 1000]


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "61"},
        {"Retry-After": "60.001"},
        {"Retry-After": "86400"},
        {"retry-after-ms": "60001"},
        {"Retry-After": email.utils.formatdate(math.floor(NOW) + 120, usegmt=True)},
        {"Retry-After": "1", "retry-after-ms": "3600000"},
    ],
)
def test_a_hint_over_sixty_seconds_raises_at_once(headers: Dict[str, str]) -> None:
    steps, _, raised, _ = play([Status(429, headers)], RetryPolicy(max_retries=5))
    assert isinstance(raised, RateLimitError)
    assert steps == [Send(REQUEST)]  # no Sleep, no second attempt


@given(seconds=st.integers(61, 10**9))
def test_any_hint_over_sixty_seconds_raises_at_once(seconds: int) -> None:
    steps, _, raised, _ = play([Status(503, {"Retry-After": str(seconds)})], RetryPolicy(max_retries=5))
    assert isinstance(raised, InternalServerError) and len(steps) == 1


def test_hint_of_exactly_sixty_seconds_is_honoured() -> None:
    assert sleeps(play([Status(503, {"Retry-After": "60"})], RetryPolicy())[0]) == [60.0]
    assert sleeps(play([Status(503, {"retry-after-ms": "60000"})], RetryPolicy())[0]) == [60.0]


@pytest.mark.parametrize("value", ["soon", "", "-1", "nan", "inf", "1e999", "Sun, 31 Feb 2020 00:00:00 GMT"])
def test_unreadable_hints_fall_back_to_backoff(value: str) -> None:
    steps, _, _, _ = play([Status(503, {"Retry-After": value})], RetryPolicy(), jitter=0.0)
    assert sleeps(steps) == [0.5]


@pytest.mark.parametrize(
    "status, retried",
    [(400, False), (401, False), (403, False), (404, False), (405, False), (410, False), (418, False),
     (422, False), (451, False), (408, True), (409, True), (429, True), (500, True), (503, True), (599, True)],
)
def test_which_statuses_are_retried(status: int, retried: bool) -> None:
    steps, _, raised, _ = play([Status(status)] * 3, RetryPolicy(max_retries=2))
    assert isinstance(raised, APIStatusError) and raised.status_code == status
    assert len(sends(steps)) == (3 if retried else 1)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 418, 422, 408, 409, 429, 500, 503])
def test_x_should_retry_overrides_the_status_rule(status: int) -> None:
    steps, result, _, _ = play([Status(status, {"x-should-retry": "true"})], RetryPolicy())
    assert result is PARSED and len(sends(steps)) == 2
    steps, _, raised, _ = play([Status(status, {"X-Should-Retry": "false"})], RetryPolicy())
    assert isinstance(raised, APIStatusError) and len(steps) == 1


def test_x_should_retry_false_wins_over_a_hint() -> None:
    steps, _, raised, _ = play([Status(429, {"x-should-retry": "false", "Retry-After": "1"})], RetryPolicy())
    assert isinstance(raised, RateLimitError) and len(steps) == 1


def test_other_x_should_retry_values_leave_the_status_rule() -> None:
    for value in ("yes", "1", "", "TRUE"):
        assert is_retryable_status(503, Headers({"x-should-retry": value}))
        assert not is_retryable_status(400, Headers({"x-should-retry": value}))


@pytest.mark.parametrize("timeout, error_class", [(False, APIConnectionError), (True, APITimeoutError)])
def test_transport_failures_are_retried_then_re_raised_as_they_came(timeout: bool, error_class: type) -> None:
    steps, _, raised, thrown = play([Broken(timeout)] * 3, RetryPolicy(max_retries=2), jitter=0.0)
    assert len(sends(steps)) == 3 and sleeps(steps) == [0.5, 1.0]
    assert type(raised) is error_class and raised is thrown[-1]
    steps, result, _, _ = play([Broken(timeout), Broken(not timeout)], RetryPolicy(max_retries=2))
    assert result is PARSED and len(sends(steps)) == 3


def test_transport_failures_ignore_server_hints_of_earlier_answers() -> None:
    steps, _, _, _ = play([Status(429, {"Retry-After": "7"}), Broken(False)], RetryPolicy(), jitter=0.0)
    assert sleeps(steps) == [7.0, 1.0]


def test_no_retries_means_one_attempt() -> None:
    for outcome in (Status(503), Status(429, {"Retry-After": "1"}), Broken(True), Broken(False)):
        steps, _, raised, _ = play([outcome], RetryPolicy(max_retries=0))
        assert raised is not None and steps == [Send(REQUEST)]


def test_max_retries_cannot_be_negative() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)


def test_other_exceptions_thrown_in_are_not_retried() -> None:
    flow = exchange(REQUEST, lambda response: PARSED, RetryPolicy(), now=lambda: NOW, random=lambda: 0.0, clock=lambda: 0.0)
    assert next(flow) == Send(REQUEST)
    with pytest.raises(KeyError):
        flow.throw(KeyError("driver bug"))


def test_parse_failures_are_not_retried() -> None:
    def parse(response: Response) -> Any:
        raise APIResponseValidationError(response, None, "bad shape")

    steps, _, raised, _ = play([], RetryPolicy(max_retries=3), parse=parse)
    assert isinstance(raised, APIResponseValidationError) and len(steps) == 1


def test_the_flow_asks_the_clock_and_dice_only_through_its_arguments() -> None:
    calls: List[str] = []

    def now() -> float:
        calls.append("now")
        return NOW

    def dice() -> float:
        calls.append("random")
        return 0.0

    flow = exchange(REQUEST, lambda response: PARSED, RetryPolicy(), now=now, random=dice, clock=lambda: 0.0)
    step = next(flow)
    step = flow.send(answer(Status(503), REQUEST))
    assert step == Sleep(0.5) and "now" in calls and "random" in calls
    assert flow.send(None) == Send(REQUEST)
    done = flow.send(Response(201, Headers(), b"{}", REQUEST))
    assert isinstance(done, Done) and done.value is PARSED


def test_a_retried_write_keeps_one_idempotency_key() -> None:
    config = ClientConfig(api_key="k", base_url="http://api.test")
    request = build_request(config, Call(ops.ROLES_CREATE, {"name": "n", "description": "d"}), "nonce-123")
    steps, result, _, _ = play([Status(503), Status(408), Status(429)], RetryPolicy(max_retries=3), request=request)
    assert result is PARSED and len(sends(steps)) == 4
    assert {id(send.request) for send in sends(steps)} == {id(request)}
    assert {send.request.headers["Idempotency-Key"] for send in sends(steps)} == {"nonce-123"}
    assert json.loads(request.content) == {"name": "n", "description": "d"}


def test_a_retried_upload_sends_the_same_bytes_every_time() -> None:
    config = ClientConfig(api_key="k", base_url="http://api.test")
    files = [BytesSource(b"x" * 70_000, "a.bin"), BytesSource(b"hello", "b.txt", "text/plain")]
    request = build_request(config, Call(ops.AWS_BUCKETS_BULK_UPLOAD, {"bulk": files, "path": "p"}), "n0nce")
    bodies: List[bytes] = []

    def parse(response: Response) -> Any:
        return PARSED

    flow = exchange(request, parse, RetryPolicy(max_retries=2), now=lambda: NOW, random=lambda: 0.0, clock=lambda: 0.0)
    step = next(flow)
    for outcome in (Status(503), Status(429), Status(201)):
        assert isinstance(step, Send)
        content = step.request.content
        bodies.append(content if isinstance(content, bytes) else b"".join(content))
        try:
            step = flow.send(answer(outcome, step.request) if outcome.code != 201 else Response(201, Headers(), b"[]", step.request))
        except StopIteration:
            break
        if isinstance(step, Sleep):
            step = flow.send(None)
    assert len(bodies) == 3 and len(set(bodies)) == 1
    assert len(bodies[0]) == int(request.headers["Content-Length"])
    assert request.headers["Idempotency-Key"] == "n0nce"


# --- the pieces of the policy ------------------------------------------------------------


def test_http_dates_in_all_three_forms() -> None:
    expected = 784111777.0
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected
    assert parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected
    assert parse_http_date("Sun Nov  6 08:49:37 1994") == expected
    assert parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT ") == expected
    for bad in ("", "yesterday", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 CET", "784111777"):
        assert parse_http_date(bad) is None


@given(st.integers(0, 4_000_000_000))
def test_http_dates_round_trip(when: int) -> None:
    assert parse_http_date(email.utils.formatdate(when, usegmt=True)) == when


def test_server_delay_reads_each_form() -> None:
    assert server_delay(Headers({"Retry-After": "3"}), NOW) == 3.0
    assert server_delay(Headers({"Retry-After": "2.5"}), NOW) == 2.5
    assert server_delay(Headers({"retry-after-ms": "250"}), NOW) == 0.25
    assert server_delay(Headers({"retry-after-ms": "x", "Retry-After": "4"}), NOW) == 4.0
    assert server_delay(Headers({"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}), NOW) == 0.0
    for value in ("-5", "nan", "inf", "soon"):
        assert server_delay(Headers({"Retry-After": value}), NOW) is None
    assert server_delay(Headers(), NOW) is None


# --- writes: retried only when the server cannot have acted on them ---------------------


@pytest.mark.parametrize("method", IDEMPOTENT + WRITES)
@pytest.mark.parametrize("sent", [True, False])
@pytest.mark.parametrize("timeout", [True, False])
@pytest.mark.parametrize("retry_writes", [False, True])
def test_connection_failures_retry_a_write_only_when_it_was_not_sent(
    method: str, sent: bool, timeout: bool, retry_writes: bool
) -> None:
    request = attrs.evolve(REQUEST, method=method)
    steps, result, raised, _ = play([Broken(timeout, sent)], RetryPolicy(), request=request, retry_writes=retry_writes)
    retried = method in IDEMPOTENT or not sent or retry_writes
    assert len(sends(steps)) == (2 if retried else 1)
    assert (result is PARSED) == retried
    if not retried:
        assert type(raised) is (APITimeoutError if timeout else APIConnectionError)
        assert f"on {method} http://api.test/role after 1 attempt; not retried" in str(raised)
        assert "retry_writes=True" in str(raised)


@pytest.mark.parametrize("status", sorted(UNPROCESSED_STATUSES))
@pytest.mark.parametrize("method", WRITES)
def test_a_write_is_retried_after_every_answer_that_says_it_was_not_processed(status: int, method: str) -> None:
    request = attrs.evolve(REQUEST, method=method)
    steps, result, _, _ = play([Status(status)] * 2, RetryPolicy(max_retries=2), request=request)
    assert result is PARSED and len(sends(steps)) == 3


@pytest.mark.parametrize("status", [500, 501, 502, 504, 599])
@pytest.mark.parametrize("method", WRITES)
def test_a_write_is_not_retried_after_other_server_failures(status: int, method: str) -> None:
    request = attrs.evolve(REQUEST, method=method)
    steps, _, raised, _ = play([Status(status)], RetryPolicy(max_retries=2), request=request)
    assert isinstance(raised, InternalServerError) and len(sends(steps)) == 1
    # unless the client says its server honours the Idempotency-Key...
    steps, result, _, _ = play([Status(status)], RetryPolicy(max_retries=2), request=request, retry_writes=True)
    assert result is PARSED and len(sends(steps)) == 2
    # ... or the server itself says a retry is safe
    steps, result, _, _ = play([Status(status, {"x-should-retry": "true"})], RetryPolicy(max_retries=2), request=request)
    assert result is PARSED and len(sends(steps)) == 2


@pytest.mark.parametrize("method", IDEMPOTENT + WRITES)
def test_x_should_retry_false_stops_even_an_unprocessed_answer(method: str) -> None:
    request = attrs.evolve(REQUEST, method=method)
    for status in sorted(UNPROCESSED_STATUSES):
        steps, _, raised, _ = play([Status(status, {"x-should-retry": "false"})], RetryPolicy(), request=request, retry_writes=True)
        assert isinstance(raised, APIStatusError) and len(steps) == 1


def test_idempotent_methods_are_what_rfc_9110_says() -> None:
    assert IDEMPOTENT_METHODS == frozenset(IDEMPOTENT)
    assert UNPROCESSED_STATUSES == frozenset({408, 409, 425, 429, 503})


# --- deadlines, with a clock the test moves ---------------------------------------------


def limits(request: Request) -> List[Optional[float]]:
    timeout = request.timeout
    return [timeout.connect, timeout.read, timeout.write, timeout.pool, timeout.attempt]


@settings(max_examples=300, deadline=None)
@given(
    script=st.lists(st.sampled_from([Status(503), Status(429), Status(500), Broken(True), Broken(False)]), max_size=10),
    seconds=st.floats(0.05, 30),
    spend=st.floats(0, 5),
    max_retries=st.integers(0, 8),
)
def test_a_deadline_bounds_every_attempt_and_every_wait(
    script: List[Outcome], seconds: float, spend: float, max_retries: int
) -> None:
    clock = FakeClock()
    end = clock.time + seconds
    steps, result, raised, _ = play(script, RetryPolicy(max_retries=max_retries), clock=clock, deadline=seconds, spend=spend)
    # Replay the steps against the same clock: each attempt's limits fit in
    # what remained when it was sent, and no wait ends at or past the deadline.
    at = end - seconds
    outcomes = iter([*script, *[Status(200)] * 20])
    for step in steps:
        if isinstance(step, Send):
            assert all(limit is not None and limit <= end - at + 1e-9 for limit in limits(step.request))
            outcome = next(outcomes)
            bound = step.request.timeout.attempt
            at += min(spend, bound) if isinstance(outcome, Broken) and outcome.timeout and bound else spend
        else:
            assert at + step.seconds < end, "a wait scheduled past the deadline"
            at += step.seconds
    assert (raised is None) == (result is PARSED)
    if raised is not None and isinstance(raised, APIConnectionError) and clock.time >= end:
        assert "deadline of" in str(raised)


def test_each_attempt_gets_what_remains_of_the_deadline() -> None:
    clock = FakeClock()
    steps, result, _, _ = play([Status(503), Status(503)], RetryPolicy(max_retries=2), clock=clock, deadline=10.0, spend=3.0, jitter=0.0)
    assert result is PARSED
    attempts = sends(steps)
    # 60 s limits (5 s to connect) cut to 10, then 10 - 3 - 0.5, then 6.5 - 3 - 1
    assert limits(attempts[0].request) == [5.0, 10.0, 10.0, 10.0, 10.0]
    assert limits(attempts[1].request) == [5.0, 6.5, 6.5, 6.5, 6.5]
    assert limits(attempts[2].request) == [2.5, 2.5, 2.5, 2.5, 2.5]
    assert sleeps(steps) == [0.5, 1.0]


def test_without_a_deadline_the_request_is_sent_as_built() -> None:
    steps, _, _, _ = play([Status(503)], RetryPolicy(), clock=FakeClock(), spend=100.0)
    assert all(send.request is REQUEST for send in sends(steps))


def test_a_timeout_at_the_deadline_is_a_timeout_error_naming_it() -> None:
    # Every attempt hangs until its bound, which the deadline has cut to 2 s.
    steps, _, raised, _ = play([Broken(True)] * 5, RetryPolicy(max_retries=5), clock=FakeClock(), deadline=2.0, spend=100.0)
    assert isinstance(raised, APITimeoutError) and len(sends(steps)) == 1
    assert "the call's deadline of 2 s was reached" in str(raised)
    assert str(raised).startswith("Request timed out (ReadTimeout) on PUT http://api.test/role after 1 attempt")


def test_no_retry_is_slept_past_the_deadline() -> None:
    # 429 asks for 5 s, but only 3 s remain: fail now with the answer rather than wait.
    steps, _, raised, _ = play([Status(429, {"Retry-After": "5"})], RetryPolicy(), clock=FakeClock(), deadline=3.0)
    assert isinstance(raised, RateLimitError) and steps == [Send(steps[0].request)]  # type: ignore[union-attr]


def test_a_deadline_passed_during_a_wait_ends_the_call_before_sending_again() -> None:
    steps, _, raised, _ = play([Status(503)], RetryPolicy(), clock=FakeClock(), deadline=1.0, jitter=0.0, oversleep=0.6)
    assert isinstance(raised, APITimeoutError) and len(sends(steps)) == 1 and sleeps(steps) == [0.5]
    assert str(raised) == "The call's deadline of 1 s was reached on PUT http://api.test/role after 1 attempt"
    assert raised.sent is True and isinstance(raised.__cause__, InternalServerError)


# --- what a failed call says, and logs ---------------------------------------------------


def test_the_final_connection_error_names_method_url_and_attempts() -> None:
    request = Request("GET", "http://127.0.0.1:9/role/x")
    _, _, raised, _ = play([Broken(False, sent=False)] * 3, RetryPolicy(max_retries=2), request=request)
    assert str(raised) == "Connection error (ConnectError: refused) on GET http://127.0.0.1:9/role/x after 3 attempts"
    assert "Authorization" not in str(raised)


def test_every_answer_is_logged_at_debug_with_its_status_and_time(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="wootiv")
    play([Status(503), Status(404)], RetryPolicy(), clock=FakeClock(), spend=0.25, jitter=0.0)
    lines = [record.getMessage() for record in caplog.records if record.levelno == logging.DEBUG]
    assert "PUT http://api.test/role -> 503 in 0.250 s" in lines
    assert "PUT http://api.test/role -> 404 in 0.250 s" in lines
    caplog.clear()
    play([], RetryPolicy(), clock=FakeClock(), spend=0.125)
    assert "PUT http://api.test/role -> 200 in 0.125 s" in caplog.messages


@pytest.mark.parametrize(
    "script, method, options, reason",
    [
        ([Status(503)] * 3, "GET", {}, "no retries left (max_retries=2)"),
        ([Broken(True)] * 3, "GET", {}, "no retries left (max_retries=2)"),
        ([Broken(True)], "POST", {}, "a write is not sent again after a failure the server may have acted on"),
        ([Status(500)], "POST", {}, "a write is not sent again after a 500"),
        ([Status(429, {"Retry-After": "3600"})], "GET", {}, "the server asked to wait longer than 60 s (Retry-After)"),
        ([Status(503)], "GET", {"deadline": 0.3, "clock": FakeClock()}, "its deadline of 0.3 s leaves no time for another attempt"),
    ],
)
def test_a_call_that_gives_up_says_why(
    caplog: pytest.LogCaptureFixture, script: List[Outcome], method: str, options: Dict[str, Any], reason: str
) -> None:
    caplog.set_level(logging.INFO, logger="wootiv")
    _, _, raised, _ = play(script, RetryPolicy(max_retries=2), request=attrs.evolve(REQUEST, method=method), jitter=0.0, **options)
    assert raised is not None
    given_up = [message for message in caplog.messages if message.startswith("Giving up")]
    assert len(given_up) == 1 and given_up[0].startswith(f"Giving up on {method} http://api.test/role after ")
    assert reason in given_up[0]


def test_a_final_answer_that_is_not_retryable_logs_no_give_up(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wootiv")
    play([Status(404)], RetryPolicy())
    assert not [message for message in caplog.messages if message.startswith("Giving up")]
