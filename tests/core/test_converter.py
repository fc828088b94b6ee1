"""Models round-trip through the converter; strict and lenient modes."""

from __future__ import annotations

import datetime
import pickle
from typing import Any, Dict

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv_core.api import models
from wootiv_core.converter import ShapeError, structure
from wootiv_core.model import Model, wire_name

stamps = st.datetimes(timezones=st.just(datetime.timezone.utc)).map(lambda d: d.isoformat().replace("+00:00", "Z"))


def wire_value(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy for the JSON form of an annotation of the generated models."""
    origin = getattr(tp, "__origin__", None)
    args = getattr(tp, "__args__", ())
    if tp is str:
        return st.text(max_size=8)
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if tp is int:
        return st.integers()
    if tp is bool:
        return st.booleans()
    if tp is datetime.datetime:
        return stamps
    if origin is list:
        return st.lists(wire_value(args[0]), max_size=2)
    if origin is dict:
        return st.dictionaries(st.text(max_size=4), st.integers(), max_size=2)
    if str(origin) == "typing.Literal":
        return st.sampled_from(args)
    if str(origin) == "typing.Union":
        return st.one_of(*(wire_value(arg) for arg in args if arg is not type(None)))
    if isinstance(tp, type) and issubclass(tp, Model):
        return model_dict(tp)
    return st.none()


def model_dict(cls: type) -> st.SearchStrategy[Dict[str, Any]]:
    attrs.resolve_types(cls)
    fields = {wire_name(f): wire_value(f.type) for f in attrs.fields(cls) if f.name != "extra_fields"}
    return st.fixed_dictionaries(fields)


MODELS = [models.RoleDto, models.ReadContactDto, models.SubscriptionDto, models.WorkspaceDto, models.StreamRetrieveResponse, models.InvitationDto, models.AwsS3GetSignedURLResponse]


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str) and value.endswith("Z") and "T" in value:
        return datetime.datetime.fromisoformat(value[:-1] + "+00:00")
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
@settings(max_examples=40)
@given(data=st.data())
def test_models_round_trip(cls: type, data: st.DataObject) -> None:
    wire = data.draw(model_dict(cls))
    model = structure(wire, cls, strict=True)
    assert normalise(model.to_dict()) == normalise(wire)
    assert structure(model.to_dict(), cls, strict=True) == model
    assert pickle.loads(pickle.dumps(model)) == model


def test_unknown_fields_are_kept_and_strictness_is_chosen() -> None:
    wire = {"id": "x", "newThing": [1]}
    with pytest.raises(ShapeError):
        structure({"id": 5}, models.ReferenceIDDto, strict=True)
    kept = structure(wire, models.ReferenceIDDto, strict=True)
    assert kept.extra_fields == {"newThing": [1]} and kept.newThing == [1]
    lenient = structure({"assignees": "nope", "id": 3}, models.RoleDto, strict=False)
    assert (lenient.id, lenient.assignees, lenient.name) == (3, "nope", None)
    with pytest.raises(ShapeError, match="assignees"):
        structure({"assignees": "nope", "id": "3"}, models.RoleDto, strict=True)


def test_datetimes_are_aware() -> None:
    audit = structure({"date_created": "2026-01-01T00:00:00Z", "date_deleted": "2026-01-01T00:00:00+05:30", "date_updated": "2026-01-01T00:00:00", "version": 1}, models.AuditDto, strict=True)
    assert all(value.tzinfo is not None for value in (audit.date_created, audit.date_deleted, audit.date_updated))
