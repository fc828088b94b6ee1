"""`python -m wootiv.testing serve`: run the emulator until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import List, Optional

from ._app import DEFAULT_API_KEY
from ._emulator import Emulator
from ._faults import FaultSpecError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m wootiv.testing", description="An emulator of the Wootiv API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=3001, help="port (default 3001, the 'production' environment's port; 0 picks a free one)")
    serve.add_argument("--api-key", default=DEFAULT_API_KEY, help=f"the bearer key to accept (default {DEFAULT_API_KEY})")
    serve.add_argument("--empty", action="store_true", help="start without the demo dataset")
    serve.add_argument("--seed", type=int, default=0, help="seed for ids and fault probabilities (default 0)")
    serve.add_argument("--faults", default=None, help="fault rules, e.g. 'roles.list:status=429,retry_after=1,times=2;*:latency=0.05'")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        emulator = Emulator(api_key=args.api_key, seed=args.seed, empty=args.empty, faults=args.faults)
    except FaultSpecError as exc:
        print(f"error: --faults: {exc}", file=sys.stderr)
        return 2
    try:
        server = emulator.serve(args.host, args.port)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    def on_sigterm(signum: int, frame: object) -> None:
        server.stop()

    signal.signal(signal.SIGTERM, on_sigterm)
    print(f"Wootiv emulator listening on {server.url}", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
