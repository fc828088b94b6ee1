"""Decoding JSON answers: fast, and with one kind of failure.

Bodies are read with orjson, several times faster than the standard
library on the pages the API returns. Where orjson refuses a body that the
standard library reads (a byte-order mark, `NaN`, UTF-16), the standard
library decides, so the SDK accepts exactly what it always did. orjson
reads an integer beyond 64 bits as a float; the API is served by a
JavaScript runtime, whose numbers are doubles, so no precision the server
had is lost.

Every way a body can fail to be JSON, nesting too deep for the standard
library's recursion included, is a `ValueError`.

Nesting is bounded, because the model methods (`to_dict`, `to_json`,
`repr`, pickling) recurse through free-form values and would raise
`RecursionError` on deep ones. orjson refuses more than 1,024 levels
itself; a value the standard library decoded is checked against
`MAX_JSON_DEPTH` here. On the fast path the bound of 128 levels is checked
where free-form values enter a result (`wootiv_core.converter`), not by a
walk over every answer: typed fields are as deep as the spec makes them,
and a walk would double the cost of decoding a page.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Tuple, Union, cast

import orjson

__all__ = ["loads", "decoded_key", "too_deep", "CONTAINERS", "MAX_JSON_DEPTH", "NestingError"]

#: The deepest nesting of arrays and objects the SDK accepts in a free-form
#: value. A deeper one makes the answer an `APIResponseValidationError`.
MAX_JSON_DEPTH = 128


class NestingError(ValueError):
    """The body is JSON, nested more deeply than the SDK reads."""


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `value` nests arrays and objects more than `limit` levels deep.

    Walked with a list rather than by recursion, so that the check itself
    cannot run out of stack.
    """
    stack: List[Tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        kind = cast(object, type(item))
        if kind is dict:
            children: Iterable[Any] = cast(Dict[Any, Any], item).values()
        elif kind is list:
            children = cast(List[Any], item)
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if type(child) in CONTAINERS)
    return False


#: The decoded JSON kinds that hold other values: objects and arrays.
CONTAINERS = (dict, list)


def decoded_key(name: str) -> str:
    """`name` as the very string object that `loads` gives for the object key `name`.

    orjson keeps a cache of object keys for the life of the process (up to
    2,048 keys of at most 64 bytes), documented as avoiding duplicate
    strings: a cached key is decoded as the same string object every time
    (a test watches this). A dict lookup with that object matches on
    identity and skips comparing characters, as a lookup with an equal
    string (such as a literal in code) must; the compiled models look their
    fields up with these. Should orjson make a new string, lookups still
    find the key by equality, only more slowly.
    """
    key: str = next(iter(orjson.loads(orjson.dumps({name: None}))))
    return key


def loads(content: Union[bytes, str]) -> Any:
    """The JSON value in `content`; `ValueError` if it is not JSON or nests too deep."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    try:
        value = json.loads(content)
    except RecursionError as exc:
        raise NestingError(f"the answer is JSON nested more than {MAX_JSON_DEPTH} levels deep") from exc
    if too_deep(value):
        raise NestingError(f"the answer is JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return value
