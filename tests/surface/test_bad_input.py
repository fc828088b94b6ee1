"""Bad input is refused before anything is sent, on both clients, for every operation.

* each missing required argument: `TypeError` naming it;
* an unknown keyword or a surplus positional argument: `TypeError`;
* a value of the wrong type (per the spec's schema, nested ones included):
  `TypeError` naming the argument;
* an empty path parameter: `ValueError`.

The transport must not have been called in any of these cases.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

import pytest

from .conftest import (
    Arg,
    Op,
    answer_script,
    async_client,
    call_arguments,
    is_binary,
    is_datetime,
    is_nullable,
    kind_of,
    method_of,
    op_params,
    request_value,
    resolve,
    settle,
    sync_client,
)

MODES = pytest.mark.parametrize("mode", ["sync", "async"])


async def refusal(
    mode: str, op: Op, args: List[Any], kwargs: Dict[str, Any], error: Any, names: Tuple[str, ...] = ()
) -> Optional[str]:
    """`None` if the call raises `error` mentioning `names` without sending; else what went wrong."""
    client, recorder = sync_client(answer_script(op)) if mode == "sync" else async_client(answer_script(op))
    try:
        await settle(method_of(client, op)(*args, **kwargs))
    except error as exc:
        if recorder.sent:
            return f"{type(exc).__name__} raised only after sending"
        # Named as the SDK does elsewhere: `op(name=)` in its own messages, `'name'` in Python's.
        missing = [name for name in names if not re.search(rf"(\b{re.escape(name)}=|'{re.escape(name)}')", str(exc))]
        if missing:
            return f"{type(exc).__name__}({str(exc)!r}) does not name {missing}"
        return None
    except Exception as exc:  # noqa: BLE001 - reported as the wrong kind of error
        return f"raised {type(exc).__name__}({exc}) instead of {error}"
    return f"accepted (sent {len(recorder.sent)} request(s))"


def split(op: Op, values: Dict[str, Any]) -> Tuple[List[Any], Dict[str, Any]]:
    positional = op.sdk["positional"]
    return [values[name] for name in positional if name in values], {
        name: value for name, value in values.items() if name not in positional
    }


def valid_values(op: Op) -> Dict[str, Any]:
    args, kwargs, _ = call_arguments(op)
    return {**dict(zip(op.sdk["positional"], args)), **kwargs}


@MODES
@op_params()
async def test_the_valid_call_goes_through(mode: str, op: Op) -> None:
    # The baseline every refusal below departs from.
    args, kwargs = split(op, valid_values(op))
    client, recorder = sync_client(answer_script(op)) if mode == "sync" else async_client(answer_script(op))
    await settle(method_of(client, op)(*args, **kwargs))
    assert len(recorder.sent) == 1


@MODES
@op_params(lambda op: any(arg.required for arg in op.args))
async def test_each_missing_required_argument_is_a_type_error_naming_it(mode: str, op: Op) -> None:
    problems: List[str] = []
    for arg in op.args:
        if not arg.required:
            continue
        values = valid_values(op)
        del values[arg.python]
        args, kwargs = split(op, values)
        problem = await refusal(mode, op, args, kwargs, TypeError, (arg.python,))
        if problem:
            problems.append(f"without {arg.python}: {problem}")
    assert problems == []


@MODES
@op_params()
async def test_an_unknown_keyword_is_a_type_error(mode: str, op: Op) -> None:
    args, kwargs = split(op, valid_values(op))
    problems = [
        problem
        for problem in [
            await refusal(mode, op, args, {**kwargs, "colour": "red"}, TypeError, ("colour",)),
            await refusal(mode, op, args, {**kwargs, "extraHeaders": {}}, TypeError, ("extraHeaders",)),
            await refusal(mode, op, [*args, "surplus"], kwargs, TypeError),
        ]
        if problem
    ]
    assert problems == []


def wrong_values(arg: Arg) -> List[Any]:
    """Values that do not fit `arg`'s schema (with a nested path when the fault is inside)."""
    schema = resolve(arg.schema)
    kind = kind_of(schema)
    wrong: List[Any] = []
    if arg.where == "path":
        return [123, b"bytes", ["a"], None]
    if arg.required and not is_nullable(schema):
        wrong.append(None)
    if is_binary(schema):
        return wrong + [123, 4.5, {"a": 1}]
    if kind == "array" and is_binary(resolve(schema.get("items", {}))):
        return wrong + [b"not a list", "not a list", 123]
    if is_datetime(schema):
        return wrong + [123, ["2026-01-01"], {"a": 1}]
    if kind == "string":
        return wrong + [123, b"bytes", ["a"], True]
    if kind == "integer":
        return wrong + ["7", 7.5, True, [7]]
    if kind == "number":
        return wrong + ["2.5", True, [2.5]]
    if kind == "boolean":
        return wrong + ["true", 1, 0]
    if kind == "array":
        wrong += ["a,b", {"a": 1}, 5]
        items = resolve(schema.get("items", {}))
        item_kind = kind_of(items)
        if item_kind == "string":
            wrong.append(["fine", 5])
        elif item_kind == "array":
            wrong.append([["fine"], "not a list"])
        elif item_kind == "object" and items.get("properties"):
            good, _ = request_value(items, "item")
            wrong.append([good, "not an object"])
            for key, prop in items["properties"].items():
                if key in items.get("required", []):
                    broken = dict(good)
                    del broken[prop.get("x-python-name") or key]
                    wrong.append([broken])
        return wrong
    if kind == "object":
        wrong += ["x", ["x"], 5]
        if schema.get("properties"):
            good, _ = request_value(schema, "obj")
            for key, prop in schema["properties"].items():
                name = prop.get("x-python-name") or key
                if key in schema.get("required", []):
                    broken = dict(good)
                    del broken[name]
                    wrong.append(broken)
                if kind_of(prop) in ("string", "number", "integer", "boolean"):
                    wrong.append({**good, name: [object()]})
        return wrong
    return wrong


@MODES
@op_params(lambda op: any(arg.where != "unused" for arg in op.args))
async def test_a_wrong_type_is_a_type_error_naming_the_argument(mode: str, op: Op) -> None:
    problems: List[str] = []
    for arg in op.args:
        if arg.where == "unused":
            continue
        for value in wrong_values(arg):
            if value is None and not arg.required and not is_nullable(arg.schema):
                continue  # None for an optional argument means "not given"
            values = valid_values(op)
            values[arg.python] = value
            args, kwargs = split(op, values)
            problem = await refusal(mode, op, args, kwargs, TypeError, (arg.python,))
            if problem:
                problems.append(f"{arg.python}={value!r}: {problem}")
    assert problems == []


@MODES
@op_params(lambda op: any(arg.where == "path" for arg in op.args))
async def test_an_empty_path_parameter_is_a_value_error(mode: str, op: Op) -> None:
    problems: List[str] = []
    for arg in op.args:
        if arg.where != "path":
            continue
        values = valid_values(op)
        values[arg.python] = ""
        args, kwargs = split(op, values)
        problem = await refusal(mode, op, args, kwargs, ValueError, (arg.python,))
        if problem:
            problems.append(f"{arg.python}='': {problem}")
    assert problems == []


@MODES
async def test_bad_per_call_options_are_refused_before_sending(mode: str) -> None:
    from .conftest import OPS_BY_ID

    op = OPS_BY_ID["roles.retrieve"]
    for options, error in [
        ({"extra_headers": {"X-Bad": "a\r\nInjected: 1"}}, ValueError),
        ({"timeout": -1}, ValueError),
        ({"timeout": "soon"}, TypeError),
    ]:
        assert await refusal(mode, op, ["r1"], options, error) is None, options
