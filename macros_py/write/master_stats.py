"""The master's statistics: static cross tables with a 合计 row and a chart under each (for print), and
real PivotTables over the data sheets' tables (for re-pivoting in Excel, WPS or LibreOffice).

Rows come in the bureau's order: recommenders as the policy lists them (ten counties, then the city
departments), tiers A, B, C, the policy's attribute, category and level lists. Each static table
and the pivot that answers the same question count the same rows, which a test checks through
LibreOffice's own pivot engine.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from macros_py.model.summary import MergeSummary
from macros_py.policy.load import Policy
from macros_py.policy.schema import build_schema
from macros_py.write.cell_text import FONT_NAME
from macros_py.write.pivots import Pivot, Source, Value, layout
from macros_py.write.xlsx_book import Book

BASE_STATS, STUDIO_STATS = "基地统计", "工作室统计"
BASE_PIVOTS, STUDIO_PIVOTS = "基地透视表", "工作室透视表"
TOTAL = "合计"
COUNT = "基地数"
STUDIO_COUNT = "工作室数"
RECOMMENDER = "推荐单位"    # the master's own first column (write.master.FRONT)
AMOUNT = "金额（万元）"
MAJOR_COUNT = "专业数"


def short_name(policy: Policy, name: str) -> str:
    """平城区人力资源和社会保障局 → 平城区; 大同市教育局 → 市教育局: chart labels one can read."""
    suffix = policy.get("recommenders.county_suffix")
    city = policy.get("region.city")
    if suffix and name.endswith(suffix) and name != suffix:
        return name[: -len(suffix)]
    if city and name.startswith(city) and name != city:
        return "市" + name[len(city):]
    return name


def recommender_order(policy: Policy, names) -> list[str]:
    """The policy's recommenders that appear in `names`, in the policy's order, then any others."""
    names = set(names)
    listed = [r.name for r in policy.recommenders if r.name in names]
    return listed + sorted(names - set(listed))


@dataclass
class Table:
    """One static cross table: row labels, column labels, counts and how to show them."""
    key: str                 # the Excel table name
    title: str
    row_label: str
    rows: list[str]
    cols: list[str]
    counts: Counter
    number_format: str = "0"
    chart: str = "bar"       # "bar" (horizontal) for long labels, "column" for short ones
    shown: dict[str, str] | None = None   # row → the label written (short recommender names)


def _nice_step(top: float, integer: bool) -> float:
    raw = max(top, 1) / 5
    exp = math.floor(math.log10(raw)) if raw > 0 else 0
    step = next(m * 10.0 ** exp for m in (1, 2, 5, 10) if m * 10.0 ** exp >= raw - 1e-9)
    return max(step, 1.0) if integer else step


PAGE_ROWS = 46     # default-height rows on an A4 portrait page at 100 % (margins 0.6″, header and footer)


def _write_table(book: Book, ws, sheet: str, top: int, t: Table, breaks: list[int]) -> int:
    """Title, the table with a 合计 column (when it has several columns) and a 合计 row, the chart
    under it (on the next page when both do not fit on one); returns the next free row."""
    book.write(ws, top, 0, t.title, book.fmt(font_size=12, bold=True))
    header = top + 1
    several = len(t.cols) > 1
    body = []
    for r in t.rows:
        values = [t.counts[(r, c)] for c in t.cols]
        body.append([(t.shown or {}).get(r, r), *values, *([sum(values)] if several else [])])
    totals = [sum(t.counts[(r, c)] for r in t.rows) for c in t.cols]
    body.append([TOTAL, *totals, *([sum(totals)] if several else [])])
    headers = [t.row_label, *t.cols, *([TOTAL] if several else [])]
    n = len(headers)
    book.table(ws, t.key, headers, body, formats=[None] + [t.number_format] * (n - 1),
               widths=[22] + [10] * (n - 1), first_row=header, freeze=False, wrap={0},
               align={c: "right" for c in range(1, n)})
    last = header + len(body)
    for c, value in enumerate(body[-1]):
        book.write(ws, last, c, value, book.fmt(bold=True, valign="top", num_format=t.number_format, top=1,
                                                **({"align": "right"} if c else {})))
    if not t.rows:
        return last + 3
    table_rows = last + 1 - top
    integer = t.number_format == "0"
    chart = book.wb.add_chart({"type": t.chart, **({"subtype": "stacked"} if several else {})})
    for c in range(1, len(t.cols) + 1):
        chart.add_series({"name": [sheet, header, c], "categories": [sheet, header + 1, 0, header + len(t.rows), 0],
                          "values": [sheet, header + 1, c, header + len(t.rows), c], "gap": 60,
                          **({} if several else {"data_labels": {"value": True, "num_format": t.number_format}})})
    biggest = max([sum(t.counts[(r, c)] for c in t.cols) for r in t.rows] + [0])
    value_axis = {"min": 0, "major_unit": _nice_step(biggest, integer), "num_format": t.number_format,
                  "num_font": {"name": FONT_NAME, "size": 9}, "major_gridlines": {"visible": True}}
    label_axis = {"num_font": {"name": FONT_NAME, "size": 9}, "interval_unit": 1}
    if t.chart == "bar":
        chart.set_x_axis(value_axis)
        chart.set_y_axis({**label_axis, "reverse": True})  # first row on top, as in the table
    else:
        chart.set_x_axis(label_axis)
        chart.set_y_axis(value_axis)
    chart.set_title({"name": t.title, "name_font": {"name": FONT_NAME, "size": 11}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT_NAME, "size": 9}} if several else {"none": True})
    height = max(220, 90 + 24 * len(t.rows)) if t.chart == "bar" else 280
    chart.set_size({"width": 620, "height": height})
    chart_rows = math.ceil(height / 20) + 1
    at = last + 2
    if table_rows + 1 + chart_rows > PAGE_ROWS:
        breaks.append(last + 1)
        at = last + 1
    ws.insert_chart(at, 0, chart, {"object_position": 3})
    return at + chart_rows + 1


def base_tables(summary: MergeSummary, policy: Policy, majors: Counter) -> list[Table]:
    """majors: 专业（职业） → rows of 专业预算 (表3-n-1, one per major of a base), as the pivot counts them."""
    tiers = list(policy.tiers)
    recs = recommender_order(policy, (b.recommender for b in summary.bases))
    shown = {r: short_name(policy, r) for r in recs}
    attrs = list(policy.lists["base_attributes"])
    attrs += sorted({b.attribute for b in summary.bases if b.attribute and b.attribute not in attrs})
    sources = list(summary.funding_by_source)
    return [
        Table("按推荐单位和档次", "各推荐单位申报基地数（按档次）", "推荐单位", recs, tiers,
              Counter((b.recommender, b.tier) for b in summary.bases), shown=shown),
        Table("按申报专业", "申报专业（按表3-n-1 专业预算，一个专业一行）", "专业（职业）",
              [m for m, _ in majors.most_common()], [MAJOR_COUNT],
              Counter({(m, MAJOR_COUNT): n for m, n in majors.items()})),
        Table("按属性和档次", "属性与档次", "属性", attrs, tiers, Counter((b.attribute, b.tier) for b in summary.bases),
              chart="column"),
        Table("按资金来源", "投入预算按资金来源（万元）", "资金来源", sources, [AMOUNT],
              Counter({(s, AMOUNT): summary.funding_by_source[s] for s in sources}), number_format="0.00"),
    ]


def studio_tables(summary: MergeSummary, policy: Policy) -> list[Table]:
    recs = recommender_order(policy, (s.recommender for s in summary.studios))
    categories = list(policy.lists["studio_categories"])
    cats = Counter((s.recommender, s.category) for s in summary.studios)
    categories += sorted({c for _, c in cats if c and c not in categories})
    occupations = [o for o, _ in Counter(s.occupation for s in summary.studios).most_common()]
    levels = [lv for lv in policy.lists["skill_levels"] if any(s.level == lv for s in summary.studios)]
    levels += sorted({s.level for s in summary.studios if s.level and s.level not in levels})
    return [
        Table("按推荐单位和类别", "各推荐单位申报工作室数（按类别）", "推荐单位", recs, categories, cats,
              shown={r: short_name(policy, r) for r in recs}),
        Table("按职业工种", "工作室职业（工种）", "职业（工种）", occupations, [STUDIO_COUNT],
              Counter((s.occupation, STUDIO_COUNT) for s in summary.studios)),
        Table("按技能等级", "领办人职业技能等级", "职业技能等级", levels, [STUDIO_COUNT],
              Counter((s.level, STUDIO_COUNT) for s in summary.studios)),
    ]


def stats_sheets(book: Book, summary: MergeSummary, policy: Policy, majors: Counter) -> None:
    for sheet, tables in ((BASE_STATS, base_tables(summary, policy, majors)), (STUDIO_STATS, studio_tables(summary, policy))):
        ws = book.sheet(sheet)
        row, breaks = 0, []
        for t in tables:
            if row:
                breaks.append(row)           # each table starts a page
            row = _write_table(book, ws, sheet, row, t, breaks)
        ws.set_h_pagebreaks(breaks)
        ws.set_column(0, 0, 22)
        book.print_setup(ws, 0, landscape=False)


# ---------------------------------------------------------------- pivot tables


def pivot_sources(policy: Policy, bases: list[str], studios: list[str], majors: list[str],
                  funding_columns: list[str]) -> list[Source]:
    """The caches (基地汇总, 专业预算 — one row per major —, 工作室汇总) over the tables with these
    headers, and the pivots over them; each source's rows are added (Source.add) as its sheet is written."""
    tiers = list(policy.tiers)
    order_recs = [r.name for r in policy.recommenders]
    schema = build_schema(policy)

    def h(sheet: str, key: str) -> str:
        return schema.sheet(sheet).column(key).header

    unit, tier, attr, major = h("bases", "unit"), h("bases", "tier"), h("bases", "attribute"), h("majors", "major")
    leader, cat, occ, level = (h("studios", k) for k in ("leader", "category", "occupation", "level"))
    count = [Value(unit, "count", COUNT)]
    b = [
        Pivot("推荐单位×档次", BASE_PIVOTS, 0, 0, RECOMMENDER, tier, count, {RECOMMENDER: order_recs, tier: tiers}),
        Pivot("属性×档次", BASE_PIVOTS, 0, 0, attr, tier, count, {attr: list(policy.lists["base_attributes"]), tier: tiers}),
        Pivot("资金来源", BASE_PIVOTS, 0, 0, tier, None, [Value(c, "sum", f"{c}合计") for c in funding_columns],
              {tier: tiers}),
    ]
    m = [Pivot("申报专业", BASE_PIVOTS, 0, 0, major, None, [Value(unit, "count", MAJOR_COUNT)])]
    studio_count = [Value(leader, "count", STUDIO_COUNT)]
    s = [
        Pivot("推荐单位×类别", STUDIO_PIVOTS, 0, 0, RECOMMENDER, cat, studio_count,
              {RECOMMENDER: order_recs, cat: list(policy.lists["studio_categories"])}),
        Pivot("职业（工种）", STUDIO_PIVOTS, 0, 0, occ, None, studio_count),
        Pivot("技能等级", STUDIO_PIVOTS, 0, 0, level, None, studio_count, {level: list(policy.lists["skill_levels"])}),
    ]
    return [Source("基地汇总", 0, bases, b), Source("专业预算", 0, majors, m), Source("工作室汇总", 0, studios, s)]


def pivot_sheets(book: Book, sources: list[Source]) -> None:
    """The sheets the pivots stand on: a line saying what they are, then each pivot under its title."""
    shapes = layout(sources)
    for sheet in (BASE_PIVOTS, STUDIO_PIVOTS):
        ws = book.sheet(sheet)
        tables = "、".join(f"“{s.sheet}”" for s in sources if any(p.sheet == sheet for p in s.pivots))
        book.write(ws, 0, 0, f"数据透视表：数据来自{tables}，打开文件时自动刷新；可拖动字段重新透视。"
                   "同样的数字另见“基地统计”“工作室统计”（供打印）。", book.fmt(bold=True))
        row = 2
        for p in (p for s in sources for p in s.pivots if p.sheet == sheet):
            n_rows, *_ = shapes[p.name]
            book.write(ws, row, 0, p.name, book.fmt(font_size=12, bold=True))
            p.top, p.left = row + 1, 0
            row += 1 + n_rows + 3
        ws.set_column(0, 0, 30)
        ws.set_column(1, 12, 12)
        book.print_setup(ws, 0, landscape=False)
