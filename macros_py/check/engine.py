"""The rule engine: every county-side rule over one Submission, and the check of a list of files.

It never touches Excel: readers build Submissions, rules emit Findings, renderers draw the Report.
Everything is collected by default; `max_findings` stops early and marks the report partial.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from macros_py.model.errors import UnusableFileError
from macros_py.model.findings import FILE_IGNORED, FILE_OK, FILE_UNUSABLE, FileEntry, Finding, Report
from macros_py.model.submission import Submission
from macros_py.policy.load import Policy, default_policy
from macros_py.policy.schema import build_schema
from macros_py.read.safety import DEFAULT_LIMITS, LOCK_FILE_REASON, WORKBOOK_SUFFIXES, Limits
from macros_py.read.workbook import read_submission
from macros_py.rules import bases, common, funding, ident, reading, studios  # noqa: F401  (importing registers the rules)
from macros_py.rules.catalog import render
from macros_py.rules.registry import REGISTRY, RuleContext


def _cell_order(cell: str | None) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch.upper()) - 64
    return (int(digits or 0), col)


def check_submission(sub: Submission, policy: Policy | None = None,
                     rule_ids: Iterable[str] | None = None) -> list[Finding]:
    """Every registered county-side rule (or those named) over one submission, in sheet/row/column order."""
    policy = policy or default_policy()
    ctx = RuleContext(sub, policy, build_schema(policy))
    wanted = set(rule_ids) if rule_ids is not None else None
    for registered in REGISTRY.values():
        if wanted is None or registered.id in wanted:
            ctx.run(registered)
    order = {}
    for key in sub.tables:
        for table in sub.tables[key]:
            order.setdefault(table.sheet, len(order))
    return sorted(ctx.findings, key=lambda f: (order.get(f.sheet, -1 if f.sheet is None else len(order)),
                                               f.sheet or "", _cell_order(f.cell), f.rule))


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the workbooks directly in it (sorted by name)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES)
        else:
            out.append(path)
    return out


def unusable_finding(entry: FileEntry) -> Finding:
    severity, message, hint = render("C-TEMPLATE", "unusable", {"reason": entry.reason, "title": ""})
    return Finding(rule="C-TEMPLATE", severity=severity, file=entry.file, sheet=None, cell=None, row=None,
                   column=None, value=None, message=message, hint=hint, sha256=entry.sha256)


def check_file(path: str | Path, policy: Policy, limits: Limits = DEFAULT_LIMITS
               ) -> tuple[Submission | None, list[Finding], str | None]:
    """Read and check one file: (submission, findings, None), or (None, [], the Chinese reason) when it
    cannot be used. Never raises for a bad file: a fault of the tool on one file must not cost the
    other files their check (shenbao check and shenbao merge both read through here)."""
    try:
        sub = read_submission(path, policy, limits)
        return sub, check_submission(sub, policy), None
    except UnusableFileError as exc:
        return None, [], str(exc)
    except (MemoryError, RecursionError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            OSError) as exc:
        return None, [], f"程序读取该文件时出错（{type(exc).__name__}: {exc}）。请把文件发给系统维护人员。"


def check_paths(paths: Iterable[str | Path], policy: Policy | None = None, *, max_findings: int | None = None,
                limits: Limits = DEFAULT_LIMITS,
                progress: Callable[[FileEntry], None] | None = None) -> Report:
    """Read and check each file. A file that cannot be used becomes an entry with its reason (and a
    C-TEMPLATE finding); the run goes on with the others. Never raises for a bad file."""
    policy = policy or default_policy()
    report = Report(limit=max_findings)
    from_folder = {p for raw in paths if Path(raw).is_dir() for p in expand_paths([raw])}
    for path in expand_paths(paths):
        entry = FileEntry(file=path.name, path=str(path))
        report.files.append(entry)
        if path in from_folder and path.name.startswith("~$"):
            entry.status, entry.reason = FILE_IGNORED, LOCK_FILE_REASON
            continue
        sub, findings, reason = check_file(path, policy, limits)
        if sub is None:
            entry.status, entry.reason = FILE_UNUSABLE, reason
            entry.sha256 = file_sha256(path)
            report.findings.append(unusable_finding(entry))
        else:
            entry.status = FILE_OK
            entry.sha256, entry.size, entry.layout = sub.sha256, sub.size, sub.layout
            entry.template_version, entry.recommender, entry.notes = sub.template_version, sub.recommender, sub.notes
            entry.records = {_title(sub, k): len(v) for k, v in sub.sheets.items() if v}
            report.findings.extend(findings)
        if progress:
            progress(entry)
        if max_findings is not None and len(report.findings) >= max_findings:
            report.findings = report.findings[:max_findings]
            report.partial = True
            break
    return report


def _title(sub: Submission, key: str) -> str:
    table = sub.table(key)
    return table.sheet if table else key


def file_sha256(path: Path) -> str | None:
    """The digest of a file the reader could not use (within the size limit), for the records."""
    import hashlib

    try:
        if path.is_file() and os.path.getsize(path) <= DEFAULT_LIMITS.max_file_bytes:
            return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return None

