"""An emulator of the Wootiv API, for the SDK's own tests and for yours.

    from wootiv.testing import Emulator

    emulator = Emulator()                  # demo data; Emulator(empty=True) for none
    client = emulator.client()             # a Wootiv client wired to it, no socket
    with emulator.serve() as server:       # or over HTTP on a free 127.0.0.1 port
        print(server.url, server.api_key)
    emulator.faults.add("roles.list", status=429, retry_after="1", times=2)

From the command line: `python -m wootiv.testing serve --port 3001`. In
pytest, the `wootiv_emulator` fixture serves one for the whole session. The
guide is docs/testing.md.

Names load on first use: pytest imports this package for its plugin in every
session of every project that has wootiv installed, and that should not
cost the emulator's import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:
    from ._app import DEFAULT_API_KEY as DEFAULT_API_KEY, EmulatorApp as EmulatorApp
    from ._dataset import (
        DEMO_EMAIL as DEMO_EMAIL,
        DEMO_MEMBERS as DEMO_MEMBERS,
        DEMO_PASSWORD as DEMO_PASSWORD,
        DEMO_WORKSPACE as DEMO_WORKSPACE,
    )
    from ._emulator import Emulator as Emulator
    from ._faults import (
        Fault as Fault,
        Faults as Faults,
        FaultSpecError as FaultSpecError,
        Outcome as Outcome,
        parse_faults as parse_faults,
    )
    from ._inprocess import AsyncEmulatorTransport as AsyncEmulatorTransport, EmulatorTransport as EmulatorTransport
    from ._server import Server as Server

_WHERE: Dict[str, str] = {
    "DEFAULT_API_KEY": "._app",
    "EmulatorApp": "._app",
    "DEMO_EMAIL": "._dataset",
    "DEMO_PASSWORD": "._dataset",
    "DEMO_WORKSPACE": "._dataset",
    "DEMO_MEMBERS": "._dataset",
    "Emulator": "._emulator",
    "Fault": "._faults",
    "Faults": "._faults",
    "FaultSpecError": "._faults",
    "Outcome": "._faults",
    "parse_faults": "._faults",
    "EmulatorTransport": "._inprocess",
    "AsyncEmulatorTransport": "._inprocess",
    "Server": "._server",
}

__all__ = [
    "DEFAULT_API_KEY",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "DEMO_WORKSPACE",
    "DEMO_MEMBERS",
    "Emulator",
    "EmulatorApp",
    "Server",
    "Fault",
    "Faults",
    "FaultSpecError",
    "Outcome",
    "parse_faults",
    "EmulatorTransport",
    "AsyncEmulatorTransport",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'wootiv.testing' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(__all__)
