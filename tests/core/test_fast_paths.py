"""The core's fast paths give what the general code they skip would give.

Each fast path takes the usual case (an exact `str` or `int`, a header list)
by a shorter way. A subclass of the same type takes the general way, so
comparing the two answers checks that the shortcut changes nothing.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, List, Tuple

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wootiv_core.api import operations as ops
from wootiv_core.config import ClientConfig
from wootiv_core.exchange import Send, exchange
from wootiv_core.http import Headers, Request, Response, Timeout
from wootiv_core.operation import SENT_AS_GIVEN, Call, CallOptions, PagedCall, Schema
from wootiv_core.paging import PageData, next_call
from wootiv_core.request_builder import build_request, to_wire
from wootiv_core.results import result_reader
from wootiv_core.retries import RetryPolicy
from wootiv_core.urls import encode_query


class Text(str):
    """A `str` that takes the general path."""


class Whole(int):
    """An `int` that takes the general path."""


SCALARS: Dict[str, Any] = {
    "string": st.text(),
    "integer": st.integers(),
    "number": st.one_of(st.integers(), st.floats()),
    "boolean": st.booleans(),
    "datetime": st.text(),
}


def test_every_kind_sent_as_given_is_a_kind_to_wire_checks() -> None:
    assert set(SENT_AS_GIVEN) == set(SCALARS)


@pytest.mark.parametrize("kind", sorted(SENT_AS_GIVEN))
@given(data=st.data())
def test_values_sent_as_given_are_what_to_wire_would_send(kind: str, data: st.DataObject) -> None:
    value = data.draw(SCALARS[kind])
    assert type(value) in SENT_AS_GIVEN[kind]
    for nullable in (False, True):
        assert to_wire(value, Schema(kind, nullable=nullable), "x(y=)") is value


def test_types_to_wire_changes_or_refuses_are_not_sent_as_given() -> None:
    assert bool not in SENT_AS_GIVEN["integer"] and bool not in SENT_AS_GIVEN["number"]
    assert datetime.datetime not in SENT_AS_GIVEN["datetime"] and datetime.date not in SENT_AS_GIVEN["datetime"]


@given(st.lists(st.tuples(st.text(min_size=1), st.one_of(st.text(), st.integers())), max_size=5))
def test_str_and_int_query_values_encode_as_their_subclasses_do(params: List[Tuple[str, Any]]) -> None:
    general = [(key, Text(value) if isinstance(value, str) else Whole(value)) for key, value in params]
    assert encode_query(params) == encode_query(general)


def test_arguments_follow_their_parameters() -> None:
    for op in ops.ALL:
        assert [argument.python for argument in op.arguments] == [param.python for param in op.params]
        for argument, param in zip(op.arguments, op.params):
            assert argument.wire == param.wire and argument.schema == param.schema
            assert argument.label == f"{op.id}({param.python}=)"
            assert argument.required == (param.required and param.where != "unused")
            files = param.schema.kind == "file" or (param.schema.items is not None and param.schema.items.kind == "file")
            assert (argument.step in ("file", "files")) == (files and param.where not in ("path", "unused"))
            if argument.step not in ("file", "files"):
                assert argument.step == param.where


@given(st.lists(st.tuples(st.sampled_from(["Content-Type", "content-type", "X-A", "x-a", "ETag"]), st.text()), max_size=6))
def test_headers_from_a_list_are_those_from_any_other_iterable(pairs: List[Tuple[str, str]]) -> None:
    from_list = Headers(pairs)
    from_tuple = Headers(tuple(pairs))
    assert dict(from_list.items()) == dict(from_tuple.items()) and repr(from_list) == repr(from_tuple)
    assert dict(Headers(dict(from_list.items())).items()) == dict(from_list.items())


@given(st.integers(-3, 2**60))
def test_page_numbers_read_from_ints_as_from_the_same_floats(number: int) -> None:
    def read(value: Any) -> Any:
        body = json.dumps({"data": [], "page": value, "pageCount": value, "total": value, "count": value}).encode()
        response = Response(200, Headers([("Content-Type", "application/json")]), body, Request("GET", "http://x/role"))
        return result_reader(ops.ROLES_LIST, False)(response)

    exact = read(number)
    assert (exact.page, exact.page_count, exact.total, exact.count) == (number,) * 4
    if abs(number) < 2**53:
        assert exact == read(float(number))


def _override_one_by_one(headers: Dict[str, str], overrides: List[Tuple[str, Any]]) -> Dict[str, str]:
    """The plain rule: each header given removes every header of its name, in any case, then is added."""
    for name, value in overrides:
        headers = {key: item for key, item in headers.items() if key.lower() != name.lower()}
        if value is not None:
            headers[name] = value
    return headers


HEADER_NAMES = st.sampled_from(["Accept", "accept", "ACCEPT", "User-Agent", "user-agent", "Authorization", "Content-Type", "content-type", "Idempotency-Key", "X-A", "x-a"])
HEADER_MAPS = st.dictionaries(HEADER_NAMES, st.one_of(st.none(), st.sampled_from(["1", "two", "a b"])), max_size=5)


@given(HEADER_MAPS, HEADER_MAPS, st.booleans())
def test_headers_given_override_as_if_applied_one_by_one(defaults: Dict[str, Any], extra: Dict[str, Any], write: bool) -> None:
    config = ClientConfig(api_key="k", base_url="http://api.test")
    op, args = (ops.ROLES_CREATE, {"name": "n", "description": "d"}) if write else (ops.ROLES_RETRIEVE, {"id": "r"})
    plain = build_request(config, Call(op, args), "nonce")
    given_config = ClientConfig(api_key="k", base_url="http://api.test", default_headers=defaults)
    request = build_request(given_config, Call(op, args, CallOptions(extra_headers=extra)), "nonce")
    expected = _override_one_by_one(dict(plain.headers), [*defaults.items(), *extra.items()])
    assert list(request.headers.items()) == list(expected.items())


def test_an_attempt_under_a_deadline_keeps_every_field_of_the_request_but_its_timeout() -> None:
    # Every field away from its default, so that one left behind would show.
    request = Request("PATCH", "http://api.test/role/r", {"Idempotency-Key": "k"}, b"{}", Timeout(30.0), 1234)
    assert all(getattr(request, field.name) != field.default for field in attrs.fields(Request) if field.default is not attrs.NOTHING)
    flow = exchange(request, lambda response: None, RetryPolicy(), now=lambda: 0.0, random=lambda: 0.0, clock=lambda: 100.0, deadline=110.0)
    step = next(flow)
    assert isinstance(step, Send)
    assert step.request == attrs.evolve(request, timeout=request.timeout.within(10.0))
    assert step.request.timeout == Timeout(30.0).within(10.0)


def test_the_next_page_call_is_the_call_with_the_page_changed() -> None:
    call = PagedCall(ops.ROLES_LIST, {"limit": 10, "page": 2}, CallOptions(extra_query={"a": "b"}, timeout=5.0))
    following = next_call(call, PageData(["x"], 2, 5, None))
    assert following == attrs.evolve(call, args={"limit": 10, "page": 3}) and type(following) is PagedCall
