"""How an endpoint is declared once and appears, typed, on both clients.

A resource class is generic over a mode, `Sync` or `Async`. Each endpoint is
one method decorated with `@endpoint` whose body only says which operation
it calls with which arguments (it returns a `Call`). The decorator makes it
a descriptor: read from a `Resource[Sync]` it is a function returning the
result, from a `Resource[Async]` a function returning an awaitable of it.
Paginated lists (methods returning a `PagedCall`) give `SyncPage[T]` or
`AsyncPager[T]` instead. Editors and type checkers see each method's own
parameters and docstring on both clients, and the declaration is the only
place the method exists.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Generic, Optional, TypeVar, Union, overload

from typing_extensions import Concatenate, ParamSpec

from wootiv_core.operation import Call, PagedCall

if TYPE_CHECKING:
    from ._pages import AsyncPager, SyncPage

__all__ = ["Sync", "Async", "Resource", "endpoint", "Endpoint", "PagedEndpoint"]

P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound="Union[Sync, Async]")


class Sync:
    """Mode marker: methods return their results directly."""


class Async:
    """Mode marker: methods return awaitables."""


class Resource(Generic[M]):
    """A group of endpoints (`client.roles`, `client.space.members`, ...).

    `_client` is the client that owns it; its `_run` and `_paginate` decide
    whether a call blocks or returns an awaitable.
    """

    def __init__(self, client: Any) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class Endpoint(Generic[P, T]):
    """An endpoint method (see the module docstring)."""

    def __init__(self, declaration: Callable[Concatenate[Any, P], Call[T]]) -> None:
        self.declaration = declaration
        update_wrapper(self, declaration)  # pyright: ignore[reportArgumentType]

    @overload
    def __get__(self, obj: None, owner: Any) -> "Endpoint[P, T]": ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, obj: Optional[Resource[Any]], owner: Any) -> Any:
        if obj is None:
            return self
        return _bind(self.declaration, obj, obj._client._run)  # pyright: ignore[reportPrivateUsage]


class PagedEndpoint(Generic[P, T]):
    """A paginated list method: gives a page object that fetches the rest on demand."""

    def __init__(self, declaration: Callable[Concatenate[Any, P], PagedCall[T]]) -> None:
        self.declaration = declaration
        update_wrapper(self, declaration)  # pyright: ignore[reportArgumentType]

    @overload
    def __get__(self, obj: None, owner: Any) -> "PagedEndpoint[P, T]": ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: Any) -> Callable[P, "SyncPage[T]"]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: Any) -> Callable[P, "AsyncPager[T]"]: ...
    def __get__(self, obj: Optional[Resource[Any]], owner: Any) -> Any:
        if obj is None:
            return self
        return _bind(self.declaration, obj, obj._client._paginate)  # pyright: ignore[reportPrivateUsage]


def _bind(declaration: Callable[..., Any], resource: Resource[Any], run: Callable[[Any], Any]) -> Callable[..., Any]:
    def method(*args: Any, **kwargs: Any) -> Any:
        return run(declaration(resource, *args, **kwargs))

    method.__name__ = declaration.__name__
    method.__qualname__ = declaration.__qualname__
    method.__doc__ = declaration.__doc__
    method.__wrapped__ = declaration  # type: ignore[attr-defined]
    # Kept on the resource: the descriptor only binds on the first lookup, and
    # `client.roles.retrieve(...)` is then a plain attribute read.
    vars(resource)[declaration.__name__] = method
    return method


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
