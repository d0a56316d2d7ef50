"""Writes 附件7, 附件8 and 表4-2 the way the notice prints them.

Many counties will fill the bureau's own file instead of the project's workbook: a label row
('附件7'), the title, '推荐单位：…（公章）', the header row (附件8's broken over two lines),
numbered rows (1–4 at least, as printed), and the 备注 footer. The columns are the schema's
`printed` columns with their `printed_header`; nothing here lists columns. The values are typed,
not formulas, as in a file filled by hand.

Used to write sample submissions in that layout (write_printed_submission) and, by the merge,
to print the master's 附件7/附件8 (write_printed_form). Both are write-once files (xlsx_book).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from macros_py.policy.load import Policy
from macros_py.policy.schema import Sheet, build_schema
from macros_py.write.cell_text import row_height, wrapped_lines
from macros_py.write.fill import shown_rows
from macros_py.write.form_text import (
    PRINTED_FOOTER,
    PRINTED_ROWS,
    printed_columns,
    printed_header,
    printed_width,
    recommender_line,
)
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book

__all__ = ["PRINTED_FOOTER", "PRINTED_ROWS", "write_printed_form", "write_printed_submission"]


class _Styles:
    """The printed forms' few cell formats: black grid, centred or left, 五号 and the 16-pt title."""

    def __init__(self, book: Book):
        grid = {"border": 1, "text_wrap": True, "valign": "vcenter"}
        self.title = book.fmt(font_size=16, bold=True, align="center", valign="vcenter")
        self.plain = book.fmt(valign="vcenter")
        self.head = book.fmt(bold=True, align="center", **grid)
        self.center = book.fmt(align="center", **grid)
        self.left = book.fmt(align="left", **grid)
        self.money = book.fmt(align="right", num_format="0.00", **grid)
        self.money_bold = book.fmt(align="right", num_format="0.00", bold=True, **grid)
        self.label = book.fmt(align="left", **grid)
        self.label_bold = book.fmt(align="left", bold=True, **grid)
        self.bold = book.fmt(bold=True)


def write_printed_form(book: Book, ws, sheet: Sheet, rows: list[dict], recommender: str | None) -> None:
    """One printed summary form (附件7 or 附件8) into `ws`; `rows` hold every column's value by key
    (typed and computed, as compute.derive gives them)."""
    st = _Styles(book)
    cols = printed_columns(sheet)
    last = len(cols) - 1
    book.write(ws, 0, 0, sheet.printed_label, st.bold)
    book.merge(ws, 1, 0, 1, last, sheet.printed_title, st.title)
    ws.set_row(1, 30)
    book.merge(ws, 2, 0, 2, last, recommender_line(recommender), st.plain)
    header = 3
    for i, col in enumerate(cols):
        book.write(ws, header, i, printed_header(col), st.head)
        ws.set_column(i, i, printed_width(col))
    ws.set_row(header, row_height(max(printed_header(c).count("\n") + 1 for c in cols)))
    numbered = max(len(rows), PRINTED_ROWS)
    for n in range(numbered):
        r = header + 1 + n
        values = rows[n] if n < len(rows) else {}
        lines = 1
        for i, col in enumerate(cols):
            value = n + 1 if i == 0 else values.get(col.key)
            book.write(ws, r, i, value, st.center if i == 0 else st.left)
            lines = max(lines, wrapped_lines(value, printed_width(col)) if isinstance(value, str) else 1)
        ws.set_row(r, row_height(lines))
    footer = header + numbered + 1
    book.merge(ws, footer, 0, footer, last, PRINTED_FOOTER, st.plain)
    book.print_setup(ws, header + 1, landscape=True)


def _money(value):
    return None if value is None else round(value, 2)


def write_printed_funding(book: Book, ws, block: list[dict], policy: Policy, unit: str, tier: str | None) -> None:
    """表4-2 as the 实施方案 prints it, for one base: `block` is its 合计 row and content rows."""
    st = _Styles(book)
    sources = policy.funding["sources"]
    subsidy = policy.tiers[tier].subsidy if tier in policy.tiers else None
    last = 2 * (len(sources) + 1)                 # column index of the last 比例 column
    funding = build_schema(policy).sheet("funding")
    book.merge(ws, 0, 0, 0, last, f"{funding.printed_label}{funding.printed_title}", st.title)
    book.merge(ws, 1, 0, 1, last, f"项目单位：{unit}", st.plain)
    top = 2
    book.merge(ws, top, 0, top + 2, 0, "内容", st.head)
    book.merge(ws, top, 1, top, last - 2, "资金总预算及来源", st.head)
    book.merge(ws, top, last - 1, top + 1, last, "合  计", st.head)
    for i, source in enumerate(sources):
        label = source
        if source == policy.funding["subsidy_source"]:
            label += f"\n（{subsidy:g}万）" if subsidy is not None else "\n（   万）"
        elif source.endswith("投入"):
            label = f"{source[:-2]}\n投入"  # 所在地方财政\n投入, as printed
        book.merge(ws, top + 1, 1 + 2 * i, top + 1, 2 + 2 * i, label, st.head)
    keys = [k for i in range(len(sources)) for k in (f"amount{i}", f"share{i}")] + ["total", None]
    for j in range(len(keys)):
        book.write(ws, top + 2, 1 + j, "金额\n（万元）" if j % 2 == 0 else "比例\n（%）", st.head)
    ws.set_row(top + 1, row_height(2))
    ws.set_row(top + 2, row_height(2))
    for n, row in enumerate(block):
        r = top + 3 + n
        head = bool(row.get("_head"))
        book.write(ws, r, 0, "合  计" if head else row["content"], st.label_bold if head else st.label)
        for j, key in enumerate(keys):
            value = _money(row.get(key)) if key else (100.0 if row.get("total") else None)
            book.write(ws, r, 1 + j, value, st.money_bold if head else st.money)
        ws.set_row(r, row_height(wrapped_lines(row["content"], 16)))
    ws.set_column(0, 0, 16)
    ws.set_column(1, last, 10)
    book.print_setup(ws, top + 3, landscape=True)


def write_printed_submission(path: str | Path, data: dict, policy: Policy, when: dt.datetime | None = None) -> Path:
    """A county's submission as the notice prints it: 附件7, 附件8 and one 表4-2 per base.

    `data` is what fill_template.write_filled takes; computed values (编号, 推荐单位, 工作室规模,
    the 表4-2 totals and shares) are typed in as a clerk would."""
    schema = build_schema(policy)
    rows = shown_rows(schema, data, policy)
    recommender = data.get("recommender")
    book = Book(when or document_time(policy))
    for sheet in schema.sheets:
        if sheet.printed_label and not sheet.block:  # 表4-2 is written per base below
            write_printed_form(book, book.sheet(sheet.printed_label), sheet, rows[sheet.key], recommender)
    funding = schema.sheet("funding")
    blocks = rows[funding.key]
    size = len(funding.block)
    for b in range(0, len(blocks), size):
        block = blocks[b:b + size]
        head = block[0]
        write_printed_funding(book, book.sheet(f"表4-2（{b // size + 1}）"), block, policy, head["unit"],
                              head.get("tier"))
    return book.save(path)
