"""The import contracts of pyproject.toml hold, and they would catch a wrong import: a copy of the
package in which a rule imports a writer fails `lint-imports` (issue 9)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = shutil.which("lint-imports")
pytestmark = pytest.mark.skipif(LINT is None, reason="没有安装 import-linter（测试依赖 .[test]）")


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([LINT, "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_package_keeps_its_import_contracts():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and result.stdout.count("KEPT") >= 3


def copy_of_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "macros_py", tmp_path / "macros_py", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_a_rule_importing_a_writer_breaks_the_contracts(tmp_path):
    root = copy_of_package(tmp_path)
    rule = root / "macros_py" / "rules" / "bases.py"
    rule.write_text(rule.read_text(encoding="utf-8") + "\nfrom macros_py.write import xlsx_pack  # noqa\n",
                    encoding="utf-8")
    result = lint(root)
    assert result.returncode != 0
    assert "Rules never import a reader or a writer BROKEN" in " ".join(result.stdout.split())
    assert "macros_py.rules.bases -> macros_py.write.xlsx_pack" in result.stdout


def test_xlwings_outside_the_addin_breaks_the_contracts(tmp_path):
    root = copy_of_package(tmp_path)
    module = root / "macros_py" / "merge" / "inbox.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nimport xlwings  # noqa\n", encoding="utf-8")
    result = lint(root)
    assert result.returncode != 0 and "Only the add-in imports xlwings BROKEN" in " ".join(result.stdout.split())


def test_python_finds_the_copy_not_the_installed_package(tmp_path):
    """The two tests above lint the copy only if `macros_py` resolves to it under PYTHONPATH."""
    root = copy_of_package(tmp_path)
    out = subprocess.run([sys.executable, "-c", "import macros_py; print(macros_py.__file__)"], cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True).stdout
    assert Path(out.strip()).resolve().is_relative_to(root.resolve())
