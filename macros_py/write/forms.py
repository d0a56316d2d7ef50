"""The notice's 附件7 and 附件8 as print-ready sheets of the county workbook, made of formulas only.

A clerk with no add-in, in Excel 2010+, WPS or LibreOffice, fills the data sheets (附件7 基地汇总,
附件8 工作室汇总: more columns than the notice, in its own order) and prints 附件7 打印 / 附件8 打印: the
label, the notice's title, 推荐单位：…（公章）, exactly the notice's columns in its order (form_text
.printed_columns, the schema's `printed` columns), one numbered row per filled data row, and the 备注
line. Stamped, it is the paper form the notice asks for.

One page, the same in every program. The form sheet holds exactly the numbered rows that fit one A4
landscape page at their row heights and 100 % (the schema's form_rows, K, which page_rows checks: 12 bases with room for two lines each,
7 studios with three: their 荣誉 columns are narrow), and its print area is that plain range, which
Excel, WPS and LibreOffice all follow. The rows in use are numbered and ruled; the rest stay blank,
as on the notice's form (its four pre-numbered rows when nothing is filled). The city awards 13 bases
and 6 studios in all, so one recommender's rows rarely fill the page.

More rows than K: a line inside the print area, under the last row (a formula, blank otherwise),
says how many more there are and on which sheet: the continuation 附件7 打印（续） / 附件8 打印（续）,
the same form (form_parts: one builder, a start offset) for rows K+1…2K, numbering continued, with
its own line naming the next continuation (续2, 续3, …) up to the capacity. Every continuation is one
page, as the form is: K rows, no more. A continuation is hidden while no row needs it; fit_rows shows
those a workbook filled by the add-in or the CLI needs, a clerk the one the line names.

A continuation has no print area at all, so that every program prints its used range, which is its
one page: the running counts (累计) that reach down to the capacity live on the form's own sheet only.
Neither a formula print area nor a plain one would do. LibreOffice (7.4, measured, and its source:
oox's DefinedName::convertFormula keeps a print area only when extractCellRangeList reads a plain
list of references; ScTable::GetPrintArea counts every cell that holds a formula, even one showing
"", and ScDocument::IsPrintEmpty skips a page only when it holds no cell and no border) ignores an
OFFSET(…) print area and prints the used range, so a continuation of all the reserved rows printed
pages of blank rows after the rows in use. And LibreOffice prints a hidden sheet that has a plain
print area (measured), so a plain area would print the hidden continuations of an empty workbook.
One page per sheet, used range = print range, is the same in Excel, WPS and LibreOffice.

How a form row finds its data row without array formulas (Excel 2010 needs Ctrl+Shift+Enter for
those, and INDEX/SMALL arrays are slow in WPS): two hidden helper columns beside the form.
- 累计 (running count), on the form's own sheet, one per data row: how many of the data rows up to
  there are filled (the first `SUMPRODUCT(--(LEN(key)>0))`, then `N(above)+(LEN(key)>0)`), so the
  last one is the number of rows in use;
- 数据行: for form row k, the first position where the running count reaches k, i.e. the k-th filled
  data row (`MATCH(k, 累计, 0)`, over the form sheet's counts from a continuation too), blank when
  there are fewer than k. With gaps between the clerk's rows, the k-th row may lie further down.
Each form cell is `INDEX(data column, 数据行)`, blank when the data cell is blank (INDEX of an empty
cell shows 0). Gaps left between the clerk's rows do not show on the form; 编号 runs 1…n.

The border of a row is a conditional format on its 编号, so the rows below the last one are blank on
screen and paper. The 备注 line is the page footer (left), with 第 N 页 on the right: a line under the
last row would have to move with n, and text cannot overflow into cells that hold formulas, even
when they show "".
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
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
_TOP_HEIGHTS = (18, 30, 22)         # the label, title and 推荐单位 rows
_BODY = Font(name=FONT_NAME, size=FONT_SIZE)
_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_TITLE = Font(name=FONT_NAME, size=16, bold=True)
_HELPER = Font(name=FONT_NAME, size=9, color="808080")
_BLACK = Side(style="thin", color="000000")
_GRID = Border(left=_BLACK, right=_BLACK, top=_BLACK, bottom=_BLACK)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FOOTER_SIZE = 11
_LINE_HEIGHT = row_height(2)        # the one-page form's last row: where the rows past the page are (may wrap)

# A4 landscape inside set_margins, in points: 11.69″ × 8.27″ less 0.5″ + 0.5″ and 0.6″ + 0.75″.
PAGE_WIDTH, PAGE_HEIGHT = (11.69 - 1.0) * 72, (8.27 - 1.35) * 72
_SPARE = 0.99                       # of the page height: a printer's rounding of row heights


@dataclass(frozen=True)
class FormPart:
    """One worksheet of a table's printed form, one page: its numbered rows first…last (k counts from 1)."""
    sheet: Sheet
    title: str
    first: int
    last: int

    @property
    def offset(self) -> int:
        return self.first - 1

    @property
    def continued(self) -> bool:
        """A continuation sheet (续, 续2, …), as opposed to the form's own page."""
        return self.first > 1

    def row(self, k: int) -> int:
        """The worksheet row of the form's k-th numbered row."""
        return HEADER_ROW + k - self.offset


def form_sheets(schema) -> list[Sheet]:
    """The data sheets that have a printed form, in workbook order."""
    return [s for s in schema.sheets if s.form_title]


def form_parts(sheet: Sheet) -> list[FormPart]:
    """The form's pages in workbook order: rows 1…K on the form, then K rows on each continuation
    (the last one up to the capacity). K is the schema's form_rows; page_rows checks that they fit."""
    k = sheet.form_rows
    return [FormPart(sheet, title, 1 + i * k, min((i + 1) * k, sheet.capacity))
            for i, title in enumerate(sheet.form_titles)]


def form_place(sheet: Sheet, k: int) -> tuple[str, int]:
    """(worksheet, row) of the form's k-th numbered row."""
    part = next(p for p in form_parts(sheet) if p.first <= k <= p.last)
    return part.title, part.row(k)


def header_height(sheet: Sheet) -> float:
    """The notice's header row, tall enough for its wrapped headers."""
    cols = printed_columns(sheet)
    lines = max(max(wrapped_lines(part, printed_width(c)) for part in printed_header(c).split("\n"))
                * (printed_header(c).count("\n") + 1) for c in cols)
    return row_height(max(lines, 2))


def page_room(sheet: Sheet) -> float:
    """Points of a form page left for its numbered rows: the page at the fit-to-width scale Excel
    prints at (100 % for both forms: their columns sum to 125, 682 and 701 pt of the page's 770;
    LibreOffice's wider column unit scales them to about 87 %, which only leaves more room), less the
    label, title, 推荐单位 and header rows and the line under the rows."""
    width_pt = sum(printed_width(c) * 7 + 5 for c in printed_columns(sheet)) * 0.75
    scale = min(1.0, PAGE_WIDTH / width_pt)
    return PAGE_HEIGHT * _SPARE / scale - sum(_TOP_HEIGHTS) - header_height(sheet) - _LINE_HEIGHT


def page_rows(sheet: Sheet) -> int:
    """The numbered rows of the blank form's height that fit one form page (the schema's form_rows,
    K, must not be more)."""
    return int(page_room(sheet) // row_height(sheet.printed_lines))


def helper_columns(sheet: Sheet) -> tuple[str, str]:
    """The letters of the two hidden helper columns (累计, 数据行), one column right of the form."""
    n = len(printed_columns(sheet))
    return get_column_letter(n + 2), get_column_letter(n + 3)


def _on_form(part: FormPart) -> str:
    """How `part` names the form's own sheet, where the running counts are: not at all on it."""
    return "" if not part.continued else quote_sheetname(part.sheet.form_title) + "!"


def _counts(part: FormPart) -> str:
    """The running counts (累计, on the form's own sheet, one per data row), as `part` refers to them."""
    running, _ = helper_columns(part.sheet)
    return f"{_on_form(part)}${running}${HEADER_ROW + 1}:${running}${HEADER_ROW + part.sheet.capacity}"


def count_cell(part: FormPart) -> str:
    """The cell holding the number of filled data rows (the last running count), as `part` refers to it."""
    running, _ = helper_columns(part.sheet)
    return f"{_on_form(part)}${running}${HEADER_ROW + part.sheet.capacity}"


def print_area(part: FormPart) -> str:
    """The form's page: a plain range, its label down to the line under its rows, which every program
    prints. (A continuation has none: see the module's docstring.)"""
    own = quote_sheetname(part.title)
    width = len(printed_columns(part.sheet))
    return f"{own}!$A$1:${get_column_letter(width)}${part.row(part.last) + 1}"


def running_formula(sheet: Sheet, position: int) -> str:
    """累计 beside data row `position` (1-based), on the form's own sheet: filled data rows up to it."""
    running, _ = helper_columns(sheet)
    data, key = quote_sheetname(sheet.title), column_letter(sheet, sheet.link)
    row = sheet.first_row + position - 1
    if position == 1:
        return f"=SUMPRODUCT(--(LEN({data}!${key}${sheet.first_row}:${key}${row})>0))"
    return f"=N({running}{HEADER_ROW + position - 1})+(LEN({data}!${key}${row})>0)"


def form_formulas(part: FormPart, k: int) -> dict[str, str]:
    """Column key → formula of the form's k-th row; also its 数据行 helper, under '数据行'."""
    sheet = part.sheet
    _, index = helper_columns(sheet)
    r = part.row(k)
    out = {"数据行": f'=IFERROR(MATCH({k},{_counts(part)},0),"")'}
    at = f"${index}{r}"
    for col in printed_columns(sheet):
        if col.key == "seq":
            out[col.key] = f'=IF({k}<=MAX({PRINTED_ROWS},{count_cell(part)}),{k},"")'
            continue
        rng = data_range(sheet, col.key)
        out[col.key] = f'=IF({at}="","",IF(INDEX({rng},{at})="","",INDEX({rng},{at})))'
    return out


def overflow_formula(part: FormPart, following: FormPart) -> str:
    """The line under a page's rows: blank, or how many rows come after them and on which sheet."""
    n, k = count_cell(part), part.last
    return (f'=IF({n}>{k},"另有 "&({n}-{k})&" 个项目（编号 {k + 1}–"&{n}&"）在工作表「{following.title}」'
            f'（未显示时：右键单击工作表标签 →“取消隐藏”），请一并打印、盖章。","")')


def continuation_note(part: FormPart, before: FormPart) -> str:
    """What a continuation's A1 says when the sheet opens (an input message: it never prints)."""
    return (f"本表接「{before.title}」，列出编号 {part.first}–{part.last} 的项目，一页；只有「{before.title}」"
            f"页底写明“另有…个项目”时才需要打印（不需要时可隐藏本表）。")


def write_forms(wb, sheet: Sheet, renderer: FormulaRenderer) -> None:
    """The table's form and its continuations, one page each; the continuations hidden while no row
    needs them (fit_rows shows those a filled workbook needs; a clerk, by the line under the rows)."""
    if page_rows(sheet) < sheet.form_rows:
        raise ValueError(f"{sheet.form_title}: {sheet.form_rows} rows do not fit one page ({page_rows(sheet)} do)")
    parts = form_parts(sheet)
    for part in parts:
        write_form(wb, part, renderer)
    width = get_column_letter(len(printed_columns(sheet)))
    for part, following in zip(parts, parts[1:], strict=False):
        ws, end = wb[part.title], part.row(part.last) + 1
        line = ws.cell(end, 1, overflow_formula(part, following))
        line.font, line.alignment = _BOLD, Alignment(horizontal="left", vertical="center")
        ws.merge_cells(f"A{end}:{width}{end}")
        ws.row_dimensions[end].height = _LINE_HEIGHT
    for before, part in zip(parts, parts[1:], strict=False):
        ws = wb[part.title]
        ws.add_data_validation(DataValidation(allow_blank=True, showErrorMessage=False, showInputMessage=True,
                                              promptTitle="续表", prompt=continuation_note(part, before), sqref="A1"))
        ws.sheet_state = "hidden"


def write_form(wb, part: FormPart, renderer: FormulaRenderer):
    sheet = part.sheet
    ws = wb.create_sheet(part.title)
    cols = printed_columns(sheet)
    last = get_column_letter(len(cols))
    ws["A1"] = sheet.printed_label
    ws["A1"].font = _BOLD
    ws["A2"] = sheet.printed_title + ("（续）" if part.continued else "")
    ws["A2"].font, ws["A2"].alignment = _TITLE, _CENTER
    ws.merge_cells(f"A2:{last}2")
    ws["A3"] = renderer.render(f'="推荐单位："&[recommender]&"{SEAL}"', sheet, 3)
    ws["A3"].font, ws["A3"].alignment = _BODY, Alignment(vertical="center")
    ws.merge_cells(f"A3:{last}3")
    for r, height in enumerate(_TOP_HEIGHTS, start=1):
        ws.row_dimensions[r].height = height
    for i, col in enumerate(cols, start=1):
        cell = ws.cell(HEADER_ROW, i, printed_header(col))
        cell.font, cell.alignment, cell.border = _BOLD, _CENTER, _GRID
        ws.column_dimensions[get_column_letter(i)].width = printed_width(col)
    ws.row_dimensions[HEADER_ROW].height = header_height(sheet)
    running, index = helper_columns(sheet)
    for letter, head in ((running, "累计"), (index, "数据行")):
        if letter == index or not part.continued:
            ws[f"{letter}{HEADER_ROW}"] = head
            ws[f"{letter}{HEADER_ROW}"].font = _HELPER
        ws.column_dimensions[letter].hidden = True

    if not part.continued:   # the running counts, one per data row, live on the form's own sheet only
        for position in range(1, sheet.capacity + 1):
            cell = ws[f"{running}{HEADER_ROW + position}"]
            cell.value, cell.font = running_formula(sheet, position), _HELPER
    for k in range(part.first, part.last + 1):
        r = part.row(k)
        formulas = form_formulas(part, k)
        helper = ws[f"{index}{r}"]
        helper.value, helper.font = formulas["数据行"], _HELPER
        for i, col in enumerate(cols, start=1):
            cell = ws.cell(r, i, formulas[col.key])
            cell.font, cell.alignment = _BODY, _CENTER if col.key == "seq" or i == 1 else _LEFT
        ws.row_dimensions[r].height = row_height(sheet.printed_lines)
    first, end = part.row(part.first), part.row(part.last)
    # A row is ruled while it is numbered: the rows in use, or the four of the blank form.
    ws.conditional_formatting.add(f"A{first}:{last}{end}", FormulaRule(formula=[f'LEN($A{first})>0'], border=_GRID))
    _print_setup(ws, part)
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                    selectLockedCells=False, selectUnlockedCells=False)
    return ws


def _print_setup(ws, part: FormPart) -> None:
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
    for side, text in ((ws.oddFooter.left, PRINTED_FOOTER), (ws.oddFooter.right, "第 &P 页，共 &N 页")):
        side.text, side.font, side.size = text, FONT_NAME, FOOTER_SIZE
    if not part.continued:
        ws.defined_names.add(DefinedName("_xlnm.Print_Area", attr_text=print_area(part)))


def set_margins(ws) -> None:
    """Room for the page footer: a 0.45″ band between the footer line and the body (the default
    footer margin of 0.5″ under a 0.6″ bottom margin left 0.1″, and 第 N 页 printed half cut)."""
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.75
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3


def fit_rows(wb, sheet: Sheet, rows: list[dict]) -> None:
    """Row heights of a filled form, on every one of its sheets, from the values it will show (`rows`:
    the data sheet's rows in use, in order, as compute.derive gives them): Excel does not re-measure
    rows that formulas fill. When a page's rows in use are taller than the blank form's, its empty
    rows give way (one line each), so that the page still holds them and the line under them. A
    continuation is shown when it has rows in use, and hidden otherwise."""
    cols = printed_columns(sheet)
    heights = [row_height(max((wrapped_lines(v, printed_width(c)) for c in cols
                               if isinstance(v := values.get(c.key), str)), default=1)) for values in rows]
    for part in form_parts(sheet):
        ws = wb[part.title]
        used = heights[part.offset:part.last]
        for k, height in enumerate(used, start=part.first):
            ws.row_dimensions[part.row(k)].height = height
        size = part.last - part.offset
        if page_room(sheet) - sum(used) - (size - len(used)) * row_height(sheet.printed_lines) < 0:
            for k in range(part.first + len(used), part.last + 1):
                ws.row_dimensions[part.row(k)].height = row_height(1)
        if part.continued:
            ws.sheet_state = "visible" if used else "hidden"
