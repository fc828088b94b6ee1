"""Runs every Python example of README.md against a served Wootiv emulator.

Each ```python block is printed, then runs in a fresh namespace, in order, with
`WOOTIV_API_KEY` and `WOOTIV_BASE_URL` pointing at the emulator. A block may
be preceded by `<!-- demo: faults SPEC -->`, which installs those emulator
faults (the `--faults` grammar of `python -m wootiv.testing serve`) for that
block only; that is how the retry example meets real 429 answers.
"""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path
from typing import Callable, Iterator, Optional, Tuple

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"(?:<!-- demo: faults (?P<faults>[^>]*?) -->\n)?```python\n(?P<code>.*?)```", re.S)


def examples(text: str) -> Iterator[Tuple[int, Optional[str], str]]:
    """`(line, faults, code)` for each Python block of the README."""
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start("code")) + 1
        yield line, match.group("faults"), match.group("code")


def heading_before(text: str, line: int) -> str:
    headings = [row for row in text.splitlines()[:line] if row.startswith("## ")]
    return headings[-1][3:] if headings else "Introduction"


def run_readme(set_faults: Callable[[Optional[str]], None]) -> int:
    """Run every example; `set_faults(spec)` installs (or with None clears) faults. Returns the count."""
    text = README.read_text(encoding="utf-8")
    count = 0
    for line, faults, code in examples(text):
        print(f"\n=== README.md line {line}: {heading_before(text, line)} ===")
        print(textwrap.indent(code.rstrip("\n"), "    "))
        print("--- output:", flush=True)
        set_faults(faults)
        started = time.monotonic()
        try:
            exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "__readme__"})
        finally:
            set_faults(None)
        print(f"--- ok in {time.monotonic() - started:.2f} s", flush=True)
        count += 1
    return count
