"""Hypothesis properties of the retry state machine, driven by hand (no I/O, no sleeping)."""

from __future__ import annotations

import email.utils
from typing import Any, List, Optional, Tuple, Union

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv_core.errors import APIConnectionError, APIError, APIStatusError, APITimeoutError, RateLimitError
from wootiv_core.exchange import Send, Sleep, exchange
from wootiv_core.http import Headers, Request, Response
from wootiv_core.retries import RetryPolicy, parse_http_date, server_delay

REQUEST = Request("POST", "http://api.test/role", {"Idempotency-Key": "k-1"}, b"{}")
NOW = 1_800_000_000.0

Outcome = Union[int, Tuple[int, dict], str]  # a status, a status with headers, or "connect"/"timeout"


def drive(outcomes: List[Outcome], policy: RetryPolicy, random: float = 0.5) -> Tuple[List[Any], Optional[BaseException], Any]:
    """Run the flow; returns (steps, raised error, result)."""
    flow = exchange(REQUEST, lambda response: "parsed", policy, now=lambda: NOW, random=lambda: random)
    steps: List[Any] = []
    outcomes = list(outcomes)
    reply: Any = None
    error: Optional[BaseException] = None
    while True:
        try:
            step = flow.send(reply) if error is None else flow.throw(error)
        except StopIteration as done:
            return steps, None, done.value
        except APIError as raised:
            return steps, raised, None
        steps.append(step)
        reply = error = None
        if isinstance(step, Send):
            outcome = outcomes.pop(0) if outcomes else 200
            if outcome == "connect":
                error = APIConnectionError(step.request)
            elif outcome == "timeout":
                error = APITimeoutError(step.request)
            else:
                status, headers = outcome if isinstance(outcome, tuple) else (outcome, {})
                reply = Response(status, Headers(headers), b'{"message": "x"}', step.request)


outcomes = st.lists(
    st.one_of(
        st.sampled_from([200, 201, 400, 401, 404, 408, 409, 422, 429, 500, 502, 503, "connect", "timeout"]),
        st.tuples(st.sampled_from([400, 429, 500, 503]), st.fixed_dictionaries({}, optional={
            "retry-after": st.one_of(st.integers(0, 200).map(str), st.floats(0, 100).map(lambda f: f"{f:.3f}"), st.just("garbage")),
            "retry-after-ms": st.integers(0, 100_000).map(str),
            "x-should-retry": st.sampled_from(["true", "false"]),
        })),
    ),
    max_size=8,
)


@settings(max_examples=300)
@given(outcomes=outcomes, max_retries=st.integers(0, 5), random=st.floats(0, 0.999))
def test_never_more_than_max_retries_and_never_past_the_cap(outcomes: List[Outcome], max_retries: int, random: float) -> None:
    policy = RetryPolicy(max_retries=max_retries)
    steps, error, result = drive(outcomes, policy, random)
    sends = [step for step in steps if isinstance(step, Send)]
    sleeps = [step.seconds for step in steps if isinstance(step, Sleep)]
    assert 1 <= len(sends) <= max_retries + 1
    assert len(sleeps) == len(sends) - 1
    assert all(0 <= seconds <= 60 for seconds in sleeps)
    assert all(send.request is REQUEST for send in sends)  # one request, one idempotency key
    assert (error is None) == (result == "parsed")


@given(retry=st.integers(1, 40), random=st.floats(0, 0.999))
def test_backoff_doubles_from_half_a_second_up_to_eight_with_jitter(retry: int, random: float) -> None:
    base = min(0.5 * 2 ** (retry - 1), 8.0)
    delay = RetryPolicy().backoff(retry, random)
    assert 0.75 * base <= delay <= base <= 8.0


@given(seconds=st.integers(0, 60))
def test_retry_after_seconds_is_followed_exactly(seconds: int) -> None:
    steps, _, result = drive([(429, {"retry-after": str(seconds)}), 200], RetryPolicy())
    assert result == "parsed" and [s.seconds for s in steps if isinstance(s, Sleep)] == [seconds]


@given(millis=st.integers(0, 60_000))
def test_retry_after_ms_wins_over_retry_after(millis: int) -> None:
    steps, _, _ = drive([(503, {"retry-after-ms": str(millis), "retry-after": "59"}), 200], RetryPolicy())
    assert [s.seconds for s in steps if isinstance(s, Sleep)] == [millis / 1000]


@given(ahead=st.integers(-3600, 60))
def test_retry_after_http_date_is_relative_to_now(ahead: int) -> None:
    date = email.utils.formatdate(NOW + ahead, usegmt=True)
    steps, _, _ = drive([(503, {"retry-after": date}), 200], RetryPolicy())
    assert [s.seconds for s in steps if isinstance(s, Sleep)] == [max(0, ahead)]


@given(seconds=st.integers(61, 10**6))
def test_a_wait_longer_than_sixty_seconds_raises_at_once(seconds: int) -> None:
    steps, error, _ = drive([(429, {"retry-after": str(seconds)})], RetryPolicy())
    assert isinstance(error, RateLimitError) and [type(s) for s in steps] == [Send]


@pytest.mark.parametrize("status, retried", [(400, False), (401, False), (403, False), (404, False), (422, False), (408, True), (409, True), (429, True), (500, True), (599, True)])
def test_which_statuses_are_retried(status: int, retried: bool) -> None:
    steps, error, _ = drive([status, status, status], RetryPolicy(max_retries=2))
    assert isinstance(error, APIStatusError) and error.status_code == status
    assert len([s for s in steps if isinstance(s, Send)]) == (3 if retried else 1)


def test_x_should_retry_overrides_the_status() -> None:
    assert drive([(400, {"x-should-retry": "true"}), 200], RetryPolicy())[2] == "parsed"
    steps, error, _ = drive([(503, {"x-should-retry": "false"})], RetryPolicy())
    assert error is not None and len(steps) == 1


@pytest.mark.parametrize("kind, error_class", [("connect", APIConnectionError), ("timeout", APITimeoutError)])
def test_transport_failures_are_retried_then_raised_as_they_came(kind: str, error_class: type) -> None:
    steps, error, _ = drive([kind, kind, kind], RetryPolicy(max_retries=2))
    assert type(error) is error_class and len([s for s in steps if isinstance(s, Send)]) == 3
    assert drive([kind, 200], RetryPolicy())[2] == "parsed"


def test_http_dates_in_all_three_forms() -> None:
    expected = 784111777.0
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected
    assert parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected
    assert parse_http_date("Sun Nov  6 08:49:37 1994") == expected
    for bad in ("", "yesterday", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"):
        assert parse_http_date(bad) is None
    assert server_delay(Headers({"retry-after": "-5"}), NOW) is None
    assert server_delay(Headers({"retry-after": "nan"}), NOW) is None
