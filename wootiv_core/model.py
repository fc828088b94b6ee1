"""The base class of every API model.

Models are attrs classes whose fields carry their wire name in metadata
(`wire`). They are plain values: equality, hashing off, pickling, `repr`
without surprises. Fields the API sent that the spec does not know are kept
in `extra_fields` and can be read as attributes too, so a newer server never
loses data for an older SDK.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, Iterator, Optional, Sequence, Tuple, cast

import attrs

__all__ = ["Model", "wire_name", "plain", "BOOKKEEPING", "is_model_class", "read_iso"]

#: Model attributes that hold no API data.
BOOKKEEPING = frozenset({"_extra", "_unset"})
_BOOKKEEPING = BOOKKEEPING


def wire_name(field: "attrs.Attribute[Any]") -> str:
    """The JSON name of a model field."""
    name: str = field.metadata.get("wire", field.name)
    return name


def read_iso(text: str) -> _dt.datetime:
    """The datetime an ISO 8601 string names, as `fromisoformat` reads it.

    RFC 3339 allows a lower-case `z`, which `fromisoformat` does not read;
    before 3.11 it reads no `Z` either, so both become `+00:00` first.
    """
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return _dt.datetime.fromisoformat(text)


def plain(value: Any, use_api_names: bool = True) -> Any:
    """`value` with every model turned into a JSON-compatible dict."""
    if isinstance(value, Model):
        return value.to_dict(use_api_names=use_api_names)
    if isinstance(value, (list, tuple)):
        return [plain(item, use_api_names) for item in cast(Sequence[Any], value)]
    if isinstance(value, dict):
        mapping = cast(Dict[Any, Any], value)
        return {key: plain(item, use_api_names) for key, item in mapping.items()}
    if isinstance(value, _dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


_NONE_UNSET: FrozenSet[str] = frozenset()


def _extra_key(extra: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    # How `_extra` compares: "none yet" and "an empty dict" are the same data.
    return extra or None


@attrs.define(eq=True)
class Model:
    """Base of the response models in `wootiv.types`.

    `extra_fields` maps the wire name of each field the model does not
    declare to its raw JSON value. Reading such a field as an attribute
    (`role.someNewField`) works as well at run time; type checkers do not
    see it, so that a misspelt field (`role.nmae`) is an error for them.
    """

    # Unknown fields are rare, so a model holds `None` until some arrive or
    # `extra_fields` is read: one dict fewer per object, which is measurable
    # on a page of a hundred records.
    _extra: Optional[Dict[str, Any]] = attrs.field(
        default=None, kw_only=True, repr=False, eq=_extra_key, alias="extra_fields"
    )
    # Python names of optional fields the server did not send: `to_dict()`
    # leaves them out, so that it gives back what was received.
    _unset: FrozenSet[str] = attrs.field(default=_NONE_UNSET, kw_only=True, repr=False, eq=False, alias="_unset")

    @property
    def extra_fields(self) -> Dict[str, Any]:
        """Fields the server sent that this model does not declare, by wire name."""
        extra = self._extra
        if extra is None:
            extra = self._extra = {}
        return extra

    @extra_fields.setter
    def extra_fields(self, value: Dict[str, Any]) -> None:
        self._extra = value

    if not TYPE_CHECKING:
        # Hidden from type checkers: a `__getattr__` they can see would make
        # every attribute `Any`, so a typo like `role.nmae` would pass. Typed
        # code reads unknown fields through `extra_fields`.
        def __getattr__(self, name: str) -> Any:
            # Only reached when normal lookup fails: fall back to unknown fields.
            if name == "_extra" or name.startswith("__"):
                raise AttributeError(name)
            extra = self._extra
            if extra is not None and name in extra:
                return extra[name]
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __iter__(self) -> Iterator[Tuple[str, Any]]:
        """`(python_name, value)` pairs, so that `dict(model)` works."""
        for field in attrs.fields(type(self)):
            if field.name not in _BOOKKEEPING:
                yield field.name, getattr(self, field.name)
        yield from (self._extra or {}).items()

    def to_dict(self, *, use_api_names: bool = True) -> Dict[str, Any]:
        """A JSON-compatible dict: wire names by default, Python names if asked.

        Datetimes become ISO 8601 strings; unknown fields are included.
        """
        out: Dict[str, Any] = {}
        for field in attrs.fields(type(self)):
            if field.name in _BOOKKEEPING or field.name in self._unset:
                continue
            key = wire_name(field) if use_api_names else field.name
            out[key] = plain(getattr(self, field.name), use_api_names)
        out.update(plain(self._extra or {}, use_api_names))
        return out

    def to_json(self, *, indent: Optional[int] = 2, use_api_names: bool = True) -> str:
        """The model as JSON text (see `to_dict`)."""
        return json.dumps(self.to_dict(use_api_names=use_api_names), indent=indent)

    def model_dump(self, *, by_alias: bool = False, exclude_unset: bool = True) -> Dict[str, Any]:
        """`to_dict` under pydantic's name, for code written against the earlier SDK.

        As in pydantic, Python names unless `by_alias=True` (wire names, as
        `to_dict()` gives). Values are always JSON-compatible (pydantic's
        `mode="json"`), and optional fields the server did not send are
        always left out (`exclude_unset=True`); no other pydantic option
        exists here.
        """
        if not exclude_unset:
            raise ValueError(
                "model_dump(exclude_unset=False) is not supported: like to_dict(), it leaves out the optional "
                "fields the server did not send; read such a field as an attribute (it is None)"
            )
        return self.to_dict(use_api_names=by_alias)

    def model_dump_json(self, *, indent: Optional[int] = None, by_alias: bool = False, exclude_unset: bool = True) -> str:
        """`to_json` under pydantic's name: compact unless `indent`, Python names unless `by_alias` (see `model_dump`)."""
        return json.dumps(self.model_dump(by_alias=by_alias, exclude_unset=exclude_unset), indent=indent)


def is_model_class(tp: Any) -> bool:
    """Whether `tp` is one of the API's model classes (a `Model` subclass)."""
    return isinstance(tp, type) and issubclass(tp, Model) and tp is not Model
