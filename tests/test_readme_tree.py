"""The README's table of macros_py's folders is the package as it is: every module listed, in its folder,
and every folder of the layers contract in it (issue 9: the folders say the architecture)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "macros_py"


def readme_modules() -> dict[str, set[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## 目录"):]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `(macros_py/(?:[a-z_]+/)?)` \|.*\| ((?:`[a-z_]+` ?)+) \|$", line)
        if match:
            rows[match.group(1).rstrip("/")] = set(re.findall(r"`([a-z_]+)`", match.group(2)))
    return rows


def package_modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        folder = path.parent.relative_to(ROOT).as_posix()
        if path.name == "__init__.py" and folder != "macros_py":
            continue
        found.setdefault(folder, set()).add(path.stem)
    return found


def test_the_readme_table_lists_every_module_in_its_folder():
    listed, actual = readme_modules(), package_modules()
    assert listed.keys() == actual.keys(), "README 目录 and macros_py/ name different folders"
    for folder in actual:
        assert listed[folder] == actual[folder], (folder, "README lacks", actual[folder] - listed[folder],
                                                  "README has gone", listed[folder] - actual[folder])


def test_only_the_package_files_stay_at_the_top():
    assert {p.name for p in PACKAGE.glob("*.py")} <= {"__init__.py", "__main__.py"}


def test_every_subpackage_says_what_it_holds_and_is_in_the_layers_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    in_layers = {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}
    for init in PACKAGE.glob("*/__init__.py"):
        doc = init.read_text(encoding="utf-8")
        assert doc.startswith('"""') and ("May import" in doc or "Imports nothing" in doc), init
        assert f"macros_py.{init.parent.name}" in in_layers, init.parent.name
