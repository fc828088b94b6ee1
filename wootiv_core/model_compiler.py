"""Straight-line structuring functions for the models: the fast path.

cattrs' generated structuring code calls one hook per field and then the
class's `__init__`; for a page of a hundred records those calls are most of
the SDK's cost. For each model this module writes one function that checks
and converts every field inline — `str`, `int`, `float`, `bool`, date-times,
nested models, lists of models, and `Optional` of any of these — and fills
the object's slots directly. Nested models are written into their parent's
function, so a record with its sub-records is read by one call. Fields of
any other type (literals, free-form objects, nested lists) go through the
converter's own hook.

A value that does not fit raises, and `converter.structure` then takes its
slower path, which explains the mismatch (strict) or keeps what fits
(lenient). So these functions only need to be right about answers that do
fit, and a property test checks them against cattrs' detailed converter.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any, Callable, Dict, List, Optional, Tuple, Type, Union, cast, get_args, get_origin

import attrs

from .model import BOOKKEEPING, Model, is_model_class, read_iso, wire_name

__all__ = ["compile_model", "Hook"]

Hook = Callable[[Any, Any], Any]

# Python 3.11 reads a trailing `Z` itself; before that `read_iso` (which
# rewrites it) is the one to call. A lower-case `z`, which only `read_iso`
# reads, sends 3.11 down the slow path, which gives the same value.
_from_iso: Callable[[str], _dt.datetime] = _dt.datetime.fromisoformat if sys.version_info >= (3, 11) else read_iso


# Each entry checks and converts the value in the variable named `{v}`;
# `{what}` names the message of the error raised.
# Date-times need no type check of their own: `_from_iso` refuses
# anything that is not a string.
_INLINE_CHECKS = {
    str: ["if type({v}) is not str: raise TypeError({what})"],
    int: ["if type({v}) is not int: raise TypeError({what})"],
    bool: ["if type({v}) is not bool: raise TypeError({what})"],
    float: [
        "if type({v}) is not float:",
        "    if type({v}) is not int: raise TypeError({what})",
        "    {v} = float({v})",
    ],
    _dt.datetime: [
        "{v} = _from_iso({v})",
        "if {v}.tzinfo is None: {v} = {v}.replace(tzinfo=_utc)",
    ],
}

#: How many models deep nested models are written into their parent's
#: function; deeper ones, and a model inside itself, are called instead.
_INLINE_DEPTH = 4


def _optional_of(tp: Any) -> Optional[Any]:
    """`X` for `Optional[X]`, else `None`."""
    if get_origin(tp) is Union:
        args = get_args(tp)
        if len(args) == 2 and type(None) in args:
            return args[0] if args[1] is type(None) else args[1]
    return None


def _list_of_model(tp: Any) -> Optional[Type[Model]]:
    """`M` for `List[M]` where `M` is a model, else `None`."""
    if get_origin(tp) in (list, List) and is_model_class(get_args(tp)[0]):
        item: Type[Model] = get_args(tp)[0]
        return item
    return None


def _mentions_model(tp: Any) -> bool:
    """Whether `tp` is a model or a type built from one (`Dict[str, M]`, ...)."""
    return is_model_class(tp) or any(_mentions_model(arg) for arg in get_args(tp))


class _Later:
    """A model's hook, looked up on first use rather than while compiling.

    A model may contain itself, directly or through others; asking the
    converter for its hook while its own function is being written would
    start writing that function again, without end.
    """

    __slots__ = ("_hook_for", "_tp", "_hook")

    def __init__(self, hook_for: Callable[[Any], Hook], tp: Any) -> None:
        self._hook_for = hook_for
        self._tp = tp
        self._hook: Optional[Hook] = None

    def __call__(self, value: Any, tp: Any) -> Any:
        if self._hook is None:
            self._hook = self._hook_for(self._tp)
        return self._hook(value, tp)


_ABSENT = object()
# `attrs.Factory` is a class at run time, typed as a function.
_FACTORY = cast(type, attrs.Factory)


class _Writer:
    """Collects the lines of one function and the names its code refers to.

    The object being read at nesting depth `d` is in `o{d}`, the model being
    filled in `m{d}` and the current field's value in `v{d}`: a nested model
    written inline reads `o{d+1}` while its parent's variables stay intact.
    """

    def __init__(self, hook_for: Callable[[Any], Hook], unknown_fields: Callable[[Any, Any], Any]) -> None:
        self.hook_for = hook_for
        self.names: Dict[str, Any] = {
            "_new": object.__new__,
            "_from_iso": _from_iso,
            "_utc": _dt.timezone.utc,
            "_absent": _ABSENT,
            "_empty": frozenset(),
            "_unknown": unknown_fields,
        }
        self.lines: List[str] = []

    def name(self, value: Any) -> str:
        key = f"_n{len(self.names)}"
        self.names[key] = value
        return key

    def emit(self, indent: str, *lines: str) -> None:
        self.lines.extend(indent + line for line in lines)

    def inlined(self, cls: Type[Model], chain: Tuple[Type[Model], ...]) -> bool:
        return cls not in chain and len(chain) < _INLINE_DEPTH

    def hook(self, tp: Any) -> str:
        """The name of the converter's hook for `tp` in the written code."""
        return self.name(_Later(self.hook_for, tp) if _mentions_model(tp) else self.hook_for(tp))

    def model(self, cls: Type[Model], chain: Tuple[Type[Model], ...], indent: str) -> None:
        """Lines that read the dict in `o{d}` into a new `cls` in `m{d}`."""
        d = len(chain)
        chain += (cls,)
        o, m, v, what = f"o{d}", f"m{d}", f"v{d}", self.name(f"not a well-formed {cls.__name__}")
        attrs.resolve_types(cls)
        fields = [field for field in attrs.fields(cls) if field.name not in BOOKKEEPING]
        required = [field for field in fields if field.default is attrs.NOTHING]
        optional = [field for field in fields if field.default is not attrs.NOTHING]
        known = self.name(frozenset(wire_name(field) for field in fields))
        if not fields:
            # Otherwise reading the first field (`o[...]` or `o.get`) already
            # fails for anything that is not a dict.
            self.emit(indent, f"if type({o}) is not dict: raise TypeError({what})")
        self.emit(indent, f"{m} = _new({self.name(cls)})")
        if optional:
            self.emit(indent, f"present{d} = 0", f"unset{d} = []")
        for field in fields:
            key = repr(wire_name(field))
            if field.default is attrs.NOTHING:
                self.emit(indent, f"{v} = {o}[{key}]")
                self.convert(field.type, chain, indent, what)
            else:
                default = field.default
                fill = f"{self.name(default.factory)}()" if isinstance(default, _FACTORY) else self.name(default)
                self.emit(
                    indent,
                    f"{v} = {o}.get({key}, _absent)",
                    f"if {v} is _absent:",
                    f"    {v} = {fill}",
                    f"    unset{d}.append({field.name!r})",
                    "else:",
                    f"    present{d} += 1",
                )
                self.convert(field.type, chain, indent + "    ", what)
            self.emit(indent, f"{m}.{field.name} = {v}")
        count = f"{len(required)} + present{d}" if optional else str(len(required))
        self.emit(
            indent,
            f"{m}._extra = None if len({o}) == {count} else _unknown({o}, {known})",
            f"{m}._unset = frozenset(unset{d}) if unset{d} else _empty" if optional else f"{m}._unset = _empty",
        )

    def convert(self, tp: Any, chain: Tuple[Type[Model], ...], indent: str, what: str) -> None:
        """Lines that check `v{d}` against `tp` and leave the converted value in it."""
        d = len(chain) - 1
        v = f"v{d}"
        inner = _optional_of(tp)
        item = _list_of_model(tp)
        if inner is not None and (inner in _INLINE_CHECKS or is_model_class(inner)):
            self.emit(indent, f"if {v} is not None:")
            self.convert(inner, chain, indent + "    ", what)
        elif tp in _INLINE_CHECKS:
            self.emit(indent, *(line.format(v=v, what=what) for line in _INLINE_CHECKS[tp]))
        elif is_model_class(tp) and self.inlined(tp, chain):
            self.emit(indent, f"o{d + 1} = {v}")
            self.model(tp, chain, indent)
            self.emit(indent, f"{v} = m{d + 1}")
        elif item is not None and self.inlined(item, chain):
            self.emit(indent, f"if type({v}) is not list: raise TypeError({what})", f"items{d} = []")
            self.emit(indent, f"for o{d + 1} in {v}:")
            self.model(item, chain, indent + "    ")
            self.emit(indent, f"    items{d}.append(m{d + 1})", f"{v} = items{d}")
        elif is_model_class(tp):
            self.emit(indent, f"{v} = {self.hook(tp)}({v}, None)")
        elif item is not None:
            hook = self.hook(item)
            self.emit(indent, f"if type({v}) is not list: raise TypeError({what})", f"{v} = [{hook}(x, None) for x in {v}]")
        else:
            self.emit(indent, f"{v} = {self.hook(tp)}({v}, {self.name(tp)})")


def compile_model(cls: Type[Model], hook_for: Callable[[Any], Hook], unknown_fields: Callable[[Any, Any], Any]) -> Hook:
    """The fast structuring function of `cls` (see the module docstring).

    `hook_for(tp)` gives the converter's hook for a field type this module
    does not check inline. A model nested too deep to write inline, or one
    inside itself, is read by its own compiled function, asked for through
    `hook_for` on first use. `unknown_fields(data, known)` gives the members
    of `data` outside the `known` wire names, kept as the model's extra
    fields (and checked there, as free-form values are).
    """
    out = _Writer(hook_for, unknown_fields)
    out.model(cls, (), "")
    out.lines.append("return m0")
    source = f"def structure_{cls.__name__}(o0, _):\n" + "".join(f"    {line}\n" for line in out.lines)
    namespace: Dict[str, Any] = dict(out.names)
    exec(compile(source, f"<wootiv structure {cls.__qualname__}>", "exec"), namespace)
    function: Hook = namespace[f"structure_{cls.__name__}"]
    return function
