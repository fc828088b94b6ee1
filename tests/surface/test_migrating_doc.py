"""docs/migrating.md: its example runs against a served emulator, and the README links to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wootiv.testing import Emulator

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "migrating.md"


def test_the_readme_links_the_migration_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documentation = next(line for line in readme.splitlines() if line.startswith("Documentation"))
    assert "(docs/migrating.md)" in readme[readme.index(documentation):readme.index("## Quick start")]


def test_every_example_of_the_guide_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    emulator = Emulator()
    with emulator.serve("127.0.0.1", 0) as server:
        monkeypatch.setenv("WOOTIV_API_KEY", emulator.api_key)
        monkeypatch.setenv("WOOTIV_BASE_URL", server.url)
        for code in blocks:
            exec(compile(code, str(DOC), "exec"), {"__name__": "__migrating__"})
    assert "pageCount" not in capsys.readouterr().out  # printed values, not keys


def test_every_section_says_what_why_and_the_change() -> None:
    sections = re.split(r"\n## ", DOC.read_text(encoding="utf-8"))[1:]
    for section in sections:
        if section.startswith("Before and after"):
            continue
        title = section.splitlines()[0]
        for part in ("**What.**", "**Why.**", "**Change.**"):
            assert part in section, f"{title}: no {part}"
