"""What an API operation is, and what one call of it asks for.

`Operation` is the static description of an endpoint, generated from the
OpenAPI spec: method, path template, each parameter with its Python and wire
names, where it goes (path, query, body) and what shape it must have, the
result type, and whether the list is paginated. `Call` is one invocation: an
operation plus the caller's arguments and per-call options.

Keeping the description as data lets a single function (`build_request`)
turn any call into a `Request`, and lets tests walk all operations.
"""

from __future__ import annotations

from typing import Any, Dict, Generic, Mapping, Optional, Tuple, TypeVar, Union

import attrs

from .http import Timeout

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "Schema",
    "Field",
    "Param",
    "Argument",
    "SENT_AS_GIVEN",
    "Operation",
    "CallOptions",
    "Call",
    "PagedCall",
]

T = TypeVar("T")


class NotGiven:
    """The type of `NOT_GIVEN`: "the caller did not pass this argument".

    It differs from `None`, which some parameters accept as a value (a
    `timeout=None` means "no timeout").
    """

    _instance: Optional["NotGiven"] = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
"""The default of options a caller may leave out, told apart from `None` (which some options take as a value)."""


@attrs.frozen
class Schema:
    """The shape a request value must have.

    `kind` is one of `string`, `datetime` (a string or a `datetime`),
    `integer`, `number`, `boolean`, `array` (items in `items`), `object`
    (named members in `fields`, other keys passed through), `file` (an upload)
    or `any`. `nullable` admits `None` (sent as JSON `null`).
    """

    kind: str
    items: Optional["Schema"] = None
    fields: Tuple["Field", ...] = ()
    nullable: bool = False


@attrs.frozen
class Field:
    """A named member of an object-shaped request value."""

    python: str
    wire: str
    schema: Schema
    required: bool = False


@attrs.frozen
class Param:
    """One argument of an operation.

    `where` is `path`, `query`, `body`, or `unused` (accepted for
    compatibility with the earlier SDK and never sent).
    """

    python: str
    wire: str
    where: str
    schema: Schema
    required: bool = False


#: For each scalar kind, the exact types whose values `to_wire` sends as
#: they are, after a check they cannot fail: `build_request` sends those
#: without calling it. (A `bool` is no `integer`, and a `datetime` is
#: converted, so neither is listed there.)
SENT_AS_GIVEN: Dict[str, Tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "datetime": (str,),
}


@attrs.frozen
class Argument:
    """One parameter of an operation as `build_request` reads it, worked out once per operation.

    `step` says what is done with a value: `path`, `query`, `body`, `file`
    (one upload), `files` (a list of uploads) or `unused`. `required` is
    whether leaving it out is an error (never for an `unused` one).
    `label` names it in messages (`roles.create(name=)`), and `plain` are
    the exact types sent without a check (`SENT_AS_GIVEN`). A slotted class:
    its attributes read faster than a tuple unpacks.
    """

    python: str
    wire: str
    step: str
    required: bool
    label: str
    schema: Schema
    plain: Tuple[type, ...]


def _argument(operation_id: str, param: Param) -> Argument:
    schema = param.schema
    if param.where in ("path", "unused"):
        step = param.where
    elif schema.kind == "file":
        step = "file"
    elif schema.items is not None and schema.items.kind == "file":
        step = "files"
    else:
        step = "query" if param.where == "query" else "body"
    required = param.required and step != "unused"
    label = f"{operation_id}({param.python}=)"
    return Argument(param.python, param.wire, step, required, label, schema, SENT_AS_GIVEN.get(schema.kind, ()))


@attrs.frozen(eq=False)
class Operation(Generic[T]):
    """One endpoint of the API, as the spec describes it.

    `result` is the type a successful answer is read into (`None`: the body
    is ignored). For a paginated list, `result` is the item type and
    `paginated` is true. `body` is `json`, `multipart` or `None`.
    `arguments` are the `params` as `build_request` reads them, worked out
    here once rather than on every call.
    """

    id: str
    method: str
    path: str
    params: Tuple[Param, ...]
    result: Any
    accept: str = "application/json"
    body: Optional[str] = None
    paginated: bool = False
    summary: str = ""
    arguments: Tuple[Argument, ...] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "arguments", tuple(_argument(self.id, param) for param in self.params))


# `CallOptions`, `Call` and `PagedCall` are built on every call, so they are
# plain slotted classes: a frozen attrs class costs about three times as much
# to build. Nothing changes them after they are made.
@attrs.define
class CallOptions:
    """The per-call options every method takes.

    `extra_headers` values of `None` remove a header the SDK would send;
    `extra_query` entries replace query parameters of the same name.
    `timeout` (each attempt), `deadline` (seconds for the whole call,
    retries and waits included; `None`: no bound) and `retry_writes` (send
    a write again after a failure that leaves its outcome unknown) replace
    the client's settings for this call; `NOT_GIVEN` keeps the client's.
    """

    extra_headers: Optional[Mapping[str, Optional[str]]] = None
    extra_query: Optional[Mapping[str, object]] = None
    extra_body: Optional[Mapping[str, object]] = None
    timeout: Union[float, Timeout, None, NotGiven] = NOT_GIVEN
    deadline: Union[float, None, NotGiven] = NOT_GIVEN
    retry_writes: Union[bool, NotGiven] = NOT_GIVEN


DEFAULT_OPTIONS = CallOptions()


@attrs.define
class Call(Generic[T]):
    """One call of `op` with the caller's arguments, by Python name."""

    op: Operation[T]
    args: Mapping[str, Any]
    options: CallOptions = DEFAULT_OPTIONS


@attrs.define
class PagedCall(Call[T]):
    """A call of a paginated list; `T` is the item type."""
