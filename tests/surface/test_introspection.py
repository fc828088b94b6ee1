"""What `inspect.signature` and `help()` show of the methods users call.

For every operation of the spec and every mode (plain and raw, on both
clients), the bound method's signature has the declaration's parameters
without `self`, and the return type the user really gets; `help()` shows the
docstring and where the method lives.
"""

from __future__ import annotations

import inspect
import pydoc
import typing
from typing import Any, Awaitable, Callable, Tuple

import pytest

import wootiv
from wootiv import APIResponse, AsyncAPIResponse, AsyncPage, AsyncPager, AsyncWootiv, SyncPage, Wootiv
from wootiv.types import RoleDto

from .conftest import Op, async_client, model_class, op_params, sync_client

MODES = pytest.mark.parametrize("asynchronous,raw", [(False, False), (True, False), (False, True), (True, True)])


def _bound(op: Op, asynchronous: bool, raw: bool) -> Tuple[Any, Callable[..., Any]]:
    client = async_client()[0] if asynchronous else sync_client()[0]
    target: Any = client
    parts = op.resource.split(".")
    for part in parts:
        target = getattr(target, part)
    if raw:
        target = target.with_raw_response
    return client, getattr(target, op.name)


def _expected_return(result: Any, paginated: bool, asynchronous: bool, raw: bool) -> Any:
    if paginated:
        if raw:
            return Awaitable[AsyncAPIResponse[AsyncPage[result]]] if asynchronous else APIResponse[SyncPage[result]]
        return AsyncPager[result] if asynchronous else SyncPage[result]
    if raw:
        return Awaitable[AsyncAPIResponse[result]] if asynchronous else APIResponse[result]
    return Awaitable[result] if asynchronous else result


@op_params()
@MODES
def test_signature_is_what_the_user_calls(op: Op, asynchronous: bool, raw: bool) -> None:
    _, method = _bound(op, asynchronous, raw)
    declaration = inspect.unwrap(method)
    declared = list(inspect.signature(declaration).parameters.values())
    assert declared[0].name == "self"
    hints = typing.get_type_hints(declaration)
    shown = inspect.signature(method)
    assert [(p.name, p.kind, p.default) for p in shown.parameters.values()] == [
        (p.name, p.kind, p.default) for p in declared[1:]
    ]
    assert all(p.annotation == hints[p.name] for p in shown.parameters.values())
    (result,) = typing.get_args(hints["return"])
    result = None if result is type(None) else result
    assert shown.return_annotation == _expected_return(result, op.paginated, asynchronous, raw)


@op_params()
@MODES
def test_help_shows_the_docstring_and_where_the_method_lives(op: Op, asynchronous: bool, raw: bool) -> None:
    client, method = _bound(op, asynchronous, raw)
    declaration = inspect.unwrap(method)
    where = ".".join([type(client).__name__, op.resource, *(["with_raw_response"] if raw else []), op.name])
    assert method.__qualname__ == where
    assert method.__module__ == declaration.__module__
    text = pydoc.render_doc(method, renderer=pydoc.plaintext)
    assert inspect.cleandoc(declaration.__doc__ or "").splitlines()[0] in text
    assert where in text and f"{declaration.__module__}.{declaration.__qualname__}" in text
    assert "self" not in str(inspect.signature(method))


def test_the_documented_examples_of_the_issue() -> None:
    client = Wootiv(api_key="k", base_url="http://127.0.0.1:9")
    assert inspect.signature(client.roles.retrieve).return_annotation is RoleDto
    assert inspect.signature(client.roles.list).return_annotation == SyncPage[RoleDto]
    assert list(inspect.signature(client.roles.retrieve).parameters)[0] == "id"
    assert inspect.signature(client.roles.with_raw_response.retrieve).return_annotation == APIResponse[RoleDto]
    aclient = AsyncWootiv(api_key="k", base_url="http://127.0.0.1:9")
    assert inspect.signature(aclient.roles.retrieve).return_annotation == Awaitable[RoleDto]
    assert inspect.signature(aclient.roles.list).return_annotation == AsyncPager[RoleDto]
    assert model_class("RoleDto") is RoleDto
    client.close()


def test_signatures_are_worked_out_once_per_mode() -> None:
    first = Wootiv(api_key="k", base_url="http://127.0.0.1:9")
    second = Wootiv(api_key="k", base_url="http://127.0.0.1:9")
    assert inspect.signature(first.roles.retrieve) is inspect.signature(second.roles.retrieve)
    assert first.roles.retrieve is first.roles.retrieve  # bound once, then a plain attribute
    first.close()
    second.close()


@pytest.mark.parametrize("name", ["get", "post", "put", "patch", "delete", "request"])
@pytest.mark.parametrize("client_class", [Wootiv, AsyncWootiv])
def test_custom_request_methods_show_their_signature_and_docstring(name: str, client_class: Any) -> None:
    client = client_class(api_key="k", base_url="http://127.0.0.1:9")
    method = getattr(client, name)
    shown = inspect.signature(method)
    expected = ["path", "cast_to", "options", "query", "extra_headers", "timeout", "deadline", "retry_writes"]
    if name != "get":
        expected.insert(2, "body")
    if name == "request":
        expected.insert(0, "method")
    assert list(shown.parameters) == expected
    assert method.__qualname__ == f"{client_class.__name__}.{name}"
    assert (typing.get_origin(shown.return_annotation) is not None) is (client_class is AsyncWootiv)
    assert method.__doc__ and "cast_to" in method.__doc__


def test_public_names_of_this_surface_have_docstrings() -> None:
    for name in ("APIResponse", "AsyncAPIResponse", "RequestOptions"):
        value = getattr(wootiv, name)
        assert value.__doc__, name
        for klass in value.__mro__:
            if not klass.__module__.startswith("wootiv"):
                continue
            for attribute, member in vars(klass).items():
                if not attribute.startswith("_") and (callable(member) or isinstance(member, property)):
                    assert member.__doc__, f"{name}.{attribute}"
