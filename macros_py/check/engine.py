"""The rule engine: every county-side rule over one Submission, and the check of a list of files.

It never touches Excel: readers build Submissions, rules emit Findings, renderers draw the Report.
Everything is collected by default; `max_findings` stops early and marks the report partial.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from macros_py.model.errors import UnusableFileError
from macros_py.model.findings import FILE_IGNORED, FILE_OK, FILE_UNUSABLE, FileEntry, Finding, Report
from macros_py.model.submission import Submission
from macros_py.policy.load import Policy, default_policy
from macros_py.policy.schema import build_schema
from macros_py.read.folder import discover
from macros_py.read.safety import DEFAULT_LIMITS, Limits
from macros_py.read.workbook import read_submission
from macros_py.rules import bases, common, funding, ident, reading, studios  # noqa: F401  (importing registers the rules)
from macros_py.rules import recommender as _recommender  # noqa: F401  (registers C-RECOMMENDER)
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


def expand_paths(paths: Iterable[str | Path], unpack: Path | None = None) -> list[tuple[Path, str, str | None]]:
    """(file, the name shown for it, why it is not read or None) for each input: a file as given; a folder
    walked as `shenbao merge` walks its inbox (read/folder.py): subfolders included, every file that is
    not a workbook listed with its reason, names relative to the folder. With `unpack` (a temporary
    folder outside the inputs) the archives in a folder are opened there, each workbook inside an input
    `压缩包 › 文件`; without it they are only listed."""
    out: list[tuple[Path, str, str | None]] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            out.append((path, path.name, None))
            continue
        for item in discover(path, unpack):
            if item.kind == "workbook":
                out.append((item.path, item.relpath, None))
            elif item.kind == "register":
                out.append((item.path, item.relpath, "收文登记（汇总时用于判断逾期），校验时不读取"))
            else:
                out.append((item.path, item.relpath, item.reason))
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


def crash_reason(exitcode: int | None) -> str:
    """Why a file is unusable when the process reading it died (an abort, a crash, memory exhausted)."""
    how = f"（退出码 {exitcode}）" if exitcode is not None and exitcode >= 0 else \
        f"（信号 {-exitcode}）" if exitcode is not None else ""
    return (f"读取该文件时读取程序异常终止{how}：文件中的表格范围异常大、数据已损坏，或所需内存超出上限。"
            "其余文件不受影响。请用 Excel 或 WPS 打开该文件、删除多余的行列后重新保存再报送。")


FILE_TIMEOUT = 300   # seconds one file may take to read and check before its process is stopped


def timeout_reason() -> str:
    return (f"读取该文件超过 {FILE_TIMEOUT} 秒仍未完成，已停止：文件可能被改动或损坏。其余文件不受影响。"
            "请用 Excel 或 WPS 打开该文件后重新保存再报送。")


def _check_job(context: tuple[Policy, Limits], path: Path):
    """check_file in a worker process (check.workers): what comes back is plain data."""
    policy, limits = context
    return check_file(path, policy, limits)


def check_isolated(paths: list[Path], policy: Policy, limits: Limits = DEFAULT_LIMITS, jobs: int = 1):
    """check_file of each path in a child process, in order: one file's abort costs only that file."""
    from macros_py.check.workers import run_isolated

    yield from run_isolated(_check_job, (policy, limits), paths, jobs=jobs,
                            died=lambda path, code: (None, [], crash_reason(code)),
                            failed=lambda path, text: (None, [], f"程序读取该文件时出错（{text}）。请把文件发给系统维护人员。"),
                            timeout=FILE_TIMEOUT, timed_out=lambda path: (None, [], timeout_reason()))


def check_paths(paths: Iterable[str | Path], policy: Policy | None = None, *, max_findings: int | None = None,
                limits: Limits = DEFAULT_LIMITS, jobs: int = 1,
                progress: Callable[[FileEntry], None] | None = None) -> Report:
    """Read and check each file, each in a child process (check.workers). A file that cannot be used,
    or whose reading killed its process, becomes an entry with its reason (and a C-TEMPLATE finding);
    the run goes on with the others. Never raises for a bad file. The archives in a folder are opened
    into a temporary folder, removed at the end, as the merge opens them (read.archive)."""
    policy = policy or default_policy()
    with tempfile.TemporaryDirectory(prefix="shenbao-zip-") as unpack:
        return _check_paths(paths, policy, max_findings, limits, jobs, progress, Path(unpack))


def _check_paths(paths, policy, max_findings, limits, jobs, progress, unpack: Path) -> Report:
    report = Report(limit=max_findings)
    entries, todo = [], []
    for path, shown, ignored in expand_paths(paths, unpack):
        entry = FileEntry(file=shown, path=str(path))
        entries.append(entry)
        if ignored:
            entry.status, entry.reason = FILE_IGNORED, ignored
        else:
            todo.append((path, entry))
    results = check_isolated([p for p, _ in todo], policy, limits, jobs)
    to_read = {id(e) for _, e in todo}
    for entry in entries:
        report.files.append(entry)
        if id(entry) not in to_read:
            continue
        path, shown = Path(entry.path), entry.file
        _, (sub, findings, reason) = next(results)
        if sub is not None and shown != sub.name:
            sub.name = shown
            for f in findings:
                f.file = shown
        if sub is None:
            entry.status, entry.reason = FILE_UNUSABLE, reason
            entry.sha256 = file_sha256(path)
            report.findings.append(unusable_finding(entry))
        else:
            entry.status = FILE_OK
            entry.sha256, entry.size, entry.layout = sub.sha256, sub.size, sub.layout
            entry.template_version, entry.recommender, entry.notes = sub.template_version, sub.recommender, sub.notes
            entry.records = {_title(sub, k): len(v) for k, v in sub.sheets.items() if v}
            entry.projects = project_rows(sub)
            report.findings.extend(findings)
        if progress:
            progress(entry)
        if max_findings is not None and len(report.findings) >= max_findings:
            report.findings = report.findings[:max_findings]
            report.partial = True
            break
    results.close()
    return report


# The column naming the project a row of each sheet belongs to (a base by its unit, a studio by its leader).
_PROJECT_KEY = {"bases": "unit", "conditions": "unit", "funding": "unit", "majors": "unit",
                "studios": "leader", "masters": "leader"}


def project_rows(sub: Submission) -> dict[str, str]:
    """"sheet!row" → the project that row is about (项目单位, or 领办人（申报单位） for a studio)."""
    out = {}
    for key, rows in sub.sheets.items():
        column = _PROJECT_KEY.get(key)
        for rec in rows if column else ():
            name = rec.values.get(column)
            if name in (None, ""):
                continue
            unit = rec.values.get("unit")
            out[f"{rec.sheet}!{rec.row}"] = f"{name}（{unit}）" if column == "leader" and unit else str(name)
    return out


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

