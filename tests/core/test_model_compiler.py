"""The compiled fast path agrees with cattrs' detailed converter on every model.

`structure` trusts a value the fast path accepts without asking cattrs, so
for any input — valid, missing fields, wrong types, unknown keys — the two
must agree: where the fast path gives a model, cattrs gives an equal one
(also in `extra_fields` and in which optional fields were absent); where
cattrs gives one, so does the fast path.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Type, cast, get_args

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wootiv_core.api import models
from wootiv_core.converter import ShapeError, _detailed, _fast, structure  # pyright: ignore[reportPrivateUsage]
from wootiv_core.model import Model

from .test_converter import MODELS, fields_of, json_values, wire_dicts, wire_name


def outcome(converter: Any, value: Any, cls: Type[Model]) -> Any:
    try:
        model = converter.structure(value, cls)
    except Exception:  # noqa: BLE001 - any failure counts as "rejected"
        return "rejected"
    return model, model.to_dict(), model._unset  # pyright: ignore[reportPrivateUsage]


# Values one step away from a valid one: numbers as text, bools as numbers, dates without a zone.
near_misses = st.sampled_from(["12", "1.5", "", True, False, 0, 1.5, None, [], {}, ["x"], "2026-01-02T03:04:05Z", "2026-01-02"])


def nested_model(tp: Any) -> Any:
    """The model inside `tp` (a model, a list of models, or `Optional` of either), else `None`."""
    for candidate in (tp, *get_args(tp), *(arg for inner in get_args(tp) for arg in get_args(inner))):
        if isinstance(candidate, type) and issubclass(candidate, Model):
            return candidate
    return None


def perturb(draw: st.DrawFn, wire: Dict[str, Any], cls: Type[Model]) -> Dict[str, Any]:
    """`wire` maybe with a field dropped, retyped or an unknown one added, here or in a nested record.

    Nested records are read inside their parent's compiled function, so a
    fault deep inside one must be found as surely as one at the top.
    """
    wire = dict(wire)
    names = [wire_name(field) for field in fields_of(cls)]
    nested = {
        wire_name(field): nested_model(field.type)
        for field in fields_of(cls)
        if nested_model(field.type) is not None and wire.get(wire_name(field)) not in (None, [])
    }
    change = draw(st.sampled_from(["none", "drop", "retype", "add", "inside"]))
    if change == "drop" and wire:
        del wire[draw(st.sampled_from(sorted(wire)))]
    elif change == "retype":
        wire[draw(st.sampled_from(names))] = draw(near_misses | json_values)
    elif change == "add":
        wire[draw(st.text(min_size=1, max_size=6).filter(lambda key: key not in names))] = draw(json_values)
    elif change == "inside" and nested:
        key = draw(st.sampled_from(sorted(nested)))
        value = wire[key]
        if isinstance(value, list):
            items = list(cast(List[Dict[str, Any]], value))
            index = draw(st.integers(0, len(items) - 1))
            items[index] = perturb(draw, items[index], nested[key])
            wire[key] = items
        else:
            wire[key] = perturb(draw, value, nested[key])
    return wire


@st.composite
def perturbed(draw: st.DrawFn, cls: Type[Model]) -> Dict[str, Any]:
    """A valid wire dict of `cls`, then maybe changed by `perturb`."""
    return perturb(draw, draw(wire_dicts(cls)), cls)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_agrees_with_cattrs(cls: Type[Model], data: st.DataObject) -> None:
    wire = data.draw(perturbed(cls))
    assert outcome(_fast, wire, cls) == outcome(_detailed, wire, cls)


def test_a_lower_case_zone_is_read_either_way() -> None:
    stamp = "2026-01-02T03:04:05z"
    audit = {"date_created": stamp, "date_deleted": stamp, "date_updated": stamp, "version": 1}
    role = {"id": "r", "assignees": [{"id": "u"}], "audit": audit, "description": "d", "name": "n"}
    assert structure(role, models.RoleDto, strict=True) == structure(role, models.RoleDto, strict=False)
    assert structure(role, models.RoleDto, strict=True).audit.date_created.isoformat() == "2026-01-02T03:04:05+00:00"


CONTACT = {
    "id": "c", "audit": {"date_created": "2026-01-02T03:04:05Z", "date_deleted": "2026-01-02T03:04:05Z", "date_updated": "2026-01-02T03:04:05Z", "version": 1},
    "contactGroupId": "g", "email": "e", "firstName": "f", "lastName": "l", "metadata": {}, "phoneNumber": "p",
    "primaryContact": "email", "workspaceId": "w",
}  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"primaryContact": "phoneNumber"},
        {"primaryContact": "fax"},
        {"primaryContact": ["email"]},
        {"primaryContact": None},
        {"metadata": {"source": "crm", "since": 2020}},
        {"metadata": {"tags": ["a", "b"], "owner": {"id": "u"}}},
        {"metadata": ["source"]},
        {"metadata": None},
    ],
    ids=repr,
)
def test_literals_and_free_form_objects_read_inline_agree_with_cattrs(change: Dict[str, Any]) -> None:
    # Both are checked inside the compiled function: a literal against the set
    # of its values, a flat free-form object by its kind alone.
    wire = {**CONTACT, **change}
    fast = outcome(_fast, wire, models.ReadContactDto)
    assert fast == outcome(_detailed, wire, models.ReadContactDto)
    valid = change.get("primaryContact", "email") in ("email", "phoneNumber") and isinstance(change.get("metadata", {}), dict)
    assert (fast != "rejected") == valid
    if valid and "metadata" in change:
        assert fast[0].metadata is wire["metadata"]  # kept as decoded, not copied


# No model of the API contains itself or nests deeper than three records, so
# these stand in for the cases where the compiler calls a nested model's
# function instead of writing it inline.
@attrs.define
class Node(Model):
    name: str
    children: List[Node] = attrs.field(factory=list)
    parent: Optional[Node] = None


@attrs.define
class Level6(Model):
    label: str


@attrs.define
class Level5(Model):
    inner: Level6


@attrs.define
class Level4(Model):
    inner: Level5


@attrs.define
class Level3(Model):
    inner: Level4


@attrs.define
class Level2(Model):
    inner: Level3


@attrs.define
class Level1(Model):
    inner: Level2
    many: List[Level6]


def test_a_model_inside_itself_is_read_through_its_own_function() -> None:
    tree = {"name": "root", "children": [{"name": "a", "children": [{"name": "a1"}]}, {"name": "b", "parent": {"name": "root"}}]}
    node = structure(tree, Node, strict=True)
    assert node.children[0].children[0].name == "a1" and node.children[1].parent == Node("root")
    assert node == _detailed.structure(tree, Node) and node.children[0]._unset == {"parent"}  # pyright: ignore[reportPrivateUsage]
    broken = {"name": "root", "children": [{"name": "a", "children": [{"name": 5}]}]}
    assert outcome(_fast, broken, Node) == outcome(_detailed, broken, Node) == "rejected"


def test_records_nested_deeper_than_written_inline_are_read_and_checked() -> None:
    deep = {"inner": {"inner": {"inner": {"inner": {"inner": {"label": "bottom"}}}}}, "many": [{"label": "x", "more": 1}]}
    level = structure(deep, Level1, strict=True)
    assert level.inner.inner.inner.inner.inner.label == "bottom" and level.many[0].extra_fields == {"more": 1}
    assert outcome(_fast, deep, Level1) == outcome(_detailed, deep, Level1)
    deep["inner"]["inner"]["inner"]["inner"]["inner"]["label"] = 7
    with pytest.raises(ShapeError, match="label"):
        structure(deep, Level1, strict=True)
    assert structure(deep, Level1, strict=False).inner.inner.inner.inner.inner.label == 7


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_list_of_models_agrees_with_cattrs(cls: Type[Model], data: st.DataObject) -> None:
    # A list of models is read by one compiled function with the loop inside.
    tp = List[cls]  # pyright: ignore[reportGeneralTypeIssues]
    wire: Any = data.draw(st.lists(perturbed(cls), max_size=3) | near_misses)

    def listed(converter: Any) -> Any:
        try:
            items = converter.structure(wire, tp)
        except Exception:  # noqa: BLE001 - any failure counts as "rejected"
            return "rejected"
        return [(item, item.to_dict(), item._unset) for item in items]  # pyright: ignore[reportPrivateUsage]

    assert listed(_fast) == listed(_detailed)
