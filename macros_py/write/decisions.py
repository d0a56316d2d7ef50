"""The bureau's 人工裁定 workbook, written once beside the ledger when there is none yet: the columns
merge.decisions reads, the questions of the first run with the 裁定 column empty and validated.
An existing workbook is the bureau's own and is never written over (new questions are copied in from
the master's 待裁定 sheet)."""

from __future__ import annotations

from pathlib import Path

from macros_py.policy.load import Policy
from macros_py.write.master import option_ranges, question_sheet
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book


def write_decisions_book(path: str | Path, questions, policy: Policy) -> Path | None:
    """Create the 人工裁定 workbook at `path` unless it exists; the path written, or None."""
    path = Path(path)
    if path.exists():
        return None
    book = Book(document_time(policy), f"{policy.year}年申报人工裁定", output="decisions")
    ws = book.sheet("人工裁定")
    ranges = option_ranges(book, questions)
    question_sheet(book, ws, questions, ranges, open_only=True)
    return book.save(path)
