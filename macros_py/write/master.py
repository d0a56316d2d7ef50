"""The master workbook: every kept row, every finding, the views a reviewer needs, and the summary.

Column lists come from the schema (the county sheets' columns in their order) plus the provenance
columns defined once here; nothing else lists columns. Text from submissions is written as text
(xlsx_book), ID numbers are masked except on 大师身份信息, and the file is saved atomically and
deterministically.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from macros_py.check.marks import FILL
from macros_py.merge.cards import Project, projects
from macros_py.model.findings import ERROR, INFO, WARNING, Finding, mask_id
from macros_py.model.privacy import mask_data
from macros_py.model.summary import CHUNK, SUMMARY_SHEET, MergeSummary
from macros_py.policy.load import Policy
from macros_py.policy.schema import Column, build_schema
from macros_py.rules.bureau import Current
from macros_py.write.cell_text import FONT_NAME
from macros_py.write.printed import write_printed_form
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book

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


def severity_formats(book: Book, column: int, first: int, last: int, ws) -> None:
    """Colour a severity column by its text (conditional formats: they survive sorting and filters)."""
    for severity, color in FILL.items():
        ws.conditional_format(first, column, last, column, {
            "type": "cell", "criteria": "==", "value": f'"{severity}"', "format": book.wb.add_format({"bg_color": f"#{color}"})})


def _review(p: Project) -> list:
    w = p.worst
    return [w.severity if w else None, len(p.findings), f"{w.rule} {w.message}" if w else None]


def _back(p: Project, rec) -> list:
    return [p.cur.sub.name, rec.sheet, rec.row, p.cur.received.strftime("%Y-%m-%d %H:%M"), p.cur.sub.sha256]


def _project_sheet(book: Book, policy, items: list[Project], title: str, table: str, main_key: str,
                   joined: str) -> None:
    ws = book.sheet(title)
    main_cols, join_cols = _columns(policy, main_key), _columns(policy, joined)
    mine = {c.header for c in main_cols}
    other_title = build_schema(policy).sheet(joined).title
    # A joined column named like one of the row's own (附件4's 职业技能等级) says where it comes from.
    joined_headers = [f"{other_title}·{c.header}" if c.header in mine else c.header for c in join_cols]
    headers = [*FRONT, *(c.header for c in main_cols), *joined_headers, *REVIEW, *BACK]
    formats = [None] * len(FRONT) + [c.number_format for c in main_cols] + [c.number_format for c in join_cols]
    formats += [None] * (len(REVIEW) + len(BACK))
    widths = [22, 10] + [c.width for c in main_cols] + [c.width for c in join_cols] + [8, 6, 40, 28, 14, 6, 16, 20]
    rows = []
    for p in items:
        other = p.part(joined)
        rows.append([p.cur.recommender, p.cur.channel, *(_value(c, p.main) for c in main_cols),
                     *(_value(c, other) for c in join_cols), *_review(p), *_back(p, p.main)])
    book.table(ws, table, headers, rows, formats=formats, widths=widths)
    severity_formats(book, headers.index(REVIEW[0]), 1, max(len(rows), 1), ws)
    book.print_setup(ws, 1, columns=len(headers), keep_left=len(FRONT) + 1)


def _parts_sheet(book: Book, policy, bases: list[Project], title: str, table: str, sheet_key: str) -> None:
    """Rows of a sheet that hangs on the bases (表4-2 blocks, 专业预算), with the recommender and source."""
    ws = book.sheet(title)
    cols = _columns(policy, sheet_key)
    rows = [[p.cur.recommender, *(_value(c, rec) for c in cols), p.cur.sub.name, rec.row]
            for p in bases for rec in p.parts.get(sheet_key, [])]
    book.table(ws, table, ["推荐单位", *(c.header for c in cols), "来源文件", "行"], rows,
               formats=[None, *(c.number_format for c in cols), None, None], widths=[22, *(c.width for c in cols), 28, 6])
    book.print_setup(ws, 1, columns=len(cols) + 3, keep_left=2)


def findings_table(book: Book, ws, findings: list[Finding], name: str, recommender_of: dict[str, str]) -> None:
    """The findings as a filterable table: file, where (工作表!单元格), rule, severity, message, hint."""
    headers = ["文件", "推荐单位", "位置", "规则", "严重程度", "说明", "修改建议", "列", "值"]
    rows = [[f.file, recommender_of.get(f.file, ""), f.where if f.file else "（全市）", f.rule, f.severity,
             f.message, f.hint, f.column, f.value] for f in findings]
    book.table(ws, name, headers, rows, widths=[28, 22, 20, 12, 8, 50, 40, 16, 20])
    severity_formats(book, headers.index("严重程度"), 1, max(len(rows), 1), ws)
    book.print_setup(ws, 1)


def _duplicates_sheet(book: Book, summary: MergeSummary) -> None:
    ws = book.sheet("重复申报")
    headers = ["组", "规则", "严重程度", "依据", "推荐单位", "渠道", "名称", "代码", "文件", "位置"]
    rows = [[n, g.rule, g.severity, g.basis, m.recommender, m.channel, m.name, m.code, m.file, f"{m.sheet}!{m.cell}"]
            for n, g in enumerate(summary.duplicates, start=1) for m in g.members]
    book.table(ws, "重复申报表", headers, rows, widths=[5, 8, 8, 22, 22, 12, 30, 22, 28, 20])
    severity_formats(book, 2, 1, max(len(rows), 1), ws)
    book.print_setup(ws, 1)


def _chart(book: Book, ws, sheet: str, title: str, header: int, n: int, first_col: int, last_col: int,
           anchor: tuple[int, int], stacked: bool = False) -> None:
    """A column chart of a table's columns first_col..last_col over its n rows (categories in column 0)."""
    if n == 0:
        return
    chart = book.wb.add_chart({"type": "column", **({"subtype": "stacked"} if stacked else {})})
    for col in range(first_col, last_col + 1):
        chart.add_series({"name": [sheet, header, col], "categories": [sheet, header + 1, 0, header + n, 0],
                          "values": [sheet, header + 1, col, header + n, col]})
    chart.set_title({"name": title, "name_font": {"name": FONT_NAME, "size": 12}})
    chart.set_size({"width": 640, "height": 300})
    ws.insert_chart(*anchor, chart)


def _quota_sheet(book: Book, summary: MergeSummary, policy: Policy) -> None:
    ws = book.sheet("名额对照")
    subsidy = {f"{t.name}档基地": t.subsidy for t in policy.tiers.values()}
    rows = [[q.kind, q.places or None, q.applications, q.ratio, subsidy.get(q.kind)] for q in summary.quotas]
    book.table(ws, "名额对照表", ["类别", "名额", "申报数", "申报数/名额", "补助（万元）"], rows,
               formats=[None, "0", "0", "0.00", "0"], widths=[16, 8, 8, 12, 12])
    _chart(book, ws, "名额对照", "各档申报数与名额", 0, len(rows), 1, 2, (1, 7))
    book.print_setup(ws, 1)


def _status_sheets(book: Book, summary: MergeSummary) -> None:
    ws = book.sheet("报送情况")
    headers = ["推荐单位", "渠道", "在应报名单", "已报送", "收到时间", "文件", "基地数", "工作室数", "错误", "警告",
               "状态", "此前报送"]
    rows = [[r.name, r.channel, "是" if r.expected else "否", "是" if r.received else "否", r.when, r.file,
             r.bases, r.studios, r.errors, r.warnings, r.status, "；".join(r.history)] for r in summary.recommenders]
    book.table(ws, "报送情况表", headers, rows, widths=[26, 12, 8, 8, 17, 30, 8, 8, 6, 6, 18, 50])
    book.print_setup(ws, 1)
    ws = book.sheet("收件文件")
    headers = ["文件", "状态", "原因", "推荐单位", "收到时间", "逾期", "格式", "模板版本", "读取行数", "汇总行数",
               "未汇总行数", "错误", "警告", "SHA256"]
    rows = [[f.name, f.status, f.reason, f.recommender, f.received, "是" if f.late else "", f.layout,
             f.template_version, f.rows_read, f.rows_merged, f.rows_rejected, f.errors, f.warnings, f.sha256]
            for f in summary.files]
    rows.append(["合计", "", "", "", "", "", "", "", summary.rows_read, summary.rows_merged, summary.rows_rejected,
                 "", "", ""])
    book.table(ws, "收件文件表", headers, rows, widths=[30, 10, 40, 24, 17, 6, 8, 8, 8, 8, 8, 6, 6, 20])
    book.print_setup(ws, 1)


def _pivot(book: Book, ws, sheet: str, top: int, title: str, row_label: str, rows: list[str], cols: list[str],
           counts: Counter, table: str, stacked: bool = True, number_format: str = "0") -> int:
    """A small cross table with totals and its chart to the right; returns the next free row."""
    book.write(ws, top, 0, title, book.fmt(font_size=14, bold=True))
    header = top + 1
    data = [[r, *(counts[(r, c)] for c in cols), sum(counts[(r, c)] for c in cols)] for r in rows]
    book.table(ws, table, [row_label, *cols, "合计"], data, formats=[None] + [number_format] * (len(cols) + 1),
               widths=[24] + [10] * (len(cols) + 1), first_row=header, freeze=False)
    _chart(book, ws, sheet, title, header, len(rows), 1, len(cols), (top, len(cols) + 3), stacked)
    return header + max(len(rows), 1) + max(3, 18 - len(rows))


def _stats_sheets(book: Book, summary: MergeSummary, policy: Policy) -> None:
    ws = book.sheet("基地统计")
    tiers = list(policy.tiers)
    recs = sorted({b.recommender for b in summary.bases})
    row = _pivot(book, ws, "基地统计", 0, "各推荐单位申报基地数（按档次）", "推荐单位", recs, tiers,
                 Counter((b.recommender, b.tier) for b in summary.bases), "按推荐单位和档次")
    majors = Counter((b.recommender, m) for b in summary.bases for m in b.majors)
    all_majors = [m for m, _ in Counter(m for b in summary.bases for m in b.majors).most_common()]
    row = _pivot(book, ws, "基地统计", row, "各推荐单位申报专业", "推荐单位", recs, all_majors, majors, "按推荐单位和专业")
    attrs = policy.lists["base_attributes"]
    row = _pivot(book, ws, "基地统计", row, "属性与档次", "属性", attrs, tiers,
                 Counter((b.attribute, b.tier) for b in summary.bases), "按属性和档次")
    sources = list(summary.funding_by_source)
    funding = Counter({(s, "金额（万元）"): summary.funding_by_source[s] for s in sources})
    _pivot(book, ws, "基地统计", row, "资金来源（万元）", "资金来源", sources, ["金额（万元）"], funding, "按资金来源",
           stacked=False, number_format="0.00")
    book.print_setup(ws, 1)
    ws = book.sheet("工作室统计")
    occupations = [o for o, _ in Counter(s.occupation for s in summary.studios).most_common()]
    row = _pivot(book, ws, "工作室统计", 0, "工作室职业（工种）", "职业（工种）", occupations, ["工作室数"],
                 Counter((s.occupation, "工作室数") for s in summary.studios), "按职业工种", stacked=False)
    levels = [lv for lv in policy.lists["skill_levels"] if any(s.level == lv for s in summary.studios)]
    _pivot(book, ws, "工作室统计", row, "领办人职业技能等级", "职业技能等级", levels, ["工作室数"],
           Counter((s.level, "工作室数") for s in summary.studios), "按技能等级", stacked=False)
    book.print_setup(ws, 1)


def _printed_sheets(book: Book, policy: Policy, bases: list[Project], studios: list[Project]) -> None:
    schema = build_schema(policy)
    for title, sheet_key, items in (("附件7", "bases", bases), ("附件8", "studios", studios)):
        rows = [dict(p.main.values, recommender=p.cur.recommender) for p in items]
        write_printed_form(book, book.sheet(title), schema.sheet(sheet_key), rows,
                           "各县（区）人力资源和社会保障局、市直各部门（汇总）")


def _identity_sheet(book: Book, studios: list[Project]) -> None:
    """The one sheet with whole ID numbers: the bureau checks them against the copies on paper."""
    ws = book.sheet("大师身份信息", keep_ids=True)
    rows = []
    for p in studios:
        m = p.part("masters")
        mv = m.values if m else {}
        rows.append([mv.get("leader") or p.main.values.get("leader"), mv.get("id_number"), mv.get("sex"),
                     mv.get("birth"), p.main.values.get("unit"), p.cur.recommender, p.cur.sub.name,
                     m.row if m else None])
    book.table(ws, "大师身份信息表", ["姓名", "身份证号", "性别", "出生年月", "申报单位", "推荐单位", "来源文件", "行"], rows,
               formats=[None, None, None, "yyyy-mm", None, None, None, None], widths=[10, 22, 6, 10, 28, 24, 28, 6])
    book.print_setup(ws, 1)


def _cover(book: Book, summary: MergeSummary) -> None:
    ws = book.sheet("汇总说明")
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 70)
    book.write(ws, 0, 0, f"{summary.policy_year}年市级高技能人才培训基地和技能大师工作室申报汇总",
               book.fmt(font_size=14, bold=True))
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
    lines += [("名额对照", f"{q.kind}：申报 {q.applications} 个，名额 {q.places} 个" if q.places
               else f"{q.kind}：{q.applications} 个（没有档次，未计入各档）") for q in summary.quotas]
    lines += [("说明", n) for n in summary.notes]
    bold, wrap = book.fmt(bold=True, valign="top"), book.fmt(text_wrap=True, valign="top")
    for r, (k, v) in enumerate(lines, start=2):
        book.write(ws, r, 0, k, bold)
        book.write(ws, r, 1, v, wrap)
    book.print_setup(ws, 1, landscape=False)


def _rejected_sheet(book: Book, summary: MergeSummary) -> None:
    ws = book.sheet("未汇总的行")
    rows = [[r["file"], r["sheet"], r["row"], r.get("kind", ""), r["reason"], r.get("text", "")]
            for r in summary.rejected]
    book.table(ws, "未汇总的行表", ["文件", "工作表", "行", "类别", "原因", "内容"], rows,
               widths=[30, 18, 6, 12, 50, 40])
    book.print_setup(ws, 1)


def write_master(path: str | Path, summary: MergeSummary, currents: list[Current], findings: list[Finding],
                 policy: Policy) -> Path:
    items = projects(currents, findings)
    bases = [p for p in items if p.kind == "base"]
    studios = [p for p in items if p.kind == "studio"]
    recommender_of = {c.sub.name: c.recommender for c in currents}
    for f in summary.files:
        recommender_of.setdefault(f.name, f.recommender or "")
    book = Book(document_time(policy), f"{summary.policy_year}年申报汇总")
    _cover(book, summary)
    _project_sheet(book, policy, bases, "基地汇总", "基地汇总表", "bases", "conditions")
    _project_sheet(book, policy, studios, "工作室汇总", "工作室汇总表", "studios", "masters")
    _parts_sheet(book, policy, bases, "经费汇总", "经费汇总表", "funding")
    _parts_sheet(book, policy, bases, "专业预算", "专业预算汇总表", "majors")
    findings_table(book, book.sheet("问题清单"), findings, "问题清单表", recommender_of)
    _duplicates_sheet(book, summary)
    _quota_sheet(book, summary, policy)
    _status_sheets(book, summary)
    _stats_sheets(book, summary, policy)
    _printed_sheets(book, policy, bases, studios)
    _identity_sheet(book, studios)
    _rejected_sheet(book, summary)
    store_summary(book, summary)
    return book.save(path)


def store_summary(book, summary: MergeSummary) -> None:
    """Put the summary into a hidden sheet of a write-once workbook (xlsx_book.Book), as JSON text."""
    ws = book.sheet(SUMMARY_SHEET, hidden=True, keep_ids=True)   # masked as data, before it is cut up
    text = json.dumps(mask_data(summary.to_dict()), ensure_ascii=False, separators=(",", ":"))
    for i in range(0, len(text), CHUNK):
        book.write(ws, i // CHUNK, 0, text[i:i + CHUNK])
