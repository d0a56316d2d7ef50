"""A printed table continued on the next worksheet without its header (附件7 on 附件7、附件7（续）).

A clerk whose 附件7 runs past the page copies the rest of the rows onto a new sheet, often without
the header. No header is found there, so without this the rows would be lost without a word. A
sheet with no table of its own, after a sheet whose last table is a table of rows, is read in that
table's columns where its first project-like row fills the table's name column and at least
MIN_COLUMNS of its columns, with only title lines above it. The file is told (C-TEMPLATE, case
continued), and so is any other sheet with rows like a table's that no reader took: as a warning
right after a table (case unread: most likely its continuation, typed in other columns), else as a
hint (case unread_other: a form or a list of another kind). A cover or a note of a few lines is no
table and is not named.
"""

from __future__ import annotations

from macros_py.model.normalize import clean_text, norm_key
from macros_py.model.submission import Submission
from macros_py.policy.load import Policy
from macros_py.policy.schema import Schema, Sheet
from macros_py.read.grid import Grid, a1
from macros_py.read.headers import MIN_COLUMNS, HeaderHit

_LOOK = 6   # rows from the top of a sheet looked at for its first project row


def _first_row(grid: Grid, hit: HeaderHit, link_col: int, not_names: frozenset[str]) -> int | None:
    """The first row of `grid` that reads as a project row of `hit`'s table, with only title lines
    (one cell each) above it; None if there is none near the top. Its name column must hold a name:
    text that is no number and no choice of another column (政府办, 国有企业, 高级技师…), which is what
    it holds when the clerk's columns are not the header's (one column left out, or one more)."""
    cols = list(hit.columns.values())
    for row in range(min(grid.height, _LOOK)):
        texts = grid.row_texts(row)
        if not texts:
            continue
        name = grid.get(row, link_col)
        filled = sum(1 for c in cols if clean_text(grid.get(row, c)))
        if isinstance(name, str) and clean_text(name) and filled >= min(MIN_COLUMNS, len(cols)):
            return None if norm_key(name) in not_names else row
        if len(texts) > 1:
            return None
    return None


def _choices(sheet: Sheet, policy: Policy) -> frozenset[str]:
    return frozenset(norm_key(v) for c in sheet.columns if c.choices and c.key != sheet.link
                     for v in policy.lists.get(c.choices, ()))


def continuations(grids: list[Grid], hits: list[HeaderHit], schema: Schema, policy: Policy,
                  funding_sheets: set[str], sub: Submission) -> list[HeaderHit]:
    """Hits that read the sheets continuing a table (their `row` is the row above the first data row,
    -1 at the top); each continuation, and each sheet with content that nothing reads, noted in `sub`."""
    found = []
    by_grid = {id(g): [h for h in hits if h.grid is g] for g in grids}
    last: HeaderHit | None = None
    for grid in grids:
        own = by_grid[id(grid)]
        if own:
            last = max(own, key=lambda h: (h.row, h.span[0]))
            continue
        if grid.name in funding_sheets:
            last = None          # a 表4-2 sheet in between: what follows it continues no 附件7
            continue
        if grid.hidden or not any(grid.row_texts(r) for r in range(grid.height)):
            continue
        sheet = schema.sheet(last.sheet_key) if last is not None else None
        link_col = last.columns.get(sheet.link) if sheet is not None and sheet.link else None
        start = None
        if sheet is not None and not sheet.block and link_col is not None and not last.grid.hidden:
            start = _first_row(grid, last, link_col, _choices(sheet, policy))
        if start is None:
            if any(len(grid.row_texts(r)) >= MIN_COLUMNS for r in range(grid.height)):
                # rows like a table's (a cover or a note is not): right after a table of rows, most
                # likely its continuation in other columns
                after = last.grid.name if sheet is not None and not sheet.block and not last.grid.hidden else None
                sub.unread_sheets.append((grid.name, after))
            last = None
            continue
        hit = HeaderHit(grid, last.sheet_key, start - 1, dict(last.columns), dict(last.headers))
        found.append(hit)
        sub.continued.append((grid.name, a1(start, link_col), last.grid.name))
        last = hit
    return found
