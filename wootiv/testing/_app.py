"""The emulator's HTTP semantics: routing, auth, body decoding and checks, error answers.

`EmulatorApp.handle` turns one parsed request into one answer, with no
sockets, so the threaded server and the in-process transports share it. It
answers as the NestJS service does: JSON errors `{"statusCode", "message",
"error"}`, `Cannot GET /x` for a route it does not know, 422 with one message
per invalid field, and never a traceback. Every JSON answer is cleaned
against the response schema of its operation, so only documented members
leave the emulator.

Besides the 81 operations it serves `/aws/objects/<key>`, the address its
upload answers and signed URLs point at: GET returns an uploaded file, PUT
stores one (as a presigned S3 URL would, without the bearer key).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple, cast
from urllib.parse import unquote, urlsplit

import attrs

from ._dataset import load_demo
from ._handlers import HANDLERS, HttpError, Request
from ._multipart import MultipartError, Part, header_params, parse_multipart
from ._query import Params, QueryError, parse_params
from ._schema import Json, Operation, clean, operations, request_problems
from ._store import NotFound, Store, StoredObject, object_key

__all__ = ["DEFAULT_API_KEY", "MAX_JSON_BODY", "MAX_UPLOAD_BODY", "Answer", "Route", "EmulatorApp", "json_answer", "error_answer"]

DEFAULT_API_KEY = "wootiv-test-key"
"""The bearer key an `Emulator` accepts unless given another (`api_key=`, `--api-key`)."""
MAX_JSON_BODY = 1024 * 1024
MAX_UPLOAD_BODY = 32 * 1024 * 1024
OBJECTS_PREFIX = "/aws/objects/"

#: Operations receiving third-party payloads (Postmark's inbound webhook),
#: where an empty string is an ordinary value rather than a missing one.
_WEBHOOKS = frozenset({"inbound.mail.create"})

_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")
_JSON_TYPES = ("application/json",)

Answer = Tuple[int, List[Tuple[str, str]], bytes]

log = logging.getLogger("wootiv.testing")


def json_answer(status: int, value: Any) -> Answer:
    body = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
    return status, [("Content-Type", "application/json; charset=utf-8")], body


def error_answer(status: int, message: Any) -> Answer:
    """A NestJS error body; like NestJS, `error` is left out when it would repeat `message`."""
    payload: Json = {"statusCode": status, "message": message}
    phrase = _PHRASES.get(status)
    if phrase and not (isinstance(message, str) and message.lower() == phrase.lower()):
        payload["error"] = phrase
    return json_answer(status, payload)


_INTERNAL_ERROR: Answer = json_answer(500, {"statusCode": 500, "message": "Internal server error"})


class _Refusal(Exception):
    """A request refused before its handler runs; carries the error answer."""

    def __init__(self, status: int, message: Any) -> None:
        super().__init__(str(message))
        self.answer = error_answer(status, message)


@attrs.frozen
class Route:
    """An operation and its path template split into segments (None marks a parameter)."""

    operation: Operation
    segments: Tuple[Optional[str], ...]
    names: Tuple[str, ...]

    @property
    def operation_id(self) -> str:
        return self.operation.operation_id

    @property
    def method(self) -> str:
        return self.operation.method

    @property
    def template(self) -> str:
        return self.operation.template


def _split_path(path: str) -> Optional[Tuple[str, ...]]:
    """Raw path segments, ignoring one trailing slash; None for a path that is not absolute."""
    if not path.startswith("/"):
        return None
    inner = path[1:-1] if path.endswith("/") and len(path) > 1 else path[1:]
    return tuple(inner.split("/")) if inner else ()


def _build_routes() -> Dict[str, List[Route]]:
    """Routes by method, the more literal ones first (`/aws/buckets/health` before `/aws/buckets/{filename}`)."""
    table: Dict[str, List[Route]] = {}
    for operation in operations():
        raw = _split_path(operation.template) or ()
        segments = tuple(None if part.startswith("{") else part for part in raw)
        names = tuple(part[1:-1] for part in raw if part.startswith("{"))
        table.setdefault(operation.method, []).append(Route(operation, segments, names))
    for routes in table.values():
        routes.sort(key=lambda route: tuple(segment is None for segment in route.segments))
    return table


def _split_target(target: str) -> Tuple[str, str]:
    """(path, query string) of a request target, also in absolute form (`http://host/path?q`)."""
    if not target.startswith("/") and "://" in target:
        parts = urlsplit(target)
        return parts.path or "/", parts.query
    path, _, query = target.partition("#")[0].partition("?")
    return path, query


class EmulatorApp:
    """The Wootiv API in memory. Thread-safe, and `handle` never raises.

    `api_key` is the bearer key every operation requires; `seed` fixes ids,
    tokens and passcodes; `empty` starts without the demo data.
    """

    def __init__(self, *, api_key: str = DEFAULT_API_KEY, seed: int = 0, empty: bool = False) -> None:
        self.api_key = api_key
        self.seed = seed
        self.empty = empty
        self._lock = threading.Lock()
        self._routes = _build_routes()
        self.state = self._initial_state()

    def _initial_state(self) -> Store:
        store = Store(self.seed)
        if not self.empty:
            load_demo(store)
        return store

    @property
    def outbox(self) -> List[Json]:
        """What the API would have e-mailed, oldest first.

        Each entry has `to`, `kind` ("password-reset", "login-link" or
        "invitation") and `code`; invitations also carry their `passcode`.
        Tests read recovery codes and invitation passcodes from here.
        """
        return self.state.outbox

    @property
    def inbound(self) -> List[Json]:
        """The inbound mail webhooks received (`inbound.mail.create` bodies), oldest first."""
        return self.state.inbound

    def reset(self) -> None:
        """Back to the initial state (the demo data unless `empty`)."""
        with self._lock:
            self.state = self._initial_state()

    def match(self, method: str, path: str) -> Optional[Tuple[Route, Dict[str, str]]]:
        """The route of `method path` and its percent-decoded path parameters."""
        segments = _split_path(path)
        if segments is None:
            return None
        for route in self._routes.get(method.upper(), []):
            if len(route.segments) != len(segments):
                continue
            values: List[str] = []
            for expected, actual in zip(route.segments, segments):
                if expected is None and actual:
                    values.append(unquote(actual))
                elif expected != actual:
                    break
            else:
                return route, dict(zip(route.names, values))
        return None

    def route_of(self, method: str, target: str) -> Optional[str]:
        """The operationId a request maps to (e.g. `roles.list`), or None."""
        try:
            matched = self.match(method, _split_target(target)[0])
        except Exception:  # noqa: BLE001 - a fault rule lookup must not fail on odd input
            return None
        return matched[0].operation_id if matched else None

    def handle(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Answer:
        """One request in, one answer out; `target` is the raw request target."""
        try:
            with self._lock:
                return self._handle(method.upper(), target, headers, body)
        except Exception:  # noqa: BLE001 - the client gets a 500, never a traceback
            log.exception("wootiv emulator: internal error on %r %r", method, target)
            return _INTERNAL_ERROR

    def _handle(self, method: str, target: str, raw_headers: Sequence[Tuple[str, str]], raw: bytes) -> Answer:
        headers: Dict[str, str] = {}
        for name, value in raw_headers:
            headers.setdefault(name.lower(), value)
        path, query_string = _split_target(target)
        if path.startswith(OBJECTS_PREFIX) and method in ("GET", "PUT"):
            return self._object(method, unquote(path[len(OBJECTS_PREFIX) :]), headers, raw)
        matched = self.match(method, path)
        if matched is None:
            return error_answer(404, f"Cannot {method} {path}")
        route, params = matched
        if not self._authorized(headers.get("authorization", "")):
            return error_answer(401, "Unauthorized")
        operation = route.operation
        try:
            body, parts = _decode_body(operation, headers.get("content-type", ""), raw)
            query = parse_params(query_string)
            problems = _query_problems(operation, query) + _body_problems(operation, body)
            if problems:
                return error_answer(422, problems)
            if operation.body_schema is not None and operation.body_media in _JSON_TYPES:
                body = cast(Json, clean(body, operation.body_schema))
            request = Request(params, query, body, parts, f"http://{_host(headers)}")
            result = HANDLERS[operation.operation_id](self.state, request)
        except _Refusal as refusal:
            return refusal.answer
        except HttpError as error:
            return error_answer(error.status, error.message)
        except NotFound as missing:
            return error_answer(404, missing.message)
        except QueryError as bad:
            return error_answer(400, str(bad))
        if operation.response_schema is None:
            return operation.status, [], b""
        return json_answer(operation.status, clean(result, operation.response_schema))

    def _authorized(self, header: str) -> bool:
        scheme, _, token = header.strip().partition(" ")
        return scheme.lower() == "bearer" and token.strip() == self.api_key

    def _object(self, method: str, name: str, headers: Dict[str, str], raw: bytes) -> Answer:
        key = object_key("", name)
        if method == "PUT":
            if len(raw) > MAX_UPLOAD_BODY:
                return error_answer(413, "request entity too large")
            media = header_params(headers.get("content-type", ""))[0] or "application/octet-stream"
            self.state.objects[key] = StoredObject(raw, media)
            return 200, [("ETag", f'"{hashlib.md5(raw).hexdigest()}"')], b""
        stored = self.state.objects.get(key)
        if stored is None:
            return error_answer(404, f"Object with id '{key}' not found")
        return 200, [("Content-Type", stored.content_type)], stored.data


def _host(headers: Dict[str, str]) -> str:
    """The Host the client used, so URLs in answers lead back to this emulator."""
    host = headers.get("host", "").strip()
    return host if _HOST.match(host) else "127.0.0.1"


def _decode_body(operation: Operation, content_type: str, raw: bytes) -> Tuple[Json, List[Part]]:
    """The JSON object or the form parts of a request body (empty when the operation takes none)."""
    media, params = header_params(content_type)
    if operation.body_media == "multipart/form-data":
        if len(raw) > MAX_UPLOAD_BODY:
            raise _Refusal(413, "request entity too large")
        if not raw:
            return {}, []
        if media != "multipart/form-data":
            raise _Refusal(415, f"Unsupported Media Type: expected multipart/form-data, got {media or 'no content type'}")
        try:
            return {}, parse_multipart(content_type, raw)
        except MultipartError as exc:
            raise _Refusal(400, f"Malformed multipart body: {exc}") from None
    if len(raw) > MAX_JSON_BODY:
        raise _Refusal(413, "request entity too large")
    if operation.body_schema is None or not raw:
        return {}, []
    if media not in _JSON_TYPES and not media.endswith("+json"):
        raise _Refusal(415, f"Unsupported Media Type: expected application/json, got {media or 'no content type'}")
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise _Refusal(415, f'Unsupported charset "{charset.upper()}"')
    return _parse_json(raw), []


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text} is out of range")
    return number


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_json(raw: bytes) -> Json:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refusal(400, f"Request body is not valid UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        found = f"Unexpected token {exc.doc[exc.pos]}" if exc.pos < len(exc.doc) else "Unexpected end of JSON input"
        raise _Refusal(400, f"{found} in JSON at position {exc.pos}") from None
    except ValueError as exc:
        raise _Refusal(400, f"Invalid JSON: {exc}") from None
    except RecursionError:
        raise _Refusal(400, "Invalid JSON: nested too deeply") from None
    if not isinstance(value, dict):
        raise _Refusal(400, "The request body must be a JSON object")
    return cast(Json, value)


def _query_problems(operation: Operation, query: Params) -> List[str]:
    return [
        f"{param['name']} should not be empty"
        for param in operation.query_params
        if param.get("required") and not any(value.strip() for value in query.get(param["name"], []))
    ]


def _body_problems(operation: Operation, body: Json) -> List[str]:
    if operation.body_schema is None or operation.body_media not in _JSON_TYPES:
        return []
    if not body and not operation.body_required:
        return []
    return request_problems(body, operation.body_schema, allow_empty=operation.operation_id in _WEBHOOKS)
