"""Instructions per async call, counted by callgrind: raw aiohttp against the SDK over a driver.

On a machine whose speed drifts from run to run, time per call moves by a
tenth or more; the number of instructions a call executes does not (about
1% here). This counts them in the client process only, against the bench
server (`bench/server.py`, run outside valgrind), at 32 concurrent calls:
`calls` calls and then twice as many, each in a fresh interpreter, and
prints the difference divided by `calls`, so that start-up and warm-up
cancel out. Needs `valgrind` on the PATH; each count takes a minute or two.

    python bench/instructions.py [--calls 500] [--case one|contacts] [raw|aiohttp|h11 ...]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
from typing import Any, Awaitable, Callable

import aiohttp

from run import HEADERS, KEY, start_server, throughput

from wootiv import AsyncWootiv

WHO = ("raw", "aiohttp", "h11")
TARGETS = {"one": "/role/role-1", "contacts": "/contacts?limit=100"}


def caller(who: str, case: str, url: str) -> "tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]":
    """One call of `case` by `who`, and how to close what it uses."""
    if who == "raw":
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        target = url + TARGETS[case]

        async def raw_call() -> Any:
            async with session.get(target, headers=HEADERS) as answer:
                return await answer.json()

        return raw_call, session.close
    sdk = AsyncWootiv(api_key=KEY, base_url=url, max_retries=0, http_client=who)

    async def sdk_call() -> Any:
        return await (sdk.roles.retrieve("role-1") if case == "one" else sdk.contacts.list(limit=100))

    return sdk_call, sdk.close


async def calls(who: str, case: str, url: str, count: int) -> None:
    """`count` calls of `case` by `who`, after 200 to warm up (32 at a time)."""
    call, close = caller(who, case, url)
    await throughput(call, 200, 32)
    await throughput(call, count, 32)
    await close()


def counted(who: str, case: str, url: str, count: int) -> int:
    """The instructions callgrind counts for a fresh interpreter making `count` calls."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
    command += ["--url", url, "--calls", str(count), "--case", case, who]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", finished.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count:\n{finished.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--case", choices=sorted(TARGETS), default="one")
    parser.add_argument("who", nargs="*", help="raw, aiohttp, h11 (default: all three)")
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = set(args.who) - set(WHO)
    if unknown:
        parser.error(f"unknown {', '.join(sorted(unknown))}: choose from {', '.join(WHO)}")
    args.who = args.who or list(WHO)
    if args.url:
        asyncio.run(calls(args.who[0], args.case, args.url, args.calls))
        return
    server, url = start_server()
    try:
        for who in args.who:
            per_call = (counted(who, args.case, url, 2 * args.calls) - counted(who, args.case, url, args.calls)) // args.calls
            print(f"{args.case:8} {who:8} {per_call:12,} instructions per call (32 concurrent)", flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
