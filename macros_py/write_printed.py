"""Writes 附件7, 附件8 and 表4-2 the way the notice prints them.

Many counties will fill the bureau's own file instead of the project's workbook: a label row
('附件7'), the title, '推荐单位：…（公章）', the header row (附件8's broken over two lines),
numbered rows (1–4 at least, as printed), and the 备注 footer. The columns are the schema's
`printed` columns with their `printed_header`; nothing here lists columns. The values are typed,
not formulas, as in a file filled by hand.

Used to write sample submissions in that layout (write_printed_submission) and, by the merge,
to print the master's 附件7/附件8 (write_printed_form).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .cell_text import row_height, wrapped_lines
from .fill_template import shown_rows
from .policy import Policy
from .schema import Sheet, build_schema
from .write_template import document_time
from .xlsx_cells import put
from .xlsx_pack import save_workbook

PRINTED_FOOTER = "备注：此表由推荐单位填写,不用编制在申报材料内，单独上报并将电子版（Excel版）放入光盘内。"
PRINTED_ROWS = 4  # the blank form has rows numbered 1–4

_FONT = "仿宋_GB2312"
_BODY = Font(name=_FONT, size=10.5)
_BOLD = Font(name=_FONT, size=10.5, bold=True)
_TITLE = Font(name=_FONT, size=16, bold=True)
_THIN = Side(style="thin", color="000000")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")


def printed_columns(sheet: Sheet):
    return [c for c in sheet.columns if c.printed]


def printed_header(col) -> str:
    return col.printed_header or col.header


def _cell(ws, row, col, value, font=_BODY, align=_CENTER, border=True):
    cell = put(ws, row, col, value)  # submitted text that starts with "=" stays text
    cell.font, cell.alignment = font, align
    if border:
        cell.border = _GRID
    return cell


def _print_setup(ws, header_rows: int, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{header_rows}"
    ws.print_options.horizontalCentered = True


def write_printed_form(ws, sheet: Sheet, rows: list[dict], recommender: str | None) -> None:
    """One printed summary form (附件7 or 附件8) into `ws`; `rows` hold every column's value by key
    (typed and computed, as compute.derive gives them)."""
    cols = printed_columns(sheet)
    last = len(cols)
    _cell(ws, 1, 1, sheet.printed_label, _BOLD, _LEFT, border=False)
    _cell(ws, 2, 1, sheet.printed_title, _TITLE, border=False)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    ws.row_dimensions[2].height = 30
    _cell(ws, 3, 1, f"推荐单位：{recommender or ''}（公章）", _BODY, _LEFT, border=False)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last)
    header = 4
    for i, col in enumerate(cols, start=1):
        _cell(ws, header, i, printed_header(col), _BOLD)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[header].height = row_height(max(printed_header(c).count("\n") + 1 for c in cols))
    numbered = max(len(rows), PRINTED_ROWS)
    for n in range(numbered):
        r = header + 1 + n
        values = rows[n] if n < len(rows) else {}
        lines = 1
        for i, col in enumerate(cols, start=1):
            value = n + 1 if i == 1 else values.get(col.key)
            _cell(ws, r, i, value, align=_CENTER if i == 1 else _LEFT)
            lines = max(lines, wrapped_lines(value, col.width) if isinstance(value, str) else 1)
        ws.row_dimensions[r].height = row_height(lines)
    footer = header + numbered + 1
    _cell(ws, footer, 1, PRINTED_FOOTER, _BODY, _LEFT, border=False)
    ws.merge_cells(start_row=footer, start_column=1, end_row=footer, end_column=last)
    _print_setup(ws, header, landscape=True)


def _money(value):
    return None if value is None else round(value, 2)


def write_printed_funding(ws, block: list[dict], policy: Policy, unit: str, tier: str | None) -> None:
    """表4-2 as the 实施方案 prints it, for one base: `block` is its 合计 row and content rows."""
    sources = policy.funding["sources"]
    subsidy = policy.tiers[tier].subsidy if tier in policy.tiers else None
    width = 1 + 2 * (len(sources) + 1)
    funding = build_schema(policy).sheet("funding")
    _cell(ws, 1, 1, f"{funding.printed_label}{funding.printed_title}", _TITLE, border=False)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    _cell(ws, 2, 1, f"项目单位：{unit}", _BODY, _LEFT, border=False)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    top = 3
    _cell(ws, top, 1, "内容", _BOLD)
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 2, end_column=1)
    _cell(ws, top, 2, "资金总预算及来源", _BOLD)
    ws.merge_cells(start_row=top, start_column=2, end_row=top, end_column=width - 2)
    _cell(ws, top, width - 1, "合  计", _BOLD)
    ws.merge_cells(start_row=top, start_column=width - 1, end_row=top + 1, end_column=width)
    for i, source in enumerate(sources):
        label = source
        if source == policy.funding["subsidy_source"]:
            label += f"\n（{subsidy:g}万）" if subsidy is not None else "\n（   万）"
        elif source.endswith("投入"):
            label = f"{source[:-2]}\n投入"  # 所在地方财政\n投入, as printed
        _cell(ws, top + 1, 2 + 2 * i, label, _BOLD)
        ws.merge_cells(start_row=top + 1, start_column=2 + 2 * i, end_row=top + 1, end_column=3 + 2 * i)
    keys = [k for i in range(len(sources)) for k in (f"amount{i}", f"share{i}")] + ["total", None]
    for j in range(len(keys)):
        _cell(ws, top + 2, 2 + j, "金额\n（万元）" if j % 2 == 0 else "比例\n（%）", _BOLD)
    for r in range(top, top + 3):
        for c in range(1, width + 1):
            ws.cell(r, c).border = _GRID  # merged cells keep their frame
    ws.row_dimensions[top + 1].height = ws.row_dimensions[top + 2].height = row_height(2)
    for n, row in enumerate(block):
        r = top + 3 + n
        _cell(ws, r, 1, "合  计" if row.get("_head") else row["content"], _BOLD if row.get("_head") else _BODY, _LEFT)
        for j, key in enumerate(keys):
            value = _money(row.get(key)) if key else (100.0 if row.get("total") else None)
            cell = _cell(ws, r, 2 + j, value, _BOLD if row.get("_head") else _BODY, _RIGHT)
            cell.number_format = "0.00"
        ws.row_dimensions[r].height = row_height(wrapped_lines(row["content"], 16))
    ws.column_dimensions["A"].width = 16
    for c in range(2, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 10
    _print_setup(ws, top + 2, landscape=True)


def write_printed_submission(path: str | Path, data: dict, policy: Policy, when: dt.datetime | None = None) -> Path:
    """A county's submission as the notice prints it: 附件7, 附件8 and one 表4-2 per base.

    `data` is what fill_template.write_filled takes; computed values (编号, 推荐单位, 工作室规模,
    the 表4-2 totals and shares) are typed in as a clerk would."""
    schema = build_schema(policy)
    rows = shown_rows(schema, data, policy)
    recommender = data.get("recommender")
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in schema.sheets:
        if sheet.printed_label and not sheet.block:  # 表4-2 is written per base below
            write_printed_form(wb.create_sheet(sheet.printed_label), sheet, rows[sheet.key], recommender)
    funding = schema.sheet("funding")
    blocks = rows[funding.key]
    size = len(funding.block)
    for b in range(0, len(blocks), size):
        block = blocks[b:b + size]
        head = block[0]
        write_printed_funding(wb.create_sheet(f"表4-2（{b // size + 1}）"), block, policy, head["unit"], head.get("tier"))
    save_workbook(wb, path, when or document_time(policy))
    return Path(path)
