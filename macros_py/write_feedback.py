"""One feedback workbook per recommender: what the bureau found in its file, to send back.

Rendered from the merge summary alone: the file's status, its findings (the county rules' and the
bureau's, such as a duplicate with another recommender) with 工作表!单元格 so the clerk can find each
cell, and what to do next. Files that could not be used get one too, named after the file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .findings import ERROR, INFO, SEVERITY_ORDER, WARNING, Finding
from .merge_summary import MergeSummary
from .policy import Policy
from .write_master import SEVERITY_FILL, _table
from .write_template import document_time
from .xlsx_cells import put
from .xlsx_pack import save_workbook

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def feedback_name(who: str) -> str:
    return f"反馈_{_UNSAFE.sub('_', who).strip('_') or '未命名'}.xlsx"


def _one(summary: MergeSummary, policy: Policy, who: str, files: list, findings: list[Finding]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "反馈说明"
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 18, 70
    put(ws, 1, 1, f"{summary.policy_year}年市级高技能人才培训基地和技能大师工作室申报 — 审核反馈").font = \
        Font(name="仿宋_GB2312", size=14, bold=True)
    counts = defaultdict(int)
    for f in findings:
        counts[f.severity] += 1
    lines = [("推荐单位", who)]
    for fs in files:
        detail = f"{fs.status}" + (f"（{fs.reason}）" if fs.reason else "") + (f"；收到 {fs.received[:16]}" if fs.received else "")
        lines.append(("文件", f"{fs.name}：{detail}"))
    lines += [
        ("问题", f"错误 {counts[ERROR]} 条，警告 {counts[WARNING]} 条，提示 {counts[INFO]} 条"),
        ("怎么做", "错误须改正后重新报送；警告请核实，确认无误的在备注中说明；提示供参考。"
                  "“位置”一栏是您报送文件中的 工作表!单元格。"),
        ("报送截止", f"{summary.deadline}（{summary.document}）"),
        ("联系", f"{policy.get('notice.receiver')} {policy.get('notice.contacts')} {policy.get('notice.contact_phone')}"),
    ]
    for r, (k, v) in enumerate(lines, start=3):
        put(ws, r, 1, k).font = Font(name="仿宋_GB2312", size=10.5, bold=True)
        cell = put(ws, r, 2, v)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws2 = wb.create_sheet("问题清单")
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.sheet or "", f.row or 0, f.rule))
    rows = [[f.file, f.where, f.rule, f.severity, f.message, f.hint, f.column, f.value] for f in ordered]
    _table(ws2, "问题清单表", ["文件", "位置", "规则", "严重程度", "说明", "修改建议", "列", "值"], rows,
           widths=[28, 20, 12, 8, 50, 40, 16, 20])
    for r, f in enumerate(ordered, start=2):
        ws2.cell(r, 4).fill = SEVERITY_FILL.get(f.severity)
    return wb


def write_feedback(outdir: str | Path, summary: MergeSummary, policy: Policy) -> list[Path]:
    """One workbook per recommender with a kept or unusable file; returns the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    findings = [Finding.from_dict(f) for f in summary.findings]
    by_file = defaultdict(list)
    for f in findings:
        if f.file:
            by_file[f.file].append(f)
    groups: dict[str, list] = defaultdict(list)
    for fs in summary.files:
        if fs.status in ("已汇总", "无法使用"):
            groups[fs.recommender or Path(fs.name).stem].append(fs)
    paths = []
    for who, files in sorted(groups.items()):
        items = [f for fs in files for f in by_file[fs.name]]
        path = outdir / feedback_name(who)
        save_workbook(_one(summary, policy, who, files, items), path, document_time(policy))
        paths.append(path)
    return paths
