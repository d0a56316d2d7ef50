"""One feedback workbook per recommender: what the bureau found in its file, to send back.

Rendered from the merge summary alone: the file's status, its findings (the county rules' and the
bureau's, such as a duplicate with another recommender) with 工作表!单元格 so the clerk can find each
cell, and what to do next. Files that could not be used get one too, named after the file.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from macros_py.model.findings import ERROR, INFO, SEVERITY_ORDER, WARNING, Finding
from macros_py.model.paths import safe_name
from macros_py.model.summary import MergeSummary
from macros_py.policy.load import Policy
from macros_py.write.master import findings_table
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book

KEPT, UNUSABLE = "已汇总", "无法使用"


def feedback_name(who: str) -> str:
    return f"反馈_{safe_name(who, '未命名')}.xlsx"


def _write_one(path: Path, summary: MergeSummary, policy: Policy, who: str, files: list,
               findings: list[Finding]) -> Path:
    book = Book(document_time(policy), f"{who} 审核反馈", output="feedback")
    ws = book.sheet("反馈说明")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 80)
    book.write(ws, 0, 0, f"{summary.policy_year}年市级高技能人才培训基地和技能大师工作室申报 — 审核反馈",
               book.fmt(font_size=14, bold=True))
    counts = Counter(f.severity for f in findings)
    lines = [("推荐单位", who)]
    for fs in files:
        detail = fs.status + (f"（{fs.reason}）" if fs.reason else "") + (f"；收到 {fs.received[:16]}" if fs.received else "")
        lines.append(("文件", f"{fs.name}：{detail}"))
    lines += [
        ("问题", f"错误 {counts[ERROR]} 条，警告 {counts[WARNING]} 条，提示 {counts[INFO]} 条（见“问题清单”）"),
        ("怎么做", "错误须改正后重新报送；警告请核实，确认无误的在备注中说明；提示供参考。"
                  "“位置”一栏是您报送文件中的 工作表!单元格。"),
        ("报送截止", f"{summary.deadline}（{summary.document}）"),
        ("联系", f"{policy.get('notice.receiver')} {policy.get('notice.contacts')} {policy.get('notice.contact_phone')}"),
    ]
    bold, wrap = book.fmt(bold=True, valign="top"), book.fmt(text_wrap=True, valign="top")
    for r, (k, v) in enumerate(lines, start=2):
        book.write(ws, r, 0, k, bold)
        book.write(ws, r, 1, v, wrap)
    book.print_setup(ws, 1, landscape=False)
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.file, f.sheet or "", f.row or 0,
                                              f.rule))
    findings_table(book, book.sheet("问题清单"), ordered, "问题清单表", {f.name: who for f in files})
    return book.save(path)


def write_feedback(outdir: str | Path, summary: MergeSummary, policy: Policy) -> list[Path]:
    """One workbook per recommender with a kept or unusable file; returns the paths written."""
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
                       [f for fs in files for f in by_file[fs.name]])
            for who, files in sorted(groups.items())]
