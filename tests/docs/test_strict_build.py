"""`mkdocs build --strict` refuses docstrings that point at names that do not exist.

Each case builds a throwaway site with the project's own mkdocstrings set-up
around a one-module package, so the failure is the one `make docs` would give.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from .site import ROOT, build


def _site(tmp_path: Path, source: str) -> Path:
    config: Dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins: List[Any] = [plugin for plugin in config["plugins"] if isinstance(plugin, dict) and "mkdocstrings" in plugin]
    handler: Dict[str, Any] = plugins[0]["mkdocstrings"]["handlers"]["python"]
    handler["options"].pop("preload_modules")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Tiny\n\n::: tiny\n", encoding="utf-8")
    (tmp_path / "tiny.py").write_text(textwrap.dedent(source), encoding="utf-8")
    site: Dict[str, Any] = {"site_name": "tiny", "docs_dir": "docs", "theme": {"name": "material", "font": False}, "plugins": plugins}
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(site), encoding="utf-8")
    return config_file


def test_a_good_docstring_builds(tmp_path: Path) -> None:
    config = _site(tmp_path, '''
        """A tiny module."""

        def hello(name: str) -> str:
            """Greet [`hello`][tiny.hello]'s caller.

            Args:
                name: Who to greet.
            """
            return name
    ''')
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "docstring, named",
    [
        ("Greet, unlike [`farewell`][tiny.farewell].", "tiny.farewell"),
        ("Greet.\n\n    Args:\n        nmae: Who to greet.", "nmae"),
    ],
    ids=["cross-reference-to-a-missing-name", "argument-that-does-not-exist"],
)
def test_a_docstring_naming_what_does_not_exist_fails_the_build_with_the_name(tmp_path: Path, docstring: str, named: str) -> None:
    source = textwrap.dedent('''
        """A tiny module."""

        def hello(name: str) -> str:
            """DOCSTRING"""
            return name
    ''').replace("DOCSTRING", docstring)
    config = _site(tmp_path, source)
    result = build(config, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Aborted with" in output and "in strict mode" in output
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert any(named in line for line in warnings), output
