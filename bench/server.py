"""A fast local server for the benchmarks: fixed JSON answers, nothing else.

Run as `python bench/server.py PORT`. It answers `GET /role/<id>` with one
role, and `GET /role` and `GET /contacts` with a page of `limit` roles or
contacts (at most 100), in the shapes the real API uses, so that the SDK
parses exactly what it would in use.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Callable, Dict

from aiohttp import web

STAMP = "2026-01-02T03:04:05.000Z"


def role(index: int) -> Dict[str, Any]:
    return {
        "id": f"role-{index}",
        "assignees": [{"id": f"user-{index}"}],
        "audit": {"date_created": STAMP, "date_deleted": STAMP, "date_updated": STAMP, "version": 1},
        "description": f"Role number {index}",
        "name": f"role-{index}",
    }


def contact(index: int) -> Dict[str, Any]:
    return {
        "id": f"contact-{index}",
        "audit": {"date_created": STAMP, "date_deleted": STAMP, "date_updated": STAMP, "version": 1},
        "contactGroupId": "group-1",
        "email": f"person.{index}@example.com",
        "firstName": "Ada",
        "lastName": f"Person {index}",
        "metadata": {"source": "bench", "since": 2020},
        "phoneNumber": f"+1555{index:07d}",
        "primaryContact": "email",
        "workspaceId": "workspace-1",
    }


def pages(record: Callable[[int], Dict[str, Any]]) -> Dict[int, bytes]:
    """A page envelope of 1, 10 and 100 records, encoded once."""
    return {
        size: json.dumps({"count": size, "data": [record(i) for i in range(size)], "page": 1, "pageCount": 1, "total": size}).encode()
        for size in (1, 10, 100)
    }


ONE = json.dumps(role(1)).encode()
PAGES = {"role": pages(role), "contacts": pages(contact)}


async def one(_: web.Request) -> web.Response:
    return web.Response(body=ONE, content_type="application/json")


async def listing(request: web.Request) -> web.Response:
    size = min(int(request.query.get("limit", "10")), 100)
    by_size = PAGES[request.path.strip("/")]
    return web.Response(body=by_size.get(size, by_size[10]), content_type="application/json")


def main() -> None:
    app = web.Application()
    app.router.add_get("/role/{id}", one)
    app.router.add_get("/role", listing)
    app.router.add_get("/contacts", listing)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=lambda *_: print("ready", flush=True), access_log=None)


if __name__ == "__main__":
    main()
