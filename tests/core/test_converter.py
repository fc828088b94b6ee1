"""Generated models round-trip through the one converter, strictly and leniently.

Wire dicts are drawn from each model's attrs fields and their `metadata["wire"]`
names, so every generated model is covered, not a hand-picked few.
"""

from __future__ import annotations

import copy
import datetime
import json
import pathlib
import pickle
from typing import Any, Dict, List, Literal, Optional, Tuple, Type, Union, get_args, get_origin

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wootiv
from wootiv_core.api import models
from wootiv_core.converter import ShapeError, parse_datetime, structure
from wootiv_core.model import BOOKKEEPING, Model, wire_name

MODELS: List[Type[Model]] = [
    cls for cls in vars(models).values() if isinstance(cls, type) and issubclass(cls, Model) and cls is not Model
]
NAMED = [models.RoleDto, models.ReadContactDto, models.SubscriptionDto, models.WorkspaceDto, models.StreamRetrieveResponse]

ZONES = [
    datetime.timezone.utc,
    datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
    datetime.timezone(datetime.timedelta(hours=-8)),
]
# The form `to_dict` writes: ISO 8601, `Z` for UTC.
stamps = st.datetimes(
    min_value=datetime.datetime(1970, 1, 2), max_value=datetime.datetime(2100, 1, 1), timezones=st.sampled_from(ZONES)
).map(lambda moment: moment.isoformat().replace("+00:00", "Z"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def fields_of(cls: Type[Model]) -> List["attrs.Attribute[Any]"]:
    attrs.resolve_types(cls)
    return [field for field in attrs.fields(cls) if field.name not in BOOKKEEPING]


def is_optional(tp: Any) -> bool:
    return get_origin(tp) is Union and type(None) in get_args(tp)


def wire_value(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy for valid JSON of annotation `tp`."""
    origin, args = get_origin(tp), get_args(tp)
    if tp is str:
        return st.text(max_size=8)
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**53), 2**53)
    if tp is int:
        return st.integers()
    if tp is bool:
        return st.booleans()
    if tp is datetime.datetime:
        return stamps
    if tp is Any:
        return json_values
    if origin in (list, List):
        return st.lists(wire_value(args[0]), max_size=2)
    if origin in (dict, Dict):
        return st.dictionaries(st.text(max_size=5), json_values, max_size=3)
    if origin is Literal:
        return st.sampled_from(args)
    if origin is Union:
        return st.one_of(*(st.none() if arg is type(None) else wire_value(arg) for arg in args))
    if isinstance(tp, type) and issubclass(tp, Model):
        return wire_dicts(tp)
    raise AssertionError(f"no strategy for {tp!r}")


def wire_dicts(cls: Type[Model]) -> st.SearchStrategy[Dict[str, Any]]:
    """Valid wire dicts of `cls`: required fields present, optional ones present, null or absent."""
    required = {wire_name(f): wire_value(f.type) for f in fields_of(cls) if f.default is attrs.NOTHING}
    optional = {wire_name(f): wire_value(f.type) for f in fields_of(cls) if f.default is not attrs.NOTHING}
    return st.fixed_dictionaries(required, optional=optional)


def wrong_value(tp: Any) -> Any:
    """A JSON value `tp` does not admit."""
    origin = get_origin(tp)
    if is_optional(tp):
        (inner,) = [arg for arg in get_args(tp) if arg is not type(None)]
        return wrong_value(inner)
    if tp is str or origin is Literal:
        return 12
    if tp in (float, int):
        return "12"
    if tp is bool:
        return 1
    if tp is datetime.datetime:
        return "not a date"
    if origin in (list, List):
        return "not a list"
    if origin in (dict, Dict):
        return ["not", "a", "dict"]
    if isinstance(tp, type) and issubclass(tp, Model):
        return "not an object"
    raise AssertionError(f"no wrong value for {tp!r}")


def normalised(value: Any) -> Any:
    """JSON with ISO date-times as instants, for comparing non-canonical forms."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            return value
    return value


def typed_model(cls: Type[Model], wire: Dict[str, Any]) -> Model:
    model = structure(wire, cls, strict=True)
    assert type(model) is cls
    return model


SPEC = json.loads((pathlib.Path(wootiv.__file__).parent / "testing" / "openapi.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_the_drawn_wire_dicts_follow_the_spec(cls: Type[Model]) -> None:
    """The strategies below draw from the attrs fields; those match the spec's schema."""
    schema = SPEC["components"]["schemas"][cls.__name__]
    fields = fields_of(cls)
    assert {wire_name(field) for field in fields} == set(schema.get("properties", {}))
    assert {wire_name(field) for field in fields if field.default is attrs.NOTHING} == set(schema.get("required", []))
    for field in fields:
        prop = schema["properties"][wire_name(field)]
        if prop.get("format") == "date-time":
            assert datetime.datetime in (field.type, *get_args(field.type))


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_model_round_trips(cls: Type[Model], data: st.DataObject) -> None:
    wire = data.draw(wire_dicts(cls))
    model = typed_model(cls, wire)
    assert model.to_dict() == wire
    assert json.loads(model.to_json()) == json.loads(json.dumps(wire))
    assert structure(model.to_dict(), cls, strict=True) == model
    assert structure(wire, cls, strict=False) == model  # lenient agrees on valid input
    assert pickle.loads(pickle.dumps(model)) == model
    assert copy.deepcopy(model) == model
    assert model.extra_fields == {}


@pytest.mark.parametrize("cls", NAMED, ids=lambda cls: cls.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_named_models_round_trip_with_unknown_fields(cls: Type[Model], data: st.DataObject) -> None:
    wire = data.draw(wire_dicts(cls))
    known = set(wire)
    extras = data.draw(
        st.dictionaries(
            st.from_regex(r"x[A-Za-z0-9]{0,6}", fullmatch=True).filter(lambda key: key not in known), json_values, max_size=3
        )
    )
    wire = {**wire, **extras}
    model = typed_model(cls, wire)
    assert model.to_dict() == wire
    assert model.extra_fields == extras
    for key, value in extras.items():
        assert getattr(model, key) == value
    as_dict = dict(model)
    assert set(as_dict) == {field.name for field in fields_of(cls)} | set(extras)
    for field in fields_of(cls):
        assert as_dict[field.name] is getattr(model, field.name)
    assert pickle.loads(pickle.dumps(model)) == model
    assert pickle.loads(pickle.dumps(model)).extra_fields == extras
    python_names = model.to_dict(use_api_names=False)
    assert set(python_names) == {field.name for field in fields_of(cls)} | set(extras)


@given(wire=wire_dicts(models.RoleDto))
@settings(max_examples=30)
def test_equality_follows_the_data(wire: Dict[str, Any]) -> None:
    first, second = structure(wire, models.RoleDto, strict=True), structure(wire, models.RoleDto, strict=True)
    assert first == second and first is not second
    assert structure({**wire, "name": wire["name"] + "!"}, models.RoleDto, strict=True) != first
    assert structure({**wire, "newField": 1}, models.RoleDto, strict=True) != first
    with pytest.raises(TypeError):
        hash(first)


@given(wire=wire_dicts(models.RoleDto))
@settings(max_examples=20)
def test_extra_fields_behave_as_a_dict_of_the_model(wire: Dict[str, Any]) -> None:
    role = structure(wire, models.RoleDto, strict=True)
    built = models.RoleDto(**{name: getattr(role, name) for name, _ in role}, extra_fields={})
    assert role == built and role.extra_fields == {}  # no unknown fields: equal however made
    role.extra_fields["_id"] = 7  # a dict the model keeps, not a copy
    assert role._id == 7 and role.to_dict()["_id"] == 7 and dict(role)["_id"] == 7
    assert role != built and pickle.loads(pickle.dumps(role)) == role
    role.extra_fields = {}
    assert role == built and "_id" not in role.to_dict()


def test_unknown_attributes_still_raise_attribute_error() -> None:
    role = structure(
        {"id": "r", "assignees": [], "audit": {"date_created": "2026-01-01T00:00:00Z", "date_deleted": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z", "version": 1}, "description": "d", "name": "n", "color": "red"},
        models.RoleDto,
        strict=True,
    )
    assert role.color == "red"
    with pytest.raises(AttributeError, match="nope"):
        role.nope  # noqa: B018
    assert not hasattr(role, "__missing_dunder__")


def test_nested_models_are_typed() -> None:
    wire = {
        "id": "t", "audit": {}, "name": "n", "sensitiveKey": "k", "workspaceId": "w",
        "lastErrorTimestamp": "2026-03-01T12:00:00Z",
        "workspace": {"id": "w", "audit": {}, "name": "W", "ownerId": "o", "slug": "s", "subscription": {}, "subscriptionId": "s", "workspaceMembers": ["u"], "plan": "x"},
    }
    token = structure(wire, models.TokenCreateResponse, strict=True)
    assert isinstance(token.workspace, models.WorkspaceDto) and token.workspace.owner_id == "o"
    assert token.workspace.plan == "x" and token.workspace.extra_fields == {"plan": "x"}
    assert token.last_error_timestamp == datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.timezone.utc)
    assert token.api_key is None and token.request_count is None
    assert token.to_dict() == wire  # optional fields not sent are not written back either
    assert token.to_dict(use_api_names=False)["workspace"]["owner_id"] == "o"
    sent_null = structure({**wire, "apiKey": None}, models.TokenCreateResponse, strict=True)
    assert sent_null.api_key is None and sent_null.to_dict() == {**wire, "apiKey": None}
    assert sent_null == token  # equality is about the data


# --- strict and lenient on broken answers ------------------------------------------------------

BROKEN: List[Tuple[Type[Model], "attrs.Attribute[Any]", str]] = [
    (cls, field, how)
    for cls in MODELS
    for field in fields_of(cls)
    for how in ("missing", "mistyped")
    if not (how == "missing" and field.default is not attrs.NOTHING)
]


@pytest.mark.parametrize("cls, field, how", BROKEN, ids=lambda x: getattr(x, "__name__", None) or getattr(x, "name", None) or x)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_strict_raises_and_lenient_keeps_what_was_there(cls: Type[Model], field: "attrs.Attribute[Any]", how: str, data: st.DataObject) -> None:
    wire = data.draw(wire_dicts(cls))
    good = typed_model(cls, wire)
    key = wire_name(field)
    broken = dict(wire)
    if how == "missing":
        del broken[key]
    else:
        broken[key] = wrong_value(field.type)

    with pytest.raises(ShapeError) as info:
        structure(broken, cls, strict=True)
    assert field.name in str(info.value) or key in str(info.value)

    lenient = structure(broken, cls, strict=False)
    assert type(lenient) is cls
    assert getattr(lenient, field.name) == (None if how == "missing" else broken[key])
    for other in fields_of(cls):
        if other is not field:
            assert getattr(lenient, other.name) == getattr(good, other.name)
    assert lenient.extra_fields == {}


def test_strict_names_every_offending_field() -> None:
    wire = {"id": 1, "assignees": [{"id": "a"}, {"id": 2}], "audit": {"date_created": "later", "date_deleted": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z", "version": 1}, "description": "d"}
    with pytest.raises(ShapeError) as info:
        structure(wire, models.RoleDto, strict=True)
    message = str(info.value)
    for name in ("id", "assignees", "date_created", "name"):
        assert name in message
    assert "[1]" in message, "the index of the bad list item is named"


def test_strict_rejects_near_misses() -> None:
    audit: Dict[str, Any] = {"date_created": "2026-01-01T00:00:00Z", "date_deleted": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z", "version": 1}
    base: Dict[str, Any] = {"id": "r", "assignees": [], "audit": audit, "description": "d", "name": "n"}
    assert structure(base, models.RoleDto, strict=True).audit.version == 1.0
    near_misses: List[Any] = [
        {**base, "audit": {**audit, "version": True}},  # a bool is not a number
        {**base, "audit": {**audit, "version": "1"}},  # nor is a numeric string
        {**base, "name": ["n"]},
        {**base, "assignees": "r1"},  # a string is not a list of characters
        {**base, "assignees": {"id": "r1"}},
        {**base, "audit": None},
        [base],
        None,
    ]
    for broken in near_misses:
        with pytest.raises(ShapeError):
            structure(broken, models.RoleDto, strict=True)
    with pytest.raises(ShapeError):
        structure({**base, "name": None}, models.RoleDto, strict=True)
    stream = {"id": 1, "contactId": "c", "contactMetadata": {}, "conversations": {}, "mailbox": {}, "medium": "fax", "namespace": "n", "pipelineId": "p", "slug": "s", "status": "open", "streamRegistries": {}, "subject": "s", "workspace": {}, "workspaceId": "w"}
    with pytest.raises(ShapeError, match="medium"):
        structure(stream, models.StreamRetrieveResponse, strict=True)
    assert structure(stream, models.StreamRetrieveResponse, strict=False).medium == "fax"


def test_lenient_reads_any_object_and_refuses_other_kinds() -> None:
    for value in ({}, {"id": None}, {"assignees": [{"id": 1}, "x"], "audit": "later"}):
        assert isinstance(structure(value, models.RoleDto, strict=False), models.RoleDto)
    for value, kind in ((None, "null"), ([], "an array"), ([1, 2, 3], "an array"), ("text", "a string"), (3, "a number"), (True, "a boolean")):
        with pytest.raises(ShapeError, match=f"expected a JSON object, got {kind}"):
            structure(value, models.RoleDto, strict=False)


@pytest.mark.parametrize("strict", [False, True])
def test_a_list_of_models_needs_an_array_of_objects(strict: bool) -> None:
    assert structure([{"id": "r"}], List[models.ReferenceIDDto], strict=strict)[0].id == "r"
    for value, problem in (({"id": "r"}, "expected a JSON array"), ([1, "x", None], "item 0"), ([{"id": "r"}, None], "item 1")):
        with pytest.raises(ShapeError, match=problem if not strict else None):
            structure(value, List[models.ReferenceIDDto], strict=strict)


def test_lenient_types_what_fits_inside_broken_values() -> None:
    wire = {"id": "r", "assignees": [{"id": "a"}, {"id": 2}, "junk"], "audit": {"date_created": "2026-01-01T00:00:00Z", "version": "v1"}}
    role = structure(wire, models.RoleDto, strict=False)
    assert role.assignees[0] == models.ReferenceIDDto(id="a")
    assert isinstance(role.assignees[1], models.ReferenceIDDto) and role.assignees[1].id == 2
    assert role.assignees[2] == "junk"
    assert isinstance(role.audit, models.AuditDto)
    assert role.audit.date_created == datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    assert role.audit.version == "v1" and role.audit.date_deleted is None
    assert (role.description, role.name) == (None, None)


def test_lenient_types_a_broken_optional_nested_model() -> None:
    workspace = {"id": "w", "audit": {}, "name": "W", "ownerId": 5, "subscription": {}, "subscriptionId": "s", "workspaceMembers": []}
    token = structure({"id": "t", "audit": {}, "name": "n", "sensitiveKey": "k", "workspaceId": "w", "workspace": workspace}, models.TokenCreateResponse, strict=False)
    assert isinstance(token.workspace, models.WorkspaceDto)
    assert token.workspace.name == "W" and token.workspace.owner_id == 5 and token.workspace.slug is None


# --- date-times --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-01-02T03:04:05Z", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("2026-01-02T03:04:05.123Z", datetime.datetime(2026, 1, 2, 3, 4, 5, 123000, tzinfo=datetime.timezone.utc)),
        ("2026-01-02T03:04:05z", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("2026-01-02T03:04:05+00:00", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("2026-01-02T08:34:05+05:30", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("2026-01-01T19:04:05-08:00", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("2026-01-02T03:04:05", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("2026-01-02T03:04:05.123456", datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc)),
    ],
)
def test_date_times_are_aware(text: str, expected: datetime.datetime) -> None:
    audit = structure({"date_created": text, "date_deleted": text, "date_updated": text, "version": 1}, models.AuditDto, strict=True)
    for value in (audit.date_created, audit.date_deleted, audit.date_updated):
        assert value.tzinfo is not None and value.utcoffset() is not None
        assert value == expected
    # written back as ISO 8601 that reads as the same instant
    assert normalised(audit.to_dict()) == normalised({"date_created": text, "date_deleted": text, "date_updated": text, "version": 1.0})
    assert all(parse_datetime(audit.to_dict()[key]) == expected for key in ("date_created", "date_deleted", "date_updated"))


def test_offsets_are_kept_and_utc_is_written_with_z() -> None:
    audit = structure({"date_created": "2026-01-02T08:34:05+05:30", "date_deleted": "2026-01-02T03:04:05+00:00", "date_updated": "2026-01-02T03:04:05", "version": 1}, models.AuditDto, strict=True)
    assert audit.date_created.utcoffset() == datetime.timedelta(hours=5, minutes=30)
    written = audit.to_dict()
    assert written["date_created"] == "2026-01-02T08:34:05+05:30"
    assert written["date_deleted"] == written["date_updated"] == "2026-01-02T03:04:05Z"


@pytest.mark.parametrize("value", [1_767_225_600, None, ["2026-01-01"], "", "2026-13-01T00:00:00Z", "tomorrow"])
def test_bad_date_times(value: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        parse_datetime(value)
    with pytest.raises(ShapeError):
        structure({"date_created": value, "date_deleted": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z", "version": 1}, models.AuditDto, strict=True)


def test_plain_types_and_lists() -> None:
    assert structure([{"id": "a"}], List[models.ReferenceIDDto], strict=True) == [models.ReferenceIDDto(id="a")]
    assert structure({"a": [1, {"b": None}]}, Dict[str, Any], strict=True) == {"a": [1, {"b": None}]}
    assert structure(3, float, strict=True) == 3.0 and type(structure(3, float, strict=True)) is float
    assert structure("x", Optional[str], strict=True) == "x" and structure(None, Optional[str], strict=True) is None
    for value, tp in [(True, int), (1, str), (1.5, int), ("1", float), (None, str)]:
        with pytest.raises(ShapeError):
            structure(value, tp, strict=True)
        assert structure(value, tp, strict=False) == value
    # A string is not a list of characters, even leniently: the wrong JSON kind.
    for strict in (True, False):
        with pytest.raises(ShapeError):
            structure("abc", List[str], strict=strict)


def test_pickle_keeps_extra_fields_of_nested_models() -> None:
    wire = {"id": "x", "assignee": {"id": "u", "kind": "user"}, "audit": {"date_created": "2026-01-01T00:00:00Z", "date_deleted": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z", "version": 3}, "role": {"id": "r"}}
    assignment = structure(wire, models.RoleAssignmentDto, strict=True)
    again = pickle.loads(pickle.dumps(assignment, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == assignment and again.assignee.kind == "user"
    assert again.to_dict() == {**wire, "audit": {**wire["audit"], "version": 3.0}}
