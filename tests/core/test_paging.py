"""Page-number paging: pages are read from the envelope, and following them always ends."""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, List, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv_core.api import models
from wootiv_core.api import operations as ops
from wootiv_core.errors import APIResponseValidationError
from wootiv_core.http import Headers, Request, Response
from wootiv_core.operation import CallOptions, Operation, PagedCall
from wootiv_core.paging import PageData, next_call
from wootiv_core.results import result_reader

PAGINATED = [op for op in ops.ALL if op.paginated]
ROLE = {"id": "r", "assignees": [], "audit": {"date_created": "2026-01-01T00:00:00Z", "date_deleted": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z", "version": 1}, "description": "d", "name": "n"}
GET_ROLES = Request("GET", "http://api.test/role?page=1")


def respond(body: Any, request: Request = GET_ROLES) -> Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(200, Headers({"Content-Type": "application/json"}), content, request)


def read(body: Any, strict: bool = False, op: Operation[Any] = ops.ROLES_LIST) -> PageData[Any]:
    page: PageData[Any] = result_reader(op, strict)(respond(body))
    return page


def envelope(page: Any, page_count: Any, items: int = 1, **more: Any) -> Dict[str, Any]:
    return {"count": items, "data": [ROLE] * items, "page": page, "pageCount": page_count, "total": 10, **more}


def test_the_seven_paginated_lists() -> None:
    assert sorted(op.id for op in PAGINATED) == sorted(
        ["space.members.list", "roles.list", "invitations.list", "users.list", "contacts.list", "contact_group.list", "mailbox.list"]
    )
    assert all(op.method == "GET" and any(p.python == "page" for p in op.params) for op in PAGINATED)


def test_the_next_page_is_asked_while_page_is_below_page_count() -> None:
    call: PagedCall[Any] = PagedCall(ops.ROLES_LIST, {"limit": 2, "fields": ["name"]}, CallOptions(extra_headers={"X": "1"}))
    first = read(envelope(1, 3, 2))
    assert first.items == read([ROLE, ROLE]).items and isinstance(first.items[0], models.RoleDto)
    assert (first.page, first.page_count, first.total) == (1, 3, 10)
    second = next_call(call, first)
    assert second is not None and second.args == {"limit": 2, "fields": ["name"], "page": 2}
    assert second.op is call.op and second.options == call.options
    third = next_call(second, read(envelope(2, 3)))
    assert third is not None and third.args["page"] == 3
    assert next_call(third, read(envelope(3, 3))) is None


@pytest.mark.parametrize(
    "page, page_count",
    [
        (None, 3), (1, None), (None, None),  # missing
        (0, 3), (-1, 3), (1, 0), (1, -2),  # nonsensical
        (1.5, 3), (1, 2.5), ("1", 3), (1, "3"), (True, 3), (1, True), ([1], 3), ({}, 3),  # wrong types
        (3, 3), (4, 3), (9, 1),  # last page, or beyond it
        (float("nan"), 3), (1, float("inf")),
    ],
)
def test_nonsensical_envelopes_end_the_iteration(page: Any, page_count: Any) -> None:
    body = envelope(page, page_count)
    data = read(json.dumps(body).encode())
    assert len(data.items) == 1
    assert next_call(PagedCall(ops.ROLES_LIST, {}), data) is None
    if page is None or page_count is None or not isinstance(page, int) or not isinstance(page_count, int) or page is True or page_count is True:
        with pytest.raises(APIResponseValidationError, match="page"):
            read(json.dumps(body).encode(), strict=True)


def test_missing_keys_end_the_iteration() -> None:
    for body in ({"data": [ROLE]}, {"data": [ROLE], "page": 1}, {"data": [ROLE], "pageCount": 5}):
        data = read(body)
        assert (data.page, data.page_count) != (1, 5) and next_call(PagedCall(ops.ROLES_LIST, {}), data) is None


def test_whole_number_floats_are_page_numbers() -> None:
    data = read(envelope(1.0, 3.0))
    assert (data.page, data.page_count) == (1, 3) and type(data.page) is int
    nxt = next_call(PagedCall(ops.ROLES_LIST, {}), data)
    assert nxt is not None and nxt.args["page"] == 2 and type(nxt.args["page"]) is int


def test_an_empty_page_ends_the_iteration() -> None:
    assert next_call(PagedCall(ops.ROLES_LIST, {}), read(envelope(1, 5, items=0))) is None


def test_a_page_that_does_not_move_past_the_one_asked_for_ends_the_iteration() -> None:
    # asked for page 3, the server answered page 1 (it ignored the parameter)
    assert next_call(PagedCall(ops.ROLES_LIST, {"page": 3}), read(envelope(1, 5))) is None
    assert next_call(PagedCall(ops.ROLES_LIST, {"page": 3}), read(envelope(2, 5))) is None
    moved = next_call(PagedCall(ops.ROLES_LIST, {"page": 3}), read(envelope(3, 5)))
    assert moved is not None and moved.args["page"] == 4


def test_a_bare_list_is_the_only_page() -> None:
    data = read([ROLE, ROLE])
    assert data == PageData(data.items, None, None, None) and len(data.items) == 2
    assert next_call(PagedCall(ops.ROLES_LIST, {}), data) is None


@pytest.mark.parametrize("body", [{"page": 1}, {"data": "x", "page": 1, "pageCount": 2}, "text", 3, None, {"data": {"a": 1}}])
def test_an_answer_that_is_no_page_is_a_validation_error(body: Any) -> None:
    for strict in (False, True):
        with pytest.raises(APIResponseValidationError, match="roles.list"):
            read(body, strict)


def test_items_follow_strictness() -> None:
    broken = dict(ROLE, name=5)
    with pytest.raises(APIResponseValidationError, match=r"roles.list: the answer does not match List\[RoleDto\]: .*\$\[0\]\.name"):
        read(envelope(1, 1) | {"data": [broken]}, strict=True)
    lenient = read(envelope(1, 1) | {"data": [broken]})
    assert isinstance(lenient.items[0], models.RoleDto) and lenient.items[0].name == 5


@pytest.mark.parametrize("op", PAGINATED, ids=lambda op: op.id)
def test_every_paginated_list_reads_envelopes_and_bare_lists(op: Operation[Any]) -> None:
    page = read({"count": 0, "data": [], "page": 1, "pageCount": 1, "total": 0}, strict=True, op=op)
    assert page == PageData([], 1, 1, 0, count=0)
    assert read([], strict=True, op=op) == PageData([], None, None, None)


# --- termination, as a property ------------------------------------------------------------------

raw_numbers = st.one_of(
    st.none(),
    st.integers(-3, 12),
    st.floats(-3, 12, allow_nan=False).filter(lambda x: x != int(x)),
    st.integers(-3, 12).map(float),
    st.integers(-3, 12).map(str),
    st.booleans(),
    st.just(float("nan")),
)
raw_envelopes = st.builds(
    lambda page, count, size, drop: {k: v for k, v in {"data": [ROLE] * size, "page": page, "pageCount": count, "total": size}.items() if k not in drop},
    raw_numbers,
    raw_numbers,
    st.integers(0, 2),
    st.sets(st.sampled_from(["page", "pageCount", "total"]), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(
    server=st.lists(raw_envelopes, min_size=1, max_size=8),
    first_page=st.one_of(st.none(), st.integers(-2, 12)),
)
def test_following_next_call_always_terminates(server: List[Dict[str, Any]], first_page: Optional[int]) -> None:
    """Even a server that repeats the same answers forever cannot make a page loop."""
    call: PagedCall[Any] = PagedCall(ops.ROLES_LIST, {} if first_page is None else {"page": first_page})
    answers = itertools.cycle(server)
    asked: List[int] = []
    for _ in range(100):
        body = next(answers)
        page = read(json.dumps(body).encode())
        following = next_call(call, page)
        if following is None:
            break
        number = following.args["page"]
        assert type(number) is int
        assert page.page is not None and page.page_count is not None
        assert 2 <= number <= page.page_count  # only pages the server says exist
        assert not asked or number > asked[-1]  # always forward
        asked.append(number)
        call = following
    else:
        pytest.fail(f"paging did not end: asked for {asked}")
    assert len(asked) <= 11


@given(page=st.integers(-5, 50), page_count=st.integers(-5, 50), size=st.integers(0, 3), asked=st.one_of(st.none(), st.integers(-5, 50)))
def test_next_call_rule(page: int, page_count: int, size: int, asked: Optional[int]) -> None:
    call: PagedCall[Any] = PagedCall(ops.ROLES_LIST, {} if asked is None else {"page": asked})
    following = next_call(call, PageData(["x"] * size, page, page_count, None))
    expected = size > 0 and 1 <= page < page_count and (asked is None or page + 1 > asked)
    assert (following is not None) == expected
    if following is not None:
        assert following.args["page"] == page + 1
