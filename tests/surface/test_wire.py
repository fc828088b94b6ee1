"""Exact wire: every operation, from both clients, sends what the spec requires.

Each of the 81 operations is called with valid arguments built from the spec
(a deterministic example per parameter type), through a recording fake
transport that answers like a spec-following server. The request is then
checked against expectations derived from the spec alone: method, path (each
path parameter exactly one percent-encoded segment), query (wire names,
comma-joined arrays), headers, and the body (JSON with wire names, or
multipart parts). The result must have the type the spec names.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple
from urllib.parse import unquote

import pytest

import wootiv
from wootiv import AsyncPage, AsyncPager, SyncPage

from .conftest import (
    API_KEY,
    BASE_PATH,
    OPS_BY_ID,
    WRITE_METHODS,
    Answer,
    Op,
    Recorder,
    Sent,
    answer_for,
    answer_script,
    answer_value,
    async_client,
    call_arguments,
    decode_query_value,
    is_binary,
    kind_of,
    method_of,
    model_class,
    op_params,
    parse_multipart,
    query_pairs,
    ref_name,
    resolve,
    sync_client,
)

MODES = pytest.mark.parametrize("mode", ["sync", "async"])


async def invoke(mode: str, op: Op, args: List[Any], kwargs: Dict[str, Any], *script: Any, **options: Any) -> Tuple[Any, Recorder]:
    """Call `op` on a fresh client of `mode`; awaits where the async client needs it."""
    if mode == "sync":
        client, recorder = sync_client(*script, **options)
        return method_of(client, op)(*args, **kwargs), recorder
    aclient, arecorder = async_client(*script, **options)
    pending = method_of(aclient, op)(*args, **kwargs)
    if op.paginated:
        assert isinstance(pending, AsyncPager)
        assert arecorder.sent == []
        page = await pending
        assert isinstance(page, AsyncPage)
        return page, arecorder
    return await pending, arecorder


# --------------------------------------------------------------------------- checks


def check_path(op: Op, sent: Sent, values: Dict[str, str]) -> None:
    """The path is the template with each parameter as exactly one segment."""
    raw_path = sent.path
    assert raw_path.startswith(BASE_PATH + "/") or raw_path == BASE_PATH + op.path
    template = op.path.split("/")
    segments = raw_path[len(BASE_PATH) :].split("/")
    assert len(segments) == len(template), f"{raw_path} does not have the segments of {op.path}"
    for piece, segment in zip(template, segments):
        if piece.startswith("{") and piece.endswith("}"):
            value = values[piece[1:-1]]
            assert unquote(segment) == value
            assert segment not in (".", ".."), f"{value!r} was sent as a bare dot segment"
            assert not set(" ?#") & set(segment), f"{segment!r} is not escaped"
        else:
            assert segment == piece
    assert set(values) == {piece[1:-1] for piece in template if piece.startswith("{")}
    assert "#" not in sent.request.url


def expected_query(op: Op, values: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for arg in op.args:
        if arg.where != "query" or arg.wire not in values:
            continue
        value = values[arg.wire]
        if isinstance(value, list):
            out[arg.wire] = [str(item) for item in value]
        elif isinstance(value, bool):
            out[arg.wire] = "true" if value else "false"
        else:
            out[arg.wire] = str(value)
    return out


def check_query(op: Op, sent: Sent, values: Dict[str, Any]) -> None:
    pairs = query_pairs(sent.raw_query)
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names)), f"repeated query parameters: {names}"
    arrays = {arg.wire for arg in op.args if arg.where == "query" and kind_of(arg.schema) == "array"}
    got = {name: decode_query_value(raw, name in arrays) for name, raw in pairs}
    assert got == expected_query(op, values)


def check_headers(op: Op, sent: Sent) -> None:
    headers = sent.headers
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["accept"] == op.accept
    assert headers["user-agent"].startswith("Wootiv/Python")
    if op.method in WRITE_METHODS:
        assert headers.get("idempotency-key"), f"{op.method} without an Idempotency-Key"
    else:
        assert "idempotency-key" not in headers
    media = op.body_media
    if media == "application/json":
        assert headers["content-type"] == "application/json"
    elif media == "multipart/form-data":
        assert headers["content-type"].startswith("multipart/form-data; boundary=")
        assert int(headers["content-length"]) == len(sent.body)
    else:
        assert "content-type" not in headers


def check_json_body(op: Op, sent: Sent, values: Dict[str, Any]) -> None:
    assert json.loads(sent.body.decode("utf-8")) == values


def check_multipart_body(op: Op, sent: Sent, values: Dict[str, Any]) -> None:
    parts = parse_multipart(sent.headers["content-type"], sent.body)
    got: Dict[str, List[Any]] = {}
    for part in parts:
        got.setdefault(part.name, []).append(part)
    expected: Dict[str, List[bytes]] = {}
    for arg in op.args:
        if arg.where != "body" or arg.wire not in values:
            continue
        value = values[arg.wire]
        files = value if isinstance(value, list) else [value]
        expected[arg.part_name] = [v if isinstance(v, bytes) else str(v).encode() for v in files]
        is_file = is_binary(arg.schema) or is_binary(resolve(arg.schema).get("items", {}))
        media = (resolve(arg.schema).get("items") or arg.schema).get("contentMediaType")
        for part in got.get(arg.part_name, []):
            if is_file:
                assert part.filename, f"file part {arg.part_name!r} has no filename"
                assert part.content_type == media
            else:
                assert part.filename is None
    assert {name: [p.data for p in ps] for name, ps in got.items()} == expected


def check_result(op: Op, mode: str, result: Any, answer: Any) -> None:
    schema = op.response_schema
    if schema is None:
        assert result is None
        return
    if op.paginated:
        assert isinstance(result, SyncPage if mode == "sync" else AsyncPage)
        item_class = model_class(ref_name(op.item_schema) or "")
        assert [type(item) for item in result.data] == [item_class]
        assert [item.to_dict() for item in result.data] == answer["data"]
        return
    name = ref_name(schema)
    resolved = resolve(schema)
    if name is None:
        assert type(result) is dict and result == answer
    elif kind_of(resolved) == "array":
        item_class = model_class(ref_name(resolved["items"]) or "")
        assert isinstance(result, list) and [type(item) for item in result] == [item_class] * len(answer)
        assert [item.to_dict() for item in result] == answer
    else:
        assert type(result) is model_class(name)
        assert result.to_dict() == answer


# --------------------------------------------------------------------------- every operation


@MODES
@op_params()
async def test_every_operation_sends_exactly_what_the_spec_requires(mode: str, op: Op) -> None:
    args, kwargs, expected = call_arguments(op)
    answer = answer_for(op)
    result, recorder = await invoke(mode, op, args, kwargs, answer_script(op, answer))
    (sent,) = recorder.sent
    assert sent.request.method == op.method
    check_path(op, sent, expected["path"])
    check_query(op, sent, expected["query"])
    check_headers(op, sent)
    if op.body_media == "application/json":
        check_json_body(op, sent, expected["body"])
    elif op.body_media == "multipart/form-data":
        check_multipart_body(op, sent, expected["body"])
    else:
        assert sent.body == b""
    for unused in expected["unused"].values():
        assert unused not in unquote(sent.request.url) and unused.encode() not in sent.body
    check_result(op, mode, result, answer)


@MODES
@op_params(lambda op: any(arg.where == "path" for arg in op.args))
async def test_other_path_values_stay_one_segment(mode: str, op: Op) -> None:
    # The same calls with the path values rotated, so every operation meets `/` and `..`.
    for salt in range(1, 4):
        args, kwargs, expected = call_arguments(op, salt)
        _, recorder = await invoke(mode, op, args, kwargs, answer_script(op))
        check_path(op, recorder.last, expected["path"])


NASTY_IDS = ["a/b", "..", ".", "../../admin", "%2F", "a?b=c#d", "ü ñ", "...", "a%2Fb", "\\", "~user"]


@MODES
@pytest.mark.parametrize("value", NASTY_IDS)
async def test_path_parameters_are_percent_encoded_single_segments(mode: str, value: str) -> None:
    one = OPS_BY_ID["roles.retrieve"]
    _, recorder = await invoke(mode, one, [value], {}, answer_script(one))
    check_path(one, recorder.last, {"id": value})
    two = OPS_BY_ID["mailbox.stream.registry.action.retrieve"]
    _, recorder = await invoke(mode, two, [value], {"id": value + "/2"}, answer_script(two))
    check_path(two, recorder.last, {"id": value + "/2", "slug": value})


# --------------------------------------------------------------------------- named quirks


@MODES
async def test_or_is_sent_as_or(mode: str) -> None:
    op = OPS_BY_ID["roles.list"]
    _, recorder = await invoke(mode, op, [], {"or_": ["name||$eq||a", "name||$eq||b"], "limit": 5}, answer_script(op))
    pairs = dict(query_pairs(recorder.last.raw_query))
    assert set(pairs) == {"or", "limit"}
    assert decode_query_value(pairs["or"], True) == ["name||$eq||a", "name||$eq||b"]


@MODES
async def test_plan_name_is_sent_as_planName(mode: str) -> None:
    op = OPS_BY_ID["features.list"]
    _, recorder = await invoke(mode, op, [], {"plan_name": "business_pro"}, answer_script(op))
    assert recorder.last.raw_query == "planName=business_pro"
    assert recorder.last.headers["accept"] == "*/*"


@MODES
async def test_inbound_mail_uses_pascal_case_and_From(mode: str) -> None:
    op = OPS_BY_ID["inbound.mail.create"]
    _, kwargs, expected = call_arguments(op)
    assert "from_" in kwargs and "from" not in kwargs
    _, recorder = await invoke(mode, op, [], kwargs, answer_script(op))
    body = json.loads(recorder.last.body)
    assert body == expected["body"]
    assert "From" in body and "from_" not in body and "FromFull" in body
    assert set(body["FromFull"]) == {"Email", "MailboxHash", "Name"}
    assert all(key[0].isupper() for key in body)


@MODES
@pytest.mark.parametrize("op_id", ["wspaces.update", "subscriptions.update"])
async def test_body_id_is_sent_as_id_and_path_id_fills_the_path(mode: str, op_id: str) -> None:
    op = OPS_BY_ID[op_id]
    _, recorder = await invoke(mode, op, ["path-1"], {"body_id": "body-2"}, answer_script(op))
    assert recorder.last.path.endswith("/path-1")
    assert json.loads(recorder.last.body) == {"id": "body-2"}


@MODES
async def test_change_update_never_sends_path_id(mode: str) -> None:
    op = OPS_BY_ID["subscriptions.change.update"]
    _, recorder = await invoke(mode, op, [], {"path_id": "secret-path-id", "body_id": "sub-1"}, answer_script(op))
    sent = recorder.last
    assert sent.path == BASE_PATH + "/subscription/change" and sent.raw_query == ""
    assert json.loads(sent.body) == {"id": "sub-1"}
    assert b"secret-path-id" not in sent.body and "secret-path-id" not in sent.request.url


@MODES
async def test_members_list_sends_page_and_limit(mode: str) -> None:
    op = OPS_BY_ID["space.members.list"]
    _, recorder = await invoke(mode, op, ["space-1"], {"page": 2, "limit": 10}, answer_script(op))
    assert dict(query_pairs(recorder.last.raw_query)) == {"page": "2", "limit": "10"}
    assert recorder.last.headers["accept"] == "*/*"


@MODES
async def test_bulk_upload_repeats_bulk_parts(mode: str) -> None:
    op = OPS_BY_ID["aws.buckets.bulk_upload"]
    item, _ = answer_value(resolve(op.response_schema or {})["items"])
    files = [b"one", b"two", b"three"]
    _, recorder = await invoke(mode, op, [], {"bulk": files, "path": "docs"}, Answer.json([item], 201))
    parts = parse_multipart(recorder.last.headers["content-type"], recorder.last.body)
    assert [(p.name, p.data) for p in parts if p.name == "bulk[]"] == [("bulk[]", f) for f in files]
    assert [(p.name, p.data) for p in parts if p.name != "bulk[]"] == [("path", b"docs")]


@MODES
async def test_optional_arguments_left_out_are_not_sent(mode: str) -> None:
    op = OPS_BY_ID["contacts.update"]
    _, recorder = await invoke(mode, op, ["c1"], {"email": "e@x.test"}, answer_script(op))
    assert json.loads(recorder.last.body) == {"email": "e@x.test"}
    op = OPS_BY_ID["roles.retrieve"]
    _, recorder = await invoke(mode, op, ["r1"], {}, answer_script(op))
    assert recorder.last.raw_query == "" and recorder.last.body == b""


def test_the_examples_cover_every_kind_of_argument() -> None:
    """The generated calls exercise strings, enums, numbers, booleans, arrays, objects, dates, files, nulls."""
    seen = set()
    for op in OPS_BY_ID.values():
        for arg in op.args:
            schema = resolve(arg.schema)
            seen.add(kind_of(schema))
            if "enum" in schema:
                seen.add("enum")
            if schema.get("format"):
                seen.add(schema["format"])
            if isinstance(schema.get("type"), list):
                seen.add("null")
            if kind_of(schema) == "object" and schema.get("properties"):
                seen.add("nested")
    assert {"string", "integer", "number", "boolean", "array", "object", "enum", "date-time", "binary", "null", "nested"} <= seen


def test_wootiv_module_exports_pages() -> None:
    assert wootiv.SyncPage is SyncPage and wootiv.AsyncPager is AsyncPager
