"""`make demo`: serve the emulator and run the README's examples against it.

The emulator listens on 127.0.0.1:3001, the `production` environment's
address, so `Wootiv()` with no options talks to it; if that port is taken,
a free one is used and `WOOTIV_BASE_URL` points the examples at it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

from readme import run_readme  # noqa: E402

from wootiv.testing import Emulator  # noqa: E402
from wootiv.testing._server import Server  # noqa: E402


def serve(emulator: Emulator) -> Server:
    try:
        return emulator.serve("127.0.0.1", 3001)
    except OSError:
        return emulator.serve("127.0.0.1", 0)


def main() -> int:
    emulator = Emulator()
    server = serve(emulator)
    os.environ["WOOTIV_API_KEY"] = emulator.api_key
    os.environ["WOOTIV_BASE_URL"] = server.url
    print(f"Wootiv emulator listening on {server.url} (demo data: workspace 'demo' with 47 members)")

    def set_faults(spec: Optional[str]) -> None:
        emulator.faults.clear()
        if spec:
            print(f"[demo] injecting faults: {spec}")
            emulator.faults.load(spec)

    try:
        count = run_readme(set_faults)
    finally:
        server.stop()
    print(f"\nAll {count} README examples ran against the emulator.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
