"""The spec as the emulator reads it: its operations, and a validator for its schemas.

The emulator answers from the same OpenAPI document the SDK is generated
from, so the two cannot drift apart. Requests are checked with NestJS's
wording (`name must be a string`, one message per problem, the wire name
of the field in each); answers are checked strictly by the tests, which is
how the emulator proves it returns exactly the documented shapes.
"""

from __future__ import annotations

import datetime as _dt
import json
import pkgutil
import re
from functools import lru_cache
from typing import Any, Dict, FrozenSet, List, Optional, Tuple, cast

import attrs

__all__ = [
    "Json",
    "Operation",
    "load_spec",
    "resolve",
    "schema_named",
    "operations",
    "columns",
    "request_problems",
    "response_problems",
    "clean",
    "parse_datetime",
    "iso",
    "now_iso",
]

Json = Dict[str, Any]

_TYPE_MESSAGES = {
    "string": "must be a string",
    "number": "must be a number conforming to the specified constraints",
    "integer": "must be an integer number",
    "boolean": "must be a boolean value",
    "array": "must be an array",
    "object": "must be an object",
}

# ISO 8601 as class-validator's IsDateString accepts it: a date, optionally a
# time (with or without seconds and fraction) and a zone.
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?$"
)
_UTC_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")


@lru_cache(maxsize=1)
def load_spec() -> Json:
    """The OpenAPI document shipped inside the package."""
    raw = pkgutil.get_data("wootiv.testing", "openapi.json")
    if raw is None:
        raise RuntimeError("wootiv/testing/openapi.json is missing from the package")
    spec: Json = json.loads(raw)
    return spec


def resolve(schema: Json) -> Json:
    """`schema` with `$ref`s at its top followed to the component they name."""
    while "$ref" in schema:
        section, name = str(schema["$ref"]).rsplit("/", 2)[-2:]
        schema = load_spec()["components"][section][name]
    return schema


def schema_named(name: str) -> Json:
    """A component schema by name."""
    return resolve({"$ref": f"#/components/schemas/{name}"})


@attrs.frozen
class Operation:
    """What the spec says about one operation, in the form the emulator needs."""

    operation_id: str
    method: str
    template: str
    status: int
    body_media: Optional[str]
    body_schema: Optional[Json] = attrs.field(eq=False, repr=False)
    body_required: bool
    response_schema: Optional[Json] = attrs.field(eq=False, repr=False)
    query_params: Tuple[Json, ...] = attrs.field(eq=False, repr=False)
    paginated: bool


def _operation(template: str, method: str, entry: Json) -> Operation:
    body: Json = entry.get("requestBody", {})
    media, body_schema = next(iter(cast(Json, body.get("content", {})).items()), (None, None))
    status, answer = next((code, answer) for code, answer in entry["responses"].items() if code.startswith("2"))
    response = cast(Json, answer).get("content", {}).get("application/json")
    params = tuple(resolve(param) for param in entry.get("parameters", []))
    return Operation(
        operation_id=entry["operationId"],
        method=method.upper(),
        template=template,
        status=int(status),
        body_media=media,
        body_schema=cast(Json, body_schema)["schema"] if body_schema else None,
        body_required=bool(body.get("required", False)),
        response_schema=cast(Json, response)["schema"] if response else None,
        query_params=tuple(param for param in params if param["in"] == "query"),
        paginated="x-pagination" in entry,
    )


@lru_cache(maxsize=1)
def operations() -> Tuple[Operation, ...]:
    """Every operation of the spec, in the spec's order."""
    return tuple(
        _operation(template, method, entry)
        for template, methods in load_spec()["paths"].items()
        for method, entry in methods.items()
    )


def columns(schema_name: str) -> Optional[FrozenSet[str]]:
    """The wire names a list may filter and sort on; None when any name is allowed."""
    schema = schema_named(schema_name)
    if schema.get("additionalProperties") is True:
        return None
    return frozenset(schema.get("properties", {}))


def _kinds(schema: Json) -> Tuple[List[str], bool]:
    """The JSON types `schema` allows (empty: any), and whether null is one."""
    kind = schema.get("type")
    if kind is None:
        return [], False
    listed = [str(item) for item in cast(List[Any], kind)] if isinstance(kind, list) else [str(kind)]
    return [item for item in listed if item != "null"], "null" in listed


def _has_kind(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return True


@attrs.frozen
class _Checker:
    """One validation pass: `strict` for answers, lenient NestJS rules for requests.

    Requests may carry unknown members (they are dropped by `clean`), any
    ISO 8601 date, and, unless `allow_empty`, no empty string where a value
    is required. Answers must hold only documented members and UTC dates
    ending in `Z`.
    """

    strict: bool
    allow_empty: bool = False

    def check(self, value: Any, schema: Json, name: str) -> List[str]:
        schema = resolve(schema)
        if "oneOf" in schema:
            return self._one_of(value, cast(List[Json], schema["oneOf"]), name)
        kinds, nullable = _kinds(schema)
        if value is None:
            return [] if nullable or not kinds else [f"{name} {_TYPE_MESSAGES[kinds[0]]}"]
        if kinds and not any(_has_kind(value, kind) for kind in kinds):
            return [f"{name} {_TYPE_MESSAGES[kinds[0]]}"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{name} must be one of the following values: {', '.join(map(str, schema['enum']))}"]
        if isinstance(value, str) and schema.get("format") == "date-time":
            return [] if self._is_datetime(value) else [f"{name} must be a valid ISO 8601 date string"]
        if isinstance(value, list) and "items" in schema:
            items = cast(List[Any], value)
            return [problem for index, item in enumerate(items) for problem in self.check(item, schema["items"], f"{name}.{index}")]
        if isinstance(value, dict) and "properties" in schema:
            return self.members(cast(Json, value), schema, f"{name}.")
        return []

    def members(self, value: Json, schema: Json, prefix: str = "") -> List[str]:
        """Problems of an object's members: required ones missing, wrong ones, unknown ones.

        In a request, null stands for "not given" unless the member is
        nullable, as with NestJS's `IsOptional`.
        """
        problems: List[str] = []
        properties: Json = schema.get("properties", {})
        required = set(cast(List[str], schema.get("required", [])))
        for member, member_schema in properties.items():
            item = value.get(member)
            absent = member not in value or (item is None and not self.strict and not _kinds(resolve(member_schema))[1])
            empty = item == "" and not self.strict and not self.allow_empty
            if absent or (empty and member in required):
                if member in required:
                    problems.append(f"{prefix}{member} should not be empty")
                continue
            problems.extend(self.check(item, member_schema, f"{prefix}{member}"))
        if self.strict and schema.get("additionalProperties") is not True:
            problems.extend(f"{prefix}{member} is not in the schema" for member in value if member not in properties)
        return problems

    def _one_of(self, value: Any, options: List[Json], name: str) -> List[str]:
        results = [self.check(value, option, name) for option in options]
        matching = sum(1 for problems in results if not problems)
        if matching == 1:
            return []
        if matching > 1:
            return [f"{name} matches more than one schema of a oneOf"]
        return min(results, key=len)

    def _is_datetime(self, text: str) -> bool:
        if self.strict:
            return bool(_UTC_TEXT.match(text)) and parse_datetime(text) is not None
        return parse_datetime(text) is not None


def request_problems(body: Json, schema: Json, *, allow_empty: bool = False) -> List[str]:
    """NestJS-style 422 messages for a request body (empty when it is valid)."""
    return _Checker(strict=False, allow_empty=allow_empty).members(body, resolve(schema))


def response_problems(value: Any, schema: Json, name: str = "answer") -> List[str]:
    """Everything in an answer that differs from the documented schema."""
    return _Checker(strict=True).check(value, schema, name)


def clean(value: Any, schema: Json) -> Any:
    """`value` reduced to what `schema` documents, with dates in the API's UTC form.

    On requests this is NestJS's `whitelist` (unknown members are dropped, and
    so are nulls standing for "not given"); on answers it guarantees that
    nothing undocumented leaves the emulator. `value` must already be valid.
    """
    schema = resolve(schema)
    if "oneOf" in schema:
        return clean(value, _branch(value, cast(List[Json], schema["oneOf"])))
    if isinstance(value, str) and schema.get("format") == "date-time":
        moment = parse_datetime(value)
        return iso(moment) if moment is not None else value
    if isinstance(value, list) and "items" in schema:
        return [clean(item, schema["items"]) for item in cast(List[Any], value)]
    if isinstance(value, dict) and "properties" in schema:
        record = cast(Json, value)
        properties: Json = schema["properties"]
        kept: Json = {}
        for key, item in record.items():
            if key in properties:
                if item is not None or _kinds(resolve(properties[key]))[1]:
                    kept[key] = clean(item, properties[key])
            elif schema.get("additionalProperties") is True:
                kept[key] = item
        return kept
    return cast(Any, value)


def _branch(value: Any, options: List[Json]) -> Json:
    """The `oneOf` option whose JSON type fits `value` (the first one if none does)."""
    for option in options:
        kinds = _kinds(resolve(option))[0]
        if not kinds or any(_has_kind(value, kind) for kind in kinds):
            return option
    return options[0]


def parse_datetime(text: str) -> Optional[_dt.datetime]:
    """An ISO 8601 date or date-time as an aware UTC datetime; None if it is not one.

    A value without a zone is taken as UTC, as the API's database does.
    """
    found = _DATETIME.match(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    offset = _dt.timedelta(0)
    if zone and zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        offset = _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = -offset if zone[0] == "-" else offset
    try:
        naive = _dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micros)
        return (naive - offset).replace(tzinfo=_dt.timezone.utc)
    except (ValueError, OverflowError):
        return None


def iso(moment: _dt.datetime) -> str:
    """The API's form of a datetime: UTC, milliseconds, `Z`."""
    utc = moment.astimezone(_dt.timezone.utc)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"


def now_iso() -> str:
    """The current time in the API's form."""
    return iso(_dt.datetime.now(_dt.timezone.utc))
