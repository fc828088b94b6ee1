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
"""

from __future__ import annotations

import json
from typing import Any, Union

import orjson

__all__ = ["loads"]


def loads(content: Union[bytes, str]) -> Any:
    """The JSON value in `content`; `ValueError` if it is not JSON."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(content)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply to read") from exc
