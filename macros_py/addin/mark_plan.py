"""What 校验本簿 and 清除标记 change in an open workbook, computed as plain data (no Excel needed).

The ribbon marks cells in the user's own workbook, so it must be able to take back exactly what it
did, and nothing else. Before a cell is marked its original state (fill colour and note) is written
to a bookkeeping sheet, 校验标记 (very hidden), one row per marked cell. A later run or 清除标记
restores those originals from there; a cell that stays marked keeps the original recorded the
first time, so a second run leaves the workbook as the first one did.

Only fill and note are changed. The annotated copy also colours the font; here that would need the
font's original restored, and Excel's "automatic" font colour cannot be set back through xlwings.

Writes are grouped: every cell of one sheet that gets the same fill is painted with one call on a
union address ("D5,H4:H9,K12"), cut at Excel's 255-character limit for a range address. A note
belongs to one cell, so notes are one call per marked cell (never per cell of the sheet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from macros_py.check.marks import FILL, CellMark
from macros_py.model.findings import Finding
from macros_py.write.results_sheet import HEADER_ROW, NO_FINDINGS, RESULT_HEADERS, RESULT_SHEET, heading

__all__ = ["RESULT_HEADERS", "RESULT_SHEET"]  # the annotated copy's layout (write.results_sheet)

LEDGER_SHEET = "校验标记"   # very hidden: what the marks replaced
OUR_SHEETS = frozenset({RESULT_SHEET, LEDGER_SHEET})
LEDGER_TITLE = "shenbao 校验标记"
LEDGER_VERSION = "1"
LEDGER_HEADER = ("工作表", "单元格", "原填充色", "原有批注", "原批注内容")
MAX_ADDRESS = 255          # Excel's limit for the address text of Range("...")
NOTE_GAP = "\n\n"          # between a note the user wrote and the check's text
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass(frozen=True)
class CellState:
    """A cell's fill ("RRGGBB", None for no fill) and note text (None when it has no note)."""

    fill: str | None
    note: str | None


@dataclass(frozen=True)
class LedgerEntry:
    sheet: str
    cell: str
    original: CellState


@dataclass(frozen=True)
class Paint:
    sheet: str
    address: str               # one cell, a column run or a union of them, at most MAX_ADDRESS long
    fill: str | None           # None: no fill


@dataclass(frozen=True)
class NoteEdit:
    sheet: str
    cell: str
    text: str | None           # None: delete the note
    exists: bool | None        # whether the cell has a note now; None: not known, ask Excel


@dataclass
class MarkPlan:
    paints: list[Paint] = field(default_factory=list)
    notes: list[NoteEdit] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)   # the bookkeeping after the plan

    @property
    def sheets(self) -> list[str]:
        """The sheets whose cells the plan changes, in first-touched order (to lift protection)."""
        seen: dict[str, None] = {}
        for item in (*self.paints, *self.notes):
            seen.setdefault(item.sheet, None)
        return list(seen)


# ---------------------------------------------------------------------------------------- addresses
def _split(cell: str) -> tuple[str, int]:
    match = _CELL.match(cell.replace("$", "").upper())
    if not match:
        raise ValueError(f"不是单元格地址：{cell}")
    return match.group(1), int(match.group(2))


def _col_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def union_addresses(cells: Iterable[str], limit: int = MAX_ADDRESS) -> list[str]:
    """Cells as few union addresses as Excel accepts: runs down a column become "H4:H9", and parts are
    joined with commas up to `limit` characters."""
    parts = []
    by_col: dict[str, list[int]] = {}
    for cell in set(cells):
        col, row = _split(cell)
        by_col.setdefault(col, []).append(row)
    for col in sorted(by_col, key=_col_number):
        rows = sorted(by_col[col])
        start = prev = rows[0]
        for row in rows[1:] + [None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            parts.append(f"{col}{start}" if start == prev else f"{col}{start}:{col}{prev}")
            if row is not None:
                start = prev = row
    out: list[str] = []
    for part in parts:
        if out and len(out[-1]) + 1 + len(part) <= limit:
            out[-1] += "," + part
        else:
            out.append(part)
    return out


def _paints(sheet: str, by_fill: dict[str | None, list[str]]) -> list[Paint]:
    return [Paint(sheet, address, fill) for fill in sorted(by_fill, key=lambda f: f or "")
            for address in union_addresses(by_fill[fill])]


# ---------------------------------------------------------------------------------------- plans
def marked_note(original: str | None, mark: CellMark) -> str:
    """The note a marked cell shows: the user's own note kept on top, then the check's text."""
    return f"{original}{NOTE_GAP}{mark.note}" if original else mark.note


def plan_marks(marks: dict[str, dict[str, CellMark]], previous: list[LedgerEntry],
               current: dict[tuple[str, str], CellState]) -> MarkPlan:
    """The changes that take the workbook from its present state (with `previous` marks, if any) to
    exactly `marks`. `current` is the present state of every cell in `marks` or `previous`."""
    before = {(e.sheet, e.cell): e.original for e in previous}
    plan = MarkPlan()
    by_sheet: dict[str, dict[str | None, list[str]]] = {}
    for entry in previous:  # cells no longer marked go back first
        if entry.cell in marks.get(entry.sheet, {}):
            continue
        by_sheet.setdefault(entry.sheet, {}).setdefault(entry.original.fill, []).append(entry.cell)
        now = current.get((entry.sheet, entry.cell))
        plan.notes.append(NoteEdit(entry.sheet, entry.cell, entry.original.note, None if now is None else now.note is not None))
    for sheet, by_cell in marks.items():
        for cell, mark in by_cell.items():
            now = current.get((sheet, cell))
            original = before.get((sheet, cell)) or now or CellState(None, None)
            plan.ledger.append(LedgerEntry(sheet, cell, original))
            by_sheet.setdefault(sheet, {}).setdefault(mark.fill, []).append(cell)
            plan.notes.append(NoteEdit(sheet, cell, marked_note(original.note, mark),
                                       None if now is None else now.note is not None))
    for sheet, by_fill in by_sheet.items():
        plan.paints += _paints(sheet, by_fill)
    return plan


def plan_clear(previous: list[LedgerEntry]) -> MarkPlan:
    """Every recorded cell back to its original fill and note; nothing else is touched."""
    return plan_marks({}, previous, {})


# ---------------------------------------------------------------------------------------- ledger
def as_text(value: str) -> str:
    """Text written through Range.value stays text: Excel would read "2025" as a number, "=x" as a
    formula and "1E5" as 100000 without the leading apostrophe, which Excel itself does not keep."""
    return "'" + value


def ledger_rows(entries: list[LedgerEntry]) -> list[list]:
    rows: list[list] = [
        [as_text(LEDGER_TITLE), as_text(LEDGER_VERSION),
         as_text("本表由“高技能人才申报”加载项写入，记录被标记单元格原来的填充色和批注，供“清除标记”复原。请勿修改。"), None, None],
        [as_text(h) for h in LEDGER_HEADER],
    ]
    for e in entries:
        rows.append([as_text(e.sheet), as_text(e.cell), as_text("#" + e.original.fill) if e.original.fill else None,
                     as_text("有" if e.original.note is not None else "无"),
                     as_text(e.original.note) if e.original.note else None])
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_ledger(rows: list[list] | None) -> list[LedgerEntry]:
    """The entries of a 校验标记 sheet as read back (Range.value, 2-D). A sheet this code did not write
    gives an error rather than a guess: restoring from a wrong list would damage the user's cells."""
    from macros_py.model.errors import ShenbaoError

    if not rows:
        return []
    if _text(rows[0][0] if rows[0] else None) != LEDGER_TITLE:
        raise ShenbaoError(f"工作簿中的“{LEDGER_SHEET}”工作表不是本加载项写入的，无法据此清除标记。"
                           f"如确认无用，可删除该工作表后重新校验。")
    entries = []
    for row in rows[2:]:
        row = list(row) + [None] * (5 - len(row))
        sheet, cell = _text(row[0]), _text(row[1])
        if not sheet or not cell:
            continue
        fill = _text(row[2]).lstrip("#") or None
        note = _text(row[4]) if _text(row[3]) == "有" else None
        entries.append(LedgerEntry(sheet, cell, CellState(fill, note)))
    return entries


# ---------------------------------------------------------------------------------------- 校验结果
def _quoted(text: str) -> str:
    return text.replace('"', '""')


def link_formula(sheet: str, cell: str) -> str:
    """A link to a cell of the same workbook, as Excel, WPS and LibreOffice all follow it."""
    target = "'" + sheet.replace("'", "''") + "'!" + cell
    return f'=HYPERLINK("#{_quoted(target)}","{_quoted(sheet + "!" + cell)}")'


def result_rows(findings: list[Finding], sheets: Iterable[str], file_name: str) -> list[list]:
    """The 校验结果 sheet from A1: its title, file and counts, a header row (HEADER_ROW), then one row
    per finding with a link to its cell ("未发现问题。" under the header when there is none)."""
    present = set(sheets)
    width = len(RESULT_HEADERS)
    rows: list[list] = [[as_text(line)] + [None] * (width - 1) for line in heading(file_name, findings)]
    rows.append([as_text(h) for h in RESULT_HEADERS])
    if not findings:
        rows.append([None] * 7 + [as_text(NO_FINDINGS), None])
    for n, f in enumerate(findings, start=1):
        if f.sheet and f.cell and f.sheet in present:
            where = link_formula(f.sheet, f.cell)
        else:
            where = as_text(f.cell) if f.cell else None
        value = as_text(f.value) if isinstance(f.value, str) else f.value
        rows.append([n, as_text(f.severity), as_text(f.rule), as_text(f.sheet or "（整个文件）"), where,
                     as_text(f.column) if f.column else None, value, as_text(f.message), as_text(f.hint)])
    return rows


def result_paints(findings: list[Finding]) -> list[Paint]:
    """The 严重程度 column filled by severity, in as few calls as the cells allow."""
    by_fill: dict[str | None, list[str]] = {}
    for n, f in enumerate(findings, start=HEADER_ROW + 1):
        by_fill.setdefault(FILL[f.severity], []).append(f"B{n}")
    return _paints(RESULT_SHEET, by_fill)
