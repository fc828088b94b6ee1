"""`status_error` picks the class from the status and writes the message users see."""

from __future__ import annotations

import json
from typing import Any, Type

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wootiv_core import errors
from wootiv_core.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    WootivError,
    decode_error_body,
    status_error,
)
from wootiv_core.http import Headers, Request, Response

REQUEST = Request("GET", "http://api.test/role/r1", {"Authorization": "Bearer secret"})

BY_STATUS = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    409: errors.ConflictError,
    422: errors.UnprocessableEntityError,
    429: errors.RateLimitError,
}


def failed(status: int, content: bytes = b'{"message":"m"}') -> Response:
    return Response(status, Headers({"Content-Type": "application/json"}), content, REQUEST)


@given(st.integers(100, 599).filter(lambda status: not 200 <= status < 300))
def test_the_class_follows_the_status(status: int) -> None:
    error = status_error(failed(status))
    expected: Type[APIStatusError] = BY_STATUS.get(status) or (errors.InternalServerError if status >= 500 else APIStatusError)
    assert type(error) is expected
    assert isinstance(error, APIStatusError) and isinstance(error, APIError) and isinstance(error, WootivError)
    assert error.status_code == status and error.response.status_code == status
    assert error.request is REQUEST and error.response.request is REQUEST


@pytest.mark.parametrize("status, cls", [*BY_STATUS.items(), (500, errors.InternalServerError), (502, errors.InternalServerError), (503, errors.InternalServerError), (504, errors.InternalServerError), (599, errors.InternalServerError), (402, APIStatusError), (405, APIStatusError), (410, APIStatusError), (418, APIStatusError), (451, APIStatusError)])
def test_status_classes(status: int, cls: Type[APIStatusError]) -> None:
    error = status_error(failed(status, b'{"message":"Role not found","statusCode":404}'))
    assert type(error) is cls
    assert error.body == {"message": "Role not found", "statusCode": 404}
    assert str(error) == error.message == f'Error code: {status} - {{"message": "Role not found", "statusCode": 404}}'


@pytest.mark.parametrize(
    "content, body, message",
    [
        (b'{"message":["name must be a string"],"error":"Bad Request"}', {"message": ["name must be a string"], "error": "Bad Request"}, 'Error code: 400 - {"message": ["name must be a string"], "error": "Bad Request"}'),
        (b"[1, 2]", [1, 2], "Error code: 400 - [1, 2]"),
        (b"0", 0, "Error code: 400 - 0"),
        (b"false", False, "Error code: 400 - false"),
        (b'"quoted"', "quoted", "Error code: 400 - quoted"),
        (b"Bad Gateway", "Bad Gateway", "Error code: 400 - Bad Gateway"),
        (b"<html>oops</html>", "<html>oops</html>", "Error code: 400 - <html>oops</html>"),
        (b"", None, "Error code: 400"),
        (b"null", None, "Error code: 400"),
        (b"\xff\xfe bad", "\ufffd\ufffd bad", "Error code: 400 - \ufffd\ufffd bad"),
    ],
)
def test_the_body_is_decoded_or_kept_as_text(content: bytes, body: Any, message: str) -> None:
    error = status_error(failed(400, content))
    assert error.body == body and type(error.body) is type(body)
    assert str(error) == message


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=8))
def test_json_bodies_are_decoded_and_quoted_in_the_message(body: Any) -> None:
    error = status_error(failed(422, json.dumps(body).encode()))
    assert error.body == body
    if body is None:
        assert str(error) == "Error code: 422"
    elif isinstance(body, str):
        assert str(error) == f"Error code: 422 - {body}" if body else str(error) == "Error code: 422"
    else:
        prefix = "Error code: 422 - "
        assert str(error).startswith(prefix) and json.loads(str(error)[len(prefix):]) == body


def test_decode_error_body() -> None:
    assert decode_error_body(b"") is None
    assert decode_error_body(b'{"a": 1}') == {"a": 1}
    assert decode_error_body(b"not json") == "not json"


def test_transport_errors() -> None:
    connection = APIConnectionError(REQUEST)
    timeout = APITimeoutError(REQUEST)
    assert isinstance(timeout, APIConnectionError) and isinstance(connection, APIError)
    assert str(connection) == "Connection error." and str(timeout) == "Request timed out."
    assert connection.request is REQUEST and connection.body is None
    assert not isinstance(connection, APIStatusError)


def test_validation_errors_carry_the_response() -> None:
    response = Response(200, Headers(), b"[]", REQUEST)
    error = APIResponseValidationError(response, [], "not a role")
    assert error.status_code == 200 and error.response is response and error.body == [] and str(error) == "not a role"
    assert not isinstance(error, APIStatusError)


def test_the_api_key_is_not_in_the_error() -> None:
    error = status_error(failed(401, b'{"message":"Unauthorized"}'))
    assert "secret" not in str(error) and "secret" not in repr(error) and "secret" not in repr(error.request)
