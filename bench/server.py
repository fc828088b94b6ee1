"""A fast local server for the benchmarks: fixed JSON answers, nothing else.

Run as `python bench/server.py PORT`. It answers `GET /role/<id>` with one
role and `GET /role` with a page of `limit` roles (at most 100), the shapes
the real API uses, so that the SDK parses exactly what it would in use.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict

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


ONE = json.dumps(role(1)).encode()
PAGES = {
    size: json.dumps({"count": size, "data": [role(i) for i in range(size)], "page": 1, "pageCount": 1, "total": size}).encode()
    for size in (1, 10, 100)
}


async def one(_: web.Request) -> web.Response:
    return web.Response(body=ONE, content_type="application/json")


async def listing(request: web.Request) -> web.Response:
    size = min(int(request.query.get("limit", "10")), 100)
    return web.Response(body=PAGES.get(size, PAGES[10]), content_type="application/json")


def main() -> None:
    app = web.Application()
    app.router.add_get("/role/{id}", one)
    app.router.add_get("/role", listing)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=lambda *_: print("ready", flush=True), access_log=None)


if __name__ == "__main__":
    main()
