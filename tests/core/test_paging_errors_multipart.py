"""Paging always terminates; status errors pick their class; multipart bodies repeat exactly."""

from __future__ import annotations

from typing import Any, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wootiv_core import errors
from wootiv_core.api import operations as ops
from wootiv_core.http import Headers, Request, Response
from wootiv_core.multipart import BytesSource, encode_multipart
from wootiv_core.operation import PagedCall
from wootiv_core.paging import PageData, next_call

numbers = st.one_of(st.none(), st.integers(-3, 12))


@given(st.lists(st.tuples(numbers, numbers, st.integers(0, 2)), min_size=1, max_size=30))
def test_following_pages_always_ends(envelopes: List[Any]) -> None:
    call: Any = PagedCall(ops.ROLES_LIST, {})
    followed = 0
    for page, page_count, size in envelopes:
        following = next_call(call, PageData(["item"] * size, page, page_count, None))
        if following is None:
            break
        assert following.args["page"] > (call.args.get("page") or 0)
        call = following
        followed += 1
    assert followed <= 12


@pytest.mark.parametrize(
    "status, cls",
    [(400, errors.BadRequestError), (401, errors.AuthenticationError), (403, errors.PermissionDeniedError), (404, errors.NotFoundError),
     (409, errors.ConflictError), (422, errors.UnprocessableEntityError), (429, errors.RateLimitError), (500, errors.InternalServerError),
     (504, errors.InternalServerError), (418, errors.APIStatusError)],
)
def test_status_errors(status: int, cls: type) -> None:
    request = Request("GET", "http://x/role")
    error = errors.status_error(Response(status, Headers(), b'{"message":"m"}', request))
    assert type(error) is cls and error.body == {"message": "m"} and str(error) == f'Error code: {status} - {{"message": "m"}}'
    text = errors.status_error(Response(status, Headers(), b"plain failure", request))
    assert text.body == "plain failure" and str(text) == f"Error code: {status} - plain failure"


@given(st.lists(st.binary(max_size=300), max_size=4), st.text(max_size=10))
def test_multipart_bodies_are_repeatable_and_measured(files: List[bytes], folder: str) -> None:
    sources = [("bulk[]", BytesSource(data, f"f{i}.bin")) for i, data in enumerate(files)]
    content_type, body, length = encode_multipart({"path": folder}, sources, "t0k3n")
    first, second = b"".join(body), b"".join(body)
    assert first == second and len(first) == length
    assert content_type == "multipart/form-data; boundary=wootiv-t0k3n"
    assert first.count(b'name="bulk[]"') == len(files)
