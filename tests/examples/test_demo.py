"""`make demo` shows each README example's code, then what it printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_prints_each_example_before_its_output() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py")], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    start = next(number for number, line in enumerate(lines) if line.endswith(": Quick start ==="))
    code = lines.index('    role = client.roles.create(name="support", description="Answers customer tickets")', start)
    output = lines.index("--- output:", code)
    assert lines[output + 1].endswith(" support"), lines[output : output + 3]
    blocks = sum(line.startswith("=== README.md line ") for line in lines)
    assert blocks == lines.count("--- output:") and f"All {blocks} README examples ran against the emulator." in lines
