"""The master workbook: every kept row, every finding, the views a reviewer needs, and the summary.

Column lists come from the schema (the county sheets' columns in their order) plus the provenance
columns defined once here; nothing else lists columns. Text from submissions is written as text
(xlsx_cells.put), ID numbers are masked except on 大师身份信息, and the file is saved atomically and
deterministically (xlsx_pack).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .findings import ERROR, INFO, WARNING, Finding, mask_id
from .merge_cards import Project, projects
from .merge_summary import MergeSummary, store_summary
from .policy import Policy
from .rules_bureau import Current
from .schema import Column, build_schema
from .write_printed import write_printed_form
from .write_template import document_time
from .xlsx_cells import put
from .xlsx_pack import save_workbook

FONT = "仿宋_GB2312"
BODY = Font(name=FONT, size=10.5)
BOLD = Font(name=FONT, size=10.5, bold=True)
TITLE = Font(name=FONT, size=14, bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
SEVERITY_FILL = {ERROR: PatternFill("solid", fgColor="FFC7CE"), WARNING: PatternFill("solid", fgColor="FFEB9C"),
                 INFO: PatternFill("solid", fgColor="DDEBF7")}
WRAP = Alignment(wrap_text=True, vertical="top")

# Provenance and review columns, the same on every project sheet.
FRONT = ("推荐单位", "渠道")
REVIEW = ("最严重问题", "问题数", "主要问题")
BACK = ("来源文件", "工作表", "行", "收到时间", "文件SHA256")
# Columns a joined sheet repeats from the project's own row: left out of the join.
_JOINED_OUT = {"conditions": {"unit", "attribute", "tier"}, "masters": {"leader", "unit", "nature", "area"},
               "bases": {"seq", "recommender"}, "studios": {"seq", "recommender"}}


def _columns(policy: Policy, sheet_key: str) -> list[Column]:
    return [c for c in build_schema(policy).sheet(sheet_key).columns if c.key not in _JOINED_OUT.get(sheet_key, ())]


def _value(col: Column, rec) -> object:
    if rec is None:
        return None
    value = rec.values.get(col.key)
    return mask_id(value) if col.masked and value else value


def _table(ws, name: str, headers: list[str], rows: list[list], formats: list[str | None] | None = None,
           widths: list[float] | None = None, first_row: int = 1) -> None:
    """Header, rows (through put), an Excel Table with filters, frozen header, A4 landscape print."""
    for i, h in enumerate(headers, start=1):
        cell = put(ws, first_row, i, h)
        cell.font, cell.fill, cell.alignment = BOLD, HEAD_FILL, Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = (widths[i - 1] if widths else 14)
    for r, values in enumerate(rows, start=first_row + 1):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value, formats[c - 1] if formats else None)
    last = first_row + max(len(rows), 1)
    ref = f"A{first_row}:{get_column_letter(len(headers))}{last}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"A{first_row + 1}"
    _print(ws, first_row)


def _print(ws, header_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{header_row}"


def _review(p: Project) -> list:
    w = p.worst
    return [w.severity if w else None, len(p.findings), f"{w.rule} {w.message}" if w else None]


def _back(p: Project, rec) -> list:
    return [p.cur.sub.name, rec.sheet, rec.row, p.cur.received.strftime("%Y-%m-%d %H:%M"), p.cur.sub.sha256]


def _project_sheet(wb, policy, items: list[Project], title: str, table: str, main_key: str, joined: str) -> None:
    ws = wb.create_sheet(title)
    main_cols, join_cols = _columns(policy, main_key), _columns(policy, joined)
    headers = [*FRONT, *(c.header for c in main_cols), *(c.header for c in join_cols), *REVIEW, *BACK]
    formats = [None] * len(FRONT) + [c.number_format for c in main_cols] + [c.number_format for c in join_cols]
    formats += [None] * (len(REVIEW) + len(BACK))
    widths = [22, 10] + [c.width for c in main_cols] + [c.width for c in join_cols] + [8, 6, 40, 28, 14, 6, 16, 20]
    rows = []
    for p in items:
        other = p.part(joined)
        rows.append([p.cur.recommender, p.cur.channel, *(_value(c, p.main) for c in main_cols),
                     *(_value(c, other) for c in join_cols), *_review(p), *_back(p, p.main)])
    _table(ws, table, headers, rows, formats, widths)


def _funding_sheet(wb, policy, bases: list[Project]) -> None:
    ws = wb.create_sheet("经费汇总")
    cols = _columns(policy, "funding")
    headers = ["推荐单位", *(c.header for c in cols), "来源文件", "行"]
    formats = [None, *(c.number_format for c in cols), None, None]
    rows = [[p.cur.recommender, *(_value(c, rec) for c in cols), p.cur.sub.name, rec.row]
            for p in bases for rec in p.parts.get("funding", [])]
    _table(ws, "经费汇总表", headers, rows, formats, [22, *(c.width for c in cols), 28, 6])


def _majors_sheet(wb, policy, bases: list[Project]) -> None:
    ws = wb.create_sheet("专业预算")
    cols = _columns(policy, "majors")
    rows = [[p.cur.recommender, *(_value(c, rec) for c in cols), p.cur.sub.name, rec.row]
            for p in bases for rec in p.parts.get("majors", [])]
    _table(ws, "专业预算汇总表", ["推荐单位", *(c.header for c in cols), "来源文件", "行"], rows,
           [None, *(c.number_format for c in cols), None, None], [22, *(c.width for c in cols), 28, 6])


def _findings_sheet(wb, findings: list[Finding], recommender_of: dict[str, str]) -> None:
    ws = wb.create_sheet("问题清单")
    headers = ["文件", "推荐单位", "位置", "规则", "严重程度", "说明", "修改建议", "列", "值"]
    rows = [[f.file, recommender_of.get(f.file, ""), f.where if f.file else "（全市）", f.rule, f.severity,
             f.message, f.hint, f.column, f.value] for f in findings]
    _table(ws, "问题清单表", headers, rows, widths=[28, 22, 20, 12, 8, 50, 40, 16, 20])
    for r, f in enumerate(findings, start=2):
        ws.cell(r, 5).fill = SEVERITY_FILL.get(f.severity, PatternFill())


def _duplicates_sheet(wb, summary: MergeSummary) -> None:
    ws = wb.create_sheet("重复申报")
    headers = ["组", "规则", "严重程度", "依据", "推荐单位", "渠道", "名称", "代码", "文件", "位置"]
    rows = [[n, g.rule, g.severity, g.basis, m.recommender, m.channel, m.name, m.code, m.file, f"{m.sheet}!{m.cell}"]
            for n, g in enumerate(summary.duplicates, start=1) for m in g.members]
    _table(ws, "重复申报表", headers, rows, widths=[5, 8, 8, 22, 22, 12, 30, 22, 28, 20])


def _quota_sheet(wb, summary: MergeSummary, policy: Policy) -> None:
    ws = wb.create_sheet("名额对照")
    subsidy = {f"{t.name}档基地": t.subsidy for t in policy.tiers.values()}
    rows = [[q.kind, q.places, q.applications, q.ratio, subsidy.get(q.kind)] for q in summary.quotas]
    _table(ws, "名额对照表", ["类别", "名额", "申报数", "申报数/名额", "补助（万元）"], rows,
           [None, "0", "0", "0.00", "0"], [16, 8, 8, 12, 12])
    _bar_chart(ws, "各档申报数与名额", 2, 3, 1, len(rows), "H2")


def _status_sheet(wb, summary: MergeSummary) -> None:
    ws = wb.create_sheet("报送情况")
    headers = ["推荐单位", "渠道", "在应报名单", "已报送", "收到时间", "文件", "基地数", "工作室数", "错误", "警告",
               "状态", "此前报送"]
    rows = [[r.name, r.channel, "是" if r.expected else "否", "是" if r.received else "否", r.when, r.file,
             r.bases, r.studios, r.errors, r.warnings, r.status, "；".join(r.history)] for r in summary.recommenders]
    _table(ws, "报送情况表", headers, rows, widths=[26, 12, 8, 8, 17, 30, 8, 8, 6, 6, 18, 50])
    ws = wb.create_sheet("收件文件")
    headers = ["文件", "状态", "原因", "推荐单位", "收到时间", "逾期", "格式", "模板版本", "读取行数", "汇总行数",
               "未汇总行数", "错误", "警告", "SHA256"]
    rows = [[f.name, f.status, f.reason, f.recommender, f.received, "是" if f.late else "", f.layout,
             f.template_version, f.rows_read, f.rows_merged, f.rows_rejected, f.errors, f.warnings, f.sha256]
            for f in summary.files]
    rows.append(["合计", "", "", "", "", "", "", "", summary.rows_read, summary.rows_merged, summary.rows_rejected,
                 "", "", ""])
    _table(ws, "收件文件表", headers, rows, widths=[30, 10, 40, 24, 17, 6, 8, 8, 8, 8, 8, 6, 6, 20])


def _bar_chart(ws, title: str, first_col: int, last_col: int, header_row: int, n: int, anchor: str,
               stacked: bool = False) -> None:
    if n == 0:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.height, chart.width = 8, 16
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    data = Reference(ws, min_col=first_col, max_col=last_col, min_row=header_row, max_row=header_row + n)
    cats = Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    ws.add_chart(chart, anchor)


def _pivot(ws, top: int, title: str, row_label: str, rows: list[str], cols: list[str], counts: Counter,
           table: str, stacked: bool = True, number_format: str = "0") -> int:
    """A small cross table with totals and its chart to the right; returns the next free row."""
    put(ws, top, 1, title).font = TITLE
    header = top + 1
    data = [[r, *(counts[(r, c)] for c in cols), sum(counts[(r, c)] for c in cols)] for r in rows]
    _table(ws, table, [row_label, *cols, "合计"], data, [None] + [number_format] * (len(cols) + 1),
           [24] + [10] * (len(cols) + 1), first_row=header)
    ws.freeze_panes = None
    _bar_chart(ws, title, 2, 1 + len(cols), header, len(rows), f"{get_column_letter(len(cols) + 4)}{top}", stacked)
    return header + max(len(rows), 1) + max(3, 18 - len(rows))


def _stats_sheets(wb, summary: MergeSummary, policy: Policy) -> None:
    ws = wb.create_sheet("基地统计")
    tiers = list(policy.tiers)
    recs = sorted({b.recommender for b in summary.bases})
    row = _pivot(ws, 1, "各推荐单位申报基地数（按档次）", "推荐单位", recs, tiers,
                 Counter((b.recommender, b.tier) for b in summary.bases), "按推荐单位和档次")
    majors = Counter((b.recommender, m) for b in summary.bases for m in b.majors)
    all_majors = [m for m, _ in Counter(m for b in summary.bases for m in b.majors).most_common()]
    row = _pivot(ws, row, "各推荐单位申报专业", "推荐单位", recs, all_majors, majors, "按推荐单位和专业")
    attrs = policy.lists["base_attributes"]
    row = _pivot(ws, row, "属性与档次", "属性", attrs, tiers, Counter((b.attribute, b.tier) for b in summary.bases),
                 "按属性和档次")
    sources = list(summary.funding_by_source)
    funding = Counter({(s, "金额（万元）"): summary.funding_by_source[s] for s in sources})
    _pivot(ws, row, "资金来源（万元）", "资金来源", sources, ["金额（万元）"], funding, "按资金来源",
           stacked=False, number_format="0.00")
    ws = wb.create_sheet("工作室统计")
    occupations = [o for o, _ in Counter(s.occupation for s in summary.studios).most_common()]
    row = _pivot(ws, 1, "工作室职业（工种）", "职业（工种）", occupations, ["工作室数"],
                 Counter((s.occupation, "工作室数") for s in summary.studios), "按职业工种", stacked=False)
    levels = [lv for lv in policy.lists["skill_levels"] if any(s.level == lv for s in summary.studios)]
    _pivot(ws, row, "领办人职业技能等级", "职业技能等级", levels, ["工作室数"],
           Counter((s.level, "工作室数") for s in summary.studios), "按技能等级", stacked=False)


def _printed_sheets(wb, policy: Policy, bases: list[Project], studios: list[Project]) -> None:
    schema = build_schema(policy)
    for title, sheet_key, items in (("附件7", "bases", bases), ("附件8", "studios", studios)):
        ws = wb.create_sheet(title)
        rows = [dict(p.main.values, recommender=p.cur.recommender) for p in items]
        write_printed_form(ws, schema.sheet(sheet_key), rows, "各县（区）人力资源和社会保障局、市直各部门（汇总）")


def _identity_sheet(wb, studios: list[Project]) -> None:
    """The one sheet with whole ID numbers: the bureau checks them against the copies on paper."""
    ws = wb.create_sheet("大师身份信息")
    rows = []
    for p in studios:
        m = p.part("masters")
        mv = m.values if m else {}
        rows.append([mv.get("leader") or p.main.values.get("leader"), mv.get("id_number"), mv.get("sex"),
                     mv.get("birth"), p.main.values.get("unit"), p.cur.recommender, p.cur.sub.name,
                     m.row if m else None])
    _table(ws, "大师身份信息表", ["姓名", "身份证号", "性别", "出生年月", "申报单位", "推荐单位", "来源文件", "行"], rows,
           [None, "@", None, "yyyy-mm", None, None, None, None], [10, 22, 6, 10, 28, 24, 28, 6])


def _cover(wb, summary: MergeSummary, policy: Policy) -> None:
    ws = wb.active
    ws.title = "汇总说明"
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 60
    put(ws, 1, 1, f"{summary.policy_year}年市级高技能人才培训基地和技能大师工作室申报汇总").font = TITLE
    by_status = Counter(f.status for f in summary.files)
    received = sum(1 for r in summary.recommenders if r.expected and r.received)
    expected = sum(1 for r in summary.recommenders if r.expected)
    sev = Counter(f["severity"] for f in summary.findings)
    lines = [
        ("依据", f"{summary.document}；报送截止 {summary.deadline}"),
        ("收件文件夹", summary.inbox),
        ("收到文件", "；".join(f"{k} {v} 个" for k, v in sorted(by_status.items()))),
        ("推荐单位", f"应报 {expected} 个，已报 {received} 个"),
        ("培训基地", f"{len(summary.bases)} 个"),
        ("技能大师工作室", f"{len(summary.studios)} 个"),
        ("问题", f"错误 {sev[ERROR]} 条，警告 {sev[WARNING]} 条，提示 {sev[INFO]} 条（见“问题清单”）"),
        ("对账", f"读取 {summary.rows_read} 行 = 汇总 {summary.rows_merged} 行 + 未汇总 {summary.rows_rejected} 行"
                 "（每个文件见“收件文件”，未汇总的每一行见“未汇总的行”）"),
        ("身份证号", "除“大师身份信息”外，各表只显示前 6 位和后 4 位。"),
    ]
    lines += [("名额对照", f"{q.kind}：申报 {q.applications} 个，名额 {q.places} 个") for q in summary.quotas]
    lines += [("说明", n) for n in summary.notes]
    for r, (k, v) in enumerate(lines, start=3):
        put(ws, r, 1, k).font = BOLD
        cell = put(ws, r, 2, v)
        cell.font, cell.alignment = BODY, WRAP
    _print(ws, 1)


def _rejected_sheet(wb, summary: MergeSummary) -> None:
    ws = wb.create_sheet("未汇总的行")
    rows = [[r["file"], r["sheet"], r["row"], r["reason"]] for r in summary.rejected]
    _table(ws, "未汇总的行表", ["文件", "工作表", "行", "原因"], rows, widths=[30, 18, 6, 60])


def build_master(summary: MergeSummary, currents: list[Current], findings: list[Finding], policy: Policy) -> Workbook:
    items = projects(currents, findings)
    bases = [p for p in items if p.kind == "base"]
    studios = [p for p in items if p.kind == "studio"]
    recommender_of = {c.sub.name: c.recommender for c in currents}
    for f in summary.files:
        recommender_of.setdefault(f.name, f.recommender or "")
    wb = Workbook()
    _cover(wb, summary, policy)
    _project_sheet(wb, policy, bases, "基地汇总", "基地汇总表", "bases", "conditions")
    _project_sheet(wb, policy, studios, "工作室汇总", "工作室汇总表", "studios", "masters")
    _funding_sheet(wb, policy, bases)
    _majors_sheet(wb, policy, bases)
    _findings_sheet(wb, findings, recommender_of)
    _duplicates_sheet(wb, summary)
    _quota_sheet(wb, summary, policy)
    _status_sheet(wb, summary)
    _stats_sheets(wb, summary, policy)
    _printed_sheets(wb, policy, bases, studios)
    _identity_sheet(wb, studios)
    _rejected_sheet(wb, summary)
    store_summary(wb, summary)
    wb.properties.creator = "shenbao"
    wb.properties.title = f"{summary.policy_year}年申报汇总"
    return wb


def write_master(path: str | Path, summary: MergeSummary, currents: list[Current], findings: list[Finding],
                 policy: Policy) -> Path:
    path = Path(path)
    save_workbook(build_master(summary, currents, findings, policy), path, document_time(policy))
    return path
