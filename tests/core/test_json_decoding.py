"""`loads` and the nesting bound: what is read, what is refused, and on which decoder."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from wootiv_core.api import models
from wootiv_core.converter import TooDeep, structure
from wootiv_core.json_decoding import MAX_JSON_DEPTH, NestingError, decoded_key, loads, too_deep

BOM = b"\xef\xbb\xbf"  # orjson refuses it; the standard library decides


def arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth - 1):
        value = [value]
    return [value] if depth else value


def test_the_bound_is_128_levels() -> None:
    assert MAX_JSON_DEPTH == 128
    assert not too_deep(nested(128)) and too_deep(nested(129))
    five = {"a": {"b": [1, {"c": []}]}}  # object, object, array, object, array
    assert not too_deep(five, 5) and too_deep(five, 4)
    assert not too_deep("text") and not too_deep(None)


def test_too_deep_does_not_recurse() -> None:
    assert too_deep(nested(100_000))


@pytest.mark.parametrize("prefix", [b"", BOM], ids=["orjson", "stdlib"])
def test_json_within_the_bound_is_read_by_either_decoder(prefix: bytes) -> None:
    assert loads(prefix + arrays(3)) == [[[]]]
    value = loads(prefix + arrays(MAX_JSON_DEPTH))
    assert not too_deep(value) and too_deep(value, MAX_JSON_DEPTH - 1)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900, 5000, 100_000])
def test_the_stdlib_decoder_refuses_json_past_the_bound(depth: int) -> None:
    with pytest.raises(NestingError, match="nested more than 128 levels deep"):
        loads(BOM + arrays(depth))


def test_orjson_refuses_past_its_own_limit() -> None:
    with pytest.raises(ValueError):
        loads(arrays(100_000))


@pytest.mark.parametrize("strict", [False, True])
def test_free_form_values_past_the_bound_are_refused_when_structured(strict: bool) -> None:
    deep = nested(MAX_JSON_DEPTH + 1)
    with pytest.raises(TooDeep):
        structure({"deleted": deep}, Dict[str, Any], strict=strict)
    with pytest.raises(TooDeep):
        structure(deep, List[Any], strict=strict)
    with pytest.raises(TooDeep):  # an unknown field of a model
        structure({"id": "r", "extra": deep}, models.ReferenceIDDto, strict=strict)
    stamp = "2026-01-02T03:04:05Z"
    contact = {
        "id": "c", "audit": {"date_created": stamp, "date_deleted": stamp, "date_updated": stamp, "version": 1},
        "contactGroupId": "g", "email": "e", "firstName": "f", "lastName": "l", "phoneNumber": "p",
        "primaryContact": "email", "workspaceId": "w",
    }  # fmt: skip
    with pytest.raises(TooDeep):  # a declared free-form field of a model
        structure({**contact, "metadata": {"deep": deep}}, models.ReadContactDto, strict=strict)
    shallow = nested(MAX_JSON_DEPTH - 1)
    assert structure({**contact, "metadata": {"kept": shallow[0]}}, models.ReadContactDto, strict=strict).metadata == {"kept": shallow[0]}
    assert structure({"id": "r", "extra": shallow}, models.ReferenceIDDto, strict=strict).extra_fields == {"extra": shallow}
    assert structure({"kept": shallow}, Dict[str, Any], strict=strict) == {"kept": shallow}


def test_a_value_kept_raw_by_lenient_mode_is_bounded_too() -> None:
    # `id` is declared a string: leniently, a list is kept as it came, unless it is too deep.
    assert structure({"id": [1]}, models.ReferenceIDDto, strict=False).id == [1]
    with pytest.raises(TooDeep):
        structure({"id": nested(MAX_JSON_DEPTH + 1)}, models.ReferenceIDDto, strict=False)


def test_decoded_keys_are_the_objects_decoding_gives() -> None:
    # The compiled models look fields up with these, so that a lookup matches
    # on identity; this fails if orjson stops handing out one string per key.
    key = decoded_key("date_created")
    page = loads(b'[{"date_created": 1}, {"date_created": 2}]')
    assert key == "date_created" and all(next(iter(item)) is key for item in page)
