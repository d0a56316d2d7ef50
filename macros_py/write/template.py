"""Writes the standardized county workbook from the schema and the policy.

Everything a clerk sees comes from the schema: tables, dropdowns, validation, formulas, conditional
formats that show rule breaks without any add-in, print setup and protection. The same inputs give
the same bytes (xlsx_pack), so the committed workbook can be proven current by regenerating it.

Protection: every data sheet is protected without a password, with input cells unlocked and tables
pre-sized (50 bases, 30 studios, 20 funding blocks, 60 majors) because Excel Tables cannot grow on a
protected sheet. A county that needs more rows can lift protection (审阅 → 撤销工作表保护) with no
password; formula cells are grey so they are still recognisable.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo

from macros_py import __version__
from macros_py.check.marks import FILL
from macros_py.check.marks import FONT as MARK_FONT
from macros_py.model.findings import SEVERITY_ORDER
from macros_py.model.paths import WORKBOOKS_DIR
from macros_py.policy.formula_text import FormulaRenderer, Layout, column_letter, data_range
from macros_py.policy.load import Policy
from macros_py.policy.schema import (
    CHOICE,
    DATE,
    FORMULA,
    INT,
    LABEL,
    MONTH,
    NUMBER,
    PERCENT,
    Schema,
    Sheet,
    build_schema,
)
from macros_py.write.cell_text import DEFAULT_HEIGHT, FONT_NAME, FONT_SIZE, row_height, wrapped_lines
from macros_py.write.forms import PAGE_HEIGHT, PAGE_WIDTH, form_sheets, set_margins, write_forms
from macros_py.write.guide import write_guide
from macros_py.write.prompts import error_text, formula_prompt, input_prompt
from macros_py.write.xlsx_pack import save_workbook

BODY = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
NOTE = Font(name=FONT_NAME, size=FONT_SIZE, italic=True, color="595959")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FORMULA_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_GRID = Border(left=THIN, right=THIN, top=Side(style="medium", color="404040"), bottom=THIN)  # a block's 合计 row
WRAP = Alignment(wrap_text=True, vertical="center")

TEMPLATE_NAME = "申报工作簿_{year}.xlsx"
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

# How a broken rule shows: the same colours as the add-in's marks and the reports.
SEVERITY_STYLE = {severity: (PatternFill("solid", fgColor=FILL[severity], bgColor=FILL[severity]),
                             Font(color=MARK_FONT[severity])) for severity in FILL}

# Fixed bounds for date validation, so the workbook does not depend on the day it was written.
DATE_MIN, DATE_MAX = dt.date(1940, 1, 1), dt.date(2030, 12, 31)
META_ROWS = ("模板版本", "政策年度", "政策文件", "生成程序")


def document_time(policy: Policy) -> dt.datetime:
    """The workbook's created/modified stamp: the notice's date, so regeneration is byte-identical."""
    issued = policy.get("notice.issued")
    return dt.datetime(issued.year, issued.month, issued.day)


def list_layout(schema: Schema, policy: Policy) -> tuple[Layout, list[tuple[str, list[str]]]]:
    """The closed lists the workbook offers (and the recommender list), in sheet column order."""
    names = sorted({c.choices for s in schema.sheets for c in s.columns
                    if c.choices and not c.choices.startswith("@")} | {"high_skill_levels", "honour_keywords"})
    lists = [(n, list(policy.lists[n])) for n in names]
    lists.append(("recommenders", [r.name for r in policy.recommenders]))
    layout = Layout({n: get_column_letter(i + 1) for i, (n, _) in enumerate(lists)},
                    {n: len(v) for n, v in lists})
    return layout, lists


def _write_lists(wb: Workbook, schema: Schema, lists) -> None:
    ws = wb.create_sheet(schema.lists_title)
    for i, (name, values) in enumerate(lists, start=1):
        ws.cell(1, i, name).font = BOLD
        for j, value in enumerate(values, start=2):
            ws.cell(j, i, value).font = BODY
        ws.column_dimensions[get_column_letter(i)].width = 18
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _write_meta(wb: Workbook, schema: Schema, policy: Policy) -> None:
    ws = wb.create_sheet(schema.meta_title)
    values = (schema.version, policy.year, policy.get("notice.document"), f"shenbao {__version__}")
    for i, (label, value) in enumerate(zip(META_ROWS, values, strict=True), start=1):
        ws.cell(i, 1, label).font = BOLD
        ws.cell(i, 2, value).font = BODY
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 30
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _validation(col, sheet: Sheet, renderer: FormulaRenderer, layout: Layout) -> DataValidation:
    """The cell's data validation: the check on what is typed, its error text, and the input message
    (prompts.input_prompt: what to enter and the rule that applies; never the error text)."""
    title = col.header[:32]
    if col.kind == CHOICE:
        if col.choices.startswith("@"):
            other, key = col.choices[1:].split(".")
            source = "=" + data_range(renderer.schema.sheet(other), key)
        else:
            source = "=" + renderer.render(f"[lists.{col.choices}]", sheet, sheet.first_row)
        dv = DataValidation(type="list", formula1=source, allow_blank=True)
        dv.errorStyle = "stop" if col.strict else "warning"
    elif col.kind in (INT, NUMBER, PERCENT):
        dv = DataValidation(type="whole" if col.kind == INT else "decimal", operator="between",
                            formula1=_num(col.minimum), formula2=_num(col.maximum), allow_blank=True)
    elif col.kind in (DATE, MONTH):
        dv = DataValidation(type="date", operator="between", formula1=f"DATE({DATE_MIN.year},1,1)",
                            formula2=f"DATE({DATE_MAX.year},12,31)", allow_blank=True)
    elif col.length:
        dv = DataValidation(type="textLength", operator="equal", formula1=str(col.length), allow_blank=True)
    else:
        dv = DataValidation(allow_blank=True)
    dv.showErrorMessage = dv.type is not None
    if dv.showErrorMessage:
        dv.errorTitle, dv.error = title, error_text(col)
    dv.promptTitle = title
    dv.prompt = input_prompt(col, renderer.policy)
    dv.showInputMessage = True
    return dv


def _formula_validation(col, sheet: Sheet, renderer: FormulaRenderer, head: bool) -> DataValidation:
    """An input message only, on a locked formula cell: what it checks and which input cells to change."""
    dv = DataValidation(allow_blank=True)
    dv.showErrorMessage = False
    dv.promptTitle = f"{col.header}（自动计算）"[:32]
    dv.prompt = formula_prompt(col, sheet, renderer, renderer.policy, head)
    dv.showInputMessage = True
    return dv


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _block_rows(sheet: Sheet):
    """(row, head_row, index_in_block) for every data row; a plain sheet is one row per block."""
    size = len(sheet.block) or 1
    for offset in range(sheet.capacity):
        row = sheet.first_row + offset
        yield row, row - offset % size, offset % size


def _write_data_sheet(wb: Workbook, sheet: Sheet, renderer: FormulaRenderer, layout: Layout) -> None:
    ws = wb.create_sheet(sheet.title)
    ncols = len(sheet.columns)
    last_col = get_column_letter(ncols)
    ws.cell(1, 1, sheet.caption).font = TITLE
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 30
    ws.cell(2, 1, sheet.note).font = NOTE
    ws.merge_cells(f"A2:{last_col}2")
    if sheet.header_row == 4:  # funding: one merged cell per source over its 金额 and 比例 columns
        _write_source_headers(ws, sheet, renderer.policy)

    for i, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(sheet.header_row, i, col.header)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, GRID
        ws.column_dimensions[get_column_letter(i)].width = col.width
    lines = max(wrapped_lines(col.header, col.width) for col in sheet.columns)
    ws.row_dimensions[sheet.header_row].height = row_height(max(lines, 2))

    # Styling cell by cell is most of openpyxl's time; every cell of one column and one kind of row
    # looks the same, so the first is styled and the rest copy its style record.
    styles: dict[tuple, object] = {}
    for row, head, index in _block_rows(sheet):
        is_head = bool(sheet.block) and index == 0
        for i, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row, i)
            text = None
            if col.kind == LABEL:
                cell.value = sheet.block[index]
            elif is_head and col.head_formula:
                text = col.head_formula
            elif sheet.block and col.head_input and not is_head:
                text = col.formula
            elif col.kind == FORMULA or (col.formula and not col.is_input):
                text = col.formula
            if text:
                cell.value = renderer.render(text, sheet, row, head, index)
            editable = col.is_input and text is None and not (sheet.block and is_head and not col.head_input)
            key = (i, is_head, editable)
            if key in styles:
                cell._style = copy(styles[key])
                continue
            _style_data_cell(cell, col, editable, is_head)
            styles[key] = copy(cell._style)

    if sheet.block:  # the labels wrap; a fixed height keeps the page breaks where block_breaks puts them
        width = sheet.column(sheet.block_label).width
        for row, _, index in _block_rows(sheet):
            ws.row_dimensions[row].height = row_height(wrapped_lines(sheet.block[index], width))

    _add_validations(ws, sheet, renderer, layout)
    _add_checks(ws, sheet, renderer)
    table = Table(displayName=sheet.table, ref=f"A{sheet.header_row}:{last_col}{sheet.last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)

    freeze_col = sheet.keys().index(sheet.link) + 2 if sheet.link else 1
    ws.freeze_panes = f"{get_column_letter(freeze_col)}{sheet.first_row}"
    _print_setup(ws, sheet)
    ws.protection = _protection()


def _style_data_cell(cell, col, editable: bool, is_head: bool) -> None:
    cell.font, cell.border, cell.alignment = BODY, HEAD_GRID if is_head else GRID, WRAP
    if col.number_format:
        # A computed number shows blank for 0, so the unused pre-sized rows stay empty on screen
        # and on paper instead of a column of 0.00; a typed 0 still shows.
        cell.number_format = col.number_format if editable else f"{col.number_format};-{col.number_format};;@"
    if editable:
        cell.protection = Protection(locked=False)
        if col.kind in (INT, NUMBER, PERCENT) and not col.number_format:
            cell.number_format = "0"
        if col.kind not in (INT, NUMBER, PERCENT, DATE, MONTH):
            cell.number_format = "@"  # ID numbers, phones, postcodes keep leading zeros
    else:
        cell.fill = FORMULA_FILL
        if is_head:
            cell.font = BOLD


def _write_source_headers(ws, sheet: Sheet, policy: Policy) -> None:
    row = sheet.header_row - 1
    for i, source in enumerate(policy.funding["sources"]):
        col = sheet.keys().index(f"amount{i}") + 1
        label = source
        if source == policy.funding["subsidy_source"]:
            label += "（" + "/".join(f"{t.name}档{_num(t.subsidy)}万" for t in policy.tiers.values()) + "）"
        cell = ws.cell(row, col, label)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, GRID
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + 1)
    ws.row_dimensions[row].height = 30


def _add_validations(ws, sheet: Sheet, renderer: FormulaRenderer, layout: Layout) -> None:
    for col in sheet.columns:
        if col.kind == LABEL:
            continue
        letter = column_letter(sheet, col.key)
        if not sheet.block:
            dv = (_validation(col, sheet, renderer, layout) if col.is_input
                  else _formula_validation(col, sheet, renderer, head=False))
            dv.sqref = f"{letter}{sheet.first_row}:{letter}{sheet.last_row}"
            ws.add_data_validation(dv)
            continue
        # A block's 合计 row and its content rows: typed on one, a formula on the other; one
        # validation where both say the same (LibreOffice merges them on saving otherwise).
        made: list[tuple[DataValidation, list[int]]] = []
        for head in (True, False):
            rows = [r for r, _, idx in _block_rows(sheet) if (idx == 0) == head]
            typed = col.is_input and (col.head_input == head)
            dv = (_validation(col, sheet, renderer, layout) if typed
                  else _formula_validation(col, sheet, renderer, head=head))
            if made and (made[0][0].type, made[0][0].prompt) == (dv.type, dv.prompt):
                made[0][1].extend(rows)
            else:
                made.append((dv, rows))
        for dv, rows in made:
            dv.sqref = " ".join(f"{letter}{r}" for r in sorted(rows))
            ws.add_data_validation(dv)


def check_formats(sheet: Sheet, renderer: FormulaRenderer):
    """(check, cell ranges, formula) for every conditional format the sheet gets; errors first so
    that their colour wins where checks overlap. Block formulas refer to each block's 合计 row, so
    a funding sheet gets one format per check and block."""
    ordered = sorted(sheet.checks, key=lambda c: SEVERITY_ORDER[c.severity])
    size = len(sheet.block) or sheet.capacity
    for check in ordered:
        for head in range(sheet.first_row, sheet.last_row + 1, size):
            formula = renderer.render(check.condition, sheet, head, head, 0).lstrip("=")
            ranges = " ".join(f"{column_letter(sheet, k)}{head}:{column_letter(sheet, k)}{head + size - 1}"
                              for k in check.columns)
            yield check, ranges, formula


def _add_checks(ws, sheet: Sheet, renderer: FormulaRenderer) -> None:
    for check, ranges, formula in check_formats(sheet, renderer):
        fill, font = SEVERITY_STYLE[check.severity]
        ws.conditional_formatting.add(ranges, FormulaRule(formula=[formula], fill=fill, font=font))


def _print_setup(ws, sheet: Sheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{sheet.header_row}"
    ws.print_options.horizontalCentered = True
    set_margins(ws)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    ws.defined_names.add(DefinedName("_xlnm.Print_Area", attr_text=print_area_formula(sheet)))
    if sheet.block:
        for row in block_breaks(sheet, [ws.row_dimensions[r].height or DEFAULT_HEIGHT
                                        for r in range(1, sheet.last_row + 1)]):
            ws.row_breaks.append(Break(id=row))


def print_area_formula(sheet: Sheet) -> str:
    """A data sheet prints its title rows down to its last row in use (at least one row, or block):
    the pre-sized empty rows and blocks below do not print. Excel evaluates the name when it prints;
    LibreOffice does not (libreoffice.pdf_as_excel_prints)."""
    own = quote_sheetname(sheet.title)
    key = column_letter(sheet, sheet.link or sheet.row_key[0])
    rng = f"{own}!${key}${sheet.first_row}:${key}${sheet.last_row}"
    used = f"SUMPRODUCT(MAX((LEN({rng})>0)*ROW({rng})))"
    floor = sheet.first_row + (len(sheet.block) or 1) - 1   # an empty sheet still prints one row (block)
    return f"OFFSET({own}!$A$1,0,0,MAX({floor},{used}),{len(sheet.columns)})"


def block_breaks(sheet: Sheet, heights: list[float]) -> list[int]:
    """Rows after which a page break keeps every funding block (合计 row and its content rows) on one
    page: as many whole blocks per page as fit under the repeated title rows at the fit-to-width scale
    (with a tenth to spare for a substitute font's wider glyphs)."""
    width_pt = sum(c.width * 7 + 5 for c in sheet.columns) * 0.75
    scale = min(1.0, PAGE_WIDTH / width_pt) * 0.9
    titles = sum(heights[:sheet.header_row])
    size = len(sheet.block)
    block = max(sum(heights[r - 1] for r in range(head, head + size))
                for head in range(sheet.first_row, sheet.last_row + 1, size))
    per_page = max(1, int((PAGE_HEIGHT / scale - titles) // block))
    return [sheet.first_row + b * size - 1 for b in range(per_page, sheet.capacity // size, per_page)]


def _protection():
    from openpyxl.worksheet.protection import SheetProtection

    # Locked: formulas and headers. Allowed: formatting rows/columns, sorting and filtering.
    return SheetProtection(sheet=True, formatColumns=False, formatRows=False, sort=False, autoFilter=False,
                           selectLockedCells=False, selectUnlockedCells=False)


def make_renderer(policy: Policy) -> FormulaRenderer:
    """The renderer the writer uses, for tests and the master writer that need the same formulas."""
    schema = build_schema(policy)
    return FormulaRenderer(schema, policy, list_layout(schema, policy)[0])


def build_template(policy: Policy, recommender: str | None = None) -> Workbook:
    schema = build_schema(policy)
    layout, lists = list_layout(schema, policy)
    renderer = FormulaRenderer(schema, policy, layout)
    wb = Workbook()
    wb.remove(wb.active)
    write_guide(wb, schema, policy, layout, recommender)
    for sheet in schema.sheets:
        _write_data_sheet(wb, sheet, renderer, layout)
    for sheet in form_sheets(schema):
        write_forms(wb, sheet, renderer)
    _write_lists(wb, schema, lists)
    _write_meta(wb, schema, policy)
    wb.properties.creator = "shenbao"
    wb.properties.title = f"{policy.year}年市级高技能人才培训基地和技能大师工作室申报工作簿"
    wb.properties.lastModifiedBy = "shenbao"
    wb.active = 0
    return wb


def write_template(path: str | Path, policy: Policy, recommender: str | None = None) -> Path:
    path = Path(path)
    save_workbook(build_template(policy, recommender), path, document_time(policy))
    return path


def committed_template_path(policy: Policy) -> Path:
    """The standardized workbook the bureau distributes for the policy year, as committed under workbooks/."""
    return WORKBOOKS_DIR / TEMPLATE_NAME.format(year=policy.year)
