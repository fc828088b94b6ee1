"""SDK against raw library, side by side in one run; prints the ratios.

For each driver the same local server (`bench/server.py`, in its own
process) is called the same way by the raw library and by the SDK over that
library, alternating in rounds so that drift on the machine hits both alike.
Reported: time per call (lower is better) and the SDK/raw ratio for one
object and for 100-item pages of roles and of contacts (parsing into models
included), throughput at 32 concurrent async calls (higher is better) and
its SDK/raw ratio, and the time `import wootiv` takes.

A ratio is the median over rounds of the SDK/raw ratio of each round's
back-to-back pair. Each driver is measured in a fresh interpreter of its
own, as its users run it (see docs/performance.md for why).

The SDK's own transport (`h11`) is compared with the fastest raw library of
its kind: raw httpx for the blocking client, raw aiohttp at 32 concurrent
calls for the async one; pages at 32 concurrent calls are compared with raw
aiohttp too (`RAW_OF`).

    python bench/run.py [--rounds 11] [--calls 500] [--section NAME ...]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List

import aiohttp
import httpx
import requests

from wootiv import AsyncWootiv, Wootiv

HERE = Path(__file__).resolve().parent
KEY = "bench-key"
HEADERS = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server() -> "tuple[subprocess.Popen[str], str]":
    port = free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "server.py"), str(port)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    server.stdout.readline()
    return server, f"http://127.0.0.1:{port}"


def timed(fn: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls


def summary(raw: List[float], sdk: List[float]) -> "tuple[float, float, float]":
    """Median raw and SDK figures, and the median of the per-round SDK/raw ratios.

    Each round's two figures were taken back to back, so their ratio sees
    the same machine; the median of those ratios shrugs off a round that a
    burst of other work disturbed, which a ratio of two medians does not.
    """
    ratios = [s / r for r, s in zip(raw, sdk)]
    return statistics.median(raw), statistics.median(sdk), statistics.median(ratios)


def turns(rounds: int) -> Iterator["tuple[str, str]"]:
    """The order of each round's back-to-back pair: raw first, then the SDK first, and so on."""
    for index in range(rounds):
        yield ("sdk", "raw") if index % 2 else ("raw", "sdk")


#: The raw library each SDK driver is measured against: the SDK's own h11
#: transport is compared with the fastest raw library of its kind.
RAW_OF = {"httpx": "httpx", "requests": "requests", "h11": "httpx", "aiohttp": "aiohttp", "httpx-async": "httpx", "h11-async": "aiohttp"}


def sync_benchmarks(driver: str, url: str, rounds: int, calls: int) -> List[str]:
    """One object and two 100-item pages, the raw library against the SDK over `driver`."""
    lines: List[str] = []
    raw_name = RAW_OF[driver]
    raw_client: Any = httpx.Client() if raw_name == "httpx" else requests.Session()
    sdk = Wootiv(api_key=KEY, base_url=url, max_retries=0, http_client=driver)
    timed(lambda: raw_client.get(f"{url}/role/r1"), 50)  # warm up the connection
    cases = {
        "one object": (f"{url}/role/role-1", lambda: sdk.roles.retrieve("role-1")),
        "100-role page": (f"{url}/role?limit=100", lambda: sdk.roles.list(limit=100).data),
        "100-contact page": (f"{url}/contacts?limit=100", lambda: sdk.contacts.list(limit=100).data),
    }
    for label, (raw_url, sdk_call) in cases.items():
        n = calls if label == "one object" else max(calls // 5, 50)
        calls_of: Dict[str, Callable[[], Any]] = {
            "raw": lambda: raw_client.get(raw_url, headers=HEADERS).json(),
            "sdk": sdk_call,
        }
        samples: Dict[str, List[float]] = {"raw": [], "sdk": []}
        for order in turns(rounds):
            for name in order:
                samples[name].append(timed(calls_of[name], n))
        raw, sdk_time, ratio = summary(samples["raw"], samples["sdk"])
        # Time per call: raw/SDK is the SDK's throughput relative to raw.
        lines.append(
            f"{label:16} {driver:12} vs raw {raw_name:9} raw {raw * 1e6:8.0f} us/call   sdk {sdk_time * 1e6:8.0f} us/call"
            f"   ratio {ratio:5.2f}   throughput x{1 / ratio:5.2f}"
        )
    raw_client.close()
    sdk.close()
    return lines


async def throughput(call: Callable[[], Awaitable[Any]], total: int, concurrency: int) -> float:
    queue = iter(range(total))

    async def worker() -> None:
        for _ in queue:
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started)


async def async_benchmarks(driver: str, url: str, rounds: int, calls: int, concurrency: int = 32) -> List[str]:
    """Throughput at `concurrency` concurrent calls, the raw library against the SDK over `driver`.

    One object for every driver; the 100-item pages for the drivers compared
    with raw aiohttp.
    """
    raw_name = RAW_OF[driver]
    sdk = AsyncWootiv(api_key=KEY, base_url=url, max_retries=0, http_client=driver.replace("-async", ""))
    cases: Dict[str, "tuple[str, Callable[[], Awaitable[Any]]]"] = {
        "one object": (f"{url}/role/role-1", lambda: sdk.roles.retrieve("role-1")),
    }
    if raw_name == "aiohttp":
        raw_aiohttp = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        cases["100-role page"] = (f"{url}/role?limit=100", lambda: sdk.roles.list(limit=100))
        cases["100-contact page"] = (f"{url}/contacts?limit=100", lambda: sdk.contacts.list(limit=100))

        def raw_of(target: str) -> Callable[[], Awaitable[Any]]:
            async def raw_call() -> Any:
                async with raw_aiohttp.get(target, headers=HEADERS) as response:
                    return await response.json()

            return raw_call

        async def close_raw() -> None:
            await raw_aiohttp.close()

    else:
        raw_httpx = httpx.AsyncClient(limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))
        calls = max(calls // 10, 100)  # raw httpx manages a few hundred calls a second

        def raw_of(target: str) -> Callable[[], Awaitable[Any]]:
            async def raw_call() -> Any:
                return (await raw_httpx.get(target, headers=HEADERS)).json()

            return raw_call

        async def close_raw() -> None:
            await raw_httpx.aclose()

    lines: List[str] = []
    for label, (target, sdk_call) in cases.items():
        n = calls if label == "one object" else max(calls // 5, 100)
        calls_of: Dict[str, Callable[[], Awaitable[Any]]] = {"raw": raw_of(target), "sdk": sdk_call}
        for call in calls_of.values():
            await throughput(call, 100, concurrency)
        samples: Dict[str, List[float]] = {"raw": [], "sdk": []}
        for order in turns(rounds):
            for name in order:
                samples[name].append(await throughput(calls_of[name], n, concurrency))
        raw, sdk_rate, ratio = summary(samples["raw"], samples["sdk"])
        lines.append(
            f"{label:16} {driver:12} vs raw {raw_name:9} x{concurrency:<3} raw {raw:8.0f} calls/s   sdk {sdk_rate:8.0f} calls/s"
            f"   ratio {ratio:5.2f}"
        )
    await close_raw()
    await sdk.close()
    return lines


def import_time(runs: int = 7) -> str:
    code = "import time; t = time.perf_counter(); import wootiv; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(runs)]
    return f"import wootiv  median {statistics.median(times) * 1000:.1f} ms over {runs} fresh interpreters"


#: Each runs in its own interpreter: (driver, sync or async).
SECTIONS = {
    "httpx": "sync",
    "requests": "sync",
    "h11": "sync",
    "aiohttp": "async",
    "httpx-async": "async",
    "h11-async": "async",
}


def run_section(section: str, url: str, rounds: int, calls: int) -> List[str]:
    if SECTIONS[section] == "sync":
        return sync_benchmarks(section, url, rounds, calls)
    return asyncio.run(async_benchmarks(section, url, rounds, calls * 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--section", choices=sorted(SECTIONS), action="append", help="measure only these sections (repeatable)")
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.section and args.url:
        print("\n".join(run_section(args.section[0], args.url, args.rounds, args.calls)))
        return
    server, url = start_server()
    lines: List[str] = []
    try:
        for section in args.section or SECTIONS:
            command = [sys.executable, __file__, "--section", section, "--url", url]
            command += ["--rounds", str(args.rounds), "--calls", str(args.calls)]
            lines += subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()
        if not args.section:
            lines.append(import_time())
    finally:
        server.terminate()
        server.wait()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
