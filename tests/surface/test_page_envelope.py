"""Pages read like the earlier SDK's list envelope, and still iterate over every page."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import pytest

from wootiv import AsyncPage, SyncPage

from .conftest import Answer, async_client, sync_client


def role(n: int) -> Dict[str, Any]:
    return {"id": f"r{n}", "name": f"role {n}", "description": "d", "assignees": [], "audit": {"date_created": "2024-01-02T03:04:05Z"}}


def envelope(page: int, page_count: int, items: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"count": 5, "data": items, "page": page, "pageCount": page_count, "total": len(items)}


FIRST = envelope(1, 2, [role(1), role(2), role(3)])
SECOND = envelope(2, 2, [role(4), role(5)])


def test_a_page_has_the_envelopes_fields() -> None:
    client, _ = sync_client(Answer.json(FIRST), Answer.json(SECOND))
    page = client.roles.list(limit=3)
    assert isinstance(page, SyncPage)
    assert (page.count, page.total, page.page, page.page_count) == (5, 3, 1, 2)
    assert [item.id for item in page.data] == ["r1", "r2", "r3"]


def test_to_dict_and_to_json_give_the_envelope_with_wire_names() -> None:
    client, _ = sync_client(Answer.json(FIRST))
    page = client.roles.list(limit=3)
    wire = page.to_dict()
    assert wire == {"count": 5, "data": [page.data[0].to_dict(), page.data[1].to_dict(), page.data[2].to_dict()],
                    "page": 1, "pageCount": 2, "total": 3}
    assert wire["data"][0]["audit"]["date_created"] == "2024-01-02T03:04:05Z"
    assert json.loads(page.to_json()) == wire
    assert page.to_json(indent=None) == json.dumps(wire)
    python = page.to_dict(use_api_names=False)
    assert python["page_count"] == 2 and "pageCount" not in python
    assert python["data"][0] == page.data[0].to_dict(use_api_names=False)


def test_a_bare_array_answer_gives_only_data() -> None:
    client, _ = sync_client(Answer.json([role(1)]))
    page = client.roles.list()
    assert (page.count, page.total, page.page, page.page_count) == (None, None, None, None)
    assert page.to_dict() == {"data": [page.data[0].to_dict()]}


def test_iterating_a_page_still_walks_every_page() -> None:
    client, recorder = sync_client(Answer.json(FIRST), Answer.json(SECOND))
    page = client.roles.list(limit=3)
    assert [item.id for item in page] == ["r1", "r2", "r3", "r4", "r5"]
    assert len(recorder.sent) == 2 and "page=2" in recorder.sent[1].raw_query
    assert page.to_dict()["data"][0]["id"] == "r1"  # the page itself is unchanged


def test_async_pages_read_alike() -> None:
    async def main() -> None:
        client, _ = async_client(Answer.json(FIRST), Answer.json(SECOND), Answer.json(FIRST), Answer.json(SECOND))
        page = await client.roles.list(limit=3)
        assert isinstance(page, AsyncPage)
        assert (page.count, page.total, page.page, page.page_count) == (5, 3, 1, 2)
        assert page.to_dict()["pageCount"] == 2 and json.loads(page.to_json())["count"] == 5
        second = await page.get_next_page()
        assert second.to_dict()["data"][1]["id"] == "r5"
        assert [item.id async for item in client.roles.list(limit=3)] == ["r1", "r2", "r3", "r4", "r5"]

    asyncio.run(main())


@pytest.mark.parametrize("name", ["count", "data", "page_count", "to_dict"])
def test_an_unawaited_async_list_says_to_await_it(name: str) -> None:
    async def main() -> None:
        client, recorder = async_client(Answer.json(FIRST))
        pager = client.roles.list()
        with pytest.raises(AttributeError, match=rf"await the list call for its first page, \(await client.<resource>.list\(...\)\).{name}"):
            getattr(pager, name)
        with pytest.raises(AttributeError, match="has no attribute 'nmae'"):
            getattr(pager, "nmae")
        assert recorder.sent == []

    asyncio.run(main())
