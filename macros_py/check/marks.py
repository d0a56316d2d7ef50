"""Findings grouped by the cell they point at: what the annotated copy and the Excel add-in draw.

Both render from `marks_by_cell`, so a cell looks the same in the copy `shenbao check --annotate`
writes and in the workbook the ribbon's 校验本簿 marks: filled by its worst severity, with one note
listing every finding on it (message and fix hint).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from macros_py.model.findings import ERROR, INFO, SEVERITY_ORDER, WARNING, Finding
from macros_py.model.submission import Submission
from macros_py.policy.load import Policy, default_policy

# Fill colours (RGB hex) by severity: red, yellow, light blue — the template's conditional formats
# use the same ones, so a mark means the same thing with or without the add-in.
FILL = {ERROR: "FFC7CE", WARNING: "FFEB9C", INFO: "DDEBF7"}
FONT = {ERROR: "9C0006", WARNING: "9C5700", INFO: "1F4E78"}
NOTE_AUTHOR = "申报校验"


@dataclass
class CellMark:
    sheet: str
    cell: str
    findings: list[Finding] = field(default_factory=list)
    span: str | None = None      # the merged range the cell heads ("C5:C7"), marked as a whole

    @property
    def severity(self) -> str:
        return min((f.severity for f in self.findings), key=lambda s: SEVERITY_ORDER.get(s, 9))

    @property
    def fill(self) -> str:
        return FILL[self.severity]

    @property
    def font_color(self) -> str:
        return FONT[self.severity]

    @property
    def note(self) -> str:
        """The text of the cell's comment: one paragraph per finding."""
        return "\n".join(f"【{f.severity}】{f.rule} {f.message}\n修改：{f.hint}" for f in self.findings)


Merged = dict[str, list[tuple[int, int, int, int]]]   # sheet -> (first row, first col, last row, last col), 1-based


def _parse(cell: str) -> tuple[int, int] | None:
    letters = "".join(ch for ch in cell if ch.isalpha()).upper()
    digits = "".join(ch for ch in cell if ch.isdigit())
    if not letters or not digits:
        return None
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits), col


def _address(row: int, col: int) -> str:
    name = ""
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return f"{name}{row}"


def _fold(sheet_ranges: list[tuple[int, int, int, int]], cell: str) -> tuple[str, str | None]:
    """A cell inside a merged range is marked at the range's first cell (only that cell can hold a
    note; Excel shows the range by it), and the whole range is marked."""
    at = _parse(cell)
    if at is None:
        return cell, None
    row, col = at
    for r0, c0, r1, c1 in sheet_ranges:
        if r0 <= row <= r1 and c0 <= col <= c1:
            return _address(r0, c0), f"{_address(r0, c0)}:{_address(r1, c1)}"
    return cell, None


def marks_by_cell(findings: Iterable[Finding], merged: Merged | None = None) -> dict[str, dict[str, CellMark]]:
    """sheet -> cell -> CellMark, for the findings that point at a cell (file-level ones are left out:
    they belong in the 校验结果 list only). With `merged`, findings on cells of a merged range (a 属性
    merged down three rows, each row with its finding) become one mark on the range."""
    out: dict[str, dict[str, CellMark]] = {}
    for finding in findings:
        if not finding.sheet or not finding.cell:
            continue
        cell, span = finding.cell, None
        if merged and merged.get(finding.sheet):
            cell, span = _fold(merged[finding.sheet], finding.cell)
        by_cell = out.setdefault(finding.sheet, {})
        mark = by_cell.get(cell)
        if mark is None:
            mark = by_cell[cell] = CellMark(finding.sheet, cell, span=span)
        mark.findings.append(finding)
    for by_cell in out.values():
        for mark in by_cell.values():
            mark.findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule))
    return out


def check_and_mark(sub: Submission, policy: Policy | None = None) -> tuple[list[Finding], dict[str, dict[str, CellMark]]]:
    """Check one submission and group its findings by cell (the add-in's one call into the engine)."""
    from macros_py.check.engine import check_submission

    findings = check_submission(sub, policy or default_policy())
    return findings, marks_by_cell(findings, sub.merged)
