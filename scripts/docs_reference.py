"""The API reference pages of the docs site, written at build time by mkdocs-gen-files.

Nothing here lists a name by hand: the public names are each package's
`__all__`, and the resource pages come from walking the resource tree of a
real client, so the reference cannot drift from the code. mkdocstrings then
renders every name from its docstring (see mkdocs.yml).

Run by `mkdocs build` (the `gen-files` plugin); `public_names()` and
`resource_pages()` are also used by the test that every public name has a
docstring.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from functools import cached_property
from typing import Any, Dict, Iterator, List, Tuple, Type, cast

import attrs

#: The packages whose public names the reference documents, with their page and title.
PACKAGES: Tuple[Tuple[str, str, str], ...] = (
    ("wootiv", "reference/wootiv.md", "wootiv: clients, pages, errors"),
    ("wootiv.types", "reference/types.md", "wootiv.types: models and request shapes"),
    ("wootiv.testing", "reference/testing.md", "wootiv.testing: the emulator"),
    ("wootiv_transports", "reference/transports.md", "wootiv_transports: HTTP adapters"),
)


def public_names(module_name: str) -> List[str]:
    """The names a package exports (`__all__`), in its own order, modules left out."""
    module = importlib.import_module(module_name)
    names: List[str] = list(getattr(module, "__all__"))
    return [name for name in names if not inspect.ismodule(getattr(module, name)) and name != "__version__"]


@attrs.frozen
class ResourcePage:
    """One top-level resource (`client.roles`) and the classes under it, parents first."""

    name: str
    classes: Tuple[Tuple[str, Type[Any]], ...]


def _resources(owner: Any) -> Iterator[Tuple[str, Any]]:
    """(attribute, resource) for each sub-resource property declared on `owner`'s class."""
    cls = cast(Type[Any], type(owner))
    for name, value in vars(cls).items():
        if isinstance(value, cached_property):
            yield name, getattr(owner, name)


def resource_pages() -> List[ResourcePage]:
    """Every top-level resource of the clients, walked from a real client's resource tree."""
    from wootiv._tree import ResourceTree
    from wootiv.testing import Emulator

    client = Emulator().client()  # in-process: walking the tree opens no socket
    pages: List[ResourcePage] = []
    try:
        for name in vars(ResourceTree):
            if not isinstance(vars(ResourceTree)[name], cached_property):
                continue
            found: List[Tuple[str, Type[Any]]] = []
            todo: List[Tuple[str, Any]] = [(f"client.{name}", getattr(client, name))]
            while todo:
                path, resource = todo.pop(0)
                resource_class = cast(Type[Any], type(resource))
                found.append((path, resource_class))
                todo.extend((f"{path}.{child}", sub) for child, sub in _resources(resource))
            pages.append(ResourcePage(name, tuple(found)))
    finally:
        client.close()
    return pages


def endpoints(cls: Type[Any]) -> List[str]:
    """The endpoint methods declared on a resource class, in declaration order."""
    from wootiv._resource import Endpoint, PagedEndpoint

    return [name for name, value in vars(cls).items() if isinstance(value, (Endpoint, PagedEndpoint))]


def _type_text(annotation: Any) -> str:
    """`annotation` as a user reads it, models linked to their reference entry."""
    if annotation is type(None):
        return "`None`"
    if isinstance(annotation, type) and annotation.__module__.startswith("wootiv_core.api"):
        return f"[`{annotation.__name__}`][wootiv.types.{annotation.__name__}]"
    return "`" + repr(annotation).replace("typing.", "").replace("wootiv_core.api.models.", "") + "`"


def returns(cls: Type[Any], method: str) -> Tuple[str, str]:
    """What a call of `method` gives on `Wootiv` and on `AsyncWootiv`, from its declaration."""
    declaration: Any = inspect.unwrap(getattr(cls, method))
    hints = typing.get_type_hints(declaration, vars(importlib.import_module(cls.__module__)))
    call = hints["return"]
    (result,) = typing.get_args(call)
    if typing.get_origin(call).__name__ == "PagedCall":
        item = _type_text(result)
        return f"[`SyncPage`][wootiv.SyncPage] of {item}", f"[`AsyncPager`][wootiv.AsyncPager] of {item}"
    text = _type_text(result)
    return text, f"awaitable of {text}"


def resource_markdown(page: ResourcePage) -> str:
    """The page of one top-level resource: a table of what each call returns, then every class."""
    lines = [
        f"# client.{page.name}",
        "",
        f"The same methods exist on `Wootiv().{page.name}` and `AsyncWootiv().{page.name}`;",
        "each also takes `extra_headers`, `extra_query`, `extra_body` and `timeout`, and has a raw form",
        f"(`client.{page.name}.with_raw_response.<method>()`) giving the whole answer as an",
        "[`APIResponse`][wootiv.APIResponse] whose `parse()` is what the table says.",
        "",
        "| method | on `Wootiv` | on `AsyncWootiv` |",
        "|---|---|---|",
    ]
    for path, cls in page.classes:
        for method in endpoints(cls):
            sync, async_ = returns(cls, method)
            lines.append(f"| `{path}.{method}()` | {sync} | {async_} |")
    for path, cls in page.classes:
        members = ", ".join(endpoints(cls))
        # The declarations return the core's `Call[...]`, not what a user gets:
        # the table above says that, so the signatures leave types to the parameter tables.
        lines += [
            "",
            f"## `{path}`",
            "",
            f"::: {cls.__module__}.{cls.__name__}",
            "    options:",
            "      show_root_heading: false",
            "      show_bases: false",
            "      show_signature_annotations: false",
            f"      members: [{members}]",
        ]
    return "\n".join(lines) + "\n"


def package_markdown(module_name: str, title: str) -> str:
    """A package's page: its docstring, then each public name in `__all__` order."""
    lines = [f"# {title}", "", f"::: {module_name}", "    options:", "      members: false", "      show_root_heading: false"]
    # The clients get their methods and resources from base classes a reader never imports.
    inherited = "true" if module_name == "wootiv" else "false"
    for name in public_names(module_name):
        lines += ["", f"::: {module_name}.{name}", "    options:", "      heading_level: 2", f"      inherited_members: {inherited}"]
    return "\n".join(lines) + "\n"


def index_markdown(pages: List[ResourcePage]) -> str:
    """The reference's front page: the packages, then one link per resource."""
    lines = ["# API reference", "", "Rendered from the docstrings of the code.", ""]
    lines += [f"- [{title}]({path.split('/', 1)[1]})" for _, path, title in PACKAGES]
    lines += ["", "## Resources", "", "Every endpoint, by the client attribute it hangs from:", ""]
    lines += [f"- [`client.{page.name}`](resources/{page.name}.md)" for page in pages]
    return "\n".join(lines) + "\n"


def nav_markdown(pages: List[ResourcePage]) -> str:
    """The navigation of the reference section (mkdocs-literate-nav)."""
    lines = ["- [Overview](index.md)"]
    lines += [f"- [{module_name}]({path.split('/', 1)[1]})" for module_name, path, _ in PACKAGES]
    lines += ["- Resources"]
    lines += [f"    - [{page.name}](resources/{page.name}.md)" for page in pages]
    return "\n".join(lines) + "\n"


def generated_files() -> Dict[str, str]:
    """Every page this script writes, by its path in the site's docs folder."""
    pages = resource_pages()
    files = {path: package_markdown(module_name, title) for module_name, path, title in PACKAGES}
    files.update({f"reference/resources/{page.name}.md": resource_markdown(page) for page in pages})
    files["reference/index.md"] = index_markdown(pages)
    files["reference/SUMMARY.md"] = nav_markdown(pages)
    return files


def _write_pages() -> None:
    import mkdocs_gen_files

    for path, text in generated_files().items():
        with mkdocs_gen_files.open(path, "w") as page:
            page.write(text)


if __name__ in ("__main__", "<run_path>"):
    _write_pages()
