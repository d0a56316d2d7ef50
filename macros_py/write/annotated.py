"""The annotated copy: the submitted workbook with each offending cell filled and commented, and a
校验结果 sheet listing every finding with a link to its cell. The input file is never written.

.xlsx and .xlsm only (openpyxl); an .xlsm keeps its VBA project (keep_vba) byte for byte and is never
run. An .xls cannot be annotated in place: the user is told to save it as .xlsx first.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from macros_py.check.marks import NOTE_AUTHOR, marks_by_cell
from macros_py.model.errors import UsageError
from macros_py.model.findings import Finding
from macros_py.write.xlsx_pack import save_workbook

RESULT_SHEET = "校验结果"
RESULT_HEADERS = ("序号", "严重程度", "规则", "工作表", "单元格", "列", "值", "说明", "修改建议")
_WIDTHS = (6, 8, 14, 18, 10, 20, 20, 60, 50)


def annotated_name(path: Path) -> str:
    return f"{path.stem}_校验{path.suffix.lower()}"


def _load(path: Path):
    from openpyxl import load_workbook

    with path.open("rb") as fh:
        data = fh.read()
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise UsageError(f"{path.name} 不是 .xlsx/.xlsm 工作簿，无法生成批注副本"
                         "（.xls 请先在 Excel 或 WPS 中另存为 .xlsx）。") from None
    keep_vba = "xl/vbaProject.bin" in names
    return load_workbook(io.BytesIO(data), keep_vba=keep_vba), keep_vba


def write_annotated(source: str | Path, findings: list[Finding], target: str | Path) -> Path:
    """Write the annotated copy of `source` to `target` (never to `source` itself)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    source, target = Path(source), Path(target)
    if target.resolve() == source.resolve():
        raise UsageError("批注副本不能覆盖原文件，请指定另一个文件名。")
    wb, keep_vba = _load(source)
    if keep_vba and target.suffix.lower() != ".xlsm":
        raise UsageError(f"{source.name} 含有 VBA 宏，批注副本须保存为 .xlsm（现为 {target.suffix}）。")
    if not keep_vba and target.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError("批注副本应以 .xlsx 结尾。")

    merged = {ws.title: [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
              for ws in wb.worksheets if ws.merged_cells.ranges}
    for sheet, by_cell in marks_by_cell(findings, merged).items():
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        for cell_ref, mark in by_cell.items():
            cell = ws[cell_ref]  # the first cell of a merged range: the only one that holds a comment
            fill = PatternFill("solid", fgColor=mark.fill, bgColor=mark.fill)
            for row in (ws[mark.span] if mark.span else ((cell,),)):
                for part in row:
                    part.fill = fill
            cell.font = Font(name=cell.font.name, size=cell.font.size, bold=cell.font.bold, color=mark.font_color)
            text = mark.note if cell.comment is None else f"{cell.comment.text}\n{mark.note}"
            comment = Comment(text, NOTE_AUTHOR)
            comment.width, comment.height = 320, min(60 + 40 * len(mark.findings), 400)
            cell.comment = comment
    _results_sheet(wb, findings)
    save_workbook(wb, target, dt.datetime.now().replace(microsecond=0))
    return target


def _results_sheet(wb, findings: list[Finding]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.hyperlink import Hyperlink

    from macros_py.check.marks import FILL
    from macros_py.write.xlsx_cells import put

    if RESULT_SHEET in wb.sheetnames:  # a copy annotated before: list this run's findings only
        del wb[RESULT_SHEET]
    ws = wb.create_sheet(RESULT_SHEET, 0)
    bold = Font(bold=True)
    for i, (header, width) in enumerate(zip(RESULT_HEADERS, _WIDTHS, strict=True), start=1):
        ws.cell(1, i, header).font = bold
        ws.column_dimensions[get_column_letter(i)].width = width
    link_font = Font(color="0563C1", underline="single")
    for n, f in enumerate(findings, start=1):
        row = n + 1
        values = (n, f.severity, f.rule, f.sheet or "（整个文件）", f.cell or "", f.column or "", f.value,
                  f.message, f.hint)
        for i, value in enumerate(values, start=1):
            put(ws, row, i, value)  # text that looks like a formula stays text
        ws.cell(row, 2).fill = PatternFill("solid", fgColor=FILL[f.severity])
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            # An internal link (location only): Excel and WPS jump to #'工作表'!A1 in the same file.
            link = ws.cell(row, 5)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(f.sheet)}!{f.cell}",
                                       tooltip=f"转到 {f.sheet}!{f.cell}")
            link.font = link_font
    ws.freeze_panes = "A2"
    if findings:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(RESULT_HEADERS))}{len(findings) + 1}"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
