"""nestjsx/crud list parameters: filter, or, s, sort, fields, page, limit, offset.

The emulator answers every paginated list the way a nestjsx/crud service with
`alwaysPaginate` does: `{count, data, page, pageCount, total}`, ten items a
page unless `limit` says otherwise, at most 100.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Dict, List, Optional, Tuple, cast
from urllib.parse import unquote_plus

__all__ = ["CrudError", "parse_query", "list_page", "DEFAULT_LIMIT", "MAX_LIMIT"]

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
ARRAY_PARAMS = frozenset({"fields", "filter", "or", "join", "sort"})

Json = Dict[str, Any]
Query = Dict[str, List[str]]


class CrudError(ValueError):
    """A list parameter the service cannot understand (answered with 400)."""


def parse_query(query_string: str) -> Query:
    """Query parameters, with comma-joined arrays split before decoding.

    Clients encode a comma inside an array item as `%2C`, so only literal
    commas separate items.
    """
    out: Query = {}
    for pair in query_string.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name = unquote_plus(raw_name)
        parts = raw_value.split(",") if name in ARRAY_PARAMS else [raw_value]
        out.setdefault(name, []).extend(unquote_plus(part) for part in parts)
    if "sort" in out:
        out["sort"] = _pair_sort(out["sort"])
    return out


def _pair_sort(tokens: List[str]) -> List[str]:
    # `sort=name,ASC` may arrive as one item "name,ASC" or as two tokens.
    specs: List[str] = []
    for token in tokens:
        if token.upper() in ("ASC", "DESC") and specs and "," not in specs[-1]:
            specs[-1] = f"{specs[-1]},{token.upper()}"
        else:
            specs.append(token)
    return specs


def _number(query: Query, name: str, default: Optional[int]) -> Optional[int]:
    values = query.get(name)
    if not values:
        return default
    try:
        number = int(values[-1])
    except ValueError:
        raise CrudError(f"Invalid {name}: {values[-1]!r} is not a whole number") from None
    if number < 0:
        raise CrudError(f"Invalid {name}: must not be negative")
    return number


_OPERATORS: Dict[str, Callable[[Any, str], bool]] = {
    "$eq": lambda field, value: _text(field) == value,
    "$ne": lambda field, value: _text(field) != value,
    "$cont": lambda field, value: value.lower() in _text(field).lower(),
    "$excl": lambda field, value: value.lower() not in _text(field).lower(),
    "$starts": lambda field, value: _text(field).startswith(value),
    "$ends": lambda field, value: _text(field).endswith(value),
    "$in": lambda field, value: _text(field) in value.split("|"),
    "$isnull": lambda field, value: field is None,
    "$notnull": lambda field, value: field is not None,
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _condition(spec: str) -> Callable[[Json], bool]:
    parts = spec.split("||")
    if len(parts) not in (2, 3) or parts[1] not in _OPERATORS or not parts[0]:
        raise CrudError(f"Invalid filter {spec!r}: use field||$operator||value (e.g. name||$eq||admin)")
    field, operator = parts[0], _OPERATORS[parts[1]]
    value = parts[2] if len(parts) == 3 else ""
    return lambda record: operator(record.get(field), value)


def _search(node: Any) -> Callable[[Json], bool]:
    """A nestjsx `s` search object: `{"field": value}`, `{"field": {"$cont": "x"}}`, `$and`, `$or`."""
    if not isinstance(node, dict):
        raise CrudError("Invalid search param s: expected a JSON object")
    checks: List[Callable[[Json], bool]] = []
    for key, value in cast(Dict[str, Any], node).items():
        if key in ("$and", "$or"):
            if not isinstance(value, list):
                raise CrudError(f"Invalid search param s: {key} takes a list")
            subs = [_search(item) for item in cast(List[Any], value)]
            combine = all if key == "$and" else any
            checks.append(lambda record, subs=subs, combine=combine: combine(sub(record) for sub in subs))
        elif isinstance(value, dict):
            for operator, operand in cast(Dict[str, Any], value).items():
                if operator not in _OPERATORS:
                    raise CrudError(f"Invalid search param s: unknown operator {operator!r}")
                test = _OPERATORS[str(operator)]
                checks.append(lambda record, f=str(key), t=test, o=_text(operand): t(record.get(f), o))
        else:
            checks.append(lambda record, f=str(key), o=_text(value): _text(record.get(f)) == o)
    return lambda record: all(check(record) for check in checks)


def _matcher(query: Query) -> Callable[[Json], bool]:
    ands = [_condition(spec) for spec in query.get("filter", []) if spec]
    ors = [_condition(spec) for spec in query.get("or", []) if spec]
    searches: List[Callable[[Json], bool]] = []
    for text in query.get("s", []):
        try:
            searches.append(_search(json.loads(text)))
        except ValueError as exc:
            raise CrudError(f"Invalid search param s: {exc}") from None

    def matches(record: Json) -> bool:
        if searches and not all(search(record) for search in searches):
            return False
        all_and = all(condition(record) for condition in ands)
        if ors:
            return all_and or any(condition(record) for condition in ors) if ands else any(c(record) for c in ors)
        return all_and

    return matches


def _sorted(records: List[Json], specs: List[str]) -> List[Json]:
    for spec in reversed(specs):
        field, _, direction = spec.partition(",")
        direction = direction.upper() or "ASC"
        if not field or direction not in ("ASC", "DESC"):
            raise CrudError(f"Invalid sort {spec!r}: use field,ASC or field,DESC")
        records = sorted(records, key=lambda record: (record.get(field) is None, _text(record.get(field))), reverse=direction == "DESC")
    return records


def _select(record: Json, fields: List[str]) -> Json:
    keep = set(fields) | {"id", "uid"}
    return {key: value for key, value in record.items() if key in keep}


def list_page(records: List[Json], query: Query) -> Tuple[Json, List[Json]]:
    """The page envelope for `records` under `query`, and the full matching list."""
    matching = [record for record in records if _matcher(query)(record)]
    matching = _sorted(matching, query.get("sort", []))
    limit = min(_number(query, "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT, MAX_LIMIT)
    page = _number(query, "page", None)
    offset = _number(query, "offset", None)
    if page is None:
        start = offset or 0
        page = start // limit + 1
    else:
        page = max(page, 1)
        start = (page - 1) * limit
    data = matching[start : start + limit]
    fields = [field for field in query.get("fields", []) if field]
    if fields:
        data = [_select(record, fields) for record in data]
    envelope = {
        "count": len(data),
        "data": data,
        "page": page,
        "pageCount": max(1, math.ceil(len(matching) / limit)),
        "total": len(matching),
    }
    return envelope, matching
