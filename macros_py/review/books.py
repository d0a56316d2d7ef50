"""Reading a returned review workbook (专家名单, 评分表, 复核表, 人工裁定) with intake's safety: the same
byte checks and limits (read/safety), lock files told apart, never a macro run, the file only read."""

from __future__ import annotations

from pathlib import Path

from macros_py.model.errors import UnusableFileError
from macros_py.read.grid import Grid
from macros_py.read.own_output import REVIEW_SHEET
from macros_py.read.safety import DEFAULT_LIMITS, Limits
from macros_py.read.workbook import checked_file, read_grids

META_SHEET = REVIEW_SHEET     # the very hidden sheet every review workbook we write carries


def read_book(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> tuple[str, dict[str, Grid]]:
    """(sha256, sheets by name). Raises UnusableFileError with a Chinese reason."""
    path = Path(path)
    if not path.is_file():
        raise UnusableFileError(f"找不到文件 {path}。")
    sha = checked_file(path, limits)[0]
    return sha, {g.name: g for g in read_grids(path, limits)}


def meta_of(grids: dict[str, Grid]) -> dict[str, str] | None:
    """The key/value lines of a review workbook's hidden 评审数据 sheet (first two columns), else None."""
    grid = grids.get(META_SHEET)
    if grid is None:
        return None
    out = {}
    for row in grid.rows:
        if len(row) >= 2 and isinstance(row[0], str) and row[0] and row[0] != "编号":
            out.setdefault(row[0], "" if row[1] is None else str(row[1]))
    return out


def json_of(grids: dict[str, Grid], key: str = "数据") -> str:
    """The JSON text a hidden sheet carries in chunks on the lines named `key`."""
    grid = grids.get(META_SHEET)
    rows = grid.rows if grid else []
    return "".join(str(r[1]) for r in rows if len(r) >= 2 and r[0] == key and r[1] not in (None, ""))
