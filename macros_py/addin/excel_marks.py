"""校验本簿 and 清除标记 on an open workbook, through the xlwings object model.

Everything here works on whatever `book` it is given: xlwings' Book in Excel, or the tests' stand-in
backed by a real file. Only the xlwings calls listed in tests/xl_standin.py are used.

Reading the workbook: a temporary copy made with Excel's own SaveCopyAs, read by the very reader the
command line uses (read_workbook.read_submission). Why a copy and not the cell values:
- the check then sees exactly what `shenbao check` would see in the saved file — merged header cells
  of the printed forms, hidden sheets, the VBA note — with one call into Excel. xlwings offers merged
  areas only cell by cell, and a grid rebuilt from Range values would be a second reader to keep equal;
- SaveCopyAs leaves the user's workbook as it is: not saved, same name and path, unsaved edits kept;
- the copy also tells, without a call per cell, each marked cell's present fill and note (openpyxl).
It needs Windows Excel (SaveCopyAs is a Windows COM method); elsewhere the user gets a message.

Writing: mark_plan computes every change; this module only carries it out, in blocks.
"""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from macros_py.addin.mark_plan import (
    LEDGER_SHEET,
    OUR_SHEETS,
    RESULT_HEADERS,
    RESULT_SHEET,
    CellState,
    LedgerEntry,
    MarkPlan,
    ledger_rows,
    parse_ledger,
    plan_clear,
    plan_marks,
    result_paints,
    result_rows,
)
from macros_py.check.marks import check_and_mark
from macros_py.model.errors import ShenbaoError
from macros_py.model.findings import Finding
from macros_py.model.submission import Submission
from macros_py.policy.load import Policy, default_policy
from macros_py.read.grid import column_name
from macros_py.read.workbook import read_submission
from macros_py.write.results_sheet import (
    FONT_NAME,
    FONT_SIZE,
    FOOTER,
    FOOTER_SIZE,
    HEADER_ROW,
    RESULT_WIDTHS,
    TITLE_SIZE,
)

SHEET_VISIBLE, SHEET_VERY_HIDDEN = -1, 2   # XlSheetVisibility
XL_CONTINUOUS, XL_TOP = 1, -4160           # XlLineStyle, XlVAlign
XL_PAPER_A4, XL_LANDSCAPE = 9, 2           # XlPaperSize, XlPageOrientation
LINK_COLOUR = "#0563C1"
# Worksheet.Protection properties that Worksheet.Protect takes back as keyword arguments.
_ALLOW = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
          "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
          "AllowSorting", "AllowFiltering", "AllowUsingPivotTables")


@dataclass
class CheckOutcome:
    submission: Submission
    findings: list[Finding]
    marked: int                 # cells marked


# ---------------------------------------------------------------------------------------- reading
def sheet_names(book) -> list[str]:
    return [sheet.name for sheet in book.sheets]


def _copy_name(book) -> str:
    name = Path(str(book.name)).name
    return name if Path(name).suffix.lower() in (".xlsx", ".xlsm", ".xls", ".xlsb") else name + ".xlsx"


@contextlib.contextmanager
def saved_copy(book):
    """A temporary copy of the workbook as it is now (SaveCopyAs), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="shenbao-") as folder:
        path = Path(folder) / _copy_name(book)
        try:
            save = book.api.SaveCopyAs
        except AttributeError:
            raise ShenbaoError("读取打开的工作簿需要 Windows 版 Excel（SaveCopyAs）。"
                               "在其他系统上请保存工作簿后用命令 shenbao check 校验。") from None
        try:
            save(str(path))
        except Exception as exc:  # a COM error: disk full, path too long, a workbook Excel cannot copy
            raise ShenbaoError(f"无法为校验保存工作簿的临时副本（{exc}）。请先保存工作簿后重试。") from None
        yield path


def read_book(book, copy: Path, policy: Policy) -> Submission:
    sub = read_submission(copy, policy, skip_sheets=OUR_SHEETS)
    # Findings name the workbook the user has open, not the temporary copy.
    sub.name, sub.path = Path(str(book.name)).name, str(book.fullname)
    return sub


def _hex(rgb) -> str | None:
    if rgb is None:
        return None
    if isinstance(rgb, str):
        return rgb.lstrip("#").upper()
    return "".join(f"{int(c):02X}" for c in rgb)


def states_from_copy(copy: Path, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], CellState]:
    """Fill and note of the wanted cells as saved in the copy. A fill that is not a plain RGB colour
    (a theme colour, a pattern) is left out, and so is every cell of a file openpyxl cannot load (.xls):
    those few are asked from Excel one by one (current_states)."""
    if not wanted or copy.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    from openpyxl import load_workbook
    from openpyxl.styles.colors import COLOR_INDEX

    from macros_py.write.annotated import ANNOTATE_MAX_XML, xml_bytes

    try:
        with zipfile.ZipFile(copy) as zf:
            if xml_bytes(zf.infolist()) > ANNOTATE_MAX_XML:
                return {}   # openpyxl would take minutes and gigabytes: ask Excel instead
        wb = load_workbook(copy)
    except Exception:  # a package openpyxl cannot load: ask Excel instead
        return {}
    out = {}
    for sheet, cell in wanted:
        if sheet not in wb.sheetnames:
            continue
        c = wb[sheet][cell]
        note = c.comment.text if c.comment is not None else None
        fill = c.fill
        if fill is None or fill.fill_type is None:
            out[(sheet, cell)] = CellState(None, note)
        elif fill.fill_type == "solid" and fill.fgColor.type == "rgb" and isinstance(fill.fgColor.rgb, str):
            out[(sheet, cell)] = CellState(fill.fgColor.rgb[-6:].upper(), note)
        elif fill.fill_type == "solid" and fill.fgColor.type == "indexed" and fill.fgColor.indexed < 64:
            out[(sheet, cell)] = CellState(COLOR_INDEX[fill.fgColor.indexed][-6:].upper(), note)
    return out


def current_states(book, wanted: set[tuple[str, str]], known: dict) -> dict[tuple[str, str], CellState]:
    """`known` completed from Excel for the cells the copy could not tell (one read per such cell)."""
    out = dict(known)
    names = set(sheet_names(book)) if len(out) < len(wanted) else set()
    for sheet, cell in sorted(wanted - set(out)):
        if sheet not in names:
            continue
        rng = book.sheets[sheet].range(cell)
        note = rng.note
        out[(sheet, cell)] = CellState(_hex(rng.color), note.text if note is not None else None)
    return out


def read_ledger(book, names: list[str]) -> list[LedgerEntry] | None:
    """The bookkeeping of the last run (one block read), or None when the workbook has none."""
    if LEDGER_SHEET not in names:
        return None
    return parse_ledger(book.sheets[LEDGER_SHEET].used_range.options(ndim=2).value)


# ---------------------------------------------------------------------------------------- writing
@contextlib.contextmanager
def unprotected(book, names: list[str]):
    """Sheet protection lifted while the marks are written, then set again with the same options.
    The template protects its sheets without a password; a password-protected sheet stops the run."""
    lifted = []
    try:
        for name in names:
            api = book.sheets[name].api
            if not api.ProtectContents:
                continue
            options = {key: getattr(api.Protection, key) for key in _ALLOW}
            options.update(DrawingObjects=api.ProtectDrawingObjects, Scenarios=api.ProtectScenarios)
            selection = api.EnableSelection
            try:
                api.Unprotect()
            except Exception:
                raise ShenbaoError(f"工作表“{name}”设有保护密码，无法在其中标记。请先在“审阅 → 撤销工作表保护”"
                                   "中输入密码撤销保护，再点“校验本簿”。") from None
            lifted.append((api, options, selection))
        yield
    finally:
        for api, options, selection in reversed(lifted):
            api.Protect(Contents=True, **options)
            api.EnableSelection = selection


def _set_note(rng, text: str | None, exists: bool | None) -> None:
    note = rng.note if exists is None or exists else None
    if text is None:
        if note is not None:
            note.delete()
    elif note is not None:
        note.text = text
    else:
        rng.add_note(text)


def apply_plan(book, plan: MarkPlan, names: list[str]) -> None:
    present = set(names)
    with unprotected(book, [s for s in plan.sheets if s in present]):
        for paint in plan.paints:
            if paint.sheet in present:
                book.sheets[paint.sheet].range(paint.address).color = "#" + paint.fill if paint.fill else None
        for edit in plan.notes:
            if edit.sheet in present:
                _set_note(book.sheets[edit.sheet].range(edit.cell), edit.text, edit.exists)


def delete_sheet(book, name: str) -> None:
    sheet = book.sheets[name]
    sheet.api.Visible = SHEET_VISIBLE  # a very hidden sheet is shown first, so that Excel deletes it
    sheet.delete()


def write_ledger(book, entries: list[LedgerEntry], names: list[str]) -> None:
    """Always written after a check, even with no marks: its presence says the 校验结果 sheet is ours."""
    if LEDGER_SHEET in names:
        delete_sheet(book, LEDGER_SHEET)
        names = [n for n in names if n != LEDGER_SHEET]
    sheet = book.sheets.add(LEDGER_SHEET, after=book.sheets[names[-1]])
    sheet.range("A1").value = ledger_rows(entries)
    sheet.api.Visible = SHEET_VERY_HIDDEN


def write_results(book, findings: list[Finding], names: list[str]) -> None:
    """The 校验结果 sheet (write.results_sheet's layout): values in one block, then its look in a few
    calls on whole ranges — font, wrap, borders, widths, row heights, A4 landscape fitted to width."""
    if RESULT_SHEET in names:
        delete_sheet(book, RESULT_SHEET)
    data_sheets = [n for n in names if n not in OUR_SHEETS]
    sheet = book.sheets.add(RESULT_SHEET, before=book.sheets[data_sheets[0]])
    rows = result_rows(findings, data_sheets, Path(str(book.name)).name)
    sheet.range("A1").value = rows
    last, end = column_name(len(RESULT_HEADERS) - 1), len(rows)
    whole = sheet.range(f"A1:{last}{end}")
    whole.font.name = FONT_NAME
    whole.font.size = FONT_SIZE
    title = sheet.range("A1")
    title.font.size = TITLE_SIZE
    title.font.bold = True
    sheet.range(f"A{HEADER_ROW}:{last}{HEADER_ROW}").font.bold = True
    table = sheet.range(f"A{HEADER_ROW}:{last}{end}")
    table.wrap_text = True
    table.api.Borders.LineStyle = XL_CONTINUOUS
    table.api.VerticalAlignment = XL_TOP
    for i, width in enumerate(RESULT_WIDTHS):
        letter = column_name(i)
        sheet.range(f"{letter}:{letter}").column_width = width
    table.rows.autofit()
    if findings:
        sheet.range(f"E{HEADER_ROW + 1}:E{HEADER_ROW + len(findings)}").font.color = LINK_COLOUR
    for paint in result_paints(findings):
        sheet.range(paint.address).color = "#" + paint.fill
    setup = sheet.api.PageSetup
    setup.PaperSize, setup.Orientation = XL_PAPER_A4, XL_LANDSCAPE
    setup.Zoom, setup.FitToPagesWide, setup.FitToPagesTall = False, 1, False
    setup.PrintTitleRows = f"${HEADER_ROW}:${HEADER_ROW}"
    setup.CenterFooter = f'&"{FONT_NAME}"&{FOOTER_SIZE}{FOOTER}'
    setup.LeftMargin = setup.RightMargin = 36       # points: 0.5″
    setup.TopMargin, setup.BottomMargin = 43, 54    # 0.6″, 0.75″
    setup.HeaderMargin = setup.FooterMargin = 22    # 0.3″: the footer line clear of the page edge
    sheet.activate()


def _guard_structure(book, names: list[str]) -> None:
    if book.api.ProtectStructure:
        raise ShenbaoError("工作簿结构受保护，无法添加“校验结果”工作表。请在“审阅 → 保护工作簿”中撤销保护后重试。")
    if RESULT_SHEET in names and LEDGER_SHEET not in names:
        raise ShenbaoError(f"工作簿中已有名为“{RESULT_SHEET}”的工作表，但不是本加载项上次写入的"
                           "（可能来自批注副本或手工建立）。请删除或改名后再校验。")


@contextlib.contextmanager
def _quiet(book):
    """No screen redraw while writing: Excel repaints after each call otherwise."""
    app = book.app
    before = app.screen_updating
    app.screen_updating = False
    try:
        yield
    finally:
        app.screen_updating = before


# ---------------------------------------------------------------------------------------- actions
def check_book(book, policy: Policy | None = None) -> CheckOutcome:
    """Check the open workbook and mark it in place; a second run replaces the first one's marks."""
    policy = policy or default_policy()
    names = sheet_names(book)
    _guard_structure(book, names)
    previous = read_ledger(book, names) or []
    with saved_copy(book) as copy:
        sub = read_book(book, copy, policy)
        findings, marks = check_and_mark(sub, policy)
        wanted = {(s, c) for s, by_cell in marks.items() for c in by_cell} | {(e.sheet, e.cell) for e in previous}
        known = states_from_copy(copy, wanted)
    plan = plan_marks(marks, previous, current_states(book, wanted, known))
    with _quiet(book):
        apply_plan(book, plan, names)
        write_ledger(book, plan.ledger, names)
        write_results(book, findings, sheet_names(book))
    return CheckOutcome(sub, findings, len(plan.ledger))


def clear_book(book) -> int | None:
    """Undo the last 校验本簿: originals back, its two sheets gone. None when there was nothing to undo."""
    names = sheet_names(book)
    previous = read_ledger(book, names)
    if previous is None:
        return None
    with _quiet(book):
        apply_plan(book, plan_clear(previous), names)
        if RESULT_SHEET in names:
            delete_sheet(book, RESULT_SHEET)
        delete_sheet(book, LEDGER_SHEET)
    return len(previous)
