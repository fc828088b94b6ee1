"""Shared helpers of the API surface tests: the spec, example values, fake transports.

Everything the surface tests expect is derived here from the OpenAPI spec the
package ships (`wootiv/testing/openapi.json`), read as plain JSON. Nothing is
taken from the SDK's generated tables (`wootiv_core.api.operations`), so a
generator mistake cannot hide behind its own output.

The fake transports record every request (with its body read out, whether it
was bytes or a stream of chunks) and answer from a script; they never open a
socket.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union
from urllib.parse import unquote, urlsplit

import attrs
import pytest

import wootiv
from wootiv_core.http import Headers, Request, Response

Json = Dict[str, Any]

SPEC_FILE = Path(wootiv.__file__).parent / "testing" / "openapi.json"
SPEC: Json = json.loads(SPEC_FILE.read_text(encoding="utf-8"))

API_KEY = "sk-surface-test-0123"
BASE_URL = "http://api.wootiv.test/prefix"
BASE_PATH = "/prefix"
OPTION_NAMES = ("extra_headers", "extra_query", "extra_body", "timeout", "deadline", "retry_writes")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# --------------------------------------------------------------------------- the spec


def ref_name(schema: Json) -> Optional[str]:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[1] if ref else None


def resolve(schema: Json) -> Json:
    """`schema` with a top-level `$ref` followed (sibling keys of the `$ref` are dropped)."""
    name = ref_name(schema)
    return SPEC["components"]["schemas"][name] if name else schema


def kind_of(schema: Json) -> Optional[str]:
    """The JSON type of `schema` (the non-null one of a nullable type list)."""
    schema = resolve(schema)
    kind = schema.get("type")
    if isinstance(kind, list):
        options = [k for k in kind if k != "null"]
        return options[0] if options else None
    return kind


def is_nullable(schema: Json) -> bool:
    kind = resolve(schema).get("type")
    return isinstance(kind, list) and "null" in kind


def is_datetime(schema: Json) -> bool:
    return kind_of(schema) == "string" and resolve(schema).get("format") == "date-time"


def is_binary(schema: Json) -> bool:
    return kind_of(schema) == "string" and resolve(schema).get("format") == "binary"


def python_name(wire: str, prop: Json) -> str:
    return prop.get("x-python-name") or wire


@attrs.frozen
class Arg:
    """One argument of an operation, as the spec describes it."""

    python: str
    wire: str
    where: str  # path | query | body | unused
    schema: Json = attrs.field(eq=False, repr=False)
    required: bool
    part_name: str = ""  # multipart part name (bodies only)


@attrs.frozen
class Op:
    """One operation of the spec, with everything a test needs about it."""

    id: str
    method: str
    path: str
    raw: Json = attrs.field(eq=False, repr=False)

    @property
    def sdk(self) -> Json:
        return self.raw["x-sdk"]

    @property
    def resource(self) -> str:
        return self.sdk["resource"]

    @property
    def name(self) -> str:
        return self.sdk["method"]

    @property
    def accept(self) -> str:
        return self.sdk.get("accept", "application/json")

    @property
    def paginated(self) -> bool:
        return "x-pagination" in self.raw

    @property
    def body_media(self) -> Optional[str]:
        content = self.raw.get("requestBody", {}).get("content", {})
        return next(iter(content), None)

    @property
    def body_schema(self) -> Json:
        content = self.raw.get("requestBody", {}).get("content", {})
        for entry in content.values():
            return resolve(entry["schema"])
        return {}

    @property
    def status(self) -> int:
        return int(next(code for code in self.raw["responses"] if code.startswith("2")))

    @property
    def response_schema(self) -> Optional[Json]:
        """The (unresolved) schema of the 2xx JSON answer; `None` when the body is not modelled."""
        for code, answer in self.raw["responses"].items():
            if code.startswith("2") and "content" in answer:
                schema: Json = answer["content"]["application/json"]["schema"]
                return schema
        return None

    @property
    def envelope_schema(self) -> Json:
        """A paginated list's page envelope (the object member of a `oneOf`)."""
        assert self.paginated
        schema = resolve(self.response_schema or {})
        for option in schema.get("oneOf", [schema]):
            if kind_of(option) == "object":
                return resolve(option)
        raise AssertionError(f"{self.id}: no page envelope in the spec")

    @property
    def item_schema(self) -> Json:
        """A paginated list's item schema (unresolved, so its `$ref` names the model)."""
        items: Json = self.envelope_schema["properties"][self.raw["x-pagination"]["items"]]["items"]
        return items

    @property
    def args(self) -> List[Arg]:
        found: List[Arg] = []
        for raw in self.raw.get("parameters", []):
            param = SPEC["components"]["parameters"][ref_name(raw)] if "$ref" in raw else raw
            found.append(
                Arg(
                    python_name(param["name"], param),
                    param["name"],
                    param["in"],
                    param["schema"],
                    param["in"] == "path" or bool(param.get("required")),
                )
            )
        body = self.body_schema
        for wire, prop in body.get("properties", {}).items():
            found.append(
                Arg(
                    python_name(wire, prop),
                    wire,
                    "body",
                    prop,
                    wire in body.get("required", []),
                    prop.get("x-sdk-multipart-part-name", wire),
                )
            )
        for name in self.sdk.get("unused_required_kwargs", []):
            found.append(Arg(name, "", "unused", {"type": "string"}, True))
        return found

    def arg(self, python: str) -> Arg:
        return next(arg for arg in self.args if arg.python == python)

    def __str__(self) -> str:
        return self.id


def _load_ops() -> List[Op]:
    ops: List[Op] = []
    for path, methods in SPEC["paths"].items():
        for method, raw in methods.items():
            ops.append(Op(raw["operationId"], method.upper(), path, raw))
    return ops


OPS: List[Op] = _load_ops()
OPS_BY_ID: Dict[str, Op] = {op.id: op for op in OPS}
OP_IDS = [op.id for op in OPS]


def op_params(selection: Optional[Callable[[Op], bool]] = None) -> Any:
    """`pytest.mark.parametrize` over the operations (all, or those `selection` keeps)."""
    chosen = [op for op in OPS if selection is None or selection(op)]
    return pytest.mark.parametrize("op", chosen, ids=[op.id for op in chosen])


def method_of(client: Any, op: Op) -> Any:
    """`client.<resource>.<method>`, failing with a clear message if a step is missing."""
    target = client
    walked = "client"
    for part in [*op.resource.split("."), op.name]:
        assert hasattr(target, part), f"{op.id}: {walked} has no attribute {part!r}"
        target = getattr(target, part)
        walked += "." + part
    return target


def response_schemas() -> Dict[str, Json]:
    """Every component schema an answer can contain (through `$ref`s), by name."""
    found: Dict[str, Json] = {}

    def visit(schema: Any) -> None:
        if isinstance(schema, dict):
            name = ref_name(schema)
            if name and name not in found:
                found[name] = SPEC["components"]["schemas"][name]
                visit(found[name])
            for value in schema.values():
                visit(value)
        elif isinstance(schema, list):
            for value in schema:
                visit(value)

    for op in OPS:
        visit(op.response_schema)
    return found


def model_class(name: str) -> Any:
    """The public type `wootiv.types.<name>`."""
    assert hasattr(wootiv.types, name), f"wootiv.types has no {name}"
    return getattr(wootiv.types, name)


# --------------------------------------------------------------------------- example values


class IsoInstant:
    """Equal to any ISO 8601 string naming the same instant with an explicit offset.

    Used as the expected wire form of a date-time argument, so the test does
    not depend on whether the SDK writes `Z` or `+00:00`.
    """

    def __init__(self, when: dt.datetime) -> None:
        self.when = when

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        try:
            parsed = dt.datetime.fromisoformat(other.replace("Z", "+00:00"))
        except ValueError:
            return False
        return parsed.tzinfo is not None and parsed == self.when

    def __repr__(self) -> str:
        return f"IsoInstant({self.when.isoformat()})"


SENT_DATETIME = dt.datetime(2026, 2, 3, 4, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=2)))
ANSWER_DATETIME = "2026-02-03T04:05:06Z"


def request_value(schema: Json, hint: str) -> Tuple[Any, Any]:
    """`(value to pass in, expected wire value)` for a request schema.

    Nested objects are passed with Python names and expected with wire names;
    nullable values are passed as `None` and expected as JSON `null`.
    """
    schema_r = resolve(schema)
    kind = kind_of(schema_r)
    if is_nullable(schema_r):
        return None, None
    if "enum" in schema_r:
        return schema_r["enum"][0], schema_r["enum"][0]
    if is_binary(schema_r):
        data = f"<{hint} bytes>".encode() + bytes(range(256))
        return data, data
    if is_datetime(schema_r):
        return SENT_DATETIME, IsoInstant(SENT_DATETIME)
    if kind == "string":
        text = f"{hint}: a/b ü,&=?#%"
        return text, text
    if kind == "integer":
        return 7, 7
    if kind == "number":
        return 2.5, 2.5
    if kind == "boolean":
        return True, True
    if kind == "array":
        items = schema_r.get("items", {})
        if kind_of(items) == "string" and not (resolve(items).get("enum") or is_binary(items) or is_datetime(items)):
            pairs = [(f"{hint},x", f"{hint},x"), ("y z", "y z")]
        else:
            pairs = [request_value(items, f"{hint}[{i}]") for i in range(2)]
        return [p for p, _ in pairs], [w for _, w in pairs]
    if kind == "object" and schema_r.get("properties"):
        given: Json = {}
        wire: Json = {}
        for name, prop in schema_r["properties"].items():
            value, expected = request_value(prop, name)
            given[python_name(name, prop)] = value
            wire[name] = expected
        return given, wire
    if kind == "object":
        free = {"free-form Key": {"nested": [1, True, None, "x"]}, "n": 1.5}
        return free, free
    # No type at all: anything goes, and it is sent unchanged.
    anything = {"any": [hint, 1, None]}
    return anything, anything


def answer_value(schema: Json, hint: str = "value", full: bool = True) -> Tuple[Any, Any]:
    """`(JSON the server sends, expected to_dict(use_api_names=False))` for a response schema.

    `full` fills optional members too; otherwise only required ones are sent.
    """
    schema_r = resolve(schema)
    if "oneOf" in schema_r:
        return answer_value(schema_r["oneOf"][0], hint, full)
    kind = kind_of(schema_r)
    if "enum" in schema_r:
        return schema_r["enum"][0], schema_r["enum"][0]
    if is_datetime(schema_r):
        return ANSWER_DATETIME, ANSWER_DATETIME
    if kind == "string":
        return f"{hint}-välue", f"{hint}-välue"
    if kind == "integer":
        return 3, 3
    if kind == "number":
        return 2.5, 2.5
    if kind == "boolean":
        return True, True
    if kind == "array":
        pairs = [answer_value(schema_r.get("items", {}), f"{hint}{i}", full) for i in range(2)]
        return [w for w, _ in pairs], [p for _, p in pairs]
    if kind == "object" and schema_r.get("properties"):
        wire: Json = {}
        plain: Json = {}
        required = schema_r.get("required", [])
        for name, prop in schema_r["properties"].items():
            if not full and name not in required:
                continue
            value, expected = answer_value(prop, name, full)
            wire[name] = value
            plain[python_name(name, prop)] = expected
        return wire, plain
    if kind == "object":
        free = {"freeKey": {"nested_key": [1, "two", None, {"deep": True}]}}
        return free, free
    anything = [hint, 1, {"k": None}]
    return anything, anything


ABSENT = _ABSENT = object()  # "leave this member out of the answer"


def page_envelope(op: Op, items: List[Any], page: Any = 1, page_count: Any = 1, **extra: Any) -> Json:
    envelope: Json = {"count": len(items), "data": items, "total": len(items), **extra}
    if page is not _ABSENT:
        envelope["page"] = page
    if page_count is not _ABSENT:
        envelope["pageCount"] = page_count
    return envelope


def answer_for(op: Op) -> Any:
    """A JSON answer valid for `op`'s response schema (`None`: no body is modelled)."""
    schema = op.response_schema
    if schema is None:
        return None
    if op.paginated:
        item, _ = answer_value(op.item_schema, "item")
        return page_envelope(op, [item])
    wire, _ = answer_value(schema)
    return wire


PATH_VALUES = ["a/b", "..", "../../etc/passwd", "with space?&#", ".", "plain-id_1~x", "50%/x", "ü"]


def call_arguments(op: Op, salt: int = 0) -> Tuple[List[Any], Dict[str, Any], Dict[str, Any]]:
    """`(positional args, keyword args, {wire name: expected wire value} by location)`.

    The expectation dict has keys `path`, `query`, `body`, `unused`.
    """
    positional_names: List[str] = list(op.sdk["positional"])
    values: Dict[str, Any] = {}
    expected: Dict[str, Dict[str, Any]] = {"path": {}, "query": {}, "body": {}, "unused": {}}
    for index, arg in enumerate(op.args):
        if arg.where == "path":
            value = PATH_VALUES[(OP_IDS.index(op.id) + index + salt) % len(PATH_VALUES)]
            values[arg.python] = value
            expected["path"][arg.wire] = value
        elif arg.where == "unused":
            values[arg.python] = "never-sent-path-id"
            expected["unused"][arg.python] = "never-sent-path-id"
        else:
            value, wire = request_value(arg.schema, arg.wire)
            values[arg.python] = value
            expected[arg.where][arg.wire] = wire
    args = [values.pop(name) for name in positional_names]
    return args, values, expected


# --------------------------------------------------------------------------- fake transports


@attrs.frozen
class Answer:
    status: int = 200
    body: Union[bytes, Any] = b""
    headers: Mapping[str, str] = attrs.Factory(lambda: {"Content-Type": "application/json"})

    @classmethod
    def json(cls, value: Any, status: int = 200, **headers: str) -> "Answer":
        return cls(status, json.dumps(value).encode(), {"Content-Type": "application/json", **headers})


@attrs.define
class Sent:
    """A recorded request, with its body read out."""

    request: Request
    body: bytes
    streamed: bool
    chunk_sizes: List[int]

    @property
    def headers(self) -> Dict[str, str]:
        lowered = {name.lower(): value for name, value in self.request.headers.items()}
        assert len(lowered) == len(self.request.headers), f"duplicate headers: {list(self.request.headers)}"
        return lowered

    @property
    def path(self) -> str:
        return urlsplit(self.request.url).path

    @property
    def raw_query(self) -> str:
        return urlsplit(self.request.url).query


Script = Union[Answer, Callable[[Request], Answer]]


class Recorder:
    """A sync transport: records requests, answers from `script` (the last entry repeats).

    More than `limit` requests is a test failure, so a paging loop cannot hang.
    """

    def __init__(self, *script: Script, limit: int = 50) -> None:
        self.script: List[Script] = list(script) or [Answer()]
        self.sent: List[Sent] = []
        self.limit = limit
        self.closed = False

    def _answer(self, request: Request) -> Response:
        assert len(self.sent) < self.limit, f"more than {self.limit} requests: a loop that does not end?"
        content = request.content
        if isinstance(content, (bytes, bytearray)):
            chunks = [bytes(content)]
            streamed = False
        else:
            chunks = [bytes(chunk) for chunk in content]
            streamed = True
        self.sent.append(Sent(request, b"".join(chunks), streamed, [len(c) for c in chunks]))
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        answer = step(request) if callable(step) else step
        body = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
        return Response(answer.status, Headers(dict(answer.headers)), body, request)

    def send(self, request: Request) -> Response:
        return self._answer(request)

    def close(self) -> None:
        self.closed = True

    @property
    def last(self) -> Sent:
        assert self.sent, "nothing was sent"
        return self.sent[-1]


class AsyncRecorder(Recorder):
    """The same, for `AsyncWootiv`."""

    async def send(self, request: Request) -> Response:  # type: ignore[override]
        return self._answer(request)

    async def aclose(self) -> None:
        self.closed = True


def sync_client(*script: Script, **options: Any) -> Tuple[wootiv.Wootiv, Recorder]:
    recorder = Recorder(*script, limit=options.pop("limit", 50))
    options.setdefault("api_key", API_KEY)
    options.setdefault("base_url", BASE_URL)
    return wootiv.Wootiv(http_client=recorder, **options), recorder


def async_client(*script: Script, **options: Any) -> Tuple[wootiv.AsyncWootiv, AsyncRecorder]:
    recorder = AsyncRecorder(*script, limit=options.pop("limit", 50))
    options.setdefault("api_key", API_KEY)
    options.setdefault("base_url", BASE_URL)
    return wootiv.AsyncWootiv(http_client=recorder, **options), recorder


def answer_script(op: Op, value: Any = ABSENT) -> Answer:
    """The answer a spec-following server gives `op` (its documented 2xx status)."""
    value = answer_for(op) if value is ABSENT else value
    if value is None and op.response_schema is None:
        return Answer(op.status, b"", {})
    return Answer.json(value, op.status)


async def settle(value: Any) -> Any:
    """Await `value` if it is awaitable (an async call, an `AsyncPager`)."""
    if inspect.isawaitable(value):
        return await value
    return value


# --------------------------------------------------------------------------- reading requests


def query_pairs(raw_query: str) -> List[Tuple[str, str]]:
    """`(decoded name, raw value)` pairs; the raw value keeps its percent-escapes."""
    pairs: List[Tuple[str, str]] = []
    for item in raw_query.split("&") if raw_query else []:
        name, _, value = item.partition("=")
        pairs.append((unquote(name), value))
    return pairs


def decode_query_value(raw: str, is_array: bool) -> Union[str, List[str]]:
    """A raw query value decoded; arrays split on the (unescaped) commas first."""
    if is_array:
        return [unquote(item) for item in raw.split(",")] if raw else []
    return unquote(raw)


@attrs.frozen
class Part:
    name: str
    filename: Optional[str]
    content_type: Optional[str]
    data: bytes


def parse_multipart(content_type: str, body: bytes) -> List[Part]:
    """The parts of a multipart/form-data body (RFC 7578), strictly framed."""
    assert content_type.startswith("multipart/form-data; boundary="), content_type
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode("ascii")
    assert 1 <= len(boundary) <= 70
    opening = b"--" + boundary + b"\r\n"
    closing = b"\r\n--" + boundary + b"--"
    assert body.startswith(opening), body[:80]
    end = body.rindex(closing)
    assert body[end + len(closing) :] in (b"", b"\r\n"), body[end:]
    inner = body[len(opening) : end]
    parts: List[Part] = []
    for chunk in inner.split(b"\r\n--" + boundary + b"\r\n"):
        head, separator, data = chunk.partition(b"\r\n\r\n")
        assert separator, f"part without a header block: {chunk[:80]!r}"
        headers: Dict[str, str] = {}
        for line in head.decode("utf-8").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers["content-disposition"]
        assert disposition.startswith("form-data;"), disposition
        params: Dict[str, str] = {}
        for piece in disposition.split(";")[1:]:
            key, _, value = piece.strip().partition("=")
            params[key] = value[1:-1] if value.startswith('"') else value
        parts.append(Part(params["name"], params.get("filename"), headers.get("content-type"), data))
    return parts
