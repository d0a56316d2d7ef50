"""The master workbook: every kept row, every finding, the views a reviewer needs, and the summary.

Column lists come from the schema (the county sheets' columns in their order) plus the provenance
columns defined once here; nothing else lists columns. Text from submissions is written as text
(xlsx_book), ID numbers are masked except on 大师身份信息, and the file is saved atomically and
deterministically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from macros_py.check.marks import FILL
from macros_py.merge.cards import Project, projects
from macros_py.model.findings import ERROR, INFO, WARNING, Finding, mask_id
from macros_py.model.summary import CHUNK, SUMMARY_SHEET, MergeSummary
from macros_py.policy.load import Policy
from macros_py.policy.schema import Column, build_schema
from macros_py.read.grid import column_name
from macros_py.rules.bureau import Current
from macros_py.rules.catalog import CATALOG
from macros_py.write.cell_text import FONT_NAME
from macros_py.write.master_stats import pivot_sheets, pivot_sources, stats_sheets
from macros_py.write.pivots import Source, write_pivots
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


# The columns each project sheet prints (A4 landscape, fit to width), by schema key with their printed
# width, first and in this order; the rest follow on screen. A whole row of 基地汇总 (41 columns) fits no
# page: 附件7/附件8 print the notice's form. The printed widths add up to 120 units or less, which fit A4
# landscape at the 9 pt or more the readers need.
_PRINTED = {"bases": (("unit", 18), ("attribute", 8), ("majors", 18), ("tier", 5)),
            "conditions": (("supported_tier", 6), ("verdict", 14)),
            "studios": (("leader", 7), ("unit", 16), ("category", 8), ("occupation", 12), ("level", 8), ("size", 10)),
            "masters": ()}
_PRINTED_FRONT, _PRINTED_REVIEW = 11, (5, 4, 30)       # 推荐单位; 最严重问题, 问题数, 主要问题


def _project_columns(policy, main_key: str, joined: str,
                     extra: list[tuple[str, str, float, object]] = ()) -> tuple[list, list[float], int]:
    """A project sheet's columns, the printed ones first, then the rest: each is (header, number
    format, width, value of a project); their widths (the printed columns' printed ones); and how
    many columns print."""
    main_cols, join_cols = _columns(policy, main_key), _columns(policy, joined)
    mine = {c.header for c in main_cols}
    other_title = build_schema(policy).sheet(joined).title
    # a joined column named like one of the row's own (附件4's 职业技能等级) says where it comes from
    own = {c.key: (c.header, c.number_format, c.width, lambda p, c=c: _value(c, p.main)) for c in main_cols}
    other = {c.key: (f"{other_title}·{c.header}" if c.header in mine else c.header, c.number_format, c.width,
                     lambda p, c=c: _value(c, p.part(joined))) for c in join_cols}
    recommender = (FRONT[0], None, 22, lambda p: p.cur.recommender)
    channel = (FRONT[1], None, 10, lambda p: p.cur.channel)
    review = [(h, None, w, lambda p, i=i: _review(p)[i]) for i, (h, w) in enumerate(zip(REVIEW, (8, 6, 40), strict=True))]
    back = [(h, None, w, lambda p, i=i: _back(p, p.main)[i])
            for i, (h, w) in enumerate(zip(BACK, (28, 14, 6, 16, 20), strict=True))]
    printed = [(recommender, _PRINTED_FRONT)]
    printed += [(own[k], w) for k, w in _PRINTED[main_key]] + [(other[k], w) for k, w in _PRINTED[joined]]
    printed += list(zip(review, _PRINTED_REVIEW, strict=True))
    shown = [col for col, _ in printed]
    rest = [channel, *own.values(), *other.values(), *extra, *back]
    columns = shown + [col for col in rest if col not in shown]
    widths = [w for _, w in printed] + [w for _, _, w, _ in columns[len(printed):]]
    return columns, widths, len(printed)


def _project_sheet(book: Book, items: Iterable[Project], count: int, title: str, table: str,
                   layout: tuple[list, list[float], int], source: Source) -> None:
    """A project sheet (_project_columns) of the `count` projects `items` gives, each row made as it
    is written and kept in `source` as its pivot cache reads it."""
    columns, widths, printed = layout
    ws = book.sheet(title, stream=True)
    headers = [h for h, _, _, _ in columns]
    rows = (source.add([get(p) for _, _, _, get in columns]) for p in items)
    book.table(ws, table, headers, rows, formats=[f for _, f, _, _ in columns], widths=widths, wrap=printed,
               count=count)
    severity_formats(book, headers.index(REVIEW[0]), 1, max(count, 1), ws)
    ws.print_area(0, 0, max(count, 1), printed - 1)
    book.print_setup(ws, 1)


def _counted(items: Iterable[Project], attached: Counter) -> Iterator[Project]:
    """The projects, counting the rows attached to them by sheet as they pass."""
    for p in items:
        for key, rows in p.parts.items():
            attached[key] += len(rows)
        yield p


def _funding_columns(policy: Policy) -> list[tuple[str, str, object]]:
    """A base's 表4-2 合计 line by source, for the 资金来源 pivot over 基地汇总."""
    unit = policy.funding["unit"]
    cols = [(f"{s}（{unit}）", "0.00", 12, lambda p, i=i: _amount(p, f"amount{i}"))
            for i, s in enumerate(policy.funding["sources"])]
    return cols + [(f"投入合计（{unit}）", "0.00", 12, lambda p: _amount(p, "total"))]


def _amount(p: Project, key: str):
    head = p.funding_head
    value = head.values.get(key) if head else None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _parts_headers(policy, sheet_key: str) -> list[str]:
    return ["推荐单位", *(c.header for c in _columns(policy, sheet_key)), "来源文件", "行"]


def _parts_sheet(book: Book, policy, bases: Iterable[Project], count: int, title: str, table: str, sheet_key: str,
                 source: Source | None = None) -> None:
    """The `count` rows of a sheet that hangs on the bases (表4-2 blocks, 专业预算), with the recommender
    and source, each made as it is written (and kept in `source`, if given, as its pivot cache reads it)."""
    ws = book.sheet(title, stream=True)
    cols = _columns(policy, sheet_key)
    rows = ([p.cur.recommender, *(_value(c, rec) for c in cols), p.cur.sub.name, None if rec.made else rec.row]
            for p in bases for rec in p.parts.get(sheet_key, []))
    if source is not None:
        rows = map(source.add, rows)
    book.table(ws, table, _parts_headers(policy, sheet_key), rows,
               formats=[None, *(c.number_format for c in cols), None, None],
               widths=[16, *(min(c.width, 12) for c in cols), 20, 5], wrap={0, 1, 2, len(cols) + 1},
               count=count)
    book.print_setup(ws, 1)


def rule_title(rule: str) -> str:
    """The rule's Chinese name (docs/RULES.md, through the catalogue)."""
    spec = CATALOG.get(rule)
    return spec.title if spec else ""


def project_places(items: Iterable[Project], wanted: set[tuple] | None = None) -> dict[tuple, str]:
    """(file, sheet, row) → the project that row belongs to: 项目单位 for a base, 领办人（申报单位） for a
    studio; rows of 基地条件, 经费预算, 专业预算 and 大师信息 belong to their base or studio. Only the
    places in `wanted`, if given (those of the findings: every row of 5,000 files would be a big map)."""
    out: dict[tuple, str] = {}
    for p in items:
        v = p.main.values
        name = None
        for rec in [p.main, *(r for rows in p.parts.values() for r in rows)]:
            place = (p.cur.sub.name, rec.sheet, rec.row)
            if wanted is not None and place not in wanted:
                continue
            if name is None:
                name = (str(v.get("unit") or "") if p.kind == "base"
                        else f"{v.get('leader') or ''}（{v.get('unit') or ''}）")
            out.setdefault(place, name)
    return out


def finding_places(currents: list[Current], findings: list[Finding]) -> dict[tuple, str]:
    """project_places of the rows the findings are on (the map 问题清单 and the feedback files read),
    reading only the files with a finding on a row."""
    wanted = {(f.file, f.sheet, f.row) for f in findings if f.sheet}
    named = {file for file, _, _ in wanted}
    return project_places(projects([c for c in currents if c.sub.name in named], findings), wanted)


def project_of(places: dict[tuple, str], f) -> str:
    """The project a finding (a Finding or its dict) is about, or ""."""
    get = f.get if isinstance(f, dict) else lambda k: getattr(f, k)
    return places.get((get("file"), get("sheet"), get("row")), "")


def findings_table(book: Book, ws, findings: list[Finding], name: str, recommender_of: dict[str, str],
                   places: dict[tuple, str]) -> None:
    """The findings as a filterable table: who and which project, where, the rule by ID and name, and
    the message and hint wrapped, so that both are whole on screen and in print."""
    headers = ["推荐单位", "项目", "位置", "规则", "规则名称", "严重程度", "说明", "修改建议", "文件",
               "列", "值"]
    rows = [[recommender_of.get(f.file, ""), project_of(places, f), f.where if f.file else "（全市）", f.rule,
             rule_title(f.rule), f.severity, f.message, f.hint, f.file, f.column, f.value] for f in findings]
    book.table(ws, name, headers, rows, widths=[10, 14, 12, 14, 10, 5, 30, 24, 20, 12, 14], wrap=range(len(headers)))
    severity_formats(book, headers.index("严重程度"), 1, max(len(rows), 1), ws)
    ws.print_area(0, 0, max(len(rows), 1), headers.index("修改建议"))
    book.print_setup(ws, 1)


def _duplicates_sheet(book: Book, summary: MergeSummary) -> None:
    ws = book.sheet("重复申报", stream=True)
    headers = ["组", "规则", "严重程度", "依据", "推荐单位", "渠道", "名称", "代码", "文件", "位置"]
    rows = [[n, g.rule, g.severity, g.basis, m.recommender, m.channel, m.name, m.code, m.file, f"{m.sheet}!{m.cell}"]
            for n, g in enumerate(summary.duplicates, start=1) for m in g.members]
    book.table(ws, "重复申报表", headers, rows, widths=[5, 9, 8, 20, 20, 10, 26, 20, 24, 18], wrap={3, 4, 6, 8, 9})
    severity_formats(book, 2, 1, max(len(rows), 1), ws)
    book.print_setup(ws, 1)


def _quota_sheet(book: Book, summary: MergeSummary, policy: Policy) -> None:
    ws = book.sheet("名额对照")
    subsidy = {f"{t.name}档基地": t.subsidy for t in policy.tiers.values()}
    rows = [[q.kind, q.places or None, q.applications, q.ratio, subsidy.get(q.kind)] for q in summary.quotas]
    book.table(ws, "名额对照表", ["类别", "名额", "申报数", "申报数/名额", "补助（万元）"], rows,
               formats=[None, "0", "0", "0.00", "0"], widths=[16, 8, 8, 12, 12])
    if rows:
        chart = book.wb.add_chart({"type": "bar"})
        for col in (1, 2):
            chart.add_series({"name": ["名额对照", 0, col], "categories": ["名额对照", 1, 0, len(rows), 0],
                              "values": ["名额对照", 1, col, len(rows), col], "data_labels": {"value": True}})
        font = {"name": FONT_NAME, "size": 9}
        top = max([max(q.places, q.applications) for q in summary.quotas] + [1])
        chart.set_x_axis({"min": 0, "major_unit": max(1, round(top / 5)), "num_format": "0", "num_font": font})
        chart.set_y_axis({"num_font": font, "reverse": True})
        chart.set_title({"name": "各类申报数与名额", "name_font": {"name": FONT_NAME, "size": 11}})
        chart.set_legend({"position": "bottom", "font": font})
        chart.set_size({"width": 560, "height": 80 + 40 * len(rows)})
        ws.insert_chart(len(rows) + 2, 0, chart)
    book.print_setup(ws, 1, landscape=False)


def _status_sheet(book: Book, summary: MergeSummary) -> None:
    ws = book.sheet("报送情况", stream=True)
    headers = ["推荐单位", "渠道", "在应报名单", "已报送", "收到时间", "文件", "基地数", "工作室数", "错误", "警告",
               "状态", "此前报送"]
    rows = [[r.name, r.channel, "是" if r.expected else "否", "是" if r.received else "否", r.when, r.file,
             r.bases, r.studios, r.errors, r.warnings, r.status, "；".join(r.history)] for r in summary.recommenders]
    book.table(ws, "报送情况表", headers, rows, widths=[24, 9, 7, 6, 19, 30, 6, 7, 6, 6, 16, 30],
               wrap={0, 5, 10, 11})
    book.print_setup(ws, 1)


def _files_sheet(book: Book, summary: MergeSummary) -> None:
    ws = book.sheet("收件文件", stream=True)
    headers = ["文件", "状态", "原因", "推荐单位", "收到时间", "逾期", "格式", "模板版本", "读取行数", "汇总行数",
               "未汇总行数", "错误", "警告", "SHA256"]
    rows = [[f.name, f.status, f.reason, f.recommender, f.received, "是" if f.late else "", f.layout,
             f.template_version, f.rows_read, f.rows_merged, f.rows_rejected, f.errors, f.warnings, f.sha256]
            for f in summary.files]
    rows.append(["合计", "", "", "", "", "", "", "", summary.rows_read, summary.rows_merged, summary.rows_rejected,
                 "", "", ""])
    book.table(ws, "收件文件表", headers, rows, widths=[26, 8, 30, 20, 19, 5, 7, 7, 6, 6, 6, 5, 5, 20],
               wrap={0, 2, 3, 13})
    book.print_setup(ws, 1)


def _printed_sheets(book: Book, policy: Policy, bases: Iterable[Project], studios: Iterable[Project]) -> None:
    schema = build_schema(policy)
    for title, sheet_key, items in (("附件7", "bases", bases), ("附件8", "studios", studios)):
        rows = [dict(p.main.values, recommender=p.cur.recommender) for p in items]
        write_printed_form(book, book.sheet(title, stream=True), schema.sheet(sheet_key), rows,
                           "各县（区）人力资源和社会保障局、市直各部门（汇总）")


IDENTITY_SHEET = "大师身份信息"
IDENTITY_HOWTO = (f"“{IDENTITY_SHEET}”含完整身份证号，已隐藏并保护，不在打印范围内。需要核对时：右键单击任一工作表标签 → "
                  f"“取消隐藏” → 选“{IDENTITY_SHEET}”；该表只读（“审阅 → 撤销工作表保护”无密码）。用后请再隐藏，"
                  "不要随汇总工作簿外发。")


def _identity_sheet(book: Book, studios: Iterable[Project]) -> None:
    """The one sheet with whole ID numbers: the bureau checks them against the copies on paper.
    Hidden and protected, so it is neither printed with the workbook nor changed by accident."""
    ws = book.sheet(IDENTITY_SHEET, hidden=True, keep_ids=True, stream=True)
    rows = []
    for p in studios:
        m = p.part("masters")
        mv = m.values if m else {}
        rows.append([mv.get("leader") or p.main.values.get("leader"), mv.get("id_number"), mv.get("sex"),
                     mv.get("birth"), p.main.values.get("unit"), p.cur.recommender, p.cur.sub.name,
                     m.row if m else None])
    book.table(ws, "大师身份信息表", ["姓名", "身份证号", "性别", "出生年月", "申报单位", "推荐单位", "来源文件", "行"], rows,
               formats=[None, None, None, "yyyy-mm", None, None, None, None], widths=[10, 22, 6, 10, 28, 24, 28, 6])
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True})
    book.print_setup(ws, 1)


def _cover(book: Book, summary: MergeSummary) -> None:
    """The headline facts an analyst acts on, each line whole (wrapped, the row as high as its text)."""
    ws = book.sheet("汇总说明")
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 60)           # 72 units: A4 portrait at 100 %, so the facts print at 五号
    book.write(ws, 0, 0, f"{summary.policy_year}年市级高技能人才培训基地和技能大师工作室申报汇总",
               book.fmt(font_size=14, bold=True))
    by_status = Counter(f.status for f in summary.files)
    expected = [r for r in summary.recommenders if r.expected]
    missing = [r.name for r in expected if not r.received]
    late = [f for f in summary.files if f.late]
    sev = Counter(f["severity"] for f in summary.findings)
    latest = max((f.received for f in summary.files if f.received), default="")
    lines = [
        ("数据截至", f"{latest[:16].replace('T', ' ')}（收件夹中最后收到的文件；同样的收件夹再次汇总，得到同样的工作簿）"
         if latest else "收件夹中没有文件"),
        ("依据", f"{summary.document}；报送截止 {summary.deadline}"),
        ("收件文件夹", summary.inbox),
        ("收到文件", f"{len(summary.files)} 个：" + "；".join(f"{k} {v} 个" for k, v in sorted(by_status.items()))),
        ("逾期报送", "；".join(f"{f.recommender or f.name}（{f.received[:16].replace('T', ' ')}）" for f in late)
         if late else "无"),
        ("推荐单位", f"应报 {len(expected)} 个，已报 {len(expected) - len(missing)} 个"),
        ("尚未报送", "、".join(missing) if missing else "无"),
        ("重复申报", f"{len(summary.duplicates)} 组（见“重复申报”）" if summary.duplicates else "未发现"),
        ("培训基地", f"{len(summary.bases)} 个"),
        ("技能大师工作室", f"{len(summary.studios)} 个"),
        ("问题", f"错误 {sev[ERROR]} 条，警告 {sev[WARNING]} 条，提示 {sev[INFO]} 条（见“问题清单”）。"
                 "错误须改正后方可受理，由审核人员决定是否受理；给各推荐单位的反馈见反馈工作簿。"),
        ("对账", f"读取 {summary.rows_read} 行 = 汇总 {summary.rows_merged} 行 + 未汇总 {summary.rows_rejected} 行"
                 "（每个文件见“收件文件”，未汇总的每一行见“未汇总的行”）"),
    ]
    lines += [("名额对照", f"{q.kind}：申报 {q.applications} 个，名额 {q.places} 个" if q.places
               else f"{q.kind}：{q.applications} 个（没有档次，未计入各档）") for q in summary.quotas]
    lines += [
        ("数据透视表", "“基地透视表”“工作室透视表”是真正的数据透视表，打开时按“基地汇总”“工作室汇总”自动刷新，可拖动字段重新透视；"
                  "“基地统计”“工作室统计”是同样的数字的固定表格和图，供打印。"),
        ("身份证号", "除“大师身份信息”外，各表只显示前 6 位和后 4 位。" + IDENTITY_HOWTO),
    ]
    lines += [("说明", n) for n in summary.notes]
    book.key_values(ws, lines, first_row=2, value_width=60)
    book.print_setup(ws, 1, landscape=False)


def _rejected_sheet(book: Book, summary: MergeSummary) -> None:
    ws = book.sheet("未汇总的行", stream=True)
    rows = [[r["file"], r["sheet"], r["row"], r.get("kind", ""), r["reason"], r.get("text", "")]
            for r in summary.rejected]
    book.table(ws, "未汇总的行表", ["文件", "工作表", "行", "类别", "原因", "内容"], rows,
               widths=[30, 18, 6, 12, 50, 40], wrap={0, 4, 5})
    book.print_setup(ws, 1)


QUESTION_HEADERS = ("问题编号", "类别", "内容", "裁定", "理由", "裁定人", "日期")   # = merge.decisions.DECISION_COLUMNS
_OPTIONS_SHEET = "裁定选项"


def option_ranges(book: Book, questions) -> dict[tuple[str, ...], str]:
    """Each distinct list of verdicts, written once on a hidden sheet: options → its range (validation
    lists may be longer than the 255 characters a literal list allows)."""
    ranges: dict[tuple[str, ...], str] = {}
    lists = None
    for q in questions:
        options = tuple(q.options)
        if not options or options in ranges:
            continue
        lists = lists or book.sheet(_OPTIONS_SHEET, hidden=True)
        col = len(ranges)
        for i, text in enumerate(options):
            book.write(lists, i, col, text)
        letter = column_name(col)
        ranges[options] = f"='{_OPTIONS_SHEET}'!${letter}$1:${letter}${len(options)}"
    return ranges


def question_sheet(book: Book, ws, questions, ranges: dict, *, open_only: bool) -> None:
    """The questions as the 人工裁定 workbook holds them (same columns, so rows copy across), the 裁定
    column validated against each question's options."""
    from macros_py.merge.decisions import DECISION_COLUMNS

    assert tuple(QUESTION_HEADERS) == DECISION_COLUMNS
    # 待裁定: the open questions; 人工裁定: what was decided (and decisions that matched nothing).
    chosen = [q for q in questions if (q.status == "待裁定") == open_only]
    extra = ["状态", "效果", "文件", "位置"]
    rows = [[q.key, q.kind, q.what, "" if open_only else q.verdict, "" if open_only else q.reason,
             "" if open_only else q.by, "" if open_only else q.date, q.status, q.effect, q.file, q.where]
            for q in chosen]
    name = "待裁定表" if open_only else "裁定记录表"
    widths = [24, 10, 44, 16, 22, 8, 11, 7, 28, 18, 12]
    wrap = frozenset({0, 2, 4, 8, 9})
    # Rows as tall as their wrapped text (LibreOffice does not refit rows when it opens the file).
    heights = {}
    for i, values in enumerate(rows):
        lines = max(-(-_text_width(str(values[c] or "")) // int(widths[c] - 1)) for c in wrap)
        if lines > 1:
            heights[i] = 14 * lines
    book.table(ws, name, [*QUESTION_HEADERS, *extra], rows, widths=widths, wrap=wrap, heights=heights)
    # One validation per run of rows with the same options (the questions come grouped by kind):
    # thousands of one-cell validations would cost more than the rest of the sheet.
    runs: list[list] = []
    for r, q in enumerate(chosen, start=1):
        options = tuple(q.options)
        if runs and runs[-1][2] == options and runs[-1][1] == r - 1:
            runs[-1][1] = r
        else:
            runs.append([r, r, options])
    for first, last, options in runs:
        if options in ranges:
            ws.data_validation(first, 3, last, 3, {
                "validate": "list", "source": ranges[options], "ignore_blank": True,
                "input_title": "裁定", "input_message": "从下拉框选择裁定",
                "error_title": "裁定", "error_message": ("请从下拉框选择：" + "、".join(options))[:250]})
    book.print_setup(ws, 1)


def _text_width(text: str) -> int:
    """Columns a text takes in a cell: Chinese characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_master(path: str | Path, summary: MergeSummary, currents: list[Current], findings: list[Finding],
                 policy: Policy, places: dict[tuple, str] | None = None) -> Path:
    """The sheets in the order an analyst works: what to act on, the data, the statistics, the forms.
    `places`: finding_places of these files and findings, if the caller has it already."""
    from macros_py.write.outputs import write_failure

    try:
        return _write_master(path, summary, currents, findings, policy, places)
    except OSError as exc:   # the streamed sheets' rows go to temporary files while they are written
        raise write_failure(path, exc) from None


def _write_master(path: str | Path, summary: MergeSummary, currents: list[Current], findings: list[Finding],
                  policy: Policy, places: dict[tuple, str] | None) -> Path:
    # The projects are made afresh for each sheet, a file at a time (cards.projects), so that the
    # files' packed sheets are never all decoded at once; each sheet attaches only the parts it shows.
    def bases(parts=None):
        return projects(currents, findings, "base", parts)

    def studios(parts=None):
        return projects(currents, findings, "studio", parts)

    n_bases, n_studios = (sum(len(c.sub.rows(key)) for c in currents) for key in ("bases", "studios"))
    recommender_of = {c.sub.name: c.recommender for c in currents}
    for f in summary.files:
        recommender_of.setdefault(f.name, f.recommender or "")
    book = Book(document_time(policy), f"{summary.policy_year}年申报汇总", output="master")
    # 1. what the analyst acts on
    _cover(book, summary)
    if places is None:
        places = finding_places(currents, findings)
    findings_table(book, book.sheet("问题清单", stream=True), findings, "问题清单表", recommender_of, places)
    del places
    _duplicates_sheet(book, summary)
    _quota_sheet(book, summary, policy)
    _status_sheet(book, summary)
    ranges = option_ranges(book, summary.questions)
    question_sheet(book, book.sheet("待裁定", stream=True), summary.questions, ranges, open_only=True)
    question_sheet(book, book.sheet("人工裁定", stream=True), summary.questions, ranges, open_only=False)
    # 2. the data; each data sheet's rows kept as the pivot cache over it reads them (pivot_sources)
    funding = _funding_columns(policy)
    base_layout = _project_columns(policy, "bases", "conditions", funding)
    studio_layout = _project_columns(policy, "studios", "masters")
    sources = pivot_sources(policy, [h for h, _, _, _ in base_layout[0]], [h for h, _, _, _ in studio_layout[0]],
                            _parts_headers(policy, "majors"), [h for h, _, _, _ in funding[:-1]])
    base_source, major_source, studio_source = sources
    attached = Counter()     # rows of each sheet attached to a base, counted as 基地汇总 is written
    _project_sheet(book, _counted(bases(), attached), n_bases, "基地汇总", "基地汇总表", base_layout, base_source)
    _project_sheet(book, studios(), n_studios, "工作室汇总", "工作室汇总表", studio_layout, studio_source)
    _parts_sheet(book, policy, bases(("funding",)), attached["funding"], "经费汇总", "经费汇总表", "funding")
    _parts_sheet(book, policy, bases(("majors",)), attached["majors"], "专业预算", "专业预算汇总表", "majors",
                 major_source)
    _files_sheet(book, summary)
    _rejected_sheet(book, summary)
    # 3. the statistics: fixed tables and charts for print, pivot tables for re-pivoting
    major = build_schema(policy).sheet("majors").column("major").header
    stats_sheets(book, summary, policy, Counter(major_source.column(major)))
    pivot_sheets(book, sources)
    # 4. the notice's forms, then the hidden sheets
    _printed_sheets(book, policy, bases(()), studios(()))
    _identity_sheet(book, studios(("masters",)))
    store_summary(book, summary)
    return book.save(path, lambda package, out: write_pivots(package, out, sources))


def store_summary(book, summary: MergeSummary) -> None:
    """Put the summary into a hidden sheet of a write-once workbook (xlsx_book.Book), as JSON text."""
    ws = book.sheet(SUMMARY_SHEET, hidden=True, keep_ids=True, stream=True)   # masked as data, before it is cut up
    row, pending = 0, ""
    for piece in summary.json_chunks():     # the text is made and written a piece at a time
        pending += piece
        start = 0
        while len(pending) - start >= CHUNK:
            book.write(ws, row, 0, pending[start:start + CHUNK])
            row, start = row + 1, start + CHUNK
        pending = pending[start:]
    if pending:
        book.write(ws, row, 0, pending)
