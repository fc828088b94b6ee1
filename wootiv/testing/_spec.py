"""The emulator's reading of the OpenAPI spec: routes, validation, example values.

The emulator answers from the same spec the SDK is generated from. Requests
are checked against the request schemas (so a missing or mistyped field gets
the 422 a NestJS API gives), and every answer is completed against the
response schema, so it always has the documented shape.
"""

from __future__ import annotations

import datetime as _dt
import json
import pkgutil
import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Pattern, Tuple, cast

import attrs

__all__ = ["Route", "load_spec", "routes", "check", "complete", "now_iso"]

Json = Dict[str, Any]


@lru_cache(maxsize=1)
def load_spec() -> Json:
    """The spec shipped with the package."""
    raw = pkgutil.get_data("wootiv.testing", "openapi.json")
    assert raw is not None, "wootiv/testing/openapi.json is missing from the package"
    spec: Json = json.loads(raw)
    return spec


@attrs.frozen
class Route:
    """One operation: how to match its path, and its spec entry."""

    operation_id: str
    method: str
    template: str
    pattern: Pattern[str]
    names: Tuple[str, ...]
    operation: Json = attrs.field(eq=False, repr=False)

    def body_schema(self) -> Optional[Json]:
        content: Json = self.operation.get("requestBody", {}).get("content", {})
        for entry in content.values():
            return resolve(entry["schema"])
        return None

    def body_media(self) -> Optional[str]:
        content: Json = self.operation.get("requestBody", {}).get("content", {})
        return next(iter(content), None)

    def response_schema(self) -> Optional[Json]:
        for status, answer in self.operation["responses"].items():
            if status.startswith("2") and "content" in answer:
                schema: Json = answer["content"]["application/json"]["schema"]
                return schema
        return None

    def query_params(self) -> List[Json]:
        params: List[Json] = []
        for raw in self.operation.get("parameters", []):
            param = resolve_param(raw)
            if param["in"] == "query":
                params.append(param)
        return params


def resolve(schema: Json) -> Json:
    """`schema` with a top-level `$ref` followed."""
    ref = schema.get("$ref")
    if not ref:
        return schema
    resolved: Json = load_spec()["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return resolved


def resolve_param(param: Json) -> Json:
    ref = param.get("$ref")
    if not ref:
        return param
    resolved: Json = load_spec()["components"]["parameters"][ref.rsplit("/", 1)[1]]
    return resolved


@lru_cache(maxsize=1)
def routes() -> Tuple[Route, ...]:
    """Every operation, literal paths before templated ones (`/mailbox/availability` before `/mailbox/{id}`)."""
    found: List[Route] = []
    for template, methods in load_spec()["paths"].items():
        names = tuple(re.findall(r"{(\w+)}", template))
        regex = "^" + re.sub(r"{\w+}", "([^/]+)", template) + "$"
        for method, operation in methods.items():
            found.append(Route(operation["operationId"], method.upper(), template, re.compile(regex), names, operation))
    found.sort(key=lambda route: (route.template.count("{"), -len(route.template)))
    return tuple(found)


def now_iso() -> str:
    """The current UTC time as the API writes it."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _kind(schema: Json) -> Optional[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        options = [k for k in kind if k != "null"]  # pyright: ignore[reportUnknownVariableType]
        return str(options[0]) if options else None  # pyright: ignore[reportUnknownArgumentType]
    return kind


_TYPE_WORDS = {
    "string": "must be a string",
    "number": "must be a number conforming to the specified constraints",
    "integer": "must be an integer number",
    "boolean": "must be a boolean value",
    "array": "must be an array",
    "object": "must be an object",
}


def check(value: Any, schema: Json, name: str, allow_empty: bool = False) -> List[str]:
    """NestJS-style messages for everything wrong with `value`; empty when valid."""
    schema = resolve(schema)
    if value is None and isinstance(schema.get("type"), list) and "null" in schema["type"]:
        return []
    kind = _kind(schema)
    ok = {
        "string": isinstance(value, str),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }.get(kind or "", True)
    if not ok:
        return [f"{name} {_TYPE_WORDS[kind or 'object']}"]
    problems: List[str] = []
    if kind == "string" and "enum" in schema and value not in schema["enum"]:
        problems.append(f"{name} must be one of the following values: {', '.join(schema['enum'])}")
    if kind == "string" and schema.get("format") == "date-time":
        try:
            _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{name} must be a valid ISO 8601 date string")
    if kind == "array" and "items" in schema:
        for index, item in enumerate(cast(List[Any], value)):
            problems.extend(check(item, schema["items"], f"{name}.{index}", allow_empty))
    if kind == "object" and "properties" in schema:
        problems.extend(check_object(cast(Json, value), schema, prefix=f"{name}.", allow_empty=allow_empty))
    return problems


def check_object(value: Json, schema: Json, prefix: str = "", allow_empty: bool = False) -> List[str]:
    """Messages for a JSON object against an object schema (required members, types).

    Like NestJS's `@IsNotEmpty`, a required member may not be an empty string,
    unless `allow_empty` (webhook payloads, where empty headers are normal).
    """
    problems: List[str] = []
    properties: Json = schema.get("properties", {})
    for name in schema.get("required", []):
        member = resolve(properties.get(name, {}))
        nullable = isinstance(member.get("type"), list) and "null" in member["type"]
        if name in value and (value[name] is not None or nullable) and (value[name] != "" or allow_empty):
            continue
        problems.append(f"{prefix}{name} should not be empty")
        if value.get(name) is None:
            problems.append(f"{prefix}{name} {_TYPE_WORDS.get(_kind(member) or 'string', 'must be defined')}")
    for name, item in value.items():
        if name in properties and item is not None:
            problems.extend(check(item, properties[name], f"{prefix}{name}", allow_empty))
    return problems


def example(schema: Json, name: str = "value") -> Any:
    """A plausible value of `schema`, for required fields nobody set."""
    schema = resolve(schema)
    if "oneOf" in schema:
        return example(schema["oneOf"][0], name)
    kind = _kind(schema)
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "string":
        return now_iso() if schema.get("format") == "date-time" else f"{name}"
    if kind in ("number", "integer"):
        return 0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return complete({}, schema)
    return None


def complete(record: Json, schema: Json) -> Json:
    """`record` with every required member of `schema` present (existing values kept)."""
    schema = resolve(schema)
    properties: Json = schema.get("properties", {})
    out = dict(record)
    for name in schema.get("required", []):
        if name not in out:
            out[name] = example(properties.get(name, {}), name)
        elif isinstance(out[name], dict) and resolve(properties.get(name, {})).get("properties"):
            out[name] = complete(out[name], properties[name])
    return out
