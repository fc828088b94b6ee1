"""Pages of paginated lists, and iteration over all their items.

The core decides whether a next page exists and which call fetches it
(`wootiv_core.paging.next_call`); these classes only follow that answer,
blocking (`SyncPage`) or awaiting (`AsyncPage`).

A page also reads like the list envelope the earlier SDK returned
(`{count, data, page, pageCount, total}`): the same attributes, and
`to_dict()` / `to_json()` of the envelope, so code written against it keeps
working while iterating the page walks every page.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, AsyncIterator, Dict, Generator, Generic, Iterator, List, NoReturn, Optional, TypeVar

import attrs

from wootiv_core.model import plain
from wootiv_core.operation import PagedCall
from wootiv_core.paging import PageData, next_call

if TYPE_CHECKING:
    from ._client import AsyncWootiv, Wootiv

__all__ = ["PageInfo", "SyncPage", "AsyncPage", "AsyncPager"]

T = TypeVar("T")

_NO_NEXT = "There is no next page; check has_next_page() before calling get_next_page()."
#: What an `AsyncPage` has and an `AsyncPager` (nothing fetched yet) cannot.
_ENVELOPE_NAMES = frozenset(
    {"data", "count", "total", "page", "page_count", "to_dict", "to_json", "has_next_page", "get_next_page", "next_page_info", "iter_pages"}
)


@attrs.frozen
class PageInfo:
    """What the next page's request changes: the `page` query parameter."""

    page: int


class _PageBase(Generic[T]):
    def __init__(self, call: PagedCall[T], data: PageData[T]) -> None:
        self._call = call
        self._data = data
        self._next = next_call(call, data)

    @property
    def data(self) -> List[T]:
        """The items on this page."""
        return self._data.items

    @property
    def page(self) -> Optional[int]:
        """This page's number (1-based), or `None` if the server sent none."""
        return self._data.page

    @property
    def page_count(self) -> Optional[int]:
        """The number of pages, or `None` if the server sent none."""
        return self._data.page_count

    @property
    def total(self) -> Optional[int]:
        """The envelope's `total` field, if any.

        The API's description calls it the records on this page, while
        nestjsx/crud servers send the count of all records here; read it as
        your server fills it.
        """
        return self._data.total

    @property
    def count(self) -> Optional[int]:
        """The envelope's `count` field, if any (the counterpart of `total`; see there)."""
        return self._data.count

    def to_dict(self, *, use_api_names: bool = True) -> Dict[str, Any]:
        """This page's envelope as a JSON-compatible dict, items included (as `Model.to_dict`).

        Wire names by default (`pageCount`), Python names if asked
        (`page_count`). Fields the server did not send are left out, so a
        list answered as a bare array gives only `data`.
        """
        numbers = {
            "count": self.count,
            "page": self.page,
            ("pageCount" if use_api_names else "page_count"): self.page_count,
            "total": self.total,
        }
        envelope: Dict[str, Any] = {"data": plain(self.data, use_api_names)}
        envelope.update((key, value) for key, value in numbers.items() if value is not None)
        return envelope

    def to_json(self, *, indent: Optional[int] = 2, use_api_names: bool = True) -> str:
        """This page's envelope as JSON text (see `to_dict`)."""
        return json.dumps(self.to_dict(use_api_names=use_api_names), indent=indent)

    def has_next_page(self) -> bool:
        """Whether another page follows this one."""
        return self._next is not None

    def next_page_info(self) -> Optional[PageInfo]:
        """How the next page is asked for, or `None` on the last page."""
        return None if self._next is None else PageInfo(page=self._next.args["page"])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} page={self.page} of {self.page_count}, {len(self.data)} items>"


class SyncPage(_PageBase[T]):
    """One page of a list; iterating it yields every item of every page."""

    def __init__(self, client: "Wootiv", call: PagedCall[T], data: PageData[T]) -> None:
        super().__init__(call, data)
        self._client = client

    def get_next_page(self) -> "SyncPage[T]":
        """Fetch the next page (raises `RuntimeError` on the last one)."""
        if self._next is None:
            raise RuntimeError(_NO_NEXT)
        return self._client._paginate(self._next)  # pyright: ignore[reportPrivateUsage]

    def iter_pages(self) -> Iterator["SyncPage[T]"]:
        """This page, then each following page, fetched as needed."""
        page: SyncPage[T] = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_PageBase[T]):
    """One page of a list; `async for` over it yields every item of every page."""

    def __init__(self, client: "AsyncWootiv", call: PagedCall[T], data: PageData[T]) -> None:
        super().__init__(call, data)
        self._client = client

    async def get_next_page(self) -> "AsyncPage[T]":
        """Fetch the next page (raises `RuntimeError` on the last one)."""
        if self._next is None:
            raise RuntimeError(_NO_NEXT)
        return await self._client._fetch_page(self._next)  # pyright: ignore[reportPrivateUsage]

    async def iter_pages(self) -> AsyncIterator["AsyncPage[T]"]:
        """This page, then each following page, fetched as needed."""
        page: AsyncPage[T] = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPager(Generic[T]):
    """What an async list method returns before anything is sent.

    `await` it for the first `AsyncPage`, or `async for` over it for every
    item of every page.
    """

    def __init__(self, client: "AsyncWootiv", call: PagedCall[T]) -> None:
        self._client = client
        self._call = call

    if not TYPE_CHECKING:  # type checkers keep reporting unknown names as errors

        def __getattr__(self, name: str) -> NoReturn:
            # Only reached for names it lacks: say how to reach a page's, which
            # code written for the earlier SDK's envelope reads.
            if name in _ENVELOPE_NAMES:
                raise AttributeError(
                    f"nothing has been fetched yet: await the list call for its first page, "
                    f"(await client.<resource>.list(...)).{name}"
                )
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._client._fetch_page(self._call).__await__()  # pyright: ignore[reportPrivateUsage]

    async def __aiter__(self) -> AsyncIterator[T]:
        first = await self._client._fetch_page(self._call)  # pyright: ignore[reportPrivateUsage]
        async for item in first:
            yield item
