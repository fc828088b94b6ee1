"""nestjsx/crud list parameters: filter, or, s, sort, fields, page, limit, offset.

The API's lists are nestjsx/crud controllers with `alwaysPaginate`, so every
list answers `{count, data, page, pageCount, total}`: `count` items on this
page out of `total` matching, ten a page unless `limit` asks otherwise (at
most 100). The SDK sends array parameters comma-joined and percent-encodes a
comma inside an item, so a literal comma always separates items; hand-typed
URLs like `sort=name,ASC` or `filter=id||$in||1,2` are understood as well.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple, cast
from urllib.parse import unquote_plus

import attrs

from ._schema import Json

__all__ = [
    "QueryError",
    "Params",
    "ListQuery",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "parse_params",
    "list_query",
    "page_of",
    "select",
    "offset_page",
]

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

#: Query parameters whose value is a comma-joined array.
_ARRAYS = frozenset({"fields", "filter", "or", "join", "sort"})

Params = Dict[str, List[str]]
Predicate = Callable[[Json], bool]


class QueryError(ValueError):
    """A list parameter the API cannot understand; answered with a 400."""


def parse_params(query_string: str) -> Params:
    """Decoded query parameters, each with all of its values, arrays split into items.

    `or_` is read as `or` (the Stainless SDK puts that name on the wire), and
    `filter[]` as `filter` (the brackets style of other HTTP clients).
    """
    params: Params = {}
    for pair in query_string.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name = unquote_plus(raw_name)
        name = name[:-2] if name.endswith("[]") else name
        name = "or" if name == "or_" else name
        pieces = raw_value.split(",") if name in _ARRAYS else [raw_value]
        params.setdefault(name, []).extend(unquote_plus(piece) for piece in pieces)
    for name in ("filter", "or"):
        if name in params:
            params[name] = _rejoin_conditions(params[name])
    return params


def _rejoin_conditions(items: List[str]) -> List[str]:
    # An item without `||` continues the previous condition's value list
    # (`id||$in||1,2` typed by hand splits into "id||$in||1" and "2").
    joined: List[str] = []
    for item in items:
        if joined and "||" not in item:
            joined[-1] = f"{joined[-1]},{item}"
        elif item:
            joined.append(item)
    return joined


def _pair_sorts(items: List[str]) -> List[Tuple[str, bool]]:
    """`(field, descending)` pairs from sort items ("name,ASC", or field and direction apart)."""
    tokens = [token.strip() for item in items for token in item.split(",") if token.strip()]
    pairs: List[Tuple[str, bool]] = []
    index = 0
    while index < len(tokens):
        follower = tokens[index + 1].upper() if index + 1 < len(tokens) else ""
        paired = follower in ("ASC", "DESC")
        pairs.append((tokens[index], follower == "DESC"))
        index += 2 if paired else 1
    return pairs


def _number(params: Params, name: str) -> Optional[int]:
    values = params.get(name)
    if not values or values[-1] == "":
        return None
    try:
        number = float(values[-1])
    except ValueError:
        raise QueryError(f"Invalid {name}. Number expected") from None
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise QueryError(f"Invalid {name}. A whole number of 0 or more expected")
    return int(number)


# --------------------------------------------------------------------------- conditions


def _lookup(record: Json, field: str) -> Any:
    value: Any = record
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = cast(Json, value).get(part)
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return "" if value is None else str(value)


def _coerce(operand: Any, actual: Any) -> Any:
    """A filter operand typed like the value it is compared with (query text is untyped)."""
    if not isinstance(operand, str):
        return operand
    if isinstance(actual, bool):
        return {"true": True, "false": False}.get(operand, operand)
    if isinstance(actual, (int, float)):
        try:
            return float(operand)
        except ValueError:
            return operand
    return operand


def _same(actual: Any, operand: Any, fold: bool) -> bool:
    if actual is None or operand is None:
        return actual is None and operand is None
    operand = _coerce(operand, actual)
    if _numeric(actual, operand):
        return float(actual) == float(operand)
    if isinstance(actual, bool) or isinstance(operand, bool):
        return actual is operand
    left, right = _text(actual), _text(operand)
    return left.lower() == right.lower() if fold else left == right


def _numeric(*values: Any) -> bool:
    return all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values)


def _order(actual: Any, operand: Any) -> Optional[int]:
    """-1, 0 or 1 comparing `actual` with `operand`; None when there is no value to compare."""
    if actual is None:
        return None
    operand = _coerce(operand, actual)
    if _numeric(actual, operand):
        number, other = float(actual), float(operand)
        return (number > other) - (number < other)
    text, other_text = _text(actual), _text(operand)
    return (text > other_text) - (text < other_text)


def _text_test(test: Callable[[str, str], bool]) -> Callable[[Any, Any, bool], bool]:
    def run(actual: Any, operand: Any, fold: bool) -> bool:
        if actual is None:
            return False
        left, right = _text(actual), _text(operand)
        return test(left.lower(), right.lower()) if fold else test(left, right)

    return run


def _ordered(test: Callable[[int], bool]) -> Callable[[Any, Any, bool], bool]:
    def run(actual: Any, operand: Any, fold: bool) -> bool:
        order = _order(actual, operand)
        return order is not None and test(order)

    return run


def _listed(actual: Any, operand: Any, fold: bool) -> bool:
    return any(_same(actual, item, fold) for item in _items(operand))


def _between(actual: Any, operand: Any, fold: bool) -> bool:
    low, high = (_order(actual, bound) for bound in _items(operand))
    return low is not None and high is not None and low >= 0 and high <= 0


def _items(operand: Any) -> List[Any]:
    if isinstance(operand, list):
        return cast(List[Any], operand)
    return str(operand).split(",")


#: nestjsx/crud comparison operators: (test, takes a value). The `L` forms
#: (`$contL`, ...) are the same tests ignoring case.
_OPERATORS: Dict[str, Tuple[Callable[[Any, Any, bool], bool], bool]] = {
    "$eq": (_same, True),
    "$ne": (lambda actual, operand, fold: not _same(actual, operand, fold), True),
    "$gt": (_ordered(lambda order: order > 0), True),
    "$lt": (_ordered(lambda order: order < 0), True),
    "$gte": (_ordered(lambda order: order >= 0), True),
    "$lte": (_ordered(lambda order: order <= 0), True),
    "$starts": (_text_test(lambda text, part: text.startswith(part)), True),
    "$ends": (_text_test(lambda text, part: text.endswith(part)), True),
    "$cont": (_text_test(lambda text, part: part in text), True),
    "$excl": (_text_test(lambda text, part: part not in text), True),
    "$in": (_listed, True),
    "$notin": (lambda actual, operand, fold: not _listed(actual, operand, fold), True),
    "$between": (_between, True),
    "$isnull": (lambda actual, operand, fold: actual is None, False),
    "$notnull": (lambda actual, operand, fold: actual is not None, False),
}
_FOLDING = frozenset({"$eq", "$ne", "$starts", "$ends", "$cont", "$excl", "$in", "$notin"})


def _bind(field: str, name: str, operand: Any) -> Predicate:
    """The test `field <operator name> operand` of a record, checked before any record is seen."""
    fold = name.endswith("L") and name[:-1] in _FOLDING
    base = name[:-1] if fold else name
    if base not in _OPERATORS:
        raise QueryError(f"Invalid comparison operator '{name}'. One of {', '.join(_OPERATORS)} expected")
    if base == "$between" and len(_items(operand)) != 2:
        raise QueryError("Invalid $between value. Two values expected")
    test = _OPERATORS[base][0]
    return lambda record: test(_lookup(record, field), operand, fold)


def _check_column(field: str, allowed: Optional[FrozenSet[str]]) -> None:
    if not field or (allowed is not None and field.split(".")[0] not in allowed):
        raise QueryError(f"Invalid column name '{field}'")


def _condition(text: str, allowed: Optional[FrozenSet[str]]) -> Predicate:
    """One `field||$operator||value` condition."""
    field, _, rest = text.partition("||")
    name, has_value, operand = rest.partition("||")
    if not rest:
        raise QueryError(f"Invalid filter '{text}'. field||$operator||value expected")
    _check_column(field, allowed)
    condition = _bind(field, name, operand)
    if not has_value and _OPERATORS.get(name.rstrip("L"), (None, False))[1]:
        raise QueryError(f"Invalid filter '{text}'. The operator {name} needs a value")
    return condition


def _search(node: Any, allowed: Optional[FrozenSet[str]]) -> Predicate:
    """A nestjsx search object (`s`): fields to values or to `{"$operator": value}`, `$and`, `$or`."""
    if not isinstance(node, dict):
        raise QueryError("Invalid search param. JSON object expected")
    tests: List[Predicate] = []
    for key, value in cast(Json, node).items():
        if key in ("$and", "$or"):
            if not isinstance(value, list):
                raise QueryError(f"Invalid search param. {key} takes a list")
            parts = [_search(item, allowed) for item in cast(List[Any], value)]
            tests.append(_all(parts) if key == "$and" else _any(parts))
        else:
            _check_column(key, allowed)
            tests.append(_field_search(key, value))
    return _all(tests)


def _field_search(field: str, spec: Any) -> Predicate:
    if not isinstance(spec, dict):
        return _bind(field, "$isnull" if spec is None else "$eq", spec)
    tests: List[Predicate] = []
    for name, operand in cast(Json, spec).items():
        if name == "$or":
            tests.append(_any([_field_search(field, {sub: item}) for sub, item in _mapping(operand).items()]))
        else:
            tests.append(_bind(field, name, operand))
    return _all(tests)


def _mapping(value: Any) -> Json:
    if not isinstance(value, dict):
        raise QueryError("Invalid search param. $or on a field takes an object")
    return cast(Json, value)


def _all(tests: List[Predicate]) -> Predicate:
    return lambda record: all(test(record) for test in tests)


def _any(tests: List[Predicate]) -> Predicate:
    return lambda record: any(test(record) for test in tests)


# --------------------------------------------------------------------------- the list query


@attrs.frozen
class ListQuery:
    """A parsed list request: which records, in which order, which page, which fields."""

    where: Predicate
    sorts: Tuple[Tuple[str, bool], ...]
    fields: Tuple[str, ...]
    limit: int
    offset: int


def list_query(params: Params, allowed: Optional[FrozenSet[str]] = None) -> ListQuery:
    """Read the crud parameters; `allowed` are the columns one may filter and sort on.

    As in nestjsx/crud, a search (`s`) replaces `filter` and `or`; otherwise
    the `filter` conditions must all hold, or else all the `or` ones.
    """
    if params.get("s") and params["s"][-1]:
        try:
            node = json.loads(params["s"][-1])
        except (ValueError, RecursionError):
            raise QueryError("Invalid search param. JSON expected") from None
        try:
            where = _search(node, allowed)
        except RecursionError:
            raise QueryError("Invalid search param. Nested too deeply") from None
    else:
        ands = [_condition(text, allowed) for text in params.get("filter", [])]
        ors = [_condition(text, allowed) for text in params.get("or", [])]
        if ands and ors:
            where = _any([_all(ands), _all(ors)])
        elif ors:
            where = _any(ors)
        else:
            where = _all(ands)
    sorts = _pair_sorts(params.get("sort", []))
    for field, _ in sorts:
        _check_column(field, allowed)
    limit = min(_number(params, "limit") or DEFAULT_LIMIT, MAX_LIMIT)
    page = _number(params, "page")
    offset = (page - 1) * limit if page else (_number(params, "offset") or 0)
    fields = tuple(field for field in params.get("fields", []) if field)
    return ListQuery(where, tuple(sorts), fields, limit, offset)


def _sort_key(field: str) -> Callable[[Json], Tuple[int, int, Any]]:
    # Missing values sort last (first when descending); numbers before text.
    def key(record: Json) -> Tuple[int, int, Any]:
        value = _lookup(record, field)
        if value is None:
            return (1, 0, 0)
        if _numeric(value):
            return (0, 0, float(value))
        return (0, 1, _text(value))

    return key


def select(record: Json, fields: Tuple[str, ...], key: str = "id") -> Json:
    """Only `fields` of `record` (and always its primary key); all of it when no fields are asked for."""
    if not fields:
        return record
    wanted = set(fields) | {key}
    return {name: value for name, value in record.items() if name in wanted}


def page_of(records: List[Json], query: ListQuery, key: str = "id") -> Json:
    """The page envelope nestjsx/crud answers for `records` under `query`."""
    matching = [record for record in records if query.where(record)]
    for field, descending in reversed(query.sorts):
        matching.sort(key=_sort_key(field), reverse=descending)
    data = [select(record, query.fields, key) for record in matching[query.offset : query.offset + query.limit]]
    return {
        "count": len(data),
        "data": data,
        "page": query.offset // query.limit + 1,
        "pageCount": max(1, math.ceil(len(matching) / query.limit)),
        "total": len(matching),
    }


def offset_page(records: List[Json], params: Params) -> Json:
    """The limit/offset envelope of the registry listings: `{data, limit, offset, page, total}`."""
    limit = min(_number(params, "limit") or DEFAULT_LIMIT, MAX_LIMIT)
    offset = _number(params, "offset") or 0
    return {
        "data": records[offset : offset + limit],
        "limit": limit,
        "offset": offset,
        "page": offset // limit + 1,
        "total": len(records),
    }
