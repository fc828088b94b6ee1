"""pytest fixtures for code that uses the Wootiv SDK; registered when wootiv is installed.

* `wootiv_emulator` (session): an `Emulator` served on a free 127.0.0.1
  port, as its running `Server`: `.url`, `.api_key`, and `.emulator` for
  faults and reset.
* `wootiv_emulator_reset` (test): the same server, with the emulator's data
  back to the demo set and no fault rules, so a test starts clean whatever
  ran before it.

pytest imports this module in every session of every project that has
wootiv installed, so the emulator itself is imported only when a test asks
for one of these fixtures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from ._server import Server


@pytest.fixture(scope="session")
def wootiv_emulator() -> Iterator[Server]:
    """A Wootiv emulator served over HTTP for the whole test session."""
    from ._emulator import Emulator

    with Emulator().serve() as server:
        yield server


@pytest.fixture
def wootiv_emulator_reset(wootiv_emulator: Server) -> Server:
    """The session's emulator, reset to its initial data and without fault rules."""
    wootiv_emulator.emulator.reset()
    return wootiv_emulator
