"""The expert panel: 表5 / 附件4 专家信息 (姓名、单位及职务/职称、手机、签名), read from the bureau's list, and
who must stand aside (回避) for which project.

An expert stands aside when the unit in 单位及职务/职称 (or a unit in the optional 回避单位 column) is the
applicant's unit or its recommender (a recommender also by the names policy/recommenders resolves).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from macros_py.model.errors import ShenbaoError, UnusableFileError
from macros_py.model.normalize import clean_text, norm_key
from macros_py.policy.load import Policy
from macros_py.policy.recommenders import resolve
from macros_py.review.books import read_book
from macros_py.review.projects import ReviewProject

HEADERS = ("序号", "姓名", "单位及职务/职称", "手机", "签名")   # 表5 专家信息, as the notice prints it
AVOID = "回避单位"                                                # optional: other units to stand aside for
_SPLIT = re.compile(r"[\s/／,，;；、]+")


@dataclass
class Expert:
    number: int
    name: str
    unit_title: str
    phone: str
    avoid: list[str] = field(default_factory=list)

    @property
    def unit(self) -> str:
        """The unit: 单位及职务/职称 up to the first space or slash."""
        parts = [p for p in _SPLIT.split(clean_text(self.unit_title)) if p]
        return parts[0] if parts else ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Expert:
        return cls(**data)


def recusal(expert: Expert, project: ReviewProject, policy: Policy) -> str | None:
    """Why `expert` must not score `project`, or None."""
    units = [u for u in [expert.unit, *expert.avoid] if norm_key(u)]
    target, rec = norm_key(project.unit), norm_key(project.recommender)
    for u in units:
        key = norm_key(u)
        if key == target or (len(key) >= 4 and (key in target or target in key)):
            return f"专家单位“{u}”即申报单位"
        who = resolve(u, policy)
        if key == rec or (who is not None and who.expected and who.name == project.recommender):
            return f"专家单位“{u}”即推荐单位"
    return None


def read_experts(path: str | Path) -> list[Expert]:
    """The list, from the first sheet that has the 表5 headers 姓名 and 单位…; a Chinese error if none."""
    try:
        _, grids = read_book(path)
    except UnusableFileError as exc:
        raise ShenbaoError(f"专家名单 {path} 无法使用：{exc}") from None
    for grid in grids.values():
        if grid.hidden:
            continue
        for r, row in enumerate(grid.rows[:30]):
            keys = [norm_key(v) for v in row]
            if "姓名" in keys and any(k.startswith("单位") for k in keys):
                cols = {k: i for i, k in reversed(list(enumerate(keys)))}
                unit_col = next(i for i, k in enumerate(keys) if k.startswith("单位"))
                return _rows(path, grid, r, cols, unit_col)
    raise ShenbaoError(f"专家名单 {path} 中找不到表5 的表头（姓名、单位及职务/职称、手机）。")


def _rows(path, grid, header_row: int, cols: dict[str, int], unit_col: int) -> list[Expert]:
    def cell(row, key):
        i = cols.get(key)
        return clean_text(row[i]) if i is not None and i < len(row) else ""

    out, seen = [], {}
    for r in range(header_row + 1, len(grid.rows)):
        row = grid.rows[r]
        name = cell(row, "姓名")
        if not name:
            continue
        if name.startswith(("说明", "注")):
            break
        phone = cell(row, "手机")
        if phone.endswith(".0"):
            phone = phone[:-2]
        unit = clean_text(row[unit_col]) if unit_col < len(row) else ""
        avoid = [a for a in _SPLIT.split(cell(row, norm_key(AVOID))) if a]
        if name in seen:
            raise ShenbaoError(f"专家名单 {Path(path).name} 第 {r + 1} 行：专家“{name}”与第 {seen[name]} 行重复。")
        seen[name] = r + 1
        out.append(Expert(len(out) + 1, name, unit, phone, avoid))
    if not out:
        raise ShenbaoError(f"专家名单 {Path(path).name} 中没有专家。")
    return out
