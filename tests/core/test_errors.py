"""`status_error` picks the class from the status and writes the message users see."""

from __future__ import annotations

import concurrent.futures
import json
import pickle
from typing import Any, List, Optional, Type

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
    assert (error.request.method, error.request.url) == (REQUEST.method, REQUEST.url)
    assert error.response.request is error.request


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
    assert (connection.request.method, connection.request.url) == ("GET", REQUEST.url) and connection.body is None
    assert not isinstance(connection, APIStatusError)


def test_validation_errors_carry_the_response() -> None:
    response = Response(200, Headers(), b"[]", REQUEST)
    error = APIResponseValidationError(response, [], "not a role")
    assert error.status_code == 200 and error.body == [] and str(error) == "not a role"
    assert (error.response.status_code, error.response.content) == (200, b"[]")
    assert not isinstance(error, APIStatusError)


def test_the_api_key_is_not_in_the_error() -> None:
    error = status_error(failed(401, b'{"message":"Unauthorized"}'))
    assert "secret" not in str(error) and "secret" not in repr(error) and "secret" not in repr(error.request)


# --- errors that travel: pickles, reprs and copies without secrets ------------------

SECRET = "sk-live-0123456789"
SECRET_REQUEST = Request(
    "POST",
    "http://api.test/auth/login",
    {"Authorization": f"Bearer {SECRET}", "Cookie": f"session={SECRET}", "X-Api-Key": SECRET, "X-Trace": "t1"},
    f'{{"password": "{SECRET}"}}'.encode(),
)


class LibraryHeaders(dict):  # type: ignore[type-arg]
    """Stands for an HTTP library's own header class (which may not pickle)."""

    def __reduce__(self) -> Any:
        raise TypeError("this header class cannot be pickled")


def every_error() -> List[APIError]:
    answer = Response(
        404,
        LibraryHeaders({"Content-Type": "application/json", "Set-Cookie": f"s={SECRET}", "X-Request-Id": "req-1"}),
        b'{"message":"Role not found"}',
        SECRET_REQUEST,
    )
    made: List[APIError] = [status_error(Response(status, answer.headers, answer.content, SECRET_REQUEST)) for status in (400, 401, 403, 404, 409, 418, 422, 429, 500, 503)]
    made += [
        APIConnectionError(SECRET_REQUEST, "Connection error (ConnectError: refused)", sent=False),
        APITimeoutError(SECRET_REQUEST, "Request timed out (ReadTimeout)"),
        errors.APIResponseTooLargeError(SECRET_REQUEST, 1024),
        APIResponseValidationError(Response(200, answer.headers, b"[1]", SECRET_REQUEST), [1], "roles.retrieve: not a role"),
        APIStatusError("Error code: 418", response=answer, body={"message": "teapot"}),
    ]
    return made


@pytest.mark.parametrize("error", every_error(), ids=lambda error: type(error).__name__)
def test_every_error_pickles_to_the_same_error(error: APIError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error) and again.message == error.message and again.args == error.args
    assert again.body == error.body
    assert getattr(again, "status_code", None) == getattr(error, "status_code", None)
    assert getattr(again, "sent", None) == getattr(error, "sent", None)
    assert (again.request.method, again.request.url) == (error.request.method, error.request.url)
    if isinstance(error, (APIStatusError, APIResponseValidationError)):
        assert again.response.content == error.response.content  # type: ignore[attr-defined]


@pytest.mark.parametrize("error", every_error(), ids=lambda error: type(error).__name__)
def test_no_error_carries_a_secret(error: APIError) -> None:
    response: Optional[Response] = getattr(error, "response", None)
    shown = [str(error), repr(error), repr(error.request), repr(error.request.headers), repr(dict(error.request.headers))]
    if response is not None:
        shown += [repr(response), repr(response.headers), repr(dict(response.headers))]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        shown.append(repr(pickle.dumps(error, protocol=protocol)))
    assert not [text for text in shown if SECRET in text]
    # The request kept is the one sent, minus its body and credentials.
    headers = error.request.headers
    assert headers["Authorization"] == headers["Cookie"] == headers["X-Api-Key"] == "<redacted>"
    assert headers["X-Trace"] == "t1" and error.request.content == b""


@pytest.mark.parametrize("error", every_error(), ids=lambda error: type(error).__name__)
def test_an_error_holds_no_object_of_an_http_library(error: APIError) -> None:
    response: Optional[Response] = getattr(error, "response", None)
    assert type(error.request.headers) is Headers
    if response is not None:
        assert type(response.headers) is Headers and response.request is error.request
        assert response.headers.get("x-request-id") in ("req-1", None)


def test_an_error_made_in_another_process_reaches_the_parent() -> None:
    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        with pytest.raises(errors.NotFoundError) as caught:
            pool.submit(_raise_not_found).result(timeout=60)
    assert caught.value.status_code == 404 and caught.value.body == {"message": "Role not found"}
    assert caught.value.response.headers["content-type"] == "application/json"


def _raise_not_found() -> None:
    raise status_error(Response(404, Headers({"Content-Type": "application/json"}), b'{"message":"Role not found"}', SECRET_REQUEST))


def test_headers_repr_masks_credentials() -> None:
    headers = Headers({"Authorization": "Bearer k", "proxy-authorization": "Basic p", "Cookie": "c", "Set-Cookie": "s", "X-Api-Key": "x", "X-Auth-Token": "t", "X-Client-Secret": "z", "Accept": "application/json"})
    assert repr(headers) == (
        "Headers({'Authorization': '<redacted>', 'proxy-authorization': '<redacted>', 'Cookie': '<redacted>', "
        "'Set-Cookie': '<redacted>', 'X-Api-Key': '<redacted>', 'X-Auth-Token': '<redacted>', "
        "'X-Client-Secret': '<redacted>', 'Accept': 'application/json'})"
    )
    assert headers["Authorization"] == "Bearer k"  # reading still gives the value
    assert pickle.loads(pickle.dumps(headers)) == headers


def test_a_password_in_a_request_url_is_not_kept() -> None:
    error = APIConnectionError(Request("GET", "http://user:pa55@api.test/role"), "Connection error")
    assert error.request.url == "http://api.test/role" and "pa55" not in repr(pickle.dumps(error))


# --- bounded error bodies ----------------------------------------------------------


def test_a_huge_error_body_is_cut_in_the_message_and_on_the_error() -> None:
    content = b"x" * (5 * 1024 * 1024)
    error = status_error(failed(500, content))
    assert len(str(error)) < errors.MAX_MESSAGE_LENGTH + 100
    assert str(error).startswith("Error code: 500 - xxxx") and str(error).endswith("more characters cut]")
    assert isinstance(error.body, str) and error.body.startswith("x" * errors.MAX_ERROR_BODY)
    assert error.body.endswith(f"... [cut: {len(content)} bytes in all]")
    assert len(error.response.content) == errors.MAX_ERROR_BODY == 64 * 1024
    assert len(pickle.dumps(error)) < 3 * errors.MAX_ERROR_BODY


def test_an_error_body_at_the_limit_is_kept_whole() -> None:
    body = {"message": "m" * (errors.MAX_ERROR_BODY - 20)}
    content = json.dumps(body).encode()
    assert len(content) <= errors.MAX_ERROR_BODY
    error = status_error(failed(400, content))
    assert error.body == body and error.response.content == content
    assert len(str(error)) < errors.MAX_MESSAGE_LENGTH + 100


def test_a_deeply_nested_error_body_is_kept_as_text() -> None:
    content = b"[" * 900 + b"]" * 900
    error = status_error(failed(400, content))
    assert error.body == content.decode()
    pickle.loads(pickle.dumps(error))
    repr(error)
