"""Both clients expose every operation of the spec, with its call shape, and send it exactly.

Expectations here are derived from the spec (`wootiv/testing/openapi.json`)
directly, not from the SDK's generated tables, so a generator mistake shows.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from wootiv import AsyncPager, AsyncWootiv, SyncPage, Wootiv
from wootiv.testing._spec import load_spec, resolve
from wootiv_core.http import Headers, Request, Response
from wootiv_core.model import Model

SPEC = load_spec()
OPTIONS = ["extra_headers", "extra_query", "extra_body", "timeout"]


def operations() -> List[Tuple[str, str, Dict[str, Any]]]:
    found = []
    for path, methods in SPEC["paths"].items():
        for method, op in methods.items():
            found.append((method.upper(), path, op))
    return found


OPS = operations()
IDS = [op["operationId"] for _, _, op in OPS]


def python_name(wire: str, prop: Dict[str, Any]) -> str:
    return prop.get("x-python-name") or wire


def body_schema(op: Dict[str, Any]) -> Tuple[Optional[str], Dict[str, Any]]:
    for media, entry in op.get("requestBody", {}).get("content", {}).items():
        return media, resolve(entry["schema"])
    return None, {}


def param(raw: Dict[str, Any]) -> Dict[str, Any]:
    return SPEC["components"]["parameters"][raw["$ref"].rsplit("/", 1)[1]] if "$ref" in raw else raw


def method_of(client: Any, op: Dict[str, Any]) -> Any:
    target = client
    for part in op["x-sdk"]["resource"].split("."):
        target = getattr(target, part)
    return getattr(target, op["x-sdk"]["method"])


def expected_shape(op: Dict[str, Any]) -> Tuple[List[str], Dict[str, bool]]:
    """(positional names, {keyword-only name: required}) from the spec."""
    sdk = op["x-sdk"]
    keyword: Dict[str, bool] = {}
    for raw in op.get("parameters", []):
        p = param(raw)
        name = p.get("x-python-name") or p["name"]
        if name not in sdk["positional"]:
            keyword[name] = p["in"] == "path" or bool(p.get("required"))
    _, body = body_schema(op)
    for wire, prop in body.get("properties", {}).items():
        keyword[python_name(wire, prop)] = wire in body.get("required", [])
    for name in sdk.get("unused_required_kwargs", []):
        keyword[name] = True
    signature_names = re.findall(r"[a-z_][a-z0-9_]*", sdk["signature"].split("(", 1)[1])
    assert set(signature_names) <= set(sdk["positional"]) | set(keyword), op["operationId"]
    return list(sdk["positional"]), keyword


def test_the_spec_has_81_operations() -> None:
    assert len(OPS) == 81 == len(set(IDS))


@pytest.mark.parametrize("client_class", [Wootiv, AsyncWootiv])
@pytest.mark.parametrize("method, path, op", OPS, ids=IDS)
def test_call_shape_matches_the_spec(client_class: Any, method: str, path: str, op: Dict[str, Any]) -> None:
    client = client_class(api_key="k", http_client=_Recorder() if client_class is Wootiv else _AsyncRecorder())
    bound = method_of(client, op)
    signature = inspect.signature(inspect.unwrap(bound))
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    positional, keyword = expected_shape(op)
    assert [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD] == positional
    assert all(p.default is p.empty for p in parameters if p.name in positional)
    kw_only = {p.name: p.default is p.empty for p in parameters if p.kind is p.KEYWORD_ONLY}
    assert kw_only == {**keyword, **{name: False for name in OPTIONS}}
    assert bound.__doc__ and op["summary"].split(" (")[0].rstrip(".") in bound.__doc__


@pytest.mark.parametrize("method, path, op", OPS, ids=IDS)
def test_return_type_matches_the_spec(method: str, path: str, op: Dict[str, Any]) -> None:
    schema = _response(op) or {}
    returns = schema["$ref"].rsplit("/", 1)[1] if "$ref" in schema else op["x-sdk"]["returns"]
    annotation = str(inspect.signature(inspect.unwrap(method_of(Wootiv(api_key="k", http_client=_Recorder()), op))).return_annotation)
    if "x-pagination" in op:
        envelope = resolve(resolve(_response(op) or {}).get("oneOf", [_response(op)])[0])
        item = envelope["properties"]["data"]["items"]["$ref"].rsplit("/", 1)[1]
        assert annotation == f"PagedCall[{item}]"
    elif _response(op) is None:
        assert annotation == "Call[None]"
    elif returns == "object":
        assert annotation == "Call[Dict[str, Any]]"
    else:
        assert annotation == f"Call[{returns}]"


def _response(op: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    for status, answer in op["responses"].items():
        if status.startswith("2") and "content" in answer:
            return answer["content"]["application/json"]["schema"]
    return None


# --------------------------------------------------------------------------- exact wire


class _Recorder:
    """A transport that records requests and answers with a valid body."""

    def __init__(self, answer: Any = None) -> None:
        self.sent: List[Request] = []
        self.answer = answer

    def reply(self, request: Request) -> Response:
        self.sent.append(request)
        if self.answer is None:
            return Response(200, Headers(), b"", request)
        return Response(200, Headers({"Content-Type": "application/json"}), json.dumps(self.answer).encode(), request)

    def send(self, request: Request) -> Response:
        return self.reply(request)

    def close(self) -> None:
        pass


class _AsyncRecorder(_Recorder):
    async def send(self, request: Request) -> Response:  # type: ignore[override]
        return self.reply(request)

    async def aclose(self) -> None:
        pass


def example(schema: Dict[str, Any], python: bool) -> Any:
    """A valid value: with Python names (to pass in) or wire names (to expect on the wire)."""
    schema = resolve(schema)
    kind = schema.get("type")
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if "enum" in schema:
        return schema["enum"][-1]
    if schema.get("format") == "binary":
        return b"file-bytes"
    if kind == "string":
        return "2026-02-03T04:05:06Z" if schema.get("format") == "date-time" else "v a/l,ue"
    if kind == "integer":
        return 7
    if kind == "number":
        return 2.5
    if kind == "boolean":
        return True
    if kind == "array":
        return [example(schema.get("items", {}), python)]
    if kind == "object":
        props = schema.get("properties", {})
        return {(python_name(w, p) if python else w): example(p, python) for w, p in props.items()}
    return "any"


def answer_for(op: Dict[str, Any]) -> Any:
    schema = _response(op)
    if schema is None:
        return None
    if "x-pagination" in op:
        item = resolve(resolve(schema).get("oneOf", [schema])[0])["properties"]["data"]["items"]
        return {"count": 1, "data": [example(item, False)], "page": 1, "pageCount": 1, "total": 1}
    return example(schema, False)


PATH_VALUES = ["../x", "a/b", "plain", "100% sure", "."]


def arguments(op: Dict[str, Any]) -> Tuple[List[Any], Dict[str, Any], Dict[str, str], Dict[str, str], Optional[Any]]:
    """(positional args, keyword args, path values by wire name, query by wire name, expected body)."""
    sdk = op["x-sdk"]
    args: List[Any] = []
    kwargs: Dict[str, Any] = {}
    path: Dict[str, str] = {}
    query: Dict[str, str] = {}
    for index, raw in enumerate(op.get("parameters", [])):
        p = param(raw)
        name = p.get("x-python-name") or p["name"]
        if p["in"] == "path":
            value = PATH_VALUES[(len(op["operationId"]) + index) % len(PATH_VALUES)]
            path[p["name"]] = value
        else:
            value = example(p["schema"], True)
            query[p["name"]] = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        (args.append(value) if name in sdk["positional"] else kwargs.__setitem__(name, value))
    for name in sdk.get("unused_required_kwargs", []):
        kwargs[name] = "never-sent"
    media, body = body_schema(op)
    expected: Optional[Any] = None
    if body:
        expected = {}
        for wire, prop in body.get("properties", {}).items():
            kwargs[python_name(wire, prop)] = example(prop, True)
            expected[wire] = example(prop, False)
    return args, kwargs, path, query, expected


def _check_request(request: Request, method: str, template: str, op: Dict[str, Any], path: Dict[str, str], query: Dict[str, str], body: Optional[Any]) -> None:
    assert request.method == method
    url = urlsplit(request.url)
    expected_path = template
    for name, value in path.items():
        segment = quote(value, safe="") if value not in (".", "..") else value.replace(".", "%2E")
        expected_path = expected_path.replace("{" + name + "}", segment)
    assert url.path == expected_path
    assert url.path.count("/") == template.count("/")
    sent_query = {name: value for name, value in parse_qsl(url.query, keep_blank_values=True)}
    assert sent_query == query
    headers = {name.lower(): value for name, value in request.headers.items()}
    assert headers["authorization"] == "Bearer key-1"
    assert headers["accept"] == op["x-sdk"].get("accept", "application/json")
    assert headers["user-agent"].startswith("Wootiv/Python ")
    assert ("idempotency-key" in headers) == (method != "GET")
    media, _ = body_schema(op)
    content = request.content if isinstance(request.content, bytes) else b"".join(request.content)
    if media == "application/json":
        assert headers["content-type"] == "application/json"
        assert json.loads(content) == body
    elif media == "multipart/form-data":
        assert headers["content-type"].startswith("multipart/form-data; boundary=")
        assert int(headers["content-length"]) == len(content)
        for wire in body or {}:
            part = op["requestBody"]["content"][media]["schema"]
            name = resolve(part)["properties"][wire].get("x-sdk-multipart-part-name", wire)
            assert f'name="{name}"'.encode() in content
        assert b"file-bytes" in content
    else:
        assert content == b"" and "content-type" not in headers


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("method, template, op", OPS, ids=IDS)
def test_every_operation_sends_exactly_what_the_spec_requires(mode: str, method: str, template: str, op: Dict[str, Any]) -> None:
    args, kwargs, path, query, body = arguments(op)
    answer = answer_for(op)
    if mode == "sync":
        recorder = _Recorder(answer)
        result = method_of(Wootiv(api_key="key-1", base_url="http://api.test/v1", http_client=recorder), op)(*args, **kwargs)
    else:
        recorder = _AsyncRecorder(answer)

        async def run() -> Any:
            called = method_of(AsyncWootiv(api_key="key-1", base_url="http://api.test/v1", http_client=recorder), op)(*args, **kwargs)
            return await called

        result = asyncio.run(run())
    (request,) = recorder.sent
    _check_request(request, method, "/v1" + template, op, path, query, body)
    if answer is None:
        assert result is None
    elif "x-pagination" in op:
        assert isinstance(result, (SyncPage, AsyncPager)) or hasattr(result, "data")
        assert len(result.data) == 1 and isinstance(result.data[0], Model)
    elif isinstance(answer, list):
        assert isinstance(result, list) and all(isinstance(item, Model) for item in result)
    elif op["x-sdk"]["returns"] == "object":
        assert result == answer
    else:
        assert isinstance(result, Model) and result.to_dict() == answer
