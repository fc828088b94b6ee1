"""Runs the README examples and the three user examples against the emulator (`make test`).

Each user example runs as its own process, as a user would run it, with
`WOOTIV_API_KEY` and `WOOTIV_BASE_URL` pointing at a freshly served emulator.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

EXAMPLES = [
    ["demo.py"],
    ["aiohttp_app.py", "--self-test"],
    ["requests_codebase.py"],
    ["httpx_hooks.py"],
]


def main() -> int:
    from wootiv.testing import Emulator

    failures = 0
    for command in EXAMPLES:
        emulator = Emulator()
        with emulator.serve("127.0.0.1", 0) as server:
            env = dict(os.environ, WOOTIV_API_KEY=emulator.api_key, WOOTIV_BASE_URL=server.url)
            result = subprocess.run([sys.executable, str(HERE / command[0]), *command[1:]], env=env, capture_output=True, text=True, timeout=300)
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"examples/{' '.join(command)}: {status}")
        if result.returncode != 0:
            failures += 1
            print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
    print(f"{len(EXAMPLES) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
