"""The examples of docs/testing.md run, as a user would run them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
TEST_FILE = re.compile(r"# (test_\w+\.py)")


def blocks() -> List[str]:
    found: List[str] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return found


@pytest.mark.parametrize("name, passed", [("test_onboarding.py", 3), ("test_async_onboarding.py", 1)])
def test_the_documented_pytest_examples_pass(tmp_path: Path, name: str, passed: int) -> None:
    example = next(block for block in blocks() if block.startswith(f"# {name}"))
    (tmp_path / name).write_text(example, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / name)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{passed} passed" in result.stdout


def test_the_other_documented_snippets_run() -> None:
    for block in blocks():
        if not TEST_FILE.match(block):
            exec(compile(block, str(DOC), "exec"), {})
