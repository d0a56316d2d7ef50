"""One feedback workbook per recommender: what the bureau found in its file, to send back to its clerk.

Rendered from the merge summary (and, when the merge passes them, which project each row belongs to):
the file's status said once, the verdict (经审核未发现问题, or what to correct by when), then each
finding with its project, 工作表!单元格 and the rule's Chinese name, so the clerk can find and fix
each cell. Hints speak to the clerk: where the catalogue's hint is the reviewer's ("由审核人员决定…")
the case's submitter text is used. Files that could not be used get one too, named after the file's
place in the inbox (two unusable 平城区.xlsx in two subfolders get two). Every recommender gets its own
file: names are made safe for every system, shortened when long, and kept apart when two names would
give the same file name (feedback_plan).

The folder may hold other files: only feedback workbooks this program wrote (their `shenbao` document
property says so) are replaced, or removed when this run has none for that name; a file of the same
name that is not ours is refused without --force.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from macros_py.model.errors import OutputError
from macros_py.model.findings import ERROR, INFO, SEVERITY_ORDER, WARNING, Finding
from macros_py.model.paths import safe_name, unique_names
from macros_py.model.summary import MergeSummary
from macros_py.policy.load import Policy
from macros_py.rules.catalog import submitter_hint
from macros_py.write.master import project_of, rule_title, severity_formats
from macros_py.write.outputs import FEEDBACK, FEEDBACK_MARK, exists_message, held
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book

KEPT, UNUSABLE = "已汇总", "无法使用"
CLEAN = "经审核未发现问题。"


def feedback_name(who: str) -> str:
    return f"反馈_{safe_name(who, '未命名')}.xlsx"


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def verdict(files: list, findings: list[Finding], policy: Policy) -> tuple[str, str]:
    """(审核结论, 怎么做) for one recommender."""
    counts = Counter(f.severity for f in findings)
    deadline = _date(policy.get("notice.correction_deadline"))
    unusable = [fs for fs in files if fs.status == UNUSABLE]
    if not findings and not unusable:
        return CLEAN, "无需改正。纸质材料按通知要求报送。"
    parts = [f"{name} {counts[sev]} 条" for sev, name in ((ERROR, "错误"), (WARNING, "警告"), (INFO, "提示")) if counts[sev]]
    text = "发现问题：" + "，".join(parts) + "（见“问题清单”）。" if parts else ""
    if unusable:
        text += "文件无法使用：" + "；".join(f"{fs.name}（{fs.reason}）" for fs in unusable) + "。"
    todo = []
    if counts[ERROR] or unusable:
        todo.append(f"请在 {deadline} 前改正全部错误后，重新报送整个文件（电子版）。")
    if counts[WARNING]:
        todo.append("警告请逐条核实：确有错误的改正，确认无误的在该行“备注”中说明理由。")
    if counts[INFO]:
        todo.append("提示供参考，不必回复。")
    todo.append("“问题清单”的“位置”是您报送文件中的 工作表!单元格，按它找到要改的格子。")
    return text, "".join(todo)


def _cover(book: Book, summary: MergeSummary, policy: Policy, who: str, files: list, findings: list[Finding]) -> None:
    ws = book.sheet("反馈说明")
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 60)           # A4 portrait at 100 %
    book.write(ws, 0, 0, f"{summary.policy_year}年市级高技能人才培训基地和技能大师工作室申报 审核反馈",
               book.fmt(font_size=14, bold=True))
    conclusion, todo = verdict(files, findings, policy)
    lines = [("推荐单位", who)]
    for fs in files:
        when = fs.received[:16].replace("T", " ") if fs.received else ""
        lines.append(("报送文件", f"{fs.name}（{'收到 ' + when if when else '收到时间不详'}）"))
    lines += [("审核结论", conclusion), ("怎么做", todo),
              ("反馈日期", _date(policy.get("notice.feedback_date")))]
    if conclusion != CLEAN:
        lines.append(("改正截止", f"{_date(policy.get('notice.correction_deadline'))}前重新报送"))
    lines += [("依据", f"{summary.document}（报送截止 {summary.deadline}）"),
              ("联系", f"{policy.get('notice.receiver')} {policy.get('notice.contacts')} "
                     f"{policy.get('notice.contact_phone')}")]
    book.key_values(ws, lines, first_row=2, value_width=60)
    book.print_setup(ws, 1, landscape=False)



def _findings(book: Book, findings: list[Finding], places: dict[tuple, str], several_files: bool) -> None:
    ws = book.sheet("问题清单")
    headers = ["序号", "项目", "位置", "严重程度", "规则", "规则名称", "问题", "怎么改", "列", "值"]
    widths = [4, 15, 13, 5, 14, 10, 30, 26, 12, 14]     # the printed ones: ~120 units, 9 pt or more at A4
    rows = [[n, project_of(places, f) or "（整个文件）", f.where, f.severity, f.rule, rule_title(f.rule), f.message,
             submitter_hint(f.rule, f.hint), f.column, f.value] for n, f in enumerate(findings, start=1)]
    if several_files:
        headers.insert(2, "文件")
        widths.insert(2, 20)
        for row, f in zip(rows, findings, strict=True):
            row.insert(2, f.file)
    book.table(ws, "问题清单表", headers, rows, widths=widths, wrap=range(len(headers)),
               align={0: "center", headers.index("严重程度"): "center"})
    severity_formats(book, headers.index("严重程度"), 1, max(len(rows), 1), ws)
    ws.print_area(0, 0, max(len(rows), 1), headers.index("怎么改"))
    book.print_setup(ws, 1)


def _write_one(path: Path, summary: MergeSummary, policy: Policy, who: str, files: list,
               findings: list[Finding], places: dict[tuple, str]) -> Path:
    book = Book(document_time(policy), f"{who} 审核反馈", output=FEEDBACK_MARK, in_memory=True)
    _cover(book, summary, policy, who, files, findings)
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.file, f.sheet or "", f.row or 0,
                                              f.rule))
    if ordered:
        _findings(book, ordered, places, len({f.file for f in ordered}) > 1)
    return book.save(path)


def feedback_plan(summary: MergeSummary) -> list[tuple[str, str, list]]:
    """(file name, recommender or file, its files) for each feedback workbook, in a fixed order: one per
    recommender with a kept or unusable file, and one per unusable file no recommender could be read from."""
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for fs in summary.files:
        if fs.status in (KEPT, UNUSABLE):
            groups[(0, fs.recommender) if fs.recommender else (1, fs.name)].append(fs)
    ordered = sorted(groups.items())
    whos = [name if kind == 0 else str(Path(name).with_suffix("")) for (kind, name), _ in ordered]
    names = unique_names([feedback_name(who) for who in whos])
    return [(name, who, files) for name, who, (_, files) in zip(names, whos, ordered, strict=True)]


def feedback_targets(outdir: str | Path, summary: MergeSummary, *, force: bool = False
                     ) -> tuple[list[tuple[Path, str, list]], list[Path]]:
    """The workbooks to write in `outdir`, and our old ones this run replaces by none (to remove);
    OutputError if a file of one of the names is there and is not ours (unless `force`)."""
    outdir = Path(outdir)
    plan = [(outdir / name, who, files) for name, who, files in feedback_plan(summary)]
    for target, _, _ in plan:
        if target.is_dir():
            raise OutputError(f"无法写入 {target}：这是一个文件夹，而反馈工作簿应是一个文件。")
        if target.exists():
            held(target)   # open in Excel or WPS, or read-only: refused as any output is, even with --force
            if not force and not FEEDBACK.ours(target):
                raise OutputError(exists_message(target, FEEDBACK))
    return plan, stale_feedback(outdir, plan)


def stale_feedback(outdir: str | Path, plan: list) -> list[Path]:
    """Our feedback workbooks in `outdir` that the plan has none for (they go with this run)."""
    outdir = Path(outdir)
    keep = {t.name.casefold() for t, _, _ in plan}
    if not outdir.is_dir():
        return []
    return [p for p in sorted(outdir.glob("反馈_*.xlsx"))
            if p.name.casefold() not in keep and p.is_file() and FEEDBACK.ours(p)]


def write_feedback(outdir: str | Path, summary: MergeSummary, policy: Policy,
                   places: dict[tuple, str] | None = None, *, force: bool = False,
                   place: Callable[[Path], Path] | None = None, plan: list | None = None,
                   take: Callable[[], int | None] | None = None) -> list[Path]:
    """One workbook per recommender with a kept or unusable file; returns the paths written.
    `places`: (file, sheet, row) → project name (write.master.project_places), to name each finding's
    project. `place(target)` gives where to write each for now (a temporary, staging.OutputSet.path);
    `plan` is feedback_targets' first result, when the caller has it already. `take()` gives the
    index in the plan of the next workbook to write, None when none is left (so two processes share
    one plan, each taking the next when it has written one); without it, all are written in order."""
    if plan is None:
        plan, _ = feedback_targets(outdir, summary, force=force)
    if take is None:
        take = iter([*range(len(plan)), None]).__next__
    by_file = defaultdict(list)     # the findings as the summary holds them, made Findings per workbook
    for f in summary.findings:
        if f["file"]:
            by_file[f["file"]].append(f)
    place = place or (lambda target: target)
    out = []
    while (i := take()) is not None:
        target, who, files = plan[i]
        findings = [Finding.from_dict(f) for fs in files for f in by_file[fs.name]]
        _write_one(place(target), summary, policy, who, files, findings, places or {})
        out.append(target)
    return out
