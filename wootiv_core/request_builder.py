"""Turning a `Call` into a `Request`: check the arguments, encode, add headers.

Every argument is checked against its schema here, before anything is sent:
a wrong type is a `TypeError` and an empty path parameter a `ValueError`,
each naming the operation and the argument. Nested request objects are given
with Python names (`mailbox_hash`) and leave with wire names (`MailboxHash`).
"""

from __future__ import annotations

import collections.abc
import datetime as _dt
import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, cast

from .checks import check_headers, check_url_length
from .config import ClientConfig
from .http import Body, Request, Timeout
from .multipart import FileSource, encode_multipart
from .operation import NOT_GIVEN, Call, Schema
from .urls import PathValueError, encode_query, render_path

__all__ = ["build_request", "to_wire", "WRITE_METHODS"]

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_CHECKS: Dict[str, Tuple[Tuple[type, ...], str]] = {
    "string": ((str,), "a str"),
    "integer": ((int,), "an int"),
    "number": ((int, float), "a number"),
    "boolean": ((bool,), "a bool"),
    "datetime": ((str, _dt.datetime, _dt.date), "a str or datetime"),
}


def to_wire(value: Any, schema: Schema, label: str) -> Any:
    """Check `value` against `schema` and return its JSON form.

    `label` names the argument in error messages, e.g. `roles.create(name=)`.
    """
    kind = schema.kind
    if value is None and schema.nullable:
        return None
    if kind in _CHECKS:
        types, text = _CHECKS[kind]
        if not isinstance(value, types) or (kind != "boolean" and isinstance(value, bool)):
            raise TypeError(f"{label} must be {text}, got {type(value).__name__}")
        if isinstance(value, (_dt.datetime, _dt.date)):
            return value.isoformat()
        return value
    if kind == "array":
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{label} must be a list, got {type(value).__name__}")
        items = cast("Sequence[Any]", value)
        item_schema = schema.items or Schema("any")
        return [to_wire(item, item_schema, f"{label}[{index}]") for index, item in enumerate(items)]
    if kind == "object":
        # The ABC itself: `typing.Mapping` answers the same through a slower detour.
        if not isinstance(value, collections.abc.Mapping):
            raise TypeError(f"{label} must be a dict, got {type(value).__name__}")
        given = cast("Mapping[str, Any]", value)
        if not schema.fields:
            return dict(given)
        out: Dict[str, Any] = {}
        named = {field.python: field for field in schema.fields}
        for key, item in given.items():
            field = named.get(key)
            if field is None:
                out[key] = item
            else:
                out[field.wire] = to_wire(item, field.schema, f"{label}[{key!r}]")
        missing = [field.python for field in schema.fields if field.required and field.python not in given]
        if missing:
            raise TypeError(f"{label} is missing required key(s): {', '.join(missing)}")
        return out
    return value


def build_request(config: ClientConfig, call: Call[Any], nonce: Optional[str] = None) -> Request:
    """The request for `call`, with the client's settings applied.

    `nonce` is a fresh random token from the caller (the core draws no
    random numbers). On writes it is sent as `Idempotency-Key`, the same on
    every attempt, so that the server can recognise a retried write; it also
    makes the multipart boundary unique.
    """
    op = call.op
    args = call.args
    options = call.options
    path_values: Dict[str, str] = {}
    # By name: an argument replaces a `default_query` entry, `extra_query` replaces both.
    query: Dict[str, Any] = dict(config.default_query) if config.default_query else {}
    json_body: Dict[str, Any] = {}
    files: List[Tuple[str, FileSource]] = []
    for argument in op.arguments:
        value = args.get(argument.python, NOT_GIVEN)
        if value is NOT_GIVEN:
            if argument.required:
                raise TypeError(f"{op.id}() is missing the required argument {argument.python!r}")
            continue
        step = argument.step
        if step == "path":
            if not isinstance(value, str):
                raise TypeError(f"{argument.label} must be a str, got {type(value).__name__}")
            if not value:
                raise ValueError(f"{argument.label} must be a non-empty string")
            path_values[argument.wire] = value
        elif step == "unused" or (value is None and not argument.required):
            continue
        elif step == "query":
            query[argument.wire] = value if type(value) in argument.plain else to_wire(value, argument.schema, argument.label)
        elif step == "body":
            json_body[argument.wire] = value if type(value) in argument.plain else to_wire(value, argument.schema, argument.label)
        else:
            if step == "files" and not isinstance(value, (list, tuple)):
                raise TypeError(f"{argument.label} must be a list of files, got {type(value).__name__}")
            parts: Sequence[Any] = cast("Sequence[Any]", value) if step == "files" else [value]
            for part in parts:
                if not isinstance(part, FileSource):
                    raise TypeError(f"{argument.label} must be a file, got {type(part).__name__}")
                files.append((argument.wire, part))
    if options.extra_query:
        query.update(options.extra_query)
    if options.extra_body:
        json_body.update(options.extra_body)

    try:
        url = config.api_root + (render_path(op.path, path_values) if path_values else op.path)
    except PathValueError as exc:
        label = next(argument.label for argument in op.arguments if argument.wire == exc.name)
        raise ValueError(f"{label} {exc.problem}") from None
    query_string = encode_query(query.items()) if query else ""
    if query_string:
        url = f"{url}?{query_string}"
    check_url_length(url, op.id)

    headers: Dict[str, str] = {
        "Accept": op.accept,
        "User-Agent": config.user_agent,
        "Authorization": config.authorization,
    }
    content: Body = b""
    if op.body == "multipart":
        content_type, content, length = encode_multipart(json_body, files, nonce or "0")
        headers["Content-Type"] = content_type
        headers["Content-Length"] = str(length)
    elif op.body == "json" or json_body:
        content = json.dumps(json_body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if nonce is not None and op.method in WRITE_METHODS:
        headers["Idempotency-Key"] = nonce
    if config.default_headers or options.extra_headers:
        headers = _override_headers(headers, config.default_headers, options.extra_headers or {})
    timeout = config.timeout if options.timeout is NOT_GIVEN else Timeout.coerce(options.timeout)
    return Request(op.method, url, headers, content, timeout, config.max_response_size)


def _override_headers(
    headers: Dict[str, str], defaults: Mapping[str, str], extra: Mapping[str, Optional[str]]
) -> Dict[str, str]:
    """`headers` with the client's and then the call's own headers applied.

    Names compare case-insensitively, so `accept` replaces `Accept`; a value
    of `None` removes the header. The call's own headers are checked here
    (the client's were checked once, when it was made).
    """
    check_headers(extra, "extra_headers")
    # By lower-cased name, in sending order (the SDK's own names differ in
    # more than case): a header given moves to the end, as if removed and
    # added again, and each name is lower-cased once rather than once per
    # header it is compared with.
    merged = {key.lower(): (key, item) for key, item in headers.items()}
    for name, value in (*defaults.items(), *extra.items()):
        lowered = name.lower()
        merged.pop(lowered, None)
        if value is not None:
            merged[lowered] = (name, value)
    return dict(merged.values())
