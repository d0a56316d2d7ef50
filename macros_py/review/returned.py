"""What is in the folder of returned review workbooks: each file classified by its hidden 评审数据 sheet
(评分表, 复核表, 专家名单, 人工裁定), or listed with the reason it is not read. Lock files (~$…) are
ignored with a line saying so; a file that fails intake's safety checks gets its Chinese reason."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from macros_py.model.errors import UnusableFileError
from macros_py.read.grid import Grid
from macros_py.read.safety import LOCK_FILE_REASON, WORKBOOK_SUFFIXES
from macros_py.review.books import json_of, meta_of, read_book

IGNORED, UNUSABLE, READ = "已忽略", "无法使用", "已读取"


@dataclass
class ReturnedFile:
    rel: str
    path: Path
    status: str
    reason: str = ""
    sha256: str = ""
    kind: str = ""                 # 评分表 / 复核表 / 专家名单 / 评审人工裁定
    meta: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    grids: dict[str, Grid] = field(default_factory=dict)

    def value(self, sheet: str, row: int, col: int):
        grid = self.grids.get(sheet)
        if grid is None or row >= len(grid.rows) or col >= len(grid.rows[row]):
            return None
        return grid.rows[row][col]


def scan(folder: str | Path, skip: set[Path] = frozenset()) -> list[ReturnedFile]:
    folder = Path(folder)
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if path.resolve() in skip or any(part.startswith(".~shenbao-") for part in path.parts):
            continue
        if path.name.startswith("~$"):
            out.append(ReturnedFile(rel, path, IGNORED, LOCK_FILE_REASON))
            continue
        if path.suffix.lower() not in WORKBOOK_SUFFIXES:
            if path.suffix.lower() not in (".sqlite", ".json", ".html", ".csv"):
                out.append(ReturnedFile(rel, path, IGNORED, f"不是 Excel 工作簿（扩展名 {path.suffix or '无'}），未读取"))
            continue
        try:
            sha, grids = read_book(path)
        except UnusableFileError as exc:
            out.append(ReturnedFile(rel, path, UNUSABLE, str(exc)))
            continue
        meta = meta_of(grids)
        if not meta or "类型" not in meta:
            out.append(ReturnedFile(rel, path, IGNORED, "不是 shenbao review 生成的评审工作簿（没有隐藏的“评审数据”工作表），未读取",
                                    sha))
            continue
        try:
            data = json.loads(json_of(grids) or "{}")
        except ValueError:
            out.append(ReturnedFile(rel, path, UNUSABLE, "隐藏的“评审数据”工作表已损坏（被改动过），无法使用；请用原表重新填写", sha))
            continue
        out.append(ReturnedFile(rel, path, READ, "", sha, meta["类型"], meta, data, grids))
    return out
