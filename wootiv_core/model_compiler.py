"""Straight-line structuring functions for the models: the fast path.

cattrs' generated structuring code calls one hook per field and then the
class's `__init__`; for a page of a hundred records those calls are most of
the SDK's cost. For each model this module writes one function that checks
and converts every field inline — `str`, `int`, `float`, `bool`, date-times,
nested models, lists of models, and `Optional` of any of these — and fills
the object's slots directly. Nested models are written into their parent's
function, so a record with its sub-records is read by one call, and a list
of models at the top (`List[RoleDto]`) is read by one function with the
loop inside. String literals (`Literal["email", "phoneNumber"]`) are
checked inline against the set of their values, and a free-form object
(`Dict[str, Any]`) inline when it is flat; one holding arrays or objects,
and fields of any other type (nested lists, ...), go through the
converter's own hook, which also checks their depth.

The code is written for the interpreter's cheapest steps: every name it
uses is a local (a parameter with a default), fields are looked up with
the very key strings orjson hands out (`decoded_key`), a value is stored
once and checked after, and a model with optional fields notes the absent
ones in a tuple that stays the empty constant when none is missing.

A value that does not fit raises, and `converter.structure` then takes its
slower path, which explains the mismatch (strict) or keeps what fits
(lenient). So these functions only need to be right about answers that do
fit, and a property test checks them against cattrs' detailed converter.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import re
import sys
from typing import Any, Callable, Dict, FrozenSet, List, Literal, Optional, Tuple, Type, Union, cast, get_args, get_origin

import attrs

from .json_decoding import CONTAINERS, decoded_key
from .model import BOOKKEEPING, Model, is_model_class, read_iso, wire_name

__all__ = ["compile_model", "compiles", "is_free_form", "Hook"]

Hook = Callable[[Any, Any], Any]

# Python 3.11 reads a trailing `Z` itself; before that `read_iso` (which
# rewrites it) is the one to call. A lower-case `z`, which only `read_iso`
# reads, sends 3.11 down the slow path, which gives the same value.
_from_iso: Callable[[str], _dt.datetime] = _dt.datetime.fromisoformat if sys.version_info >= (3, 11) else read_iso


# Each entry reads the value of the expression `{src}` into the variable
# `{v}` and the attribute `{t}`, checked and converted; `{what}` names the
# message of the error raised. The plain kinds store the value first and
# check it after: a model that fails is thrown away, and a value stored once
# (chained with `{v} = ...`) costs fewer steps than one stored after its check.
# Date-times need no type check of their own: `_from_iso` refuses
# anything that is not a string.
_INLINE_CHECKS = {
    str: ["{assign}", "if type({v}) is not str: raise TypeError({what})"],
    int: ["{assign}", "if type({v}) is not int: raise TypeError({what})"],
    bool: ["{assign}", "if type({v}) is not bool: raise TypeError({what})"],
    float: [
        "{assign}",
        "if type({v}) is not float:",
        "    if type({v}) is not int: raise TypeError({what})",
        "    {t} = float({v})",
    ],
    _dt.datetime: [
        "{t} = {v} = _from_iso({src})",
        "if {v}.tzinfo is None: {t} = {v}.replace(tzinfo=_utc)",
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


def _string_literal(tp: Any) -> Optional[FrozenSet[str]]:
    """The values of `Literal[...]` when they are all strings, else `None`.

    For strings, membership of the set agrees with cattrs' membership of
    the literal's tuple; a value that cannot be hashed raises, which sends
    the answer down the slow path like any other misfit.
    """
    if get_origin(tp) is Literal and all(type(value) is str for value in get_args(tp)):
        return frozenset(get_args(tp))
    return None


def is_free_form(tp: Any) -> bool:
    """`Any`, or a dict or list type made only of `Any` (and `str` keys): kept as decoded.

    The converter keeps values of these types as they came, after a check
    of their kind and depth; the compiled models check a flat object inline.
    """
    if tp is Any:
        return True
    origin = get_origin(tp)
    if origin in (dict, Dict):
        key, value = get_args(tp) or (str, Any)
        return key is str and is_free_form(value)
    if origin in (list, List):
        (item,) = get_args(tp) or (Any,)
        return is_free_form(item)
    return False


def _free_form_object(tp: Any) -> bool:
    """Whether `tp` is a free-form object type (`Dict[str, Any]`, ...)."""
    return get_origin(tp) in (dict, Dict) and is_free_form(tp)


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

# The built-ins the written code calls, passed in like every other name.
_BUILTINS = {name: getattr(builtins, name) for name in ("type", "len", "str", "int", "bool", "float", "list", "TypeError")}


class _Writer:
    """Collects the lines of one function and the names its code refers to.

    The object being read at nesting depth `d` is in `o{d}`, the model being
    filled in `m{d}` and the current field's value in `v{d}`: a nested model
    written inline reads `o{d+1}` while its parent's variables stay intact.

    Every name the code uses, built-ins included, becomes a parameter of the
    function with the value as its default: the code then reads locals, one
    step cheaper than globals, which counts over the fields of a hundred
    records.
    """

    def __init__(self, hook_for: Callable[[Any], Hook], unknown_fields: Callable[[Any, Any], Any]) -> None:
        self.hook_for = hook_for
        self.names: Dict[str, Any] = {
            **_BUILTINS,
            "_new": object.__new__,
            "_from_iso": _from_iso,
            "_utc": _dt.timezone.utc,
            "_absent": _ABSENT,
            "_empty": frozenset(),
            "_containers": CONTAINERS,
            "_unknown": unknown_fields,
        }
        self.keys: Dict[str, str] = {}
        self.lines: List[str] = []

    def name(self, value: Any) -> str:
        key = f"_n{len(self.names)}"
        self.names[key] = value
        return key

    def key(self, wire: str) -> str:
        """The name of the object key `wire` in the written code (see `decoded_key`)."""
        if wire not in self.keys:
            self.keys[wire] = self.name(decoded_key(wire))
        return self.keys[wire]

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
        optional = any(field.default is not attrs.NOTHING for field in fields)
        known = self.name(frozenset(wire_name(field) for field in fields))
        if not fields:
            # Otherwise reading the first field (`o[...]` or `o.get`) already
            # fails for anything that is not a dict.
            self.emit(indent, f"if type({o}) is not dict: raise TypeError({what})")
        self.emit(indent, f"{m} = _new({self.name(cls)})")
        if optional:
            # Python names of the absent optional fields: a tuple, empty (a
            # constant, nothing to build) unless a field is missing.
            self.emit(indent, f"unset{d} = ()")
        for field in fields:
            key, target = self.key(wire_name(field)), f"{m}.{field.name}"
            if field.default is attrs.NOTHING:
                self.convert(field.type, f"{o}[{key}]", target, chain, indent, what)
                continue
            default = field.default
            fill = f"{self.name(default.factory)}()" if isinstance(default, _FACTORY) else self.name(default)
            self.emit(
                indent,
                f"{v} = {o}.get({key}, _absent)",
                f"if {v} is _absent:",
                f"    {target} = {fill}",
                f"    unset{d} += ({field.name!r},)",
                "else:",
            )
            self.convert(field.type, v, target, chain, indent + "    ", what)
        size = f"{len(fields)} - len(unset{d})" if optional else str(len(fields))
        self.emit(
            indent,
            f"{m}._extra = None if len({o}) == {size} else _unknown({o}, {known})",
            f"{m}._unset = frozenset(unset{d}) if unset{d} else _empty" if optional else f"{m}._unset = _empty",
        )

    def items(self, item: Type[Model], source: str, target: str, chain: Tuple[Type[Model], ...], indent: str, what: str) -> None:
        """Lines that read the list in `source` into a new list of `item` in `target`."""
        d = len(chain)
        self.emit(indent, f"if type({source}) is not list: raise TypeError({what})", f"items{d} = []")
        self.emit(indent, f"for o{d} in {source}:")
        self.model(item, chain, indent + "    ")
        self.emit(indent, f"    items{d}.append(m{d})", f"{target} = items{d}")

    def convert(self, tp: Any, src: str, t: str, chain: Tuple[Type[Model], ...], indent: str, what: str) -> None:
        """Lines that check the value of `src` against `tp` and store it, converted, in `t`."""
        d = len(chain) - 1
        v = f"v{d}"
        inner = _optional_of(tp)
        item = _list_of_model(tp)
        # Store the value once, in the variable and the attribute alike.
        assign = f"{t} = {v}" if src == v else f"{t} = {v} = {src}"
        if inner is not None and (inner in _INLINE_CHECKS or is_model_class(inner)):
            if src != v:
                self.emit(indent, f"{v} = {src}")
            self.emit(indent, f"if {v} is None: {t} = None", "else:")
            self.convert(inner, v, t, chain, indent + "    ", what)
        elif tp in _INLINE_CHECKS:
            self.emit(indent, *(line.format(assign=assign, src=src, t=t, v=v, what=what) for line in _INLINE_CHECKS[tp]))
        elif (values := _string_literal(tp)) is not None:
            self.emit(indent, assign, f"if {v} not in {self.name(values)}: raise TypeError({what})")
        elif _free_form_object(tp):
            # Flat, the common case, it is kept as decoded; with a nested
            # array or object the converter's hook also checks its depth.
            self.emit(
                indent,
                assign,
                f"if type({v}) is not dict: raise TypeError({what})",
                f"for x{d} in {v}.values():",
                f"    if type(x{d}) in _containers:",
                f"        {t} = {self.hook(tp)}({v}, {self.name(tp)})",
                "        break",
            )
        elif is_model_class(tp) and self.inlined(tp, chain):
            self.emit(indent, f"o{d + 1} = {src}")
            self.model(tp, chain, indent)
            self.emit(indent, f"{t} = m{d + 1}")
        elif item is not None and self.inlined(item, chain):
            if src != v:
                self.emit(indent, f"{v} = {src}")
            self.items(item, v, t, chain, indent, what)
        else:
            self.emit(indent, f"{t} = {self.hook(tp)}({src}, {self.name(tp)})")

    def function(self, name: str, parameter: str, label: str) -> Hook:
        """The written lines as the function `name` of (`parameter`, tp)."""
        body = "".join(f"    {line}\n" for line in self.lines)
        used = [key for key in self.names if re.search(rf"\b{key}\b", body)]
        source = f"def {name}({parameter}, _, {', '.join(f'{key}={key}' for key in used)}):\n{body}"
        namespace: Dict[str, Any] = dict(self.names)
        exec(compile(source, f"<wootiv structure {label}>", "exec"), namespace)
        function: Hook = namespace[name]
        return function


def compiles(tp: Any) -> bool:
    """Whether `compile_model` writes a function for `tp`: a model or a list of models."""
    return is_model_class(tp) or _list_of_model(tp) is not None


def compile_model(tp: Any, hook_for: Callable[[Any], Hook], unknown_fields: Callable[[Any, Any], Any]) -> Hook:
    """The fast structuring function of `tp`, a model or a list of models (see the module docstring).

    A list of models is read by one function with the loop inside, rather
    than by one call per item.

    `hook_for(tp)` gives the converter's hook for a field type this module
    does not check inline. A model nested too deep to write inline, or one
    inside itself, is read by its own compiled function, asked for through
    `hook_for` on first use. `unknown_fields(data, known)` gives the members
    of `data` outside the `known` wire names, kept as the model's extra
    fields (and checked there, as free-form values are).
    """
    out = _Writer(hook_for, unknown_fields)
    item = _list_of_model(tp)
    if item is not None:
        out.items(item, "data", "data", (), "", out.name("not a list"))
        out.lines.append("return data")
        return out.function(f"structure_list_of_{item.__name__}", "data", f"List[{item.__qualname__}]")
    out.model(tp, (), "")
    out.lines.append("return m0")
    return out.function(f"structure_{tp.__name__}", "o0", tp.__qualname__)
