"""Installing the SDK from a checkout, as the README says, in a user's own project.

Each test makes a throwaway virtual environment (its libraries come from this
one through a path entry, so nothing is downloaded but the build backend),
installs the checkout into it, and uses it from a project folder outside
the checkout, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(sys.executable).parent
INSTALL_SECONDS = 300
CHECK_SECONDS = 300

USER_CODE = textwrap.dedent(
    """\
    from wootiv import Wootiv
    from wootiv.types import RoleDto


    def show_role(client: Wootiv) -> None:
        role: RoleDto = client.roles.retrieve("r1")
        print(role.name, role.nmae)
    """
)


def _run(command: List[str], cwd: Path, timeout: float) -> "subprocess.CompletedProcess[str]":
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=timeout, env=environment)


def _environment(tmp_path: Path) -> Path:
    """A new virtual environment that sees this one's libraries but not its wootiv; its python."""
    folder = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    python = folder / "bin" / "python"
    site_packages = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, 60).stdout.strip())
    # A path entry, not a site directory: the .pth files there (this checkout's own
    # editable install among them) are not read, so wootiv comes only from what we install.
    (site_packages / "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def _pip_install(python: Path, *arguments: str) -> None:
    result = _run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(python), "install", "--no-deps", *arguments], ROOT, INSTALL_SECONDS)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "user-project"
    folder.mkdir()
    (folder / "app.py").write_text(USER_CODE, encoding="utf-8")
    return folder


def test_an_editable_install_is_resolved_by_pyright_and_mypy(tmp_path: Path, project: Path) -> None:
    python = _environment(tmp_path)
    _pip_install(python, "--config-settings", "editable_mode=compat", "-e", str(ROOT))

    pyright = _run([str(TOOLS / "pyright"), "--pythonpath", str(python), "app.py"], project, CHECK_SECONDS)
    assert "could not be resolved" not in pyright.stdout, pyright.stdout
    assert 'Cannot access attribute "nmae" for class "RoleDto"' in pyright.stdout, pyright.stdout
    assert "1 error" in pyright.stdout, pyright.stdout

    mypy = _run([str(TOOLS / "mypy"), "--strict", "--python-executable", str(python), "--cache-dir", str(tmp_path / "mypy-cache"), "app.py"], project, CHECK_SECONDS)
    assert "Cannot find implementation or library stub" not in mypy.stdout, mypy.stdout
    assert mypy.stdout.splitlines() == ['app.py:7: error: "RoleDto" has no attribute "nmae"  [attr-defined]', "Found 1 error in 1 file (checked 1 source file)"], mypy.stdout


def test_a_normal_install_from_the_checkout_works(tmp_path: Path, project: Path) -> None:
    python = _environment(tmp_path)
    _pip_install(python, str(ROOT))
    script = "import wootiv, wootiv.testing as t; c = t.Emulator().client(); print(wootiv.__file__); print(c.roles.list().data[0].name); c.close()"
    result = _run([str(python), "-c", script], project, 60)
    assert result.returncode == 0, result.stderr
    where, name = result.stdout.splitlines()
    assert Path(where).is_relative_to(tmp_path / "venv") and name
    pyright = _run([str(TOOLS / "pyright"), "--pythonpath", str(python), "app.py"], project, CHECK_SECONDS)
    assert 'Cannot access attribute "nmae" for class "RoleDto"' in pyright.stdout and "could not be resolved" not in pyright.stdout, pyright.stdout
