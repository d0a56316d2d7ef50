"""What a check produces, as plain data: findings, per-file outcomes and the report (STYLE 5, 6).

The console, the annotated workbook, the HTML report, the master's 问题清单 and the ribbon only
render these. Everything here round-trips through JSON (`to_dict` / `from_dict`), so another tool can
read a saved report without importing the engine.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import asdict, dataclass, field, fields

from macros_py.model.privacy import mask_data, mask_id, mask_value  # noqa: F401  (mask_id: re-exported)

ERROR = "错误"
WARNING = "警告"
INFO = "提示"

SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

# Outcome of one file in a report.
FILE_OK = "ok"              # read and checked
FILE_UNUSABLE = "unusable"  # could not be used at all (reason says why); exit code 2
FILE_IGNORED = "ignored"    # not a submission (an Excel lock file found while walking a folder)

# The keys of a finding in JSON, in this order; other tools and tests rely on these names.
FINDING_KEYS = ("rule", "severity", "file", "sheet", "cell", "row", "column", "value", "message", "hint",
                "sha256")


def display_value(value):
    """A cell value as a finding shows it: JSON-safe (text, number or None), dates as ISO text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


SHOWN_TEXT = 200   # characters of a cell's text a finding repeats (the cell itself holds the rest)


def shown_text(value):
    """A finding's value as it is repeated in messages and reports: long text cut to SHOWN_TEXT characters
    with an ellipsis and the length, so that one long cell cannot swell the JSON, HTML and problem list."""
    if isinstance(value, str) and len(value) > SHOWN_TEXT:
        return f"{value[:SHOWN_TEXT]}…（共 {len(value)} 字）"
    return value


@dataclass
class Finding:
    rule: str
    severity: str
    file: str
    sheet: str | None
    cell: str | None          # A1 address on `sheet`; None for a finding about a whole file or table
    row: int | None           # the Excel row
    column: str | None        # the column header as the file shows it
    value: str | int | float | None
    message: str
    hint: str
    sha256: str | None = None

    def __post_init__(self):
        # Every finding leaves the tool (console, JSON, HTML, 问题清单, annotated copy): ID numbers
        # in its value and text are masked here, once, whatever column they were typed in.
        self.value = mask_value(self.value)
        self.message = mask_value(self.message)
        self.hint = mask_value(self.hint)

    def to_dict(self) -> dict:
        # Every field is a plain value: asdict's deep copy of each cost a second per 10,000 findings.
        return {k: getattr(self, k) for k in FINDING_KEYS}

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def where(self) -> str:
        """工作表!单元格, as the console and the reports print it."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or "（整个文件）"

    def sort_key(self):
        return (self.file, SEVERITY_ORDER.get(self.severity, 9), self.sheet or "", self.row or 0,
                self.cell or "", self.rule)


@dataclass
class FileEntry:
    """One input file's outcome."""

    file: str                           # the name as the user gave it
    path: str
    status: str = FILE_OK
    reason: str | None = None           # why the file could not be used (Chinese)
    sha256: str | None = None
    size: int | None = None
    layout: str | None = None           # "template" or "printed"
    template_version: str | None = None
    recommender: str | None = None
    records: dict[str, int] = field(default_factory=dict)   # sheet title -> data rows read
    notes: list[str] = field(default_factory=list)
    projects: dict[str, str] = field(default_factory=dict)  # "sheet!row" -> the project the row is about

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> FileEntry:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Report:
    files: list[FileEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    partial: bool = False               # a limit stopped the run early
    limit: int | None = None            # the max-findings limit in force, if any

    def counts_by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s: counts.get(s, 0) for s in SEVERITY_ORDER}

    def counts_by_rule(self) -> dict[str, dict[str, int]]:
        """rule -> severity -> count, rules in ID order."""
        out: dict[str, Counter] = {}
        for f in self.findings:
            out.setdefault(f.rule, Counter())[f.severity] += 1
        return {rule: dict(out[rule]) for rule in sorted(out)}

    def findings_for(self, file: str) -> list[Finding]:
        return [f for f in self.findings if f.file == file]

    @property
    def exit_code(self) -> int:
        """0: no 错误; 1: some 错误; 2: a file could not be used at all."""
        if any(f.status == FILE_UNUSABLE for f in self.files):
            return 2
        return 1 if any(f.severity == ERROR for f in self.findings) else 0

    def to_dict(self) -> dict:
        return {"files": [f.to_dict() for f in self.files], "findings": [f.to_dict() for f in self.findings],
                "partial": self.partial, "limit": self.limit}

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        return cls(files=[FileEntry.from_dict(f) for f in data.get("files", [])],
                   findings=[Finding.from_dict(f) for f in data.get("findings", [])],
                   partial=bool(data.get("partial")), limit=data.get("limit"))

    def to_json(self) -> str:
        return json.dumps(mask_data(self.to_dict()), ensure_ascii=False, indent=2)
