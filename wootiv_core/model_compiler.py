"""Straight-line structuring functions for the models: the fast path.

cattrs' generated structuring code calls one hook per field and then the
class's `__init__`; for a page of a hundred records those calls are most of
the SDK's cost. For each model this module writes one function that checks
and converts every field inline — `str`, `int`, `float`, `bool`, date-times,
nested models, lists of models, and `Optional` of any of these — and fills
the object's slots directly. Fields of any other type (literals, free-form
objects, nested lists) go through the converter's own hook.

A value that does not fit raises, and `converter.structure` then takes its
slower path, which explains the mismatch (strict) or keeps what fits
(lenient). So these functions only need to be right about answers that do
fit, and a property test checks them against cattrs' detailed converter.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any, Callable, Dict, List, Optional, Type, Union, cast, get_args, get_origin

import attrs

from .model import BOOKKEEPING, Model, is_model_class, read_iso, wire_name

__all__ = ["compile_model", "Hook"]

Hook = Callable[[Any, Any], Any]

# Python 3.11 reads a trailing `Z` itself; before that `read_iso` (which
# rewrites it) is the one to call. A lower-case `z`, which only `read_iso`
# reads, sends 3.11 down the slow path, which gives the same value.
_from_iso: Callable[[str], _dt.datetime] = _dt.datetime.fromisoformat if sys.version_info >= (3, 11) else read_iso


_INLINE_CHECKS = {
    str: ["if type(v) is not str: raise TypeError(_what)"],
    int: ["if type(v) is not int: raise TypeError(_what)"],
    bool: ["if type(v) is not bool: raise TypeError(_what)"],
    float: [
        "if type(v) is not float:",
        "    if type(v) is not int: raise TypeError(_what)",
        "    v = float(v)",
    ],
    _dt.datetime: [
        "if type(v) is not str: raise TypeError(_what)",
        "v = _from_iso(v)",
        "if v.tzinfo is None: v = v.replace(tzinfo=_utc)",
    ],
}


def _optional_of(tp: Any) -> Optional[Any]:
    """`X` for `Optional[X]`, else `None`."""
    if get_origin(tp) is Union:
        args = get_args(tp)
        if len(args) == 2 and type(None) in args:
            return args[0] if args[1] is type(None) else args[1]
    return None


class _Writer:
    """Collects the lines of one function and the names its code refers to."""

    def __init__(self, cls: Type[Model], hook_for: Callable[[Any], Hook]) -> None:
        self.hook_for = hook_for
        self.names: Dict[str, Any] = {
            "_new": object.__new__,
            "_cls": cls,
            "_what": f"not a well-formed {cls.__name__}",
            "_from_iso": _from_iso,
            "_utc": _dt.timezone.utc,
            "_absent": _ABSENT,
            "_empty": frozenset(),
        }
        self.lines: List[str] = []

    def name(self, value: Any) -> str:
        key = f"_n{len(self.names)}"
        self.names[key] = value
        return key

    def convert(self, tp: Any, indent: str) -> None:
        """Lines that check `v` against `tp` and leave the converted value in `v`."""
        inner = _optional_of(tp)
        if inner is not None and (inner in _INLINE_CHECKS or is_model_class(inner)):
            self.lines.append(f"{indent}if v is not None:")
            self.convert(inner, indent + "    ")
        elif tp in _INLINE_CHECKS:
            self.lines.extend(indent + line for line in _INLINE_CHECKS[tp])
        elif is_model_class(tp):
            self.lines.append(f"{indent}v = {self.name(self.hook_for(tp))}(v, None)")
        elif get_origin(tp) in (list, List) and is_model_class(get_args(tp)[0]):
            item = self.name(self.hook_for(get_args(tp)[0]))
            self.lines.append(f"{indent}if type(v) is not list: raise TypeError(_what)")
            self.lines.append(f"{indent}v = [{item}(x, None) for x in v]")
        else:
            self.lines.append(f"{indent}v = {self.name(self.hook_for(tp))}(v, {self.name(tp)})")


_ABSENT = object()
# `attrs.Factory` is a class at run time, typed as a function.
_FACTORY = cast(type, attrs.Factory)


def compile_model(cls: Type[Model], hook_for: Callable[[Any], Hook]) -> Hook:
    """The fast structuring function of `cls` (see the module docstring).

    `hook_for(tp)` gives the converter's hook for a field type this module
    does not check inline; nested models are asked for through it too, so
    that each model is compiled once.
    """
    attrs.resolve_types(cls)
    fields = [field for field in attrs.fields(cls) if field.name not in BOOKKEEPING]
    required = [field for field in fields if field.default is attrs.NOTHING]
    optional = [field for field in fields if field.default is not attrs.NOTHING]
    out = _Writer(cls, hook_for)
    known = out.name(frozenset(wire_name(field) for field in fields))
    out.lines += ["if type(o) is not dict: raise TypeError(_what)", "m = _new(_cls)"]
    if optional:
        out.lines += ["present = 0", "unset = []"]
    for field in fields:
        key = repr(wire_name(field))
        if field.default is attrs.NOTHING:
            out.lines.append(f"v = o[{key}]")
            out.convert(field.type, "")
        else:
            default = field.default
            fill = f"{out.name(default.factory)}()" if isinstance(default, _FACTORY) else out.name(default)
            out.lines += [
                f"v = o.get({key}, _absent)",
                "if v is _absent:",
                f"    v = {fill}",
                f"    unset.append({field.name!r})",
                "else:",
                "    present += 1",
            ]
            out.convert(field.type, "    ")
        out.lines.append(f"m.{field.name} = v")
    count = f"{len(required)} + present" if optional else str(len(required))
    out.lines += [
        f"m._extra = None if len(o) == {count} else {{k: x for k, x in o.items() if k not in {known}}}",
        "m._unset = frozenset(unset) if unset else _empty" if optional else "m._unset = _empty",
        "return m",
    ]
    source = f"def structure_{cls.__name__}(o, _):\n" + "".join(f"    {line}\n" for line in out.lines)
    namespace: Dict[str, Any] = dict(out.names)
    exec(compile(source, f"<wootiv structure {cls.__qualname__}>", "exec"), namespace)
    function: Hook = namespace[f"structure_{cls.__name__}"]
    return function

