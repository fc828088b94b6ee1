"""The emulator's HTTP semantics: routing, auth, body checks, error answers.

`EmulatorApp.handle` takes one parsed request and returns one answer; it has
no sockets, so the threaded server and the in-process transports share it.
It answers the way a NestJS service does: JSON error bodies
`{"statusCode", "message", "error"}`, 404 `Cannot GET /x` for unknown routes,
422 with one message per invalid field, and never a traceback.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple, cast
from urllib.parse import unquote

from ._crud import parse_query
from ._handlers import HANDLERS, HttpError, Request, State
from ._multipart import Part, parse_form
from ._spec import Route, check, check_object, complete, resolve, routes

__all__ = ["EmulatorApp", "DEFAULT_API_KEY", "MAX_JSON_BODY", "MAX_UPLOAD_BODY"]

DEFAULT_API_KEY = "wootiv-test-key"
MAX_JSON_BODY = 1024 * 1024
MAX_UPLOAD_BODY = 32 * 1024 * 1024

#: Operations that receive third-party payloads (Postmark's inbound webhook),
#: where an empty string is a normal value rather than a missing one.
WEBHOOKS = frozenset({"inbound.mail.create"})

log = logging.getLogger("wootiv.testing")

Answer = Tuple[int, List[Tuple[str, str]], bytes]
_PHRASES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity", 500: "Internal Server Error"}


def json_answer(status: int, value: Any) -> Answer:
    body = json.dumps(value, separators=(",", ":")).encode("utf-8")
    return status, [("Content-Type", "application/json; charset=utf-8")], body


def error_answer(status: int, message: Any, error: Optional[str] = None) -> Answer:
    payload: Dict[str, Any] = {"statusCode": status, "message": message}
    phrase = error or _PHRASES.get(status)
    if phrase and status != 401:
        payload["error"] = phrase
    return json_answer(status, payload)


class EmulatorApp:
    """The Wootiv API in memory. Thread-safe; `handle` never raises."""

    def __init__(self, *, api_key: str = DEFAULT_API_KEY, seed: int = 0, empty: bool = False) -> None:
        self.api_key = api_key
        self.seed = seed
        self.empty = empty
        self._lock = threading.Lock()
        self.state = State(seed, empty)

    def reset(self) -> None:
        """Back to the initial state (the demo data unless `empty`)."""
        with self._lock:
            self.state = State(self.seed, self.empty)

    def match(self, method: str, path: str) -> Optional[Tuple[Route, Dict[str, str]]]:
        """The route for `method path` and its decoded path parameters."""
        for route in routes():
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route, {name: unquote(value) for name, value in zip(route.names, found.groups())}
        return None

    def route_of(self, method: str, target: str) -> Optional[str]:
        """The operationId a request maps to, or None."""
        matched = self.match(method.upper(), target.partition("?")[0])
        return matched[0].operation_id if matched else None

    def handle(self, method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes) -> Answer:
        """One request in, one answer out."""
        try:
            with self._lock:
                return self._handle(method.upper(), target, {name.lower(): value for name, value in headers}, body)
        except HttpError as error:
            return error_answer(error.status, error.message, error.error)
        except Exception:  # noqa: BLE001 - the client gets a 500, never a traceback
            log.exception("emulator failure on %s %s", method, target)
            return error_answer(500, "Internal server error")

    def _handle(self, method: str, target: str, headers: Dict[str, str], raw: bytes) -> Answer:
        path, _, query_string = target.partition("?")
        if method == "GET" and path.startswith("/_emulator/objects/"):
            return self._object(unquote(path[len("/_emulator/objects/") :]))
        matched = self.match(method, path)
        if matched is None:
            return error_answer(404, f"Cannot {method} {path}")
        route, params = matched
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return error_answer(401, "Unauthorized")
        query = parse_query(query_string)
        body, parts = self._body(route, headers.get("content-type", ""), raw)
        problems = self._check_query(route, query)
        if problems:
            return error_answer(422, problems)
        host = headers.get("host", "127.0.0.1")
        result = HANDLERS[route.operation_id](self.state, Request(params, query, body, parts, f"http://{host}"))
        status = 201 if method == "POST" else 200
        if result is None:
            return status, [], b""
        schema = route.response_schema()
        if isinstance(result, dict) and schema is not None and "properties" in resolve(schema):
            result = complete(cast(Dict[str, Any], result), schema)
        return json_answer(status, result)

    def _body(self, route: Route, content_type: str, raw: bytes) -> Tuple[Dict[str, Any], List[Part]]:
        media = route.body_media()
        if media is None:
            return {}, []
        kind = content_type.split(";", 1)[0].strip().lower()
        if media == "multipart/form-data":
            if len(raw) > MAX_UPLOAD_BODY:
                raise HttpError(413, "request entity too large")
            if kind != "multipart/form-data":
                raise HttpError(415, f"Expected multipart/form-data, got {kind or 'no content type'}")
            try:
                return {}, parse_form(content_type, raw)
            except ValueError as exc:
                raise HttpError(400, f"Malformed multipart body: {exc}") from None
        if len(raw) > MAX_JSON_BODY:
            raise HttpError(413, "request entity too large")
        schema = route.body_schema() or {}
        required = route.operation.get("requestBody", {}).get("required", False)
        if not raw:
            body: Any = {}
        elif kind != "application/json":
            raise HttpError(415, f"Expected application/json, got {kind or 'no content type'}")
        else:
            try:
                body = json.loads(raw)
            except ValueError as exc:
                raise HttpError(400, f"Unexpected token in JSON at position {getattr(exc, 'pos', 0)}") from None
        if not isinstance(body, dict):
            raise HttpError(400, "The request body must be a JSON object")
        decoded = cast(Dict[str, Any], body)
        allow_empty = route.operation_id in WEBHOOKS
        problems = check_object(decoded, schema, allow_empty=allow_empty) if (decoded or required) else []
        if problems:
            raise HttpError(422, problems)
        return decoded, []

    def _check_query(self, route: Route, query: Dict[str, List[str]]) -> List[str]:
        problems: List[str] = []
        for param in route.query_params():
            values = query.get(param["name"])
            if param.get("required") and not (values and values[-1]):
                problems.append(f"{param['name']} should not be empty")
            elif values and param["schema"].get("type") in ("integer", "number") and param["name"] not in ("page", "limit", "offset"):
                try:
                    float(values[-1])
                except ValueError:
                    problems.extend(check(values[-1], param["schema"], param["name"]))
        return problems

    def _object(self, key: str) -> Answer:
        stored = self.state.blobs.get(key.partition("?")[0])
        if stored is None:
            return error_answer(404, f"Object '{key}' not found")
        data, media = stored
        return 200, [("Content-Type", media)], data

