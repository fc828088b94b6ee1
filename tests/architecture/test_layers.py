"""The three packages depend on each other in one direction only.

`wootiv_core` must stay free of I/O libraries, and `wootiv_transports` must not
know any Wootiv model. These tests import each package in a fresh
interpreter with the forbidden modules made unimportable, so a new import
anywhere in the package fails here rather than in a user's application.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[2]

IO_MODULES = ["httpx", "aiohttp", "requests", "asyncio", "anyio", "socket", "ssl"]

_BLOCKER = """
import importlib.abc, sys
BLOCKED = set({blocked!r})
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"forbidden import of {{name}}")
        return None
sys.meta_path.insert(0, Block())
import importlib, pkgutil
import {package} as package
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(info.name)
print("imported", package.__name__)
"""


def _import_with_blocked(package: str, blocked: List[str]) -> subprocess.CompletedProcess[str]:
    code = _BLOCKER.format(blocked=blocked, package=package)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_core_imports_no_io_library() -> None:
    result = _import_with_blocked("wootiv_core", IO_MODULES)
    assert result.returncode == 0, result.stderr


def test_the_blocker_would_notice_a_forbidden_import() -> None:
    # Guard against a blocker that blocks nothing: the transports do import httpx.
    result = _import_with_blocked("wootiv_transports", ["httpx"])
    assert result.returncode != 0
    assert "forbidden import of httpx" in result.stderr


def _imported_modules(path: Path) -> List[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: List[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_transports_know_no_wootiv_model_or_client() -> None:
    offenders = []
    for path in sorted((ROOT / "wootiv_transports").glob("*.py")):
        for name in _imported_modules(path):
            top = name.split(".")
            if top[0] == "wootiv" or name.startswith(("wootiv_core.api", "wootiv_core.model", "wootiv_core.converter")):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_core_never_imports_the_upper_layers() -> None:
    offenders = []
    for info in pkgutil.walk_packages([str(ROOT / "wootiv_core")], "wootiv_core."):
        path = ROOT / (info.name.replace(".", "/") + ("/__init__.py" if info.ispkg else ".py"))
        for name in _imported_modules(path):
            if name.split(".")[0] in ("wootiv", "wootiv_transports"):
                offenders.append(f"{info.name}: {name}")
    assert offenders == []


def test_import_wootiv_loads_neither_aiohttp_nor_requests() -> None:
    code = "import sys, wootiv; print(sorted(m for m in ('aiohttp', 'requests', 'httpx') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_native_transports_decisions_do_no_io() -> None:
    # Routes, pool and wire are shared by the socket and asyncio sides; only
    # those sides may do I/O (DESIGN.md, "The native transport is sans-IO too").
    forbidden = {"socket", "ssl", "asyncio", "threading", "select", "selectors", "time", "os"}
    offenders = []
    for name in ("h11_routes", "h11_pool", "h11_wire"):
        path = ROOT / "wootiv_transports" / f"{name}.py"
        offenders += [f"{name}: {module}" for module in _imported_modules(path) if module.split(".")[0] in forbidden]
    assert offenders == []
