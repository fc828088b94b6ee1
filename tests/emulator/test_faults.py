"""Fault rules on their own: the text form, the Python API, and which rule fires when."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import List, Optional, Tuple

import pytest

from wootiv.testing import Fault, Faults, FaultSpecError, parse_faults

from .test_server_http import EchoApp


def fire(faults: Faults, method: str = "GET", path: str = "/role", operation_id: Optional[str] = "roles.list") -> Tuple[float, Optional[str]]:
    delay, rule = faults.decide(method, path, operation_id)
    return delay, None if rule is None else rule.kind


def test_the_documented_examples_parse_and_print_back() -> None:
    spec = 'roles.list:status=429,retry_after=1,times=2;*:latency=0.05;GET /role/{id}:reset,probability=0.1;roles.create:truncate'
    rules = parse_faults(spec)
    assert [(rule.target, rule.kind) for rule in rules] == [("roles.list", "status"), ("*", "latency"), ("GET /role/{id}", "reset"), ("roles.create", "truncate")]
    assert (rules[0].status, rules[0].retry_after, rules[0].times, rules[1].latency, rules[2].probability) == (429, "1", 2, 0.05, 0.1)
    assert ";".join(str(rule) for rule in rules) == spec
    assert [str(rule) for rule in parse_faults(";".join(str(rule) for rule in rules))] == [str(rule) for rule in rules]


def test_the_text_form_is_forgiving_about_spacing_dashes_and_quotes() -> None:
    [rule] = parse_faults(' ; roles.create : status = 503 , retry-after-ms=250, retry_after="Wed, 21 Oct 2026 07:28:00 GMT" ; ')
    assert (rule.status, rule.retry_after_ms, rule.retry_after) == (503, "250", "Wed, 21 Oct 2026 07:28:00 GMT")
    assert str(rule) == 'roles.create:status=503,retry_after="Wed, 21 Oct 2026 07:28:00 GMT",retry_after_ms=250'
    assert parse_faults("") == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("roles.list", "expected TARGET:SETTING"),
        ("roles.list:", "give exactly one of latency=, status=, reset, truncate (got none)"),
        ("roles.list:status=abc", "status must be a whole number, got 'abc'"),
        ("roles.list:latency=soon", "latency must be a number, got 'soon'"),
        ("roles.list:bogus=1", "unknown setting 'bogus=1'"),
        ("roles.list:status=429,reset", "(got status and reset)"),
        ("roles.list:reset=yes", "reset takes no value"),
        ("roles.list:status", "status needs a value"),
        ("roles.list:status=429,status=500", "status is given twice"),
        ("roles.list:status=200", "status must be an error status from 400 to 599"),
        ("roles.list:latency=-1", "latency must be a number of at least 0"),
        ("roles.list:latency=nan", "latency must be a number of at least 0"),
        ("*:reset,probability=2", "probability must be between 0 and 1"),
        ("*:reset,times=0", "times must be a whole number of at least 1"),
        ("*:latency=1,retry_after=2", "retry_after and retry_after_ms go with status="),
        ("*:status=429,retry_after=soon", "retry_after must be seconds or an HTTP date"),
        ('*:status=429,retry_after="Wed, 21 Oct', "a double quote is not closed"),
        ("/role:reset", "a route needs its method, as in 'GET /role'"),
        ("GET role:reset", "the target must be an operationId"),
        ("roles.list:reset;bad", "fault rule 2 'bad'"),
    ],
)
def test_a_bad_spec_says_what_is_wrong(spec: str, expected: str) -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_faults(spec)
    assert expected in str(caught.value)


def test_the_python_api_checks_rules_the_same_way() -> None:
    faults = Faults()
    with pytest.raises(FaultSpecError, match="fault 'roles.list': give exactly one of"):
        faults.add("roles.list", status=429, truncate=True)
    with pytest.raises(FaultSpecError, match="needs a time zone"):
        faults.add("roles.list", status=503, retry_after=datetime(2026, 10, 21))
    with pytest.raises(FaultSpecError, match="times must be"):
        faults.add("roles.list", reset=True, times=True)
    assert faults.rules == []
    dated = faults.add("roles.list", status=503, retry_after=datetime(2026, 10, 21, 9, 28, tzinfo=timezone(timedelta(hours=2))))
    assert dated.retry_after == "Wed, 21 Oct 2026 07:28:00 GMT"
    assert faults.add("*", status=429, retry_after=2, retry_after_ms=1.5).outcome(0).headers[-2:] == (("Retry-After", "2"), ("retry-after-ms", "1.5"))


def test_targets_match_an_operation_a_route_template_or_everything() -> None:
    by_operation, by_route, everything = Fault("roles.retrieve", reset=True), Fault("get /role/{id}", reset=True), Fault("*", reset=True)
    assert by_operation.matches("GET", "/role/7", "roles.retrieve") and not by_operation.matches("GET", "/role", "roles.list")
    assert by_route.matches("GET", "/role/7", None) and by_route.matches("get", "/role/a%20b", None)
    assert not by_route.matches("GET", "/role", None) and not by_route.matches("GET", "/role/7/users", None) and not by_route.matches("DELETE", "/role/7", None)
    assert everything.matches("PATCH", "/nowhere", None)


def test_latencies_add_up_and_the_first_disruptive_rule_wins() -> None:
    faults = Faults()
    faults.add("*", latency=0.25)
    first = faults.add("roles.list", status=503, times=1)
    second = faults.add("GET /role", reset=True)
    faults.add("roles.list", latency=0.5)
    assert fire(faults) == (0.75, "status")
    assert fire(faults) == (0.75, "reset")
    assert fire(faults, "POST", "/role", "roles.create") == (0.25, None)
    assert (first.fired, second.fired) == (1, 1)  # the second did not fire while the first won


def test_times_limits_a_rule_and_clear_removes_every_rule() -> None:
    faults = Faults()
    rule = faults.add("roles.list", status=429, times=2)
    assert [fire(faults)[1] for _ in range(4)] == ["status", "status", None, None]
    assert rule.fired == 2 and rule.exhausted and repr(rule) == "<Fault roles.list:status=429,times=2 fired=2>"
    faults.clear()
    assert faults.rules == [] and fire(faults) == (0.0, None)


def test_seeded_probability_is_reproducible() -> None:
    def run(seed: int) -> List[Optional[str]]:
        faults = Faults(seed)
        faults.load("roles.list:status=500,probability=0.5")
        return [fire(faults)[1] for _ in range(40)]

    assert run(3) == run(3)
    assert run(3) != run(4)
    assert set(run(3)) == {"status", None}
    faults = Faults(3)
    faults.load("roles.list:status=500,probability=0.5")
    first = [fire(faults)[1] for _ in range(40)]
    faults.clear()
    faults.load("roles.list:status=500,probability=0.5")
    assert [fire(faults)[1] for _ in range(40)] == first  # clear() reseeds


def test_a_faulted_request_never_reaches_the_app_but_a_delayed_one_does() -> None:
    app, faults = EchoApp(), Faults()
    faults.add("roles.create", status=503, retry_after="1")
    faults.add("roles.list", latency=0.5)
    refused = faults.apply(app, "POST", "/role", [], b"{}")
    assert (refused.status, refused.action, dict(refused.headers)["Retry-After"]) == (503, "answer", "1")
    assert app.calls == []
    delayed = faults.apply(app, "GET", "/role?page=2", [], b"")
    assert (delayed.status, delayed.delay, delayed.action) == (200, 0.5, "answer")
    assert app.calls == [("GET", "/role?page=2", b"")]


def test_times_holds_under_concurrent_requests() -> None:
    faults = Faults()
    rule = faults.add("*", reset=True, times=50)

    def hammer() -> None:
        for _ in range(100):
            faults.decide("GET", "/role", "roles.list")

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rule.fired == 50
