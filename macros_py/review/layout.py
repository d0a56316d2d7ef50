"""What every review workbook shares: the document time, the title lines, and the hidden 评审数据 sheet
that says what the workbook is and carries its data as JSON (so that collect never needs the master)."""

from __future__ import annotations

import json

from macros_py.model.summary import CHUNK
from macros_py.policy.load import Policy
from macros_py.read.own_output import REVIEW
from macros_py.review.books import META_SHEET
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book

KIND_SCORESHEET, KIND_CHECKSHEET, KIND_EXPERTS, KIND_RESULTS, KIND_DECISIONS = (
    "评分表", "复核表", "专家名单", "评审结果", "评审人工裁定")


def new_book(policy: Policy, title: str) -> Book:
    """Stamped as ours (read.own_output.REVIEW): a review workbook that lands in an inbox is never read as
    a submission."""
    return Book(document_time(policy), title, output=REVIEW)


def title_rows(book: Book, ws, lines: list[str], width: int) -> int:
    """A bold title and its sub-lines merged across `width` columns; returns the next row."""
    big = book.fmt(bold=True, font_size=16, align="center", valign="vcenter")
    small = book.fmt(text_wrap=True, valign="vcenter")
    book.merge(ws, 0, 0, 0, width - 1, lines[0], big)
    ws.set_row(0, 30)
    for r, line in enumerate(lines[1:], start=1):
        book.merge(ws, r, 0, r, width - 1, line, small)
        ws.set_row(r, 20)
    return len(lines)


def meta_sheet(book: Book, kind: str, pairs: list[tuple[str, str]], data: dict) -> None:
    ws = book.sheet(META_SHEET)
    ws.very_hidden()
    rows = [("类型", kind), *pairs]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    rows += [("数据", text[i:i + CHUNK]) for i in range(0, len(text), CHUNK)]
    for r, (key, value) in enumerate(rows):
        book.write(ws, r, 0, key)
        book.write(ws, r, 1, value)


def page(ws, header_rows: int, columns: int, landscape: bool = True) -> None:
    Book.print_setup(ws, header_rows, landscape=landscape, columns=min(columns, 16))
