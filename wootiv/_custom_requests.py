"""`client.get(path, cast_to=...)` and its siblings: calls of endpoints the SDK does not declare yet.

    role = client.get("/role/r1", cast_to=RoleDto)
    created = client.post("/role", body={"name": "n", "description": "d"}, cast_to=object)
    answer = client.get("/healthz", cast_to=APIResponse, options={"params": {"deep": True}})

Each method is written once, as a `CustomRequest` descriptor on the clients'
shared base; like `@endpoint`, its `__get__` is overloaded on the client's
mode, so on `Wootiv` a call gives the result and on `AsyncWootiv` an
awaitable of it. The request is built by the core (`build_custom_request`):
same authorization, headers, default query, retries, timeouts and deadline,
same errors, and a `path` that is a URL is refused, so the API key only goes
to `base_url`. The `Protocol` classes below are the signatures type checkers
and `inspect.signature` show.
"""

from __future__ import annotations

import inspect
import typing
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Dict,
    Generic,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    overload,
)

from typing_extensions import Protocol, TypedDict

from wootiv_core.operation import NOT_GIVEN

from ._tree import ResourceTree
from ._types import DeadlineArg, Headers, Query, RetryWritesArg, TimeoutArg

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._resource import Async, Sync

__all__ = [
    "RequestOptions",
    "CustomRequest",
    "SyncGet",
    "AsyncGet",
    "SyncSend",
    "AsyncSend",
    "SyncRequest",
    "AsyncRequest",
]

T = TypeVar("T")
S = TypeVar("S")
A = TypeVar("A")


_CUSTOM_DOC = """For endpoints the SDK does not declare yet; sent with the client's
authorization, headers, default query, retries, timeout and deadline, and
failing with the same errors as declared calls.

Args:
    path: The path below `base_url` (`/role/r1`), with or without a query
        string. A full URL is refused (`ValueError`): the API key only goes
        to `base_url`.
    cast_to: What the answer is read as: a model class (`wootiv.types.RoleDto`),
        `object` (the decoded JSON, `None` for an empty body), `str`, `bytes`,
        or `APIResponse` (`AsyncAPIResponse` on `AsyncWootiv`) for the whole
        answer.
    body: JSON data to send (`None`: no body).
    options: `{"headers": ..., "params": ..., "timeout": ...}`, the earlier
        SDK's shape of the keyword arguments below.
    query: Query parameters, added after those of `path` and `default_query`.
    extra_headers: Headers overriding the SDK's; a `None` value removes one.
    timeout: This call's timeout (each attempt) instead of the client's.
    deadline: Seconds the whole call may take, retries included, instead of
        the client's `deadline`.
    retry_writes: Whether a write may be sent again when its outcome is
        unknown, instead of the client's setting.
"""


class RequestOptions(TypedDict, total=False):
    """The `options=` of a custom request, in the earlier SDK's shape.

    `headers` override the SDK's (a `None` value removes one), `params` are
    query parameters, `timeout` replaces the client's for this call. The
    keyword arguments `extra_headers=`, `query=` and `timeout=` say the same
    and are merged over these.
    """

    headers: Headers
    params: Query
    timeout: TimeoutArg


class SyncGet(Protocol):
    """`Wootiv.get`: a custom GET (see `wootiv._custom_requests`)."""

    def __call__(
        self,
        path: str,
        *,
        cast_to: Type[T],
        options: Optional[RequestOptions] = None,
        query: Optional[Query] = None,
        extra_headers: Optional[Headers] = None,
        timeout: TimeoutArg = NOT_GIVEN,
        deadline: DeadlineArg = NOT_GIVEN,
        retry_writes: RetryWritesArg = NOT_GIVEN,
    ) -> T: ...


class AsyncGet(Protocol):
    """`AsyncWootiv.get`: a custom GET, awaited."""

    def __call__(
        self,
        path: str,
        *,
        cast_to: Type[T],
        options: Optional[RequestOptions] = None,
        query: Optional[Query] = None,
        extra_headers: Optional[Headers] = None,
        timeout: TimeoutArg = NOT_GIVEN,
        deadline: DeadlineArg = NOT_GIVEN,
        retry_writes: RetryWritesArg = NOT_GIVEN,
    ) -> Awaitable[T]: ...


class SyncSend(Protocol):
    """`Wootiv.post` / `put` / `patch` / `delete`: a custom call with an optional JSON `body`."""

    def __call__(
        self,
        path: str,
        *,
        cast_to: Type[T],
        body: object = None,
        options: Optional[RequestOptions] = None,
        query: Optional[Query] = None,
        extra_headers: Optional[Headers] = None,
        timeout: TimeoutArg = NOT_GIVEN,
        deadline: DeadlineArg = NOT_GIVEN,
        retry_writes: RetryWritesArg = NOT_GIVEN,
    ) -> T: ...


class AsyncSend(Protocol):
    """`AsyncWootiv.post` / `put` / `patch` / `delete`, awaited."""

    def __call__(
        self,
        path: str,
        *,
        cast_to: Type[T],
        body: object = None,
        options: Optional[RequestOptions] = None,
        query: Optional[Query] = None,
        extra_headers: Optional[Headers] = None,
        timeout: TimeoutArg = NOT_GIVEN,
        deadline: DeadlineArg = NOT_GIVEN,
        retry_writes: RetryWritesArg = NOT_GIVEN,
    ) -> Awaitable[T]: ...


class SyncRequest(Protocol):
    """`Wootiv.request`: a custom call of any method in `wootiv_core.custom_requests.CUSTOM_METHODS`."""

    def __call__(
        self,
        method: str,
        path: str,
        *,
        cast_to: Type[T],
        body: object = None,
        options: Optional[RequestOptions] = None,
        query: Optional[Query] = None,
        extra_headers: Optional[Headers] = None,
        timeout: TimeoutArg = NOT_GIVEN,
        deadline: DeadlineArg = NOT_GIVEN,
        retry_writes: RetryWritesArg = NOT_GIVEN,
    ) -> T: ...


class AsyncRequest(Protocol):
    """`AsyncWootiv.request`, awaited."""

    def __call__(
        self,
        method: str,
        path: str,
        *,
        cast_to: Type[T],
        body: object = None,
        options: Optional[RequestOptions] = None,
        query: Optional[Query] = None,
        extra_headers: Optional[Headers] = None,
        timeout: TimeoutArg = NOT_GIVEN,
        deadline: DeadlineArg = NOT_GIVEN,
        retry_writes: RetryWritesArg = NOT_GIVEN,
    ) -> Awaitable[T]: ...


class CustomRequest(Generic[S, A]):
    """A custom-request method of both clients: `S` is its shape on `Wootiv`, `A` on `AsyncWootiv`.

    `method` is the HTTP method it sends, or `None` for `request`, whose
    first argument is the method. The client's `_custom` does the work.
    """

    def __init__(self, method: Optional[str], sync_shape: type, async_shape: type, summary: str) -> None:
        self.method = method
        self.__doc__ = f"{summary}\n\n{_CUSTOM_DOC}"
        self._shapes = {False: sync_shape, True: async_shape}
        self._signatures: Dict[bool, inspect.Signature] = {}
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: Any) -> "Self": ...
    @overload
    def __get__(self, obj: ResourceTree[Sync], owner: Any) -> S: ...
    @overload
    def __get__(self, obj: ResourceTree[Async], owner: Any) -> A: ...
    def __get__(self, obj: Optional[ResourceTree[Any]], owner: Any) -> Any:
        if obj is None:
            return self
        custom: Callable[..., Any] = getattr(obj, "_custom")
        method = self.method

        def bound(*args: Any, **kwargs: Any) -> Any:
            return custom(method, *args, **kwargs) if method else custom(*args, **kwargs)

        # Not cached on the client: a `copy()` shares its __dict__, and must
        # not call through the original client.
        bound.__name__ = self._name
        bound.__qualname__ = f"{type(obj).__name__}.{self._name}"
        bound.__module__ = type(obj).__module__
        bound.__doc__ = self.__doc__
        bound.__signature__ = self._signature(bool(getattr(obj, "_asynchronous", False)))  # type: ignore[attr-defined]
        return bound

    def _signature(self, asynchronous: bool) -> inspect.Signature:
        known = self._signatures.get(asynchronous)
        if known is None:
            call = self._shapes[asynchronous].__call__
            hints = typing.get_type_hints(call)
            declared = inspect.signature(call)
            parameters = [
                parameter.replace(annotation=hints.get(parameter.name, parameter.annotation))
                for parameter in list(declared.parameters.values())[1:]
            ]
            known = self._signatures[asynchronous] = inspect.Signature(
                parameters, return_annotation=hints.get("return", inspect.Signature.empty)
            )
        return known


def merged_options(
    options: Optional[Mapping[str, Any]],
    query: Optional[Query],
    extra_headers: Optional[Headers],
    timeout: TimeoutArg,
) -> Tuple[Optional[Query], Optional[Headers], TimeoutArg]:
    """`(query, headers, timeout)` of a custom call, from `options=` and the keyword arguments.

    Unknown `options` keys and a timeout given both ways are refused.
    """
    given: Mapping[str, Any] = options or {}
    unknown = sorted(set(given) - set(RequestOptions.__annotations__))
    if unknown:
        raise ValueError(
            f"options has unknown key(s) {', '.join(map(repr, unknown))}; use 'headers', 'params' and 'timeout'"
        )
    if "timeout" in given and timeout is not NOT_GIVEN:
        raise ValueError("timeout is given twice, as timeout= and in options; pass one")
    params = {**given.get("params", {}), **(query or {})}
    headers = {**given.get("headers", {}), **(extra_headers or {})}
    return (params or None), (headers or None), given.get("timeout", timeout)
