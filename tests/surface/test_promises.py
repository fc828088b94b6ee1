"""The client's promises under bad input and hostile answers, checked as a user calls it.

Each test uses `Wootiv` or `AsyncWootiv` over a recording transport (no
socket): what was sent, how often, and what the caller got. Covered here:
client options `deadline`, `retry_writes` and `max_response_size` (and the
per-call `deadline` and `retry_writes`), mistakes refused before anything
is sent, answers of the wrong JSON kind, deeply nested JSON, errors that
pickle without secrets, and bounded error bodies.
"""

from __future__ import annotations

import json
import logging
import pickle
from typing import Any, Dict, List, Tuple

import pytest

import wootiv
from wootiv import APIConnectionError, APIResponseValidationError, InternalServerError, NotFoundError, RateLimitError
from wootiv_core.http import Request

from .conftest import API_KEY, Answer, Recorder, async_client, settle, sync_client

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
STAMP = "2026-01-02T03:04:05Z"
AUDIT = {"date_created": STAMP, "date_deleted": STAMP, "date_updated": STAMP, "version": 1}
ROLE = {"id": "r1", "assignees": [], "audit": AUDIT, "description": "d", "name": "n"}


def client_for(mode: str, *script: Any, **options: Any) -> Tuple[Any, Recorder]:
    return sync_client(*script, **options) if mode == "sync" else async_client(*script, **options)


async def outcome(call: Any) -> Any:
    """The call's result, or the exception it raised."""
    try:
        return await settle(call())
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        return exc


def nested(depth: int) -> Any:
    """`depth` levels of arrays and objects, in turn, around a string."""
    value: Any = "leaf"
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


def nested_json(depth: int) -> str:
    """`nested(depth)` as JSON text, written without recursion (json.dumps would overflow)."""
    opens = "".join('{"a": ' if level % 2 else "[" for level in reversed(range(depth)))
    closes = "".join("}" if level % 2 else "]" for level in range(depth))
    return f'{opens}"leaf"{closes}'


# --- the new options: validated at construction, used on every call --------------------


@pytest.mark.parametrize(
    "options, error",
    [
        ({"deadline": 0}, ValueError),
        ({"deadline": -3}, ValueError),
        ({"deadline": "10"}, TypeError),
        ({"retry_writes": 1}, TypeError),
        ({"max_response_size": 0}, ValueError),
        ({"max_response_size": 2.5}, TypeError),
        ({"api_key": API_KEY + "\n"}, ValueError),
        ({"api_key": API_KEY + " "}, ValueError),
        ({"base_url": "http://user:pw@api.test"}, ValueError),
        ({"base_url": "not a url"}, ValueError),
        ({"default_headers": {"Content-Length": "1"}}, ValueError),
        ({"default_headers": {"X-Name": "caf\u00e9 \u2615"}}, ValueError),
    ],
)
@pytest.mark.parametrize("cls", [wootiv.Wootiv, wootiv.AsyncWootiv])
def test_bad_client_options_are_refused_at_construction(cls: Any, options: Dict[str, Any], error: type) -> None:
    kwargs = {"api_key": API_KEY, "base_url": "http://api.test", "http_client": Recorder(), **options}
    with pytest.raises(error) as caught:
        cls(**kwargs)
    assert API_KEY not in str(caught.value) and "pw@" not in str(caught.value)


@MODES
async def test_max_response_size_reaches_every_request(mode: str) -> None:
    client, recorder = client_for(mode, Answer.json(ROLE), max_response_size=4096)
    await settle(client.roles.retrieve("r1"))
    assert recorder.last.request.max_response_size == 4096
    client, recorder = client_for(mode, Answer.json(ROLE), max_response_size=None)
    await settle(client.roles.retrieve("r1"))
    assert recorder.last.request.max_response_size is None
    client, recorder = client_for(mode, Answer.json(ROLE))
    await settle(client.roles.retrieve("r1"))
    assert recorder.last.request.max_response_size == 32 * 1024 * 1024


@MODES
@pytest.mark.parametrize(
    "client_setting, call_setting, retried",
    [(False, None, False), (True, None, True), (False, True, True), (True, False, False)],
)
async def test_retry_writes_per_client_and_per_call(
    mode: str, client_setting: bool, call_setting: Any, retried: bool
) -> None:
    client, recorder = client_for(mode, Answer.json({"message": "boom"}, 500), Answer.json(ROLE, 201), retry_writes=client_setting, max_retries=1)
    extra = {} if call_setting is None else {"retry_writes": call_setting}
    result = await outcome(lambda: client.roles.create(name="n", description="d", **extra))
    assert len(recorder.sent) == (2 if retried else 1)
    if retried:
        assert result.id == "r1"
        keys = {sent.headers["idempotency-key"] for sent in recorder.sent}
        assert len(keys) == 1, "a retried write keeps its Idempotency-Key"
    else:
        assert isinstance(result, InternalServerError)


@MODES
async def test_reads_are_retried_after_a_500_whatever_retry_writes_says(mode: str) -> None:
    client, recorder = client_for(mode, Answer.json({"message": "boom"}, 500), Answer.json(ROLE), max_retries=1)
    assert (await settle(client.roles.retrieve("r1"))).id == "r1"
    assert len(recorder.sent) == 2


@MODES
async def test_a_deadline_cuts_each_attempt_and_stops_waits_past_it(mode: str) -> None:
    client, recorder = client_for(mode, Answer.json(ROLE), deadline=3.0)
    await settle(client.roles.retrieve("r1"))
    timeout = recorder.last.request.timeout
    assert 0 < timeout.read <= 3.0 and 0 < timeout.attempt <= 3.0 and timeout.connect <= 3.0
    # The server asks for a 2 s wait; the call allows 1 s in all: it ends at once.
    client, recorder = client_for(mode, Answer.json({"message": "slow down"}, 429, **{"Retry-After": "2"}))
    result = await outcome(lambda: client.roles.retrieve("r1", deadline=1.0))
    assert isinstance(result, RateLimitError) and len(recorder.sent) == 1


@MODES
async def test_a_per_call_deadline_replaces_the_clients(mode: str) -> None:
    client, recorder = client_for(mode, Answer.json(ROLE), deadline=100.0)
    await settle(client.roles.retrieve("r1", deadline=0.5))
    assert recorder.last.request.timeout.attempt <= 0.5
    await settle(client.roles.retrieve("r1", deadline=None))
    assert recorder.last.request.timeout == client.timeout
    await settle(client.roles.retrieve("r1"))
    assert 50 < recorder.last.request.timeout.attempt <= 60


@MODES
@pytest.mark.parametrize("options, error", [({"deadline": 0}, ValueError), ({"deadline": "1"}, TypeError), ({"retry_writes": "yes"}, TypeError)])
async def test_bad_per_call_options_are_refused_before_anything_is_sent(mode: str, options: Dict[str, Any], error: type) -> None:
    client, recorder = client_for(mode, Answer.json(ROLE))
    with pytest.raises(error):
        await settle(client.roles.retrieve("r1", **options))
    assert recorder.sent == []


@MODES
@pytest.mark.parametrize(
    "headers, error",
    [
        ({"Content-Length": "999"}, ValueError),
        ({"Transfer-Encoding": "chunked"}, ValueError),
        ({"Host": "evil.test"}, ValueError),
        ({"X-Note": "caf\u00e9 \u2615"}, ValueError),
        ({"X-Note": "a\x00b"}, ValueError),
        ({"X-Note": 7}, TypeError),
    ],
)
async def test_bad_extra_headers_are_refused_before_anything_is_sent(mode: str, headers: Dict[str, Any], error: type) -> None:
    client, recorder = client_for(mode, Answer.json(ROLE))
    with pytest.raises(error):
        await settle(client.roles.retrieve("r1", extra_headers=headers))
    assert recorder.sent == []


@MODES
async def test_an_over_long_url_is_a_value_error_and_never_sent(mode: str) -> None:
    client, recorder = client_for(mode, Answer.json(ROLE))
    with pytest.raises(ValueError, match="over the limit of 8192"):
        await settle(client.roles.retrieve("x" * 9000))
    assert recorder.sent == []


def test_the_client_repr_shows_no_secret() -> None:
    client, _ = sync_client()
    assert API_KEY not in repr(client) and "base_url='http://api.wootiv.test/prefix'" in repr(client)


# --- lenient, not lawless -------------------------------------------------------------


@MODES
@pytest.mark.parametrize("body, kind", [([1, 2, 3], "an array"), ("hello", "a string"), (42, "a number"), (True, "a boolean")])
@pytest.mark.parametrize("strict", [False, True])
async def test_an_answer_of_the_wrong_json_kind_is_a_validation_error(mode: str, body: Any, kind: str, strict: bool) -> None:
    client, _ = client_for(mode, Answer.json(body), strict_response_validation=strict)
    result = await outcome(lambda: client.roles.retrieve("r1"))
    assert isinstance(result, APIResponseValidationError), result
    assert result.body == body
    if not strict:
        assert f"roles.retrieve: the answer does not match RoleDto: expected a JSON object, got {kind}" in str(result)


@MODES
@pytest.mark.parametrize("strict", [False, True])
async def test_list_items_of_the_wrong_kind_are_a_validation_error(mode: str, strict: bool) -> None:
    page = {"count": 3, "data": [1, "x", None], "page": 1, "pageCount": 1, "total": 3}
    client, _ = client_for(mode, Answer.json(page), strict_response_validation=strict)
    result = await outcome(lambda: client.roles.list())
    assert isinstance(result, APIResponseValidationError), result
    client, _ = client_for(mode, Answer.json([ROLE, "x"]), strict_response_validation=strict)
    assert isinstance(await outcome(lambda: client.roles.list()), APIResponseValidationError)


@MODES
async def test_lenient_mode_still_keeps_what_fits_in_an_object(mode: str) -> None:
    client, _ = client_for(mode, Answer.json({"id": "r1", "name": 5, "newField": [1]}))
    role = await settle(client.roles.retrieve("r1"))
    assert role.id == "r1" and role.name == 5 and role.extra_fields == {"newField": [1]}


# --- deep nesting ------------------------------------------------------------------------


def deep_answer(depth: int, where: str) -> Answer:
    role = json.dumps(ROLE)[:-1] + f', "deep": {nested_json(depth)}}}'
    if where == "unknown field":
        return Answer(200, role.encode())
    if where == "free-form result":
        return Answer(200, f'{{"deleted": {nested_json(depth)}}}'.encode())
    # The standard library's path (orjson refuses a byte-order mark).
    return Answer(200, b"\xef\xbb\xbf" + role.encode())


def call_for(client: Any, where: str) -> Any:
    if where == "free-form result":
        return lambda: client.roles.delete("r1")
    return lambda: client.roles.retrieve("r1")


@MODES
@pytest.mark.parametrize("where", ["unknown field", "free-form result", "stdlib decoder"])
@pytest.mark.parametrize("strict", [False, True])
async def test_json_nested_past_the_limit_is_refused_when_read(mode: str, where: str, strict: bool) -> None:
    client, _ = client_for(mode, deep_answer(1000, where), strict_response_validation=strict)
    result = await outcome(call_for(client, where))
    assert isinstance(result, APIResponseValidationError), result
    assert "nested" in str(result) and "128" in str(result)
    pickle.loads(pickle.dumps(result))
    repr(result)


@MODES
@pytest.mark.parametrize("where", ["unknown field", "stdlib decoder"])
async def test_json_nested_within_the_limit_works_in_every_model_method(mode: str, where: str) -> None:
    client, _ = client_for(mode, deep_answer(100, where))
    role = await settle(call_for(client, where)())
    assert json.loads(role.to_json()) == role.to_dict() and role.to_dict()["deep"] == nested(100)
    assert pickle.loads(pickle.dumps(role)) == role
    repr(role)


# --- errors from a real call travel without secrets --------------------------------------


@MODES
async def test_an_error_from_a_call_pickles_without_the_key(mode: str) -> None:
    client, _ = client_for(mode, Answer.json({"message": "Role not found"}, 404, **{"Set-Cookie": "session=s3cr3t"}))
    error = await outcome(lambda: client.roles.retrieve("r1"))
    assert isinstance(error, NotFoundError)
    data = pickle.dumps(error)
    assert API_KEY.encode() not in data and b"s3cr3t" not in data
    again = pickle.loads(data)
    assert type(again) is NotFoundError and again.status_code == 404 and again.body == {"message": "Role not found"}
    assert again.request.headers["Authorization"] == "<redacted>" and again.request.method == "GET"
    for text in (str(error), repr(error), repr(error.request.headers), repr(error.response.headers)):
        assert API_KEY not in text and "s3cr3t" not in text


@MODES
async def test_a_huge_error_body_gives_a_short_message(mode: str) -> None:
    client, _ = client_for(mode, Answer(500, b"E" * (8 * 1024 * 1024), {"Content-Type": "text/plain"}), max_retries=0)
    error = await outcome(lambda: client.roles.retrieve("r1"))
    assert isinstance(error, InternalServerError)
    assert len(str(error)) < 5000 and len(error.response.content) == 64 * 1024
    assert isinstance(error.body, str) and error.body.endswith(f"[cut: {8 * 1024 * 1024} bytes in all]")


def test_sent_requests_still_carry_the_real_key() -> None:
    client, recorder = sync_client(Answer.json(ROLE))
    client.roles.retrieve("r1")
    sent: Request = recorder.last.request
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    kept: List[str] = [value for value in sent.headers.values() if "redacted" in value]
    assert kept == []


# --- what a failed call says -------------------------------------------------------------


def refusing(sent: bool) -> Any:
    def answer(request: Request) -> Answer:
        raise APIConnectionError(request, "Connection error (ConnectError: [Errno 111] Connection refused)", sent=sent)

    return answer


@MODES
async def test_the_final_connection_error_names_the_call_and_its_attempts(mode: str) -> None:
    client, recorder = client_for(mode, refusing(sent=False), max_retries=0)
    error = await outcome(lambda: client.roles.retrieve("r1"))
    assert isinstance(error, APIConnectionError) and len(recorder.sent) == 1
    assert str(error) == (
        "Connection error (ConnectError: [Errno 111] Connection refused) on GET "
        "http://api.wootiv.test/prefix/role/r1 after 1 attempt"
    )
    assert API_KEY not in str(error) and API_KEY not in repr(error)


@MODES
async def test_a_write_that_may_have_arrived_is_not_sent_again_and_says_so(mode: str) -> None:
    client, recorder = client_for(mode, refusing(sent=True))
    error = await outcome(lambda: client.roles.create(name="n", description="d"))
    assert isinstance(error, APIConnectionError) and len(recorder.sent) == 1
    assert "on POST http://api.wootiv.test/prefix/role after 1 attempt; not retried" in str(error)


@MODES
async def test_every_answer_is_logged_at_debug(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="wootiv")
    client, _ = client_for(mode, Answer.json({"message": "no"}, 404), Answer.json(ROLE))
    assert isinstance(await outcome(lambda: client.roles.retrieve("gone")), NotFoundError)
    await settle(client.roles.retrieve("r1"))
    statuses = [message for message in caplog.messages if " -> " in message]
    assert [message.split(" in ")[0] for message in statuses] == [
        "GET http://api.wootiv.test/prefix/role/gone -> 404",
        "GET http://api.wootiv.test/prefix/role/r1 -> 200",
    ]
    assert all(message.endswith(" s") for message in statuses)
    assert API_KEY not in caplog.text
