"""Reads the bureau's 人工裁定 workbook: one row per decision, found by its header, on any sheet.

The columns are named once in merge.decisions (DECISION_COLUMNS) and handed in; the order of the
columns and the sheet's name do not matter. The workbook is only read, never changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from macros_py.model.errors import UnusableFileError
from macros_py.model.normalize import clean_text, norm_key
from macros_py.read.safety import check_zip, sniff
from macros_py.read.workbook import read_grids


def _text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value)


def read_decision_rows(path: str | Path, columns: tuple[str, ...]) -> list[dict]:
    """Every filled row under the first header that has all `columns`: {column: text, "_row": n,
    "_sheet": name}. UnusableFileError (Chinese) when the file is not a workbook or has no such header."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(4096)
    if sniff(path.name, head, path.stat().st_size) == "zip":
        check_zip(path)
    wanted = {norm_key(c): c for c in columns}
    for grid in read_grids(path):
        for r in range(min(grid.height, 10)):
            found = {norm_key(t): c for c, t in grid.row_texts(r)}
            if not set(wanted) <= set(found):
                continue
            out = []
            for row in range(r + 1, grid.height):
                item = {name: _text(grid.get(row, found[key])) for key, name in wanted.items()}
                if any(item.values()):
                    out.append({**item, "_row": row + 1, "_sheet": grid.name})
            return out
    raise UnusableFileError("找不到“" + "、".join(columns) + "”这些列的表头。")
