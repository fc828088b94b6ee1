"""How an endpoint is declared once and appears, typed, on both clients and in raw mode.

A resource class is generic over a mode: `Sync` or `Async`, or one of the raw
modes `SyncRaw` / `AsyncRaw` (`Raw[Sync]`, `Raw[Async]`). Each endpoint is one
method decorated with `@endpoint` whose body only says which operation it
calls with which arguments (it returns a `Call`). The decorator makes it a
descriptor whose `__get__` is overloaded on the mode:

| mode | `retrieve` gives | a list gives |
|---|---|---|
| `Sync` | `RoleDto` | `SyncPage[RoleDto]` |
| `Async` | `Awaitable[RoleDto]` | `AsyncPager[RoleDto]` |
| `SyncRaw` | `APIResponse[RoleDto]` | `APIResponse[SyncPage[RoleDto]]` |
| `AsyncRaw` | `Awaitable[AsyncAPIResponse[RoleDto]]` | `Awaitable[AsyncAPIResponse[AsyncPage[RoleDto]]]` |

`client.roles.with_raw_response` is the same resource class in the raw mode
(the generated resource classes declare it, typed `Roles[Raw[M]]`), so raw
answers need no second declaration of any endpoint. Editors and type checkers
see each method's own parameters and docstring in every mode, and at run
time `inspect.signature` and `help()` show the same: the user's parameters
(no `self`), the return type of the mode and where the method lives
(`Wootiv.roles.retrieve`).
"""

from __future__ import annotations

import inspect
import typing
from functools import update_wrapper
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    ClassVar,
    Dict,
    Generic,
    Optional,
    Tuple,
    TypeVar,
    Union,
    overload,
)

from typing_extensions import Concatenate, ParamSpec

from wootiv_core.operation import Call, PagedCall

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._pages import AsyncPage, AsyncPager, SyncPage
    from ._response import APIResponse, AsyncAPIResponse

__all__ = [
    "Sync",
    "Async",
    "Raw",
    "SyncRaw",
    "AsyncRaw",
    "Resource",
    "endpoint",
    "Endpoint",
    "PagedEndpoint",
]

P = ParamSpec("P")
T = TypeVar("T")
B = TypeVar("B", covariant=True)


class Sync:
    """Mode marker: methods return their results directly."""


class Async:
    """Mode marker: methods return awaitables."""


class Raw(Generic[B]):
    """Mode marker: methods return the whole answer (`APIResponse`), in mode `B`'s way."""


SyncRaw = Raw[Sync]
"""The mode of `Wootiv`'s `with_raw_response`: methods return `APIResponse[T]`."""

AsyncRaw = Raw[Async]
"""The mode of `AsyncWootiv`'s `with_raw_response`: methods return awaitables of `AsyncAPIResponse[T]`."""

# `Raw[object]`, not `Raw[Any]`: an `Any` in the bound makes mypy read every
# `@endpoint` of a paginated list as `Any`.
M = TypeVar("M", bound="Union[Sync, Async, Raw[object]]")


class Resource(Generic[M]):
    """A group of endpoints (`client.roles`, `client.space.members`, ...).

    `_client` is the client that owns it: its runners (`_run`, `_paginate`,
    and their raw twins) decide whether a call blocks or returns an
    awaitable. `_raw` says whether this is the `with_raw_response` view.
    `_path` is where the class sits in the resource tree (`space.members`),
    for `help()`.
    """

    _path: ClassVar[str] = ""

    def __init__(self, client: Any, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def _raw_view(self) -> Any:
        """These endpoints in the raw mode: what the generated `with_raw_response` returns."""
        if self._raw:
            return self
        view = self.__dict__.get("_raw_resource")
        if view is None:
            view = self.__dict__["_raw_resource"] = type(self)(self._client, raw=True)
        return view

    def __repr__(self) -> str:
        raw = " (raw responses)" if self._raw else ""
        return f"<{type(self).__name__}{raw} of {self._client!r}>"


#: What a bound method shows `inspect` and `help()`: signature, qualified name, docstring.
_Presentation = Tuple[inspect.Signature, str, Optional[str]]


class _Declared(Generic[P, T]):
    """What both endpoint descriptors share: binding, and what a bound method shows."""

    #: The client's runner for plain and for raw calls.
    _runners: ClassVar[Tuple[str, str]]

    def __init__(self, declaration: Callable[..., Any]) -> None:
        self.declaration = declaration
        self._presentations: Dict[Tuple[str, bool, bool], _Presentation] = {}
        update_wrapper(self, declaration)  # pyright: ignore[reportArgumentType]

    def _result_type(self, result: Any, asynchronous: bool, raw: bool) -> Any:
        """The type a user gets from a call in this mode, `result` being the declared `Call[result]`'s."""
        from ._response import APIResponse, AsyncAPIResponse

        if raw:
            return Awaitable[AsyncAPIResponse[result]] if asynchronous else APIResponse[result]
        return Awaitable[result] if asynchronous else result

    def _bind(self, resource: Resource[Any]) -> Callable[..., Any]:
        client: Any = resource._client  # pyright: ignore[reportPrivateUsage]
        raw = resource._raw  # pyright: ignore[reportPrivateUsage]
        run: Callable[[Any], Any] = getattr(client, self._runners[raw])
        declaration = self.declaration

        def method(*args: Any, **kwargs: Any) -> Any:
            return run(declaration(resource, *args, **kwargs))

        client_class: Any = client.__class__
        signature, qualname, doc = self._presentation(type(resource), client_class, raw)
        method.__name__ = declaration.__name__
        method.__qualname__ = qualname
        method.__module__ = declaration.__module__
        method.__doc__ = doc
        method.__signature__ = signature  # type: ignore[attr-defined]
        method.__wrapped__ = declaration  # type: ignore[attr-defined]
        # Kept on the resource: the descriptor only binds on the first lookup, and
        # `client.roles.retrieve(...)` is then a plain attribute read.
        vars(resource)[declaration.__name__] = method
        return method

    def _presentation(self, resource_class: type, client_class: type, raw: bool) -> _Presentation:
        """Signature, name and docstring of the bound method, worked out once per client class and mode."""
        key = (client_class.__qualname__, bool(getattr(client_class, "_asynchronous", False)), raw)
        known = self._presentations.get(key)
        if known is not None:
            return known
        name, asynchronous, _ = key
        declaration = self.declaration
        hints = typing.get_type_hints(declaration)
        declared = inspect.signature(declaration)
        parameters = [
            parameter.replace(annotation=hints.get(parameter.name, parameter.annotation))
            for parameter in list(declared.parameters.values())[1:]
        ]
        (result,) = typing.get_args(hints["return"])
        returns = self._result_type(None if result is type(None) else result, asynchronous, raw)
        path = getattr(resource_class, "_path", "") or resource_class.__name__
        parts = (name, path, "with_raw_response" if raw else "", declaration.__name__)
        qualname = ".".join(part for part in parts if part)
        where = f"`{qualname}`, declared in `{declaration.__module__}.{declaration.__qualname__}`."
        doc = f"{inspect.cleandoc(declaration.__doc__)}\n\n{where}" if declaration.__doc__ else where
        presentation = (inspect.Signature(parameters, return_annotation=returns), qualname, doc)
        self._presentations[key] = presentation
        return presentation


class Endpoint(_Declared[P, T]):
    """An endpoint method (see the module docstring)."""

    _runners = ("_run", "_run_raw")

    def __init__(self, declaration: Callable[Concatenate[Any, P], Call[T]]) -> None:
        super().__init__(declaration)

    @overload
    def __get__(self, obj: None, owner: Any) -> "Self": ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> Callable[P, Awaitable[T]]: ...
    @overload
    def __get__(self, obj: Resource[SyncRaw], owner: Any) -> Callable[P, APIResponse[T]]: ...
    @overload
    def __get__(self, obj: Resource[AsyncRaw], owner: Any) -> Callable[P, Awaitable[AsyncAPIResponse[T]]]: ...
    def __get__(self, obj: Optional[Resource[Any]], owner: Any) -> Any:
        if obj is None:
            return self
        return self._bind(obj)


class PagedEndpoint(_Declared[P, T]):
    """A paginated list method: gives a page object that fetches the rest on demand."""

    _runners = ("_paginate", "_paginate_raw")

    def __init__(self, declaration: Callable[Concatenate[Any, P], PagedCall[T]]) -> None:
        super().__init__(declaration)

    def _result_type(self, result: Any, asynchronous: bool, raw: bool) -> Any:
        from ._pages import AsyncPage, AsyncPager, SyncPage
        from ._response import APIResponse, AsyncAPIResponse

        if raw:
            return Awaitable[AsyncAPIResponse[AsyncPage[result]]] if asynchronous else APIResponse[SyncPage[result]]
        return AsyncPager[result] if asynchronous else SyncPage[result]

    @overload
    def __get__(self, obj: None, owner: Any) -> "Self": ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> Callable[P, SyncPage[T]]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> Callable[P, AsyncPager[T]]: ...
    @overload
    def __get__(self, obj: Resource[SyncRaw], owner: Any) -> Callable[P, APIResponse[SyncPage[T]]]: ...
    @overload
    def __get__(
        self, obj: Resource[AsyncRaw], owner: Any
    ) -> Callable[P, Awaitable[AsyncAPIResponse[AsyncPage[T]]]]: ...
    def __get__(self, obj: Optional[Resource[Any]], owner: Any) -> Any:
        if obj is None:
            return self
        return self._bind(obj)


# A PagedCall is a Call, so the overloads overlap on purpose: the first one
# wins for paginated lists, which is exactly what the runtime check below does.
@overload
def endpoint(  # pyright: ignore[reportOverlappingOverload]
    declaration: Callable[Concatenate[Any, P], PagedCall[T]],
) -> PagedEndpoint[P, T]: ...
@overload
def endpoint(declaration: Callable[Concatenate[Any, P], Call[T]]) -> Endpoint[P, T]: ...
def endpoint(declaration: Callable[..., Any]) -> Any:
    """Declare an endpoint method (see the module docstring).

    Whether it is a paginated list is read from the declaration's return
    annotation (`PagedCall[...]`), so one decorator serves both kinds.
    """
    annotation = str(declaration.__annotations__.get("return", ""))
    if annotation.split("[", 1)[0].rsplit(".", 1)[-1] == "PagedCall":
        return PagedEndpoint(declaration)
    return Endpoint(declaration)
