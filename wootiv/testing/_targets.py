"""Which fault targets name something the emulator serves, and what is closest when not.

A rule whose target matches nothing would be accepted and never fire, and a
test relying on it would pass for the wrong reason; so a target must name an
operation of the shipped spec, or a route one of them (or the object store)
answers, and a mistake is told with the nearest names.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

from ._app import OBJECTS_PREFIX
from ._schema import operations

__all__ = ["target_problem"]

# A path segment of a template: a literal, or None for a `{name}` parameter.
Segments = Tuple[Optional[str], ...]


def _segments(template: str) -> Segments:
    return tuple(None if part.startswith("{") and part.endswith("}") else part for part in template.strip("/").split("/"))


@lru_cache(maxsize=1)
def _operation_ids() -> Tuple[str, ...]:
    return tuple(operation.operation_id for operation in operations())


@lru_cache(maxsize=1)
def _routes() -> Tuple[Tuple[str, str, Segments], ...]:
    return tuple((operation.method, operation.template, _segments(operation.template)) for operation in operations())


def _fits(wanted: Segments, served: Segments) -> bool:
    """Whether some request path matches both templates: a parameter matches any one segment."""
    return len(wanted) == len(served) and all(a is None or b is None or a == b for a, b in zip(wanted, served))


def _closest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.5)
    return f"did you mean {' or '.join(close)}?" if close else f"see the API reference for the {len(choices)} operations"


def target_problem(target: str, method: Optional[str], template: Optional[str]) -> Optional[str]:
    """Why `target` matches no request the emulator serves, naming the closest ones; None if it does.

    `method` and `template` are the parts of a route target (`GET /role/{id}`),
    both None for an operationId or `*`.
    """
    if method is None or template is None:
        if target == "*" or target in _operation_ids():
            return None
        return f"no operation is called {target!r}; {_closest(target, _operation_ids())}"
    if method in ("GET", "PUT") and template.startswith(OBJECTS_PREFIX):
        return None
    wanted = _segments(template)
    if any(served_method == method and _fits(wanted, served) for served_method, _, served in _routes()):
        return None
    routes: List[str] = [f"{served_method} {served_template}" for served_method, served_template, _ in _routes()]
    return f"no operation answers {method} {template}; {_closest(f'{method} {template}', routes)}"
