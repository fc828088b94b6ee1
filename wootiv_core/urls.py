"""URL building: path parameters, query strings and joining with the base URL.

Two rules matter for safety and for the API:

* A path parameter is always exactly one path segment. Every reserved
  character is percent-encoded (so `a/b` and `../x` cannot add or climb
  segments), and a value made only of dots is encoded too, because `.` and
  `..` as whole segments are removed by URL normalisation. A value with a
  control character or a lone surrogate is refused (`PathValueError`).
* Query arrays are comma-joined (`fields=a,b`), as the API expects. Each item
  is encoded on its own, so a comma inside an item becomes `%2C` and the
  joined form still splits back into the same items. Nested objects become
  `a[b]=c`, booleans `true`/`false`, and `None` values are left out.
"""

from __future__ import annotations

import collections.abc
import re
from typing import Any, Iterable, List, Mapping, Tuple, cast
from urllib.parse import quote

from .checks import path_value_problem

__all__ = ["encode_path_segment", "render_path", "encode_query", "query_value", "PathValueError"]

_DOTS = {".": "%2E", "..": "%2E%2E"}
# Ids are usually made of unreserved characters only; they need no quoting.
_UNRESERVED = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")


def _quote(text: str, safe: str = "") -> str:
    # Most names and values need no quoting; `quote` costs ten times the check.
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe=safe)


class PathValueError(ValueError):
    """A path parameter that cannot be sent; `name` is its placeholder, if known."""

    def __init__(self, problem: str, name: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.name = name


def encode_path_segment(value: str) -> str:
    """Percent-encode `value` so that it stays one path segment.

    `PathValueError` if it holds a control character or a lone surrogate.
    """
    if _UNRESERVED.fullmatch(value):
        return value
    dots = _DOTS.get(value)
    if dots is not None:
        return dots
    problem = path_value_problem(value)
    if problem is not None:
        raise PathValueError(problem)
    return quote(value, safe="")


def render_path(template: str, values: Mapping[str, str]) -> str:
    """Fill `{name}` placeholders of `template` with encoded segments.

    A `PathValueError` names the placeholder whose value was refused.
    """
    path = template
    for name, value in values.items():
        try:
            segment = encode_path_segment(value)
        except PathValueError as exc:
            raise PathValueError(exc.problem, name) from None
        path = path.replace("{" + name + "}", segment)
    return path


def query_value(value: Any) -> str:
    """The text form of one scalar query value."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _flatten(key: str, value: Any, out: List[str]) -> None:
    # The usual values first: a str, or an int (whose digits need no quoting).
    if type(value) is str:
        out.append(f"{_quote(key, '[]')}={_quote(value)}")
    elif type(value) is int:
        out.append(f"{_quote(key, '[]')}={value}")
    elif value is None:
        return
    # The ABC itself: `typing.Mapping` answers the same through a slower detour.
    elif isinstance(value, collections.abc.Mapping):
        mapping = cast("Mapping[Any, Any]", value)
        for sub_key, sub_value in mapping.items():
            _flatten(f"{key}[{sub_key}]", sub_value, out)
    elif isinstance(value, (list, tuple)):
        items = cast("Iterable[Any]", value)
        parts = [_quote(query_value(item)) for item in items if item is not None]
        out.append(f"{_quote(key, '[]')}={','.join(parts)}")
    else:
        out.append(f"{_quote(key, '[]')}={_quote(query_value(value))}")


def encode_query(params: Iterable[Tuple[str, Any]]) -> str:
    """Encode `(name, value)` pairs as a query string (without the `?`)."""
    out: List[str] = []
    for key, value in params:
        _flatten(key, value, out)
    return "&".join(out)
