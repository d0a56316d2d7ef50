"""The annotated copy: the submitted workbook with each offending cell filled and commented, and a
校验结果 sheet listing every finding with a link to its cell. The input file is never written.

.xlsx and .xlsm only (openpyxl); an .xlsm keeps its VBA project (keep_vba) byte for byte and is never
run. An .xls cannot be annotated in place: the user is told to save it as .xlsx first.

Whatever `check` reads, the annotated copy is made of: before openpyxl (which refuses them) sees the
package, a DTD and its entity references are taken out of every XML part (nothing is ever expanded),
and a sheet name Excel would not allow (with / or a backslash, * ? : [ ], or over 31 characters) is made valid in the
copy (the 校验结果 sheet links to the new name). What openpyxl still cannot load is a message, never a
traceback.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
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
from macros_py.write.xlsx_cells import legal_text
from macros_py.write.xlsx_pack import save_workbook


def annotated_name(path: Path) -> str:
    """`<name>_校验.xlsx`; a long name is shortened (model/paths.safe_name) so the copy can be written."""
    from macros_py.model.paths import NAME_BYTES, safe_name

    stem = path.stem if len(path.stem.encode("utf-8")) <= NAME_BYTES else safe_name(path.stem, "文件")
    return f"{stem}_校验{path.suffix.lower()}"


_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.S)
_ENTITY_REF = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)[A-Za-z_][\w.\-]*;")
_SHEET_NAME = re.compile(rb"""(<(?:\w+:)?sheet\b[^>]*?\bname\s*=\s*)(["'])(.*?)\2""", re.S)
_BAD_TITLE = re.compile(r"[\\/*?:\[\]]")


def _clean_part(data: bytes) -> bytes:
    if b"<!DOCTYPE" not in data:
        return data
    return _ENTITY_REF.sub(b"", _DOCTYPE.sub(b"", data))


def _valid_titles(workbook_xml: bytes) -> tuple[bytes, dict[str, str]]:
    """Sheet names made valid for openpyxl (and Excel): {name as read: name in the copy}."""
    renamed: dict[str, str] = {}
    taken: set[str] = set()

    def fix(m: re.Match) -> bytes:
        old = html.unescape(m.group(3).decode("utf-8", "replace"))
        new = _BAD_TITLE.sub("_", old)[:31] or "Sheet"
        base, n = new, 2
        while new.lower() in taken:
            new = f"{base[:28]}_{n}"
            n += 1
        taken.add(new.lower())
        if new == old:
            return m.group(0)
        renamed[old] = new
        return m.group(1) + m.group(2) + html.escape(new, quote=True).encode() + m.group(2)

    return _SHEET_NAME.sub(fix, workbook_xml), renamed


_XML_PARTS = (".xml", ".rels", ".vml")   # the parts openpyxl parses (and _package cleans)


def _package(data: bytes) -> tuple[bytes, dict[str, str]]:
    out = io.BytesIO()
    renamed: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename.endswith(_XML_PARTS):
                part = _clean_part(part)
                if info.filename == "xl/workbook.xml":
                    part, renamed = _valid_titles(part)
            dst.writestr(info, part)
    return out.getvalue(), renamed


# openpyxl builds every element of every XML part (a validation, a conditional format, a style), in
# Python objects: a 1.2 MB file whose sheet held 200,000 data validations (20 MB of XML) took 30 s and
# 420 MB. A county workbook's XML is well under 1 MB.
ANNOTATE_MAX_XML = 8 * 1024 * 1024


def xml_bytes(infos: list[zipfile.ZipInfo]) -> int:
    """The package's XML as declared, inflated: what openpyxl would build objects from."""
    return sum(i.file_size for i in infos if i.filename.endswith(_XML_PARTS))


def _load(path: Path):
    with path.open("rb") as fh:
        data = fh.read()
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        names = {i.filename for i in infos}
        if (xml := xml_bytes(infos)) > ANNOTATE_MAX_XML:
            raise UsageError(f"{path.name} 解压后的表格内容有 {xml / 1048576:.0f} MB，超过批注副本的上限 "
                             f"{ANNOTATE_MAX_XML // 1048576} MB；校验结果见控制台和报告。")
        data, renamed = _package(data)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise UsageError(f"{path.name} 不是 .xlsx/.xlsm 工作簿，无法生成批注副本"
                         "（.xls 请先在 Excel 或 WPS 中另存为 .xlsx）。") from None
    keep_vba = "xl/vbaProject.bin" in names
    try:
        return load_keeping_print_areas(data, keep_vba=keep_vba), keep_vba, renamed
    except Exception as exc:  # openpyxl's own errors on a package it will not take
        raise UsageError(f"{path.name} 的结构无法由批注程序打开（{type(exc).__name__}），未生成批注副本；"
                         "校验结果见控制台和报告。") from None


def write_annotated(source: str | Path, findings: list[Finding], target: str | Path) -> Path:
    """Write the annotated copy of `source` to `target` (never to `source` itself)."""
    source, target = Path(source), Path(target)
    if target.resolve() == source.resolve():
        raise UsageError("批注副本不能覆盖原文件，请指定另一个文件名。")
    wb, keep_vba, renamed = _load(source)
    if renamed:
        findings = [_renamed(f, renamed) for f in findings]
    if keep_vba and target.suffix.lower() != ".xlsm":
        raise UsageError(f"{source.name} 含有 VBA 宏，批注副本须保存为 .xlsm（现为 {target.suffix}）。")
    if not keep_vba and target.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError("批注副本应以 .xlsx 结尾。")

    try:
        _mark(wb, findings)
        _results_sheet(wb, findings, source.name)
        _mark_ours(wb)
        save_workbook(wb, target, dt.datetime.now().replace(microsecond=0))
    except UsageError:
        raise
    except Exception as exc:  # openpyxl refusing something of this file: said, never a traceback
        raise UsageError(f"{source.name} 的批注副本无法写出（{type(exc).__name__}），校验结果见控制台和报告。") from None
    return target


def _mark(wb, findings: list[Finding]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

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
            comment = Comment(legal_text(text), NOTE_AUTHOR)
            comment.width, comment.height = 320, min(60 + 40 * len(mark.findings), 400)
            cell.comment = comment


def _renamed(f: Finding, renamed: dict[str, str]) -> Finding:
    if f.sheet not in renamed:
        return f
    import dataclasses

    return dataclasses.replace(f, sheet=renamed[f.sheet])


def _mark_ours(wb) -> None:
    """The document property by which write/outputs.py knows the copy as ours (and may replace it)."""
    from openpyxl.packaging.custom import CustomPropertyList, StringProperty

    from macros_py.write.outputs import ANNOTATED_MARK, MARKER_PROPERTY

    kept = [p for p in wb.custom_doc_props.props if p.name != MARKER_PROPERTY]
    wb.custom_doc_props = CustomPropertyList()
    for prop in kept:
        wb.custom_doc_props.append(prop)
    wb.custom_doc_props.append(StringProperty(name=MARKER_PROPERTY, value=ANNOTATED_MARK))


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
