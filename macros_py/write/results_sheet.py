"""The 校验结果 sheet's layout, shared by the annotated copy (annotated.py, openpyxl) and the ribbon's
校验本簿 (addin/excel_marks.py, through xlwings): a title, the file, the counts, then one row per
finding under a header row, in the notice's font, wrapped, ruled, A4 landscape fitted to the width.

The columns are sized so that the nine of them fit A4 landscape at full size: 说明 and 修改建议 wrap
instead of running to a second and third page (before: 206 width units, one finding over four
portrait pages).
"""

from __future__ import annotations

from collections import Counter

from macros_py.model.findings import ERROR, INFO, WARNING, Finding
from macros_py.write.cell_text import FONT_NAME, FONT_SIZE, row_height, wrapped_lines

RESULT_SHEET = "校验结果"
RESULT_HEADERS = ("序号", "严重程度", "规则", "工作表", "单元格", "列", "值", "说明", "修改建议")
RESULT_WIDTHS = (4, 9, 12, 12, 9, 11, 11, 31, 26)   # 125: A4 landscape at ≥ 9 pt, also in LibreOffice
HEADER_ROW = 4            # 1-based: title, 文件, counts, then the header row
TITLE_SIZE = 16
NO_FINDINGS = "未发现问题。"
FOOTER = "第 &P 页，共 &N 页"
FOOTER_SIZE = 11
__all__ = ["FONT_NAME", "FONT_SIZE", "FOOTER", "FOOTER_SIZE", "HEADER_ROW", "NO_FINDINGS", "RESULT_HEADERS", "RESULT_SHEET",
           "RESULT_WIDTHS", "TITLE_SIZE", "counts_text", "heading", "row_heights"]


def counts_text(findings: list[Finding]) -> str:
    if not findings:
        return "共 0 条：" + NO_FINDINGS
    n = Counter(f.severity for f in findings)
    return f"共 {len(findings)} 条：错误 {n[ERROR]} 条，警告 {n[WARNING]} 条，提示 {n[INFO]} 条"


def heading(file_name: str, findings: list[Finding]) -> list[str]:
    """The three lines above the header row."""
    return [RESULT_SHEET, f"文件：{file_name}", counts_text(findings)]


def row_heights(rows: list[list]) -> list[float]:
    """The height of each finding row (values as written, in RESULT_HEADERS order): Excel does not
    measure wrapped text that a program writes, so a long 说明 would print over the next row."""
    out = []
    for values in rows:
        lines = max((wrapped_lines(v, w) for v, w in zip(values, RESULT_WIDTHS, strict=False)
                     if isinstance(v, str) and not v.startswith("=")), default=1)
        out.append(row_height(lines))
    return out
