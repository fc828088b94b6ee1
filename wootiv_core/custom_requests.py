"""Requests to endpoints the SDK does not declare yet (`client.get(path, ...)`).

A custom request is built like a declared one, by `build_request` from an
ad-hoc `Operation`, so it gets the same authorization, headers, default
query, idempotency key and timeout, and runs through the same exchange. What
is particular to it is checked here, before anything is sent:

- `path` is a path below `base_url`, never a URL. The request carries the API
  key, so a full URL (`https://elsewhere/...`, `//elsewhere/...`) is refused
  rather than followed: the key only ever goes to `base_url`.
- the method is one of `CUSTOM_METHODS`;
- `cast_to` is a kind of result the SDK can read (`custom_reader`).
"""

from __future__ import annotations

import functools
import json
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, cast
from urllib.parse import urlsplit

import attrs

from .config import ClientConfig
from .http import Request, Response, Timeout
from .model import is_model_class
from .operation import NOT_GIVEN, Call, CallOptions, NotGiven, Operation
from .request_builder import WRITE_METHODS, build_request
from .results import decode_json, result_reader

__all__ = ["CUSTOM_METHODS", "CUSTOM_RESULTS", "build_custom_request", "custom_method", "custom_reader"]

#: The methods a custom request may use.
CUSTOM_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

#: What `cast_to` may be besides a model class, as the message of a bad one lists it.
CUSTOM_RESULTS = "a model class (wootiv.types.RoleDto, ...), object (the decoded JSON), str, bytes or APIResponse"


def custom_method(method: object) -> str:
    """`method` in upper case, if it is one of `CUSTOM_METHODS`; `ValueError`/`TypeError` otherwise."""
    if not isinstance(method, str):
        raise TypeError(f"method must be a str such as 'GET', got {type(method).__name__}")
    upper = method.upper()
    if upper not in CUSTOM_METHODS:
        raise ValueError(f"method {method!r} is not supported; use one of {', '.join(CUSTOM_METHODS)}")
    return upper


def _split_path(path: object) -> Tuple[str, str]:
    """`(path, query)` of a custom request's `path`, the path starting with `/`."""
    if not isinstance(path, str):
        raise TypeError(f"path must be a str such as '/roles', got {type(path).__name__}")
    if any(ch.isspace() or ord(ch) < 0x20 or ch == "\x7f" for ch in path) or "\\" in path:
        raise ValueError(
            f"path {path!r} contains whitespace, a control character or a backslash; percent-encode it"
        )
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("//"):
        raise ValueError(
            f"path {path!r} is a URL; custom requests go to the client's base_url only (so the API key is "
            "never sent elsewhere): pass the path below it, e.g. '/role/r1', or make a client with base_url= "
            "for another server"
        )
    if parts.fragment or "#" in path:
        raise ValueError(f"path {path!r} has a '#fragment', which is never sent; remove it")
    route, _, query = path.partition("?")
    return (route if route.startswith("/") else f"/{route}"), query


def build_custom_request(
    config: ClientConfig,
    method: str,
    path: str,
    *,
    body: object = NOT_GIVEN,
    query: Optional[Mapping[str, object]] = None,
    headers: Optional[Mapping[str, Optional[str]]] = None,
    timeout: Any = NOT_GIVEN,
    nonce: Optional[str] = None,
) -> Request:
    """The `Request` for a custom call of `method` on `path`, checked as the module says.

    `body` (`NOT_GIVEN` or `None`: no body) is sent as JSON. `query` entries
    are added after those written in `path` and the client's
    `default_query`; `headers` override the SDK's as `extra_headers` do; a
    `timeout` of `NOT_GIVEN` is the client's. `nonce` is the caller's random
    token (the `Idempotency-Key` of writes).
    """
    verb = custom_method(method)
    route, inline_query = _split_path(path)
    content: Optional[bytes] = None
    if body is not NOT_GIVEN and body is not None:
        try:
            content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"body of {verb} {route} must be JSON data (dict, list, str, number, bool), "
                f"got {type(body).__name__}: {exc}"
            ) from exc
    op: Operation[Any] = Operation(
        id=f"{verb} {route}",
        method=verb,
        path=route,
        params=(),
        result=None,
        body=None if content is None else "json",
    )
    options = CallOptions(extra_headers=headers, extra_query=query, timeout=_timeout(timeout))
    request = build_request(config, Call(op, {}, options), nonce if verb in WRITE_METHODS else None)
    changes: Dict[str, Any] = {}
    if content is not None:
        changes["content"] = content
    if inline_query:
        head, _, built = request.url.partition("?")
        changes["url"] = f"{head}?{inline_query}" + (f"&{built}" if built else "")
    return attrs.evolve(request, **changes) if changes else request


def _timeout(value: Any) -> Any:
    return value if isinstance(value, NotGiven) else Timeout.coerce(value)


@functools.lru_cache(maxsize=None)
def _model_reader(model: type, strict: bool) -> Callable[[Response], Any]:
    # One reading operation per model class (not per request), so the
    # readers kept by `result_reader` stay as few as the model classes.
    op: Operation[Any] = Operation(
        id=f"custom request for {model.__name__}", method="", path="", params=(), result=model
    )
    return result_reader(op, strict)


def _json_or_none(response: Response) -> Any:
    return decode_json(response) if response.content else None


def _content(response: Response) -> bytes:
    return response.content


def _text(response: Response) -> str:
    return response.text


def custom_reader(cast_to: object, strict: bool) -> Callable[[Response], Any]:
    """How a 2xx answer of a custom request is read for `cast_to`.

    A model class: the JSON body structured as that model (a mismatch is
    `APIResponseValidationError`, as on declared endpoints); `object`: the
    decoded JSON (`None` for an empty body); `str`: the text; `bytes`: the
    body. Anything else is a `TypeError` saying what would fit (the client
    handles `APIResponse` itself).
    """
    if cast_to is object:
        return _json_or_none
    if cast_to is bytes:
        return _content
    if cast_to is str:
        return _text
    if is_model_class(cast_to):
        return _model_reader(cast(type, cast_to), strict)
    raise TypeError(f"cast_to must be {CUSTOM_RESULTS}, got {cast_to!r}")
