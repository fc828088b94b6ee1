"""`build_request`: every argument checked before anything is built, then encoded as the API expects."""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wootiv_core.api import operations as ops
from wootiv_core.config import ClientConfig
from wootiv_core.http import DEFAULT_TIMEOUT, Request, Timeout
from wootiv_core.multipart import BytesSource, FileSource
from wootiv_core.operation import Call, CallOptions, Operation, Param, Schema
from wootiv_core.request_builder import WRITE_METHODS, build_request

CONFIG = ClientConfig(api_key="secret-key", base_url="http://api.test")
NONCE = "0123456789abcdef"


def build(op: Operation[Any], args: Dict[str, Any], config: ClientConfig = CONFIG, nonce: Optional[str] = NONCE, **options: Any) -> Request:
    return build_request(config, Call(op, args, CallOptions(**options)), nonce)


def sample(schema: Schema) -> Any:
    """A valid Python value for `schema`, with every required nested key."""
    kind = schema.kind
    if kind == "array":
        return [sample(schema.items or Schema("any"))]
    if kind == "object":
        if not schema.fields:
            return {"free": "form"}
        return {field.python: sample(field.schema) for field in schema.fields}
    return {
        "string": "value",
        "datetime": "2026-01-02T03:04:05Z",
        "integer": 7,
        "number": 2.5,
        "boolean": True,
        "file": BytesSource(b"data", "f.txt"),
        "any": "anything",
    }[kind]


def required_args(op: Operation[Any]) -> Dict[str, Any]:
    return {param.python: sample(param.schema) for param in op.params if param.required}


def all_args(op: Operation[Any]) -> Dict[str, Any]:
    return {param.python: sample(param.schema) for param in op.params}


def check_wire(schema: Schema, sent: Any) -> None:
    """Nested objects carry exactly the wire names of their fields."""
    if schema.kind == "array":
        for item in sent:
            check_wire(schema.items or Schema("any"), item)
    elif schema.kind == "object" and schema.fields:
        assert set(sent) == {field.wire for field in schema.fields}
        for field in schema.fields:
            check_wire(field.schema, sent[field.wire])


def body_of(request: Request) -> Any:
    assert isinstance(request.content, bytes)
    return json.loads(request.content)


OPS = {op.id: op for op in ops.ALL}


def test_the_spec_has_81_operations() -> None:
    assert len(ops.ALL) == len(OPS) == 81


@pytest.mark.parametrize("op", ops.ALL, ids=lambda op: op.id)
def test_every_operation_builds_from_its_arguments(op: Operation[Any]) -> None:
    args = all_args(op)
    request = build(op, args)
    assert request.method == op.method
    parts = urlsplit(request.url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://api.test"
    assert "{" not in parts.path and "}" not in parts.path
    template = op.path.split("/")
    sent = parts.path.split("/")
    assert len(sent) == len(template)
    for name, segment in zip(template, sent):
        if name.startswith("{"):
            wire = name[1:-1]
            (param,) = [p for p in op.params if p.where == "path" and p.wire == wire]
            assert unquote(segment) == args[param.python]
        else:
            assert segment == name
    headers = request.headers
    assert headers["Authorization"] == "Bearer secret-key"
    assert headers["Accept"] == op.accept
    assert ("Idempotency-Key" in headers) == (op.method in WRITE_METHODS)
    if op.method in WRITE_METHODS:
        assert headers["Idempotency-Key"] == NONCE
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    assert set(query) == {p.wire for p in op.params if p.where == "query"}
    if op.body == "json":
        assert headers["Content-Type"] == "application/json"
        body = body_of(request)
        body_params = [p for p in op.params if p.where == "body"]
        assert set(body) == {p.wire for p in body_params}
        for param in body_params:
            check_wire(param.schema, body[param.wire])
    elif op.body == "multipart":
        assert headers["Content-Type"] == f"multipart/form-data; boundary=wootiv-{NONCE}"
    else:
        assert request.content == b"" and "Content-Type" not in headers
    assert request.timeout == DEFAULT_TIMEOUT


@pytest.mark.parametrize("op", ops.ALL, ids=lambda op: op.id)
def test_every_operation_builds_from_required_arguments_only(op: Operation[Any]) -> None:
    request = build(op, required_args(op))
    if op.body == "json":
        assert set(body_of(request)) == {p.wire for p in op.params if p.where == "body" and p.required}


def test_reads_carry_no_idempotency_key_and_no_nonce_means_none() -> None:
    assert "Idempotency-Key" not in build(ops.ROLES_RETRIEVE, {"id": "r"}).headers
    assert "Idempotency-Key" not in build(ops.ROLES_CREATE, {"name": "n", "description": "d"}, nonce=None).headers
    for op in (ops.ROLES_CREATE, ops.ROLES_UPDATE, ops.ROLES_DELETE, ops.SUBSCRIPTIONS_UPDATE):
        assert build(op, required_args(op)).headers["Idempotency-Key"] == NONCE
    # the API has no PUT today; one added later is a write too
    for method, keyed in (("PUT", True), ("POST", True), ("PATCH", True), ("DELETE", True), ("GET", False), ("HEAD", False), ("OPTIONS", False)):
        request = build(Operation(f"x.{method.lower()}", method, "/x", (), None), {})
        assert ("Idempotency-Key" in request.headers) == keyed


REQUIRED = [(op, param) for op in ops.ALL for param in op.params if param.required and param.where != "unused"]


@pytest.mark.parametrize("op, param", REQUIRED, ids=lambda x: getattr(x, "id", None) or getattr(x, "python", ""))
def test_a_missing_required_argument_is_a_type_error_naming_it(op: Operation[Any], param: Param) -> None:
    args = required_args(op)
    del args[param.python]
    with pytest.raises(TypeError, match=f"{op.id}.*'{param.python}'"):
        build(op, args)


def test_unused_compatibility_arguments_are_accepted_and_never_sent() -> None:
    op = ops.SUBSCRIPTIONS_CHANGE_UPDATE
    without = build(op, {"status": "active"})
    with_it = build(op, {"path_id": "p-1", "status": "active"})
    assert without.url == with_it.url == "http://api.test/subscription/change"
    assert body_of(with_it) == {"status": "active"} and b"p-1" not in with_it.content


PATH_PARAMS = [(op, param) for op in ops.ALL for param in op.params if param.where == "path"]


@pytest.mark.parametrize("op, param", PATH_PARAMS, ids=lambda x: getattr(x, "id", None) or getattr(x, "python", ""))
def test_an_empty_path_parameter_is_a_value_error(op: Operation[Any], param: Param) -> None:
    args = required_args(op)
    args[param.python] = ""
    with pytest.raises(ValueError, match=rf"{op.id}\({param.python}=\)"):
        build(op, args)


@pytest.mark.parametrize("value", [1, None, b"id", ["a"], 1.5])
def test_a_non_string_path_parameter_is_a_type_error(value: Any) -> None:
    with pytest.raises(TypeError, match=r"roles.retrieve\(id=\) must be a str"):
        build(ops.ROLES_RETRIEVE, {"id": value})


WRONG = {
    "string": [1, 1.5, True, None, b"x", ["x"]],
    "datetime": [1, None, ["2020"]],
    "integer": ["1", 1.5, True, None],
    "number": ["1", True, None, [1]],
    "boolean": [1, 0, "true", None],
    "array": ["a,b", {"a": 1}, 5, None],
    "object": [[], "x", 3, None],
}

TYPED = [
    (op, param, wrong)
    for op in ops.ALL
    for param in op.params
    if param.where in ("query", "body") and param.schema.kind in WRONG and not param.schema.nullable
    for wrong in WRONG[param.schema.kind]
    if not (wrong is None and not param.required)  # None for an optional argument means "leave it out"
]


@pytest.mark.parametrize("op, param, wrong", TYPED, ids=lambda x: getattr(x, "id", None) or getattr(x, "python", None) or repr(x))
def test_a_wrong_type_is_a_type_error_naming_the_argument(op: Operation[Any], param: Param, wrong: Any) -> None:
    args = required_args(op)
    args[param.python] = wrong
    with pytest.raises(TypeError, match=rf"{op.id}\({param.python}=\)"):
        build(op, args)


def test_wrong_types_inside_nested_values() -> None:
    args = required_args(ops.ROLE_ASSIGNMENTS_BULK_CREATE)
    with pytest.raises(TypeError, match=r"role_assignments.bulk.create\(bulk=\)\[0\]\['role'\] is missing required key\(s\): id"):
        build(ops.ROLE_ASSIGNMENTS_BULK_CREATE, {**args, "bulk": [{"assignee": {"id": "u"}, "role": {}}]})
    with pytest.raises(TypeError, match=r"\(bulk=\)\[1\]\['assignee'\]\['id'\] must be a str, got int"):
        build(ops.ROLE_ASSIGNMENTS_BULK_CREATE, {**args, "bulk": [args["bulk"][0], {"assignee": {"id": 1}, "role": {"id": "r"}}]})
    with pytest.raises(TypeError, match=r"roles.bulk_create\(bulk=\)\[0\] must be a dict"):
        build(ops.ROLES_BULK_CREATE, {"bulk": ["reviewer"]})
    with pytest.raises(TypeError, match="must be a str"):
        build(ops.ROLES_LIST, {"fields": ["name", 3]})


def test_optional_arguments_given_none_are_left_out() -> None:
    request = build(ops.ROLES_LIST, {"page": None, "fields": None, "s": None})
    assert request.url == "http://api.test/role"
    body = body_of(build(ops.AUTH_SIGNUP, {"email": "e", "password": "p", "plan": "free", "first_name": None}))
    assert body == {"email": "e", "password": "p", "plan": "free"}


def test_nullable_required_fields_are_sent_as_null() -> None:
    op = OPS["mailbox.registry.action.create"]
    args = {**required_args(op), "raw_content": None, "raw_parsed": None}
    body = body_of(build(op, args))
    assert body["rawContent"] is None and body["rawParsed"] is None


@pytest.mark.parametrize(
    "where",
    ["extra_headers", "default_headers", "api_key"],
)
@pytest.mark.parametrize("bad", ["a\rb", "a\nb", "a\r\nX-Injected: 1", "\n"])
def test_a_line_break_in_a_header_value_is_refused_before_anything_is_built(where: str, bad: str) -> None:
    consumed: List[str] = []

    class Watched(FileSource):
        filename, content_type, size = "w.bin", "application/octet-stream", 1

        def chunks(self) -> Iterator[bytes]:
            consumed.append("read")
            yield b"w"

    with pytest.raises(ValueError, match="line break"):
        if where == "api_key":
            config = ClientConfig(api_key=bad, base_url="http://api.test")
        elif where == "default_headers":
            config = ClientConfig(api_key="k", base_url="http://api.test", default_headers={"X-Team": bad})
        else:
            config = CONFIG
        build(ops.AWS_BUCKETS_UPLOAD, {"file": Watched()}, config, extra_headers={"X-Request-Id": bad})
    assert consumed == []


def test_bad_header_names_are_refused() -> None:
    for name in ("X-A: b", "X\r\nY", "", " "):
        with pytest.raises(ValueError, match="invalid header name"):
            build(ops.ROLES_RETRIEVE, {"id": "r"}, extra_headers={name: "v"})
    with pytest.raises(TypeError):
        build(ops.ROLES_RETRIEVE, {"id": "r"}, extra_headers={"X-Count": 3})


def test_extra_headers_override_case_insensitively_and_none_removes() -> None:
    config = ClientConfig(api_key="k", base_url="http://api.test", default_headers={"x-team": "billing", "X-Gone": "1"})
    request = build(
        ops.ROLES_CREATE,
        {"name": "n", "description": "d"},
        config,
        extra_headers={"accept": "text/plain", "X-TEAM": "search", "authorization": None, "x-gone": None, "X-New": "yes"},
    )
    names = [name.lower() for name in request.headers]
    assert len(names) == len(set(names)), "one header per name"
    lowered = {name.lower(): value for name, value in request.headers.items()}
    assert lowered["accept"] == "text/plain" and lowered["x-team"] == "search" and lowered["x-new"] == "yes"
    assert "authorization" not in lowered and "x-gone" not in lowered
    assert lowered["content-type"] == "application/json" and lowered["idempotency-key"] == NONCE


def test_default_headers_are_sent_and_override_the_sdk_defaults() -> None:
    config = ClientConfig(api_key="k", base_url="http://api.test", default_headers={"User-Agent": "mine/1", "X-Team": "a"})
    request = build(ops.ROLES_RETRIEVE, {"id": "r"}, config)
    assert request.headers["User-Agent"] == "mine/1" and request.headers["X-Team"] == "a"


def test_the_api_key_never_shows_in_a_repr() -> None:
    request = build(ops.ROLES_RETRIEVE, {"id": "r"})
    assert "secret-key" not in repr(request) and "secret-key" not in repr(CONFIG)


def test_extra_query_is_merged_and_wins_over_the_same_name() -> None:
    config = ClientConfig(api_key="k", base_url="http://api.test", default_query={"cache": 0, "team": "a"})
    request = build(ops.ROLES_LIST, {"limit": 10, "fields": ["name"]}, config, extra_query={"limit": 5, "cache": 1, "x": [1, 2]})
    pairs = parse_qsl(urlsplit(request.url).query)
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names)), f"a name sent twice: {request.url}"
    assert dict(pairs) == {"cache": "1", "team": "a", "limit": "5", "fields": "name", "x": "1,2"}
    # default_query is sent, and an argument of the call wins over it
    request = build(ops.ROLES_LIST, {"cache": 2}, config)
    assert dict(parse_qsl(urlsplit(request.url).query)) == {"cache": "2", "team": "a"}
    # None in extra_query drops the parameter, as None in extra_headers drops a header
    request = build(ops.ROLES_LIST, {"limit": 10}, config, extra_query={"limit": None, "team": None})
    assert dict(parse_qsl(urlsplit(request.url).query)) == {"cache": "0"}


def test_extra_body_is_merged_into_the_json() -> None:
    request = build(ops.ROLES_CREATE, {"name": "n", "description": "d"}, extra_body={"note": {"a": [1]}, "name": "override"})
    assert body_of(request) == {"name": "override", "description": "d", "note": {"a": [1]}}


def test_nested_objects_leave_with_wire_names() -> None:
    address = {"email": "a@example.com", "mailbox_hash": "h", "name": "A"}
    wire_address = {"Email": "a@example.com", "MailboxHash": "h", "Name": "A"}
    args = required_args(ops.INBOUND_MAIL_CREATE)
    args.update(from_full=address, to_full=[address, address], bcc_full=[], from_="a@example.com", message_id="m-1")
    body = body_of(build(ops.INBOUND_MAIL_CREATE, args))
    assert body["FromFull"] == wire_address
    assert body["ToFull"] == [wire_address, wire_address] and body["BccFull"] == []
    assert body["From"] == "a@example.com" and body["MessageID"] == "m-1"
    assert not any(key[0].islower() for key in body), "every member of this webhook is PascalCase"


def test_or_is_sent_as_or() -> None:
    url = build(ops.ROLES_LIST, {"or_": ["name||$eq||a", "name||$eq||b"], "s": '{"a":1}'}).url
    pairs = parse_qsl(urlsplit(url).query)
    assert pairs[0] == ("or", "name||$eq||a,name||$eq||b") and "or_" not in url


def test_path_id_and_body_id_are_two_different_ids() -> None:
    request = build(ops.WSPACES_UPDATE, {"path_id": "w/1", "body_id": "w-2", "owner_id": "u"})
    assert request.url == "http://api.test/wspace/w%2F1"
    assert body_of(request) == {"id": "w-2", "ownerId": "u"}


def test_datetimes_are_sent_as_iso_8601() -> None:
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    audit = {"date_created": moment, "date_deleted": "2026-01-01T00:00:00Z", "date_updated": datetime.date(2026, 1, 3), "version": 2}
    body = body_of(build(ops.SUBSCRIPTIONS_UPDATE, {"path_id": "s", "start_date": moment, "audit": audit}))
    assert body["startDate"] == "2026-01-02T03:04:05+00:00"
    assert body["audit"] == {"date_created": "2026-01-02T03:04:05+00:00", "date_deleted": "2026-01-01T00:00:00Z", "date_updated": "2026-01-03", "version": 2}


def test_json_is_compact_utf8() -> None:
    request = build(ops.ROLES_CREATE, {"name": "Prüfer 🙂", "description": "d"})
    assert isinstance(request.content, bytes)
    assert "Prüfer 🙂".encode("utf-8") in request.content and b" " not in request.content.replace("Prüfer 🙂".encode("utf-8"), b"")
    assert body_of(request) == {"name": "Prüfer 🙂", "description": "d"}


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1))
def test_any_id_stays_in_its_segment(value: str) -> None:
    request = build(ops.ROLE_ASSIGNMENTS_RETRIEVE, {"id": value, "assignment": value, "fields": [value]})
    parts = urlsplit(request.url)
    segments = parts.path.split("/")
    assert len(segments) == 4 and segments[1] == "role-assignment"
    assert unquote(segments[2]) == unquote(segments[3]) == value
    assert parse_qsl(parts.query, keep_blank_values=True) == [("fields", value)]


@pytest.mark.parametrize("value", ["a\x00b", "\n", "r1\r\n", "\x7f", "\x1b[31m", "tab\there"])
def test_an_id_with_a_control_character_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match=r"roles.retrieve\(id=\) contains a control character \(U\+00"):
        build(ops.ROLES_RETRIEVE, {"id": value})


def test_an_id_with_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        build(ops.ROLES_RETRIEVE, {"id": "a\ud800"})


def test_timeouts_per_call() -> None:
    config = ClientConfig(api_key="k", base_url="http://api.test/", timeout=Timeout(30.0))
    assert build(ops.ROLES_RETRIEVE, {"id": "r"}, config).timeout == Timeout(30.0)
    assert build(ops.ROLES_RETRIEVE, {"id": "r"}, config, timeout=5).timeout == Timeout(5.0)
    assert build(ops.ROLES_RETRIEVE, {"id": "r"}, config, timeout=None).timeout == Timeout(None)
    assert build(ops.ROLES_RETRIEVE, {"id": "r"}, config).url == "http://api.test/role/r"  # one slash


def test_file_arguments_must_be_files() -> None:
    with pytest.raises(TypeError, match=r"aws.buckets.upload\(file=\) must be a file, got bytes"):
        build(ops.AWS_BUCKETS_UPLOAD, {"file": b"raw"})
    with pytest.raises(TypeError, match=r"aws.buckets.bulk_upload\(bulk=\) must be a list"):
        build(ops.AWS_BUCKETS_BULK_UPLOAD, {"bulk": BytesSource(b"x")})
    with pytest.raises(TypeError, match=r"aws.buckets.bulk_upload\(bulk=\) must be a file, got str"):
        build(ops.AWS_BUCKETS_BULK_UPLOAD, {"bulk": [BytesSource(b"x"), "path/to/file"]})
