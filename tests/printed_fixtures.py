"""Test fixtures: workbooks laid out exactly as the notice prints 附件7, 附件8 and 表4-2.

Header texts, titles, the '推荐单位：（公章）' line, the pre-numbered rows 1–4, the guidance in 附件8's
first row and the 备注 footer are copied from the notice (notice/000_7dfae1e48af4a10c.txt), not from
schema.py, so that these tests prove the reader matches the notice's own words. Kept in tests/ so it
is not mistaken for product code (the template branch may add a product writer of these layouts).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

FOOTER = "备注：此表由推荐单位填写,不用编制在申报材料内，单独上报并将电子版（Excel版）放入光盘内。"

# (key, header as printed) — 附件7
ANNEX7 = [("seq", "编号"), ("unit", "项目单位"), ("attribute", "属性"), ("address", "项目所在地址"),
          ("recommender", "推荐单位"), ("majors", "申报专业"), ("note", "备注")]
ANNEX7_TITLE = "市级高技能人才培训基地项目申报汇总表"
# 附件8, with the line breaks the notice prints
ANNEX8 = [("seq", "序号"), ("recommender", "推荐单位"), ("leader", "领办人"), ("unit", "申报单位"),
          ("nature", "单位\n性质"), ("address", "项目所在地址"), ("category", "类别"),
          ("occupation", "工作室职业\n（工种）"), ("level", "职业\n技能等级"), ("honours", "主要荣誉"),
          ("other_honours", "其他荣誉\n以及业绩"), ("size", "工作室\n规模")]
ANNEX8_TITLE = "市级技能大师工作室项目申报汇总表"
ANNEX8_GUIDANCE = {"recommender": "可写简称", "unit": "申报单位公章全称", "size": "XX㎡\nXX人"}

T42_SOURCES = ["上级财政补助\n（   万）", "所在地方财政\n投入", "行业企业\n投入", "其他\n投入"]
T42_LABELS = ["构建\n完善\n的高\n技能\n人才\n培训\n体系", "校企合\n作提升\n培训能\n力", "总结技\n能人才\n培养规\n律"]
WRAP = Alignment(wrap_text=True, vertical="center")


def _put(ws, row, col, value):
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and "\n" in value:
        cell.alignment = WRAP
    return cell


def annex_sheet(ws, columns, title, label, rows, *, recommender=None, start_row=1, order=None,
                header_style="plain", numbered=4, guidance=None, footer=True) -> dict[str, str]:
    """Write one printed summary table on `ws` from `start_row`. Returns {key: column letter}.

    header_style: "plain" (the notice's headers), "breaks" (every header broken over two lines in one
    cell) or "two_rows" (headers written over two rows, single-word ones merged down).
    order: the column keys in another order. rows: dicts keyed as `columns`.
    """
    from openpyxl.utils import get_column_letter

    cols = [dict(columns)[k] for k in order] if order else [h for _, h in columns]
    keys = order or [k for k, _ in columns]
    width = len(cols)
    last = get_column_letter(width)
    r = start_row
    _put(ws, r, 1, f"  {label}")
    r += 1
    _put(ws, r, 1, title)
    ws.merge_cells(f"A{r}:{last}{r}")
    r += 1
    _put(ws, r, 1, f"推荐单位：{recommender or ''}（公章）")
    r += 1
    if header_style == "two_rows":
        for c, text in enumerate(cols, start=1):
            flat = text.replace("\n", "")
            if len(flat) <= 2:
                _put(ws, r, c, flat)
                ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
            else:
                cut = len(flat) // 2
                _put(ws, r, c, flat[:cut])
                _put(ws, r + 1, c, flat[cut:])
        r += 2
    else:
        for c, text in enumerate(cols, start=1):
            flat = text.replace("\n", "")
            shown = flat[: len(flat) // 2] + "\n" + flat[len(flat) // 2:] if header_style == "breaks" and len(flat) > 2 else text
            _put(ws, r, c, shown)
        r += 1
    first_data = r
    n = max(numbered, len(rows))
    for i in range(n):
        data = dict(rows[i]) if i < len(rows) else {}
        if i == 0 and not rows and guidance:
            data = dict(guidance)
        data.setdefault("seq", i + 1)
        for c, key in enumerate(keys, start=1):
            if data.get(key) is not None:
                _put(ws, first_data + i, c, data[key])
    r = first_data + n
    if footer:
        _put(ws, r, 1, FOOTER)
        ws.merge_cells(f"A{r}:{last}{r}")
    return {key: get_column_letter(c) for c, key in enumerate(keys, start=1)} | {"_first": first_data, "_end": r}


def table_42(ws, start_row, amounts, *, unit=None, unit_style="line", shares=True, typed_totals=True,
             tamper=None) -> dict:
    """One 表4-2 as printed, from `start_row`. amounts: 3 contents x 4 sources (万元).

    unit_style: "line" ('项目单位：X（公章）' above), "title" (the unit in the title), or None.
    tamper: {(row_name, column_name): value} to type a wrong number ('head' / 0..2, 'amount0'...).
    Returns the addresses: {'head_row', 'rows': [..], 'amount': [col letters], 'share': [...], 'total'}.
    """
    r = start_row
    title = "表4-2投入预算汇总" if unit_style != "title" else f"{unit}投入预算汇总表"
    _put(ws, r, 1, title)
    r += 1
    if unit_style == "line":
        _put(ws, r, 1, f"项目单位：{unit}（公章）")
        r += 1
    top = r
    _put(ws, top, 1, "内容")
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 2, end_column=1)
    _put(ws, top, 2, "资金总预算及来源")
    ws.merge_cells(start_row=top, start_column=2, end_row=top, end_column=9)
    _put(ws, top, 10, "合  计")
    ws.merge_cells(start_row=top, start_column=10, end_row=top + 1, end_column=11)
    for i, text in enumerate(T42_SOURCES):
        _put(ws, top + 1, 2 + 2 * i, text)
        ws.merge_cells(start_row=top + 1, start_column=2 + 2 * i, end_row=top + 1, end_column=3 + 2 * i)
    for i in range(5):
        _put(ws, top + 2, 2 + 2 * i, "金额\n（万元）")
        _put(ws, top + 2, 3 + 2 * i, "比例\n（%）")
    head = top + 3
    rows = {"head": head, 0: head + 1, 1: head + 2, 2: head + 3}
    heads = [sum(amounts[c][s] for c in range(3)) for s in range(4)]
    table = {"head": heads, 0: amounts[0], 1: amounts[1], 2: amounts[2]}
    grand = sum(heads)
    _put(ws, head, 1, "合  计")
    for c in range(3):
        _put(ws, rows[c], 1, T42_LABELS[c])
    for name, row in rows.items():
        values = table[name]
        total = sum(values)
        for s, value in enumerate(values):
            _put(ws, row, 2 + 2 * s, value)
            if shares and total:
                _put(ws, row, 3 + 2 * s, round(value / total * 100, 2))
        if typed_totals:
            _put(ws, row, 10, total)
            _put(ws, row, 11, round(total / grand * 100, 2) if grand else None)
    for (name, column), value in (tamper or {}).items():
        kind, index = column[:-1], int(column[-1]) if column[-1].isdigit() else None
        col = {"amount": 2 + 2 * (index or 0), "share": 3 + 2 * (index or 0)}.get(kind, 10)
        _put(ws, rows[name], col, value)
    from openpyxl.utils import get_column_letter

    return {"rows": rows, "amount": [get_column_letter(2 + 2 * s) for s in range(4)],
            "share": [get_column_letter(3 + 2 * s) for s in range(4)], "total": "J", "end": head + 4,
            "top": top}


def write(path: Path, build) -> Path:
    """A workbook with no sheets of its own; `build(wb)` adds them."""
    wb = Workbook()
    wb.remove(wb.active)
    build(wb)
    wb.save(path)
    return path
