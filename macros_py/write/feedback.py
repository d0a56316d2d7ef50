"""One feedback workbook per recommender: what the bureau found in its file, to send back to its clerk.

Rendered from the merge summary (and, when the merge passes them, which project each row belongs to):
the file's status said once, the verdict (经审核未发现问题, or what to correct by when), then each
finding with its project, 工作表!单元格 and the rule's Chinese name, so the clerk can find and fix
each cell. Hints speak to the clerk: where the catalogue's hint is the reviewer's ("由审核人员决定…")
the case's submitter text is used. Files that could not be used get a workbook too, named after the file.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from macros_py.model.findings import ERROR, INFO, SEVERITY_ORDER, WARNING, Finding
from macros_py.model.paths import safe_name
from macros_py.model.summary import MergeSummary
from macros_py.policy.load import Policy
from macros_py.rules.catalog import submitter_hint
from macros_py.write.master import project_of, rule_title, severity_formats
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book, line_height, wrapped_lines

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
    bold, wrap = book.fmt(bold=True, valign="top"), book.fmt(text_wrap=True, valign="top")
    for r, (k, v) in enumerate(lines, start=2):
        book.write(ws, r, 0, k, bold)
        book.write(ws, r, 1, v, wrap)
        ws.set_row(r, line_height(wrapped_lines(v, 60)))   # XlsxWriter cannot measure text
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
    book = Book(document_time(policy), f"{who} 审核反馈")
    _cover(book, summary, policy, who, files, findings)
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.file, f.sheet or "", f.row or 0,
                                              f.rule))
    if ordered:
        _findings(book, ordered, places, len({f.file for f in ordered}) > 1)
    return book.save(path)


def write_feedback(outdir: str | Path, summary: MergeSummary, policy: Policy,
                   places: dict[tuple, str] | None = None) -> list[Path]:
    """One workbook per recommender with a kept or unusable file; returns the paths written.
    `places`: (file, sheet, row) → project name (write.master.project_places), to name each finding's project."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    by_file = defaultdict(list)
    for f in summary.findings:
        if f["file"]:
            by_file[f["file"]].append(Finding.from_dict(f))
    groups: dict[str, list] = defaultdict(list)
    for fs in summary.files:
        if fs.status in (KEPT, UNUSABLE):
            groups[fs.recommender or Path(fs.name).stem].append(fs)
    return [_write_one(outdir / feedback_name(who), summary, policy, who, files,
                       [f for fs in files for f in by_file[fs.name]], places or {})
            for who, files in sorted(groups.items())]
