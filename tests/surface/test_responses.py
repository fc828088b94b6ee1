"""Answers: models from every response schema, malformed answers, and pages.

* Every object schema an answer can contain becomes a model that behaves as a
  value: `to_dict()` (wire names) / `to_dict(use_api_names=False)` /
  `to_json()` / `dict(model)` / equality / pickling; unknown fields are kept
  and readable; date-times are aware; free-form objects are plain dicts.
* A body that is not JSON is an `APIResponseValidationError`; mistyped JSON
  is one too with `strict_response_validation=True`, and a lenient model by
  default.
* Page iteration always ends, sync and async, whatever the envelope says; a
  bare array is one page; page navigation works as documented.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
from typing import Any, Dict, List, Optional, Tuple

import attrs
import pytest

import wootiv
from wootiv import AsyncPage, AsyncPager, PageInfo, SyncPage
from wootiv_core.converter import structure
from wootiv_core.model import Model

from .conftest import (
    ABSENT,
    OPS,
    Answer,
    Json,
    Op,
    answer_for,
    answer_script,
    answer_value,
    async_client,
    call_arguments,
    is_datetime,
    kind_of,
    method_of,
    model_class,
    op_params,
    page_envelope,
    python_name,
    query_pairs,
    ref_name,
    resolve,
    response_schemas,
    settle,
    sync_client,
)

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
SCHEMAS = response_schemas()
OBJECT_SCHEMAS = {name: schema for name, schema in SCHEMAS.items() if resolve(schema).get("properties")}
MODELS = pytest.mark.parametrize("name", sorted(OBJECT_SCHEMAS))


def build(name: str, wire: Any, strict: bool = True) -> Any:
    return structure(wire, model_class(name), strict=strict)


def first_value_field(schema: Json) -> Tuple[str, str]:
    """`(wire, python)` of a required scalar member, to change in a copy."""
    for wire in schema.get("required", []):
        prop = schema["properties"][wire]
        if kind_of(prop) in ("string", "number", "integer", "boolean") and not ({"enum", "format"} & set(resolve(prop))):
            return wire, python_name(wire, prop)
    wire = schema.get("required", list(schema["properties"]))[0]
    return wire, python_name(wire, schema["properties"][wire])


# --------------------------------------------------------------------------- models as values


def test_every_response_schema_has_a_public_model() -> None:
    for name, schema in SCHEMAS.items():
        public = model_class(name)
        if resolve(schema).get("properties"):
            assert isinstance(public, type) and issubclass(public, Model), name
            assert issubclass(public, wootiv.types.Model)


@MODELS
def test_a_model_round_trips_through_its_representations(name: str) -> None:
    schema = OBJECT_SCHEMAS[name]
    wire, plain = answer_value(schema, name)
    model = build(name, wire)
    assert type(model) is model_class(name)
    assert model.to_dict() == wire
    assert model.to_dict(use_api_names=False) == plain
    assert json.loads(model.to_json()) == wire
    assert json.loads(model.to_json(indent=None, use_api_names=False)) == plain
    as_dict = dict(model)
    assert list(as_dict) == list(plain)
    assert all(as_dict[key] is getattr(model, key) for key in as_dict)
    # Equality is by value; a changed copy is unequal.
    twin = build(name, copy.deepcopy(wire))
    assert twin == model and twin is not model
    field_wire, field_python = first_value_field(schema)
    changed = attrs.evolve(model, **{field_python: "something else"})
    assert changed != model
    if kind_of(schema["properties"][field_wire]) == "string":
        assert build(name, {**wire, field_wire: "something else"}) == changed
    # Pickling keeps the value, and the unknown-field store.
    restored = pickle.loads(pickle.dumps(model))
    assert restored == model and restored.to_dict() == wire


@MODELS
def test_a_minimal_answer_round_trips_too(name: str) -> None:
    """Only the required members: optional attributes read `None`, and `to_dict()` gives the answer back.

    Members the server did not send are not invented as `null`s: the earlier
    SDK's `to_dict()` left unset fields out (`exclude_unset=True`), so code
    that re-sends or compares `to_dict()` keeps working.
    """
    schema = OBJECT_SCHEMAS[name]
    wire, _ = answer_value(schema, name, full=False)
    model = build(name, wire)
    for key, prop in schema["properties"].items():
        if key not in schema.get("required", []):
            assert getattr(model, python_name(key, prop)) is None
    assert model.to_dict() == wire


@MODELS
def test_unknown_fields_are_kept_and_readable(name: str) -> None:
    schema = OBJECT_SCHEMAS[name]
    wire, plain = answer_value(schema, name)
    unknown = {"brandNewField": {"nested": [1, "two"]}, "another_one": None, "count2": 3}
    model = build(name, {**wire, **unknown})
    assert model.extra_fields == unknown
    assert model.brandNewField == {"nested": [1, "two"]}
    assert getattr(model, "another_one") is None and model.count2 == 3
    assert model.to_dict() == {**wire, **unknown}
    assert model.to_dict(use_api_names=False) == {**plain, **unknown}
    assert dict(model)["brandNewField"] == {"nested": [1, "two"]}
    with pytest.raises(AttributeError):
        model.not_sent_at_all  # noqa: B018
    assert pickle.loads(pickle.dumps(model)).extra_fields == unknown


@MODELS
def test_unknown_fields_inside_nested_models_are_kept(name: str) -> None:
    schema = OBJECT_SCHEMAS[name]
    nested = [key for key, prop in schema["properties"].items() if ref_name(prop) and resolve(prop).get("properties")]
    wire, _ = answer_value(schema, name)
    for key in nested:
        wire[key] = {**wire[key], "innerExtra": [True]}
    model = build(name, wire)
    for key in nested:
        inner = getattr(model, python_name(key, schema["properties"][key]))
        assert isinstance(inner, Model) and inner.innerExtra == [True]
    assert model.to_dict() == wire


DATETIMES = [
    ("2026-01-02T03:04:05Z", dt.timedelta(0)),
    ("2026-01-02T03:04:05.123+05:30", dt.timedelta(hours=5, minutes=30)),
    ("2026-01-02T03:04:05", dt.timedelta(0)),  # no zone: read as UTC, never naive
    ("2026-01-02T03:04:05-08:00", dt.timedelta(hours=-8)),
]


@pytest.mark.parametrize("name", sorted(n for n, s in OBJECT_SCHEMAS.items() if any(is_datetime(p) for p in s["properties"].values())))
@pytest.mark.parametrize("text, offset", DATETIMES, ids=["Z", "+05:30", "naive", "-08:00"])
def test_datetimes_are_aware(name: str, text: str, offset: dt.timedelta) -> None:
    schema = OBJECT_SCHEMAS[name]
    wire, _ = answer_value(schema, name)
    fields = [key for key, prop in schema["properties"].items() if is_datetime(prop)]
    model = build(name, {**wire, **{key: text for key in fields}})
    for key in fields:
        value = getattr(model, python_name(key, schema["properties"][key]))
        assert isinstance(value, dt.datetime) and value.tzinfo is not None
        assert value.utcoffset() == offset
        expected = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        assert value == (expected if expected.tzinfo else expected.replace(tzinfo=dt.timezone.utc))


def test_nested_audit_datetimes_are_aware() -> None:
    op = next(op for op in OPS if op.id == "roles.retrieve")
    client, _ = sync_client(answer_script(op))
    role = client.roles.retrieve("r1")
    for value in (role.audit.date_created, role.audit.date_deleted, role.audit.date_updated):
        assert value.tzinfo is not None


FREE_FORM = sorted(
    (name, key)
    for name, schema in OBJECT_SCHEMAS.items()
    for key, prop in schema["properties"].items()
    if kind_of(prop) == "object" and not resolve(prop).get("properties")
)


@pytest.mark.parametrize("name, key", FREE_FORM, ids=[f"{n}.{k}" for n, k in FREE_FORM])
def test_free_form_objects_are_plain_dicts(name: str, key: str) -> None:
    schema = OBJECT_SCHEMAS[name]
    wire, _ = answer_value(schema, name)
    value = {"camelCase": {"deep": [1, {"x": None}]}, "snake_case": "kept as sent"}
    model = build(name, {**wire, key: value})
    attribute = getattr(model, python_name(key, schema["properties"][key]))
    assert type(attribute) is dict and attribute == value
    assert model.to_dict(use_api_names=False)[python_name(key, schema["properties"][key])] == value


# --------------------------------------------------------------------------- what each operation returns


async def call(mode: str, op: Op, *script: Any, **options: Any) -> Any:
    args, kwargs, _ = call_arguments(op)
    if mode == "sync":
        client, _ = sync_client(*script, **options)
        return method_of(client, op)(*args, **kwargs)
    aclient, _ = async_client(*script, **options)
    return await settle(method_of(aclient, op)(*args, **kwargs))


def mistyped(op: Op) -> Tuple[Any, str]:
    """An answer with one member of the wrong type, and that member's wire name."""
    answer = answer_for(op)
    schema = op.item_schema if op.paginated else op.response_schema or {}
    target = resolve(schema)
    if kind_of(target) == "array":
        target = resolve(target["items"])
    if not target.get("properties"):
        return [1, 2, 3], "object"  # a free-form object answered with a list
    wire, _ = first_value_field(target)
    bad = 12345 if kind_of(target["properties"][wire]) == "string" else "not-a-number-or-bool"
    if op.paginated:
        answer["data"][0][wire] = bad
    elif isinstance(answer, list):
        answer[0][wire] = bad
    else:
        answer[wire] = bad
    return answer, wire


def _member(op: Op, wire: str) -> Json:
    target = resolve(op.item_schema if op.paginated else op.response_schema or {})
    if kind_of(target) == "array":
        target = resolve(target["items"])
    member: Json = target["properties"][wire]
    return member


WITH_RESULT = op_params(lambda op: op.response_schema is not None)


@MODES
@WITH_RESULT
async def test_a_body_that_is_not_json_is_a_validation_error(mode: str, op: Op) -> None:
    for body, content_type in [(b"<html>Bad gateway</html>", "text/html"), (b"", "application/json"), (b"{truncated", "application/json")]:
        with pytest.raises(wootiv.APIResponseValidationError) as info:
            await call(mode, op, Answer(op.status, body, {"Content-Type": content_type}))
        assert isinstance(info.value, wootiv.APIError)


@MODES
@WITH_RESULT
async def test_mistyped_json_is_an_error_when_strict(mode: str, op: Op) -> None:
    answer, wire = mistyped(op)
    with pytest.raises(wootiv.APIResponseValidationError) as info:
        await call(mode, op, Answer.json(answer, op.status), strict_response_validation=True)
    if wire != "object":  # the message points at the member, by wire or Python name
        python = python_name(wire, _member(op, wire))
        assert wire in str(info.value) or python in str(info.value)


@MODES
@WITH_RESULT
async def test_mistyped_json_gives_a_lenient_result_by_default(mode: str, op: Op) -> None:
    answer, wire = mistyped(op)
    result = await call(mode, op, Answer.json(answer, op.status))
    if wire == "object":
        assert result == answer  # a free-form answer is passed through as it came
        return
    if op.paginated:
        item = result.data[0]
    elif isinstance(result, list):
        item = result[0]
    else:
        item = result
    assert isinstance(item, Model)
    raw = answer["data"][0] if op.paginated else answer[0] if isinstance(answer, list) else answer
    assert item.to_dict()[wire] == raw[wire]  # the odd value is kept as it came


@MODES
@op_params(lambda op: op.response_schema is not None and (op.paginated or ref_name(op.response_schema) is not None))
async def test_a_missing_required_member_is_none_when_lenient_and_an_error_when_strict(mode: str, op: Op) -> None:
    answer = answer_for(op)
    target = resolve(op.item_schema if op.paginated else op.response_schema or {})
    record = answer["data"][0] if op.paginated else answer
    if kind_of(target) == "array":
        target, record = resolve(target["items"]), answer[0]
    wire = target["required"][0]
    del record[wire]
    with pytest.raises(wootiv.APIResponseValidationError):
        await call(mode, op, Answer.json(answer, op.status), strict_response_validation=True)
    result = await call(mode, op, Answer.json(answer, op.status))
    model = result.data[0] if op.paginated else result[0] if isinstance(result, list) else result
    assert getattr(model, python_name(wire, target["properties"][wire])) is None


@MODES
@WITH_RESULT
async def test_a_valid_answer_passes_strict_validation(mode: str, op: Op) -> None:
    result = await call(mode, op, answer_script(op), strict_response_validation=True)
    assert result is not None


@MODES
async def test_json_the_standard_library_reads_still_reads(mode: str) -> None:
    op = next(op for op in OPS if op.id == "roles.retrieve")
    role = answer_for(op)
    with_bom = b"\xef\xbb\xbf" + json.dumps(role).encode()
    assert (await call(mode, op, Answer(200, with_bom))).to_dict() == role
    not_a_number = json.dumps({**role, "audit": {**role["audit"], "version": float("nan")}}).encode()
    version = (await call(mode, op, Answer(200, not_a_number))).audit.version
    assert version != version  # NaN, as the standard library reads it


@MODES
async def test_json_nested_too_deeply_is_a_validation_error(mode: str) -> None:
    op = next(op for op in OPS if op.id == "roles.retrieve")
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(wootiv.APIResponseValidationError, match="nested more than 128 levels deep"):
        await call(mode, op, Answer(200, deep))
    with pytest.raises(wootiv.InternalServerError) as info:
        await call(mode, op, Answer(500, deep), max_retries=0)
    assert isinstance(info.value.body, str)


@MODES
@op_params(lambda op: op.response_schema is not None and not op.paginated)
async def test_a_json_null_answer_is_none(mode: str, op: Op) -> None:
    assert await call(mode, op, Answer.json(None, op.status)) is None


@MODES
@op_params(lambda op: op.response_schema is None)
async def test_operations_without_a_result_ignore_the_body(mode: str, op: Op) -> None:
    assert await call(mode, op, Answer(op.status, b"<html>OK</html>", {"Content-Type": "text/html"})) is None
    assert await call(mode, op, Answer.json({"unexpected": True}, op.status)) is None


# --------------------------------------------------------------------------- pages

LISTS = op_params(lambda op: op.paginated)


def items(op: Op, *markers: str) -> List[Json]:
    """Page items valid for `op`, each with an unknown `marker` field to tell them apart."""
    item, _ = answer_value(op.item_schema, "item")
    return [{**item, "marker": marker} for marker in markers]


def paged(op: Op, pages: Dict[int, Tuple[List[str], Any, Any]], default: Optional[Json] = None) -> Any:
    """A server answering `?page=n` with `pages[n]` = (markers, page field, pageCount field)."""

    def answer(request: Any) -> Answer:
        query = dict(query_pairs(request.url.partition("?")[2]))
        number = int(query.get("page", "1"))
        if number not in pages:
            return Answer.json(default if default is not None else page_envelope(op, [], number, len(pages)))
        markers, page, count = pages[number]
        return Answer.json(page_envelope(op, items(op, *markers), page, count))

    return answer


async def collect(mode: str, op: Op, script: Any, **kwargs: Any) -> Tuple[List[str], int]:
    """Every item's marker, iterating all pages; and the number of requests made."""
    positional, _, _ = call_arguments(op)
    if mode == "sync":
        client, recorder = sync_client(script, limit=20)
        markers = [item.marker for item in method_of(client, op)(*positional, **kwargs)]
    else:
        aclient, recorder = async_client(script, limit=20)
        markers = [item.marker async for item in method_of(aclient, op)(*positional, **kwargs)]
    return markers, len(recorder.sent)


@MODES
@LISTS
async def test_all_pages_are_iterated_in_order(mode: str, op: Op) -> None:
    script = paged(op, {1: (["a", "b"], 1, 3), 2: (["c"], 2, 3), 3: (["d"], 3, 3)})
    assert await collect(mode, op, script, limit=2) == (["a", "b", "c", "d"], 3)


@MODES
@LISTS
async def test_following_pages_keep_the_other_arguments(mode: str, op: Op) -> None:
    positional, _, _ = call_arguments(op)
    script = paged(op, {1: (["a"], 1, 2), 2: (["b"], 2, 2)})
    client, recorder = sync_client(script) if mode == "sync" else async_client(script)
    pages = method_of(client, op)(*positional, limit=1)
    if mode == "sync":
        assert [[i.marker for i in page.data] for page in pages.iter_pages()] == [["a"], ["b"]]
    else:
        first = await pages
        assert [[i.marker for i in page.data] async for page in first.iter_pages()] == [["a"], ["b"]]
    first_query, second_query = (dict(query_pairs(sent.raw_query)) for sent in recorder.sent)
    assert first_query == {"limit": "1"}
    assert second_query == {"limit": "1", "page": "2"}
    assert recorder.sent[0].path == recorder.sent[1].path


ENDLESS = {
    "no pageCount": ({1: (["a"], 1, ABSENT)}, ["a"]),
    "null pageCount": ({1: (["a"], 1, None)}, ["a"]),
    "string pageCount": ({1: (["a"], 1, "9")}, ["a"]),
    "negative pageCount": ({1: (["a"], 1, -3)}, ["a"]),
    "zero pageCount": ({1: (["a"], 1, 0)}, ["a"]),
    "fractional pageCount": ({1: (["a"], 1, 2.5)}, ["a"]),
    "boolean pageCount": ({1: (["a"], 1, True)}, ["a"]),
    "no page": ({1: (["a"], ABSENT, 3)}, ["a"]),
    "page zero": ({1: (["a"], 0, 3)}, ["a"]),
    "page beyond count": ({1: (["a"], 7, 3)}, ["a"]),
    "string page": ({1: (["a"], "1", 3)}, ["a"]),
    "server ignores the page asked for": ({1: (["a"], 1, 3), 2: (["a"], 1, 3), 3: (["a"], 1, 3)}, None),
    "server goes backwards": ({1: (["a"], 2, 3), 2: (["b"], 1, 3), 3: (["c"], 1, 3)}, None),
    "empty page before the count": ({1: (["a"], 1, 10**6), 2: ([], 2, 10**6)}, ["a"]),
}


@MODES
@LISTS
@pytest.mark.parametrize("case", list(ENDLESS))
async def test_iteration_ends_whatever_the_envelope_says(mode: str, op: Op, case: str) -> None:
    pages, expected = ENDLESS[case]
    # Any page not in the script repeats page 1, so a loop would never end on its own.
    markers_1, page_1, count_1 = pages[1]
    repeat = page_envelope(op, items(op, *markers_1), page_1, count_1)
    markers, requests = await collect(mode, op, paged(op, pages, default=repeat))
    assert requests <= 3
    assert markers[: len(markers_1)] == markers_1
    if expected is not None:
        assert markers == expected


@MODES
@LISTS
async def test_a_bare_array_is_one_page(mode: str, op: Op) -> None:
    positional, _, _ = call_arguments(op)
    script = Answer.json(items(op, "x", "y", "z"))
    assert await collect(mode, op, script) == (["x", "y", "z"], 1)
    if mode == "sync":
        client, _ = sync_client(script)
        page = method_of(client, op)(*positional)
    else:
        aclient, _ = async_client(script)
        page = await method_of(aclient, op)(*positional)
    assert [item.marker for item in page.data] == ["x", "y", "z"]
    assert not page.has_next_page() and page.next_page_info() is None


@LISTS
def test_sync_page_navigation(op: Op) -> None:
    positional, _, _ = call_arguments(op)
    script = paged(op, {1: (["a"], 1, 2), 2: (["b"], 2, 2)})
    client, recorder = sync_client(script)
    first = method_of(client, op)(*positional, limit=1)
    assert isinstance(first, SyncPage) and len(recorder.sent) == 1
    assert [i.marker for i in first.data] == ["a"]
    assert first.page == 1 and first.page_count == 2
    assert first.has_next_page() and first.next_page_info() == PageInfo(page=2)
    second = first.get_next_page()
    assert isinstance(second, SyncPage) and [i.marker for i in second.data] == ["b"]
    assert dict(query_pairs(recorder.last.raw_query))["page"] == "2"
    assert not second.has_next_page() and second.next_page_info() is None
    with pytest.raises(RuntimeError):
        second.get_next_page()
    assert len(recorder.sent) == 2
    assert [[i.marker for i in p.data] for p in first.iter_pages()] == [["a"], ["b"]]
    assert [i.marker for i in first] == ["a", "b"]


@LISTS
async def test_async_page_navigation(op: Op) -> None:
    positional, _, _ = call_arguments(op)
    script = paged(op, {1: (["a"], 1, 2), 2: (["b"], 2, 2)})
    client, recorder = async_client(script)
    pager = method_of(client, op)(*positional, limit=1)
    assert isinstance(pager, AsyncPager) and recorder.sent == []
    first = await pager
    assert isinstance(first, AsyncPage) and [i.marker for i in first.data] == ["a"]
    assert first.has_next_page() and first.next_page_info() == PageInfo(page=2)
    second = await first.get_next_page()
    assert [i.marker for i in second.data] == ["b"]
    assert not second.has_next_page() and second.next_page_info() is None
    with pytest.raises(RuntimeError):
        await second.get_next_page()
    assert [[i.marker for i in p.data] async for p in first.iter_pages()] == [["a"], ["b"]]
    assert [i.marker async for i in first] == ["a", "b"]
    assert [i.marker async for i in method_of(client, op)(*positional, limit=1)] == ["a", "b"]


@MODES
@LISTS
async def test_a_strict_client_refuses_a_page_without_page_numbers(mode: str, op: Op) -> None:
    positional, _, _ = call_arguments(op)
    script = Answer.json(page_envelope(op, items(op, "a"), ABSENT, ABSENT))
    with pytest.raises(wootiv.APIResponseValidationError):
        if mode == "sync":
            client, _ = sync_client(script, strict_response_validation=True)
            method_of(client, op)(*positional)
        else:
            aclient, _ = async_client(script, strict_response_validation=True)
            await method_of(aclient, op)(*positional)


@MODES
@LISTS
async def test_an_answer_that_is_neither_page_nor_list_is_an_error(mode: str, op: Op) -> None:
    for body in [{"unexpected": True}, "a string", 42, {"data": "not a list"}]:
        with pytest.raises(wootiv.APIResponseValidationError):
            await collect(mode, op, Answer.json(body))
