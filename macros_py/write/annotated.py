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
from macros_py.write.print_areas import load_keeping_print_areas
from macros_py.write.results_sheet import (
    FONT_NAME,
    FONT_SIZE,
    FOOTER,
    FOOTER_SIZE,
    HEADER_ROW,
    NO_FINDINGS,
    RESULT_HEADERS,
    RESULT_SHEET,
    RESULT_WIDTHS,
    TITLE_SIZE,
    heading,
    row_heights,
)
from macros_py.write.xlsx_pack import save_workbook


def annotated_name(path: Path) -> str:
    return f"{path.stem}_校验{path.suffix.lower()}"


def _load(path: Path):
    with path.open("rb") as fh:
        data = fh.read()
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise UsageError(f"{path.name} 不是 .xlsx/.xlsm 工作簿，无法生成批注副本"
                         "（.xls 请先在 Excel 或 WPS 中另存为 .xlsx）。") from None
    keep_vba = "xl/vbaProject.bin" in names
    return load_keeping_print_areas(data, keep_vba=keep_vba), keep_vba


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

    for sheet, by_cell in marks_by_cell(findings).items():
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        for cell_ref, mark in by_cell.items():
            cell = ws[cell_ref]
            cell.fill = PatternFill("solid", fgColor=mark.fill, bgColor=mark.fill)
            cell.font = Font(name=cell.font.name, size=cell.font.size, bold=cell.font.bold, color=mark.font_color)
            text = mark.note if cell.comment is None else f"{cell.comment.text}\n{mark.note}"
            comment = Comment(text, NOTE_AUTHOR)
            comment.width, comment.height = 320, min(60 + 40 * len(mark.findings), 400)
            cell.comment = comment
    _results_sheet(wb, findings, source.name)
    save_workbook(wb, target, dt.datetime.now().replace(microsecond=0))
    return target


def _results_sheet(wb, findings: list[Finding], file_name: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.hyperlink import Hyperlink

    from macros_py.check.marks import FILL
    from macros_py.write.xlsx_cells import put

    if RESULT_SHEET in wb.sheetnames:  # a copy annotated before: list this run's findings only
        del wb[RESULT_SHEET]
    ws = wb.create_sheet(RESULT_SHEET, 0)
    body, bold = Font(name=FONT_NAME, size=FONT_SIZE), Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
    side = Side(style="thin", color="000000")
    grid = Border(left=side, right=side, top=side, bottom=side)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, line in enumerate(heading(file_name, findings), start=1):
        put(ws, r, 1, line)
        ws.cell(r, 1).font = Font(name=FONT_NAME, size=TITLE_SIZE, bold=True) if r == 1 else body
    ws.row_dimensions[1].height = 24
    for i, (header, width) in enumerate(zip(RESULT_HEADERS, RESULT_WIDTHS, strict=True), start=1):
        cell = ws.cell(HEADER_ROW, i, header)
        cell.font, cell.border = bold, grid
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[HEADER_ROW].height = row_heights([list(RESULT_HEADERS)])[0]
    link_font = Font(name=FONT_NAME, size=FONT_SIZE, color="0563C1", underline="single")
    rows = [(n, f.severity, f.rule, f.sheet or "（整个文件）", f.cell or "", f.column or "", f.value,
             f.message, f.hint) for n, f in enumerate(findings, start=1)]
    if not findings:
        rows = [(None,) * 7 + (NO_FINDINGS, None)]
    for row, (values, height) in enumerate(zip(rows, row_heights([list(v) for v in rows]), strict=True),
                                           start=HEADER_ROW + 1):
        for i, value in enumerate(values, start=1):
            put(ws, row, i, value)  # text that looks like a formula stays text
            cell = ws.cell(row, i)
            cell.font, cell.border, cell.alignment = body, grid, wrap
        ws.row_dimensions[row].height = height
    for row, f in enumerate(findings, start=HEADER_ROW + 1):
        ws.cell(row, 2).fill = PatternFill("solid", fgColor=FILL[f.severity])
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            # An internal link (location only): Excel and WPS jump to #'工作表'!A1 in the same file.
            link = ws.cell(row, 5)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(f.sheet)}!{f.cell}",
                                       tooltip=f"转到 {f.sheet}!{f.cell}")
            link.font = link_font
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if findings:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(RESULT_HEADERS))}{HEADER_ROW + len(findings)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text, ws.oddFooter.center.font, ws.oddFooter.center.size = FOOTER, FONT_NAME, FOOTER_SIZE
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
