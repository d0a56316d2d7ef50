"""The notice's 附件7 and 附件8 as print-ready sheets of the county workbook, made of formulas only.

A clerk with no add-in, in Excel 2010+, WPS or LibreOffice, fills the data sheets (附件7 基地汇总,
附件8 工作室汇总: more columns than the notice, in its own order) and prints 附件7 打印 / 附件8 打印: the
label, the notice's title, 推荐单位：…（公章）, exactly the notice's columns in its order (form_text
.printed_columns, the schema's `printed` columns), one numbered row per filled data row, and the 备注
line. Stamped, it is the paper form the notice asks for.

How a form row finds its data row without array formulas (Excel 2010 needs Ctrl+Shift+Enter for
those, and INDEX/SMALL arrays are slow in WPS): two hidden helper columns beside the form.
- 累计 (running count): in the form's k-th row, how many of the first k data rows are filled
  (`N(above)+(LEN(key)>0)`), so the last one is the number of rows in use;
- 数据行: for form row k, the first position where the running count reaches k, i.e. the k-th filled
  data row (`MATCH(k, 累计, 0)`), blank when there are fewer than k.
Each form cell is `INDEX(data column, 数据行)`, blank when the data cell is blank (INDEX of an empty
cell shows 0). Gaps left between the clerk's rows do not show on the form; 编号 runs 1…n.

Only rows in use print: the print area is a defined name, OFFSET(A1, …, header + MAX(4, n)),
which Excel evaluates when it prints (the notice's four numbered rows when nothing is filled). The
border of a row is a conditional format on its 编号, so the rows below the last one are blank on
screen too. LibreOffice 7.4 keeps such a name but does not print by it (measured: it prints the
used range); libreoffice.pdf_as_excel_prints resolves the name with LibreOffice's own value first.

The 备注 line is the page footer (left), with 第 N 页 on the right: a line under the last row would
have to move with n, and text cannot overflow into cells that hold formulas, even when they show "".
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.protection import SheetProtection

from macros_py.policy.formula_text import FormulaRenderer, column_letter, data_range
from macros_py.policy.schema import Sheet
from macros_py.write.cell_text import FONT_NAME, FONT_SIZE, row_height, wrapped_lines
from macros_py.write.form_text import (
    PRINTED_FOOTER,
    PRINTED_ROWS,
    SEAL,
    printed_columns,
    printed_header,
    printed_width,
)

HEADER_ROW = 4                      # label, title, 推荐单位 line, then the notice's header row
_BODY = Font(name=FONT_NAME, size=FONT_SIZE)
_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_TITLE = Font(name=FONT_NAME, size=16, bold=True)
_HELPER = Font(name=FONT_NAME, size=9, color="808080")
_BLACK = Side(style="thin", color="000000")
_GRID = Border(left=_BLACK, right=_BLACK, top=_BLACK, bottom=_BLACK)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FOOTER_SIZE = 11
_TEMPLATE_LINES = 2                 # an empty form's rows: room for a wrapped 专业 list or 荣誉


def form_sheets(schema) -> list[Sheet]:
    """The data sheets that have a printed form, in workbook order."""
    return [s for s in schema.sheets if s.form_title]


def helper_columns(sheet: Sheet) -> tuple[str, str]:
    """The letters of the two hidden helper columns (累计, 数据行), one column right of the form."""
    n = len(printed_columns(sheet))
    return get_column_letter(n + 2), get_column_letter(n + 3)


def form_row(sheet: Sheet, k: int) -> int:
    """The worksheet row of the form's k-th numbered row (1-based)."""
    return HEADER_ROW + k


def count_cell(sheet: Sheet) -> str:
    """The cell holding the number of filled data rows (the running count's last value)."""
    running, _ = helper_columns(sheet)
    return f"${running}${form_row(sheet, sheet.capacity)}"


def print_area_formula(sheet: Sheet) -> str:
    """The form's print area: the header rows and max(4, rows in use) numbered rows."""
    own = quote_sheetname(sheet.form_title)
    width = len(printed_columns(sheet))
    return f"OFFSET({own}!$A$1,0,0,{HEADER_ROW}+MAX({PRINTED_ROWS},{own}!{count_cell(sheet)}),{width})"


def form_formulas(sheet: Sheet, k: int) -> dict[str, str]:
    """Column key → formula of the form's k-th row; also the helper columns, under '累计' and '数据行'."""
    running, index = helper_columns(sheet)
    r = form_row(sheet, k)
    first, last = form_row(sheet, 1), form_row(sheet, sheet.capacity)
    key_cell = f"{quote_sheetname(sheet.title)}!${column_letter(sheet, sheet.link)}${sheet.first_row + k - 1}"
    out = {"累计": f"=N({running}{r - 1})+(LEN({key_cell})>0)",
           "数据行": f'=IFERROR(MATCH({k},${running}${first}:${running}${last},0),"")'}
    at = f"${index}{r}"
    for col in printed_columns(sheet):
        if col.key == "seq":
            out[col.key] = f'=IF({k}<=MAX({PRINTED_ROWS},{count_cell(sheet)}),{k},"")'
            continue
        rng = data_range(sheet, col.key)
        out[col.key] = f'=IF({at}="","",IF(INDEX({rng},{at})="","",INDEX({rng},{at})))'
    return out


def write_form(wb, sheet: Sheet, renderer: FormulaRenderer) -> None:
    ws = wb.create_sheet(sheet.form_title)
    cols = printed_columns(sheet)
    last = get_column_letter(len(cols))
    ws["A1"] = sheet.printed_label
    ws["A1"].font = _BOLD
    ws["A2"] = sheet.printed_title
    ws["A2"].font, ws["A2"].alignment = _TITLE, _CENTER
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 30
    ws["A3"] = renderer.render(f'="推荐单位："&[recommender]&"{SEAL}"', sheet, 3)
    ws["A3"].font, ws["A3"].alignment = _BODY, Alignment(vertical="center")
    ws.merge_cells(f"A3:{last}3")
    ws.row_dimensions[3].height = 22
    for i, col in enumerate(cols, start=1):
        cell = ws.cell(HEADER_ROW, i, printed_header(col))
        cell.font, cell.alignment, cell.border = _BOLD, _CENTER, _GRID
        ws.column_dimensions[get_column_letter(i)].width = printed_width(col)
    lines = max(max(wrapped_lines(part, printed_width(c)) for part in printed_header(c).split("\n"))
                * (printed_header(c).count("\n") + 1) for c in cols)
    ws.row_dimensions[HEADER_ROW].height = row_height(max(lines, 2))
    running, index = helper_columns(sheet)
    for letter, head in ((running, "累计"), (index, "数据行")):
        ws[f"{letter}{HEADER_ROW}"] = head
        ws[f"{letter}{HEADER_ROW}"].font = _HELPER
        ws.column_dimensions[letter].hidden = True

    for k in range(1, sheet.capacity + 1):
        r = form_row(sheet, k)
        formulas = form_formulas(sheet, k)
        for letter, head in ((running, "累计"), (index, "数据行")):
            ws[f"{letter}{r}"] = formulas[head]
            ws[f"{letter}{r}"].font = _HELPER
        for i, col in enumerate(cols, start=1):
            cell = ws.cell(r, i, formulas[col.key])
            cell.font, cell.alignment = _BODY, _CENTER if col.key == "seq" or i == 1 else _LEFT
        ws.row_dimensions[r].height = row_height(_TEMPLATE_LINES)
    first, end = form_row(sheet, 1), form_row(sheet, sheet.capacity)
    # A row is ruled while it is numbered: the rows in use, or the four of the blank form.
    ws.conditional_formatting.add(f"A{first}:{last}{end}", FormulaRule(formula=[f'LEN($A{first})>0'], border=_GRID))
    _print_setup(ws, sheet)
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                    selectLockedCells=False, selectUnlockedCells=False)


def _print_setup(ws, sheet: Sheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    set_margins(ws)
    # A footer's size is a whole number of points (&11; "&10.5" reads as 10 and a stray ".5"), and
    # LibreOffice scales it with the sheet even where Excel is told not to (scaleWithDoc): 11 pt
    # still prints above 9 pt after fit-to-width.
    ws.HeaderFooter.scaleWithDoc = False
    for part, text in ((ws.oddFooter.left, PRINTED_FOOTER), (ws.oddFooter.right, "第 &P 页，共 &N 页")):
        part.text, part.font, part.size = text, FONT_NAME, FOOTER_SIZE
    ws.defined_names.add(DefinedName("_xlnm.Print_Area", attr_text=print_area_formula(sheet)))


def set_margins(ws) -> None:
    """Room for the page footer: a 0.45″ band between the footer line and the body (the default
    footer margin of 0.5″ under a 0.6″ bottom margin left 0.1″, and 第 N 页 printed half cut)."""
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.75
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3


def fit_rows(ws, sheet: Sheet, rows: list[dict]) -> None:
    """Row heights of a filled form from the values it will show (`rows`: the data sheet's rows in
    use, in order, as compute.derive gives them): Excel does not re-measure rows that formulas fill."""
    cols = printed_columns(sheet)
    for k, values in enumerate(rows, start=1):
        lines = max((wrapped_lines(v, printed_width(c)) for c in cols
                     if isinstance(v := values.get(c.key), str)), default=1)
        ws.row_dimensions[form_row(sheet, k)].height = row_height(max(lines, 1))
