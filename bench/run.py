"""SDK against raw library, side by side in one run; prints the ratios.

For each driver the same local server (`bench/server.py`, in its own
process) is called the same way by the raw library and by the SDK over that
library, alternating in rounds so that drift on the machine hits both alike.
Reported: time per call (lower is better) and the SDK/raw ratio for one
object and for a 100-item page (parsing into models included), throughput
at 32 concurrent async calls (higher is better) and its SDK/raw ratio, and
the time `import wootiv` takes.

    python bench/run.py [--rounds 5] [--calls 1000]
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
from typing import Any, Awaitable, Callable, Dict, List

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


def rounds_of(pairs: Dict[str, Callable[[], float]], rounds: int) -> Dict[str, float]:
    """Median of each measurement over `rounds`, alternating between them."""
    samples: Dict[str, List[float]] = {name: [] for name in pairs}
    for _ in range(rounds):
        for name, measure in pairs.items():
            samples[name].append(measure())
    return {name: statistics.median(values) for name, values in samples.items()}


def sync_benchmarks(url: str, rounds: int, calls: int) -> List[str]:
    lines: List[str] = []
    http = httpx.Client()
    session = requests.Session()
    sdk_httpx = Wootiv(api_key=KEY, base_url=url, max_retries=0)
    sdk_requests = Wootiv(api_key=KEY, base_url=url, max_retries=0, http_client="requests")
    for fn in (lambda: http.get(f"{url}/role/r1"), lambda: session.get(f"{url}/role/r1")):
        timed(fn, 50)  # warm up connections
    cases = {
        "one object": (f"{url}/role/role-1", lambda c: c.roles.retrieve("role-1")),
        "100-item page": (f"{url}/role?limit=100", lambda c: c.roles.list(limit=100).data),
    }
    for label, (raw_url, sdk_call) in cases.items():
        n = calls if label == "one object" else max(calls // 5, 50)
        result = rounds_of(
            {
                "httpx raw": lambda: timed(lambda: http.get(raw_url, headers=HEADERS).json(), n),
                "httpx sdk": lambda: timed(lambda: sdk_call(sdk_httpx), n),
                "requests raw": lambda: timed(lambda: session.get(raw_url, headers=HEADERS).json(), n),
                "requests sdk": lambda: timed(lambda: sdk_call(sdk_requests), n),
            },
            rounds,
        )
        for driver in ("httpx", "requests"):
            raw, sdk = result[f"{driver} raw"], result[f"{driver} sdk"]
            lines.append(
                f"{label:14} {driver:12} raw {raw * 1e6:8.0f} us/call   sdk {sdk * 1e6:8.0f} us/call   ratio {sdk / raw:5.2f}"
            )
    http.close()
    session.close()
    sdk_httpx.close()
    sdk_requests.close()
    return lines


async def throughput(call: Callable[[], Awaitable[Any]], total: int, concurrency: int) -> float:
    queue = iter(range(total))

    async def worker() -> None:
        for _ in queue:
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started)


async def async_benchmarks(url: str, rounds: int, calls: int, concurrency: int = 32) -> List[str]:
    lines: List[str] = []
    connector = aiohttp.TCPConnector(limit=100)
    raw_aiohttp = aiohttp.ClientSession(connector=connector)
    raw_httpx = httpx.AsyncClient(limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))
    sdk_aiohttp = AsyncWootiv(api_key=KEY, base_url=url, max_retries=0, http_client="aiohttp")
    sdk_httpx = AsyncWootiv(api_key=KEY, base_url=url, max_retries=0)
    target = f"{url}/role/role-1"

    async def aiohttp_raw() -> Any:
        async with raw_aiohttp.get(target, headers=HEADERS) as response:
            return await response.json()

    async def httpx_raw() -> Any:
        return (await raw_httpx.get(target, headers=HEADERS)).json()

    plans: Dict[str, Callable[[], Awaitable[Any]]] = {
        "aiohttp raw": aiohttp_raw,
        "aiohttp sdk": lambda: sdk_aiohttp.roles.retrieve("role-1"),
        "httpx raw": httpx_raw,
        "httpx sdk": lambda: sdk_httpx.roles.retrieve("role-1"),
    }
    for call in plans.values():
        await throughput(call, 100, concurrency)
    samples: Dict[str, List[float]] = {name: [] for name in plans}
    for _ in range(rounds):
        for name, call in plans.items():
            n = calls if name.startswith("aiohttp") else max(calls // 5, 100)
            samples[name].append(await throughput(call, n, concurrency))
    result = {name: statistics.median(values) for name, values in samples.items()}
    for driver in ("aiohttp", "httpx"):
        raw, sdk = result[f"{driver} raw"], result[f"{driver} sdk"]
        lines.append(
            f"async x{concurrency:<7} {driver:12} raw {raw:8.0f} calls/s   sdk {sdk:8.0f} calls/s   ratio {sdk / raw:5.2f}"
        )
    await raw_aiohttp.close()
    await raw_httpx.aclose()
    await sdk_aiohttp.close()
    await sdk_httpx.close()
    return lines


def import_time(runs: int = 7) -> str:
    code = "import time; t = time.perf_counter(); import wootiv; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(runs)]
    return f"import wootiv  median {statistics.median(times) * 1000:.1f} ms over {runs} fresh interpreters"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    server, url = start_server()
    try:
        lines = sync_benchmarks(url, args.rounds, args.calls)
        lines += asyncio.run(async_benchmarks(url, args.rounds, args.calls * 2))
        lines.append(import_time())
    finally:
        server.terminate()
        server.wait()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
