"""Reading back a master workbook that `shenbao merge` wrote: the summary its hidden sheet carries."""

from __future__ import annotations

import json

from macros_py.model.errors import ShenbaoError
from macros_py.model.summary import SUMMARY_SHEET, MergeSummary


def load_summary(path) -> MergeSummary:
    """The summary a master workbook carries (raises ShenbaoError with a Chinese reason if none)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for every kind of unreadable file
        raise ShenbaoError(f"无法打开汇总工作簿 {path}：{exc}") from None
    if SUMMARY_SHEET not in wb.sheet_names:
        raise ShenbaoError(f"{path} 不是 shenbao merge 生成的汇总工作簿（缺少隐藏的“{SUMMARY_SHEET}”工作表）。")
    rows = wb.get_sheet_by_name(SUMMARY_SHEET).to_python()
    text = "".join(str(r[0]) for r in rows if r and r[0] not in (None, ""))
    try:
        return MergeSummary.from_dict(json.loads(text))
    except (ValueError, TypeError) as exc:
        raise ShenbaoError(f"{path} 中的汇总数据已损坏：{exc}") from None
