"""One feedback workbook per recommender: what the bureau found in its file, to send back.

Rendered from the merge summary alone: the file's status, its findings (the county rules' and the
bureau's, such as a duplicate with another recommender) with 工作表!单元格 so the clerk can find each
cell, and what to do next. Files that could not be used get one too, named after the file's place
in the inbox (two unusable 平城区.xlsx in two subfolders get two). Every recommender gets its own file:
names are made safe for every system, shortened when long, and kept apart when two names would
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
from macros_py.write.master import findings_table
from macros_py.write.outputs import FEEDBACK, FEEDBACK_MARK, exists_message
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book

KEPT, UNUSABLE = "已汇总", "无法使用"


def feedback_name(who: str) -> str:
    return f"反馈_{safe_name(who, '未命名')}.xlsx"


def _write_one(path: Path, summary: MergeSummary, policy: Policy, who: str, files: list,
               findings: list[Finding]) -> Path:
    book = Book(document_time(policy), f"{who} 审核反馈", marker=FEEDBACK_MARK)
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
        if target.exists() and not force and not FEEDBACK.ours(target):
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


def write_feedback(outdir: str | Path, summary: MergeSummary, policy: Policy, *, force: bool = False,
                   place: Callable[[Path], Path] | None = None, plan: list | None = None) -> list[Path]:
    """One workbook per recommender with a kept or unusable file; returns the paths written.
    `place(target)` gives where to write each for now (a temporary, staging.OutputSet.path); `plan`
    is feedback_targets' first result, when the caller has it already."""
    by_file = defaultdict(list)
    for f in summary.findings:
        if f["file"]:
            by_file[f["file"]].append(Finding.from_dict(f))
    if plan is None:
        plan, _ = feedback_targets(outdir, summary, force=force)
    place = place or (lambda target: target)
    out = []
    for target, who, files in plan:
        _write_one(place(target), summary, policy, who, files, [f for fs in files for f in by_file[fs.name]])
        out.append(target)
    return out
