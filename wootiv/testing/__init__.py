"""An emulator of the Wootiv API, for the SDK's tests and for yours.

    from wootiv.testing import Emulator

    emulator = Emulator()              # demo data: workspace "demo" with 47 members
    client = emulator.client()         # a Wootiv client wired to it, no socket
    with emulator.serve() as server:   # or over HTTP on 127.0.0.1
        print(server.url)

From the command line: `python -m wootiv.testing serve --port 3001`. In
pytest, the `wootiv_emulator` fixture serves one for the test session. See
docs/testing.md.
"""

from __future__ import annotations

from ._app import DEFAULT_API_KEY, EmulatorApp
from ._dataset import DEMO_EMAIL, DEMO_PASSWORD
from ._emulator import Emulator, Outcome
from ._faults import Fault, Faults, FaultSpecError, parse_faults

__all__ = [
    "DEFAULT_API_KEY",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "Emulator",
    "EmulatorApp",
    "Fault",
    "Faults",
    "FaultSpecError",
    "Outcome",
    "parse_faults",
]
