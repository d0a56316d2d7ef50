"""Shared by the tests of shenbao review: the committed review example (workbooks/samples/评审示例), a
writable copy of its returned folder, the cells its hidden sheets name, and small editors of returned
workbooks (openpyxl: a reviewer typing in Excel)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from openpyxl import load_workbook

from macros_py.model.paths import SAMPLES_DIR
from macros_py.read.grid import a1
from macros_py.review.books import META_SHEET
from macros_py.review.example import EXAMPLE_DIR, EXPERTS_FILE, RETURNED_DIR

EXAMPLE = SAMPLES_DIR / EXAMPLE_DIR
RETURNED = EXAMPLE / RETURNED_DIR
EXPERT_INPUT = EXAMPLE / EXPERTS_FILE


def copy_returned(tmp_path: Path) -> Path:
    target = tmp_path / "回收"
    shutil.copytree(RETURNED, target)
    return target


def data_of(path: Path) -> dict:
    wb = load_workbook(path, read_only=True)
    rows = list(wb[META_SHEET].iter_rows(values_only=True))
    wb.close()
    return json.loads("".join(str(r[1]) for r in rows if r[0] == "数据"))


def scoresheets(folder: Path) -> list[Path]:
    return sorted(folder.glob("评分表_*.xlsx"))


def score_cells(path: Path, code: str) -> tuple[str, list[str], str | None]:
    """(sheet, the criterion cells, the 回避 reason) of one project on one 评分表."""
    c = data_of(path)["cells"][code]
    return c["sheet"], [a1(c["row"], col) for col in c["cols"]], c["recused"]


def edit(path: Path, sheet: str, values: dict[str, object]) -> None:
    wb = load_workbook(path)
    for cell, value in values.items():
        wb[sheet][cell] = value
    wb.save(path)


def projects(folder: Path) -> dict[str, dict]:
    return {p["code"]: p for p in data_of(folder / "复核表.xlsx")["projects"]}


def conclusion(folder: Path, code: str) -> tuple[str, str, str]:
    c = data_of(folder / "复核表.xlsx")["cells"][code]
    return c["sheet"], c["conclusion"], c["reason"]


def verdicts(folder: Path) -> dict[str, str]:
    data = data_of(folder / "复核表.xlsx")
    wb = load_workbook(folder / "复核表.xlsx", read_only=True)
    out = {code: wb[c["sheet"]][c["conclusion"]].value for code, c in data["cells"].items()}
    wb.close()
    return out
