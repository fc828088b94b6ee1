"""Reading a successful answer into the operation's result type."""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Dict, List, Optional, cast, get_args, get_origin

from .converter import ShapeError, TooDeep, structurer
from .errors import APIResponseValidationError
from .http import Response
from .json_decoding import NestingError, loads, too_deep
from .operation import Operation
from .paging import PageData

__all__ = ["decode_json", "result_reader"]


def decode_json(response: Response) -> Any:
    """The JSON body of `response`, or `APIResponseValidationError` if it is not JSON."""
    try:
        return loads(response.content)
    except NestingError as exc:
        request = response.request
        raise APIResponseValidationError(response, None, f"{request.method} {request.url}: {exc}") from exc
    except ValueError as exc:
        preview = response.content[:200].decode("utf-8", errors="replace")
        content_type = response.header("content-type") or "no content type"
        raise APIResponseValidationError(
            response,
            preview,
            f"Expected a JSON body from {response.request.method} {response.request.url}, "
            f"got {content_type}: {preview!r}",
        ) from exc


def _type_name(tp: Any) -> str:
    """`RoleDto`, `List[RoleDto]`: the type as a reader of the message knows it."""
    args = get_args(tp)
    if not args:
        return getattr(tp, "__name__", None) or repr(tp)
    origin = get_origin(tp)
    base = {list: "List", dict: "Dict"}.get(origin) or getattr(origin, "__name__", None) or repr(origin)
    return f"{base}[{', '.join(_type_name(arg) for arg in args)}]"


Convert = Callable[[Response, Any], Any]


def _converter(op: Operation[Any], tp: Any, strict: bool) -> Convert:
    """Structures decoded JSON as `tp`, a mismatch being the documented error."""
    convert = structurer(tp, strict=strict)

    def checked(response: Response, value: Any) -> Any:
        try:
            return convert(value)
        except ShapeError as exc:
            # A value nested too deep is not kept: the error could not be shown or pickled.
            body = None if isinstance(exc, TooDeep) or too_deep(value) else value
            raise APIResponseValidationError(
                response, body, f"{op.id}: the answer does not match {_type_name(tp)}: {exc}"
            ) from exc

    return checked


def _page_number(value: Any) -> Optional[int]:
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or int(value) != value:
        return None
    return int(value)


def _read_page(op: Operation[Any], convert: Convert, response: Response, data: Any, strict: bool) -> PageData[Any]:
    if isinstance(data, list):
        items: List[Any] = convert(response, data)
        return PageData(items, None, None, None)
    # Quoted: `Dict[str, Any]` itself would be built anew on every page.
    envelope = cast("Dict[str, Any]", data) if isinstance(data, dict) else None
    if envelope is None or not isinstance(envelope.get("data"), list):
        raise APIResponseValidationError(
            response,
            cast(object, data),
            f"{op.id}: expected a page ({{data, page, pageCount, ...}}) or a list, got {type(cast(object, data)).__name__}",
        )
    items = convert(response, envelope["data"])
    page, page_count = _page_number(envelope.get("page")), _page_number(envelope.get("pageCount"))
    if strict and (page is None or page_count is None):
        raise APIResponseValidationError(response, envelope, f"{op.id}: the page has no valid page/pageCount")
    return PageData(items, page, page_count, _page_number(envelope.get("total")), _page_number(envelope.get("count")))


@functools.lru_cache(maxsize=None)
def result_reader(op: Operation[Any], strict: bool) -> Callable[[Response], Any]:
    """A function that reads a 2xx response of `op` into its result.

    Operations without a result ignore the body; a JSON `null` is `None`;
    paginated lists give a `PageData`. One reader per operation and mode is
    made and kept.
    """
    if op.result is None:
        return lambda response: None
    if op.paginated:
        items = _converter(op, List[op.result], strict)
        return lambda response: _read_page(op, items, response, decode_json(response), strict)
    convert = _converter(op, op.result, strict)

    def read(response: Response) -> Any:
        data = decode_json(response)
        return None if data is None else convert(response, data)

    return read
