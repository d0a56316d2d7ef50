"""The console rendering of a Report (Chinese): counts by severity and by rule, then every finding
as 工作表!单元格 under its file."""

from __future__ import annotations

from macros_py.model.findings import FILE_IGNORED, FILE_UNUSABLE, SEVERITY_ORDER, Report
from macros_py.model.submission import LAYOUT_TEMPLATE
from macros_py.rules.catalog import CATALOG

LAYOUT_NAMES = {LAYOUT_TEMPLATE: "标准化申报工作簿", "printed": "通知印制格式"}


def _counts(counts: dict[str, int]) -> str:
    return "，".join(f"{s} {counts.get(s, 0)}" for s in SEVERITY_ORDER)


def render_text(report: Report, *, details: bool = True) -> str:
    lines = []
    usable = sum(1 for f in report.files if f.status not in (FILE_UNUSABLE, FILE_IGNORED))
    unusable = sum(1 for f in report.files if f.status == FILE_UNUSABLE)
    ignored = sum(1 for f in report.files if f.status == FILE_IGNORED)
    head = f"校验了 {len(report.files)} 个文件：可读取 {usable} 个"
    if unusable:
        head += f"，无法使用 {unusable} 个"
    if ignored:
        head += f"，已忽略 {ignored} 个"
    lines.append(head + "。")
    lines.append(f"合计：{_counts(report.counts_by_severity())}。")
    if report.partial:
        lines.append(f"（问题数达到上限 {report.limit}，已提前停止：结果不完整。）")
    by_rule = report.counts_by_rule()
    if by_rule:
        lines.append("按规则：")
        for rule, counts in by_rule.items():
            title = CATALOG[rule].title if rule in CATALOG else ""
            shown = "，".join(f"{s} {n}" for s, n in sorted(counts.items(), key=lambda x: SEVERITY_ORDER[x[0]]))
            lines.append(f"  {rule:<15}{title}：{shown}")
    if not details:
        return "\n".join(lines)
    for entry in report.files:
        lines.append("")
        if entry.status == FILE_UNUSABLE:
            lines.append(f"■ {entry.file}：无法使用 —— {entry.reason}")
            continue
        if entry.status == FILE_IGNORED:
            lines.append(f"■ {entry.file}：已忽略 —— {entry.reason}")
            continue
        what = LAYOUT_NAMES.get(entry.layout or "", entry.layout or "")
        if entry.template_version:
            what += f" {entry.template_version}"
        if entry.recommender:
            what += f"；推荐单位：{entry.recommender}"
        findings = report.findings_for(entry.file)
        counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
        lines.append(f"■ {entry.file}（{what}）：{_counts(counts)}")
        for note in entry.notes:
            lines.append(f"  说明：{note}")
        for f in findings:
            value = "" if f.value in (None, "") else f"（{f.column or ''}：{f.value}）" if f.column else f"（{f.value}）"
            lines.append(f"  [{f.severity}] {f.where} {f.rule}{value} {f.message}")
            lines.append(f"         修改：{f.hint}")
    return "\n".join(lines)
