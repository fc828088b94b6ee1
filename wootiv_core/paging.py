"""Page-number pagination: what a page holds and which call fetches the next.

The seven paginated lists answer `{count, data, page, pageCount, total}` (or
a bare array when no paging was asked for, which is then the only page).
`next_call` decides from the page just read and the call that fetched it;
the sync and async page classes only follow its answer.
"""

from __future__ import annotations

from typing import Generic, List, Optional, TypeVar

import attrs

from .operation import NOT_GIVEN, PagedCall

__all__ = ["PageData", "next_call"]

T = TypeVar("T")


# Built for every page read: a plain slotted class, a third of the cost of a
# frozen one to build. Nothing changes it once made.
@attrs.define
class PageData(Generic[T]):
    """The items of one page and its envelope's numbers (`None` where the server gave none)."""

    items: List[T]
    page: Optional[int]
    page_count: Optional[int]
    total: Optional[int]
    count: Optional[int] = None


def next_call(call: PagedCall[T], page: PageData[T]) -> Optional[PagedCall[T]]:
    """The call for the page after `page`, or `None` when there is none.

    Iteration ends, rather than loops, whenever the envelope is missing,
    nonsensical (page below 1, beyond `pageCount`) or does not move forward
    from the page that was asked for, and when a page is empty.
    """
    if page.page is None or page.page_count is None or not page.items:
        return None
    if page.page < 1 or page.page >= page.page_count:
        return None
    asked = call.args.get("page", NOT_GIVEN)
    following = page.page + 1
    if isinstance(asked, int) and following <= asked:
        return None
    # Built directly: `attrs.evolve` would cost more than reading the page's numbers.
    return PagedCall(call.op, {**call.args, "page": following}, call.options)
