"""`python -m wootiv.testing serve`: the emulator as a local HTTP server.

Once it accepts connections it prints `Wootiv emulator listening on
http://HOST:PORT`, then the shell line that points a client at it
(`export WOOTIV_BASE_URL=... WOOTIV_API_KEY=...`), serves until Ctrl-C or
SIGTERM, then stops cleanly and exits 0. A bad fault spec or an address
already in use exits 2 with a one-line message saying what is wrong.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import time
from types import FrameType
from typing import List, Optional

from ._app import DEFAULT_API_KEY
from ._emulator import Emulator
from ._faults import FaultSpecError

PROG = "python -m wootiv.testing"


class _StopRequest:
    """A signal handler that only raises a flag.

    Handlers run between bytecodes of the main thread; one that took a lock
    (as stopping the server does) could deadlock against the code it
    interrupted, so the main loop does the stopping when it sees the flag.
    """

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: Optional[FrameType]) -> None:
        self.requested = True


def export_line(base_url: str, api_key: str) -> str:
    """The shell line that sets the environment a `Wootiv()` client reads."""
    return f"export WOOTIV_BASE_URL={shlex.quote(base_url)} WOOTIV_API_KEY={shlex.quote(api_key)}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="An emulator of the Wootiv API.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = commands.add_parser("serve", help="serve the emulator over HTTP until Ctrl-C or SIGTERM")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=3001, help="port to listen on; 0 picks a free one (default: 3001)")
    serve.add_argument("--api-key", default=DEFAULT_API_KEY, help=f"the bearer key to accept (default: {DEFAULT_API_KEY})")
    serve.add_argument("--empty", action="store_true", help="start without the demo data")
    serve.add_argument("--seed", type=int, default=0, help="seed for generated ids and fault probabilities (default: 0)")
    serve.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help='fault rules "TARGET:SETTING,...;..." such as "roles.list:status=429,retry_after=1,times=2;*:latency=0.05"',
    )
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    emulator = Emulator(api_key=args.api_key, seed=args.seed, empty=args.empty)
    try:
        emulator.faults.load(args.faults)
    except FaultSpecError as error:
        # One line, not argparse's usage block: the spec is what needs fixing.
        print(f"{PROG}: error: argument --faults: {error}", file=sys.stderr)
        return 2
    stop = _StopRequest()
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        server = emulator.serve(args.host, args.port)
    except OSError as error:
        print(f"{PROG}: error: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    try:
        print(f"Wootiv emulator listening on {server.url}")
        print("Point the SDK at it (Wootiv() reads both):")
        print(export_line(server.url, server.api_key), flush=True)
        while not stop.requested:
            time.sleep(0.1)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
