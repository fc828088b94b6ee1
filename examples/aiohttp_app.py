"""An aiohttp web app whose handlers call Wootiv through the app's own session.

The app makes one `aiohttp.ClientSession` in a `cleanup_ctx` and hands it to
`AsyncWootiv`, so Wootiv calls share the app's connection pool and settings;
the app, not the SDK, closes the session on shutdown.

Run it with `python examples/aiohttp_app.py` against a Wootiv emulator
(`python -m wootiv.testing serve`) or the real API; with `--self-test` it
serves on a free port, calls its own routes once and exits.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import AsyncIterator

import aiohttp
from aiohttp import web

import wootiv
from wootiv import AsyncWootiv

WOOTIV = web.AppKey("wootiv", AsyncWootiv)


async def wootiv_client(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(headers={"X-Origin": "example-web-app"}) as session:
        app[WOOTIV] = AsyncWootiv(http_client=session)
        yield
        await app[WOOTIV].close()  # the session stays the app's to close


async def list_roles(request: web.Request) -> web.Response:
    client = request.app[WOOTIV]
    names = [role.name async for role in client.roles.list(limit=50)]
    return web.json_response({"roles": names})


async def show_role(request: web.Request) -> web.Response:
    client = request.app[WOOTIV]
    try:
        role = await client.roles.retrieve(request.match_info["id"])
    except wootiv.NotFoundError:
        raise web.HTTPNotFound(text="no such role")
    return web.json_response(role.to_dict())


async def count_members(request: web.Request) -> web.Response:
    client = request.app[WOOTIV]
    uids = [member.uid async for member in client.space.members.list(request.match_info["space"])]
    return web.json_response({"members": len(uids)})


def make_app() -> web.Application:
    app = web.Application()
    app.cleanup_ctx.append(wootiv_client)
    app.router.add_get("/roles", list_roles)
    app.router.add_get("/roles/{id}", show_role)
    app.router.add_get("/spaces/{space}/members", count_members)
    return app


async def self_test() -> None:
    runner = web.AppRunner(make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as browser:
            async with browser.get(f"{base}/roles") as answer:
                roles = (await answer.json())["roles"]
                print("GET /roles ->", answer.status, roles)
            async with browser.get(f"{base}/roles/{'no-such-role'}") as answer:
                print("GET /roles/no-such-role ->", answer.status)
                assert answer.status == 404
            async with browser.get(f"{base}/spaces/demo/members") as answer:
                members = (await answer.json())["members"]
                print("GET /spaces/demo/members ->", answer.status, members)
                assert members >= 45
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description="Example aiohttp app calling Wootiv")
    parser.add_argument("--self-test", action="store_true", help="serve on a free port, call each route, exit")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    if args.self_test:
        asyncio.run(self_test())
    else:
        web.run_app(make_app(), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
