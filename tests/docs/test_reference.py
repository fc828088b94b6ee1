"""The API reference is complete: every public name and method has a docstring to render.

The names are the ones the reference pages are made of (`scripts/docs_reference.py`),
read the way mkdocstrings reads them (griffe, from the source), so what passes here is
what the site shows.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, Iterator, List, Tuple, Type, cast

import griffe
import pytest

from .site import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import docs_reference  # noqa: E402  # pyright: ignore[reportMissingImports]  (a script, not a package)

reference: Any = docs_reference

@pytest.fixture(scope="module")
def loader() -> griffe.GriffeLoader:
    loader = griffe.GriffeLoader(search_paths=[str(ROOT)])
    for package in ("wootiv_core", "wootiv_transports", "wootiv"):
        loader.load(package)
    loader.resolve_aliases(implicit=False, external=False)
    return loader


def _target(obj: Any) -> griffe.Object:
    """The object a re-exported name stands for."""
    found: griffe.Object = obj.final_target if obj.is_alias else obj
    return found


def _documented_names(loader: griffe.GriffeLoader) -> Iterator[Tuple[str, griffe.Object]]:
    """(public path, object) for every name of the reference, and the methods and properties of its classes."""
    modules = loader.modules_collection
    roots: List[Tuple[str, griffe.Object]] = []
    for package, _, _ in reference.PACKAGES:
        names: List[str] = reference.public_names(package)
        roots += [(f"{package}.{name}", _target(modules[package][name])) for name in names]
    for page in reference.resource_pages():
        classes: Tuple[Tuple[str, Type[Any]], ...] = page.classes
        roots += [(f"{cls.__module__}.{cls.__name__}", modules[cls.__module__][cls.__name__]) for _, cls in classes]
    for path, obj in roots:
        yield path, obj
        if obj.is_class:
            for name, member in obj.all_members.items():
                if not name.startswith("_") and not member.is_alias and (member.is_function or "property" in member.labels):
                    yield f"{path}.{name}", cast(griffe.Object, member)


def test_every_public_name_and_method_has_a_docstring(loader: griffe.GriffeLoader) -> None:
    missing = {path for path, obj in _documented_names(loader) if obj.docstring is None or not obj.docstring.value.strip()}
    assert missing == set(), "give these a docstring: they are rendered in the API reference"


def test_the_reference_covers_every_public_package_and_resource() -> None:
    pages: Dict[str, str] = reference.generated_files()
    assert {"reference/wootiv.md", "reference/types.md", "reference/testing.md", "reference/transports.md"} <= set(pages)
    assert "::: wootiv.types.RoleDto" in pages["reference/types.md"]
    assert "::: wootiv.testing.FaultSpecError" in pages["reference/testing.md"]
    roles = pages["reference/resources/roles.md"]
    assert "::: wootiv.resources.roles.Roles" in roles
    assert "| `client.roles.list()` | [`SyncPage`][wootiv.SyncPage] of [`RoleDto`][wootiv.types.RoleDto] |" in roles
    assert "reference/resources/space.md" in pages and "client.space.members.list()" in pages["reference/resources/space.md"]
