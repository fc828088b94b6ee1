"""Spec walk: both clients expose every operation of the spec, with its exact call shape.

For each of the 81 operations, `client.<x-sdk.resource>.<x-sdk.method>` must
exist on `Wootiv` and on `AsyncWootiv`, take the positional parameters of
`x-sdk.positional` in order, then keyword-only the other names of
`x-sdk.signature` plus any query parameter the spec adds, then the four
per-call options; required exactly where the spec says; and be typed to
return what `x-sdk.returns` / the response schema names.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest

import wootiv
from wootiv import AsyncPager, AsyncWootiv, SyncPage, Wootiv
from wootiv._resource import Endpoint, PagedEndpoint, Resource
from wootiv_core.api.operations import BY_ID
from wootiv_core.operation import Call, PagedCall

from .conftest import (
    OPS,
    OPTION_NAMES,
    Op,
    answer_script,
    async_client,
    call_arguments,
    kind_of,
    method_of,
    model_class,
    op_params,
    ref_name,
    resolve,
    response_schemas,
    settle,
    sync_client,
)

CLIENTS = pytest.mark.parametrize("client_class", [Wootiv, AsyncWootiv], ids=["sync", "async"])


def signature_names(op: Op) -> List[str]:
    """The parameter names of `x-sdk.signature`, in order (without `*`)."""
    inside = op.sdk["signature"].split("(", 1)[1].rsplit(")", 1)[0]
    return [name.strip() for name in inside.split(",") if name.strip() and name.strip() != "*"]


def expected_parameters(op: Op) -> List[Tuple[str, str, bool]]:
    """`(name, kind, required)` of every parameter the method must have, in order."""
    positional = list(op.sdk["positional"])
    named = signature_names(op)
    assert named[: len(positional)] == positional, f"{op.id}: the spec's signature and positional list disagree"
    args = {arg.python: arg for arg in op.args}
    assert set(named) <= set(args), f"{op.id}: signature names {set(named) - set(args)} are not in the spec"
    extra = [arg.python for arg in op.args if arg.python not in named]
    assert all(args[name].where == "query" for name in extra), f"{op.id}: unexpected extra names {extra}"
    shape = [(name, "POSITIONAL_OR_KEYWORD", True) for name in positional]
    shape += [(name, "KEYWORD_ONLY", args[name].required) for name in named[len(positional) :] + extra]
    shape += [(name, "KEYWORD_ONLY", False) for name in OPTION_NAMES]
    return shape


def declared(bound: Any) -> inspect.Signature:
    """The method's own signature (following `__wrapped__`), without `self`."""
    signature = inspect.signature(inspect.unwrap(bound))
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    return signature.replace(parameters=parameters)


def test_the_spec_has_exactly_81_distinct_operations() -> None:
    assert len(OPS) == 81
    assert len({op.id for op in OPS}) == 81
    assert len({(op.resource, op.name) for op in OPS}) == 81
    assert len({(op.method, op.path) for op in OPS}) == 81


@CLIENTS
@op_params()
def test_the_method_exists_with_the_spec_call_shape(client_class: Any, op: Op) -> None:
    client = client_class(api_key="k", http_client=sync_client()[1] if client_class is Wootiv else async_client()[1])
    bound = method_of(client, op)
    assert callable(bound)
    signature = declared(bound)
    got = [
        (p.name, p.kind.name, p.default is inspect.Parameter.empty)
        for p in signature.parameters.values()
    ]
    assert got == expected_parameters(op)
    # Defaults of optional arguments mean "not given": nothing is sent for them.
    for p in signature.parameters.values():
        if p.default is not inspect.Parameter.empty and p.name not in OPTION_NAMES:
            assert not p.default, f"{op.id}({p.name}=) defaults to {p.default!r}"
    # The docstring is the spec's summary (what editors show on both clients).
    assert bound.__doc__ and op.raw["summary"].rstrip(".") in " ".join(bound.__doc__.split())
    assert bound.__name__ == op.name


@op_params()
def test_sync_and_async_share_one_declaration(op: Op) -> None:
    sync = method_of(Wootiv(api_key="k", http_client=sync_client()[1]), op)
    async_ = method_of(AsyncWootiv(api_key="k", http_client=async_client()[1]), op)
    assert inspect.unwrap(sync) is inspect.unwrap(async_)
    assert declared(sync) == declared(async_)


def expected_result(op: Op) -> Tuple[type, Any]:
    """`(Call or PagedCall, result type)` that the spec asks for."""
    schema = op.response_schema
    if op.paginated:
        item = ref_name(op.item_schema)
        assert item, f"{op.id}: page items are not a named schema"
        return PagedCall, model_class(item)
    if schema is None:
        assert op.sdk["returns"] == "None"
        return Call, type(None)
    name = ref_name(schema)
    if name is None:
        assert kind_of(schema) == "object" and op.sdk["returns"] == "object"
        return Call, Dict[str, Any]
    # `x-sdk.returns` is the earlier SDK's name of the same type (its x-sdk-type's last part).
    sdk_types = resolve(schema).get("x-sdk-type")
    last_parts = {path.rsplit(".", 1)[1] for path in ([sdk_types] if isinstance(sdk_types, str) else sdk_types or [])}
    assert op.sdk["returns"] in {name} | last_parts, f"{op.id}: x-sdk.returns does not name {name}"
    return Call, model_class(name)


@op_params()
def test_the_return_type_matches_the_spec(op: Op) -> None:
    wrapper, result = expected_result(op)
    declaration = inspect.unwrap(method_of(Wootiv(api_key="k", http_client=sync_client()[1]), op))
    annotation = declaration.__annotations__["return"]
    hint = eval(annotation, declaration.__globals__) if isinstance(annotation, str) else annotation
    assert typing.get_origin(hint) is wrapper, f"{op.id} is declared to return {hint}"
    (declared_result,) = typing.get_args(hint)
    assert declared_result == result
    # The operation table the request is built from agrees with the spec and the declaration.
    table = BY_ID[op.id]
    assert (table.method, table.path, table.accept, table.paginated) == (
        op.method,
        op.path,
        op.accept,
        op.paginated,
    )
    assert (type(None) if table.result is None else table.result) == result
    # The descriptor kind decides what the call gives on each client.
    resource = _resource_of(Wootiv(api_key="k", http_client=sync_client()[1]), op)
    descriptor = _class_attr(type(resource), op.name)
    assert isinstance(descriptor, PagedEndpoint if op.paginated else Endpoint)
    assert not isinstance(descriptor, PagedEndpoint) or op.paginated


@op_params()
def test_type_hints_of_every_method_resolve_at_runtime(op: Op) -> None:
    """`typing.get_type_hints` works on each method (runtime validators and doc tools rely on it)."""
    declaration = inspect.unwrap(method_of(Wootiv(api_key="k", http_client=sync_client()[1]), op))
    hints = typing.get_type_hints(declaration)
    assert set(hints) == {p.name for p in declared(declaration).parameters.values()} | {"return"}


def _resource_of(client: Any, op: Op) -> Any:
    target = client
    for part in op.resource.split("."):
        target = getattr(target, part)
    return target


def _class_attr(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


@op_params(lambda op: op.paginated)
def test_sync_lists_give_a_sync_page(op: Op) -> None:
    client, recorder = sync_client(answer_script(op))
    args, kwargs = _arguments(op)
    page = method_of(client, op)(*args, **kwargs)
    assert isinstance(page, SyncPage)
    assert len(recorder.sent) == 1


@op_params(lambda op: op.paginated)
async def test_async_lists_give_an_async_pager(op: Op) -> None:
    client, recorder = async_client(answer_script(op))
    args, kwargs = _arguments(op)
    pager = method_of(client, op)(*args, **kwargs)
    assert isinstance(pager, AsyncPager)
    assert recorder.sent == []  # nothing is sent before it is awaited or iterated
    page = await pager
    assert isinstance(page, wootiv.AsyncPage) and len(recorder.sent) == 1


@op_params(lambda op: not op.paginated)
async def test_async_methods_return_awaitables(op: Op) -> None:
    client, recorder = async_client(answer_script(op))
    args, kwargs = _arguments(op)
    pending = method_of(client, op)(*args, **kwargs)
    assert inspect.isawaitable(pending)
    await settle(pending)
    assert len(recorder.sent) == 1


def _arguments(op: Op) -> Tuple[List[Any], Dict[str, Any]]:
    args, kwargs, _ = call_arguments(op)
    return args, kwargs


def _endpoints(resource: Any, prefix: str, seen: Set[Tuple[str, str]]) -> None:
    for klass in type(resource).__mro__:
        for name, attr in vars(klass).items():
            if isinstance(attr, (Endpoint, PagedEndpoint)):
                seen.add((prefix, name))
            elif isinstance(attr, functools.cached_property):
                child = getattr(resource, name)
                if isinstance(child, Resource):
                    _endpoints(child, f"{prefix}.{name}" if prefix else name, seen)


@CLIENTS
def test_the_clients_have_no_operation_the_spec_lacks(client_class: Any) -> None:
    client = client_class(api_key="k", http_client=sync_client()[1] if client_class is Wootiv else async_client()[1])
    found: Set[Tuple[str, str]] = set()
    _endpoints(client, "", found)
    assert found == {(op.resource, op.name) for op in OPS}


def test_every_response_type_is_public_in_wootiv_types() -> None:
    missing = [name for name in response_schemas() if not hasattr(wootiv.types, name)]
    assert missing == []


def _type_for(schema: Dict[str, Any]) -> Any:
    """The Python type the spec asks for, built from the spec's own structure."""
    name = ref_name(schema)
    resolved = resolve(schema)
    if "oneOf" in resolved:
        return typing.Union[tuple(_type_for(option) for option in resolved["oneOf"])]
    if kind_of(resolved) == "array":
        return List[_type_for(resolved["items"])]  # type: ignore[misc]
    assert name, f"an anonymous object schema: {schema}"
    return getattr(wootiv.types, name)


def test_response_aliases_have_the_spec_structure() -> None:
    """`TokenListResponse` is `List[TokenListResponseItem]`, `RoleListResponse` the union of page and list, ..."""
    for name, schema in response_schemas().items():
        if "oneOf" in schema or kind_of(schema) == "array":
            assert getattr(wootiv.types, name) == _type_for({"$ref": f"#/components/schemas/{name}"}), name


def _resolve_dotted(path: str) -> Optional[Any]:
    import importlib

    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return None
            target = getattr(target, attribute)
        return target
    return None


def test_the_earlier_sdk_response_type_paths_still_import() -> None:
    """Drop-in: each response type's `x-sdk-type` (its import path in the earlier SDK) resolves."""
    missing: List[str] = []
    for name, schema in response_schemas().items():
        paths = schema.get("x-sdk-type")
        for path in [paths] if isinstance(paths, str) else paths or []:
            target = _resolve_dotted(path)
            if target is None:
                missing.append(f"{path} (the spec's {name})")
    assert missing == [], "not importable:\n" + "\n".join(missing)


def test_signature_names_use_snake_case_python_names() -> None:
    for op in OPS:
        for name in signature_names(op):
            assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"{op.id}: {name}"
