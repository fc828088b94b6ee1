"""Turning decoded JSON into models, strictly or leniently.

One converter serves the whole SDK. Structuring first runs the fast path:
cattrs' dispatch with a straight-line function per model
(`model_compiler`), which checks types properly (a string is not a list of
characters, a number is not a string). Every well-formed answer takes it.
When it fails:

* in strict mode, the detailed cattrs converter runs once more to say which
  field is wrong, and `ShapeError` carries that message;
* in lenient mode (the default, like the earlier SDK), the value is rebuilt
  field by field: what fits is typed, what does not is kept raw, and missing
  fields are `None`. A server that adds, drops or changes a field therefore
  never makes a call fail. An answer of the wrong JSON kind does: an array,
  string or number where an object is due, or an item that is not an
  object in a list of models, is a `ShapeError` in either mode, since no
  field of it could be read.

Free-form values (`Dict[str, Any]` and `List[Any]` fields, unknown fields,
values kept raw) nested deeper than `MAX_JSON_DEPTH` are refused in either
mode (`TooDeep`): the model methods recurse through them.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Type, TypeVar, Union, cast, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, override

from .json_decoding import CONTAINERS, MAX_JSON_DEPTH, too_deep
from .model import BOOKKEEPING, Model, is_model_class, read_iso, wire_name
from .model_compiler import compile_model, compiles, is_free_form

__all__ = ["ShapeError", "TooDeep", "structure", "structurer", "parse_datetime", "unknown_fields", "wrong_kind"]

T = TypeVar("T")

_UNION_TYPES: tuple[Any, ...] = (Union,)
if sys.version_info >= (3, 10):
    import types as _types

    _UNION_TYPES = (Union, _types.UnionType)


class ShapeError(ValueError):
    """Decoded JSON does not have the shape a type requires."""


class TooDeep(ShapeError):
    """A free-form value nests arrays and objects deeper than `MAX_JSON_DEPTH`."""

    def __init__(self) -> None:
        super().__init__(f"a free-form value is nested more than {MAX_JSON_DEPTH} levels deep")


def _bounded_depth(value: Any) -> Any:
    """`value`, unless it is a container nested too deep (`TooDeep`)."""
    if type(value) in CONTAINERS and too_deep(value):
        raise TooDeep()
    return value


def unknown_fields(data: Dict[str, Any], known: FrozenSet[str]) -> Dict[str, Any]:
    """The members of `data` a model does not declare, each checked for depth."""
    return {key: _bounded_depth(item) for key, item in data.items() if key not in known}


def _free_form_hook(tp: Any) -> Callable[[Any, Any], Any]:
    """Free-form values are kept as decoded, after a check of their kind and depth.

    Cheaper than cattrs' own hook, which copies a dict calling a hook per
    key: a flat value (the common case, e.g. an `audit` record) costs one
    pass over its members.
    """
    origin = get_origin(tp)
    kind: Any = dict if origin in (dict, Dict) else list if origin in (list, List) else None
    name = "a JSON object" if kind is dict else "a JSON array"

    def hook(value: Any, _: Any) -> Any:
        if kind is None:
            return _bounded_depth(value)
        if type(value) is not kind:
            raise TypeError(f"expected {name}, got {type(value).__name__}")
        members: Any = value.values() if kind is dict else value
        for member in members:
            if type(member) in CONTAINERS:
                if too_deep(value):
                    raise TooDeep()
                break
        return value

    return hook


_JSON_KINDS: Dict[Any, str] = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


def _json_kind(value: Any) -> str:
    kind = cast(object, type(value))
    return "null" if value is None else _JSON_KINDS.get(kind) or type(value).__name__


def wrong_kind(value: Any, tp: Any) -> Optional[str]:
    """Why `value` cannot be read as `tp` even leniently, or `None` if it can.

    A model needs a JSON object, a list a JSON array, and a list of models
    an object for every item.
    """
    if is_model_class(tp):
        return None if type(value) is dict else f"expected a JSON object, got {_json_kind(value)}"
    if _is_list(tp):
        if type(value) is not list:
            return f"expected a JSON array, got {_json_kind(value)}"
        (item_type,) = get_args(tp) or (Any,)
        if is_model_class(item_type):
            items = cast(List[Any], value)
            for index, item in enumerate(items):
                if type(item) is not dict:
                    return f"item {index}: expected a JSON object, got {_json_kind(item)}"
    return None


def parse_datetime(value: Any, _: Any = None) -> _dt.datetime:
    """An aware datetime from an ISO 8601 string (a `Z` or `z` suffix is UTC; no zone is UTC)."""
    if type(value) is not str:
        raise TypeError(f"expected an ISO 8601 date-time string, got {type(value).__name__}")
    parsed = read_iso(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=_dt.timezone.utc)


def _exact(kind: Type[Any]) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return hook


def _number(value: Any, _: Any) -> float:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _is_list(tp: Any) -> bool:
    return get_origin(tp) in (list, List)


def _build(detailed: bool) -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=detailed, forbid_extra_keys=False)
    conv.register_structure_hook(str, _exact(str))
    conv.register_structure_hook(bool, _exact(bool))
    conv.register_structure_hook(int, _exact(int))
    conv.register_structure_hook(float, _number)
    conv.register_structure_hook(_dt.datetime, parse_datetime)

    def list_hook(tp: Any) -> Callable[[Any, Any], Any]:
        (item_type,) = get_args(tp) or (Any,)
        item_hook = conv.get_structure_hook(item_type)

        def hook(value: Any, _: Any) -> List[Any]:
            items: List[Any] = value
            if type(items) is not list:
                raise TypeError(f"expected a list, got {type(value).__name__}")
            if not detailed:
                return [item_hook(item, item_type) for item in items]
            # Detailed: name the index of each bad item, as cattrs' own list hook does.
            out: List[Any] = []
            errors: List[Exception] = []
            for index, item in enumerate(items):
                try:
                    out.append(item_hook(item, item_type))
                except Exception as exc:  # noqa: BLE001 - collected into the group below
                    note = IterableValidationNote(f"Structuring {tp} @ index {index}", index, item_type)
                    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # pyright: ignore[reportAttributeAccessIssue]
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
            return out

        return hook

    def model_hook(cls: Type[Model]) -> Callable[[Any, Any], Model]:
        attrs.resolve_types(cls)
        fields = [field for field in attrs.fields(cls) if field.name not in BOOKKEEPING]
        renames = {field.name: override(rename=wire_name(field)) for field in fields}
        renames.update({name: override(omit=True) for name in BOOKKEEPING})
        optional = {wire_name(field): field.name for field in fields if field.default is not attrs.NOTHING}
        inner = make_dict_structure_fn(cls, conv, **renames)  # pyright: ignore[reportArgumentType]
        known: FrozenSet[str] = frozenset(wire_name(field) for field in fields)

        def hook(value: Any, _: Any) -> Model:
            data: Dict[str, Any] = value
            if type(data) is not dict:
                raise TypeError(f"expected a JSON object for {cls.__name__}, got {type(value).__name__}")
            model = inner(data, cls)
            if not known.issuperset(data):
                model.extra_fields = unknown_fields(data, known)
            if not known.issubset(data):
                model._unset = frozenset(name for key, name in optional.items() if key not in data)  # pyright: ignore[reportPrivateUsage]
            return model

        return hook

    conv.register_structure_hook_factory(_is_list, list_hook)
    # Registered after the list factory: the later registration wins.
    conv.register_structure_hook_factory(is_free_form, _free_form_hook)

    def compiled_hook(tp: Any) -> Callable[[Any, Any], Any]:
        return compile_model(tp, conv.get_structure_hook, unknown_fields)

    if detailed:
        conv.register_structure_hook_factory(is_model_class, model_hook)
    else:
        # Models and lists of models (after the list factory, so that it wins for those).
        conv.register_structure_hook_factory(compiles, compiled_hook)
    return conv


_fast = _build(detailed=False)
_detailed = _build(detailed=True)


def _describe(error: BaseException) -> str:
    notes: List[str] = []
    for exc in cattrs.transform_error(error) if isinstance(error, cattrs.BaseValidationError) else [str(error)]:
        notes.append(exc)
    return "; ".join(notes) or repr(error)


def _lenient(value: Any, tp: Any) -> Any:
    try:
        return _fast.structure(value, tp)
    except TooDeep:
        raise
    except Exception:  # noqa: BLE001 - any failure means "rebuild by hand"
        pass
    if is_model_class(tp) and type(value) is dict:
        data = cast(Dict[str, Any], value)
        kwargs: Dict[str, Any] = {}
        known: set[str] = set()
        attrs.resolve_types(tp)
        absent: set[str] = set()
        for field in attrs.fields(tp):
            if field.name in BOOKKEEPING:
                continue
            key = wire_name(field)
            known.add(key)
            kwargs[field.name] = _lenient(data[key], field.type) if key in data else None
            if key not in data and field.default is not attrs.NOTHING:
                absent.add(field.name)
        model = tp(**kwargs)
        model.extra_fields = unknown_fields(data, frozenset(known))
        model._unset = frozenset(absent)  # pyright: ignore[reportPrivateUsage]
        return model
    if _is_list(tp) and type(value) is list:
        (item_type,) = get_args(tp) or (Any,)
        items = cast(List[Any], value)
        return [_lenient(item, item_type) for item in items]
    if get_origin(tp) in _UNION_TYPES:
        options = get_args(tp)
        for option in options:
            try:
                return _fast.structure(value, option)
            except Exception:  # noqa: BLE001 - try the next member of the union
                continue
        # No member fits exactly: rebuild as the first model or list member of the
        # right JSON kind, so a broken `Optional[Model]` is still a model.
        for option in options:
            if (is_model_class(option) and type(value) is dict) or (_is_list(option) and type(value) is list):
                return _lenient(value, option)
    return _bounded_depth(value)


def structurer(tp: Any, *, strict: bool) -> Callable[[Any], Any]:
    """A function turning decoded JSON into an instance of `tp` (see `structure`).

    The fast hook for `tp` is looked up once, so a reader made per operation
    pays for the lookup once rather than on every answer.
    """
    fast = _fast.get_structure_hook(tp)

    def convert(value: Any) -> Any:
        try:
            return fast(value, tp)
        except TooDeep:
            raise
        except Exception as error:  # noqa: BLE001 - cattrs raises many kinds
            if not strict:
                problem = wrong_kind(value, tp)
                if problem is not None:
                    raise ShapeError(problem) from error
                return _lenient(value, tp)
            try:
                # The fast path leaves a few rare spellings (a lower-case `z`
                # zone) to this one, so an answer it accepts is a valid answer.
                return _detailed.structure(value, tp)
            except Exception as detailed:  # noqa: BLE001
                raise ShapeError(_describe(detailed)) from error

    return convert


def structure(value: Any, tp: Type[T], *, strict: bool) -> T:
    """`value` (decoded JSON) as an instance of `tp`.

    Strict: raise `ShapeError` naming the offending fields. Lenient: keep
    what does not fit as it came, and raise `ShapeError` only for a value of
    the wrong JSON kind (`wrong_kind`) or nested too deep (`TooDeep`).
    """
    result: T = structurer(tp, strict=strict)(value)
    return result
