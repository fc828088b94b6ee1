"""Runs pyright and mypy (both strict) over the typing contract of the SDK.

`usage.py` holds the clients' types, `models.py` the models'. Lines that
must be errors carry an ignore comment for each checker, and both checkers
fail on an ignore that hides nothing, so these tests fail both when a type
gets looser and when an expected error disappears.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = Path(sys.executable).parent


def test_clients_are_typed_for_users_under_pyright() -> None:
    result = subprocess.run(
        [str(TOOLS / "pyright"), "-p", str(HERE / "pyrightconfig.json")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=HERE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_clients_are_typed_for_users_under_mypy() -> None:
    result = subprocess.run(
        [str(TOOLS / "mypy"), "--config-file", "mypy.ini", "usage.py", "models.py"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=HERE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found in 2 source files"), result.stdout
