"""`wootiv.types` has every type name of the earlier SDK, at its earlier import path.

The expected names are worked out here from the spec alone: the `x-sdk-type`
paths it records for models and request shapes, and, for each method that
takes query or body arguments, the `*Params` name the earlier
(Stainless-generated) SDK gave it: the resource's last part made singular,
then the method, in the package of the resource's other parts
(`client.space.members.list` -> `wootiv.types.space.MemberListParams`, in
module `wootiv/types/space/member_list_params.py`).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Dict, List, Set, Tuple

import pytest
from typing_extensions import is_typeddict

import wootiv
import wootiv.types
from wootiv.types import Model

from .conftest import OPS, SPEC, Op, method_of, python_name, ref_name

SCHEMAS: Dict[str, Any] = SPEC["components"]["schemas"]


def capitalised(snake: str) -> str:
    return "".join("URL" if word == "url" else word[:1].upper() + word[1:] for word in snake.split("_"))


def params_path(op: Op) -> Tuple[List[str], str, str]:
    """(packages below wootiv.types, module name, class name) of `op`'s earlier `*Params`."""
    *packages, last = op.resource.split(".")
    single = last[:-1] if last.endswith("s") else last
    module = f"{single}_{op.name}_params"
    return packages, module, capitalised(module)


def keyword_args(op: Op) -> List[Any]:
    return [arg for arg in op.args if arg.python not in op.sdk["positional"]]


def takes_params(op: Op) -> bool:
    return any(arg.where in ("query", "body") for arg in op.args)


PARAMS_OPS = [op for op in OPS if takes_params(op)]


def load(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_the_rule_gives_the_names_the_spec_records() -> None:
    checked = 0
    for op in PARAMS_OPS:
        body = ref_name(op.raw.get("requestBody", {}).get("content", {}).get(op.body_media or "", {}).get("schema", {}))
        recorded = SCHEMAS[body].get("x-sdk-type") if body else None
        if recorded:
            packages, _, name = params_path(op)
            assert recorded == ".".join(["wootiv", "types", *packages, name])
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize("op", PARAMS_OPS, ids=[op.id for op in PARAMS_OPS])
def test_each_methods_params_exist_at_the_earlier_paths_with_its_keyword_arguments(op: Op) -> None:
    packages, module, name = params_path(op)
    in_package = load(".".join(["wootiv", "types", *packages, name]))
    in_module = load(".".join(["wootiv", "types", *packages, module, name]))
    assert in_package is in_module and is_typeddict(in_package)
    args = keyword_args(op)
    assert set(in_package.__annotations__) == {arg.python for arg in args}
    assert in_package.__required_keys__ == {arg.python for arg in args if arg.required}
    # The keys are the method's own keyword arguments.
    from wootiv import Wootiv

    with Wootiv(api_key="k", base_url="http://x.test", http_client="httpx") as client:
        parameters = inspect.signature(method_of(client, op)).parameters
    assert set(in_package.__annotations__) <= set(parameters)
    if not packages:
        assert name in wootiv.types.__all__ and getattr(wootiv.types, name) is in_package


def test_methods_without_query_or_body_arguments_have_no_params() -> None:
    for op in OPS:
        if not takes_params(op):
            packages, module, name = params_path(op)
            with pytest.raises(ImportError):
                importlib.import_module(".".join(["wootiv", "types", *packages, module]))


def recorded_paths() -> List[Tuple[str, str]]:
    """(schema name, earlier path) for every `x-sdk-type` the spec records."""
    found: List[Tuple[str, str]] = []
    for name, schema in SCHEMAS.items():
        paths = schema.get("x-sdk-type")
        for path in [paths] if isinstance(paths, str) else paths or []:
            found.append((name, path))
    return found


def reached(roots: List[Any]) -> Set[str]:
    """The schema names `roots` refer to, directly or through other schemas."""
    seen: Set[str] = set()
    stack = list(roots)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            name = ref_name(value)
            if name and name not in seen:
                seen.add(name)
                stack.append(SCHEMAS[name])
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return seen


ANSWER_MODELS = reached([op.response_schema for op in OPS if op.response_schema is not None])


@pytest.mark.parametrize("schema, path", recorded_paths(), ids=[path for _, path in recorded_paths()])
def test_every_recorded_type_path_imports(schema: str, path: str) -> None:
    value = load(path)
    request_form = path.startswith("wootiv.types.shared_params.") or "_params." in path or path.endswith("Params")
    if schema in ANSWER_MODELS and not request_form:
        if SCHEMAS[schema].get("properties"):
            assert isinstance(value, type) and issubclass(value, Model) and value.__name__ == schema
        else:
            assert value == getattr(wootiv.types, schema)  # a list or union alias
    else:
        assert is_typeddict(value)
        properties = SCHEMAS[schema].get("properties", {})
        # A method's params also hold its keyword path parameters.
        assert set(value.__annotations__) >= {python_name(wire, prop) for wire, prop in properties.items()}


def test_shared_params_hold_the_request_forms_of_the_shared_models() -> None:
    from wootiv.types import shared, shared_params

    shared_names = sorted(path.rsplit(".", 1)[1] for _, path in recorded_paths() if path.startswith("wootiv.types.shared."))
    assert shared_names == sorted(shared_params.__all__) == sorted(shared.__all__)
    for name in shared_names:
        typed = getattr(shared_params, name)
        assert is_typeddict(typed)
        properties = SCHEMAS[name]["properties"]
        assert set(typed.__annotations__) == {python_name(wire, prop) for wire, prop in properties.items()}


def flat_params_name(op: Op) -> str:
    *packages, _ = op.resource.split(".")
    return "".join(capitalised(part) for part in packages) + params_path(op)[2]


def test_wootiv_types_exports_exactly_the_spec_derived_names() -> None:
    exported: Set[str] = set(wootiv.types.__all__)
    earlier_top = {path.rsplit(".", 1)[1] for _, path in recorded_paths() if path.count(".") == 2}
    earlier_top |= {params_path(op)[2] for op in PARAMS_OPS if "." not in op.resource}
    assert earlier_top <= exported, sorted(earlier_top - exported)

    answers = [op.response_schema for op in OPS if op.response_schema is not None]
    models = reached(answers)
    bodies = [prop for op in OPS for prop in op.body_schema.get("properties", {}).values()]
    shapes = {name for name in reached(bodies) if SCHEMAS[name].get("properties")}
    expected = {"Model"} | models | {f"{name}Param" for name in shapes} | {flat_params_name(op) for op in PARAMS_OPS}
    assert exported == expected
    for name in exported:
        assert getattr(wootiv.types, name) is not None
